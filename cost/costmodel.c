/* The board's cost model (cost/costmodel.h): loading the architecture, board and network,
 * and which chips and cores are in use (static power is charged from then on). The step
 * formula is in cost/step.c, the summaries in cost/summary.c, the report in report/. */
#include <stdlib.h>
#include <string.h>

#include "cost/costmodel_internal.h"

const le_arch *le_costmodel_arch(const le_costmodel *cm) { return &cm->arch; }
const le_board_spec *le_costmodel_board(const le_costmodel *cm) { return &cm->board; }
const le_topo *le_costmodel_topo(const le_costmodel *cm) { return &cm->topo; }
const le_noc *le_costmodel_noc(const le_costmodel *cm) { return cm->noc; }
const le_ledger *le_costmodel_ledger(const le_costmodel *cm) { return &cm->led; }
const le_noc_mode *le_costmodel_mode(const le_costmodel *cm) { return cm->mode; }
const le_board_geom *le_costmodel_geom(const le_costmodel *cm) { return &cm->board.geom; }
uint32_t le_costmodel_chips_in_use(const le_costmodel *cm) { return cm->chips_used; }
int le_costmodel_core_in_use(const le_costmodel *cm, uint32_t gid) { return gid < cm->topo.n_cores && cm->c_used[gid]; }
int64_t le_costmodel_core_busy_ps(const le_costmodel *cm, uint32_t gid)
{
    return gid < cm->topo.n_cores ? cm->c_busy_ps[gid] : 0;
}
double le_costmodel_core_energy_pj(const le_costmodel *cm, uint32_t gid)
{
    return gid < cm->topo.n_cores ? cm->c_dyn_pj[gid] : 0;
}
void le_costmodel_set_report_links(le_costmodel *cm, uint32_t top_n) { cm->top_n = top_n; }
void le_costmodel_last_step(const le_costmodel *cm, le_step_cost *out) { *out = cm->last; }

static void update_barrier(le_costmodel *cm)
{
    cm->barrier_ps = le_arch_barrier_ps(&cm->arch, cm->chips_used ? cm->chips_used : 1);
}

le_code le_costmodel_open(const char *board, const char *arch_file, const le_noc_mode *mode, uint64_t seed,
                          le_costmodel **out, le_error *err)
{
    *out = NULL;
    if (!mode)
        return le_fail(err, LE_ERR_USAGE, "cost model: no network mode given");
    le_costmodel *cm = calloc(1, sizeof *cm);
    if (!cm)
        return le_fail(err, LE_ERR_NOMEM, "cost model: out of memory");
    cm->mode = mode;
    cm->seed = seed;
    cm->top_n = 10;
    le_code rc = le_arch_load(arch_file ? arch_file : le_arch_default_path(), &cm->arch, err);
    if (rc)
        goto fail;
    le_board_geom chip = le_board_geom_single_chip();
    chip.tiles_x = cm->arch.tiles_x;
    chip.tiles_y = cm->arch.tiles_y;
    chip.cores_per_tile = cm->arch.cores_per_tile; /* le_board_load derives cores_per_chip */
    chip.x86_per_chip = cm->arch.x86_per_chip;
    if ((rc = le_board_load(board, &chip, &cm->board, err)) || (rc = le_topo_init(&cm->topo, &cm->board, &cm->arch, err)) ||
        (rc = le_noc_create(&cm->topo, mode, seed, &cm->noc, err)) ||
        (rc = le_ledger_init(&cm->led, cm->board.geom.n_chips, err)))
        goto fail;
    size_t nc = cm->topo.n_cores, nch = cm->board.geom.n_chips;
    cm->c_tsyn = calloc(nc, sizeof *cm->c_tsyn);
    cm->c_cx = calloc(nc, sizeof *cm->c_cx);
    cm->c_aout = calloc(nc, sizeof *cm->c_aout);
    cm->c_sent = calloc(nc, sizeof *cm->c_sent);
    cm->c_last = calloc(nc, sizeof *cm->c_last);
    cm->c_mark = calloc(nc, 1);
    cm->c_dirty = malloc(nc * sizeof *cm->c_dirty);
    cm->c_used = calloc(nc, 1);
    cm->c_busy_ps = calloc(nc, sizeof *cm->c_busy_ps);
    cm->c_dyn_pj = calloc(nc, sizeof *cm->c_dyn_pj);
    cm->x_inj = calloc(nch, sizeof *cm->x_inj);
    cm->x_dirty = malloc(nch * sizeof *cm->x_dirty);
    if (!cm->c_tsyn || !cm->c_cx || !cm->c_aout || !cm->c_sent || !cm->c_last || !cm->c_mark || !cm->c_dirty ||
        !cm->c_used || !cm->c_busy_ps || !cm->c_dyn_pj || !cm->x_inj || !cm->x_dirty) {
        rc = le_fail(err, LE_ERR_NOMEM, "cost model: out of memory for %zu cores", nc);
        goto fail;
    }
    update_barrier(cm);
    *out = cm;
    return LE_OK;
fail:
    le_costmodel_free(cm);
    return rc;
}

void le_costmodel_free(le_costmodel *cm)
{
    if (!cm)
        return;
    le_noc_free(cm->noc);
    le_ledger_free(&cm->led);
    free(cm->c_tsyn);
    free(cm->c_cx);
    free(cm->c_aout);
    free(cm->c_sent);
    free(cm->c_last);
    free(cm->c_mark);
    free(cm->c_dirty);
    free(cm->c_used);
    free(cm->c_busy_ps);
    free(cm->c_dyn_pj);
    free(cm->x_inj);
    free(cm->x_dirty);
    free(cm->pk);
    free(cm->send);
    free(cm);
}

void le_costmodel_use_chip(le_costmodel *cm, uint32_t chip, int64_t now)
{
    if (cm->led.chip[chip].in_use)
        return;
    le_ledger_chip_in_use(&cm->led, chip, now);
    cm->chips_used++;
    update_barrier(cm);
}

void le_costmodel_use_core(le_costmodel *cm, uint32_t gid, int64_t now)
{
    if (cm->c_used[gid])
        return;
    cm->c_used[gid] = 1;
    cm->cores_used++;
    le_costmodel_use_chip(cm, gid / cm->board.geom.cores_per_chip, now);
    le_ledger_core_in_use(&cm->led, gid / cm->board.geom.cores_per_chip, now);
}

le_code le_costmodel_set_cores_used(le_costmodel *cm, const uint32_t *gids, uint32_t n, le_error *err)
{
    if (cm->led.steps)
        return le_fail(err, LE_ERR_USAGE, "cost model: cores in use must be declared before the first step");
    for (uint32_t i = 0; i < n; i++)
        if (gids[i] >= cm->topo.n_cores)
            return le_fail(err, LE_ERR_CONFIG, "core gid %u outside board %s (%u cores)", gids[i],
                           cm->board.geom.name, cm->topo.n_cores);
    for (uint32_t i = 0; i < n; i++)
        le_costmodel_use_core(cm, gids[i], 0);
    cm->declared = 1;
    return LE_OK;
}

static le_code sink_step(void *ctx, const le_step_activity *act, le_error *err)
{
    return le_costmodel_step((le_costmodel *)ctx, act, err);
}

le_cost_sink le_costmodel_sink(le_costmodel *cm)
{
    le_cost_sink s = {sink_step, cm};
    return s;
}

