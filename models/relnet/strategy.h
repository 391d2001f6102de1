/* Where the Spiking RelNet's layers go, as chip hints on its populations (the general
 * placement then sizes and places every core, place/placement.h):
 *   optimised (spec §3.2, the authors' get_chip_localized_* functions): chip 0 the 21 LSNNs;
 *     chip 1 + b the relays, question relay, mask relay and g_theta layer 1 of block b (the
 *     relays sit on their targets' chip, so only LSNN -> relay spikes cross chips); chips
 *     11..20 layers 2-4 of 21 instances each, in block order; the aggregation after them
 *     (2 cores on chip 20, the rest on chip 21) and f_phi and the readout after it;
 *   naive (spec §3.3, the authors' older driver): no hints: the layers in order, relays
 *     beside their LSNN (built with LE_RN_RELAYS_PER_SOURCE), cores filled chip by chip. */
#ifndef LE_MODELS_RELNET_STRATEGY_H
#define LE_MODELS_RELNET_STRATEGY_H

#include "models/relnet/build.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LE_RN_OPTIMISED = 0, LE_RN_NAIVE = 1 } le_relnet_strategy;

/* "optimised" / "naive"; -1 when neither. */
int le_relnet_strategy_parse(const char *name);
const char *le_relnet_strategy_name(le_relnet_strategy s);
/* The relay plan the strategy builds the network with. */
le_relnet_relay_plan le_relnet_strategy_relays(le_relnet_strategy s);
/* Whether its layout has the mask relays (the naive driver has none, spec §3.3). */
int le_relnet_strategy_mask(le_relnet_strategy s);

/* Sets the chip hints of the strategy on the populations of a network built by
 * le_relnet_build (pops). Chips needed: 22 for the optimised layout. */
le_code le_relnet_strategy_apply(le_relnet_strategy s, const le_relnet_pops *pops, le_network *net, uint32_t n_chips,
                                 le_error *err);

#ifdef __cplusplus
}
#endif
#endif
