/* The hardware cost model seen from the run loop and the CLI: a board (geometry, mesh,
 * chip-to-chip links, x86 cores, barrier) with its architecture and cost figures, which
 * turns each step's activity into time and energy and keeps the ledger.
 * Implemented in chip/, noc/, board/ and emu/ledger*.c. */
#ifndef LE_EMU_COSTMODEL_H
#define LE_EMU_COSTMODEL_H

#include <stdint.h>
#include <stdio.h>

#include "board/board.h"
#include "core/error.h"
#include "emu/run.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LE_NOC_LOAD = 0, LE_NOC_PACKET = 1 } le_noc_mode;

typedef struct le_costmodel le_costmodel;

/* board: a shipped board name (kapoho-bay, nahuku32, pohoiki-springs, ...) or a YAML file.
 * arch_file: NULL for the shipped Loihi architecture/cost file. */
le_code le_costmodel_open(const char *board, const char *arch_file, le_noc_mode mode, uint64_t seed,
                          le_costmodel **out, le_error *err);
void le_costmodel_free(le_costmodel *cm);

const le_board_geom *le_costmodel_geom(const le_costmodel *cm);
/* The sink to hand to le_sim_set_cost_sink(). */
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

/* Report: aligned table for people to `table` (may be NULL), JSON to json_path (may be NULL). */
le_code le_costmodel_report(const le_costmodel *cm, FILE *table, const char *json_path, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
