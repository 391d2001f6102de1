/* Chip configuration: compiles a placed network into the neuro-cores' memories (compartment
 * profiles, synapse memory, input and output axon tables) and the x86 injection lists,
 * checking every limit of every core. The result is what the time-step loop (run/sim.h)
 * executes; it is read-only from then on. */
#ifndef LE_PLACE_CONFIGURE_H
#define LE_PLACE_CONFIGURE_H

#include <stddef.h>
#include <stdint.h>

#include "board/board.h"
#include "core/limits.h"
#include "core/neurocore.h"
#include "models/network.h"
#include "place/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_CFG_NONE UINT32_MAX
#define LE_CFG_AUX 0x80000000u /* in cx_nrn: the auxiliary compartment of that neuron */

/* One spike message to a configured core: local core index and its input axon. */
typedef struct {
    uint32_t core;
    uint32_t axon;
    uint32_t atom; /* population axons: the row of the shared synapse set */
} le_delivery;

typedef struct {
    char name[LE_NAME_MAX];
    le_pop_kind kind;
    uint32_t size, base;   /* neurons base .. base + size - 1 */
    int32_t input_chip;    /* chip whose x86 injects it (input populations), else -1 */
} le_cfg_pop;

typedef struct {
    le_board_geom geom;
    le_limits lim;
    uint32_t n_pops;
    le_cfg_pop *pops;      /* [n_pops + 1]; the last has base = n_neurons */
    uint32_t n_neurons;
    uint32_t *nrn_core;    /* local core of each neuron, LE_CFG_NONE for inputs */
    uint16_t *nrn_cx;      /* its main compartment */
    size_t *inj_start;     /* [n_neurons + 1]: injection list of an input neuron */
    le_delivery *inj;
    uint32_t n_cores;      /* configured cores, in gid order */
    le_neurocore *cores;
    uint32_t *gid_local;   /* [board cores]: local index or LE_CFG_NONE */
    size_t *cx_base;       /* [n_cores + 1] */
    uint32_t *cx_nrn;      /* neuron of each compartment (| LE_CFG_AUX), LE_CFG_NONE for gaps */
    uint32_t max_cx;
    le_input_spike *inputs; /* the network's own input spikes, by step */
    uint32_t n_inputs;
} le_chipcfg;

le_code le_chipcfg_build(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                         const le_limits *lim, le_chipcfg *c, le_error *err);
void le_chipcfg_free(le_chipcfg *c);

/* Population of neuron gid g. */
uint32_t le_chipcfg_pop_of(const le_chipcfg *c, uint32_t g);

#ifdef __cplusplus
}
#endif
#endif
