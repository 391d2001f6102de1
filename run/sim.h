/* The time-step loop over a configured chip (place/configure.h). Functional behaviour
 * (bit-exact compartments, spike delivery, x86 injections) lives here; time and energy come
 * from an optional cost sink (core/cost_sink.h) that receives each step's activity, and
 * per-step observers (traces) see the state after the compartment phase.
 *
 * Step t: spiking snip (injections) -> synaptic phase (packets of step t-1, injections of
 * step t) -> compartment phase on awake cores, in core order -> packets -> observers ->
 * management snip -> activity to the cost sink. The management snip runs before the step's
 * activity is reported so that its reads and resets are billed to the step that did them
 * (and the last step's are not lost). */
#ifndef LE_RUN_SIM_H
#define LE_RUN_SIM_H

#include <stdint.h>

#include "core/cost_sink.h"
#include "core/snip.h"
#include "place/configure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_sim le_sim;

/* Builds the chip configuration of the placed network (every limit checked) and the loop's
 * state around it. */
le_code le_sim_create(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                      const le_limits *lim, le_sim **out, le_error *err);
void le_sim_free(le_sim *sim);

void le_sim_set_cost_sink(le_sim *sim, const le_cost_sink *sink);

/* Called every step after the compartment phase (the trace writers). */
typedef le_code (*le_step_observer)(void *ctx, const le_sim *sim, uint32_t t, le_error *err);
void le_sim_set_observer(le_sim *sim, le_step_observer fn, void *ctx);

/* A simulation of one part of the board (place/configure.h le_chipcfg_build_part; the MPI
 * board mode, docs/mpi.md). */
le_code le_sim_create_part(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                           const le_limits *lim, uint32_t chip_lo, uint32_t chip_hi, int records, le_sim **out,
                           le_error *err);

/* le_sim_create (part 0) or le_sim_create_part (part 1) whose configuration frees net's
 * synapses as it takes them (place/configure.h le_chipcfg_build_consume). */
le_code le_sim_create_consume(le_network *net, const le_placement *pl, const le_board_geom *geom,
                              const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records,
                              le_sim **out, le_error *err);

/* The hook of a part: called every step right after the compartment phase with the part's
 * neurons that fired and have synapses on other parts (gid order of their cores); it hands
 * the other parts' such neurons to le_sim_deliver_remote, so that their spikes reach this
 * part's cores in the next step, as packets sent in this step do. */
typedef le_code (*le_sim_exchange)(void *ctx, le_sim *sim, uint32_t t, const uint32_t *fired, uint32_t n,
                                   le_error *err);
void le_sim_set_exchange(le_sim *sim, le_sim_exchange fn, void *ctx);
/* Queues the local deliveries of the spikes of other parts' neurons gids[0..n) for the next step. */
le_code le_sim_deliver_remote(le_sim *sim, const uint32_t *gids, uint32_t n, le_error *err);

/* Steps between an x86 injection (during step t) and its integration: 1 by default
 * (integrated in step t+1, like a spike a neuro-core sends in step t), which is what agrees
 * with the chip's answers on the authors' sMNIST unit test; 0 integrates it in step t.
 * Network-file input spikes are unaffected: their step is the step they are integrated in. */
le_code le_sim_set_inject_latency(le_sim *sim, uint32_t steps, le_error *err);

/* Runs `steps` steps (continuing from the current step). snips may be NULL; the network's
 * own input spikes are injected in either case. */
le_code le_sim_run(le_sim *sim, uint32_t steps, const le_snips *snips, le_error *err);

uint32_t le_sim_step_now(const le_sim *sim); /* last completed step (0 before the first) */

/* The x86 services of this simulation, as snips see them (run/x86.c). */
const le_x86 *le_sim_x86(le_sim *sim);

/* Introspection for observers, tests and reports. */
const le_chipcfg *le_sim_config(const le_sim *sim);
uint32_t le_sim_n_cores(const le_sim *sim);
const le_neurocore *le_sim_core(const le_sim *sim, uint32_t i);
uint64_t le_sim_total_spikes(const le_sim *sim);
/* Whether neuron gid g fired in step t (t the step just completed or under way). */
int le_sim_fired(const le_sim *sim, uint32_t g, uint32_t t);

#ifdef __cplusplus
}
#endif
#endif
