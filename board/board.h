/* Board geometry: chips on a grid, each chip a mesh of tiles of neuro-cores. */
#ifndef LE_BOARD_BOARD_H
#define LE_BOARD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char name[64];
    uint32_t chip_rows, chip_cols; /* chips on a grid; chip id = row * chip_cols + col */
    uint32_t n_chips;
    uint32_t tiles_x, tiles_y;     /* tiles on each chip's mesh (8 x 4 [SANA-FE loihi.yaml]) */
    uint32_t cores_per_tile;       /* 4 */
    uint32_t cores_per_chip;       /* tiles_x * tiles_y * cores_per_tile = 128 */
    uint32_t x86_per_chip;         /* 3 */
} le_board_geom;

static inline uint32_t le_core_gid(const le_board_geom *g, uint32_t chip, uint32_t core)
{
    return chip * g->cores_per_chip + core;
}
static inline uint32_t le_gid_chip(const le_board_geom *g, uint32_t gid) { return gid / g->cores_per_chip; }
static inline uint32_t le_gid_core(const le_board_geom *g, uint32_t gid) { return gid % g->cores_per_chip; }

/* A single-chip geometry with the Loihi floorplan (for tests and functional runs). */
le_board_geom le_board_geom_single_chip(void);

/* --- Board files (config/boards/NAME.yaml, or a file of the user) --- */

#define LE_BOARD_MAX_CHIPS 16384u /* the mesh protocol addresses up to 16,384 chips [D18, FUSE] */

/* A board as loaded from its YAML file: the geometry plus what the geometry leaves out. */
typedef struct {
    le_board_geom geom;
    char path[512];          /* file it came from ("" for a "RxC" grid given on the command line) */
    char description[256];
    /* Chips group into sub-boards of board_rows x board_cols chips (0 = the board is one
     * board); a chip-to-chip link crossing a sub-board edge is an inter-board link. */
    uint32_t board_rows, board_cols;
    int has_board_link;
    int64_t board_link_lat_ps, board_link_ser_ps;
    double board_link_e_pj;
} le_board_spec;

/* Loads a board: a shipped name (config/boards/NAME.yaml), a YAML file path (anything with
 * a '/' or ending in .yaml), or "RxC" (R rows by C columns of chips, e.g. "2x4").
 * chip gives the chip floorplan (tiles, cores per tile, x86 cores); NULL = Loihi's.
 * Errors name FILE:LINE and the field. */
le_code le_board_load(const char *board, const le_board_geom *chip, le_board_spec *out, le_error *err);

/* The names --board takes for the shipped boards ("kapoho-bay, nahuku32, ..."), from the
 * file names in config/boards, sorted; "" when there are none. Loads no file. */
void le_board_names(char *out, size_t cap);

/* The shipped boards, sorted by name (each loaded with the Loihi floorplan); free() *out. */
le_code le_board_list(le_board_spec **out, uint32_t *n, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
