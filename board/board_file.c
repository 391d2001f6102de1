/* Board files: chips on a grid, optional sub-boards joined by inter-board links. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "chip/arch.h"
#include "util/yaml.h"

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static void fill_chip(le_board_geom *g, const le_board_geom *chip)
{
    le_board_geom def = le_board_geom_single_chip();
    if (!chip)
        chip = &def;
    g->tiles_x = chip->tiles_x;
    g->tiles_y = chip->tiles_y;
    g->cores_per_tile = chip->cores_per_tile;
    g->cores_per_chip = chip->tiles_x * chip->tiles_y * chip->cores_per_tile;
    g->x86_per_chip = chip->x86_per_chip;
}

static le_code check_grid(const char *where, uint32_t rows, uint32_t cols, le_error *err)
{
    if ((uint64_t)rows * cols > LE_BOARD_MAX_CHIPS)
        return le_fail(err, LE_ERR_LIMIT, "%s: %u x %u = %llu chips, more than the %u the mesh protocol addresses", where,
                       rows, cols, (unsigned long long)rows * cols, LE_BOARD_MAX_CHIPS);
    return LE_OK;
}

/* One side of "RxC": decimal digits only, so that "4294967297" is not taken modulo 2^32
 * (sscanf's %u wraps) and "+2" or " 2" are not grids. Returns the end, or NULL. */
static const char *grid_side(const char *s, unsigned long long *v)
{
    if (*s < '0' || *s > '9')
        return NULL;
    unsigned long long x = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        x = x > UINT32_MAX ? x : x * 10 + (unsigned)(*s - '0'); /* saturates above 2^32 */
    *v = x;
    return s;
}

/* "RxC" -> grid; returns 1 when board has that form, -1 when it has it but a side is 0 or
 * beyond 2^32 - 1 (an error, not a file name). */
static int parse_grid(const char *s, uint32_t *rows, uint32_t *cols, unsigned long long *r_out,
                      unsigned long long *c_out)
{
    unsigned long long r = 0, c = 0;
    const char *p = grid_side(s, &r);
    if (!p || *p != 'x' || !(p = grid_side(p + 1, &c)) || *p)
        return 0;
    *r_out = r;
    *c_out = c;
    if (r == 0 || c == 0 || r > UINT32_MAX || c > UINT32_MAX)
        return -1;
    *rows = (uint32_t)r;
    *cols = (uint32_t)c;
    return 1;
}

static le_code load_file(const char *path, const le_board_geom *chip, le_board_spec *out, le_error *err)
{
    le_cfg c;
    le_code rc = le_cfg_load(&c, path, err);
    if (rc)
        return rc;
    le_board_spec b;
    memset(&b, 0, sizeof b);
    snprintf(b.path, sizeof b.path, "%s", path);
    int root = le_cfg_root(&c), chips, boards;
    le_link_cost link;
    if (!le_cfg_is_map(&c, root)) {
        rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: expected a mapping at the top", path, le_cfg_line(&c, root));
        goto done;
    }
    if ((rc = le_cfg_string(&c, root, "name", "name", 1, b.geom.name, sizeof b.geom.name, err)) ||
        (rc = le_cfg_string(&c, root, "description", "description", 0, b.description, sizeof b.description, err)))
        goto done;
    if ((rc = le_cfg_map(&c, root, "chips", "chips", &chips, err)) ||
        (rc = le_cfg_uint(&c, chips, 0, "rows", "chips.rows", 1, LE_BOARD_MAX_CHIPS, 1, &b.geom.chip_rows, err)) ||
        (rc = le_cfg_uint(&c, chips, 0, "cols", "chips.cols", 1, LE_BOARD_MAX_CHIPS, 1, &b.geom.chip_cols, err)))
        goto done;
    {
        char where[600];
        snprintf(where, sizeof where, "%s:%d: field chips", path, le_cfg_line(&c, chips));
        if ((rc = check_grid(where, b.geom.chip_rows, b.geom.chip_cols, err)))
            goto done;
    }
    if ((boards = le_cfg_get(&c, root, "boards"))) {
        if (!le_cfg_is_map(&c, boards)) {
            rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: field boards: expected a mapping", path, le_cfg_line(&c, boards));
            goto done;
        }
        if ((rc = le_cfg_uint(&c, boards, 0, "board_rows", "boards.board_rows", 1, b.geom.chip_rows, 1, &b.board_rows,
                              err)) ||
            (rc = le_cfg_uint(&c, boards, 0, "board_cols", "boards.board_cols", 1, b.geom.chip_cols, 1, &b.board_cols,
                              err)) ||
            (rc = le_arch_link_cost(&c, boards, "link", "boards", &link, err)))
            goto done;
        b.has_board_link = 1;
        b.board_link_e_pj = link.e_pj;
        b.board_link_lat_ps = link.lat_ps;
        b.board_link_ser_ps = link.ser_ps;
    }
    if ((rc = le_cfg_check_unknown(&c, err)))
        goto done;
    b.geom.n_chips = b.geom.chip_rows * b.geom.chip_cols;
    fill_chip(&b.geom, chip);
    *out = b;
done:
    le_cfg_free(&c);
    return rc;
}

le_code le_board_load(const char *board, const le_board_geom *chip, le_board_spec *out, le_error *err)
{
    if (!board || !board[0])
        return le_fail(err, LE_ERR_USAGE, "no board given");
    uint32_t rows = 0, cols = 0;
    unsigned long long r = 0, cl = 0;
    int grid = parse_grid(board, &rows, &cols, &r, &cl);
    if (grid < 0) {
        if (r == 0 || cl == 0)
            return le_fail(err, LE_ERR_USAGE, "board '%s': a grid needs at least 1 x 1 chips", board);
        return le_fail(err, LE_ERR_LIMIT,
                       "board '%s': %s above %u, more chips than the %u the mesh protocol addresses", board,
                       r > UINT32_MAX ? "rows" : "cols", UINT32_MAX, LE_BOARD_MAX_CHIPS);
    }
    if (grid > 0) {
        le_code rc = check_grid(board, rows, cols, err);
        if (rc)
            return rc;
        memset(out, 0, sizeof *out);
        snprintf(out->geom.name, sizeof out->geom.name, "%ux%u", rows, cols);
        snprintf(out->description, sizeof out->description, "%u x %u grid of chips", rows, cols);
        out->geom.chip_rows = rows;
        out->geom.chip_cols = cols;
        out->geom.n_chips = rows * cols;
        fill_chip(&out->geom, chip);
        return LE_OK;
    }
    if (strchr(board, '/') || ends_with(board, ".yaml") || ends_with(board, ".yml"))
        return load_file(board, chip, out, err);
    char path[1024];
    snprintf(path, sizeof path, "%s/boards/%s.yaml", le_config_dir(), board);
    FILE *f = fopen(path, "rb");
    if (!f) {
        /* Name the shipped boards so that the user can pick one: the names of the files,
         * which are what --board takes, without loading them (one unreadable file must not
         * hide the others). */
        char names[512] = "";
        le_board_names(names, sizeof names);
        return le_fail(err, LE_ERR_USAGE, "board '%s': not a shipped board (%s), a YAML file or RxC", board,
                       names[0] ? names : "none found");
    }
    fclose(f);
    return load_file(path, chip, out, err);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void le_board_names(char *out, size_t cap)
{
    out[0] = '\0';
    char dirpath[1024];
    snprintf(dirpath, sizeof dirpath, "%s/boards", le_config_dir());
    DIR *d = opendir(dirpath);
    if (!d)
        return;
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".yaml"))
            continue;
        if (!(names[n] = malloc(len - 4)))
            break;
        memcpy(names[n], e->d_name, len - 5);
        names[n][len - 5] = '\0';
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const le_board_spec *)a)->geom.name, ((const le_board_spec *)b)->geom.name);
}

le_code le_board_list(le_board_spec **out, uint32_t *n, le_error *err)
{
    *out = NULL;
    *n = 0;
    char dirpath[1024];
    snprintf(dirpath, sizeof dirpath, "%s/boards", le_config_dir());
    DIR *d = opendir(dirpath);
    if (!d)
        return le_fail(err, LE_ERR_IO, "%s: cannot open the board folder", dirpath);
    le_board_spec *list = NULL;
    uint32_t cnt = 0, cap = 0;
    le_code rc = LE_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".yaml"))
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 8;
            le_board_spec *nl = realloc(list, cap * sizeof *nl);
            if (!nl) {
                rc = le_fail(err, LE_ERR_NOMEM, "out of memory listing boards");
                break;
            }
            list = nl;
        }
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
        if ((rc = load_file(path, NULL, &list[cnt], err)))
            break;
        cnt++;
    }
    closedir(d);
    if (rc) {
        free(list);
        return rc;
    }
    qsort(list, cnt, sizeof *list, cmp_name);
    *out = list;
    *n = cnt;
    return LE_OK;
}
