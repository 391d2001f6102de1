/* YAML network files (docs/network-file.md): the top level. The file streams through
 * libyaml's events (models/netfile_stream.h) and is never held as a whole: each element of a
 * section becomes a small util/yaml document read by models/netfile_*.c, and the big lists of
 * a connection go straight into flat arrays (models/netfile_lists.c). */
#include "models/netfile.h"

#include <stdlib.h>
#include <string.h>

#include "models/netfile_parts.h"

const char *le_netfile_label(char *buf, size_t cap, const char *what, const char *key)
{
    size_t n = strnlen(what, cap - 1);
    memcpy(buf, what, n);
    if (n + 2 < cap) {
        buf[n++] = ':';
        buf[n++] = ' ';
    }
    size_t m = strnlen(key, cap - 1 - n);
    memcpy(buf + n, key, m);
    buf[n + m] = '\0';
    return buf;
}

le_code le_netfile_find_pop(le_netfile_ctx *c, int node, const char *what, uint32_t *out)
{
    const char *name = NULL;
    le_code rc = le_cfg_str(c->cfg, node, what, &name, c->err);
    if (rc)
        return rc;
    int p = le_network_find_pop(c->net, name);
    if (p < 0)
        return le_cfg_fail(c->cfg, node, c->err, LE_ERR_CONFIG,
                           "%s: no population named '%s' (populations are defined before use)", what, name);
    *out = (uint32_t)p;
    return LE_OK;
}

enum { T_POPS, T_CONNS, T_INPUTS, T_N };
static const char *const top_keys[T_N] = {"populations", "connections", "inputs"};

/* One element of a section, handed to util/yaml as a small document of its own (the file
 * itself is never a document): events from the stream until the element's node closes. The
 * values of a connection's 'synapses', 'weights' and 'delay' and of an input's 'steps' that
 * are lists go to the flat arrays of le_netfile_list instead, and the document gets an empty
 * list at their line. */
typedef struct {
    le_ys *s;
    le_netfile_ctx *c;
    le_ys_event first;
    int started, finished;
    int base;          /* stream depth outside the element */
    unsigned lists;    /* the big lists to read (bit LE_NL_*) */
    int expect_key;    /* in the element's mapping: the next node is a key */
    int key;           /* the last key's list slot, -1 for other keys */
    int queued;        /* placeholder: the end of an empty list at line queued_line */
    int queued_line;
} elem_src;

static le_code to_yaml(const le_ys_event *e, yaml_event_t *ev, le_error *err)
{
    memset(ev, 0, sizeof *ev);
    ev->type = e->type;
    ev->start_mark.line = (size_t)(e->line - 1);
    ev->end_mark = ev->start_mark;
    if (e->type == YAML_SCALAR_EVENT) {
        yaml_char_t *v = malloc(e->len + 1);
        if (!v)
            return le_fail(err, LE_ERR_NOMEM, "out of memory");
        memcpy(v, e->text, e->len);
        v[e->len] = '\0';
        ev->data.scalar.value = v;
        ev->data.scalar.length = e->len;
        ev->data.scalar.plain_implicit = 1;
        ev->data.scalar.style = e->plain ? YAML_PLAIN_SCALAR_STYLE : YAML_SINGLE_QUOTED_SCALAR_STYLE;
    }
    return LE_OK;
}

static le_code elem_next(void *ctx, yaml_event_t *ev, le_error *err)
{
    elem_src *x = ctx;
    le_ys_event e;
    if (x->queued) {
        x->queued = 0;
        e.type = YAML_SEQUENCE_END_EVENT;
        e.line = x->queued_line;
        e.text = NULL;
        e.len = 0;
        e.plain = 0;
        if (x->s->depth == x->base)
            x->finished = 1;
        return to_yaml(&e, ev, err);
    }
    if (x->finished) {
        memset(ev, 0, sizeof *ev);
        ev->type = YAML_DOCUMENT_END_EVENT;
        return LE_OK;
    }
    le_code rc;
    if (!x->started) {
        x->started = 1;
        e = x->first;
    } else if ((rc = le_ys_next(x->s, &e)))
        return rc;
    int starts = e.type == YAML_SCALAR_EVENT || e.type == YAML_SEQUENCE_START_EVENT ||
                 e.type == YAML_MAPPING_START_EVENT;
    /* Depth of the node e starts, relative to the element (1 = a key or value of its mapping). */
    int rel = e.type == YAML_SCALAR_EVENT ? x->s->depth - x->base
                                          : (starts ? x->s->depth - 1 - x->base : -1);
    if (x->lists && starts && rel == 1) {
        if (x->expect_key) {
            x->key = -1;
            if (e.type == YAML_SCALAR_EVENT) {
                static const char *const list_keys[LE_NL_N] = {"synapses", "weights", "delay", "steps"};
                for (int i = 0; i < LE_NL_N; i++)
                    if ((x->lists >> i & 1) && !strcmp(e.text, list_keys[i]))
                        x->key = i;
            }
        } else if (x->key >= 0 && e.type == YAML_SEQUENCE_START_EVENT) {
            static const int mode[LE_NL_N] = {LE_NL_SYN, LE_NL_MAT, LE_NL_FLAT, LE_NL_FLAT32};
            if ((rc = le_netfile_list_read(x->s, mode[x->key], e.line, &x->c->lists[x->key])))
                return rc;
            x->queued = 1;
            x->queued_line = e.line;
            x->expect_key = 1;
            return to_yaml(&e, ev, err);
        }
    }
    /* A node directly in the element's mapping completes: keys and values alternate. */
    if (x->lists && ((e.type == YAML_SCALAR_EVENT && rel == 1) ||
                     ((e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) &&
                      x->s->depth - x->base == 1)))
        x->expect_key = !x->expect_key;
    if (e.type == YAML_DOCUMENT_END_EVENT || x->s->depth == x->base)
        x->finished = 1;
    return to_yaml(&e, ev, err);
}

/* Element idx of a section, whose start event e was just read. */
static le_code read_element(le_netfile_ctx *c, le_ys *s, const le_ys_event *e, uint32_t idx, unsigned lists,
                            le_code (*read)(le_netfile_ctx *, int, uint32_t))
{
    elem_src x;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.c = c;
    x.first = *e;
    x.lists = e->type == YAML_MAPPING_START_EVENT ? lists : 0;
    x.expect_key = 1;
    x.key = -1;
    x.base = e->type == YAML_SCALAR_EVENT ? s->depth : s->depth - 1;
    le_cfg cfg;
    le_code rc = le_cfg_load_events(&cfg, s->path, elem_next, &x, c->err);
    if (!rc) {
        c->cfg = &cfg;
        rc = read(c, le_cfg_root(&cfg), idx);
        c->cfg = NULL;
        le_cfg_free(&cfg);
    }
    for (int i = 0; i < LE_NL_N; i++)
        le_netfile_list_free(&c->lists[i]);
    return rc;
}

static le_code read_section(le_netfile_ctx *c, le_ys *s, int t, const le_ys_event *v)
{
    static le_code (*const read[T_N])(le_netfile_ctx *, int, uint32_t) = {
        le_netfile_population, le_netfile_connection, le_netfile_input};
    if (v->type != YAML_SEQUENCE_START_EVENT)
        return le_ys_fail(s, v->line, LE_ERR_PARSE, "%s: expected a list, found %s", top_keys[t], le_ys_found(v));
    le_ys_event e;
    for (uint32_t i = 0;; i++) {
        le_code rc = le_ys_next(s, &e);
        if (rc)
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT)
            return LE_OK;
        static const unsigned lists[T_N] = {
            0, 1u << LE_NL_SYNAPSES | 1u << LE_NL_WEIGHTS | 1u << LE_NL_DELAY, 1u << LE_NL_STEPS};
        if ((rc = read_element(c, s, &e, i, lists[t], read[t])))
            return rc;
    }
}

/* One pass over the file: the sections in `todo` are read in file order, except that
 * connections and inputs met before 'populations' are left for a second pass (*later):
 * populations are defined before use, wherever the section is in the file. */
static le_code read_pass(le_netfile_ctx *c, const char *path, unsigned todo, unsigned *later, int fast,
                         int *used_fast)
{
    le_ys s;
    le_code rc = le_ys_open(&s, path, fast, c->err);
    if (rc) {
        le_ys_close(&s);
        return rc;
    }
    le_ys_event e;
    int first_line[T_N] = {0, 0, 0}, root_line = 0, have_pops = !(todo & (1u << T_POPS));
    if ((rc = le_ys_next(&s, &e)))
        goto done;
    if (e.type == YAML_DOCUMENT_END_EVENT) {
        rc = le_fail(c->err, LE_ERR_PARSE, "%s: empty file (expected 'populations:')", path);
        goto done;
    }
    if (e.type != YAML_MAPPING_START_EVENT) {
        rc = le_ys_fail(&s, e.line, LE_ERR_PARSE, "network file: expected a mapping, found %s", le_ys_found(&e));
        goto done;
    }
    root_line = e.line;
    for (;;) {
        if ((rc = le_ys_next(&s, &e)))
            goto done;
        if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT)
            break;
        if (e.type != YAML_SCALAR_EVENT) {
            rc = le_ys_fail(&s, e.line, LE_ERR_PARSE, "network file: keys must be plain names");
            goto done;
        }
        int t = 0;
        while (t < T_N && strcmp(top_keys[t], e.text) != 0)
            t++;
        if (t == T_N) {
            rc = le_ys_fail(&s, e.line, LE_ERR_PARSE,
                            "network file: unknown key '%s' (allowed: populations, connections, inputs)", e.text);
            goto done;
        }
        int key_line = e.line;
        le_ys_event v;
        if ((rc = le_ys_next(&s, &v)))
            goto done;
        if (first_line[t]) {
            rc = le_ys_fail(&s, key_line, LE_ERR_PARSE, "network file: key '%s' appears twice (first on line %d)",
                            top_keys[t], first_line[t]);
            goto done;
        }
        first_line[t] = v.line;
        if (t == T_POPS && !(todo & (1u << T_POPS))) {
            have_pops = 1;
            rc = le_ys_skip(&s, &v);
        } else if (!(todo & (1u << t))) {
            rc = le_ys_skip(&s, &v);
        } else if (t != T_POPS && !have_pops) {
            *later |= 1u << t;
            rc = le_ys_skip(&s, &v);
        } else {
            rc = read_section(c, &s, t, &v);
            have_pops |= t == T_POPS;
        }
        if (rc)
            goto done;
    }
    if (!first_line[T_POPS])
        rc = le_ys_fail(&s, root_line, LE_ERR_PARSE, "network file: missing 'populations'");
done:
    if (rc && !s.failed) {
        /* As when the file was a document read before its meaning: a syntax error or a limit
         * anywhere in the file is the error, rather than a value before it. */
        le_error first = *c->err;
        s.skipping++; /* aliases are counted, not walked */
        while (!le_ys_next(&s, &e) && e.type != YAML_DOCUMENT_END_EVENT)
            ;
        if (!s.failed)
            *c->err = first;
        else
            rc = c->err->code;
    }
    *used_fast |= s.fast_failed || (s.fast && le_ys_fast_runs(&s) > 0);
    le_ys_close(&s);
    return rc;
}

le_code le_netfile_load(const char *path, le_network *net, le_error *err)
{
    le_network_init(net);
    le_error local;
    if (!err)
        err = &local;
    le_code rc = LE_OK;
    /* First with the fast path for synapse rows; any error, and any doubt of the fast path,
     * reads the file again without it, so that errors are those of libyaml's own reading. */
    for (int fast = 1; fast >= 0; fast--) {
        le_netfile_ctx c;
        memset(&c, 0, sizeof c);
        c.net = net;
        c.err = err;
        unsigned later = 0;
        int used_fast = 0;
        rc = read_pass(&c, path, (1u << T_N) - 1, &later, fast, &used_fast);
        if (!rc && later)
            rc = read_pass(&c, path, later, &later, fast, &used_fast);
        if (!rc && (rc = le_network_validate(net, err)))
            le_error_prefix(err, "%s", path);
        if (!rc || !used_fast)
            break;
        le_network_free(net);
        le_network_init(net);
    }
    return rc;
}
