/* Placement: which core and compartment each neuron gets. */
#ifndef LE_PLACE_PLACEMENT_H
#define LE_PLACE_PLACEMENT_H

#include <stdint.h>

#include "board/board.h"
#include "core/limits.h"
#include "core/neurocore.h" /* le_delay_bits */
#include "models/network.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_NO_CORE UINT32_MAX

typedef struct le_placement {
    uint32_t n_pops;
    uint32_t *pop_base;   /* [n_pops + 1]: neuron k of pop p is entry pop_base[p] + k */
    uint32_t *core;       /* [total]: core gid (LE_NO_CORE for input neurons) */
    uint16_t *cx;         /* [total]: main compartment index (AHP: aux is cx - 1) */
    int32_t *input_chip;  /* [n_pops]: chip whose x86 injects an input population, -1 otherwise */
    uint32_t n_cores_used;
} le_placement;

/* A named placement parameter beside the hardware's limits: for automatic placement, the
 * cores that hold neurons of population `pop` get at most synapses_per_core synapses (all
 * synapses into the core, whichever population they feed). Mappers use such caps where a
 * model's authors kept cores below what the hardware allows (for example 40,000 synapses
 * per feed-forward core and 60,000 per LSNN core). */
typedef struct {
    char pop[LE_NAME_MAX];
    uint64_t synapses_per_core; /* 0 = no cap */
} le_place_cap;

typedef struct {
    const le_place_cap *caps;
    uint32_t n_caps;
    uint32_t max_passes; /* output-axon refinement passes (see placement.c); 0 = default */
} le_place_opts;

/* Automatic placement fills cores in order (chip 0 core 0, 1, ...) respecting each
 * population's first_core/per_core and every per-core limit (compartments, input axons,
 * synapse memory, output axons with the off-chip rule), counted as the chip configuration
 * counts them (place/estimate.h); it never truncates: a population that cannot be placed is
 * an error naming it, the core, the limit and the numbers. */
le_code le_place(const le_network *net, const le_board_geom *geom, const le_limits *lim, le_placement *pl,
                 le_error *err);
/* The same with placement parameters (opts NULL: none). A cap naming no population is an error. */
le_code le_place_with(const le_network *net, const le_board_geom *geom, const le_limits *lim,
                      const le_place_opts *opts, le_placement *pl, le_error *err);
void le_placement_free(le_placement *pl);

/* Global neuron id of neuron k of population p (index into core[] and cx[]). */
static inline uint32_t le_place_gid(const le_placement *pl, uint32_t p, uint32_t k)
{
    return pl->pop_base[p] + k;
}

#ifdef __cplusplus
}
#endif
#endif
