#include <string.h>

#include "board/board.h"

le_board_geom le_board_geom_single_chip(void)
{
    le_board_geom g;
    memset(&g, 0, sizeof g);
    strcpy(g.name, "single-chip");
    g.chip_rows = 1;
    g.chip_cols = 1;
    g.n_chips = 1;
    g.tiles_x = 8;
    g.tiles_y = 4;
    g.cores_per_tile = 4;
    g.cores_per_chip = 128;
    g.x86_per_chip = 3;
    return g;
}
