/* The Spiking RelNet of seed 002 (spec relnet-on-loihi.md §1) as a network of the emulator,
 * built through the network API every model uses (models/network.h):
 *   21 word inputs -> 21 LSNNs (20 sentences + the question; 100 LIF + 100 AHP, recurrent)
 *   -> relay copies (one per block chip that uses the sentence, or per group of instances)
 *   -> M(M+1)/2 g_theta instances of 4 x 256 LIF (shared weights) -> aggregation (neuron k of
 *   every instance, one weight per k) -> f_phi 256-512-160 -> 180-line readout;
 * plus the sentence-mask sources and one mask relay per block chip (authors' code only).
 *
 * Instances are grouped into blocks as the authors' optimised layout groups them (spec §3.2):
 * the 20 sentence slots in 4 groups of 5, block (a, b) with a <= b holds the instances (i, j)
 * whose sentences fall in groups a and b. The relay plan decides where the relays' fan-out
 * goes: one copy per block (relays on the target chips, the optimised layout) or one copy per
 * sentence and 7 for the question (relays beside their LSNN, the naive layout, spec §3.3). */
#ifndef LE_MODELS_RELNET_BUILD_H
#define LE_MODELS_RELNET_BUILD_H

#include <stdint.h>

#include "models/network.h"
#include "models/relnet/weights.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_RN_LAYOUT 20u        /* sentence slots of the compiled layout (spec §2.3) */
#define LE_RN_GROUP 5u          /* sentences per group */
#define LE_RN_BLOCKS 10u        /* blocks (a, b), a <= b, of 4 groups */
#define LE_RN_MAX_INST 210u     /* LE_RN_LAYOUT (LE_RN_LAYOUT + 1) / 2 */
#define LE_RN_QUESTION 20u      /* LSNN index of the question */
#define LE_RN_NAIVE_Q_SPAN 30u  /* naive layout: instances one question-relay copy serves */
#define LE_RN_MAX_RELAYS 90u

typedef enum {
    LE_RN_RELAYS_PER_BLOCK = 0,  /* optimised: sentence s has a copy in each block using it, the question in all 10 */
    LE_RN_RELAYS_PER_SOURCE = 1  /* naive: one copy per sentence, the question in copies of 30 instances */
} le_relnet_relay_plan;

typedef struct {
    uint32_t sentences;          /* M: sentence LSNNs and instances built, 1..20 */
    le_relnet_relay_plan relays;
    int mask;                    /* build the mask sources and per-block mask relays */
} le_relnet_options;

le_relnet_options le_relnet_options_default(uint32_t sentences);

typedef struct {
    uint32_t pop;                /* population index */
    uint32_t lsnn;               /* source LSNN: 0..19 sentences, 20 the question */
    uint32_t block;              /* block it serves (per-block plan), else copy number */
} le_relnet_relay;

typedef struct {
    uint32_t M, n_inst;
    uint8_t inst_i[LE_RN_MAX_INST], inst_j[LE_RN_MAX_INST], inst_block[LE_RN_MAX_INST];
    uint32_t words[21];          /* input population of LSNN k (180 word lines) */
    uint32_t lsnn_reg[21], lsnn_ada[21];
    uint32_t n_relays;
    le_relnet_relay relay[LE_RN_MAX_RELAYS];
    int has_mask;
    uint32_t mask_src;           /* 20 sources, one per sentence slot */
    uint32_t mask_relay[LE_RN_BLOCKS];
    uint32_t g[LE_RN_MAX_INST][4];
    uint32_t agg, f1, f2, f3, readout;
} le_relnet_pops;

/* Block (0..9) of the instance (i, j), i <= j, in the authors' order (0,0),(0,1),...,(3,3). */
uint32_t le_relnet_block_of(uint32_t i, uint32_t j);

/* Adds the whole RelNet to net (which should be empty). Errors name the layer. */
le_code le_relnet_build(const le_relnet_weights *w, const le_relnet_options *o, le_network *net,
                        le_relnet_pops *pops, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
