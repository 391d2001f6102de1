#include "run/batch.h"

#include <stdlib.h>
#include <string.h>

#include "run/jobs.h"
#include "run/mpi.h"

/* One step's activity, recorded: counts, then the records in the log's arrays. */
typedef struct {
    uint32_t n_cores, n_packets, n_injected, n_x86;
} step_rec;

typedef struct {
    le_vec steps, cores, packets, injected, x86;
} actlog;

static void actlog_init(actlog *l)
{
    l->steps = LE_VEC(step_rec);
    l->cores = LE_VEC(le_core_activity);
    l->packets = LE_VEC(le_packet);
    l->injected = LE_VEC(le_packet);
    l->x86 = LE_VEC(le_x86_activity);
}

static void actlog_free(actlog *l)
{
    le_vec_free(&l->steps);
    le_vec_free(&l->cores);
    le_vec_free(&l->packets);
    le_vec_free(&l->injected);
    le_vec_free(&l->x86);
}

static int push_n(le_vec *v, const void *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!le_vec_push(v, (const char *)a + (size_t)i * v->elem))
            return 0;
    return 1;
}

static le_code record_step(void *ctx, const le_step_activity *a, le_error *err)
{
    actlog *l = ctx;
    step_rec s = {a->n_cores, a->n_packets, a->n_injected, a->n_x86};
    if (!le_vec_push(&l->steps, &s) || !push_n(&l->cores, a->cores, a->n_cores) ||
        !push_n(&l->packets, a->packets, a->n_packets) || !push_n(&l->injected, a->injected, a->n_injected) ||
        !push_n(&l->x86, a->x86, a->n_x86))
        return le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for the recorded activity", a->step);
    return LE_OK;
}

/* The farm's message for one task: a header, then the result bytes or, for a failed task,
 * the error message. */
typedef struct {
    uint32_t code;
    uint32_t pad;
    uint64_t n_bytes;
} farm_head;

typedef struct {
    uint32_t n, rank, ranks;
    le_farm_work work;
    le_farm_commit commit;
    void *ctx;
    le_vec *res;        /* [n] results of this rank's tasks, freed once committed or sent */
    uint32_t committed; /* tasks committed (rank 0) or passed (others) */
    int sender_dead;    /* rank 0: the failing task was a failure report from its rank */
} farm;

static le_code farm_work(void *ctx, uint32_t w, uint32_t t, le_error *err)
{
    farm *f = ctx;
    if (t % f->ranks != f->rank)
        return LE_OK;
    f->res[t] = LE_VEC(char);
    return f->work(f->ctx, w, t, &f->res[t], err);
}

static le_code farm_send(uint32_t t, const le_vec *bytes, le_code code, const le_error *e, le_error *err)
{
    farm_head h = {(uint32_t)code, 0, code ? LE_ERROR_MSG_MAX : bytes->n};
    size_t total = sizeof h + h.n_bytes;
    char *b = malloc(total);
    if (!b)
        return le_fail(err, LE_ERR_NOMEM, "out of memory for a %zu-byte message to rank 0", total);
    memcpy(b, &h, sizeof h);
    if (code)
        memcpy(b + sizeof h, e->msg, LE_ERROR_MSG_MAX);
    else if (bytes->n)
        memcpy(b + sizeof h, bytes->a, bytes->n);
    le_code rc = le_mpi_send(0, (int)(t % 30000), b, total, err);
    free(b);
    return rc;
}

/* Rank 0: task t's message from its rank; commits it when apply (else drains it). */
static le_code farm_recv(farm *f, uint32_t t, int apply, int *sender_failed, le_error *err)
{
    uint32_t from = t % f->ranks;
    void *buf = NULL;
    size_t len = 0;
    *sender_failed = 0;
    le_code rc = le_mpi_recv(from, (int)(t % 30000), &buf, &len, err);
    if (rc)
        return rc;
    farm_head h;
    if (len < sizeof h || (memcpy(&h, buf, sizeof h), len != sizeof h + h.n_bytes)) {
        rc = le_fail(err, LE_ERR_IO, "a malformed %zu-byte message from rank %u", len, from);
    } else if (h.code) {
        *sender_failed = 1;
        if (apply) {
            err->code = (le_code)h.code;
            memcpy(err->msg, (char *)buf + sizeof h, LE_ERROR_MSG_MAX);
            err->msg[LE_ERROR_MSG_MAX - 1] = 0;
            le_error_prefix(err, "rank %u", from);
            rc = err->code;
        }
    } else if (apply && f->commit)
        rc = f->commit(f->ctx, t, (char *)buf + sizeof h, (size_t)h.n_bytes, err);
    free(buf);
    return apply ? rc : LE_OK;
}

static le_code farm_commit(void *ctx, uint32_t t, le_error *err)
{
    farm *f = ctx;
    uint32_t owner = t % f->ranks;
    le_code rc = LE_OK;
    if (f->rank == 0) {
        if (owner == 0)
            rc = f->commit ? f->commit(f->ctx, t, f->res[t].a, f->res[t].n, err) : LE_OK;
        else
            rc = farm_recv(f, t, 1, &f->sender_dead, err);
    } else if (owner == f->rank)
        rc = farm_send(t, &f->res[t], LE_OK, NULL, err);
    if (owner == f->rank)
        le_vec_free(&f->res[t]);
    if (!rc)
        f->committed = t + 1;
    return rc;
}

le_code le_farm_run(uint32_t n_tasks, uint32_t jobs, le_farm_work work, le_farm_commit commit, void *ctx,
                    le_error *err)
{
    farm f;
    memset(&f, 0, sizeof f);
    f.n = n_tasks;
    f.rank = le_mpi_rank();
    f.ranks = le_mpi_size();
    f.work = work;
    f.commit = commit;
    f.ctx = ctx;
    le_code rc = LE_OK;
    if (!(f.res = calloc(n_tasks ? n_tasks : 1, sizeof *f.res)))
        rc = le_fail(err, LE_ERR_NOMEM, "out of memory for %u tasks", n_tasks);
    if (!rc)
        rc = le_jobs_run(n_tasks, jobs ? jobs : 1, 0, farm_work, farm_commit, &f, err);
    if (f.ranks > 1) {
        le_error ign;
        if (f.rank != 0 && rc) {
            /* The pool stops at this rank's first failing task in task order, the next one it
             * owes rank 0: send the failure in its place. */
            uint32_t t = f.committed;
            while (t < n_tasks && t % f.ranks != f.rank)
                t++;
            if (t < n_tasks)
                farm_send(t, NULL, rc, err, &ign);
        } else if (f.rank == 0 && rc) {
            /* Drain what the other ranks still send, so that none blocks in a send; a rank that
             * reported a failure sends nothing after it. */
            uint8_t *dead = calloc(f.ranks, 1);
            if (dead && f.sender_dead)
                dead[f.committed % f.ranks] = 1;
            for (uint32_t t = f.committed + 1; dead && t < n_tasks; t++) {
                uint32_t from = t % f.ranks;
                int failed = 0;
                if (from == 0 || dead[from])
                    continue;
                if (farm_recv(&f, t, 0, &failed, &ign) || failed)
                    dead[from] = 1;
            }
            free(dead);
        }
        /* Rank 0 met the first failure in task order (or none): its verdict is everyone's. */
        le_error verdict = *err;
        rc = le_mpi_agree(f.rank == 0 ? rc : LE_OK, &verdict);
        if (rc)
            *err = verdict;
    }
    for (uint32_t t = 0; f.res && t < n_tasks; t++)
        le_vec_free(&f.res[t]);
    free(f.res);
    return rc;
}

/* A batch over the farm: a task is a chunk; its bytes are the header below, the recorded
 * activity's five arrays and the model's own bytes. */
typedef struct {
    uint64_t n_steps, n_cores, n_packets, n_injected, n_x86, n_bytes;
} chunk_head;

typedef struct {
    const le_network *net;
    le_pipeline *p;
    const le_batch_opts *o;
    const le_batch_model *m;
    uint32_t n_chunks;
    le_sim **sims;  /* [jobs] worker simulations */
    actlog *logs;   /* [jobs] */
    le_vec *mine;   /* [jobs] the model's bytes of the chunk under way */
    uint64_t step0;
} batch;

static uint32_t chunk_first(const batch *b, uint32_t c) { return c * b->o->chunk; }
static uint32_t chunk_n(const batch *b, uint32_t c)
{
    uint32_t f = chunk_first(b, c), n = b->o->n_inferences - f;
    return n < b->o->chunk ? n : b->o->chunk;
}

/* Appends n bytes to a byte vector. */
static int append(le_vec *out, const void *a, size_t n)
{
    if (out->n + n > out->cap) {
        size_t cap = out->cap ? out->cap : 4096;
        while (cap < out->n + n)
            cap *= 2;
        void *p = realloc(out->a, cap);
        if (!p)
            return 0;
        out->a = p;
        out->cap = cap;
    }
    if (n)
        memcpy((char *)out->a + out->n, a, n);
    out->n += n;
    return 1;
}

static le_code chunk_work(void *ctx, uint32_t w, uint32_t c, le_vec *out, le_error *err)
{
    batch *b = ctx;
    le_code rc;
    if (!b->sims[w]) {
        if ((rc = le_sim_create(b->net, &b->p->pl, &b->p->geom, &b->p->lim, &b->sims[w], err)))
            return rc;
        if ((rc = le_sim_set_inject_latency(b->sims[w], b->o->inject_latency, err)))
            return rc;
        actlog_init(&b->logs[w]);
        b->mine[w] = LE_VEC(char);
    }
    le_sim *sim = b->sims[w];
    actlog *l = &b->logs[w];
    l->steps.n = l->cores.n = l->packets.n = l->injected.n = l->x86.n = 0;
    b->mine[w].n = 0;
    le_cost_sink rec = {record_step, l};
    le_sim_set_cost_sink(sim, &rec);
    uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
    le_snips sn;
    memset(&sn, 0, sizeof sn);
    if ((rc = b->m->begin(b->m->ctx, w, sim, first, n, &sn, err)))
        return rc;
    if ((rc = le_sim_run(sim, n * b->o->steps_each, &sn, err)))
        return rc;
    if (b->m->end && (rc = b->m->end(b->m->ctx, w, first, n, &b->mine[w], err)))
        return rc;
    chunk_head h = {l->steps.n, l->cores.n, l->packets.n, l->injected.n, l->x86.n, b->mine[w].n};
    const le_vec *v[6] = {&l->steps, &l->cores, &l->packets, &l->injected, &l->x86, &b->mine[w]};
    int ok = append(out, &h, sizeof h);
    for (int i = 0; i < 6 && ok; i++)
        ok = append(out, v[i]->a, v[i]->n * v[i]->elem);
    return ok ? LE_OK : le_fail(err, LE_ERR_NOMEM, "chunk %u: out of memory for its recorded activity", c);
}

/* Rank 0: the chunk's steps into the cost model, an inference mark after each inference, then
 * the model's results. */
static le_code chunk_commit(void *ctx, uint32_t c, const void *bytes, size_t len, le_error *err)
{
    batch *b = ctx;
    chunk_head h;
    if (len < sizeof h)
        return le_fail(err, LE_ERR_IO, "chunk %u: %zu bytes of results", c, len);
    memcpy(&h, bytes, sizeof h);
    size_t need = sizeof h + h.n_steps * sizeof(step_rec) + h.n_cores * sizeof(le_core_activity) +
                  (h.n_packets + h.n_injected) * sizeof(le_packet) + h.n_x86 * sizeof(le_x86_activity) + h.n_bytes;
    uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
    if (need != len)
        return le_fail(err, LE_ERR_IO, "chunk %u: %zu bytes of results, its header says %zu", c, len, need);
    if (h.n_steps != (uint64_t)n * b->o->steps_each)
        return le_fail(err, LE_ERR_CONFIG, "chunk %u of %u inferences recorded %llu steps, expected %llu", c, n,
                       (unsigned long long)h.n_steps, (unsigned long long)n * b->o->steps_each);
    /* The records sit unaligned in the message: copy each array out. */
    size_t sz[5] = {sizeof(step_rec), sizeof(le_core_activity), sizeof(le_packet), sizeof(le_packet),
                    sizeof(le_x86_activity)};
    uint64_t cnt[5] = {h.n_steps, h.n_cores, h.n_packets, h.n_injected, h.n_x86};
    void *arr[5] = {0};
    const char *q = (const char *)bytes + sizeof h;
    le_code rc = LE_OK;
    for (int i = 0; i < 5; i++) {
        if (!(arr[i] = malloc(cnt[i] * sz[i] + 1)))
            rc = le_fail(err, LE_ERR_NOMEM, "chunk %u: out of memory", c);
        else if (cnt[i])
            memcpy(arr[i], q, cnt[i] * sz[i]);
        q += cnt[i] * sz[i];
    }
    le_costmodel *cm = b->p->cm;
    if (!rc && cm) {
        le_cost_sink sink = le_costmodel_sink(cm);
        const step_rec *s = arr[0];
        le_core_activity *cores = arr[1];
        le_packet *pk = arr[2], *inj = arr[3];
        le_x86_activity *x86 = arr[4];
        for (uint64_t i = 0; i < h.n_steps && !rc; i++) {
            le_step_activity a;
            a.step = (uint32_t)(++b->step0);
            a.cores = cores;
            a.n_cores = s[i].n_cores;
            a.packets = pk;
            a.n_packets = s[i].n_packets;
            a.injected = inj;
            a.n_injected = s[i].n_injected;
            a.x86 = x86;
            a.n_x86 = s[i].n_x86;
            cores += a.n_cores;
            pk += a.n_packets;
            inj += a.n_injected;
            x86 += a.n_x86;
            rc = sink.step(sink.ctx, &a, err);
            if (!rc && (i + 1) % b->o->steps_each == 0)
                le_costmodel_end_inference(cm);
        }
    }
    for (int i = 0; i < 5; i++)
        free(arr[i]);
    if (!rc && b->m->commit)
        rc = b->m->commit(b->m->ctx, first, n, q, (size_t)h.n_bytes, err);
    return rc;
}

/* One worker, one rank: the chunks run on the pipeline's own simulation and cost sink. */
static le_code run_serial(batch *b, le_error *err)
{
    le_sim *sim = b->p->sim;
    for (uint32_t c = 0; c < b->n_chunks; c++) {
        uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
        le_snips sn;
        memset(&sn, 0, sizeof sn);
        le_vec bytes = LE_VEC(char);
        le_code rc = b->m->begin(b->m->ctx, 0, sim, first, n, &sn, err);
        for (uint32_t k = 0; k < n && !rc; k++) {
            rc = le_sim_run(sim, b->o->steps_each, &sn, err);
            if (!rc && b->p->cm)
                le_costmodel_end_inference(b->p->cm);
        }
        if (!rc && b->m->end)
            rc = b->m->end(b->m->ctx, 0, first, n, &bytes, err);
        if (!rc && b->m->commit)
            rc = b->m->commit(b->m->ctx, first, n, bytes.a, bytes.n, err);
        le_vec_free(&bytes);
        if (rc)
            return rc;
    }
    return LE_OK;
}

le_code le_batch_run(const le_network *net, le_pipeline *p, const le_batch_opts *o, const le_batch_model *m,
                     le_error *err)
{
    batch b;
    memset(&b, 0, sizeof b);
    le_batch_opts oo = *o;
    oo.chunk = o->chunk ? o->chunk : 1;
    b.net = net;
    b.p = p;
    b.o = &oo;
    b.m = m;
    b.n_chunks = (o->n_inferences + oo.chunk - 1) / oo.chunk;
    b.step0 = le_sim_step_now(p->sim);
    uint32_t jobs = o->jobs ? o->jobs : 1;
    if (jobs == 1 && le_mpi_size() == 1)
        return run_serial(&b, err);
    le_code rc = LE_OK;
    b.sims = calloc(jobs, sizeof *b.sims);
    b.logs = calloc(jobs, sizeof *b.logs);
    b.mine = calloc(jobs, sizeof *b.mine);
    if (!b.sims || !b.logs || !b.mine)
        rc = le_fail(err, LE_ERR_NOMEM, "out of memory for %u workers", jobs);
    /* Collective: every rank enters the farm even when out of memory, and says so there. */
    rc = le_mpi_agree(rc, err);
    if (!rc)
        rc = le_farm_run(b.n_chunks, jobs, chunk_work, chunk_commit, &b, err);
    for (uint32_t w = 0; b.sims && w < jobs; w++)
        if (b.sims[w]) {
            le_sim_free(b.sims[w]);
            actlog_free(&b.logs[w]);
            le_vec_free(&b.mine[w]);
        }
    free(b.sims);
    free(b.logs);
    free(b.mine);
    return rc;
}
