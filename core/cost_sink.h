/* Where the functional run loop sends each step's activity: the cost model (cost/) is one
 * such sink, a SystemC engine or a test another. An error from the sink (an entry naming a
 * core outside the board, out of memory) stops the run at that step. */
#ifndef LE_CORE_COST_SINK_H
#define LE_CORE_COST_SINK_H

#include "core/activity.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    le_code (*step)(void *ctx, const le_step_activity *act, le_error *err);
    void *ctx;
} le_cost_sink;

#ifdef __cplusplus
}
#endif
#endif
