/* The Spiking RelNet mapped as the authors' benchmark maps it (spec relnet-on-loihi.md §2.3):
 * the compiled 20-sentence layout is built with a strategy's relay plan and chip hints (or a
 * placement file's), sized by the mapping parameters beside the hardware's limits and placed
 * once; every story size M is then built and placed on that layout's cores. */
#ifndef LE_EMU_RELNET_MAP_H
#define LE_EMU_RELNET_MAP_H

#include "models/relnet/build.h"
#include "models/relnet/strategy.h"
#include "place/hints.h"
#include "place/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    le_relnet_strategy strategy;
    le_network net;
    le_placement pl;
    int placed;
} le_relnet_layout;

/* mapping: the mapping parameters (config/relnet/mapping.yaml); file: a user's placement
 * (NULL: the strategy's chip hints). */
le_code le_relnet_layout_place(const le_relnet_weights *w, le_relnet_strategy s, const le_hints *mapping,
                               const le_hints *file, const le_board_geom *geom, const le_limits *lim,
                               le_relnet_layout *out, le_error *err);
void le_relnet_layout_free(le_relnet_layout *l);

/* The network of story size M (1..20), every population placed explicitly where its namesake
 * sits in the layout. */
le_code le_relnet_instantiate(const le_relnet_weights *w, const le_relnet_layout *l, uint32_t M, le_network *net,
                              le_relnet_pops *pops, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
