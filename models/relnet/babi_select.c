/* Which questions a run uses: by task, split and story length, in file order or a seeded shuffle. */
#include "models/relnet/babi.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64 (Steele, Lea, Flood 2014): fixed arithmetic, so a seed gives the same shuffle on
 * every platform, unlike rand(). */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound >= 1: draws below 2^64 mod bound are rejected so that no value is
 * favoured. */
static uint64_t uniform(uint64_t *state, uint64_t bound)
{
    uint64_t reject_below = (0u - bound) % bound;
    for (;;) {
        uint64_t r = splitmix64(state);
        if (r >= reject_below)
            return r % bound;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Question q of file (of a task and split the filter takes) by its length and the list. */
static int matches(const le_babi_filter *f, const le_babi_file *file, uint32_t q)
{
    if (f->n_context >= 0 && file->question[q].n_context != (uint32_t)f->n_context)
        return 0;
    if (!f->only)
        return 1;
    le_babi_qid id = {file->task, file->question[q].q.line};
    return bsearch(&id, f->only, f->n_only, sizeof id, le_babi_qid_cmp) != NULL;
}

void le_babi_selection_free(le_babi_selection *s)
{
    if (!s)
        return;
    free(s->ref);
    memset(s, 0, sizeof *s);
}

le_code le_babi_select(const le_babi_corpus *c, const le_babi_filter *f, const le_babi_pick *p,
                       le_babi_selection *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    if (f->n_context < -1 || f->n_context > (int32_t)LE_BABI_MAX_CONTEXT)
        return le_fail(err, LE_ERR_RANGE, "story length %d: expected 0..%u (or -1: any)", (int)f->n_context,
                       LE_BABI_MAX_CONTEXT);
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n_files; i++) {
        const le_babi_file *file = &c->file[i];
        if (file->task < 1 || !(f->tasks & LE_BABI_TASK_BIT(file->task)) || file->split != f->split)
            continue;
        for (uint32_t q = 0; q < file->n_questions; q++)
            n += (uint32_t)matches(f, file, q);
    }
    out->available = n;
    if (n == 0)
        return LE_OK;
    le_babi_ref *cand = malloc((size_t)n * sizeof *cand);
    uint32_t *order = malloc((size_t)n * sizeof *order);
    if (!cand || !order) {
        free(cand);
        free(order);
        return le_fail(err, LE_ERR_NOMEM, "no memory to select among %u bAbI questions", n);
    }
    /* candidates by task, then file in reading order, then line */
    uint32_t m = 0;
    for (unsigned task = 1; task <= LE_BABI_TASKS; task++)
        for (uint32_t i = 0; i < c->n_files; i++) {
            const le_babi_file *file = &c->file[i];
            if (file->task != task || !(f->tasks & LE_BABI_TASK_BIT(task)) || file->split != f->split)
                continue;
            for (uint32_t q = 0; q < file->n_questions; q++)
                if (matches(f, file, q))
                    cand[m++] = (le_babi_ref){i, q};
        }
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    uint32_t take = (p->limit == 0 || p->limit > n) ? n : p->limit;
    if (p->shuffle) {
        /* Fisher-Yates from the front: the first k drawn do not depend on how many more follow */
        uint64_t state = p->seed;
        for (uint32_t i = 0; i < take && i + 1u < n; i++) {
            uint32_t j = i + (uint32_t)uniform(&state, (uint64_t)(n - i));
            uint32_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        qsort(order, take, sizeof *order, cmp_u32);
    }
    for (uint32_t i = 0; i < take; i++)
        cand[i] = cand[order[i]];
    free(order);
    out->ref = cand;
    out->n = take;
    return LE_OK;
}

uint32_t le_babi_bench_count(uint32_t m) { return m == 16u ? 100u : 250u; }

le_code le_babi_select_bench(const le_babi_corpus *c, uint32_t m, le_babi_selection *out, le_error *err)
{
    if (m < 1 || m > LE_BABI_MAX_CONTEXT) {
        memset(out, 0, sizeof *out);
        return le_fail(err, LE_ERR_RANGE, "story length M = %u: expected 1..%u", m, LE_BABI_MAX_CONTEXT);
    }
    le_babi_filter f = {LE_BABI_PAPER_TASKS, LE_BABI_TEST, (int32_t)m, NULL, 0};
    le_babi_pick p = {le_babi_bench_count(m), 1, LE_BABI_BENCH_SEED};
    return le_babi_select(c, &f, &p, out, err);
}

le_code le_babi_select_task(const le_babi_corpus *c, unsigned task, uint32_t limit, uint64_t seed,
                            le_babi_selection *out, le_error *err)
{
    if (task < 1 || task > LE_BABI_TASKS) {
        memset(out, 0, sizeof *out);
        return le_fail(err, LE_ERR_RANGE, "bAbI task %u: expected 1..%u", task, LE_BABI_TASKS);
    }
    le_babi_filter f = {LE_BABI_TASK_BIT(task), LE_BABI_TEST, -1, NULL, 0};
    le_babi_pick p = {limit, limit != 0, seed};
    return le_babi_select(c, &f, &p, out, err);
}
