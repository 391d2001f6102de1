#include "traces/trace_vcd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t t;
    uint32_t var; /* index into the declared links */
    int32_t delta;
} change;

struct le_trace_vcd {
    FILE *f;
    char path[1024];
    uint32_t *var_of; /* [n_links]: 1 + variable index, 0 = not declared */
    uint32_t n_vars;
    int32_t *depth;   /* [n_vars] */
    int32_t *shown;   /* [n_vars]: value last written */
    change *ch;
    size_t n_ch, cap_ch;
    int64_t last_t;
    int failed;
};

/* Identifier of variable i: printable ASCII 33..126, base 94; the step counter is "!". */
static void ident(uint32_t i, char *buf)
{
    i += 1;
    int n = 0;
    do {
        buf[n++] = (char)(33 + i % 94);
        i /= 94;
    } while (i);
    buf[n] = '\0';
}

void le_trace_vcd_free(le_trace_vcd *v)
{
    if (!v)
        return;
    if (v->f)
        fclose(v->f);
    free(v->var_of);
    free(v->depth);
    free(v->shown);
    free(v->ch);
    free(v);
}

le_code le_trace_vcd_open(const char *path, const le_topo *t, const uint8_t *want, le_trace_vcd **out, le_error *err)
{
    *out = NULL;
    le_trace_vcd *v = calloc(1, sizeof *v);
    if (!v)
        return le_fail(err, LE_ERR_NOMEM, "VCD: out of memory");
    snprintf(v->path, sizeof v->path, "%s", path);
    v->var_of = calloc((size_t)t->n_links + 1, sizeof *v->var_of);
    uint32_t n = 0;
    for (uint32_t l = 0; v->var_of && l < t->n_links; l++)
        if (want[l])
            v->var_of[l] = ++n;
    v->n_vars = n;
    v->depth = calloc((size_t)n + 1, sizeof *v->depth);
    v->shown = calloc((size_t)n + 1, sizeof *v->shown);
    if (!v->var_of || !v->depth || !v->shown) {
        le_trace_vcd_free(v);
        return le_fail(err, LE_ERR_NOMEM, "VCD: out of memory for %u links", t->n_links);
    }
    if (!(v->f = fopen(path, "w"))) {
        le_code rc = le_fail(err, LE_ERR_IO, "%s: cannot write the VCD: %s", path, strerror(errno));
        le_trace_vcd_free(v);
        return rc;
    }
    FILE *f = v->f;
    fprintf(f, "$date loihi-emu $end\n$version loihi-emu congestion trace $end\n$timescale 1ps $end\n");
    fprintf(f, "$scope module board $end\n$var integer 32 ! step $end\n");
    uint32_t chip = UINT32_MAX;
    char id[8], name[96];
    for (uint32_t l = 0; l < t->n_links; l++) {
        if (!v->var_of[l])
            continue;
        uint32_t c = le_link_chip(t, l);
        if (c != chip) {
            if (chip != UINT32_MAX)
                fprintf(f, "$upscope $end\n");
            fprintf(f, "$scope module chip%u $end\n", c);
            chip = c;
        }
        /* names without spaces: "router(2,1)E" -> r2_1_E, "core 17 local" -> core17 */
        uint32_t off = l % t->links_per_chip;
        if (off < 4 * t->n_routers)
            snprintf(name, sizeof name, "r%u_%u_%c", (off / 4) % t->g.tiles_x, (off / 4) / t->g.tiles_x, "EWNS"[off % 4]);
        else if (off < 4 * t->n_routers + t->g.cores_per_chip)
            snprintf(name, sizeof name, "core%u", off - 4 * t->n_routers);
        else
            snprintf(name, sizeof name, "port_%c", "EWNS"[(off - 4 * t->n_routers - t->g.cores_per_chip) % 4]);
        ident(v->var_of[l], id);
        fprintf(f, "$var integer 32 %s %s $end\n", id, name);
    }
    if (chip != UINT32_MAX)
        fprintf(f, "$upscope $end\n");
    fprintf(f, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\nb0 !\n");
    for (uint32_t i = 1; i <= n; i++) {
        ident(i, id);
        fprintf(f, "b0 %s\n", id);
    }
    fprintf(f, "$end\n");
    v->last_t = 0;
    *out = v;
    return LE_OK;
}

static void push(le_trace_vcd *v, int64_t t, uint32_t var, int32_t d)
{
    if (v->n_ch == v->cap_ch) {
        size_t cap = v->cap_ch ? v->cap_ch * 2 : 1024;
        change *c = realloc(v->ch, cap * sizeof *c);
        if (!c) {
            v->failed = 1;
            return;
        }
        v->ch = c;
        v->cap_ch = cap;
    }
    change c = {t, var, d};
    v->ch[v->n_ch++] = c;
}

void le_trace_vcd_hop(le_trace_vcd *v, uint32_t phase, uint32_t link, int64_t arrive_ps, int64_t free_ps)
{
    uint32_t var = v->var_of[link];
    if (!var)
        return;
    /* phase 1 times are shifted in le_trace_vcd_step; mark them with the top bit of var */
    uint32_t tag = phase ? 0x80000000u : 0;
    push(v, arrive_ps, (var - 1) | tag, +1);
    push(v, free_ps, (var - 1) | tag, -1);
}

/* Time order; at one time, departures before arrivals (a link freed and taken at the same
 * picosecond holds one packet, not two). */
static int cmp_change(const void *a, const void *b)
{
    const change *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->delta != y->delta)
        return x->delta < y->delta ? -1 : 1;
    return x->var < y->var ? -1 : x->var > y->var;
}

static void write_bin(FILE *f, int32_t val, const char *id)
{
    char b[40];
    int n = 0;
    uint32_t u = (uint32_t)val;
    do {
        b[n++] = (char)('0' + (u & 1));
        u >>= 1;
    } while (u);
    fputc('b', f);
    while (n)
        fputc(b[--n], f);
    fprintf(f, " %s\n", id);
}

void le_trace_vcd_step(le_trace_vcd *v, uint32_t step, int64_t start_ps, int64_t inject_ps)
{
    for (size_t i = 0; i < v->n_ch; i++) {
        change *c = &v->ch[i];
        c->t += start_ps + ((c->var & 0x80000000u) ? inject_ps : 0);
        c->var &= 0x7fffffffu;
    }
    qsort(v->ch, v->n_ch, sizeof *v->ch, cmp_change);
    FILE *f = v->f;
    char id[8];
    if (start_ps > v->last_t) {
        fprintf(f, "#%lld\n", (long long)start_ps);
        v->last_t = start_ps;
    }
    write_bin(f, (int32_t)step, "!");
    /* one time stamp per instant; each variable written once per instant with its value then */
    size_t i = 0;
    while (i < v->n_ch) {
        int64_t t = v->ch[i].t;
        size_t j = i;
        for (; j < v->n_ch && v->ch[j].t == t; j++)
            v->depth[v->ch[j].var] += v->ch[j].delta;
        int stamped = 0;
        for (size_t k = i; k < j; k++) {
            uint32_t var = v->ch[k].var;
            if (v->shown[var] == v->depth[var])
                continue;
            if (!stamped && t != v->last_t) {
                fprintf(f, "#%lld\n", (long long)t);
                v->last_t = t;
            }
            stamped = 1;
            v->shown[var] = v->depth[var];
            ident(var + 1, id);
            write_bin(f, v->depth[var], id);
        }
        i = j;
    }
    v->n_ch = 0;
}

le_code le_trace_vcd_close(le_trace_vcd *v, le_error *err)
{
    le_code rc = LE_OK;
    if (v->failed)
        rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory for the VCD's changes", v->path);
    if (fclose(v->f) != 0 && !rc)
        rc = le_fail(err, LE_ERR_IO, "%s: write error", v->path);
    v->f = NULL;
    le_trace_vcd_free(v);
    return rc;
}
