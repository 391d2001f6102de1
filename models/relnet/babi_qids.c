/* Lists of questions by task and line: read from CSV (a --predictions file is one) and found in
 * the corpus, so that a run can take exactly the stories another tool sampled. */
#include "models/relnet/babi.h"

#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

int le_babi_qid_cmp(const void *a, const void *b)
{
    const le_babi_qid *x = a, *y = b;
    if (x->task != y->task)
        return (x->task > y->task) - (x->task < y->task);
    return (x->line > y->line) - (x->line < y->line);
}

/* A question of a list with the line it is on in the file, so that a repeat can be named by its
 * later line once the list is sorted. */
typedef struct {
    le_babi_qid id;
    uint32_t at;
} listed;

/* By question, then by the line it is listed on. */
static int listed_cmp(const void *a, const void *b)
{
    const listed *x = a, *y = b;
    int c = le_babi_qid_cmp(&x->id, &y->id);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

le_code le_babi_qids_read(const char *path, le_babi_qid **out, uint32_t *n, le_error *err)
{
    *out = NULL;
    *n = 0;
    le_csv_reader r;
    le_code rc = le_csv_open(&r, path, err);
    if (rc)
        return rc;
    int have = 0;
    int col_task = -1, col_line = -1;
    rc = le_csv_next(&r, &have, err);
    if (!rc && !have)
        rc = le_fail(err, LE_ERR_PARSE, "%s: empty: expected a header naming the columns task and line", path);
    for (uint32_t i = 0; !rc && i < r.n_fields; i++) {
        if (!strcmp(r.field[i], "task"))
            col_task = (int)i;
        else if (!strcmp(r.field[i], "line"))
            col_line = (int)i;
    }
    if (!rc && (col_task < 0 || col_line < 0))
        rc = le_fail(err, LE_ERR_PARSE, "%s:%u: the header has no column '%s' (expected columns task and line)", path,
                     r.line, col_task < 0 ? "task" : "line");
    listed *e = NULL;
    uint32_t len = 0, cap = 0;
    while (!rc) {
        rc = le_csv_next(&r, &have, err);
        if (rc || !have)
            break;
        uint32_t need = (uint32_t)(col_task > col_line ? col_task : col_line) + 1;
        le_babi_qid id;
        if (r.n_fields < need)
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: %u fields, the header has the task and line in columns %d and %d",
                         path, r.line, r.n_fields, col_task + 1, col_line + 1);
        else if (!le_csv_uint(&r, (uint32_t)col_task, 1, LE_BABI_TASKS, &id.task))
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: task '%s': expected a bAbI task 1..%u", path, r.line,
                         r.field[col_task], LE_BABI_TASKS);
        else if (!le_csv_uint(&r, (uint32_t)col_line, 1, UINT32_MAX, &id.line))
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: line '%s': expected a line number from 1", path, r.line,
                         r.field[col_line]);
        if (rc)
            break;
        if (len == cap) {
            uint32_t nc = cap ? 2 * cap : 256;
            listed *ne = realloc(e, nc * sizeof *ne);
            if (!ne) {
                rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory for %u questions", path, nc);
                break;
            }
            e = ne;
            cap = nc;
        }
        e[len++] = (listed){id, r.line};
    }
    le_csv_close(&r);
    if (!rc && len == 0)
        rc = le_fail(err, LE_ERR_PARSE, "%s: no questions after the header", path);
    le_babi_qid *q = NULL;
    if (!rc) {
        qsort(e, len, sizeof *e, listed_cmp);
        for (uint32_t i = 1; i < len && !rc; i++)
            if (!le_babi_qid_cmp(&e[i - 1].id, &e[i].id))
                rc = le_fail(err, LE_ERR_PARSE, "%s:%u: task %u line %u is listed twice", path, e[i].at, e[i].id.task,
                             e[i].id.line);
    }
    if (!rc && !(q = malloc(len * sizeof *q)))
        rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory for %u questions", path, len);
    for (uint32_t i = 0; !rc && i < len; i++)
        q[i] = e[i].id;
    free(e);
    if (rc)
        return rc;
    *out = q;
    *n = len;
    return LE_OK;
}

int le_babi_qid_find(const le_babi_corpus *c, le_babi_split split, le_babi_qid id, le_babi_ref *ref)
{
    for (uint32_t i = 0; i < c->n_files; i++) {
        const le_babi_file *f = &c->file[i];
        if (f->task != id.task || f->split != split)
            continue;
        /* questions are in line order: bisect */
        uint32_t lo = 0, hi = f->n_questions;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (f->question[mid].q.line < id.line)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < f->n_questions && f->question[lo].q.line == id.line) {
            *ref = (le_babi_ref){i, lo};
            return 1;
        }
    }
    return 0;
}
