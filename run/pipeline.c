#include "run/pipeline.h"

#include <stdlib.h>
#include <string.h>

le_pipeline_opts le_pipeline_defaults(void)
{
    le_pipeline_opts o;
    memset(&o, 0, sizeof o);
    o.noc = LE_NOC_LOAD;
    o.seed = 1;
    o.inject_latency = 1;
    return o;
}

le_code le_costmodel_attach_sim(le_costmodel *cm, le_sim *sim, le_error *err)
{
    uint32_t n = le_sim_n_cores(sim);
    uint32_t *gids = malloc(((size_t)n + 1) * sizeof *gids);
    if (!gids)
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u core ids", n);
    for (uint32_t i = 0; i < n; i++)
        gids[i] = le_sim_core(sim, i)->gid;
    le_code rc = le_costmodel_set_cores_used(cm, gids, n, err);
    free(gids);
    if (rc)
        return rc;
    le_cost_sink sink = le_costmodel_sink(cm);
    le_sim_set_cost_sink(sim, &sink);
    return LE_OK;
}

/* A part holds only its own cores: the cost model of the whole board declares every core the
 * placement uses, in gid order, as le_costmodel_attach_sim does with a whole simulation. */
static le_code declare_placed_cores(le_costmodel *cm, const le_network *net, const le_placement *pl, le_error *err)
{
    uint32_t n_board = le_costmodel_geom(cm)->n_chips * le_costmodel_geom(cm)->cores_per_chip, n = 0;
    uint8_t *used = calloc((size_t)n_board + 1, 1);
    uint32_t *gids = malloc(((size_t)n_board + 1) * sizeof *gids);
    if (!used || !gids) {
        free(used);
        free(gids);
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u core ids", n_board);
    }
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].kind != LE_POP_INPUT)
            for (uint32_t k = 0; k < net->pops[p].size; k++) {
                uint32_t c = pl->core[pl->pop_base[p] + k];
                if (c < n_board)
                    used[c] = 1;
            }
    for (uint32_t c = 0; c < n_board; c++)
        if (used[c])
            gids[n++] = c;
    le_code rc = le_costmodel_set_cores_used(cm, gids, n, err);
    free(used);
    free(gids);
    return rc;
}

le_code le_pipeline_open(const le_network *net, const le_pipeline_opts *o, le_pipeline *p, le_error *err)
{
    memset(p, 0, sizeof *p);
    le_pipeline_opts def = le_pipeline_defaults();
    if (!o)
        o = &def;
    le_code rc = LE_OK;
    if (o->board || o->costed)
        rc = le_costmodel_open(o->board ? o->board : "1x1", o->arch_file, o->noc, o->seed, &p->cm, err);
    if (rc)
        return rc;
    p->geom = p->cm ? *le_costmodel_geom(p->cm) : le_board_geom_single_chip();
    p->lim = o->limits ? *o->limits : *le_limits_loihi1();
    p->lim.cores_per_chip = p->geom.cores_per_chip;
    if (!(rc = le_place_with(net, &p->geom, &p->lim, o->place, &p->pl, err)))
        p->placed = 1;
    uint32_t lo = 0, hi = 0;
    int records = 1;
    if (!rc && o->part)
        rc = o->part(o->part_ctx, &p->pl, &p->geom, &lo, &hi, &records, err);
    if (!rc && o->consume && o->consume != net)
        rc = le_fail(err, LE_ERR_USAGE, "pipeline: the network to consume is not the one opened");
    if (!rc && o->consume)
        rc = le_sim_create_consume(o->consume, &p->pl, &p->geom, &p->lim, o->part != NULL, lo, hi, records, &p->sim,
                                   err);
    else if (!rc)
        rc = o->part ? le_sim_create_part(net, &p->pl, &p->geom, &p->lim, lo, hi, records, &p->sim, err)
                     : le_sim_create(net, &p->pl, &p->geom, &p->lim, &p->sim, err);
    if (!rc)
        rc = le_sim_set_inject_latency(p->sim, o->inject_latency, err);
    if (!rc && p->cm && o->part)
        rc = declare_placed_cores(p->cm, net, &p->pl, err); /* the sink is the part's to set */
    else if (!rc && p->cm)
        rc = le_costmodel_attach_sim(p->cm, p->sim, err);
    if (rc)
        le_pipeline_close(p);
    return rc;
}

le_code le_pipeline_board(const le_pipeline_opts *o, le_board_geom *geom, le_limits *lim, le_error *err)
{
    le_costmodel *cm = NULL;
    le_code rc = LE_OK;
    if (o->board || o->costed)
        rc = le_costmodel_open(o->board ? o->board : "1x1", o->arch_file, o->noc, o->seed, &cm, err);
    if (rc)
        return rc;
    *geom = cm ? *le_costmodel_geom(cm) : le_board_geom_single_chip();
    *lim = o->limits ? *o->limits : *le_limits_loihi1();
    lim->cores_per_chip = geom->cores_per_chip;
    le_costmodel_free(cm);
    return LE_OK;
}

void le_pipeline_close(le_pipeline *p)
{
    le_sim_free(p->sim);
    le_costmodel_free(p->cm);
    if (p->placed)
        le_placement_free(&p->pl);
    memset(p, 0, sizeof *p);
}

le_code le_pipeline_run(le_pipeline *p, uint32_t steps, const le_snips *snips, le_error *err)
{
    return le_sim_run(p->sim, steps, snips, err);
}

le_code le_pipeline_run_inferences(le_pipeline *p, uint32_t n, uint32_t steps_each, const le_snips *snips,
                                   le_inference_done done, void *ctx, le_error *err)
{
    for (uint32_t k = 0; k < n; k++) {
        le_code rc = le_sim_run(p->sim, steps_each, snips, err);
        if (rc)
            return rc;
        if (p->cm)
            le_costmodel_end_inference(p->cm);
        if (done && (rc = done(ctx, k, err)))
            return rc;
    }
    return LE_OK;
}
