/* The cost model's parts: its state, shared by the files of cost/ (open and use tracking,
 * the step formula, the summaries), and read access for the report, the SystemC modules,
 * the benchmarks and tests. Not part of the run loop's contract (cost/costmodel.h). */
#ifndef LE_COST_COSTMODEL_INTERNAL_H
#define LE_COST_COSTMODEL_INTERNAL_H

#include "board/board.h"
#include "chip/arch.h"
#include "cost/costmodel.h"
#include "cost/ledger.h"
#include "noc/noc.h"
#include "noc/topo.h"

#ifdef __cplusplus
extern "C" {
#endif

struct le_costmodel {
    le_arch arch;
    le_board_spec board;
    le_topo topo;
    le_noc *noc;
    const le_noc_mode *mode;
    uint64_t seed;
    le_ledger led;
    uint32_t top_n;
    /* per core gid: this step's scratch, reset through c_dirty */
    int64_t *c_tsyn;  /* synaptic phase time */
    uint32_t *c_cx;   /* compartments updated */
    uint32_t *c_aout; /* packets the activity says it sent */
    uint32_t *c_sent; /* packets placed on the network so far */
    int64_t *c_last;  /* when its output unit sent the last one */
    uint8_t *c_mark;
    uint32_t *c_dirty;
    uint32_t n_c_dirty;
    uint8_t *c_used; /* in use (declared or seen) */
    int64_t *c_busy_ps; /* all-time busy time per core (for the SystemC NeuroCore modules) */
    double *c_dyn_pj;   /* all-time dynamic energy per core */
    int declared;
    /* per chip: x86 injections of this phase */
    uint32_t *x_inj;
    uint32_t *x_dirty;
    uint32_t n_x_dirty;
    uint32_t chips_used;
    uint64_t cores_used;
    int64_t barrier_ps;
    /* valid packets of a phase and their send times */
    le_packet *pk;
    int64_t *send;
    uint32_t pk_cap;
    le_step_cost last;
};


const le_arch *le_costmodel_arch(const le_costmodel *cm);
const le_board_spec *le_costmodel_board(const le_costmodel *cm);
const le_topo *le_costmodel_topo(const le_costmodel *cm);
const le_noc *le_costmodel_noc(const le_costmodel *cm);
const le_ledger *le_costmodel_ledger(const le_costmodel *cm);
const le_noc_mode *le_costmodel_mode(const le_costmodel *cm);
/* The step function behind le_costmodel_sink(): an entry naming a core or chip outside the
 * board is an error. */
le_code le_costmodel_step(le_costmodel *cm, const le_step_activity *act, le_error *err);
/* Use tracking (cost/costmodel.c): static power from `now` on. */
void le_costmodel_use_chip(le_costmodel *cm, uint32_t chip, int64_t now);
void le_costmodel_use_core(le_costmodel *cm, uint32_t gid, int64_t now);
/* Chips in use now (the barrier's span). */
uint32_t le_costmodel_chips_in_use(const le_costmodel *cm);
/* Energy per inference split as in Table S1 (J): neuro-core static, neuro-core dynamic,
 * x86 static, x86 dynamic (the whole run when no inference was marked). */
void le_costmodel_inference_split(const le_costmodel *cm, double out_j[4]);
/* Per core (gid): in use, all-time busy time and dynamic (compute) energy. */
int le_costmodel_core_in_use(const le_costmodel *cm, uint32_t gid);
int64_t le_costmodel_core_busy_ps(const le_costmodel *cm, uint32_t gid);
double le_costmodel_core_energy_pj(const le_costmodel *cm, uint32_t gid);

#ifdef __cplusplus
}
#endif
#endif
