/* Board geometry: chips on a grid, each chip a mesh of tiles of neuro-cores. */
#ifndef LE_BOARD_BOARD_H
#define LE_BOARD_BOARD_H

#include <stdint.h>

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

#ifdef __cplusplus
}
#endif
#endif
