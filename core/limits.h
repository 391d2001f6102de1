/* Loihi's per-core and per-chip limits, one named figure each with its source.
 * Checked at configuration time; a network that does not fit gets an error naming
 * the core, the limit, the value asked and the maximum. */
#ifndef LE_CORE_LIMITS_H
#define LE_CORE_LIMITS_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t cores_per_chip;            /* 128 [D18; seed S2.5] */
    uint32_t cx_per_core;               /* 1024 [nengo-loihi MAX_COMPARTMENTS; seed S2.5] */
    uint32_t in_axons_per_core;         /* 4096 [nengo-loihi MAX_IN_AXONS; seed S2.5] */
    uint32_t out_axons_per_core;        /* 2048 when any target is on another chip [seed S2.5] */
    uint32_t out_axons_per_core_onchip; /* 4096 when all targets are on the same chip [seed S2.5] */
    uint32_t dest_cores_per_neuron;     /* 512 [seed S2.5 "neuro-core fanout limit"] */
    uint64_t synapse_bits_per_core;     /* 16384 x 64 = 1,048,576 [nengo-loihi MAX_SYNAPSE_BITS] */
    uint32_t max_delay;                 /* 62 [Brian2Loihi check_range delay 0..62] */
    int32_t weight_exp_min, weight_exp_max; /* -8..7 [Brian2Loihi] */
    uint32_t dendrite_acc_bits;         /* 22: Q_BITS 21 magnitude + sign [nengo-loihi]; not public (spec §8.5) */
    uint32_t synapses_per_block;        /* 64 [nengo-loihi n_synapses field 63 + 1] */
    uint32_t block_header_bits;         /* 4 + 6 [nengo-loihi bits_per_axon] */
    uint32_t sram_word_bits;            /* 64 */
    /* Population axons (shared synapse sets) [nengo-loihi hardware/builder.py build_synapse,
     * block.py Axon/Synapse pop_type]: */
    uint32_t pop_cx_base_max;           /* 255: compartment base field, "assert cx_base <= 256, currently limited
                                         * by hardware" [NL builder]; spec §3.2 reads it as base < 256 */
    uint32_t pop16_base_align;          /* 4: pop16 stores cxBase // 4 [NL builder "assert cx_base % 4 == 0"] */
    uint32_t pop16_atom_bits_max;       /* 9: atom bits of a pop16 spike, 5 in the message plus up to 4 taken
                                         * from its 10 axon bits [NL Synapse.atom_bits_extra, axon_bits] */
    uint32_t pop_idx_bits_max;          /* 12: widest synapse index field [NL SynapseConfig.INDEX_BITS_MAP] */
} le_limits;

/* The Loihi 1 figures above. */
const le_limits *le_limits_loihi1(void);

#ifdef __cplusplus
}
#endif
#endif
