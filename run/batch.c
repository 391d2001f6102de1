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

/* The serialised chunk: header, then the five arrays, then the model's bytes. A failed chunk
 * is the header with code != 0 and the message. */
typedef struct {
    uint32_t code;
    uint32_t pad;
    uint64_t n_steps, n_cores, n_packets, n_injected, n_x86, n_bytes;
} blob_head;

typedef struct {
    const le_network *net;
    le_pipeline *p;
    const le_batch_opts *o;
    const le_batch_model *m;
    uint32_t n_chunks, rank, ranks;
    le_sim **sims;     /* [jobs] worker simulations */
    actlog *logs;      /* [n_chunks] recorded activity (filled by the worker, freed at commit) */
    le_vec *bytes;     /* [n_chunks] the model's results */
    uint32_t committed; /* chunks committed (rank 0) or sent (others) */
    int sender_dead;    /* rank 0: the chunk that failed was a failure report from its rank */
    uint64_t step0;
} batch;

static uint32_t chunk_first(const batch *b, uint32_t c) { return c * b->o->chunk; }
static uint32_t chunk_n(const batch *b, uint32_t c)
{
    uint32_t f = chunk_first(b, c), n = b->o->n_inferences - f;
    return n < b->o->chunk ? n : b->o->chunk;
}

static le_code work(void *ctx, uint32_t w, uint32_t c, le_error *err)
{
    batch *b = ctx;
    if (c % b->ranks != b->rank)
        return LE_OK;
    le_code rc;
    if (!b->sims[w]) {
        if ((rc = le_sim_create(b->net, &b->p->pl, &b->p->geom, &b->p->lim, &b->sims[w], err)))
            return rc;
        if ((rc = le_sim_set_inject_latency(b->sims[w], b->o->inject_latency, err)))
            return rc;
    }
    le_sim *sim = b->sims[w];
    actlog *l = &b->logs[c];
    actlog_init(l);
    le_cost_sink rec = {record_step, l};
    le_sim_set_cost_sink(sim, &rec);
    uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
    le_snips sn;
    memset(&sn, 0, sizeof sn);
    if ((rc = b->m->begin(b->m->ctx, w, sim, first, n, &sn, err)))
        return rc;
    if ((rc = le_sim_run(sim, n * b->o->steps_each, &sn, err)))
        return rc;
    b->bytes[c] = LE_VEC(char);
    return b->m->end ? b->m->end(b->m->ctx, w, first, n, &b->bytes[c], err) : LE_OK;
}

/* Rank 0: the chunk's steps into the cost model, an inference mark after each inference. */
static le_code replay(batch *b, const actlog *l, uint32_t n, le_error *err)
{
    le_costmodel *cm = b->p->cm;
    if ((uint64_t)l->steps.n != (uint64_t)n * b->o->steps_each)
        return le_fail(err, LE_ERR_CONFIG, "batch: a chunk of %u inferences recorded %zu steps, expected %llu", n,
                       l->steps.n, (unsigned long long)n * b->o->steps_each);
    if (!cm)
        return LE_OK;
    le_cost_sink sink = le_costmodel_sink(cm);
    const step_rec *s = l->steps.a;
    le_core_activity *cores = l->cores.a;
    le_packet *pk = l->packets.a, *inj = l->injected.a;
    le_x86_activity *x86 = l->x86.a;
    for (size_t i = 0; i < l->steps.n; i++) {
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
        le_code rc = sink.step(sink.ctx, &a, err);
        if (rc)
            return rc;
        if ((i + 1) % b->o->steps_each == 0)
            le_costmodel_end_inference(cm);
    }
    return LE_OK;
}

static le_code pack(const actlog *l, const le_vec *bytes, le_code code, const le_error *e, void **out, size_t *len,
                    le_error *err)
{
    blob_head h;
    memset(&h, 0, sizeof h);
    h.code = (uint32_t)code;
    size_t total = sizeof h;
    if (code)
        total += sizeof e->msg;
    else {
        h.n_steps = l->steps.n;
        h.n_cores = l->cores.n;
        h.n_packets = l->packets.n;
        h.n_injected = l->injected.n;
        h.n_x86 = l->x86.n;
        h.n_bytes = bytes->n;
        total += l->steps.n * sizeof(step_rec) + l->cores.n * sizeof(le_core_activity) +
                 (l->packets.n + l->injected.n) * sizeof(le_packet) + l->x86.n * sizeof(le_x86_activity) + bytes->n;
    }
    char *b = malloc(total), *q = b;
    if (!b)
        return le_fail(err, LE_ERR_NOMEM, "batch: out of memory for a %zu-byte message", total);
    memcpy(q, &h, sizeof h);
    q += sizeof h;
    if (code)
        memcpy(q, e->msg, sizeof e->msg);
    else {
        const le_vec *v[6] = {&l->steps, &l->cores, &l->packets, &l->injected, &l->x86, bytes};
        for (int i = 0; i < 6; i++)
            if (v[i]->n) {
                memcpy(q, v[i]->a, v[i]->n * v[i]->elem);
                q += v[i]->n * v[i]->elem;
            }
    }
    *out = b;
    *len = total;
    return LE_OK;
}

/* Views a received chunk as a log (pointing into buf) and the model's bytes. */
static le_code unpack(const void *buf, size_t len, uint32_t from, actlog *l, const void **bytes, size_t *n_bytes,
                      le_error *err)
{
    blob_head h;
    if (len < sizeof h)
        return le_fail(err, LE_ERR_IO, "batch: a %zu-byte message from rank %u is too short", len, from);
    memcpy(&h, buf, sizeof h);
    const char *q = (const char *)buf + sizeof h;
    if (h.code) {
        if (len < sizeof h + LE_ERROR_MSG_MAX)
            return le_fail(err, LE_ERR_IO, "batch: a truncated error message from rank %u", from);
        err->code = (le_code)h.code;
        memcpy(err->msg, q, LE_ERROR_MSG_MAX);
        err->msg[LE_ERROR_MSG_MAX - 1] = 0;
        le_error_prefix(err, "rank %u", from);
        return (le_code)h.code;
    }
    size_t need = sizeof h + h.n_steps * sizeof(step_rec) + h.n_cores * sizeof(le_core_activity) +
                  (h.n_packets + h.n_injected) * sizeof(le_packet) + h.n_x86 * sizeof(le_x86_activity) + h.n_bytes;
    if (need != len)
        return le_fail(err, LE_ERR_IO, "batch: a message from rank %u has %zu bytes, its header says %zu", from, len,
                       need);
    le_vec *v[5] = {&l->steps, &l->cores, &l->packets, &l->injected, &l->x86};
    uint64_t n[5] = {h.n_steps, h.n_cores, h.n_packets, h.n_injected, h.n_x86};
    for (int i = 0; i < 5; i++) {
        v[i]->a = (void *)q;
        v[i]->n = v[i]->cap = n[i];
        q += n[i] * v[i]->elem;
    }
    *bytes = q;
    *n_bytes = h.n_bytes;
    return LE_OK;
}

static le_code commit_local(batch *b, uint32_t c, le_error *err)
{
    uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
    le_code rc = replay(b, &b->logs[c], n, err);
    if (!rc && b->m->commit)
        rc = b->m->commit(b->m->ctx, first, n, b->bytes[c].a, b->bytes[c].n, err);
    return rc;
}

static le_code recv_commit(batch *b, uint32_t c, int apply, int *sender_failed, le_error *err)
{
    uint32_t from = c % b->ranks;
    void *buf = NULL;
    size_t len = 0;
    *sender_failed = 0;
    le_code rc = le_mpi_recv(from, (int)(c % 30000), &buf, &len, err);
    if (rc)
        return rc;
    actlog l;
    actlog_init(&l);
    const void *bytes = NULL;
    size_t nb = 0;
    le_error tmp;
    le_error *e = apply ? err : &tmp;
    rc = unpack(buf, len, from, &l, &bytes, &nb, e);
    if (rc)
        *sender_failed = 1;
    else if (apply) {
        uint32_t first = chunk_first(b, c), n = chunk_n(b, c);
        rc = replay(b, &l, n, err);
        if (!rc && b->m->commit)
            rc = b->m->commit(b->m->ctx, first, n, bytes, nb, err);
    }
    free(buf);
    return apply ? rc : LE_OK;
}

static le_code commit(void *ctx, uint32_t c, le_error *err)
{
    batch *b = ctx;
    uint32_t owner = c % b->ranks;
    le_code rc = LE_OK;
    if (b->rank == 0) {
        if (owner == 0)
            rc = commit_local(b, c, err);
        else {
            int failed;
            rc = recv_commit(b, c, 1, &failed, err);
            b->sender_dead = failed;
        }
    } else if (owner == b->rank) {
        void *buf;
        size_t len;
        if (!(rc = pack(&b->logs[c], &b->bytes[c], LE_OK, NULL, &buf, &len, err))) {
            rc = le_mpi_send(0, (int)(c % 30000), buf, len, err);
            free(buf);
        }
    }
    if (owner == b->rank) {
        actlog_free(&b->logs[c]);
        le_vec_free(&b->bytes[c]);
    }
    if (!rc)
        b->committed = c + 1;
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
    b.net = net;
    b.p = p;
    b.o = o;
    b.m = m;
    b.rank = le_mpi_rank();
    b.ranks = le_mpi_size();
    uint32_t chunk = o->chunk ? o->chunk : 1;
    le_batch_opts oo = *o;
    oo.chunk = chunk;
    b.o = &oo;
    b.n_chunks = (o->n_inferences + chunk - 1) / chunk;
    b.step0 = le_sim_step_now(p->sim);
    uint32_t jobs = o->jobs ? o->jobs : 1;
    if (jobs == 1 && b.ranks == 1)
        return run_serial(&b, err);

    le_code rc = LE_OK;
    b.sims = calloc(jobs, sizeof *b.sims);
    b.logs = calloc(b.n_chunks ? b.n_chunks : 1, sizeof *b.logs);
    b.bytes = calloc(b.n_chunks ? b.n_chunks : 1, sizeof *b.bytes);
    if (!b.sims || !b.logs || !b.bytes)
        rc = le_fail(err, LE_ERR_NOMEM, "batch: out of memory for %u chunks", b.n_chunks);
    if (!rc)
        rc = le_jobs_run(b.n_chunks, jobs, 0, work, commit, &b, err);

    if (b.ranks > 1) {
        if (b.rank != 0 && rc && b.committed < b.n_chunks && b.committed % b.ranks == b.rank) {
            /* This rank's own chunk failed: rank 0 waits for it, tell it why instead. */
            void *buf;
            size_t len;
            le_error ign;
            if (!pack(NULL, NULL, rc, err, &buf, &len, &ign)) {
                le_mpi_send(0, (int)(b.committed % 30000), buf, len, &ign);
                free(buf);
            }
        } else if (b.rank != 0 && rc) {
            /* Failed on a chunk of its own after the last it sent (the pool stops at the first
             * failure in chunk order, which is this rank's next one). */
            uint32_t c = b.committed;
            while (c < b.n_chunks && c % b.ranks != b.rank)
                c++;
            void *buf;
            size_t len;
            le_error ign;
            if (c < b.n_chunks && !pack(NULL, NULL, rc, err, &buf, &len, &ign)) {
                le_mpi_send(0, (int)(c % 30000), buf, len, &ign);
                free(buf);
            }
        } else if (b.rank == 0 && rc) {
            /* Drain what the other ranks still send, so that none blocks; a rank that reported
             * a failure sends nothing after it. */
            uint8_t *dead = calloc(b.ranks, 1);
            if (dead && b.sender_dead)
                dead[b.committed % b.ranks] = 1;
            for (uint32_t c = b.committed + 1; dead && c < b.n_chunks; c++) {
                uint32_t from = c % b.ranks;
                if (from == 0 || dead[from])
                    continue;
                int failed = 0;
                le_error ign;
                if (recv_commit(&b, c, 0, &failed, &ign) || failed)
                    dead[from] = 1;
            }
            free(dead);
        }
        /* Rank 0 saw the first failure in chunk order (or none): its verdict is everyone's. */
        le_error verdict = *err;
        if (b.rank != 0)
            rc = LE_OK;
        rc = le_mpi_agree(rc, &verdict);
        if (rc)
            *err = verdict;
    }
    for (uint32_t w = 0; b.sims && w < jobs; w++)
        le_sim_free(b.sims[w]);
    for (uint32_t c = 0; b.logs && c < b.n_chunks; c++)
        if (c % b.ranks == b.rank) {
            actlog_free(&b.logs[c]);
            le_vec_free(&b.bytes[c]);
        }
    free(b.sims);
    free(b.logs);
    free(b.bytes);
    return rc;
}
