#include "chip/cfg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static yaml_node_t *node_at(const le_cfg *c, int i)
{
    if (!c->loaded || i <= 0 || i > c->n_nodes)
        return NULL;
    return yaml_document_get_node((yaml_document_t *)&c->doc, i);
}

le_code le_cfg_load(le_cfg *c, const char *path, le_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: cannot initialise the YAML parser", path);
    }
    yaml_parser_set_input_file(&p, f);
    if (!yaml_parser_load(&p, &c->doc)) {
        le_code rc = le_fail(err, LE_ERR_PARSE, "%s:%lu: %s%s%s", path, (unsigned long)p.problem_mark.line + 1,
                             p.problem ? p.problem : "malformed YAML", p.context ? " " : "",
                             p.context ? p.context : "");
        yaml_parser_delete(&p);
        fclose(f);
        return rc;
    }
    yaml_parser_delete(&p);
    fclose(f);
    c->loaded = 1;
    c->n_nodes = (int)(c->doc.nodes.top - c->doc.nodes.start);
    c->used = calloc((size_t)c->n_nodes + 1, 1);
    if (!c->used) {
        le_cfg_free(c);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory", path);
    }
    if (!yaml_document_get_root_node(&c->doc)) {
        le_cfg_free(c);
        return le_fail(err, LE_ERR_PARSE, "%s:1: empty file", path);
    }
    return LE_OK;
}

void le_cfg_free(le_cfg *c)
{
    if (c->loaded)
        yaml_document_delete(&c->doc);
    free(c->used);
    c->used = NULL;
    c->loaded = 0;
}

int le_cfg_root(const le_cfg *c) { return c->loaded && c->n_nodes > 0 ? 1 : 0; }

int le_cfg_line(const le_cfg *c, int node)
{
    yaml_node_t *n = node_at(c, node);
    return n ? (int)n->start_mark.line + 1 : 0;
}

int le_cfg_is_map(const le_cfg *c, int node)
{
    yaml_node_t *n = node_at(c, node);
    return n && n->type == YAML_MAPPING_NODE;
}

int le_cfg_seq_len(const le_cfg *c, int node)
{
    yaml_node_t *n = node_at(c, node);
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

int le_cfg_seq_item(const le_cfg *c, int node, int i)
{
    yaml_node_t *n = node_at(c, node);
    if (!n || n->type != YAML_SEQUENCE_NODE || i < 0 || i >= le_cfg_seq_len(c, node))
        return 0;
    return n->data.sequence.items.start[i];
}

static const char *scalar(const le_cfg *c, int node)
{
    yaml_node_t *n = node_at(c, node);
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

/* Finds key in map without marking it. Returns the pair's key node in *key_node. */
static int find(const le_cfg *c, int map, const char *key, int *key_node)
{
    yaml_node_t *m = node_at(c, map);
    if (!m || m->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(c, p->key);
        if (k && !strcmp(k, key)) {
            if (key_node)
                *key_node = p->key;
            return p->value;
        }
    }
    return 0;
}

int le_cfg_get(le_cfg *c, int map, const char *key)
{
    int kn = 0;
    int v = find(c, map, key, &kn);
    if (v)
        c->used[kn] = 1;
    return v;
}

le_code le_cfg_map(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    if (!le_cfg_is_map(c, v))
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a mapping", c->path, le_cfg_line(c, v), field);
    *out = v;
    return LE_OK;
}

le_code le_cfg_seq(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    yaml_node_t *n = node_at(c, v);
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a list", c->path, le_cfg_line(c, v), field);
    *out = v;
    return LE_OK;
}

static const char *const prov_kinds[] = {"source", "calibrated", "assumed"};

/* Non-zero when map gives `key` (or, with key NULL, the whole map) a provenance. */
static int has_prov(le_cfg *c, int map, const char *key)
{
    int found = 0;
    for (int i = 0; i < 3; i++) {
        char name[128];
        if (key)
            snprintf(name, sizeof name, "%s_%s", key, prov_kinds[i]);
        else
            snprintf(name, sizeof name, "%s", prov_kinds[i]);
        int kn = 0;
        int v = find(c, map, name, &kn);
        if (!v)
            continue;
        c->used[kn] = 1;
        const char *s = scalar(c, v);
        if (s && s[0])
            found = 1;
    }
    return found;
}

static le_code check_prov(le_cfg *c, int map, int prov_map, const char *key, const char *field, int line,
                          le_error *err)
{
    /* Evaluate every form, so that each provenance key present counts as known. */
    int own = has_prov(c, map, key);
    int whole = has_prov(c, map, NULL);
    int outer = prov_map ? has_prov(c, prov_map, NULL) : 0;
    if (own || whole || outer)
        return LE_OK;
    return le_fail(err, LE_ERR_CONFIG,
                   "%s:%d: field %s: no provenance (add source:, calibrated: or assumed: to its mapping, or %s_source:)",
                   c->path, line, field, key);
}

le_code le_cfg_figure(le_cfg *c, int map, int prov_map, const char *key, const char *field, double lo, double hi,
                      double *out, le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    int line = le_cfg_line(c, v);
    const char *s = scalar(c, v);
    if (!s || !s[0])
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a number", c->path, line, field);
    char *end = NULL;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || *end || !isfinite(x))
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a number, found '%.64s'", c->path, line, field, s);
    if (x < lo || x > hi)
        return le_fail(err, LE_ERR_RANGE, "%s:%d: field %s: %g outside [%g, %g]", c->path, line, field, x, lo, hi);
    le_code rc = check_prov(c, map, prov_map, key, field, line, err);
    if (rc)
        return rc;
    *out = x;
    return LE_OK;
}

le_code le_cfg_uint(le_cfg *c, int map, int prov_map, const char *key, const char *field, uint32_t lo, uint32_t hi,
                    int need_prov, uint32_t *out, le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    int line = le_cfg_line(c, v);
    const char *s = scalar(c, v);
    char *end = NULL;
    errno = 0;
    unsigned long long x = s && s[0] && s[0] != '-' ? strtoull(s, &end, 10) : 0;
    if (!s || !s[0] || s[0] == '-' || errno || *end)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a whole number, found '%.64s'", c->path, line,
                       field, s ? s : "");
    if (x < lo || x > hi)
        return le_fail(err, LE_ERR_RANGE, "%s:%d: field %s: %llu outside [%u, %u]", c->path, line, field, x, lo, hi);
    if (need_prov) {
        le_code rc = check_prov(c, map, prov_map, key, field, line, err);
        if (rc)
            return rc;
    }
    *out = (uint32_t)x;
    return LE_OK;
}

le_code le_cfg_string(le_cfg *c, int map, const char *key, const char *field, int required, char *out, size_t cap,
                      le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v) {
        if (required)
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
        return LE_OK;
    }
    const char *s = scalar(c, v);
    if (!s)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a string", c->path, le_cfg_line(c, v), field);
    if (strlen(s) >= cap)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: longer than %zu characters", c->path, le_cfg_line(c, v),
                       field, cap - 1);
    memcpy(out, s, strlen(s) + 1);
    return LE_OK;
}

le_code le_cfg_int_at(le_cfg *c, int node, const char *field, int64_t lo, int64_t hi, int64_t *out, le_error *err)
{
    int line = le_cfg_line(c, node);
    const char *s = scalar(c, node);
    char *end = NULL;
    errno = 0;
    long long x = s && s[0] ? strtoll(s, &end, 10) : 0;
    if (!s || !s[0] || errno || *end)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a whole number, found '%.64s'", c->path, line,
                       field, s ? s : "(not a scalar)");
    if (x < lo || x > hi)
        return le_fail(err, LE_ERR_RANGE, "%s:%d: field %s: %lld outside [%lld, %lld]", c->path, line, field, x,
                       (long long)lo, (long long)hi);
    *out = (int64_t)x;
    return LE_OK;
}

le_code le_cfg_int(le_cfg *c, int map, const char *key, const char *field, int64_t lo, int64_t hi, int64_t *out,
                   le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    return le_cfg_int_at(c, v, field, lo, hi, out, err);
}

/* The depth bound keeps a self-referencing alias from recursing forever. */
static void mark_known(le_cfg *c, int node, int depth)
{
    yaml_node_t *n = node_at(c, node);
    if (!n || depth > 64)
        return;
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            c->used[p->key] = 1;
            mark_known(c, p->value, depth + 1);
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
            mark_known(c, *i, depth + 1);
    }
}

void le_cfg_mark_known(le_cfg *c, int node) { mark_known(c, node, 0); }

/* Dotted name of node `target` below node `at` (depth-first); returns 1 when found. */
static int path_to(const le_cfg *c, int at, int target, char *buf, size_t cap)
{
    yaml_node_t *n = node_at(c, at);
    if (!n)
        return 0;
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            const char *k = scalar(c, p->key);
            size_t len = strlen(buf);
            if (p->key == target) {
                snprintf(buf + len, cap - len, "%s%s", len ? "." : "", k ? k : "?");
                return 1;
            }
            snprintf(buf + len, cap - len, "%s%s", len ? "." : "", k ? k : "?");
            if (path_to(c, p->value, target, buf, cap))
                return 1;
            buf[len] = '\0';
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        int len_items = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; i < len_items; i++) {
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, "[%d]", i);
            if (path_to(c, n->data.sequence.items.start[i], target, buf, cap))
                return 1;
            buf[len] = '\0';
        }
    }
    return 0;
}

le_code le_cfg_check_unknown(le_cfg *c, le_error *err)
{
    for (int i = 1; i <= c->n_nodes; i++) {
        yaml_node_t *n = node_at(c, i);
        if (!n || n->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            if (c->used[p->key])
                continue;
            const char *k = scalar(c, p->key);
            /* Comments in data form are allowed everywhere. */
            if (k && (!strcmp(k, "note") || !strcmp(k, "description")))
                continue;
            char name[512] = "";
            if (!path_to(c, le_cfg_root(c), p->key, name, sizeof name))
                snprintf(name, sizeof name, "%s", k ? k : "?");
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: unknown field", c->path, le_cfg_line(c, p->key), name);
        }
    }
    return LE_OK;
}
