/* The loop's state, shared by the step loop (run/sim.c) and the x86 services (run/x86.c). */
#ifndef LE_RUN_SIM_INTERNAL_H
#define LE_RUN_SIM_INTERNAL_H

#include "run/sim.h"
#include "util/vec.h"

struct le_sim {
    le_chipcfg c;
    le_x86 x86_services;
    uint16_t *fired;

    /* step state */
    uint32_t t;      /* last completed step */
    uint32_t cur_t;  /* step under way (or the next one between runs) */
    uint64_t total_spikes;
    le_vec pend, pend_next, inj_now; /* le_delivery records */
    le_vec inj_next, inj_arrive;     /* x86 injections sent last step / this step (latency 1) */
    uint32_t inject_latency;
    le_vec packets, injected;        /* le_packet records of the current step */
    uint8_t *disabled;     /* [n_cores]: compartment updates switched off by a snip */
    uint32_t *awake;
    uint32_t n_awake;
    uint8_t *in_awake;
    uint32_t *touched;
    uint32_t n_touched;
    uint8_t *is_touched;
    le_core_activity *act_cores;
    le_x86_activity *x86;  /* [n_chips] */
    uint8_t *x86_dirty;
    uint32_t *x86_list;
    uint32_t n_x86_dirty;
    le_x86_activity *act_x86;
    uint32_t next_input;
    uint32_t *spiked_at; /* [n_neurons]: last step in which the neuron fired */

    le_vec exported;     /* a part's fired neurons with synapses on other parts (uint32 gids) */
    le_sim_exchange exchange;
    void *exchange_ctx;

    le_cost_sink sink;
    int has_sink;
    le_step_observer observer;
    void *observer_ctx;
};

/* Queues the x86 injection of input neuron (pop, neuron) on `queue` (run/x86.c). */
le_code le_sim_inject_into(le_sim *s, uint32_t pop, uint32_t neuron, le_vec *queue, le_error *err);
/* The x86 services table of s (run/x86.c). */
le_x86 le_sim_x86_table(le_sim *s);

#endif
