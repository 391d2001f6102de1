/* The MPI board mode of `loihi-emu run` (docs/mpi.md): the board's chips split over the ranks
 * in contiguous ranges, each rank configuring and stepping its own chips only. Per step:
 * the spikes of neurons with synapses on another rank are exchanged right after the
 * compartment phase (all-gather of neuron ids), the traced neurons' registers and the step's
 * activity are gathered on rank 0, which writes the trace and runs the one cost model of the
 * whole board on the merged activity, so that traces and report are those of one process. */
#ifndef LE_EMU_BOARD_MPI_H
#define LE_EMU_BOARD_MPI_H

#include <stdio.h>

#include "run/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_board_mpi le_board_mpi;

/* spec: NULL to balance the cores in use over the ranks, or "C1,C2,..." the first chip of
 * ranks 1, 2, ... (increasing). */
le_code le_board_mpi_new(const char *spec, le_board_mpi **out, le_error *err);
void le_board_mpi_free(le_board_mpi *b);

/* Sets o->part so that le_pipeline_open configures this rank's chips. */
void le_board_mpi_options(le_board_mpi *b, le_pipeline_opts *o);

/* After le_pipeline_open: hooks the exchange and the gathering cost sink into p's simulation;
 * trace (rank 0's file, NULL elsewhere or without a trace) gets the traced populations of net. */
le_code le_board_mpi_attach(le_board_mpi *b, le_pipeline *p, const le_network *net, FILE *trace, int tracing,
                            le_error *err);

/* This rank's chips, and totals over the ranks (collective). */
void le_board_mpi_chips(const le_board_mpi *b, uint32_t *lo, uint32_t *hi);
le_code le_board_mpi_totals(le_board_mpi *b, const le_pipeline *p, uint64_t *spikes, uint64_t *cores, le_error *err);

/* Exchange statistics of this rank: bytes sent in the spike exchange and the gathers, and
 * the seconds spent in them. */
void le_board_mpi_stats(const le_board_mpi *b, uint64_t *bytes, double *seconds);
/* Of those seconds, the ones rank 0 spent costing the merged activity (0 elsewhere). */
double le_board_mpi_cost_seconds(const le_board_mpi *b);

#ifdef __cplusplus
}
#endif
#endif
