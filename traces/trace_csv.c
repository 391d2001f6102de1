#include "traces/trace_csv.h"

#include <stdlib.h>

struct le_trace_csv {
    FILE *f;
    uint32_t *traced; /* neuron gids, ascending */
    uint32_t n;
};

le_code le_trace_csv_open(FILE *f, const le_network *net, const le_placement *pl, le_trace_csv **out, le_error *err)
{
    *out = NULL;
    le_trace_csv *t = calloc(1, sizeof *t);
    uint32_t n = 0;
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].traced && net->pops[p].kind != LE_POP_INPUT)
            n += net->pops[p].size;
    if (t)
        t->traced = malloc(((size_t)n + 1) * sizeof *t->traced);
    if (!t || !t->traced) {
        le_trace_csv_free(t);
        return le_fail(err, LE_ERR_NOMEM, "trace: out of memory for %u traced neurons", n);
    }
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].traced && net->pops[p].kind != LE_POP_INPUT)
            for (uint32_t k = 0; k < net->pops[p].size; k++)
                t->traced[t->n++] = le_place_gid(pl, p, k);
    t->f = f;
    fputs(LE_TRACE_CSV_HEADER, f);
    *out = t;
    return LE_OK;
}

void le_trace_csv_free(le_trace_csv *t)
{
    if (!t)
        return;
    free(t->traced);
    free(t);
}

static le_code write_step(void *ctx, const le_sim *sim, uint32_t step, le_error *err)
{
    le_trace_csv *t = ctx;
    const le_chipcfg *c = le_sim_config(sim);
    uint32_t p = 0;
    for (uint32_t j = 0; j < t->n; j++) {
        uint32_t g = t->traced[j];
        while (g >= c->pops[p + 1].base)
            p++;
        const le_neurocore *core = &c->cores[c->nrn_core[g]];
        uint32_t cx = c->nrn_cx[g];
        le_trace_csv_row(t->f, step, c->pops[p].name, g - c->pops[p].base, core->u[cx], core->v[cx],
                         le_sim_fired(sim, g, step));
    }
    if (ferror(t->f))
        return le_fail(err, LE_ERR_IO, "trace: write error at step %u", step);
    return LE_OK;
}

void le_trace_csv_attach(le_trace_csv *t, le_sim *sim) { le_sim_set_observer(sim, write_step, t); }
