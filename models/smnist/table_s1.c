#include "models/smnist/table_s1.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/yaml.h"

static const char *const ours_names[] = {"measured", "calibrated", "computed", "derived"};

static le_code read_figure(le_cfg *c, int item, uint32_t i, le_s1_figure *f, le_error *err)
{
    char field[64], ours[32] = "";
    le_code rc;
#define FIELD(name) (snprintf(field, sizeof field, "figures[%u].%s", i, name), field)
    if ((rc = le_cfg_string(c, item, "figure", FIELD("figure"), 1, f->figure, sizeof f->figure, err)) ||
        (rc = le_cfg_string(c, item, "key", FIELD("key"), 1, f->key, sizeof f->key, err)) ||
        (rc = le_cfg_string(c, item, "unit", FIELD("unit"), 1, f->unit, sizeof f->unit, err)) ||
        (rc = le_cfg_string(c, item, "source", FIELD("source"), 1, f->source, sizeof f->source, err)) ||
        (rc = le_cfg_figure(c, item, 0, "paper", FIELD("paper"), -1e12, 1e12, &f->paper, err)) ||
        (rc = le_cfg_string(c, item, "ours", FIELD("ours"), 1, ours, sizeof ours, err)) ||
        (rc = le_cfg_string(c, item, "note", FIELD("note"), 0, f->note, sizeof f->note, err)))
        return rc;
    int line = le_cfg_line(c, le_cfg_get(c, item, "ours"));
    uint32_t k = 0;
    while (k < sizeof ours_names / sizeof ours_names[0] && strcmp(ours, ours_names[k]))
        k++;
    if (k == sizeof ours_names / sizeof ours_names[0])
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: '%s', expected measured, calibrated, computed or derived",
                       c->path, line, FIELD("ours"), ours);
    f->ours = (le_s1_ours)k;
    /* The printed note of a calibrated or derived figure is the program's, the same for all. */
    int wants_note = f->ours == LE_S1_MEASURED || f->ours == LE_S1_COMPUTED;
    if (wants_note != (f->note[0] != 0))
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: %s", c->path, line, FIELD("note"),
                       wants_note ? "missing (a measured or computed figure says how)"
                                  : "not used with a calibrated or derived figure");
#undef FIELD
    return LE_OK;
}

le_code le_table_s1_load(const char *path, le_s1_table *t, le_error *err)
{
    memset(t, 0, sizeof *t);
    le_cfg c;
    le_code rc = le_cfg_load(&c, path, err);
    if (rc)
        return rc;
    int root = le_cfg_root(&c), seq = 0;
    if (!root || !le_cfg_is_map(&c, root)) {
        rc = le_fail(err, LE_ERR_CONFIG, "%s: expected a mapping with `figures:`", path);
        goto done;
    }
    if ((rc = le_cfg_seq(&c, root, "figures", "figures", &seq, err)))
        goto done;
    int n = le_cfg_seq_len(&c, seq);
    if (n <= 0) {
        rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: field figures: empty", path, le_cfg_line(&c, seq));
        goto done;
    }
    t->fig = calloc((size_t)n, sizeof *t->fig);
    if (!t->fig) {
        rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory for %d figures", path, n);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        int item = le_cfg_seq_item(&c, seq, i);
        if (!le_cfg_is_map(&c, item)) {
            rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: field figures[%d]: expected a mapping", path,
                         le_cfg_line(&c, item), i);
            goto done;
        }
        if ((rc = read_figure(&c, item, (uint32_t)i, &t->fig[i], err)))
            goto done;
        for (int k = 0; k < i; k++)
            if (!strcmp(t->fig[k].key, t->fig[i].key)) {
                rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: field figures[%d].key: '%s' again (also figures[%d])", path,
                             le_cfg_line(&c, item), i, t->fig[i].key, k);
                goto done;
            }
        t->n = (uint32_t)i + 1;
    }
    rc = le_cfg_check_unknown(&c, err);
done:
    le_cfg_free(&c);
    if (rc)
        le_table_s1_free(t);
    return rc;
}

void le_table_s1_free(le_s1_table *t)
{
    free(t->fig);
    t->fig = NULL;
    t->n = 0;
}
