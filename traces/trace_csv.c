#include "traces/trace_csv.h"

#include <stdlib.h>

struct le_trace_csv {
    FILE *f;
    const char *name; /* for messages: the file, "<stdout>" */
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
    t->name = "trace";
    if (fputs(LE_TRACE_CSV_HEADER, f) == EOF) {
        le_trace_csv_free(t);
        return le_fail(err, LE_ERR_IO, "trace: write error in the header");
    }
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
    int bad = 0;
    /* The population's name as a CSV field, made when the population changes (the gids
     * are ascending), so that a row is one fprintf. */
    char name[2 * LE_NAME_MAX + 3];
    uint32_t name_of = UINT32_MAX;
    for (uint32_t j = 0; j < t->n; j++) {
        uint32_t g = t->traced[j];
        while (g >= c->pops[p + 1].base)
            p++;
        if (p != name_of) {
            le_csv_field(c->pops[p].name, name, sizeof name);
            name_of = p;
        }
        const le_neurocore *core = &c->cores[le_chipcfg_core_of(c, g)];
        uint32_t cx = le_chipcfg_cx_of(c, g);
        bad |= fprintf(t->f, "%u,%s,%u,%d,%d,%d\n", step, name, g - c->pops[p].base, core->u[cx], core->v[cx],
                       le_sim_fired(sim, g, step)) < 0;
    }
    if (bad || ferror(t->f))
        return le_fail(err, LE_ERR_IO, "trace %s: write failed at step %u", t->name, step);
    return LE_OK;
}

void le_trace_csv_set_name(le_trace_csv *t, const char *name)
{
    t->name = name;
}

void le_trace_csv_attach(le_trace_csv *t, le_sim *sim) { le_sim_set_observer(sim, write_step, t); }

le_code le_trace_csv_incomplete(le_trace_csv *t, uint32_t step, uint32_t of, le_error *err)
{
    if (fprintf(t->f, "# incomplete: interrupted at step %u of %u\n", step, of) < 0 || ferror(t->f))
        return le_fail(err, LE_ERR_IO, "trace %s: write failed in the final line", t->name);
    return LE_OK;
}
