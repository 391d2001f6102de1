/* The compartment trace format that anyone can compare with another simulator:
 * "step,population,index,u,v,spike", one row per step per traced neuron (its main
 * compartment), integers as the chip holds them. The writer is a step observer of the run
 * loop (run/sim.h). */
#ifndef LE_TRACES_TRACE_CSV_H
#define LE_TRACES_TRACE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "run/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_TRACE_CSV_HEADER "step,population,index,u,v,spike\n"

typedef struct le_trace_csv le_trace_csv;

/* Traces the main compartments of the populations of net with traced != 0 into f (which
 * stays the caller's to close); writes the header. */
le_code le_trace_csv_open(FILE *f, const le_network *net, const le_placement *pl, le_trace_csv **out, le_error *err);
void le_trace_csv_free(le_trace_csv *t);

/* Hands the writer to the simulation as its step observer. */
void le_trace_csv_attach(le_trace_csv *t, le_sim *sim);

/* One row. */
static inline void le_trace_csv_row(FILE *f, uint32_t step, const char *population, uint32_t index, int32_t u,
                                    int32_t v, int spike)
{
    fprintf(f, "%u,%s,%u,%d,%d,%d\n", step, population, index, u, v, spike);
}

#ifdef __cplusplus
}
#endif
#endif
