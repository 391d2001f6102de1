/* The compartment trace format that anyone can compare with another simulator:
 * "step,population,index,u,v,spike", one row per step per traced neuron (its main
 * compartment), integers as the chip holds them. A population name holding a comma, a quote
 * or a line break is written as a quoted CSV field (util/csv.h). A run that stops early (a
 * signal) ends the file with the comment line "# incomplete: interrupted at step N of M";
 * every row before it belongs to a whole step. The writer is a step observer of the run
 * loop (run/sim.h). */
#ifndef LE_TRACES_TRACE_CSV_H
#define LE_TRACES_TRACE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "run/sim.h"
#include "util/csv.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_TRACE_CSV_HEADER "step,population,index,u,v,spike\n"

typedef struct le_trace_csv le_trace_csv;

/* Traces the main compartments of the populations of net with traced != 0 into f (which
 * stays the caller's to close); writes the header. */
le_code le_trace_csv_open(FILE *f, const le_network *net, const le_placement *pl, le_trace_csv **out, le_error *err);
void le_trace_csv_free(le_trace_csv *t);

/* The file's name in messages (default "trace"); the string must outlive the writer. */
void le_trace_csv_set_name(le_trace_csv *t, const char *name);

/* Hands the writer to the simulation as its step observer. */
void le_trace_csv_attach(le_trace_csv *t, le_sim *sim);

/* Ends an interrupted trace: "# incomplete: interrupted at step N of M" (N the last whole
 * step written). Returns LE_ERR_IO when the write fails. */
le_code le_trace_csv_incomplete(le_trace_csv *t, uint32_t step, uint32_t of, le_error *err);

/* One row; 0, or EOF when a write failed. */
static inline int le_trace_csv_row(FILE *f, uint32_t step, const char *population, uint32_t index, int32_t u,
                                   int32_t v, int spike)
{
    if (fprintf(f, "%u,", step) < 0 || le_csv_put_field(f, population) == EOF)
        return EOF;
    return fprintf(f, ",%u,%d,%d,%d\n", index, u, v, spike) < 0 ? EOF : 0;
}

#ifdef __cplusplus
}
#endif
#endif
