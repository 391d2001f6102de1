/* A neuro-core: compartments, synapse memory, input/output axon tables and the
 * dendritic accumulator ring, in flat arrays (no per-neuron objects). */
#ifndef LE_CORE_NEUROCORE_H
#define LE_CORE_NEUROCORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/compartment.h"
#include "util/error.h"
#include "core/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One synapse entry as the synapse unit reads it. */
typedef struct {
    int32_t weight; /* actual weight added to the accumulator: mant * 2^(6 + wexp), see le_actual_weight */
    uint16_t cx;    /* target compartment on this core */
    uint8_t delay;  /* 0..62: a spike arriving in step t lands in the slot of step t + delay */
    uint8_t pad;
} le_synapse;

/* Storage format of one input axon's synapse list, for synapse-SRAM accounting [spec §3.3]. */
typedef struct {
    uint8_t weight_bits; /* 1..8 */
    uint8_t delay_bits;  /* 0 when every delay is 0, else enough bits for the largest delay */
    uint8_t dense;       /* 1: dense format (no index field) */
    uint8_t pad;
} le_axon_fmt;

/* One output axon: where a spike of a compartment goes (one packet per destination core). */
typedef struct {
    uint32_t core; /* destination core, global id = chip * cores_per_chip + core-in-chip */
    uint32_t axon; /* input axon index on that core */
} le_axon_dst;

/* A shared synapse set of population axons [nengo-loihi Synapse.set_population_weights]: one
 * row of synapses per atom, compartment indices relative to the base of the axon that reads it. */
typedef struct {
    uint32_t row0;        /* its atoms are rows row0 .. row0 + n_atoms - 1 of row_start */
    uint32_t n_atoms;
    le_axon_fmt fmt;      /* storage format of every row */
    uint8_t pop_type;     /* 16 or 32 */
    uint8_t pad[3];
} le_syn_set;

/* Everything needed to configure a core; arrays are copied by le_core_build. */
typedef struct {
    uint32_t gid;
    uint32_t n_cx;
    const le_profile *profiles;
    uint32_t n_profiles;
    const uint16_t *cx_profile;  /* [n_cx] */
    uint32_t n_in_axons;
    const uint32_t *in_start;    /* [n_in_axons + 1]: synapses of axon a are syn[in_start[a] .. in_start[a+1]) */
    const le_synapse *syn;
    const le_axon_fmt *in_fmt;   /* [n_in_axons]; NULL = 8-bit sparse with just enough delay bits */
    const uint32_t *out_start;   /* [n_cx + 1]: output axons of cx c are out[out_start[c] .. out_start[c+1]); NULL = none */
    const le_axon_dst *out;
    /* Output axons into population axons: out_atom[i] is the atom (row of the shared set) the
     * spike carries, out_pop32[i] = 1 for a pop32 axon, which takes two output-axon slots
     * [nengo-loihi Axon.slots_per_axon]. NULL: every output axon is discrete. */
    const uint16_t *out_atom;
    const uint8_t *out_pop32;
    /* Population axons: input axons n_in_axons .. n_in_axons + n_pop_axons - 1. Axon
     * n_in_axons + j reads set pop_set[j] with compartment base pop_base[j]; row r of the sets
     * is set_syn[row_start[r] .. row_start[r + 1]), compartments relative to the base. */
    uint32_t n_pop_axons;
    const uint32_t *pop_set;     /* [n_pop_axons] */
    const uint16_t *pop_base;    /* [n_pop_axons] */
    uint32_t n_sets;
    const le_syn_set *sets;      /* [n_sets] */
    const uint32_t *row_start;   /* [rows + 1], rows = the sum of the sets' n_atoms */
    const le_synapse *set_syn;
} le_core_spec;

/* Per-step work counters, read and cleared by the run loop for the ledger. */
typedef struct {
    uint64_t synops;       /* synapses read and accumulated */
    uint32_t axons_in;     /* input axon activations (spike messages received) */
    uint32_t cx_updates;   /* compartments updated */
    uint32_t cx_active;    /* compartments whose u or v was non-zero after the update */
    uint32_t spikes;       /* compartments that fired */
    uint32_t axons_out;    /* output axon activations (packets sent) */
    uint32_t acc_overflow; /* dendritic accumulator wrap-arounds */
    uint32_t bad_axons;    /* le_core_deliver calls naming an axon the core does not have (ignored) */
} le_core_counters;

/* A profile with its constants worked out once (the update loop's form of le_profile). */
typedef struct {
    int32_t keep_u, keep_v; /* 4096 - decay */
    int32_t bias;           /* bias_mant * 2^bias_exp */
    int32_t vmin, vmax;
    int32_t vth;            /* vth_mant << 6 */
    uint8_t refract, stack_out, join_add, pad;
} le_cx_consts;

/* Consecutive compartments of one synapse list in n blocks of 8 (cx a multiple of 8): cx ..
 * cx + 8n - 1, their weights seg_w[w .. w + 8n), zero where the list has no synapse. */
typedef struct {
    uint16_t cx, n;
    uint32_t w;
} le_syn_seg;

/* A run of compartments the vector update takes in one call: one profile, or pairs of an
 * auxiliary compartment (stack_out) and the compartment that joins its v (join_op ADD), as an
 * AHP neuron is built; le_core_build finds them on a core with joins. */
typedef struct {
    uint32_t start, n; /* first compartment; compartments (one profile) or pairs */
    uint16_t prof;     /* the profile, or the auxiliary compartments' */
    uint16_t prof_join;/* pairs: the joining compartments' profile */
    uint8_t pair;
    uint8_t pad[3];
} le_cx_run;

typedef struct {
    uint32_t gid;
    uint32_t n_cx;
    uint32_t n_profiles;
    le_profile *profiles;
    le_cx_consts *consts; /* [n_profiles] */
    uint16_t *cx_profile;
    /* state */
    int32_t *u, *v;
    uint8_t *ref;
    uint32_t n_slots;    /* dendritic ring depth = max delay used + 1 */
    int32_t *acc;        /* [n_slots][n_cx] */
    uint8_t *slot_dirty; /* [n_slots]: slot holds input */
    int awake;           /* 0: all state zero, no bias, no input: the update can be skipped */
    int has_bias;
    int joins;           /* some compartment pushes its v (stack_out) or joins one (join_op) */
    int uniform;         /* no joins and every compartment runs profile 0: the vector update */
    uint8_t *spk;        /* [n_cx] spike flags of the vector update */
    le_cx_run *runs;     /* a core with joins as runs for the vector update; NULL: compartment by compartment */
    uint32_t n_runs;
    /* synapse memory */
    uint32_t n_in_axons;
    uint32_t *in_start;
    le_synapse *syn;
    le_axon_fmt *in_fmt;
    uint64_t syn_bits;   /* synapse SRAM used, in bits, in the chip's format */
    /* population axons (le_core_spec); their synapses follow the discrete ones in syn */
    uint32_t n_pop_axons;
    uint32_t *pop_set;
    uint16_t *pop_base;
    uint32_t n_sets;
    le_syn_set *sets;
    uint32_t *row_start; /* into syn, already offset past the discrete synapses */
    /* The same synapse lists (discrete axon a = list a, set row r = list n_in_axons + r) as
     * segments of consecutive compartments with their weights in a row (gaps filled with zero
     * weights), for a core without delays: the accumulation then runs in vector lanes. A list
     * with a compartment twice, or too scattered to gain, has no segments and is read synapse
     * by synapse. NULL: every list is. */
    uint32_t *seg_start; /* [lists + 1] */
    le_syn_seg *segs;
    int32_t *seg_w;
    /* output axons */
    uint32_t *out_start;
    le_axon_dst *out;
    uint16_t *out_atom;  /* [n_out_axons] or NULL when every output axon is discrete */
    uint32_t n_out_axons;
    uint32_t out_slots;  /* output-axon slots: pop32 axons take two */
    le_core_counters ctr;
    int32_t acc_min, acc_max; /* accumulator range from limits */
    uint32_t acc_bits;
} le_neurocore;

/* Actual weight for mantissa `mant` with exponent `wexp` (Loihi 1: 6 + wexp, low bits lost
 * when 6 + wexp < 0 as the chip shifts right). */
int32_t le_actual_weight(int32_t mant, int32_t wexp);

/* Delay bits an axon format needs for delays up to max_delay: the smallest b with 2^b > max_delay. */
static inline uint8_t le_delay_bits(uint32_t max_delay)
{
    uint8_t b = 0;
    while (b < 31 && (1u << b) <= max_delay)
        b++;
    return b;
}

/* The format the chip configuration stores an input axon in: its largest weight bits, just
 * enough delay bits for its largest delay, sparse. */
static inline le_axon_fmt le_axon_fmt_for(uint8_t weight_bits, uint32_t max_delay)
{
    le_axon_fmt f = {weight_bits, le_delay_bits(max_delay), 0, 0};
    return f;
}

/* Output axons a core may have: fewer when any destination is on another chip [seed S2.5]. */
static inline uint32_t le_out_axon_limit(const le_limits *lim, int off_chip)
{
    return off_chip ? lim->out_axons_per_core : lim->out_axons_per_core_onchip;
}

/* Synapse SRAM bits for one axon with n synapses in format fmt on a core of n_cx compartments. */
uint64_t le_axon_sram_bits(const le_limits *lim, const le_axon_fmt *fmt, uint32_t n, uint32_t n_cx);

/* Synapse SRAM bits of one shared set of a population axon: its rows stored as one synapse
 * list of n_atoms * per_atom entries [nengo-loihi Synapse.bits: bits_per_axon(w.size) per
 * weight set], with index bits for relative indices up to max_idx. */
uint64_t le_set_sram_bits(const le_limits *lim, const le_axon_fmt *fmt, uint64_t n, uint32_t max_idx);

/* Validates spec against lim (compartments, input axons, output axons, fan-out, synapse
 * memory, delays, profiles) and builds the core. Error messages name the core as
 * "core C of chip K" plus the limit, the value and the maximum. */
le_code le_core_build(le_neurocore *core, const le_core_spec *spec, const le_limits *lim, le_error *err);
void le_core_free(le_neurocore *core);

/* Synaptic phase: input axon `axon` received a spike for step t. */
void le_core_deliver(le_neurocore *core, uint32_t axon, uint32_t t);
/* The same for a spike that carries an atom (population axons; discrete axons ignore it). */
void le_core_deliver_atom(le_neurocore *core, uint32_t axon, uint32_t atom, uint32_t t);

/* Compartment phase of step t. Writes fired compartment indices to `fired` (capacity n_cx),
 * returns how many fired. Compartments are updated in index order; a stack_out compartment
 * passes its v to the next compartment with join_op ADD. */
uint32_t le_core_update(le_neurocore *core, uint32_t t, uint16_t *fired);

/* Rewrites the voltage decay of profile p (an x86 register write); the update loop's
 * constants follow. */
void le_core_set_decay_v(le_neurocore *core, uint32_t p, int32_t decay_v);

/* Zeroes u, v, refractory counters and the accumulators (the authors' reset snip). */
void le_core_reset(le_neurocore *core);

/* Zeroes the dendritic accumulators only (input that arrived while updates were off). */
void le_core_clear_dendrites(le_neurocore *core);

#ifdef __cplusplus
}
#endif
#endif
