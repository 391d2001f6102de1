/* The SystemC network modes (library loihi_sc): routers, links, the x86 injection ports and
 * the cores' inputs as SystemC modules that pass spike-packet transactions (noc/sc_noc.h,
 * docs/systemc-network.md).
 *   systemc      dimension-order routers with output queues, FIFO by arrival time and ties in
 *                packet mode's seeded order: every packet's arrival equals packet mode's.
 *   systemc:NAME the same network with router NAME of the router factory (systemc:rr: round
 *                robin over input ports with one-packet input buffers).
 * SystemC allows one elaboration per process: a second le_noc_create() with any of these
 * modes in one process fails with LE_ERR_USAGE, also after le_noc_free(). */
#ifndef LE_NOC_NOC_SYSTEMC_H
#define LE_NOC_NOC_SYSTEMC_H

#include "util/error.h"
#include "noc/noc_mode.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The "systemc" mode (router "dor"). Usable without registration. */
extern const le_noc_mode le_noc_systemc_mode;

/* Registers "systemc" and one "systemc:NAME" mode per router of the factory other than dor
 * (routers added later register their own mode). Call once at start-up. */
le_code le_noc_systemc_register(le_error *err);

#ifdef __cplusplus
}
#endif
#endif
