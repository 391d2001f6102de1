#include "emu/board_mpi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run/mpi.h"
#include "traces/trace_csv.h"
#include "util/vec.h"

struct le_board_mpi {
    uint32_t *first;   /* [ranks + 1]: first chip of each rank; first[ranks] = n_chips */
    const char *spec;
    uint32_t lo, hi, rank, ranks;
    le_sim *sim;
    le_cost_sink sink;  /* rank 0: the cost model's */
    int has_sink;
    le_vec buf;         /* serialised step activity */
    /* trace */
    FILE *trace;
    uint32_t n_traced;
    uint32_t *traced;   /* gids, ascending (the trace's row order) */
    le_vec rows;        /* this rank's (position, u, v, spike) of the step */
    int32_t *tu, *tv;
    uint8_t *tf;
    uint64_t bytes;
    double seconds;
    double cost_seconds; /* rank 0: the part of seconds spent in the cost model */
};

le_code le_board_mpi_new(const char *spec, le_board_mpi **out, le_error *err)
{
    le_board_mpi *b = calloc(1, sizeof *b);
    if (!b)
        return le_fail(err, LE_ERR_NOMEM, "out of memory for the board mode");
    b->spec = spec;
    b->rank = le_mpi_rank();
    b->ranks = le_mpi_size();
    b->buf = LE_VEC(char);
    b->rows = LE_VEC(int32_t);
    *out = b;
    return LE_OK;
}

void le_board_mpi_free(le_board_mpi *b)
{
    if (!b)
        return;
    free(b->first);
    le_vec_free(&b->buf);
    le_vec_free(&b->rows);
    free(b->traced);
    free(b->tu);
    free(b->tv);
    free(b->tf);
    free(b);
}

/* Contiguous chip ranges, so that rank order is gid order (the merged activity is then in
 * the order one process produces it). Balanced on the cores the placement uses. */
static le_code part(void *ctx, const le_placement *pl, const le_board_geom *geom, uint32_t *lo, uint32_t *hi,
                    int *records, le_error *err)
{
    le_board_mpi *b = ctx;
    const uint32_t R = b->ranks, C = geom->n_chips;
    if (C < R)
        return le_fail(err, LE_ERR_USAGE, "board %s has %u chips: fewer than the %u ranks", geom->name, C, R);
    b->first = calloc(R + 1, sizeof *b->first);
    uint64_t *per_chip = calloc(C + 1, sizeof *per_chip);
    uint8_t *used = calloc((size_t)C * geom->cores_per_chip + 1, 1);
    le_code rc = LE_OK;
    if (!b->first || !per_chip || !used)
        rc = le_fail(err, LE_ERR_NOMEM, "out of memory for the partition of %u chips", C);
    if (!rc && b->spec) {
        const char *s = b->spec;
        for (uint32_t r = 1; r < R && !rc; r++) {
            char *e;
            errno = 0;
            unsigned long v = strtoul(s, &e, 10);
            if (e == s || errno || v <= b->first[r - 1] || v >= C || (r + 1 < R ? *e != ',' : *e != 0))
                rc = le_fail(err, LE_ERR_USAGE,
                             "--partition '%s': expected %u increasing chip numbers 1..%u, the first chip of ranks 1..%u",
                             b->spec, R - 1, C - 1, R - 1);
            b->first[r] = (uint32_t)v;
            s = *e ? e + 1 : e;
        }
    } else if (!rc) {
        uint64_t total = 0;
        for (uint32_t g = 0; g < pl->pop_base[pl->n_pops]; g++) {
            uint32_t c = pl->core[g];
            if (c != LE_NO_CORE && c < C * geom->cores_per_chip && !used[c]) {
                used[c] = 1;
                per_chip[c / geom->cores_per_chip]++;
                total++;
            }
        }
        /* Rank r starts where the cores before it reach r / R of the total, keeping at least
         * one chip for each rank. */
        uint64_t acc = 0;
        uint32_t chip = 0;
        for (uint32_t r = 1; r < R; r++) {
            while (chip < C - (R - r) && (chip < b->first[r - 1] + 1 || acc * R < total * r))
                acc += per_chip[chip++];
            b->first[r] = chip;
        }
    }
    if (!rc) {
        b->first[R] = C;
        b->lo = *lo = b->first[b->rank];
        b->hi = *hi = b->first[b->rank + 1];
        *records = b->rank == 0;
    }
    free(per_chip);
    free(used);
    return rc;
}

void le_board_mpi_options(le_board_mpi *b, le_pipeline_opts *o)
{
    o->part = part;
    o->part_ctx = b;
}

void le_board_mpi_chips(const le_board_mpi *b, uint32_t *lo, uint32_t *hi)
{
    *lo = b->lo;
    *hi = b->hi;
}

void le_board_mpi_stats(const le_board_mpi *b, uint64_t *bytes, double *seconds)
{
    *bytes = b->bytes;
    *seconds = b->seconds;
}

double le_board_mpi_cost_seconds(const le_board_mpi *b)
{
    return b->cost_seconds;
}

/* After the compartment phase: every rank's spikes towards other ranks, to every rank. */
static le_code exchange(void *ctx, le_sim *sim, uint32_t t, const uint32_t *fired, uint32_t n, le_error *err)
{
    (void)t;
    le_board_mpi *b = ctx;
    double t0 = le_mpi_wtime();
    void *all = NULL;
    size_t *lens = NULL;
    le_code rc = le_mpi_allgatherv(fired, (size_t)n * sizeof *fired, &all, &lens, err);
    b->bytes += (size_t)n * sizeof *fired;
    size_t off = 0;
    for (uint32_t r = 0; r < b->ranks && !rc; r++) {
        uint32_t k = (uint32_t)(lens[r] / sizeof(uint32_t));
        if (r != b->rank && k) {
            uint32_t *g = malloc((size_t)k * sizeof *g);
            if (!g)
                rc = le_fail(err, LE_ERR_NOMEM, "out of memory for remote spikes");
            else {
                memcpy(g, (char *)all + off, (size_t)k * sizeof *g);
                rc = le_sim_deliver_remote(sim, g, k, err);
                free(g);
            }
        }
        off += lens[r];
    }
    free(all);
    free(lens);
    b->seconds += le_mpi_wtime() - t0;
    return rc;
}

static int put(le_vec *v, const void *a, size_t n)
{
    if (v->n + n > v->cap) {
        size_t cap = v->cap ? v->cap : 4096;
        while (cap < v->n + n)
            cap *= 2;
        void *p = realloc(v->a, cap);
        if (!p)
            return 0;
        v->a = p;
        v->cap = cap;
    }
    if (n)
        memcpy((char *)v->a + v->n, a, n);
    v->n += n;
    return 1;
}

/* The step's activity of every rank, merged on rank 0 in rank order (= gid order) into the
 * one cost model. */
static le_code gather_step(void *ctx, const le_step_activity *a, le_error *err)
{
    le_board_mpi *b = ctx;
    double t0 = le_mpi_wtime();
    b->buf.n = 0;
    uint32_t h[4] = {a->n_cores, a->n_packets, a->n_injected, a->n_x86};
    if (!put(&b->buf, h, sizeof h) || !put(&b->buf, a->cores, a->n_cores * sizeof *a->cores) ||
        !put(&b->buf, a->packets, a->n_packets * sizeof *a->packets) ||
        !put(&b->buf, a->injected, a->n_injected * sizeof *a->injected) ||
        !put(&b->buf, a->x86, a->n_x86 * sizeof *a->x86))
        return le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for the activity", a->step);
    b->bytes += b->rank ? b->buf.n : 0;
    void *all = NULL;
    size_t *lens = NULL;
    le_code rc = le_mpi_gatherv(b->buf.a, b->buf.n, &all, &lens, err);
    if (!rc && b->rank == 0) {
        uint32_t tot[4] = {0, 0, 0, 0};
        size_t off = 0;
        for (uint32_t r = 0; r < b->ranks; r++) {
            uint32_t hr[4];
            memcpy(hr, (char *)all + off, sizeof hr);
            for (int i = 0; i < 4; i++)
                tot[i] += hr[i];
            off += lens[r];
        }
        le_core_activity *cores = malloc(((size_t)tot[0] + 1) * sizeof *cores);
        le_packet *pk = malloc(((size_t)tot[1] + 1) * sizeof *pk), *inj = malloc(((size_t)tot[2] + 1) * sizeof *inj);
        le_x86_activity *x86 = malloc(((size_t)tot[3] + 1) * sizeof *x86);
        if (!cores || !pk || !inj || !x86)
            rc = le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for the board's activity", a->step);
        uint32_t at[4] = {0, 0, 0, 0};
        off = 0;
        for (uint32_t r = 0; r < b->ranks && !rc; r++) {
            const char *q = (const char *)all + off;
            uint32_t hr[4];
            memcpy(hr, q, sizeof hr);
            q += sizeof hr;
            memcpy(cores + at[0], q, hr[0] * sizeof *cores);
            q += hr[0] * sizeof *cores;
            memcpy(pk + at[1], q, hr[1] * sizeof *pk);
            q += hr[1] * sizeof *pk;
            memcpy(inj + at[2], q, hr[2] * sizeof *inj);
            q += hr[2] * sizeof *inj;
            memcpy(x86 + at[3], q, hr[3] * sizeof *x86);
            for (int i = 0; i < 4; i++)
                at[i] += hr[i];
            off += lens[r];
        }
        if (!rc && b->has_sink) {
            le_step_activity m = {a->step, cores, tot[0], pk, tot[1], inj, tot[2], x86, tot[3]};
            double c0 = le_mpi_wtime();
            rc = b->sink.step(b->sink.ctx, &m, err);
            b->cost_seconds += le_mpi_wtime() - c0;
        }
        free(cores);
        free(pk);
        free(inj);
        free(x86);
    }
    free(all);
    free(lens);
    b->seconds += le_mpi_wtime() - t0;
    return rc;
}

/* Rank 0 writes the rows of every traced neuron, each rank sending its own. */
static le_code trace_step(void *ctx, const le_sim *sim, uint32_t t, le_error *err)
{
    le_board_mpi *b = ctx;
    double t0 = le_mpi_wtime();
    const le_chipcfg *c = le_sim_config(sim);
    b->rows.n = 0;
    for (uint32_t j = 0; j < b->n_traced; j++) {
        uint32_t g = b->traced[j];
        if (le_chipcfg_core_of(c, g) == LE_CFG_NONE)
            continue;
        const le_neurocore *core = &c->cores[le_chipcfg_core_of(c, g)];
        uint16_t cx = le_chipcfg_cx_of(c, g);
        int32_t row[4] = {(int32_t)j, core->u[cx], core->v[cx], le_sim_fired(sim, g, t)};
        for (int i = 0; i < 4; i++)
            if (!le_vec_push(&b->rows, &row[i]))
                return le_fail(err, LE_ERR_NOMEM, "trace: out of memory at step %u", t);
    }
    b->bytes += b->rank ? b->rows.n * sizeof(int32_t) : 0;
    void *all = NULL;
    size_t *lens = NULL;
    le_code rc = le_mpi_gatherv(b->rows.a, b->rows.n * sizeof(int32_t), &all, &lens, err);
    if (!rc && b->rank == 0 && b->trace) {
        size_t total = 0;
        for (uint32_t r = 0; r < b->ranks; r++)
            total += lens[r];
        const int32_t *q = all;
        for (size_t i = 0; i + 4 <= total / sizeof(int32_t); i += 4) {
            uint32_t j = (uint32_t)q[i];
            b->tu[j] = q[i + 1];
            b->tv[j] = q[i + 2];
            b->tf[j] = (uint8_t)q[i + 3];
        }
        uint32_t p = 0;
        for (uint32_t j = 0; j < b->n_traced; j++) {
            uint32_t g = b->traced[j];
            while (g >= c->pops[p + 1].base)
                p++;
            le_trace_csv_row(b->trace, t, c->pops[p].name, g - c->pops[p].base, b->tu[j], b->tv[j], b->tf[j]);
        }
        if (ferror(b->trace))
            rc = le_fail(err, LE_ERR_IO, "trace: write error at step %u", t);
    }
    free(all);
    free(lens);
    b->seconds += le_mpi_wtime() - t0;
    return rc;
}

le_code le_board_mpi_attach(le_board_mpi *b, le_pipeline *p, const le_network *net, FILE *trace, int tracing,
                            le_error *err)
{
    b->sim = p->sim;
    if (p->cm) {
        b->sink = le_costmodel_sink(p->cm);
        b->has_sink = b->rank == 0;
    }
    le_sim_set_exchange(p->sim, exchange, b);
    if (p->cm) { /* without a cost model (a functional run) there is nothing to gather */
        le_cost_sink g = {gather_step, b};
        le_sim_set_cost_sink(p->sim, &g);
    }
    if (!tracing)
        return LE_OK;
    uint32_t n = 0;
    for (uint32_t q = 0; q < net->n_pops; q++)
        if (net->pops[q].traced && net->pops[q].kind != LE_POP_INPUT)
            n += net->pops[q].size;
    b->traced = malloc(((size_t)n + 1) * sizeof *b->traced);
    b->tu = calloc((size_t)n + 1, sizeof *b->tu);
    b->tv = calloc((size_t)n + 1, sizeof *b->tv);
    b->tf = calloc((size_t)n + 1, 1);
    if (!b->traced || !b->tu || !b->tv || !b->tf)
        return le_fail(err, LE_ERR_NOMEM, "trace: out of memory for %u traced neurons", n);
    for (uint32_t q = 0; q < net->n_pops; q++)
        if (net->pops[q].traced && net->pops[q].kind != LE_POP_INPUT)
            for (uint32_t k = 0; k < net->pops[q].size; k++)
                b->traced[b->n_traced++] = le_place_gid(&p->pl, q, k);
    b->trace = trace;
    if (trace && b->rank == 0)
        fputs(LE_TRACE_CSV_HEADER, trace);
    le_sim_set_observer(p->sim, trace_step, b);
    return LE_OK;
}

le_code le_board_mpi_totals(le_board_mpi *b, const le_pipeline *p, uint64_t *spikes, uint64_t *cores, le_error *err)
{
    (void)b;
    uint64_t v[2] = {le_sim_total_spikes(p->sim), le_sim_n_cores(p->sim)};
    le_code rc = le_mpi_allreduce_sum_u64(v, 2, err);
    *spikes = v[0];
    *cores = v[1];
    return rc;
}
