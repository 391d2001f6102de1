/* The per-core accounting that placement and chip configuration share: for a set of
 * neurons on a core, the compartments, input axons, synapses, synapse-memory bits and
 * output axons that le_core_build will count once the core is configured.
 *
 * The rules are those of the chip configuration (place/configure.c): one input axon per
 * distinct source neuron on the core, stored in the format le_axon_fmt_for gives (the
 * largest weight bits and delay of its synapses), sized by le_axon_sram_bits at the core's
 * compartment count; one output axon per (neuron, destination core); the output-axon limit
 * of le_out_axon_limit (off-chip when any destination is on another chip). An AHP self
 * synapse counts as a synapse from the neuron to itself. */
#ifndef LE_PLACE_ESTIMATE_H
#define LE_PLACE_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "board/board.h"
#include "core/limits.h"
#include "core/neurocore.h"
#include "models/network.h"
#include "place/placement.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Incoming synapses of every neuron (global id = pop_base[p] + k), grouped by destination.
 * A convolution's synapses are listed too, keyed by their population axon: all channels of a
 * source pixel share one input axon on a core. Its synapse set is the list of (target
 * compartment - base, kernel tap, output channel) entries on the core; axons of one convolution
 * with equal lists share one stored set, as the chip configuration stores them. */
typedef struct {
    uint32_t n_neurons;
    uint32_t n_keys;   /* input-axon keys: neurons, then the source pixels of each convolution */
    size_t *start;     /* [n_neurons + 1] */
    uint32_t *src;     /* source neuron */
    uint32_t *key;     /* input axon it arrives on: src, or n_neurons + the conv pixel's index */
    uint8_t *wb;       /* weight bits of its connection */
    uint8_t *dly;      /* delay */
    uint8_t *slots;    /* output-axon slots its source spends on the core: 2 for pop32, else 1 */
    uint32_t *ent;     /* convolutions: tap * out_ch + output channel + 1 on the last channel's
                        * edge of a (pixel, target) pair, the set entry it adds; else 0.
                        * NULL when the network has no convolution */
    uint32_t *key_conv; /* [n_keys - n_neurons]: the connection of each convolution pixel key (or NULL) */
    size_t max_in;     /* most synapses into one neuron */
} le_in_edges;

/* want_pop[p] == 0 leaves population p's incoming synapses out; want_pop NULL keeps all. */
le_code le_in_edges_build(const le_network *net, const uint32_t *pop_base, const uint8_t *want_pop,
                          le_in_edges *e, le_error *err);
void le_in_edges_free(le_in_edges *e);

/* What one core holds. */
typedef struct {
    uint32_t n_cx;      /* compartments (highest used index + 1) */
    uint32_t in_axons;  /* distinct source neurons */
    uint64_t synapses;  /* synapses into the core's compartments */
    uint64_t syn_bits;  /* synapse memory: le_axon_sram_bits summed over the discrete input
                         * axons, plus le_set_sram_bits of each distinct synapse set */
    uint32_t out_axons; /* sum over its neurons of their distinct destination cores */
    int off_chip;       /* some destination core is on another chip */
} le_core_usage;

/* Which limit a core breaks; LE_FIT_OK when none. */
typedef enum {
    LE_FIT_OK = 0,
    LE_FIT_CX,
    LE_FIT_IN_AXONS,
    LE_FIT_SYN_BITS,
    LE_FIT_OUT_AXONS,
    LE_FIT_SYN_CAP /* a placement cap (le_place_cap), not a hardware limit */
} le_fit;

/* The first limit u breaks: the hardware's, then syn_cap (synapses per core, 0 = none). */
le_fit le_core_usage_fits(const le_core_usage *u, const le_limits *lim, uint64_t syn_cap);
const char *le_fit_name(le_fit f);
/* The value and the maximum of limit f for u, for error messages. */
void le_fit_numbers(le_fit f, const le_core_usage *u, const le_limits *lim, uint64_t syn_cap,
                    unsigned long long *value, unsigned long long *max);

/* A core being filled one neuron at a time, with undo of the last neuron: placement tries a
 * neuron, asks le_core_usage_fits, and takes it back when it does not fit. */
typedef struct {
    const le_limits *lim;
    const le_in_edges *ie;
    uint32_t gid;
    le_core_usage u;
    uint32_t bits_ncx;    /* compartment count u.syn_bits was computed at */
    uint32_t cap;         /* capacity of the axon arrays */
    uint32_t *ax_n;       /* synapses per axon */
    uint8_t *ax_wb;       /* largest weight bits per axon */
    uint8_t *ax_dmax;     /* largest delay per axon */
    uint32_t *ax_src;     /* source neuron (input-axon key) per axon */
    /* Population axons: each axon's set entries as a polynomial hash that does not depend on
     * the order they arrive in, sum of r^cx h(entry) mod 2^61 - 1, so that moving the base
     * (the lowest target compartment) is one multiply; with their count and compartment span. */
    uint64_t *ax_sum;
    uint32_t *ax_ent;
    uint16_t *ax_lo, *ax_hi;
    uint64_t *ax_set;     /* hash of the set it holds a reference to, 0 = none yet */
    uint64_t *ax_bits;    /* a discrete axon's synapse-memory bits at bits_ncx compartments */
    uint64_t *pow_r;      /* [cx_per_core]: r^i */
    uint64_t *pow_rinv;   /* [pop_cx_base_max + 1]: r^-i */
    /* The distinct sets of the open core: hash, references, bits; entries of older epochs are free. */
    uint64_t *set_h, *set_bits;
    uint32_t *set_ref, *set_epoch;
    uint32_t set_cap, set_n;
    uint32_t epoch;       /* stamp[src] == epoch: src has an axon on this core, at slot[src] */
    uint32_t *stamp, *slot;
    void *log;            /* undo records of the last add */
    uint32_t n_log;
    le_core_usage before; /* usage before the last add */
    uint32_t before_ncx;
} le_core_est;

le_code le_core_est_init(le_core_est *est, const le_limits *lim, const le_in_edges *ie, le_error *err);
void le_core_est_free(le_core_est *est);
/* Starts an empty core. */
void le_core_est_open(le_core_est *est, uint32_t gid);
/* Adds neuron g (its incoming synapses land on compartment cx), the core then having n_cx
 * compartments; out_axons and off_chip are the neuron's output axons as far as they are known. */
le_code le_core_est_add(le_core_est *est, uint32_t g, uint32_t cx, uint32_t n_cx, uint32_t out_axons, int off_chip,
                        le_error *err);
/* Takes back the last le_core_est_add. */
void le_core_est_undo(le_core_est *est);

/* Usage of every board core (usage[n_chips * cores_per_chip]) under a complete placement,
 * equal to what le_core_build counts for each configured core. nrn_out / nrn_off (NULL or
 * [N]) receive each neuron's distinct destination cores and whether one is on another chip. */
le_code le_estimate_cores(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                          const le_limits *lim, const le_in_edges *ie, le_core_usage *usage, uint32_t *nrn_out,
                          uint8_t *nrn_off, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
