/* The board's network as flat link ids: per chip, each router's four mesh output links
 * (E, W, N, S), one local link from the router into each core (the within-tile traversal
 * every packet ends with), and one chip-to-chip port per chip edge. Routing is Loihi's
 * dimension order: X then Y on the mesh; across chips X then Y through the edge ports. */
#ifndef LE_NOC_TOPO_H
#define LE_NOC_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include "board/board.h"
#include "chip/arch.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Link classes: each has its own latency, serialisation interval and energy. */
enum { LE_LC_LOCAL = 0, LE_LC_EW = 1, LE_LC_NS = 2, LE_LC_CHIP = 3, LE_LC_BOARD = 4, LE_LC_N = 5 };
/* Directions: x grows eastwards, y northwards, on the mesh and on the chip grid. */
enum { LE_DIR_E = 0, LE_DIR_W = 1, LE_DIR_N = 2, LE_DIR_S = 3 };

typedef struct {
    le_board_geom g;
    uint32_t n_routers;      /* per chip: tiles_x * tiles_y */
    uint32_t links_per_chip; /* 4 * n_routers + cores_per_chip + 4 */
    uint32_t n_links;
    uint32_t n_cores;        /* on the board */
    le_link_cost cls[LE_LC_N];
    uint32_t x86_tx, x86_ty;
    uint32_t port_row_ew, port_col_ns;
    uint32_t board_rows, board_cols; /* sub-board size in chips (0: one board) */
    uint32_t max_route;      /* longest possible route, in links */
} le_topo;

le_code le_topo_init(le_topo *t, const le_board_spec *b, const le_arch *a, le_error *err);

/* Route of a packet from src (core gid, or LE_SRC_X86(chip)) to core dst: link ids and
 * classes in traversal order (room for t->max_route each). Returns the number of links
 * (always >= 1: the final local link). Ids must be valid (see le_topo_valid_*). */
uint32_t le_route(const le_topo *t, uint32_t src, uint32_t dst, uint32_t *links, uint8_t *cls);

int le_topo_valid_src(const le_topo *t, uint32_t src);
int le_topo_valid_dst(const le_topo *t, uint32_t dst);

int le_link_class(const le_topo *t, uint32_t link);
uint32_t le_link_chip(const le_topo *t, uint32_t link);
/* "chip 3 router (2,1) E", "chip 3 core 17 local", "chip 3 port E -> chip 4". */
void le_link_name(const le_topo *t, uint32_t link, char *buf, size_t cap);

/* Link ids, for tests and the SystemC modules. */
uint32_t le_link_mesh(const le_topo *t, uint32_t chip, uint32_t tx, uint32_t ty, int dir);
uint32_t le_link_local(const le_topo *t, uint32_t chip, uint32_t core);
uint32_t le_link_port(const le_topo *t, uint32_t chip, int dir);

#ifdef __cplusplus
}
#endif
#endif
