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

/* "RxC" -> grid; returns 1 when board has that form. */
static int parse_grid(const char *s, uint32_t *rows, uint32_t *cols)
{
    unsigned r = 0, c = 0;
    int used = 0;
    if (sscanf(s, "%ux%u%n", &r, &c, &used) == 2 && s[used] == '\0' && r > 0 && c > 0) {
        *rows = r;
        *cols = c;
        return 1;
    }
    return 0;
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
    uint32_t rows, cols;
    if (parse_grid(board, &rows, &cols)) {
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
        /* Name the shipped boards so that the user can pick one. */
        le_board_spec *list = NULL;
        uint32_t n = 0;
        char names[512] = "";
        if (le_board_list(&list, &n, NULL) == LE_OK) {
            for (uint32_t i = 0; i < n; i++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", list[i].geom.name);
            }
        }
        free(list);
        return le_fail(err, LE_ERR_USAGE, "board '%s': not a shipped board (%s), a YAML file or RxC", board,
                       names[0] ? names : "none found");
    }
    fclose(f);
    return load_file(path, chip, out, err);
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
