#include "noc/topo.h"

#include <stdio.h>
#include <string.h>

#include "core/activity.h"

le_code le_topo_init(le_topo *t, const le_board_spec *b, const le_arch *a, le_error *err)
{
    memset(t, 0, sizeof *t);
    t->g = b->geom;
    if (t->g.tiles_x != a->tiles_x || t->g.tiles_y != a->tiles_y || t->g.cores_per_tile != a->cores_per_tile)
        return le_fail(err, LE_ERR_CONFIG, "board %s: chip floorplan %ux%u tiles of %u cores differs from %s (%ux%u of %u)",
                       t->g.name, t->g.tiles_x, t->g.tiles_y, t->g.cores_per_tile, a->path, a->tiles_x, a->tiles_y,
                       a->cores_per_tile);
    t->n_routers = a->tiles_x * a->tiles_y;
    t->links_per_chip = 4 * t->n_routers + t->g.cores_per_chip + 4;
    uint64_t nl = (uint64_t)t->links_per_chip * t->g.n_chips;
    uint64_t nc = (uint64_t)t->g.cores_per_chip * t->g.n_chips;
    if (nl >= 0x7fffffffu || nc >= LE_SRC_X86_FLAG)
        return le_fail(err, LE_ERR_LIMIT, "board %s: %llu links / %llu cores do not fit 31-bit ids", t->g.name,
                       (unsigned long long)nl, (unsigned long long)nc);
    t->n_links = (uint32_t)nl;
    t->n_cores = (uint32_t)nc;
    t->cls[LE_LC_LOCAL] = a->local;
    t->cls[LE_LC_EW] = a->hop_ew;
    t->cls[LE_LC_NS] = a->hop_ns;
    t->cls[LE_LC_CHIP] = a->chip_link;
    if (b->has_board_link) {
        t->cls[LE_LC_BOARD].e_pj = b->board_link_e_pj;
        t->cls[LE_LC_BOARD].lat_ps = b->board_link_lat_ps;
        t->cls[LE_LC_BOARD].ser_ps = b->board_link_ser_ps;
        t->board_rows = b->board_rows;
        t->board_cols = b->board_cols;
    } else {
        t->cls[LE_LC_BOARD] = a->chip_link;
    }
    t->x86_tx = a->x86_tile_x;
    t->x86_ty = a->x86_tile_y;
    t->port_row_ew = a->port_row_ew;
    t->port_col_ns = a->port_col_ns;
    /* Each chip crossed costs at most one mesh segment plus its port link. */
    uint32_t seg = (a->tiles_x - 1) + (a->tiles_y - 1);
    t->max_route = (t->g.chip_cols + t->g.chip_rows) * (seg + 1) + seg + 1;
    return LE_OK;
}

uint32_t le_link_mesh(const le_topo *t, uint32_t chip, uint32_t tx, uint32_t ty, int dir)
{
    return chip * t->links_per_chip + (ty * t->g.tiles_x + tx) * 4u + (uint32_t)dir;
}

uint32_t le_link_local(const le_topo *t, uint32_t chip, uint32_t core)
{
    return chip * t->links_per_chip + 4u * t->n_routers + core;
}

uint32_t le_link_port(const le_topo *t, uint32_t chip, int dir)
{
    return chip * t->links_per_chip + 4u * t->n_routers + t->g.cores_per_chip + (uint32_t)dir;
}

int le_topo_valid_src(const le_topo *t, uint32_t src)
{
    if (src & LE_SRC_X86_FLAG)
        return (src & ~LE_SRC_X86_FLAG) < t->g.n_chips;
    return src < t->n_cores;
}

int le_topo_valid_dst(const le_topo *t, uint32_t dst) { return dst < t->n_cores; }

/* Appends the X-then-Y mesh route from (x, y) to (x2, y2) on chip. */
static uint32_t mesh(const le_topo *t, uint32_t chip, uint32_t x, uint32_t y, uint32_t x2, uint32_t y2,
                     uint32_t *links, uint8_t *cls, uint32_t n)
{
    while (x < x2) {
        links[n] = le_link_mesh(t, chip, x, y, LE_DIR_E);
        cls[n++] = LE_LC_EW;
        x++;
    }
    while (x > x2) {
        links[n] = le_link_mesh(t, chip, x, y, LE_DIR_W);
        cls[n++] = LE_LC_EW;
        x--;
    }
    while (y < y2) {
        links[n] = le_link_mesh(t, chip, x, y, LE_DIR_N);
        cls[n++] = LE_LC_NS;
        y++;
    }
    while (y > y2) {
        links[n] = le_link_mesh(t, chip, x, y, LE_DIR_S);
        cls[n++] = LE_LC_NS;
        y--;
    }
    return n;
}

static int crosses_board(uint32_t a, uint32_t b, uint32_t size) { return size && a / size != b / size; }

uint32_t le_route(const le_topo *t, uint32_t src, uint32_t dst, uint32_t *links, uint8_t *cls)
{
    const le_board_geom *g = &t->g;
    uint32_t chip, x, y;
    if (src & LE_SRC_X86_FLAG) {
        chip = src & ~LE_SRC_X86_FLAG;
        x = t->x86_tx;
        y = t->x86_ty;
    } else {
        chip = src / g->cores_per_chip;
        uint32_t tile = (src % g->cores_per_chip) / g->cores_per_tile;
        x = tile % g->tiles_x;
        y = tile / g->tiles_x;
    }
    uint32_t dchip = dst / g->cores_per_chip, dcore = dst % g->cores_per_chip;
    uint32_t dtile = dcore / g->cores_per_tile;
    uint32_t dx = dtile % g->tiles_x, dy = dtile / g->tiles_x;
    uint32_t col = chip % g->chip_cols, row = chip / g->chip_cols;
    uint32_t dcol = dchip % g->chip_cols, drow = dchip / g->chip_cols;
    uint32_t n = 0;
    while (col != dcol) {
        int dir = dcol > col ? LE_DIR_E : LE_DIR_W;
        uint32_t px = dir == LE_DIR_E ? g->tiles_x - 1 : 0;
        n = mesh(t, chip, x, y, px, t->port_row_ew, links, cls, n);
        uint32_t ncol = dir == LE_DIR_E ? col + 1 : col - 1;
        links[n] = le_link_port(t, chip, dir);
        cls[n++] = crosses_board(col, ncol, t->board_cols) ? LE_LC_BOARD : LE_LC_CHIP;
        col = ncol;
        chip = row * g->chip_cols + col;
        x = dir == LE_DIR_E ? 0 : g->tiles_x - 1;
        y = t->port_row_ew;
    }
    while (row != drow) {
        int dir = drow > row ? LE_DIR_N : LE_DIR_S;
        uint32_t py = dir == LE_DIR_N ? g->tiles_y - 1 : 0;
        n = mesh(t, chip, x, y, t->port_col_ns, py, links, cls, n);
        uint32_t nrow = dir == LE_DIR_N ? row + 1 : row - 1;
        links[n] = le_link_port(t, chip, dir);
        cls[n++] = crosses_board(row, nrow, t->board_rows) ? LE_LC_BOARD : LE_LC_CHIP;
        row = nrow;
        chip = row * g->chip_cols + col;
        x = t->port_col_ns;
        y = dir == LE_DIR_N ? 0 : g->tiles_y - 1;
    }
    n = mesh(t, chip, x, y, dx, dy, links, cls, n);
    links[n] = le_link_local(t, chip, dcore);
    cls[n++] = LE_LC_LOCAL;
    return n;
}

uint32_t le_link_chip(const le_topo *t, uint32_t link) { return link / t->links_per_chip; }

/* Grid position (col, row) of the chip that port `dir` of `chip` leads to. */
static void port_peer(const le_topo *t, uint32_t chip, int dir, uint32_t *col, uint32_t *row)
{
    *col = chip % t->g.chip_cols;
    *row = chip / t->g.chip_cols;
    if (dir == LE_DIR_E)
        ++*col;
    else if (dir == LE_DIR_W)
        --*col;
    else if (dir == LE_DIR_N)
        ++*row;
    else
        --*row;
}

int le_link_class(const le_topo *t, uint32_t link)
{
    uint32_t chip = link / t->links_per_chip, off = link % t->links_per_chip;
    if (off < 4 * t->n_routers)
        return (off & 3u) <= LE_DIR_W ? LE_LC_EW : LE_LC_NS;
    if (off < 4 * t->n_routers + t->g.cores_per_chip)
        return LE_LC_LOCAL;
    int dir = (int)(off - 4 * t->n_routers - t->g.cores_per_chip);
    uint32_t col, row;
    port_peer(t, chip, dir, &col, &row);
    /* only the coordinate the port moves along can change */
    return crosses_board(chip % t->g.chip_cols, col, t->board_cols) ||
                   crosses_board(chip / t->g.chip_cols, row, t->board_rows) ?
               LE_LC_BOARD :
               LE_LC_CHIP;
}

void le_link_name(const le_topo *t, uint32_t link, char *buf, size_t cap)
{
    static const char dn[4] = {'E', 'W', 'N', 'S'};
    uint32_t chip = link / t->links_per_chip, off = link % t->links_per_chip;
    if (off < 4 * t->n_routers) {
        uint32_t r = off / 4;
        snprintf(buf, cap, "chip %u router (%u,%u) %c", chip, r % t->g.tiles_x, r / t->g.tiles_x, dn[off & 3u]);
    } else if (off < 4 * t->n_routers + t->g.cores_per_chip) {
        snprintf(buf, cap, "chip %u core %u local", chip, off - 4 * t->n_routers);
    } else {
        int dir = (int)(off - 4 * t->n_routers - t->g.cores_per_chip);
        uint32_t col, row;
        port_peer(t, chip, dir, &col, &row);
        snprintf(buf, cap, "chip %u port %c -> chip %u", chip, dn[dir], row * t->g.chip_cols + col);
    }
}
