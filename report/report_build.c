/* The cost report built from a cost model's ledger, network tallies and figures. */
#include <stdlib.h>
#include <string.h>

#include "cost/costmodel_internal.h"
#include "report/report.h"

typedef struct {
    uint32_t id;
    uint64_t count;
} link_row;

static int cmp_link_rows(const void *pa, const void *pb)
{
    const link_row *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->id < b->id ? -1 : (a->id > b->id);
}

le_code le_report_costmodel(const le_costmodel *cm, FILE *table, const char *json_path, le_error *err)
{
    return le_report_costmodel_note(cm, table, json_path, NULL, err);
}

le_code le_report_costmodel_note(const le_costmodel *cm, FILE *table, const char *json_path, const char *incomplete,
                                 le_error *err)
{
    const le_ledger *L = &cm->led;
    const le_topo *tp = &cm->topo;
    const le_arch *ar = &cm->arch;
    uint32_t nch = cm->board.geom.n_chips;
    le_report r;
    memset(&r, 0, sizeof r);
    r.board = cm->board.geom.name;
    r.board_file = cm->board.path;
    r.arch_file = ar->path;
    r.mode = le_noc_mode_name(cm->mode);
    r.chips = nch;
    r.chip_rows = cm->board.geom.chip_rows;
    r.chip_cols = cm->board.geom.chip_cols;
    r.cores = tp->n_cores;
    r.seed = cm->seed;
    r.incomplete = incomplete;
    le_costmodel_summary(cm, &r.sum);
    r.power_w = r.sum.time_s > 0 ? r.sum.e_total_j / r.sum.time_s : 0;
    le_costmodel_inference_split(cm, r.inf_split_j);
    r.nc_compute_dyn_j = L->nc_dyn_pj * 1e-12;
    r.mesh_dyn_j = le_noc_energy_pj(cm->noc) * 1e-12;
    r.barrier_dyn_j = L->barrier_pj * 1e-12;
    double st = L->steps ? 1e-12 / (double)L->steps : 0;
    r.phase_inject_s = (double)L->inject_ps * st;
    r.phase_cores_net_s = (double)L->cores_net_ps * st;
    r.phase_barrier_s = (double)L->barrier_ps * st;
    r.phase_mgmt_s = (double)L->mgmt_ps * st;
    r.synops = L->synops;
    r.axons_in = L->axons_in;
    r.axons_out = L->axons_out;
    r.cx_updates = L->cx_updates;
    r.spikes = L->spikes;
    r.packets = L->packets;
    r.injected = L->injected;
    for (int c = 0; c < LE_LC_N; c++)
        r.hops += le_noc_class_hops(cm->noc, c);
    r.x86_snips = L->x86_snips;

    /* Per-chip mesh energy and busy time from the links each chip owns (O(links touched)). */
    uint32_t n_touched;
    const uint32_t *touched = le_noc_touched(cm->noc, &n_touched);
    double *mesh_e = calloc(nch, sizeof *mesh_e), *mesh_b = calloc(nch, sizeof *mesh_b);
    le_report_chip *rows = calloc(nch, sizeof *rows);
    link_row *lr = malloc((n_touched ? n_touched : 1) * sizeof *lr);
    uint32_t top = cm->top_n < n_touched ? cm->top_n : n_touched;
    le_report_link *links = calloc(top ? top : 1, sizeof *links);
    le_code rc = LE_OK;
    if (!mesh_e || !mesh_b || !rows || !lr || !links) {
        rc = le_fail(err, LE_ERR_NOMEM, "report: out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < n_touched; i++) {
        uint32_t l = touched[i];
        const le_link_cost *lc = &tp->cls[le_link_class(tp, l)];
        uint64_t cnt = le_noc_link_packets(cm->noc, l);
        mesh_e[le_link_chip(tp, l)] += (double)cnt * lc->e_pj;
        mesh_b[le_link_chip(tp, l)] += (double)cnt * (double)lc->ser_ps;
        lr[i].id = l;
        lr[i].count = cnt;
    }
    uint32_t nr = 0;
    for (uint32_t c = 0; c < nch; c++) {
        const le_chip_ledger *cl = &L->chip[c];
        if (!cl->in_use && cl->nc_dyn_pj == 0 && cl->x86_dyn_pj == 0 && mesh_e[c] == 0 && mesh_b[c] == 0)
            continue;
        le_report_chip *row = &rows[nr++];
        row->chip = c;
        row->cores_in_use = cl->cores_in_use;
        double up_ps = cl->in_use ? (double)(L->time_ps - cl->in_use_ps) : 0;
        double core_ps = cl->in_use ? (double)le_ledger_core_ps(L, c, L->time_ps) : 0;
        uint64_t bar_steps = cl->in_use ? L->steps - cl->in_use_step : 0;
        row->nc_static_j = (ar->p_nc_static_chip_mw * up_ps + ar->p_nc_static_core_mw * core_ps) * 1e-3 * 1e-12;
        row->x86_static_j = ar->p_x86_static_chip_mw * up_ps * 1e-3 * 1e-12;
        row->nc_dyn_j = cl->nc_dyn_pj * 1e-12;
        row->mesh_dyn_j = (mesh_e[c] + ar->e_barrier_pj_per_chip * (double)bar_steps) * 1e-12;
        row->x86_dyn_j = cl->x86_dyn_pj * 1e-12;
        row->nc_busy_s = (double)cl->nc_busy_ps * 1e-12;
        row->mesh_busy_s = mesh_b[c] * 1e-12;
        row->x86_busy_s = (double)cl->x86_busy_ps * 1e-12;
    }
    qsort(lr, n_touched, sizeof *lr, cmp_link_rows);
    for (uint32_t i = 0; i < top; i++) {
        const le_link_cost *lc = &tp->cls[le_link_class(tp, lr[i].id)];
        le_link_name(tp, lr[i].id, links[i].name, sizeof links[i].name);
        links[i].packets = lr[i].count;
        links[i].busy_s = (double)lr[i].count * (double)lc->ser_ps * 1e-12;
        links[i].energy_j = (double)lr[i].count * lc->e_pj * 1e-12;
    }
    r.chip_rows_ = rows;
    r.n_chip_rows = nr;
    r.links = links;
    r.n_links = top;
    r.links_touched = n_touched;
    rc = le_report_write(&r, table, json_path, err);
done:
    free(mesh_e);
    free(mesh_b);
    free(rows);
    free(lr);
    free(links);
    return rc;
}
