/* What the ledger says so far, per inference and in total (cost/costmodel.h). */
#include <string.h>

#include "cost/costmodel_internal.h"

/* Energy so far per report category: neuro-core static, neuro-core dynamic (compute, mesh,
 * barrier), x86 static, x86 dynamic. */
static void categories_pj(const le_costmodel *cm, double cat[4])
{
    const le_ledger *L = &cm->led;
    cat[0] = L->nc_static_pj;
    cat[1] = L->nc_dyn_pj + L->barrier_pj + le_noc_energy_pj(cm->noc);
    cat[2] = L->x86_static_pj;
    cat[3] = L->x86_dyn_pj;
}

static double sum_pj(const double cat[4]) { return cat[0] + cat[1] + cat[2] + cat[3]; }

void le_costmodel_end_inference(le_costmodel *cm)
{
    le_ledger *L = &cm->led;
    double c[4];
    categories_pj(cm, c);
    double e = sum_pj(c);
    L->inferences++;
    L->inf_time_ps += L->time_ps - L->mark_time_ps;
    L->inf_energy_pj += e - L->mark_energy_pj;
    L->mark_time_ps = L->time_ps;
    L->mark_energy_pj = e;
    for (int i = 0; i < 4; i++) {
        L->inf_cat_pj[i] += c[i] - L->mark_cat_pj[i];
        L->mark_cat_pj[i] = c[i];
    }
}

void le_costmodel_inference_split(const le_costmodel *cm, double out_j[4])
{
    const le_ledger *L = &cm->led;
    double c[4];
    categories_pj(cm, c);
    for (int i = 0; i < 4; i++)
        out_j[i] = (L->inferences ? L->inf_cat_pj[i] / (double)L->inferences : c[i]) * 1e-12;
}

void le_costmodel_summary(const le_costmodel *cm, le_cost_summary *s)
{
    const le_ledger *L = &cm->led;
    memset(s, 0, sizeof *s);
    s->steps = L->steps;
    s->inferences = L->inferences;
    s->time_s = (double)L->time_ps * 1e-12;
    s->step_mean_s = L->steps ? (double)L->time_ps / (double)L->steps * 1e-12 : 0;
    s->step_p50_s = (double)le_hist_quantile(L->hist, 0.50) * 1e-12;
    s->step_p99_s = (double)le_hist_quantile(L->hist, 0.99) * 1e-12;
    s->step_max_s = (double)L->hist->max_ps * 1e-12;
    double c[4];
    categories_pj(cm, c);
    s->e_nc_static_j = c[0] * 1e-12;
    s->e_nc_dynamic_j = c[1] * 1e-12;
    s->e_x86_static_j = c[2] * 1e-12;
    s->e_x86_dynamic_j = c[3] * 1e-12;
    s->e_total_j = sum_pj(c) * 1e-12;
    if (L->inferences) {
        s->latency_per_inference_s = (double)L->inf_time_ps / (double)L->inferences * 1e-12;
        s->energy_per_inference_j = L->inf_energy_pj / (double)L->inferences * 1e-12;
    } else { /* no marks: the whole run is one inference */
        s->latency_per_inference_s = s->time_s;
        s->energy_per_inference_j = s->e_total_j;
    }
    s->edp_js = s->energy_per_inference_j * s->latency_per_inference_s;
}

