/* How a population's neurons become compartments: an AHP neuron is two compartments, an
 * auxiliary one that integrates the neuron's own spikes through the AHP self synapse and
 * pushes its v onto the main compartment, which adds it (seed Eqs 4-8). */
#ifndef LE_PLACE_AHP_H
#define LE_PLACE_AHP_H

#include "core/compartment.h"
#include "core/neurocore.h"
#include "models/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The profile a compartment of population p runs (aux != 0: the auxiliary compartment),
 * with the compartment-join wiring its kind forces. */
le_profile le_ahp_profile(const le_population *p, int aux);

/* Whether an AHP population's spikes come back onto its auxiliary compartments. */
int le_ahp_has_self_synapse(const le_population *p);

/* The self synapse of a neuron whose main compartment is main_cx (its aux is main_cx - 1). */
le_synapse le_ahp_self_synapse(const le_population *p, uint16_t main_cx);

/* Two compartments with equal profiles can share one profile slot of the core. */
int le_profile_eq(const le_profile *a, const le_profile *b);

#ifdef __cplusplus
}
#endif
#endif
