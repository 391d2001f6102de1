/* A small worker pool for independent tasks whose results must be folded in task order:
 * `--jobs N` of smnist and relnet (and any command that runs a batch). Tasks 0..n-1 are
 * handed to the workers in increasing order; commit(task) runs on the calling thread, in
 * task order, after work(task) finished. So whatever the number of workers, the commits see
 * the same sequence as a serial loop, and the caller's sums come out bit for bit the same.
 *
 * At most `window` tasks run ahead of the last commit (their results wait in memory). A
 * failing work() stops the handing out; the error returned is the one of the lowest failing
 * task, which is the one a serial loop would have met first. */
#ifndef LE_RUN_JOBS_H
#define LE_RUN_JOBS_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* worker: 0..n_workers-1, so that work() can keep per-worker state (a simulation). */
typedef le_code (*le_job_work)(void *ctx, uint32_t worker, uint32_t task, le_error *err);
typedef le_code (*le_job_commit)(void *ctx, uint32_t task, le_error *err);

/* The machine's online cores (at least 1): the default of --jobs. */
uint32_t le_jobs_default(void);

/* Parses the value of --jobs (1..1024; "0" means the machine's cores). */
le_code le_jobs_parse(const char *opt, const char *s, uint32_t *out, le_error *err);

/* n_workers 1 runs work and commit alternately on the calling thread (no thread started).
 * window 0: 2 * n_workers. */
le_code le_jobs_run(uint32_t n_tasks, uint32_t n_workers, uint32_t window, le_job_work work, le_job_commit commit,
                    void *ctx, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
