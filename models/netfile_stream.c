#include "models/netfile_stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/budget.h"

/* A recorded event; type LE_YS_REF stands for the whole expansion of anchor `ref` (an alias
 * inside an anchored node is kept as one entry, not copied out). */
enum { LE_YS_REF = 255 };
struct le_ys_cev {
    uint8_t type;
    uint8_t plain;
    int line;
    int ref;
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

/* ------------------------------------------------------------------ the fast path */

/* libyaml spends about a microsecond per scalar (scanner, buffer decoding, a malloc and a free),
 * which caps a file of synapse rows at about 45 MB/s. The rows are regular, so they are read
 * here, as libyaml is handed the file: a run of rows right under `synapses:` becomes one
 * placeholder item and blank lines (the lines of everything else stay where they were). The
 * file's meaning cannot change: a placeholder counts only as the first item of a connection's
 * synapse list at its own line, where the rows were items of that same block list; anywhere
 * else (a block scalar, a string, an alias) the load fails and le_netfile_load reads the file
 * again without the fast path, as it does for every error, so messages are the same too. */
struct le_ys_filter {
    char *in;
    size_t in_pos, in_len, in_cap;
    int eof, off;
    char *out;
    size_t out_pos, out_len, out_cap;
    long line;       /* number of the next input line */
    int armed;       /* the line before was `synapses:` */
    int key_indent;
    long run;        /* run being read, -1 none */
    int run_indent;
    le_ys_run **runs;
    size_t n_runs, cap_runs;
    int nomem;
};

void le_ys_run_free(le_ys_run *r)
{
    if (!r)
        return;
    free(r->item_line);
    free(r->len);
    free(r->src);
    free(r->dst);
    free(r->w);
    free(r->d);
    free(r);
}

static void filter_free(le_ys_filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_runs; i++)
        le_ys_run_free(f->runs[i]);
    free(f->runs);
    free(f->in);
    free(f->out);
    free(f);
}

size_t le_ys_fast_runs(const le_ys *s) { return s->fast ? s->fast->n_runs : 0; }

le_ys_run *le_ys_take_run(le_ys *s)
{
    if (s->marker < 0 || !s->fast)
        return NULL;
    le_ys_run *r = s->fast->runs[s->marker];
    s->fast->runs[s->marker] = NULL;
    s->marker = -1;
    return r;
}

/* A scalar with a '~': the placeholder of a run at its own line (claimed by the synapse list
 * that reads it next), or text that merely looks like one (fails: read again without). */
static int claim_marker(le_ys *s, const le_ys_event *e, int anchored)
{
    const char *t = e->text;
    if (!strstr(t, "~~le"))
        return 1;
    if (!anchored && !strncmp(t, "~~le", 4) && t[4] >= '0' && t[4] <= '9') {
        char *end;
        unsigned long k = strtoul(t + 4, &end, 10);
        if (*end == '\0' && k < s->fast->n_runs && s->fast->runs[k] && s->fast->runs[k]->first_line == e->line &&
            s->marker < 0) {
            s->marker = (long)k;
            return 1;
        }
    }
    s->fast_failed = s->failed = 1;
    return 0;
}

static int out_put(le_ys_filter *f, const char *p, size_t n)
{
    if (n == 0)
        return 1;
    if (f->out_len + n > f->out_cap) {
        size_t cap = f->out_cap ? f->out_cap : 1 << 16;
        while (cap < f->out_len + n)
            cap *= 2;
        char *q = realloc(f->out, cap);
        if (!q)
            return 0;
        f->out = q;
        f->out_cap = cap;
    }
    memcpy(f->out + f->out_len, p, n);
    f->out_len += n;
    return 1;
}

/* `INDENT- [a, b, c]` or `INDENT- [a, b, c, d]`: plain decimal integers (no leading zeros,
 * which base-0 reading takes as octal) that fit the arrays (so that reading them here stores
 * what the list reader would); spaces only, nothing after the bracket. */
static int parse_row(const char *p, size_t n, int *indent, long long v[4], int *count)
{
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    *indent = (int)i;
    if (i + 2 >= n || p[i] != '-' || p[i + 1] != ' ')
        return 0;
    i += 2;
    while (i < n && p[i] == ' ')
        i++;
    if (i >= n || p[i] != '[')
        return 0;
    i++;
    int c = 0;
    for (;;) {
        while (i < n && p[i] == ' ')
            i++;
        int neg = i < n && p[i] == '-';
        i += (size_t)neg;
        if (i >= n || p[i] < '0' || p[i] > '9' || c == 4)
            return 0;
        if (p[i] == '0' && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9')
            return 0;
        long long x = 0;
        int nd = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            x = x * 10 + (p[i++] - '0');
            if (++nd > 10)
                return 0;
        }
        v[c++] = neg ? -x : x;
        while (i < n && p[i] == ' ')
            i++;
        if (i < n && p[i] == ',') {
            i++;
            continue;
        }
        if (i < n && p[i] == ']') {
            i++;
            break;
        }
        return 0;
    }
    while (i < n && p[i] == ' ')
        i++;
    if (i != n || (c != 3 && c != 4))
        return 0;
    if (v[0] < 0 || v[0] > (long long)UINT32_MAX || v[1] < 0 || v[1] > (long long)UINT32_MAX ||
        v[2] < INT16_MIN || v[2] > INT16_MAX || (c == 4 && (v[3] < 0 || v[3] > 255)))
        return 0;
    *count = c;
    return 1;
}

/* `INDENTsynapses:` with nothing after it. */
static int is_synapses_key(const char *p, size_t n, int *indent)
{
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    *indent = (int)i;
    if (n - i < 9 || memcmp(p + i, "synapses:", 9) != 0)
        return 0;
    for (i += 9; i < n; i++)
        if (p[i] != ' ')
            return 0;
    return 1;
}

static int run_add(le_ys_run *r, long line, const long long v[4], int count)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
#define G(a) do { void *q = realloc(r->a, cap * sizeof *r->a); if (!q) return 0; r->a = q; } while (0)
        G(item_line);
        G(len);
        G(src);
        G(dst);
        G(w);
        G(d);
#undef G
        r->cap = cap;
    }
    size_t j = r->n++;
    r->item_line[j] = (uint32_t)line;
    r->len[j] = (uint32_t)count;
    r->src[j] = (uint32_t)v[0];
    r->dst[j] = (uint32_t)v[1];
    r->w[j] = (int16_t)v[2];
    r->d[j] = count == 4 ? (uint8_t)v[3] : 0;
    r->any4 |= count == 4;
    return 1;
}

/* One input line (without its newline) into the output. */
static int filter_line(le_ys_filter *f, const char *p, size_t n, int nl)
{
    long long v[4];
    int ind, cnt;
    if (f->run >= 0 && !f->runs[f->run])
        f->run = -1; /* already taken: the rows that follow are libyaml's, as items after it */
    if (f->run >= 0) {
        if (parse_row(p, n, &ind, v, &cnt) && ind == f->run_indent) {
            f->line++;
            return run_add(f->runs[f->run], f->line - 1, v, cnt) && (!nl || out_put(f, "\n", 1));
        }
        f->run = -1;
    }
    if (f->armed) {
        f->armed = 0;
        if (nl && parse_row(p, n, &ind, v, &cnt) && ind >= f->key_indent) {
            if (f->n_runs == f->cap_runs) {
                size_t cap = f->cap_runs ? 2 * f->cap_runs : 16;
                le_ys_run **q = realloc(f->runs, cap * sizeof *q);
                if (!q)
                    return 0;
                f->runs = q;
                f->cap_runs = cap;
            }
            le_ys_run *r = calloc(1, sizeof *r);
            if (!r)
                return 0;
            r->first_line = (int)f->line;
            f->runs[f->n_runs] = r;
            f->run = (long)f->n_runs++;
            f->run_indent = ind;
            char ph[64];
            int m = snprintf(ph, sizeof ph, "- ~~le%ld\n", f->run);
            f->line++;
            for (int k = 0; k < ind; k++)
                if (!out_put(f, " ", 1))
                    return 0;
            return run_add(r, f->line - 1, v, cnt) && out_put(f, ph, (size_t)m);
        }
    }
    if (!out_put(f, p, n) || (nl && !out_put(f, "\n", 1)))
        return 0;
    f->armed = nl && is_synapses_key(p, n, &f->key_indent);
    f->line++;
    return 1;
}

static int filter_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    le_ys *s = data;
    le_ys_filter *f = s->fast;
    while (f->out_pos == f->out_len && !(f->eof && f->in_pos == f->in_len)) {
        f->out_pos = f->out_len = 0;
        if (!f->eof) {
            /* keep the unfinished line, read more behind it */
            if (f->in_pos)
                memmove(f->in, f->in + f->in_pos, f->in_len - f->in_pos);
            f->in_len -= f->in_pos;
            f->in_pos = 0;
            if (f->in_len == f->in_cap) {
                size_t cap = f->in_cap ? 2 * f->in_cap : 1 << 20;
                char *q = realloc(f->in, cap);
                if (!q)
                    return 0;
                f->in = q;
                f->in_cap = cap;
            }
            size_t got = fread(f->in + f->in_len, 1, f->in_cap - f->in_len, s->f);
            if (got == 0 && ferror(s->f))
                return 0; /* libyaml reports it as an input error */
            if (got == 0)
                f->eof = 1;
            if (f->in_len == 0 && got >= 2 && ((unsigned char)f->in[0] == 0xFE || (unsigned char)f->in[0] == 0xFF ||
                                               f->in[0] == 0 || f->in[1] == 0))
                f->off = 1; /* UTF-16: libyaml's to decode, not ours */
            f->in_len += got;
        }
        if (f->off) {
            if (!out_put(f, f->in + f->in_pos, f->in_len - f->in_pos))
                return 0;
            f->in_pos = f->in_len;
            continue;
        }
        while (f->in_pos < f->in_len && f->out_len < (1 << 16)) {
            const char *p = f->in + f->in_pos;
            const char *nlp = memchr(p, '\n', f->in_len - f->in_pos);
            if (!nlp && !f->eof)
                break;
            size_t n = nlp ? (size_t)(nlp - p) : f->in_len - f->in_pos;
            if (!filter_line(f, p, n, nlp != NULL))
                return 0;
            f->in_pos += n + (nlp != NULL);
        }
    }
    size_t n = f->out_len - f->out_pos;
    if (n > size)
        n = size;
    if (n)
        memcpy(buffer, f->out + f->out_pos, n);
    f->out_pos += n;
    *size_read = n;
    return 1;
}


le_code le_ys_open(le_ys *s, const char *path, int fast, le_error *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->err = err;
    s->marker = -1;
    le_code orc = le_input_open(path, "a YAML file", &s->f, NULL, err);
    if (orc)
        return orc;
    if (!yaml_parser_initialize(&s->p))
        return le_fail(err, LE_ERR_NOMEM, "%s: cannot start the YAML parser", path);
    s->p_ok = 1;
    if (fast && (s->fast = calloc(1, sizeof *s->fast))) {
        s->fast->line = 1;
        s->fast->run = -1;
        yaml_parser_set_input(&s->p, filter_read, s);
    } else
        yaml_parser_set_input_file(&s->p, s->f);
    return LE_OK;
}

static void filter_free(le_ys_filter *f);

void le_ys_close(le_ys *s)
{
    filter_free(s->fast);
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
    c->ref = -1;
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

static le_code record_ref(le_ys *s, int anchor, int line)
{
    le_ys_event e;
    memset(&e, 0, sizeof e);
    e.type = (yaml_event_type_t)LE_YS_REF;
    e.line = line;
    le_code rc = record(s, &e);
    if (!rc)
        s->pool[s->n_pool - 1].ref = anchor;
    return rc;
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
static le_code account(le_ys *s, const le_ys_event *e, const char *anchor_name, int live)
{
    le_code rc;
    int slot = -1;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        if ((rc = add_anchor(s, anchor_name, e->line, &slot)))
            return rc;
        if (live && (slot >= 0 || s->n_capturing)) {
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
        if (live && s->n_capturing && (rc = record(s, e)))
            return rc;
        s->open[s->depth].size = 1;
        s->open[s->depth].height = 0;
        s->open[s->depth].anchor = slot;
        s->depth++;
        return LE_OK;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        if (live && s->n_capturing && (rc = record(s, e)))
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

/* The next replayed event, or 0 in *got when the replay is over. A reference inside a replay
 * is expanded in place (its nodes were counted by the alias being replayed), or, while the
 * reader skips, counted as one node of its size without a walk. */
static le_code replay_one(le_ys *s, le_ys_event *e, int *got)
{
    *got = 0;
    while (s->rdepth > 0) {
        struct le_ys_frame *f = &s->rstack[s->rdepth - 1];
        if (f->pos == f->end) {
            s->rdepth--;
            continue;
        }
        const le_ys_cev *c = &s->pool[f->pos++];
        if (c->type == LE_YS_REF) {
            const le_ys_anchor *a = &s->anchors[c->ref];
            if (s->skipping) {
                add_child(s, a->size, a->height);
                e->type = YAML_SCALAR_EVENT;
                e->line = c->line;
                e->text = "";
                e->len = 0;
                *got = 1;
                return LE_OK;
            }
            if (s->rdepth == LE_YS_MAX_FRAMES)
                return le_fail(s->err, LE_ERR_LIMIT, "%s:%d: aliases nested deeper than %d levels", s->path, c->line,
                               LE_YS_MAX_FRAMES);
            s->rstack[s->rdepth].pos = a->start;
            s->rstack[s->rdepth].end = a->end;
            s->rdepth++;
            continue;
        }
        if (s->fast && c->text && strstr(c->text, "~~le")) {
            s->fast_failed = 1;
            return le_fail(s->err, LE_ERR_PARSE, "%s: fast path: a synapse-row placeholder out of place", s->path);
        }
        e->type = (yaml_event_type_t)c->type;
        e->line = c->line;
        e->text = c->text;
        e->len = c->len;
        e->plain = c->plain;
        *got = 1;
        return account(s, e, NULL, 0);
    }
    return LE_OK;
}

/* A live alias: checked against the limits as one node of its anchor's size, recorded as a
 * reference when inside an anchored node, then replayed (or, while skipping, not walked). */
static le_code alias(le_ys *s, const char *name, int line, le_ys_event *e, int *got)
{
    *got = 0;
    int ai = -1;
    for (int i = 0; i < s->n_anchors && ai < 0; i++)
        if (!strcmp(s->anchors[i].name, name))
            ai = i;
    if (ai < 0)
        return le_fail(s->err, LE_ERR_PARSE, "%s:%d: YAML syntax error: found undefined alias '*%s'", s->path, line,
                       name);
    const le_ys_anchor *a = &s->anchors[ai];
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
    le_code rc;
    if (s->n_capturing && (rc = record_ref(s, ai, line)))
        return rc;
    if (s->skipping) {
        add_child(s, a->size, a->height);
        e->type = YAML_SCALAR_EVENT;
        e->line = line;
        e->text = "";
        e->len = 0;
        *got = 1;
        return LE_OK;
    }
    s->rstack[0].pos = a->start;
    s->rstack[0].end = a->end;
    s->rdepth = 1;
    return replay_one(s, e, got);
}

static le_code next(le_ys *s, le_ys_event *e);

le_code le_ys_next(le_ys *s, le_ys_event *e)
{
    if (s->failed) {
        memset(e, 0, sizeof *e);
        e->type = YAML_DOCUMENT_END_EVENT;
        return s->err ? s->err->code : LE_ERR_PARSE;
    }
    if (s->marker >= 0) {
        /* A placeholder no synapse list took: fine in a part being skipped (a later pass
         * reads it again), otherwise the fast path misread the file. */
        le_ys_run *r = le_ys_take_run(s);
        le_ys_run_free(r);
        if (!s->skipping) {
            s->fast_failed = s->failed = 1;
            return le_fail(s->err, LE_ERR_PARSE, "%s: fast path: a synapse-row placeholder out of place", s->path);
        }
    }
    le_code rc = next(s, e);
    if (rc)
        s->failed = 1;
    return rc;
}

static le_code next(le_ys *s, le_ys_event *e)
{
    memset(e, 0, sizeof *e);
    le_code rc;
    int got = 0;
    if (s->rdepth && ((rc = replay_one(s, e, &got)) || got))
        return rc;
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
            if (s->fast && memchr(e->text, '~', e->len) && !claim_marker(s, e, y->data.scalar.anchor != NULL))
                return le_fail(s->err, LE_ERR_PARSE, "%s: fast path: a synapse-row placeholder out of place",
                               s->path);
            return account(s, e, (const char *)y->data.scalar.anchor, 1);
        case YAML_SEQUENCE_START_EVENT:
            return account(s, e, (const char *)y->data.sequence_start.anchor, 1);
        case YAML_MAPPING_START_EVENT:
            return account(s, e, (const char *)y->data.mapping_start.anchor, 1);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            return account(s, e, NULL, 1);
        case YAML_ALIAS_EVENT:
            if ((rc = alias(s, (const char *)y->data.alias.anchor, e->line, e, &got)) || got)
                return rc;
            continue; /* an empty anchored node replayed: nothing to hand on */
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
    le_code rc = LE_OK;
    s->skipping++;
    while (s->depth > base) {
        if ((rc = le_ys_next(s, &e)) || e.type == YAML_DOCUMENT_END_EVENT)
            break;
    }
    if (!rc && s->marker >= 0)
        le_ys_run_free(le_ys_take_run(s));
    s->skipping--;
    return rc;
}
