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
    if (!rc)
        rc = le_sim_create(net, &p->pl, &p->geom, &p->lim, &p->sim, err);
    if (!rc)
        rc = le_sim_set_inject_latency(p->sim, o->inject_latency, err);
    if (!rc && p->cm)
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
