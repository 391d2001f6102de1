#include "models/relnet/table_s2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml.h"

const char *le_table_s2_default_path(void)
{
#ifdef LE_SOURCE_DIR
    return LE_SOURCE_DIR "/models/relnet/table_s2.yaml";
#else
    return "models/relnet/table_s2.yaml";
#endif
}

le_code le_table_s2_load(const char *path, le_table_s2 *t, le_error *err)
{
    memset(t, 0, sizeof *t);
    le_cfg c;
    le_code rc = le_cfg_load(&c, path, err);
    if (rc)
        return rc;
    static const char *const top[] = {"source", "rows"};
    static const char *const keys[] = {"sentences", "cores",     "us_per_step", "latency_ms",
                                       "power_w",   "energy_mj", "edp_ujs"};
    int v[2];
    int root = le_cfg_root(&c);
    rc = le_cfg_keys(&c, root, "Table S2", top, 2, v, err);
    const char *src = NULL;
    if (!rc && (!v[0] || !v[1]))
        rc = le_cfg_fail(&c, root, err, LE_ERR_CONFIG, "Table S2: needs 'source' and 'rows'");
    if (!rc)
        rc = le_cfg_str(&c, v[0], "source", &src, err);
    if (!rc) {
        snprintf(t->source, sizeof t->source, "%s", src);
        rc = le_cfg_want(&c, v[1], LE_CFG_SEQ, "rows", err);
    }
    int n = rc ? 0 : le_cfg_seq_len(&c, v[1]);
    if (!rc && (n < 1 || n > 8))
        rc = le_cfg_fail(&c, v[1], err, LE_ERR_CONFIG, "Table S2: %d rows, expected 1..8", n);
    for (int i = 0; i < n && !rc; i++) {
        int item = le_cfg_seq_item(&c, v[1], i), f[7];
        char what[32];
        snprintf(what, sizeof what, "rows[%d]", i);
        if ((rc = le_cfg_keys(&c, item, what, keys, 7, f, err)))
            break;
        long long m = 0, cores = 0;
        double d[5];
        for (int k = 0; k < 7 && !rc; k++)
            if (!f[k])
                rc = le_cfg_fail(&c, item, err, LE_ERR_CONFIG, "%s: missing '%s'", what, keys[k]);
        if (!rc)
            rc = le_cfg_int(&c, f[0], "sentences", 1, 20, &m, err);
        if (!rc)
            rc = le_cfg_int(&c, f[1], "cores", 1, 1 << 20, &cores, err);
        for (int k = 0; k < 5 && !rc; k++) {
            const char *s = le_cfg_text(&c, f[2 + k]);
            char *end = NULL;
            d[k] = s ? strtod(s, &end) : 0;
            if (!s || end == s || *end || d[k] <= 0)
                rc = le_cfg_fail(&c, f[2 + k], err, LE_ERR_PARSE, "%s: %s: expected a positive number", what,
                                 keys[2 + k]);
        }
        if (rc)
            break;
        le_table_s2_row *r = &t->row[t->n++];
        r->sentences = (uint32_t)m;
        r->cores = (uint32_t)cores;
        r->us_per_step = d[0];
        r->latency_ms = d[1];
        r->power_w = d[2];
        r->energy_mj = d[3];
        r->edp_ujs = d[4];
    }
    le_cfg_free(&c);
    return rc;
}

const le_table_s2_row *le_table_s2_find(const le_table_s2 *t, uint32_t sentences)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (t->row[i].sentences == sentences)
            return &t->row[i];
    return NULL;
}
