/* A batch of independent inferences spread over worker threads (--jobs N) and MPI ranks,
 * with results identical to one thread in one process, byte for byte.
 *
 * How: a model's inferences are grouped in chunks (a chunk is what one snip state runs in one
 * go: sMNIST's 10-image host batches, one RelNet story). Each chunk runs on a worker's own
 * simulation (built from the pipeline's placement, functional only) whose cost sink records
 * every step's activity instead of costing it. The calling thread of rank 0 then replays the
 * recorded activity chunk after chunk, in inference order, into the pipeline's one cost model
 * and marks the inference boundaries: the cost model sees exactly the sequence of a serial
 * run, so its ledger, histogram and floating-point sums are the serial run's. This relies on
 * the model's snips starting each chunk from the state a fresh simulation has (sMNIST's
 * management snip resets every core after each image; RelNet's resets what carries over
 * between stories); the tests compare against the serial run to keep that true.
 *
 * Under MPI chunk c is worked on by rank c % R; ranks other than 0 send rank 0 each chunk's
 * recorded activity and model results (the model's own bytes) in chunk order. */
#ifndef LE_RUN_BATCH_H
#define LE_RUN_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "run/pipeline.h"
#include "util/vec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The task farm under both: tasks 0..n-1, task t worked on by rank t % R (in one of its `jobs`
 * threads), its result (bytes) committed on rank 0's calling thread in task order. Ranks other
 * than 0 send each result to rank 0 as soon as it is their turn in task order. A failing task
 * stops the farm on every rank with its error (the lowest failing task's, as a serial loop
 * would meet it). Collective under MPI. */
typedef le_code (*le_farm_work)(void *ctx, uint32_t worker, uint32_t task, le_vec *out, le_error *err);
typedef le_code (*le_farm_commit)(void *ctx, uint32_t task, const void *bytes, size_t len, le_error *err);
le_code le_farm_run(uint32_t n_tasks, uint32_t jobs, le_farm_work work, le_farm_commit commit, void *ctx,
                    le_error *err);

typedef struct {
    /* Worker side (any thread): prepares the snips that run inferences first..first+n-1 on
     * sim (whose last completed step is le_sim_step_now(sim)); may set an observer. */
    le_code (*begin)(void *ctx, uint32_t worker, le_sim *sim, uint32_t first, uint32_t n, le_snips *snips,
                     le_error *err);
    /* Worker side, after the chunk's steps: appends the chunk's results to out (bytes). */
    le_code (*end)(void *ctx, uint32_t worker, uint32_t first, uint32_t n, le_vec *out, le_error *err);
    /* Rank 0's calling thread, in chunk order, after the cost model got the chunk's steps and
     * inference marks: folds the chunk's results (predictions, counts, progress). */
    le_code (*commit)(void *ctx, uint32_t first, uint32_t n, const void *bytes, size_t len, le_error *err);
    void *ctx;
} le_batch_model;

typedef struct {
    uint32_t n_inferences;
    uint32_t steps_each;
    uint32_t chunk;          /* inferences per chunk (>= 1) */
    uint32_t jobs;           /* worker threads per rank (1: no thread) */
    uint32_t inject_latency; /* of the workers' simulations (the pipeline's) */
} le_batch_opts;

/* net and p: the network and the pipeline it was opened on (p->cm is fed on rank 0). With one
 * worker and one rank the chunks run on p->sim itself with its cost sink, as a serial loop.
 * Collective under MPI: every rank calls it (after le_mpi_agree on its set-up) and all return
 * the same code and error. */
le_code le_batch_run(const le_network *net, le_pipeline *p, const le_batch_opts *o, const le_batch_model *m,
                     le_error *err);

#ifdef __cplusplus
}
#endif
#endif
