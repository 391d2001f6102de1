/* The ledger: what the cost model has charged so far, per component (per chip: neuro-cores,
 * x86, mesh; per link, kept by the network) and in total, plus the distribution of step
 * times. Totals are accumulated separately from the per-chip split, so that a report can
 * check one against the other. Energies in pJ, times in ps. */
#ifndef LE_COST_LEDGER_H
#define LE_COST_LEDGER_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Step-time histogram: exact below 128 ps, then 128 linear sub-buckets per octave (relative
 * width <= 1/128), with the exact count, sum, min and max beside it. 8.4 M steps cost the
 * same 59 KB as 8. */
#define LE_HIST_SUB 128
#define LE_HIST_BINS ((64 - 7) * LE_HIST_SUB + LE_HIST_SUB)

typedef struct {
    uint64_t bins[LE_HIST_BINS];
    uint64_t n;
    int64_t sum_ps, min_ps, max_ps;
} le_hist;

void le_hist_add(le_hist *h, int64_t ps);
/* Value at quantile q in [0, 1]: the midpoint of the bucket holding rank ceil(q n), clamped
 * to [min, max] (exact when every step in that bucket has the same time). 0 when empty. */
int64_t le_hist_quantile(const le_hist *h, double q);
int le_hist_bin(int64_t ps);
int64_t le_hist_bin_lo(int bin);
int64_t le_hist_bin_hi(int bin); /* exclusive */

typedef struct {
    double nc_dyn_pj;     /* neuro-core compute: synops, compartments, axons */
    double x86_dyn_pj;
    int64_t nc_busy_ps;   /* summed over the chip's cores */
    int64_t x86_busy_ps;
    /* static bookkeeping: the chip is in use from in_use_ps on; its cores in use give
     * core_ps (core-picoseconds) accumulated up to core_last_ps */
    int in_use;
    int64_t in_use_ps;
    uint64_t in_use_step;  /* steps before it came into use */
    uint32_t cores_in_use;
    int64_t core_ps;
    int64_t core_last_ps;
} le_chip_ledger;

typedef struct {
    uint32_t n_chips;
    le_chip_ledger *chip;
    le_hist *hist;
    uint64_t steps;
    int64_t time_ps;
    /* phase times summed over steps */
    int64_t inject_ps, cores_net_ps, barrier_ps, mgmt_ps;
    /* totals, accumulated independently of the per-chip split */
    double nc_dyn_pj, x86_dyn_pj, barrier_pj, nc_static_pj, x86_static_pj;
    /* event counts */
    uint64_t synops, axons_in, axons_out, cx_updates, cx_active, spikes, core_steps;
    uint64_t packets, injected, x86_snips;
    /* inferences */
    uint64_t inferences;
    int64_t inf_time_ps, mark_time_ps;
    double inf_energy_pj, mark_energy_pj;
    /* the same per category: neuro-core static, neuro-core dynamic, x86 static, x86 dynamic */
    double inf_cat_pj[4], mark_cat_pj[4];
} le_ledger;

le_code le_ledger_init(le_ledger *l, uint32_t n_chips, le_error *err);
void le_ledger_free(le_ledger *l);

/* Chip comes into use at time now (static power from then on). */
void le_ledger_chip_in_use(le_ledger *l, uint32_t chip, int64_t now_ps);
/* One more core of chip in use from now on (also puts the chip in use). */
void le_ledger_core_in_use(le_ledger *l, uint32_t chip, int64_t now_ps);
/* Core-picoseconds of chip up to now. */
int64_t le_ledger_core_ps(const le_ledger *l, uint32_t chip, int64_t now_ps);

#ifdef __cplusplus
}
#endif
#endif
