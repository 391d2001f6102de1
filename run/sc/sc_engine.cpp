// The SystemC engine behind run/sc/sc_engine.h: elaborates the Board and, per step, charges the
// C cost model and then runs the SystemC kernel until the Barrier's engine has played the
// step's phases (sc_start() returns when no event is left, at exactly the end of the step).
#include "run/sc/sc_engine.h"

#include <cstdlib>
#include <new>

#include "run/sc/sc_modules.h"

struct le_sc_engine {
    le_costmodel *cm;
    le_sc::Board *board;
};

static bool attached = false;

extern "C" le_code le_systemc_attach(le_costmodel *cm, le_sc_engine **out, le_error *err)
{
    *out = nullptr;
    if (attached)
        return le_fail(err, LE_ERR_USAGE, "systemc engine: SystemC allows one elaboration per process");
    setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    le_sc_engine *e = new (std::nothrow) le_sc_engine;
    if (!e)
        return le_fail(err, LE_ERR_NOMEM, "systemc engine: out of memory");
    e->cm = cm;
    try {
        e->board = new le_sc::Board("board", cm);
    } catch (const std::exception &ex) {
        delete e;
        return le_fail(err, LE_ERR_CONFIG, "systemc engine: elaboration failed: %s", ex.what());
    }
    attached = true;
    *out = e;
    return LE_OK;
}

static le_code sc_step(void *ctx, const le_step_activity *act, le_error *err)
{
    le_sc_engine *e = static_cast<le_sc_engine *>(ctx);
    le_code rc = le_costmodel_step(e->cm, act, err);
    if (rc)
        return rc;
    le_step_cost c;
    le_costmodel_last_step(e->cm, &c);
    e->board->barrier().post(c);
    sc_core::sc_start();
    return LE_OK;
}

extern "C" le_cost_sink le_systemc_sink(le_sc_engine *e)
{
    le_cost_sink s = {sc_step, e};
    return s;
}

extern "C" double le_systemc_time_s(const le_sc_engine *) { return sc_core::sc_time_stamp().to_seconds(); }

extern "C" void le_systemc_detach(le_sc_engine *e)
{
    if (!e)
        return;
    if (sc_core::sc_is_running()) {
        // The kernel reports the stop as an SC_INFO on stdout, which would mix into reports.
        sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
        sc_core::sc_stop();
    }
    delete e->board;
    delete e;
}
