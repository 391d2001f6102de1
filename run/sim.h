/* The time-step loop: model -> placement -> chip configuration -> steps -> ledger.
 * Functional behaviour (bit-exact compartments, spike delivery) lives here; time and
 * energy come from an optional cost sink that receives each step's activity. */
#ifndef LE_RUN_SIM_H
#define LE_RUN_SIM_H

#include <stdint.h>
#include <stdio.h>

#include "board/board.h"
#include "core/limits.h"
#include "core/neurocore.h"
#include "core/activity.h"
#include "models/network.h"
#include "place/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_sim le_sim;

/* Receives every step's activity (the chip/noc/board cost model implements this). */
typedef struct {
    void (*step)(void *ctx, const le_step_activity *act);
    void *ctx;
} le_cost_sink;

/* The x86 snips of a model: called every step. */
typedef struct {
    /* Spiking phase of step t, before the neuro-cores run: inject with le_sim_inject(). */
    le_code (*spiking)(void *user, le_sim *sim, uint32_t t, le_error *err);
    /* Management phase after the barrier of step t: read-out (le_sim_read_v) and resets. */
    le_code (*management)(void *user, le_sim *sim, uint32_t t, le_error *err);
    void *user;
} le_snips;

/* Builds the chip configuration (neuro-cores with synapse memory and axon tables) from
 * the network and its placement, checking every limit. */
le_code le_sim_create(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                      const le_limits *lim, le_sim **out, le_error *err);
void le_sim_free(le_sim *sim);

void le_sim_set_cost_sink(le_sim *sim, const le_cost_sink *sink);

/* Steps between an x86 injection (le_sim_inject during step t) and its integration: 1 by
 * default (integrated in step t+1, like a spike a neuro-core sends in step t), which is what
 * agrees with the chip's answers on the authors' sMNIST unit test; 0 integrates it in step t.
 * Network-file input spikes are unaffected: their step is the step they are integrated in. */
le_code le_sim_set_inject_latency(le_sim *sim, uint32_t steps, le_error *err);
/* CSV trace "step,population,index,u,v,spike" of every population with traced != 0. */
void le_sim_set_trace(le_sim *sim, FILE *csv);

/* Runs `steps` steps (continuing from the current step). snips may be NULL; the network's
 * own input spikes are injected in either case. */
le_code le_sim_run(le_sim *sim, uint32_t steps, const le_snips *snips, le_error *err);

uint32_t le_sim_step_now(const le_sim *sim); /* last completed step (0 before the first) */

/* --- x86 services for snips (each is counted as x86 work of the chip concerned) --- */
void le_sim_inject(le_sim *sim, uint32_t pop, uint32_t neuron); /* input spike for the current step */
int32_t le_sim_read_v(le_sim *sim, uint32_t pop, uint32_t neuron); /* main compartment v */
int32_t le_sim_read_u(le_sim *sim, uint32_t pop, uint32_t neuron);
void le_sim_reset_all(le_sim *sim);  /* zero every core's state and accumulators */
void le_sim_count_x86(le_sim *sim, uint32_t chip, uint32_t snip_ops, uint32_t host_words_in,
                      uint32_t host_words_out);

/* Introspection for tests and reports. */
uint32_t le_sim_n_cores(const le_sim *sim);
const le_neurocore *le_sim_core(const le_sim *sim, uint32_t i);
uint64_t le_sim_total_spikes(const le_sim *sim);

#ifdef __cplusplus
}
#endif
#endif
