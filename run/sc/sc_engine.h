/* The SystemC engine (`--engine systemc`): the same C cost model, with a SystemC module
 * hierarchy whose simulated time follows the emulated time step by step. C interface, so
 * that the C CLI can pick it; implemented in run/sc/sc_engine.cpp (library loihi_sc).
 *
 * SystemC allows one elaboration per process: attach at most once. The kernel prints no
 * banner from loihi-emu (it has its own main(); the banner comes only from libsystemc's
 * main), and attach sets SYSC_DISABLE_COPYRIGHT_MESSAGE=1 unless already set. */
#ifndef LE_RUN_SC_SC_ENGINE_H
#define LE_RUN_SC_SC_ENGINE_H

#include "util/error.h"
#include "cost/costmodel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_sc_engine le_sc_engine;

/* Elaborates Board/Chip/... modules for cm. Declare the cores in use first
 * (le_costmodel_set_cores_used): on boards of more than 32 chips only chips in use get
 * their neuro-core, router, link and x86 modules. */
le_code le_systemc_attach(le_costmodel *cm, le_sc_engine **out, le_error *err);
/* A sink that charges the step in cm, then runs SystemC through the step's phases. */
le_cost_sink le_systemc_sink(le_sc_engine *e);
/* sc_time_stamp() in seconds; equals le_costmodel_summary().time_s. */
double le_systemc_time_s(const le_sc_engine *e);
/* Ends the simulation and frees the modules (the process cannot attach again). */
void le_systemc_detach(le_sc_engine *e);

#ifdef __cplusplus
}
#endif
#endif
