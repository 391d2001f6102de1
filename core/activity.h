/* What happened in one time step, as the functional run loop reports it to the
 * cost model (time, energy, contention). The run loop fills it; chip/, noc/ and
 * board/ turn it into time and energy. Only active cores and real packets appear:
 * the cost of a step is proportional to activity. */
#ifndef LE_CORE_ACTIVITY_H
#define LE_CORE_ACTIVITY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t core;       /* core gid */
    uint32_t synops;     /* synapses accumulated in the synaptic phase */
    uint32_t axons_in;   /* spike messages received */
    uint32_t cx_updates; /* compartments updated (0 when the core slept) */
    uint32_t cx_active;  /* compartments with non-zero state after the update */
    uint32_t spikes;     /* compartments that fired */
    uint32_t axons_out;  /* packets sent */
} le_core_activity;

/* One spike packet on the mesh: one per (spike, destination core). */
typedef struct {
    uint32_t src;    /* source core gid; for host injections LE_SRC_X86(chip) */
    uint32_t dst;    /* destination core gid */
    uint16_t src_cx; /* firing compartment (its position in the core's update sweep sets the send time) */
    uint16_t pad;
} le_packet;

#define LE_SRC_X86_FLAG 0x80000000u
#define LE_SRC_X86(chip) (LE_SRC_X86_FLAG | (uint32_t)(chip))

/* Management work an x86 core did in this step (spike injection, register reads, resets). */
typedef struct {
    uint32_t chip;
    uint32_t spikes_injected; /* spike messages the x86 sent to neuro-cores */
    uint32_t host_words_in;   /* words received from the host (input data) */
    uint32_t host_words_out;  /* words sent to the host (results) */
    uint32_t reg_reads;       /* compartment registers read over the mesh */
    uint32_t reg_writes;      /* compartment registers written (resets) */
    uint32_t snip_ops;        /* plain x86 operations of the snip (comparisons, argmax) */
} le_x86_activity;

typedef struct {
    uint32_t step;
    le_core_activity *cores;  uint32_t n_cores;   /* cores that did any work */
    le_packet *packets;       uint32_t n_packets; /* neuro-core -> neuro-core spikes sent this step */
    le_packet *injected;      uint32_t n_injected;/* x86 -> neuro-core spikes of this step */
    le_x86_activity *x86;     uint32_t n_x86;     /* chips whose x86 did management work */
} le_step_activity;

#ifdef __cplusplus
}
#endif
#endif
