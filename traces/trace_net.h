/* Congestion traces (docs/traces.md): per step and per link, packets carried, busy time and
 * queueing delay; per core, spikes in and out, synaptic operations and busy time; per chip,
 * its wait at the barrier; a spike raster; the step's phases; optionally a VCD waveform of
 * every link's queue (packet and SystemC network modes).
 *
 * The writer sits between the run loop and the cost sink it is given: it passes each step's
 * activity on, then reads what the cost model and its network made of it (le_noc_stats). A
 * step window, a sampling interval and link, chip and core filters bound the size, and
 * le_trace_net_plan() gives an upper bound on the bytes before anything is written. */
#ifndef LE_TRACES_TRACE_NET_H
#define LE_TRACES_TRACE_NET_H

#include <stdint.h>

#include "cost/costmodel.h"
#include "run/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_TRACE_STEPS_HEADER "step,start_ps,total_ps,inject_ps,cores_ps,net_ps,cores_net_ps,barrier_ps,mgmt_ps,packets,injected,chip_hops\n"
#define LE_TRACE_LINKS_HEADER "step,link,chip,class,x,y,dir,core,packets,busy_ps,wait_ps,max_wait_ps\n"
#define LE_TRACE_CORES_HEADER "step,core,chip,x,y,spikes_in,spikes_out,spikes,synops,cx_updates,busy_ps\n"
#define LE_TRACE_CHIPS_HEADER "step,chip,cores_active,busy_ps,barrier_wait_ps,barrier_ps\n"
#define LE_TRACE_RASTER_HEADER "step,population,index\n"

/* Link classes a filter may name (bit per le_topo class LE_LC_*). */
#define LE_TRACE_LINKS_ALL 0x1fu

typedef struct {
    const char *dir;         /* output folder (created) */
    uint32_t from, to;       /* steps from..to inclusive (to = 0: to the end) */
    uint32_t every;          /* every k-th step of the window (>= 1) */
    uint32_t link_classes;   /* bits 1 << LE_LC_*; 0 = all */
    const char *chips;       /* "0,3-5": links, cores and chips of these chips only; NULL = all */
    const char *cores;       /* "0-127": cores (gids) only these; NULL = all */
    int raster;              /* write raster.csv */
    const char *vcd;         /* VCD file (packet and systemc modes); NULL = none */
    uint64_t steps;          /* steps the run will take (for the size bound) */
} le_trace_net_opts;

le_trace_net_opts le_trace_net_defaults(void);

/* "local,mesh,chip" (mesh = ew + ns; chip = chip-to-chip and inter-board) -> class bits. */
le_code le_trace_link_classes(const char *list, uint32_t *bits, le_error *err);

typedef struct {
    uint64_t steps_written;  /* sampled steps */
    uint64_t link_rows_max, core_rows_max, chip_rows_max, raster_rows_max, vcd_changes_max;
    uint64_t bytes_max;      /* upper bound on all files together */
    uint32_t links_reachable; /* links the placed network's routes can use, after the filter */
} le_trace_plan;

typedef struct le_trace_net le_trace_net;

/* Checks the options against the board and works out the size bound (routes of every
 * configured source to its destinations: which links can carry traffic, and at most how
 * many packets a step can send). Writes nothing. */
le_code le_trace_net_create(const le_trace_net_opts *o, le_costmodel *cm, le_sim *sim, le_trace_net **out,
                            le_error *err);
const le_trace_plan *le_trace_net_plan(const le_trace_net *t);
/* LE_ERR_LIMIT ("would write up to X, more than --trace-limit Y") when the bound exceeds limit. */
le_code le_trace_net_check_limit(const le_trace_net *t, uint64_t limit, le_error *err);
/* Creates the folder and files, writes the headers; from then on the returned sink passes
 * every step to inner and traces it. */
le_code le_trace_net_start(le_trace_net *t, const le_cost_sink *inner, le_cost_sink *out, le_error *err);
/* Flushes and closes the files, writes meta.json; *bytes = what was written. */
le_code le_trace_net_finish(le_trace_net *t, uint64_t *bytes, le_error *err);
void le_trace_net_free(le_trace_net *t);

#ifdef __cplusplus
}
#endif
#endif
