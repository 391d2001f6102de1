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

typedef struct {
    uint32_t n_pops;
    uint32_t *pop_base;   /* [n_pops + 1]: neuron k of pop p is entry pop_base[p] + k */
    uint32_t *core;       /* [total]: core gid (LE_NO_CORE for input neurons) */
    uint16_t *cx;         /* [total]: main compartment index (AHP: aux is cx - 1) */
    int32_t *input_chip;  /* [n_pops]: chip whose x86 injects an input population, -1 otherwise */
    uint32_t n_cores_used;
} le_placement;

/* Automatic placement fills cores in order (chip 0 core 0, 1, ...) respecting each
 * population's first_core/per_core and the compartment, input-axon and synapse-memory
 * limits; it never truncates: a population that cannot be placed is an error naming it. */
le_code le_place(const le_network *net, const le_board_geom *geom, const le_limits *lim, le_placement *pl,
                 le_error *err);
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
