#include "models/netfile_stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct le_ys_cev {
    uint8_t type;
    uint8_t plain;
    int line;
    char *text;
    size_t len;
};

struct le_ys_anchor {
    char *name;
    size_t start, end; /* its events in the pool */
    int line;
    int complete;      /* an alias to an open node would make the document a cycle */
    uint64_t size;     /* nodes, aliases expanded (as util/yaml counts them) */
    int height;        /* nested collections */
};

le_code le_ys_fail(const le_ys *s, int line, le_code code, const char *fmt, ...)
{
    if (!s->err)
        return code;
    char msg[sizeof s->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        return le_fail(s->err, code, "%s:%d: %s", s->path, line, msg);
    return le_fail(s->err, code, "%s: %s", s->path, msg);
}

const char *le_ys_found(const le_ys_event *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return "a scalar";
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "nothing";
    }
}

le_code le_ys_open(le_ys *s, const char *path, le_error *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->err = err;
    if (!(s->f = fopen(path, "rb")))
        return le_fail(err, LE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!yaml_parser_initialize(&s->p))
        return le_fail(err, LE_ERR_NOMEM, "%s: cannot start the YAML parser", path);
    s->p_ok = 1;
    yaml_parser_set_input_file(&s->p, s->f);
    return LE_OK;
}

void le_ys_close(le_ys *s)
{
    if (s->have_cur)
        yaml_event_delete(&s->cur);
    if (s->p_ok)
        yaml_parser_delete(&s->p);
    if (s->f)
        fclose(s->f);
    for (size_t i = 0; i < s->n_pool; i++)
        free(s->pool[i].text);
    free(s->pool);
    for (int i = 0; i < s->n_anchors; i++)
        free(s->anchors[i].name);
    free(s->anchors);
    memset(s, 0, sizeof *s);
}

static le_code nomem(le_ys *s) { return le_fail(s->err, LE_ERR_NOMEM, "%s: out of memory", s->path); }

static le_code syntax_error(le_ys *s)
{
    const yaml_parser_t *p = &s->p;
    if (p->error == YAML_MEMORY_ERROR)
        return nomem(s);
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->context)
        return le_fail(s->err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s (%s, line %u)", s->path,
                       (unsigned)p->problem_mark.line + 1, problem, p->context, (unsigned)p->context_mark.line + 1);
    return le_fail(s->err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s", s->path, (unsigned)p->problem_mark.line + 1,
                   problem);
}

/* Appends e to the pool while an anchored node is open (or e is one). */
static le_code record(le_ys *s, const le_ys_event *e)
{
    if (s->n_pool == s->cap_pool) {
        size_t cap = s->cap_pool ? 2 * s->cap_pool : 256;
        le_ys_cev *p = realloc(s->pool, cap * sizeof *p);
        if (!p)
            return nomem(s);
        s->pool = p;
        s->cap_pool = cap;
    }
    le_ys_cev *c = &s->pool[s->n_pool];
    c->type = (uint8_t)e->type;
    c->plain = (uint8_t)e->plain;
    c->line = e->line;
    c->text = NULL;
    c->len = e->len;
    if (e->type == YAML_SCALAR_EVENT) {
        if (!(c->text = malloc(e->len + 1)))
            return nomem(s);
        memcpy(c->text, e->text, e->len);
        c->text[e->len] = '\0';
    }
    s->n_pool++;
    return LE_OK;
}

static le_code add_anchor(le_ys *s, const char *name, int line, int *slot)
{
    *slot = -1;
    if (!name)
        return LE_OK;
    for (int i = 0; i < s->n_anchors; i++)
        if (!strcmp(s->anchors[i].name, name))
            return le_fail(s->err, LE_ERR_PARSE,
                           "%s:%d: YAML syntax error: found duplicate anchor '&%s' (first occurrence, line %d)",
                           s->path, line, name, s->anchors[i].line);
    if (s->n_anchors == LE_CFG_MAX_ANCHORS)
        return le_fail(s->err, LE_ERR_LIMIT, "%s:%d: more than %d YAML anchors", s->path, line, LE_CFG_MAX_ANCHORS);
    if (!s->anchors && !(s->anchors = calloc(LE_CFG_MAX_ANCHORS, sizeof *s->anchors)))
        return nomem(s);
    le_ys_anchor *a = &s->anchors[s->n_anchors];
    if (!(a->name = strdup(name)))
        return nomem(s);
    a->start = s->n_pool;
    a->line = line;
    *slot = s->n_anchors++;
    return LE_OK;
}

/* A node of (size, height) is complete: it counts in the collection around it. */
static void add_child(le_ys *s, uint64_t size, int height)
{
    if (s->depth == 0)
        return;
    s->open[s->depth - 1].size += size;
    if (s->open[s->depth - 1].height < height)
        s->open[s->depth - 1].height = height;
}

/* The bookkeeping of one event, live or replayed: depth, node sizes, anchors (live only). */
static le_code account(le_ys *s, const le_ys_event *e, const char *anchor_name)
{
    le_code rc;
    int slot = -1;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        if ((rc = add_anchor(s, anchor_name, e->line, &slot)))
            return rc;
        if (slot >= 0 || s->n_capturing) {
            if ((rc = record(s, e)))
                return rc;
        }
        if (slot >= 0) {
            le_ys_anchor *a = &s->anchors[slot];
            a->end = s->n_pool;
            a->complete = 1;
            a->size = 1;
            a->height = 0;
        }
        add_child(s, 1, 0);
        return LE_OK;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (s->depth == LE_CFG_MAX_DEPTH)
            return le_fail(s->err, LE_ERR_LIMIT, "%s:%d: YAML nested deeper than %d levels", s->path, e->line,
                           LE_CFG_MAX_DEPTH);
        if ((rc = add_anchor(s, anchor_name, e->line, &slot)))
            return rc;
        if (slot >= 0)
            s->n_capturing++;
        if (s->n_capturing && (rc = record(s, e)))
            return rc;
        s->open[s->depth].size = 1;
        s->open[s->depth].height = 0;
        s->open[s->depth].anchor = slot;
        s->depth++;
        return LE_OK;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        if (s->n_capturing && (rc = record(s, e)))
            return rc;
        s->depth--;
        uint64_t size = s->open[s->depth].size;
        int height = s->open[s->depth].height + 1;
        slot = s->open[s->depth].anchor;
        if (slot >= 0) {
            le_ys_anchor *a = &s->anchors[slot];
            a->end = s->n_pool;
            a->complete = 1;
            a->size = size;
            a->height = height;
            s->n_capturing--;
        }
        add_child(s, size, height);
        return LE_OK;
    }
    default:
        return LE_OK;
    }
}

static le_code replay_one(le_ys *s, le_ys_event *e)
{
    const le_ys_cev *c = &s->pool[s->rp++];
    if (s->rp == s->rend)
        s->replaying = 0;
    e->type = (yaml_event_type_t)c->type;
    e->line = c->line;
    e->text = c->text;
    e->len = c->len;
    e->plain = c->plain;
    /* Recording may move the pool; the text stays where it is. */
    return account(s, e, NULL);
}

static le_code alias(le_ys *s, const char *name, int line, le_ys_event *e)
{
    const le_ys_anchor *a = NULL;
    for (int i = 0; i < s->n_anchors && !a; i++)
        if (!strcmp(s->anchors[i].name, name))
            a = &s->anchors[i];
    if (!a)
        return le_fail(s->err, LE_ERR_PARSE, "%s:%d: YAML syntax error: found undefined alias '*%s'", s->path, line,
                       name);
    if (!a->complete)
        return le_fail(s->err, LE_ERR_LIMIT,
                       "%s:%d: alias '*%s' refers to the node that contains it (line %d): its expansion never ends",
                       s->path, line, name, a->line);
    if (++s->n_aliases > LE_CFG_MAX_ALIASES)
        return le_fail(s->err, LE_ERR_LIMIT, "%s:%d: more than %d YAML aliases", s->path, line, LE_CFG_MAX_ALIASES);
    if (s->depth + a->height > LE_CFG_MAX_DEPTH)
        return le_fail(s->err, LE_ERR_LIMIT, "%s:%d: alias '*%s' nests the YAML deeper than %d levels", s->path, line,
                       name, LE_CFG_MAX_DEPTH);
    s->alias_nodes += a->size;
    if (s->alias_nodes > LE_CFG_MAX_ALIAS_NODES)
        return le_fail(s->err, LE_ERR_LIMIT,
                       "%s:%d: alias '*%s' stands for %llu nodes: the file's aliases would expand it by more than %u "
                       "nodes",
                       s->path, line, name, (unsigned long long)a->size, LE_CFG_MAX_ALIAS_NODES);
    s->rp = a->start;
    s->rend = a->end;
    s->replaying = 1;
    return replay_one(s, e);
}

static le_code next(le_ys *s, le_ys_event *e);

le_code le_ys_next(le_ys *s, le_ys_event *e)
{
    if (s->failed) {
        memset(e, 0, sizeof *e);
        e->type = YAML_DOCUMENT_END_EVENT;
        return s->err ? s->err->code : LE_ERR_PARSE;
    }
    le_code rc = next(s, e);
    if (rc)
        s->failed = 1;
    return rc;
}

static le_code next(le_ys *s, le_ys_event *e)
{
    memset(e, 0, sizeof *e);
    if (s->replaying)
        return replay_one(s, e);
    for (;;) {
        if (s->done) {
            e->type = YAML_DOCUMENT_END_EVENT;
            return LE_OK;
        }
        if (s->have_cur) {
            yaml_event_delete(&s->cur);
            s->have_cur = 0;
        }
        if (!yaml_parser_parse(&s->p, &s->cur))
            return syntax_error(s);
        s->have_cur = 1;
        yaml_event_t *y = &s->cur;
        e->line = (int)y->start_mark.line + 1;
        e->type = y->type;
        switch (y->type) {
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            s->done = 1; /* later documents are not read */
            e->type = YAML_DOCUMENT_END_EVENT;
            return LE_OK;
        case YAML_SCALAR_EVENT:
            e->text = (const char *)y->data.scalar.value;
            e->len = y->data.scalar.length;
            e->plain = y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            return account(s, e, (const char *)y->data.scalar.anchor);
        case YAML_SEQUENCE_START_EVENT:
            return account(s, e, (const char *)y->data.sequence_start.anchor);
        case YAML_MAPPING_START_EVENT:
            return account(s, e, (const char *)y->data.mapping_start.anchor);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return account(s, e, NULL);
        case YAML_ALIAS_EVENT:
            return alias(s, (const char *)y->data.alias.anchor, e->line, e);
        default:
            continue; /* stream and document starts */
        }
    }
}

le_code le_ys_skip(le_ys *s, const le_ys_event *start)
{
    if (start->type != YAML_SEQUENCE_START_EVENT && start->type != YAML_MAPPING_START_EVENT)
        return LE_OK;
    int base = s->depth - 1;
    le_ys_event e;
    while (s->depth > base) {
        le_code rc = le_ys_next(s, &e);
        if (rc)
            return rc;
        if (e.type == YAML_DOCUMENT_END_EVENT)
            return LE_OK;
    }
    return LE_OK;
}
