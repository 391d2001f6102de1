#include "util/yaml.h"

#include "util/budget.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct le_cfg_node {
    le_cfg_kind kind;
    int line;
    char *text;     /* scalar */
    int first, n;   /* children: items[first .. first + n) */
    int height;     /* nested collections, aliases expanded */
    uint64_t size;  /* nodes, aliases expanded */
};

static const struct le_cfg_node *node_at(const le_cfg *c, int i)
{
    if (!c->nodes || i <= 0 || i > c->n_nodes)
        return NULL;
    return &c->nodes[i];
}

/* ------------------------------------------------------------------ loading */

/* The document is built from libyaml's events rather than by yaml_parser_load: libyaml's
 * scanner spends time proportional to the flow depth on every token, so nested brackets load
 * in quadratic time (1.4 s for 3 * 10^4, about 15 s for 10^5), while the events let the depth
 * limit stop such a file at its 65th bracket. Building the tree here also puts anchors,
 * aliases and what they cost in our hands: libyaml would accept an alias inside its own
 * anchor and hand back a cycle. */

typedef struct {
    char *name;
    int node;
    int line;
    int complete; /* an alias to an open collection would make the document a cycle */
} anchor;

typedef struct {
    le_cfg *c;
    le_error *err;
    int cap_nodes, cap_items;
    int *pending; /* children of the open collections, innermost last */
    int n_pending, cap_pending;
    int n_items;
    struct {
        int node, pending_at, anchor;
    } open[LE_CFG_MAX_DEPTH];
    int depth;
    anchor *anchors;
    int n_anchors;
    int n_aliases;
    uint64_t alias_nodes;
} builder;

/* p with room for need >= 1 elements (NULL when out of memory; p is then still valid). */
static void *grow(void *p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return p;
    int n = *cap ? *cap : 64;
    while (n < need) {
        if (n > (1 << 29))
            return NULL;
        n *= 2;
    }
    void *q = realloc(p, (size_t)n * elem);
    if (q)
        *cap = n;
    return q;
}

static le_code nomem(builder *b) { return le_fail(b->err, LE_ERR_NOMEM, "%s: out of memory", b->c->path); }

static le_code new_node(builder *b, le_cfg_kind kind, const yaml_mark_t *at, int *id)
{
    le_cfg *c = b->c;
    struct le_cfg_node *nodes = grow(c->nodes, &b->cap_nodes, c->n_nodes + 2, sizeof *c->nodes);
    if (!nodes)
        return nomem(b);
    c->nodes = nodes;
    *id = ++c->n_nodes;
    struct le_cfg_node *n = &c->nodes[*id];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = (int)at->line + 1;
    n->size = 1;
    return LE_OK;
}

/* A finished node (or the target of an alias) becomes a child of the innermost open collection. */
static le_code add_child(builder *b, int id)
{
    if (b->depth == 0)
        return LE_OK; /* the root */
    int *pending = grow(b->pending, &b->cap_pending, b->n_pending + 1, sizeof *b->pending);
    if (!pending)
        return nomem(b);
    b->pending = pending;
    b->pending[b->n_pending++] = id;
    return LE_OK;
}

static le_code add_anchor(builder *b, yaml_char_t **owned, int id, int line, int complete, int *slot)
{
    *slot = -1;
    const char *name = (const char *)*owned;
    if (!name)
        return LE_OK;
    for (int i = 0; i < b->n_anchors; i++)
        if (!strcmp(b->anchors[i].name, name))
            return le_fail(b->err, LE_ERR_PARSE,
                           "%s:%d: YAML syntax error: found duplicate anchor '&%s' (first occurrence, line %d)",
                           b->c->path, line, name, b->anchors[i].line);
    if (b->n_anchors == LE_CFG_MAX_ANCHORS)
        return le_fail(b->err, LE_ERR_LIMIT, "%s:%d: more than %d YAML anchors", b->c->path, line, LE_CFG_MAX_ANCHORS);
    if (!b->anchors && !(b->anchors = calloc(LE_CFG_MAX_ANCHORS, sizeof *b->anchors)))
        return nomem(b);
    anchor *a = &b->anchors[b->n_anchors];
    a->name = (char *)*owned;
    *owned = NULL; /* the table owns it now */
    a->node = id;
    a->line = line;
    a->complete = complete;
    *slot = b->n_anchors++;
    return LE_OK;
}

static le_code alias(builder *b, const char *name, int line)
{
    const char *path = b->c->path;
    const anchor *a = NULL;
    for (int i = 0; i < b->n_anchors && !a; i++)
        if (!strcmp(b->anchors[i].name, name))
            a = &b->anchors[i];
    if (!a)
        return le_fail(b->err, LE_ERR_PARSE, "%s:%d: YAML syntax error: found undefined alias '*%s'", path, line, name);
    if (!a->complete)
        return le_fail(b->err, LE_ERR_LIMIT,
                       "%s:%d: alias '*%s' refers to the node that contains it (line %d): its expansion never ends",
                       path, line, name, a->line);
    if (++b->n_aliases > LE_CFG_MAX_ALIASES)
        return le_fail(b->err, LE_ERR_LIMIT, "%s:%d: more than %d YAML aliases", path, line, LE_CFG_MAX_ALIASES);
    const struct le_cfg_node *t = &b->c->nodes[a->node];
    if (b->depth + t->height > LE_CFG_MAX_DEPTH)
        return le_fail(b->err, LE_ERR_LIMIT, "%s:%d: alias '*%s' nests the YAML deeper than %d levels", path, line,
                       name, LE_CFG_MAX_DEPTH);
    b->alias_nodes += t->size;
    if (b->alias_nodes > LE_CFG_MAX_ALIAS_NODES)
        return le_fail(b->err, LE_ERR_LIMIT,
                       "%s:%d: alias '*%s' stands for %llu nodes: the file's aliases would expand it by more than %u nodes",
                       path, line, name, (unsigned long long)t->size, LE_CFG_MAX_ALIAS_NODES);
    return add_child(b, a->node);
}

static le_code open_collection(builder *b, le_cfg_kind kind, const yaml_event_t *ev, yaml_char_t **anchor_name)
{
    int line = (int)ev->start_mark.line + 1;
    if (b->depth == LE_CFG_MAX_DEPTH)
        return le_fail(b->err, LE_ERR_LIMIT, "%s:%d: YAML nested deeper than %d levels", b->c->path, line,
                       LE_CFG_MAX_DEPTH);
    int id = 0, slot;
    le_code rc = new_node(b, kind, &ev->start_mark, &id);
    if (rc || (rc = add_anchor(b, anchor_name, id, line, 0, &slot)))
        return rc;
    b->open[b->depth].node = id;
    b->open[b->depth].pending_at = b->n_pending;
    b->open[b->depth].anchor = slot;
    b->depth++;
    return LE_OK;
}

static le_code close_collection(builder *b)
{
    le_cfg *c = b->c;
    b->depth--;
    int id = b->open[b->depth].node, at = b->open[b->depth].pending_at, n = b->n_pending - at;
    if (n > 0) {
        int *items = grow(c->items, &b->cap_items, b->n_items + n, sizeof *c->items);
        if (!items)
            return nomem(b);
        c->items = items;
    }
    struct le_cfg_node *nd = &c->nodes[id];
    nd->first = b->n_items;
    nd->n = n;
    int height = 0;
    for (int i = 0; i < n; i++) {
        const struct le_cfg_node *ch = &c->nodes[b->pending[at + i]];
        c->items[b->n_items++] = b->pending[at + i];
        if (ch->height > height)
            height = ch->height;
        nd->size += ch->size;
    }
    nd->height = height + 1;
    b->n_pending = at;
    if (b->open[b->depth].anchor >= 0)
        b->anchors[b->open[b->depth].anchor].complete = 1;
    return add_child(b, id);
}

static le_code on_event(builder *b, yaml_event_t *ev, int *done)
{
    le_code rc = LE_OK;
    int id = 0, slot;
    switch (ev->type) {
    case YAML_DOCUMENT_END_EVENT:
    case YAML_STREAM_END_EVENT:
        *done = 1; /* later documents are not read, as yaml_parser_load did */
        break;
    case YAML_SCALAR_EVENT:
        if ((rc = new_node(b, LE_CFG_SCALAR, &ev->start_mark, &id)))
            break;
        b->c->nodes[id].text = (char *)ev->data.scalar.value;
        ev->data.scalar.value = NULL; /* the document owns it now */
        if (!(rc = add_anchor(b, &ev->data.scalar.anchor, id, b->c->nodes[id].line, 1, &slot)))
            rc = add_child(b, id);
        break;
    case YAML_SEQUENCE_START_EVENT:
        rc = open_collection(b, LE_CFG_SEQ, ev, &ev->data.sequence_start.anchor);
        break;
    case YAML_MAPPING_START_EVENT:
        rc = open_collection(b, LE_CFG_MAP, ev, &ev->data.mapping_start.anchor);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        rc = close_collection(b);
        break;
    case YAML_ALIAS_EVENT:
        rc = alias(b, (const char *)ev->data.alias.anchor, (int)ev->start_mark.line + 1);
        break;
    default:
        break;
    }
    return rc;
}

static le_code syntax_error(const le_cfg *c, const yaml_parser_t *p, le_error *err)
{
    if (p->error == YAML_MEMORY_ERROR)
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory", c->path);
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->context)
        return le_fail(err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s (%s, line %u)", c->path,
                       (unsigned)p->problem_mark.line + 1, problem, p->context, (unsigned)p->context_mark.line + 1);
    return le_fail(err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s", c->path, (unsigned)p->problem_mark.line + 1,
                   problem);
}

/* Builds c from the events next() hands over, up to the end of the first document. */
static le_code build(le_cfg *c, le_cfg_event_source next, void *ctx, const char *first_key, le_error *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.err = err;
    le_code rc = LE_OK;
    for (int done = 0; !rc && !done;) {
        yaml_event_t ev;
        if ((rc = next(ctx, &ev, err)))
            break;
        rc = on_event(&b, &ev, &done);
        yaml_event_delete(&ev);
    }
    for (int i = 0; i < b.n_anchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    free(b.pending);
    if (!rc && c->n_nodes == 0)
        rc = first_key ? le_fail(err, LE_ERR_PARSE, "%s: empty file (expected '%s:')", c->path, first_key)
                       : le_fail(err, LE_ERR_PARSE, "%s: empty file", c->path);
    if (!rc && !(c->used = calloc((size_t)c->n_nodes + 1, 1)))
        rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", c->path);
    if (rc)
        le_cfg_free(c);
    return rc;
}

typedef struct {
    yaml_parser_t p;
    const le_cfg *c;
} file_source;

static le_code parse_next(void *ctx, yaml_event_t *ev, le_error *err)
{
    file_source *s = ctx;
    return yaml_parser_parse(&s->p, ev) ? LE_OK : syntax_error(s->c, &s->p, err);
}

le_code le_cfg_load_expecting(le_cfg *c, const char *path, const char *first_key, le_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    FILE *f = NULL;
    le_code orc = le_input_open(path, "a YAML file", &f, NULL, err);
    if (orc)
        return orc;
    file_source s;
    s.c = c;
    if (!yaml_parser_initialize(&s.p)) {
        fclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: cannot start the YAML parser", path);
    }
    yaml_parser_set_input_file(&s.p, f);
    le_code rc = build(c, parse_next, &s, first_key, err);
    yaml_parser_delete(&s.p);
    fclose(f);
    return rc;
}

le_code le_cfg_load_events(le_cfg *c, const char *path, le_cfg_event_source next, void *ctx, le_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    return build(c, next, ctx, NULL, err);
}

le_code le_cfg_load(le_cfg *c, const char *path, le_error *err) { return le_cfg_load_expecting(c, path, NULL, err); }

void le_cfg_free(le_cfg *c)
{
    if (c->nodes)
        for (int i = 1; i <= c->n_nodes; i++)
            free(c->nodes[i].text);
    free(c->nodes);
    free(c->items);
    free(c->used);
    c->nodes = NULL;
    c->items = NULL;
    c->used = NULL;
    c->n_nodes = 0;
}

/* ------------------------------------------------------------------ nodes */

int le_cfg_root(const le_cfg *c) { return c->n_nodes > 0 ? 1 : 0; }

int le_cfg_line(const le_cfg *c, int node)
{
    const struct le_cfg_node *n = node_at(c, node);
    return n ? n->line : 0;
}

le_cfg_kind le_cfg_kind_of(const le_cfg *c, int node)
{
    const struct le_cfg_node *n = node_at(c, node);
    return n ? n->kind : LE_CFG_NONE;
}

int le_cfg_is_map(const le_cfg *c, int node) { return le_cfg_kind_of(c, node) == LE_CFG_MAP; }

int le_cfg_seq_len(const le_cfg *c, int node)
{
    const struct le_cfg_node *n = node_at(c, node);
    return n && n->kind == LE_CFG_SEQ ? n->n : 0;
}

int le_cfg_seq_item(const le_cfg *c, int node, int i)
{
    if (i < 0 || i >= le_cfg_seq_len(c, node))
        return 0;
    return c->items[c->nodes[node].first + i];
}

const char *le_cfg_text(const le_cfg *c, int node)
{
    const struct le_cfg_node *n = node_at(c, node);
    return n && n->kind == LE_CFG_SCALAR ? n->text : NULL;
}

/* The pairs of a mapping: keys at items[first + 2k], values at items[first + 2k + 1]. */
static int n_pairs(const le_cfg *c, int map)
{
    const struct le_cfg_node *n = node_at(c, map);
    return n && n->kind == LE_CFG_MAP ? n->n / 2 : 0;
}
static int pair_key(const le_cfg *c, int map, int k) { return c->items[c->nodes[map].first + 2 * k]; }
static int pair_value(const le_cfg *c, int map, int k) { return c->items[c->nodes[map].first + 2 * k + 1]; }

le_code le_cfg_fail(const le_cfg *c, int node, le_error *err, le_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return le_cfg_prefix(c, node, err, code);
}

le_code le_cfg_prefix(const le_cfg *c, int node, le_error *err, le_code rc)
{
    if (node_at(c, node))
        le_error_prefix(err, "%s:%d", c->path, le_cfg_line(c, node));
    else
        le_error_prefix(err, "%s", c->path);
    return rc;
}

/* ------------------------------------------------------------------ lookups by field name */

/* Finds key in map without marking it. Returns the pair's key node in *key_node. */
static int find(const le_cfg *c, int map, const char *key, int *key_node)
{
    for (int k = 0, n = n_pairs(c, map); k < n; k++) {
        const char *s = le_cfg_text(c, pair_key(c, map, k));
        if (s && !strcmp(s, key)) {
            if (key_node)
                *key_node = pair_key(c, map, k);
            return pair_value(c, map, k);
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
    if (le_cfg_kind_of(c, v) != LE_CFG_SEQ)
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
        const char *s = le_cfg_text(c, v);
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
    const char *s = le_cfg_text(c, v);
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
    const char *s = le_cfg_text(c, v);
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
    const char *s = le_cfg_text(c, v);
    if (!s)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected a string", c->path, le_cfg_line(c, v), field);
    if (strlen(s) >= cap)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: longer than %zu characters", c->path, le_cfg_line(c, v),
                       field, cap - 1);
    memcpy(out, s, strlen(s) + 1);
    return LE_OK;
}

/* Dotted name of node `target` below node `at` (depth-first); returns 1 when found. The
 * walk is bounded: the loader limits depth and what aliases may expand to. */
static int path_to(const le_cfg *c, int at, int target, char *buf, size_t cap)
{
    le_cfg_kind kind = le_cfg_kind_of(c, at);
    if (kind == LE_CFG_MAP) {
        for (int i = 0, n = n_pairs(c, at); i < n; i++) {
            const char *k = le_cfg_text(c, pair_key(c, at, i));
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, "%s%s", len ? "." : "", k ? k : "?");
            if (pair_key(c, at, i) == target || path_to(c, pair_value(c, at, i), target, buf, cap))
                return 1;
            buf[len] = '\0';
        }
    } else if (kind == LE_CFG_SEQ) {
        for (int i = 0, n = le_cfg_seq_len(c, at); i < n; i++) {
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, "[%d]", i);
            if (path_to(c, le_cfg_seq_item(c, at, i), target, buf, cap))
                return 1;
            buf[len] = '\0';
        }
    }
    return 0;
}

le_code le_cfg_check_unknown(le_cfg *c, le_error *err)
{
    for (int m = 1; m <= c->n_nodes; m++) {
        for (int i = 0, n = n_pairs(c, m); i < n; i++) {
            int kn = pair_key(c, m, i);
            if (c->used[kn])
                continue;
            const char *k = le_cfg_text(c, kn);
            /* Comments in data form are allowed everywhere. */
            if (k && (!strcmp(k, "note") || !strcmp(k, "description")))
                continue;
            char name[512] = "";
            if (!path_to(c, le_cfg_root(c), kn, name, sizeof name))
                snprintf(name, sizeof name, "%s", k ? k : "?");
            /* A key never read because an earlier one of the same name was read instead. */
            for (int j = 0; k && j < i; j++) {
                const char *kj = le_cfg_text(c, pair_key(c, m, j));
                if (kj && !strcmp(kj, k))
                    return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: duplicate key '%s' (first on line %d)",
                                   c->path, le_cfg_line(c, kn), name, k, le_cfg_line(c, pair_key(c, m, j)));
            }
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: unknown field", c->path, le_cfg_line(c, kn), name);
        }
    }
    return LE_OK;
}

/* ------------------------------------------------------------------ reading nodes with a label */

static const char *found_name(le_cfg_kind k)
{
    switch (k) {
    case LE_CFG_SCALAR: return "a scalar";
    case LE_CFG_SEQ: return "a list";
    case LE_CFG_MAP: return "a mapping";
    default: return "nothing";
    }
}

le_code le_cfg_want(const le_cfg *c, int node, le_cfg_kind kind, const char *what, le_error *err)
{
    le_cfg_kind k = le_cfg_kind_of(c, node);
    if (k == kind)
        return LE_OK;
    const char *w = kind == LE_CFG_SCALAR ? "a value" : (kind == LE_CFG_SEQ ? "a list" : "a mapping");
    return le_cfg_fail(c, node, err, LE_ERR_PARSE, "%s: expected %s, found %s", what, w, found_name(k));
}

le_code le_cfg_int(const le_cfg *c, int node, const char *what, long long lo, long long hi, long long *out,
                   le_error *err)
{
    le_code rc = le_cfg_want(c, node, LE_CFG_SCALAR, what, err);
    if (rc)
        return rc;
    const char *s = le_cfg_text(c, node);
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 0);
    if (*s == '\0' || *e != '\0' || errno)
        return le_cfg_fail(c, node, err, LE_ERR_PARSE, "%s: expected an integer, found '%s'", what, s);
    if (v < lo || v > hi)
        return le_cfg_fail(c, node, err, LE_ERR_RANGE, "%s: %lld outside %lld..%lld", what, v, lo, hi);
    *out = v;
    return LE_OK;
}

le_code le_cfg_bool(const le_cfg *c, int node, const char *what, int *out, le_error *err)
{
    le_code rc = le_cfg_want(c, node, LE_CFG_SCALAR, what, err);
    if (rc)
        return rc;
    const char *s = le_cfg_text(c, node);
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
        *out = 1;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
        *out = 0;
    else
        return le_cfg_fail(c, node, err, LE_ERR_PARSE, "%s: expected true or false, found '%s'", what, s);
    return LE_OK;
}

le_code le_cfg_str(const le_cfg *c, int node, const char *what, const char **out, le_error *err)
{
    le_code rc = le_cfg_want(c, node, LE_CFG_SCALAR, what, err);
    if (rc)
        return rc;
    const char *s = le_cfg_text(c, node);
    if (s[0] == '\0')
        return le_cfg_fail(c, node, err, LE_ERR_PARSE, "%s: empty", what);
    *out = s;
    return LE_OK;
}

/* "a, b, c" into buf (truncated, never overflowing). */
static const char *join(char *buf, size_t cap, const char *const *names, int n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int j = 0; j < n && len + 1 < cap; j++) {
        int w = snprintf(buf + len, cap - len, "%s%s", j ? ", " : "", names[j]);
        len = w < 0 ? cap : len + (size_t)w;
    }
    return buf;
}

le_code le_cfg_choice(const le_cfg *c, int node, const char *what, const char *key, const char *const *names, int n,
                      int *out, le_error *err)
{
    const char *s = NULL;
    le_code rc = le_cfg_str(c, node, what, &s, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return LE_OK;
        }
    char list[512];
    return le_cfg_fail(c, node, err, LE_ERR_PARSE, "%s: %s '%s' (allowed: %s)", what, key, s,
                       join(list, sizeof list, names, n));
}

le_code le_cfg_keys(le_cfg *c, int map, const char *what, const char *const *allowed, int n_allowed, int *vals,
                    le_error *err)
{
    le_code rc = le_cfg_want(c, map, LE_CFG_MAP, what, err);
    if (rc)
        return rc;
    for (int i = 0; i < n_allowed; i++)
        vals[i] = 0;
    for (int k = 0, n = n_pairs(c, map); k < n; k++) {
        int kn = pair_key(c, map, k);
        const char *key = le_cfg_text(c, kn);
        if (!key)
            return le_cfg_fail(c, kn, err, LE_ERR_PARSE, "%s: keys must be plain names", what);
        int i = 0;
        while (i < n_allowed && strcmp(allowed[i], key) != 0)
            i++;
        if (i == n_allowed) {
            char list[512];
            return le_cfg_fail(c, kn, err, LE_ERR_PARSE, "%s: unknown key '%s' (allowed: %s)", what, key,
                               join(list, sizeof list, allowed, n_allowed));
        }
        if (vals[i])
            return le_cfg_fail(c, kn, err, LE_ERR_PARSE, "%s: key '%s' appears twice (first on line %d)", what, key,
                               le_cfg_line(c, vals[i]));
        vals[i] = pair_value(c, map, k);
        c->used[kn] = 1;
    }
    return LE_OK;
}

const char *le_cfg_peek(const le_cfg *c, int map, const char *key)
{
    for (int k = 0, n = n_pairs(c, map); k < n; k++) {
        const char *s = le_cfg_text(c, pair_key(c, map, k)), *v = le_cfg_text(c, pair_value(c, map, k));
        if (s && v && !strcmp(s, key))
            return v;
    }
    return NULL;
}

le_code le_cfg_int_at(le_cfg *c, int node, const char *field, int64_t lo, int64_t hi, int64_t *out, le_error *err)
{
    int line = le_cfg_line(c, node);
    const char *s = le_cfg_text(c, node);
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

le_code le_cfg_int_key(le_cfg *c, int map, const char *key, const char *field, int64_t lo, int64_t hi,
                       int64_t *out, le_error *err)
{
    int v = le_cfg_get(c, map, key);
    if (!v)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: missing", c->path, le_cfg_line(c, map), field);
    return le_cfg_int_at(c, v, field, lo, hi, out, err);
}

/* The depth bound is the document's own (aliases were expanded under the same limit). */
static void mark_known(le_cfg *c, int node, int depth)
{
    if (depth > LE_CFG_MAX_DEPTH)
        return;
    switch (le_cfg_kind_of(c, node)) {
    case LE_CFG_MAP:
        for (int k = 0, n = n_pairs(c, node); k < n; k++) {
            int kn = pair_key(c, node, k);
            if (kn > 0 && kn <= c->n_nodes)
                c->used[kn] = 1;
            mark_known(c, pair_value(c, node, k), depth + 1);
        }
        break;
    case LE_CFG_SEQ:
        for (int i = 0, n = le_cfg_seq_len(c, node); i < n; i++)
            mark_known(c, le_cfg_seq_item(c, node, i), depth + 1);
        break;
    default:
        break;
    }
}

void le_cfg_mark_known(le_cfg *c, int node) { mark_known(c, node, 0); }
