#include "run/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_EMPTY = 0, SLOT_DONE, SLOT_FAILED };

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint32_t n, window, next, committed, n_workers;
    int stop;
    uint8_t *state;  /* [window], slot task % window */
    le_error *errs;  /* [window] */
    le_job_work work;
    void *ctx;
} pool;

typedef struct {
    pool *p;
    uint32_t id;
} worker_arg;

uint32_t le_jobs_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > 1024 ? 1024u : (uint32_t)n;
}

le_code le_jobs_parse(const char *opt, const char *s, uint32_t *out, le_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = (s && *s >= '0' && *s <= '9') ? strtoul(s, &end, 10) : 0;
    if (!s || *s < '0' || *s > '9' || errno || !end || *end || v > 1024)
        return le_fail(err, LE_ERR_USAGE, "%s '%s': expected a number of worker threads, 1..1024 (0: the machine's cores)",
                       opt, s ? s : "");
    *out = v ? (uint32_t)v : le_jobs_default();
    return LE_OK;
}

static void *worker_main(void *a)
{
    worker_arg *w = a;
    pool *p = w->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next < p->n && p->next >= p->committed + p->window)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop || p->next >= p->n)
            break;
        uint32_t t = p->next++;
        pthread_mutex_unlock(&p->mu);
        le_error e;
        le_error_clear(&e);
        le_code rc = p->work(p->ctx, w->id, t, &e);
        pthread_mutex_lock(&p->mu);
        uint32_t slot = t % p->window;
        p->errs[slot] = e;
        p->errs[slot].code = rc;
        p->state[slot] = rc ? SLOT_FAILED : SLOT_DONE;
        if (rc)
            p->stop = 1; /* tasks already handed out finish; no new one starts */
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

le_code le_jobs_run(uint32_t n_tasks, uint32_t n_workers, uint32_t window, le_job_work work, le_job_commit commit,
                    void *ctx, le_error *err)
{
    if (n_workers <= 1 || n_tasks <= 1) {
        for (uint32_t t = 0; t < n_tasks; t++) {
            le_code rc = work(ctx, 0, t, err);
            if (!rc && commit)
                rc = commit(ctx, t, err);
            if (rc)
                return rc;
        }
        return LE_OK;
    }
    if (n_workers > n_tasks)
        n_workers = n_tasks;
    if (window < n_workers)
        window = 2 * n_workers;
    pool p;
    memset(&p, 0, sizeof p);
    p.n = n_tasks;
    p.window = window;
    p.n_workers = n_workers;
    p.work = work;
    p.ctx = ctx;
    p.state = calloc(window, 1);
    p.errs = calloc(window, sizeof *p.errs);
    pthread_t *th = calloc(n_workers, sizeof *th);
    worker_arg *args = calloc(n_workers, sizeof *args);
    if (!p.state || !p.errs || !th || !args) {
        free(p.state);
        free(p.errs);
        free(th);
        free(args);
        return le_fail(err, LE_ERR_NOMEM, "--jobs %u: out of memory for the worker pool", n_workers);
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    uint32_t started = 0;
    le_code rc = LE_OK;
    for (; started < n_workers; started++) {
        args[started] = (worker_arg){&p, started};
        if (pthread_create(&th[started], NULL, worker_main, &args[started]) != 0) {
            rc = le_fail(err, LE_ERR_NOMEM, "--jobs %u: cannot start worker thread %u", n_workers, started + 1);
            break;
        }
    }
    for (uint32_t t = 0; t < n_tasks && !rc && started; t++) {
        uint32_t slot = t % window;
        pthread_mutex_lock(&p.mu);
        while (p.state[slot] == SLOT_EMPTY)
            pthread_cond_wait(&p.cv, &p.mu);
        int st = p.state[slot];
        if (st == SLOT_FAILED) {
            *err = p.errs[slot];
            rc = err->code;
            pthread_mutex_unlock(&p.mu);
            break;
        }
        pthread_mutex_unlock(&p.mu);
        if (commit)
            rc = commit(ctx, t, err);
        pthread_mutex_lock(&p.mu);
        p.state[slot] = SLOT_EMPTY;
        p.committed++;
        if (rc)
            p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (uint32_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    free(p.state);
    free(p.errs);
    free(th);
    free(args);
    return rc;
}
