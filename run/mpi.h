/* The MPI layer: one process per rank under `mpirun`, none of it without. Built with
 * OpenMPI when CMake finds it (LE_MPI, on by default then); otherwise every call below is
 * the one-process answer (rank 0 of 1), so callers never test for the build.
 *
 * Only the calling (main) thread of a rank talks MPI (MPI_THREAD_FUNNELED): worker threads
 * of --jobs never do. Every error is agreed on: a rank that fails tells the others through
 * le_mpi_agree(), every rank returns the same le_error and rank 0 prints it, so that no rank
 * waits for a message that will never come. */
#ifndef LE_RUN_MPI_H
#define LE_RUN_MPI_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts MPI when the process was launched by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE set)
 * and the build has MPI; a no-op otherwise. Call once, first thing in main(). */
void le_mpi_init(int *argc, char ***argv);
/* Ends MPI; returns the exit status every rank agrees on (the largest). */
int le_mpi_finalize(int status);

int le_mpi_active(void);    /* more than one rank */
uint32_t le_mpi_rank(void); /* 0 without MPI */
uint32_t le_mpi_size(void); /* 1 without MPI */
int le_mpi_built(void);     /* whether this binary has MPI at all */

/* Collective: every rank passes its own rc (and err when rc != 0). Returns the error of the
 * lowest rank that failed, in *err on every rank ("rank R: ..." when it came from another
 * rank than 0 and there are several ranks), or LE_OK when none did. */
le_code le_mpi_agree(le_code rc, le_error *err);

/* Point to point byte messages (blocking; tag identifies the message in its sequence). */
le_code le_mpi_send(uint32_t to, int tag, const void *buf, size_t len, le_error *err);
/* Receives a message of any length from `from`; *buf is malloc'ed (free it). */
le_code le_mpi_recv(uint32_t from, int tag, void **buf, size_t *len, le_error *err);

/* Collective: in-place sums and maxima over all ranks (every rank gets the result). */
le_code le_mpi_allreduce_sum_u64(uint64_t *v, size_t n, le_error *err);
le_code le_mpi_allreduce_max_i64(int64_t *v, size_t n, le_error *err);
/* Collective: gathers variable-length byte blocks from every rank on every rank: *out
 * (malloc'ed) holds rank 0's bytes, then rank 1's, ...; lens[r] (size() entries, malloc'ed)
 * their lengths. */
le_code le_mpi_allgatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err);
/* Collective: like le_mpi_allgatherv, but only rank 0 gets the blocks (elsewhere *out and *lens
 * are NULL). */
le_code le_mpi_gatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err);
le_code le_mpi_barrier(le_error *err);
/* Ends every rank at once after an error met in the middle of a collective sequence (board
 * mode's steps), when the other ranks can no longer be told in order. Prints err first. */
void le_mpi_abort(const le_error *err);
/* Wall-clock seconds (MPI_Wtime or CLOCK_MONOTONIC). */
double le_mpi_wtime(void);

#ifdef __cplusplus
}
#endif
#endif
