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
    /* The per-neuron tables cover the neurons nrn_lo .. nrn_lo + nrn_n - 1 (every neuron of a
     * whole configuration; in a part, the span of the ids of its own neurons, so that a rank
     * holds tables for its share of the board, not for the board), followed by n_ext slots for
     * the neurons outside that span that deliver here or whose destinations are recorded here
     * (sources of this part's input axons on other parts, input neurons), ext_gid ascending.
     * Index them through le_chipcfg_core_of and le_chipcfg_slot. */
    uint32_t nrn_lo, nrn_n;
    uint32_t n_ext;
    uint32_t *ext_gid;     /* [n_ext] */
    uint32_t *nrn_core;    /* [nrn_n]: local core of each neuron, LE_CFG_NONE for inputs and other parts' */
    uint16_t *nrn_cx;      /* [nrn_n]: its main compartment */
    size_t *inj_start;     /* [nrn_n + n_ext + 1] by slot: deliveries of an input neuron or another part's */
    le_delivery *inj;
    uint32_t n_cores;      /* configured cores, in gid order */
    le_neurocore *cores;
    uint32_t *gid_local;   /* [board cores]: local index or LE_CFG_NONE */
    size_t *cx_base;       /* [n_cores + 1] */
    uint32_t *cx_nrn;      /* neuron of each compartment (| LE_CFG_AUX), LE_CFG_NONE for gaps */
    uint32_t max_cx;
    le_input_spike *inputs; /* the network's own input spikes, by step */
    uint32_t n_inputs;
    /* A part of the board (le_chipcfg_build_part, the MPI board mode of docs/mpi.md): only
     * the cores of chips chip_lo .. chip_hi - 1 are configured. A local neuron's output axons
     * still list every destination core, in gid order, with axon LE_CFG_NONE on a core of
     * another part (its packet is sent, its delivery is that part's); a neuron of another
     * part has, like an input neuron, its list of local deliveries in inj; inj_gid lists
     * every destination core of each input neuron and each local neuron with remote ones. */
    int part;
    int part_records;      /* this part records the x86 injections (one part does) */
    uint32_t chip_lo, chip_hi;
    uint8_t *remote_out;   /* [nrn_n]: a local neuron with synapses on another part */
    size_t *inj_gid_start; /* [nrn_n + n_ext + 1] by slot */
    uint32_t *inj_gid;
} le_chipcfg;

/* Local core of neuron g, LE_CFG_NONE for an input neuron or a neuron of another part. */
static inline uint32_t le_chipcfg_core_of(const le_chipcfg *c, uint32_t g)
{
    return g - c->nrn_lo < c->nrn_n ? c->nrn_core[g - c->nrn_lo] : LE_CFG_NONE;
}

/* Main compartment of neuron g, which has a local core. */
static inline uint16_t le_chipcfg_cx_of(const le_chipcfg *c, uint32_t g)
{
    return c->nrn_cx[g - c->nrn_lo];
}

/* Slot of neuron g in inj_start and inj_gid_start, LE_CFG_NONE when it has none (a neuron of
 * another part that delivers nothing here). */
uint32_t le_chipcfg_slot(const le_chipcfg *c, uint32_t g);

le_code le_chipcfg_build(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                         const le_limits *lim, le_chipcfg *c, le_error *err);
void le_chipcfg_free(le_chipcfg *c);

/* The part of the configuration on chips chip_lo .. chip_hi - 1: the same cores, synapses and
 * limits checks as le_chipcfg_build for those chips, nothing of the others but the output
 * axons towards them. records: this part records the x86 injections. */
le_code le_chipcfg_build_part(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                              const le_limits *lim, uint32_t chip_lo, uint32_t chip_hi, int records, le_chipcfg *c,
                              le_error *err);

/* le_chipcfg_build (part 0) or le_chipcfg_build_part (part 1) that frees each discrete
 * connection's synapses in net once they are bucketed (le_network_drop_synapses), which
 * lowers the peak memory of a large configuration: the network's synapses and the
 * configuration's copies are not all held at once. The configuration is the same; net keeps
 * its populations, inputs and convolutions, and its discrete connections are left empty. */
le_code le_chipcfg_build_consume(le_network *net, const le_placement *pl, const le_board_geom *geom,
                                 const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records,
                                 le_chipcfg *c, le_error *err);

/* Population of neuron gid g. */
uint32_t le_chipcfg_pop_of(const le_chipcfg *c, uint32_t g);

#ifdef __cplusplus
}
#endif
#endif
