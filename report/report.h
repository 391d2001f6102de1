/* The cost report: an aligned table for people and JSON for machines (util/json.h), both
 * with fixed number formats so that the same run gives byte-identical files. The JSON file
 * is written to a temporary file and renamed into place when complete (util/outfile.h); a
 * failed write of the table (stdout) or the file is an LE_ERR_IO naming it. */
#ifndef LE_REPORT_REPORT_H
#define LE_REPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"
#include "cost/costmodel.h"

/* Said under every figure the cost model derives: which of its inputs were fitted to the
 * paper's tables (the `calibrated:` entries of config/loihi.yaml) rather than reproduced. */
#define LE_REPORT_CALIBRATED                                                                           \
    "calibrated, not reproduced: the chip link's time (fitted on Table S2 M = 2 and 20), the x86 "   \
    "snip and host-channel figures and the static powers (fitted on Table S1); see the "             \
    "'calibrated:' entries of the architecture file"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t chip;
    uint32_t cores_in_use;
    double nc_static_j, nc_dyn_j, mesh_dyn_j, x86_static_j, x86_dyn_j;
    double nc_busy_s, mesh_busy_s, x86_busy_s;
} le_report_chip;

typedef struct {
    char name[96];
    uint64_t packets;
    double busy_s, energy_j;
} le_report_link;

typedef struct {
    const char *board, *board_file, *arch_file, *mode;
    uint32_t chips, chip_rows, chip_cols, cores;
    uint64_t seed;
    le_cost_summary sum;
    double power_w;
    double inf_split_j[4]; /* per inference: neuro-core static, dynamic, x86 static, dynamic */
    double nc_compute_dyn_j, mesh_dyn_j, barrier_dyn_j; /* parts of e_nc_dynamic_j */
    double phase_inject_s, phase_cores_net_s, phase_barrier_s, phase_mgmt_s; /* means per step */
    uint64_t synops, axons_in, axons_out, cx_updates, spikes, packets, injected, hops, x86_snips;
    const le_report_chip *chip_rows_; uint32_t n_chip_rows; /* chips that were in use or did work */
    const le_report_link *links; uint32_t n_links;           /* busiest first */
    uint32_t links_touched;
    const char *incomplete; /* NULL for a whole run; else why it stopped, e.g. "interrupted at step 5 of 100" */
} le_report;

le_code le_report_write(const le_report *r, FILE *table, const char *json_path, le_error *err);

/* The report of a cost model's run so far: aligned table for people to `table` (may be
 * NULL), JSON to json_path (may be NULL). report/report_build.c. */
le_code le_report_costmodel(const le_costmodel *cm, FILE *table, const char *json_path, le_error *err);

/* The same for a run that stopped early: `incomplete` (e.g. "interrupted at step 5 of 100")
 * heads the table ("INCOMPLETE: ...") and is the JSON's "incomplete" member, which a whole
 * run's report does not have. NULL: a whole run. */
le_code le_report_costmodel_note(const le_costmodel *cm, FILE *table, const char *json_path, const char *incomplete,
                                 le_error *err);

#ifdef __cplusplus
}
#endif
#endif
