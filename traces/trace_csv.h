/* The compartment trace format that anyone can compare with another simulator:
 * "step,population,index,u,v,spike", one row per step per traced neuron (its main
 * compartment), integers as the chip holds them. */
#ifndef LE_TRACES_TRACE_CSV_H
#define LE_TRACES_TRACE_CSV_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LE_TRACE_CSV_HEADER "step,population,index,u,v,spike\n"

static inline void le_trace_csv_header(FILE *f) { fputs(LE_TRACE_CSV_HEADER, f); }

static inline void le_trace_csv_row(FILE *f, uint32_t step, const char *population, uint32_t index, int32_t u,
                                    int32_t v, int spike)
{
    fprintf(f, "%u,%s,%u,%d,%d,%d\n", step, population, index, u, v, spike);
}

#ifdef __cplusplus
}
#endif
#endif
