/* `loihi-emu boards`: the shipped boards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "emu/cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: loihi-emu boards\n"
               "\n"
               "Lists the shipped boards (config/boards/*.yaml). Any of them, a board YAML file of\n"
               "your own, or RxC (a grid of R x C chips, e.g. 2x4) can be given where a board is asked.\n");
}

int le_cmd_boards(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
        le_error err;
        le_fail(&err, LE_ERR_USAGE, "boards: unexpected argument '%s' (see loihi-emu boards --help)", argv[i]);
        return le_cli_report_error(&err);
    }
    le_board_spec *list = NULL;
    uint32_t n = 0;
    le_error err;
    le_error_clear(&err);
    if (le_board_list(&list, &n, &err) != LE_OK)
        return le_cli_report_error(&err);
    printf("%-18s %6s %8s %7s  %s\n", "board", "chips", "grid", "cores", "file");
    for (uint32_t i = 0; i < n; i++) {
        const le_board_geom *g = &list[i].geom;
        char grid[32];
        snprintf(grid, sizeof grid, "%ux%u", g->chip_rows, g->chip_cols);
        printf("%-18s %6u %8s %7u  %s\n", g->name, g->n_chips, grid, g->n_chips * g->cores_per_chip, list[i].path);
    }
    free(list);
    return 0;
}
