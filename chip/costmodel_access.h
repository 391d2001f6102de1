/* Read access to a cost model's parts, for the SystemC modules, the benchmark and tests
 * (not part of the run loop's contract, emu/costmodel.h). */
#ifndef LE_CHIP_COSTMODEL_ACCESS_H
#define LE_CHIP_COSTMODEL_ACCESS_H

#include "board/board.h"
#include "chip/arch.h"
#include "emu/costmodel.h"
#include "emu/ledger.h"
#include "noc/noc.h"
#include "noc/topo.h"

#ifdef __cplusplus
extern "C" {
#endif

const le_arch *le_costmodel_arch(const le_costmodel *cm);
const le_board_spec *le_costmodel_board(const le_costmodel *cm);
const le_topo *le_costmodel_topo(const le_costmodel *cm);
const le_noc *le_costmodel_noc(const le_costmodel *cm);
const le_ledger *le_costmodel_ledger(const le_costmodel *cm);
const le_noc_mode *le_costmodel_mode(const le_costmodel *cm);
/* The step function behind le_costmodel_sink(). */
void le_costmodel_step(le_costmodel *cm, const le_step_activity *act);
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
