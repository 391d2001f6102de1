/* Placement hints from a YAML file, one rule list for two uses: the placement parameters a
 * mapping tool adds to the hardware's limits (synapse caps per core, neurons per core), and a
 * user's placement (which chip a population starts on). docs/placement-file.md.
 *
 *   rules:
 *     - populations: "g.*.l1"          # a shell pattern over population names
 *       chip: 3                        # start on the first free core of chip 3
 *       synapses_per_core: 40000       # a cap beside the hardware's synapse memory
 *       neurons_per_core: 64           # at most this many per core
 *       own_cores: true                # whole cores, neurons spread evenly
 *       source: "where the figure comes from"   # (or calibrated: / assumed:) for caps
 *
 * A population takes each setting from the first rule that matches it and sets it. A rule
 * that matches no population, a chip outside the board, an unknown key: one error naming the
 * file, line and field. */
#ifndef LE_PLACE_HINTS_H
#define LE_PLACE_HINTS_H

#include <stdint.h>

#include "board/board.h"
#include "models/network.h"
#include "place/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char pattern[LE_NAME_MAX];
    int line;
    int32_t chip;              /* -1: not set */
    uint64_t synapses_per_core; /* 0: not set */
    uint32_t neurons_per_core;  /* 0: not set */
    int own_cores;             /* -1: not set */
    char source[160];
} le_hint_rule;

typedef struct {
    char path[1024];
    le_hint_rule *rules;
    uint32_t n_rules;
} le_hints;

le_code le_hints_load(const char *path, le_hints *h, le_error *err);
void le_hints_free(le_hints *h);

/* Applies the rules to net's populations (chip, per_core, own_cores) and fills caps[] (room
 * for net->n_pops; *n_caps set) with the synapse caps, naming each population. Checks every
 * rule matches a population and every chip is on geom's board. */
le_code le_hints_apply(const le_hints *h, le_network *net, const le_board_geom *geom, le_place_cap *caps,
                       uint32_t *n_caps, le_error *err);

/* Applies several hint files in order, each refining the ones before it: what a later file
 * sets (chip, neurons per core, own cores, a population's cap) wins. caps needs room for
 * net->n_pops; one cap per population at most. A NULL entry of h is skipped. */
le_code le_hints_apply_all(const le_hints *const *h, uint32_t n_h, le_network *net, const le_board_geom *geom,
                           le_place_cap *caps, uint32_t *n_caps, le_error *err);

/* Places each population of net explicitly where its namesake sits in a placement of another
 * network (layout, placed as pl): the same first core and neurons per core (the largest count
 * on one of its cores). The RelNet benchmark maps the compiled 20-sentence layout once and
 * instantiates smaller stories on that mapping (spec relnet-on-loihi.md §2.3). Populations
 * missing from layout keep their hints. */
void le_hints_from_layout(const le_network *layout, const le_placement *pl, le_network *net);

#ifdef __cplusplus
}
#endif
#endif
