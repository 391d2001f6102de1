/* The hardware cost model seen from the run loop and the commands: a board (geometry, mesh,
 * chip-to-chip links, x86 cores, barrier) with its architecture and cost figures, which
 * turns each step's activity into time and energy and keeps the ledger (cost/ledger.h).
 * The report built from it is in report/. */
#ifndef LE_COST_COSTMODEL_H
#define LE_COST_COSTMODEL_H

#include <stdint.h>
#include <stdio.h>

#include "board/board.h"
#include "core/cost_sink.h"
#include "noc/noc.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_costmodel le_costmodel;

/* board: a shipped board name (kapoho-bay, nahuku32, pohoiki-springs, ...) or a YAML file.
 * arch_file: NULL for the shipped Loihi architecture/cost file.
 * mode: a network mode (noc/noc.h: LE_NOC_LOAD, LE_NOC_PACKET, le_noc_mode_find(name)). */
le_code le_costmodel_open(const char *board, const char *arch_file, const le_noc_mode *mode, uint64_t seed,
                          le_costmodel **out, le_error *err);
void le_costmodel_free(le_costmodel *cm);

const le_board_geom *le_costmodel_geom(const le_costmodel *cm);
/* The sink to hand to the run loop (le_sim_set_cost_sink). */
le_cost_sink le_costmodel_sink(le_costmodel *cm);

/* Marks an inference boundary (latency and energy per inference are per marked span). */
void le_costmodel_end_inference(le_costmodel *cm);

/* Totals for callers that build their own tables (sMNIST's Table S1 comparison). */
typedef struct {
    uint64_t steps, inferences;
    double time_s;                       /* simulated time */
    double step_mean_s, step_p50_s, step_p99_s, step_max_s;
    double e_nc_static_j, e_nc_dynamic_j;   /* neuro-cores (incl. mesh) */
    double e_x86_static_j, e_x86_dynamic_j; /* x86 cores (incl. host I/O) */
    double e_total_j;
    double latency_per_inference_s, energy_per_inference_j, edp_js;
} le_cost_summary;
void le_costmodel_summary(const le_costmodel *cm, le_cost_summary *out);

/* Declares the cores the network is configured on: their chips are in use (static power,
 * barrier span) from the first step, and idle cores cost their static power. Without this
 * call a core is in use from the first step it shows activity, a chip from the first step
 * one of its cores or its x86 does. Call before the first step (LE_ERR_USAGE after). */
le_code le_costmodel_set_cores_used(le_costmodel *cm, const uint32_t *gids, uint32_t n, le_error *err);

/* How long the last step took and why (times in picoseconds):
 * total = inject + cores_net + barrier + mgmt (docs/architecture.md). */
typedef struct {
    uint64_t step;        /* steps charged so far (1 after the first) */
    int64_t inject_ps;    /* x86 spiking phase: last injected packet delivered */
    int64_t cores_ps;     /* slowest core's synaptic + compartment + output time */
    int64_t net_ps;       /* latest delivery of a packet sent by the cores */
    int64_t cores_net_ps; /* max(cores_ps, net_ps) */
    int64_t barrier_ps;
    int64_t mgmt_ps;      /* slowest x86 management (snip) time */
    int64_t total_ps;
    uint32_t barrier_chips;
} le_step_cost;
void le_costmodel_last_step(const le_costmodel *cm, le_step_cost *out);

/* How many of the busiest links the report lists (default 10). */
void le_costmodel_set_report_links(le_costmodel *cm, uint32_t top_n);

#ifdef __cplusplus
}
#endif
#endif
