/* A VCD waveform (IEEE 1364 value change dump, read by GTKWave) of the board's links: one
 * integer variable per link, the packets queued at it or in its serialisation interval,
 * changing when a packet reaches the link (+1) and when the link is free of it again (-1);
 * and `step`, the time step under way. Times in ps of emulated time. Written by the
 * congestion traces (traces/trace_net.h) in the packet and SystemC network modes. */
#ifndef LE_TRACES_TRACE_VCD_H
#define LE_TRACES_TRACE_VCD_H

#include <stdint.h>

#include "noc/topo.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_trace_vcd le_trace_vcd;

/* Declares the links with want[link] != 0, grouped by chip. */
le_code le_trace_vcd_open(const char *path, const le_topo *t, const uint8_t *want, le_trace_vcd **out, le_error *err);
/* One hop of the step under way: reached the link at arrive_ps, left it free at free_ps
 * (phase 0: the x86 injections, from the step's start; 1: the neuro-cores' packets, from
 * the end of the injection phase). */
void le_trace_vcd_hop(le_trace_vcd *v, uint32_t phase, uint32_t link, int64_t arrive_ps, int64_t free_ps);
/* Writes the step's changes in time order: step starts at start_ps, its second phase
 * inject_ps later. */
void le_trace_vcd_step(le_trace_vcd *v, uint32_t step, int64_t start_ps, int64_t inject_ps);
le_code le_trace_vcd_close(le_trace_vcd *v, le_error *err);
void le_trace_vcd_free(le_trace_vcd *v);

#ifdef __cplusplus
}
#endif
#endif
