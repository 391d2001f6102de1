/* Network files: the big lists of a connection ('synapses', 'weights', a 'delay' list) read
 * from the event stream straight into flat arrays (models/netfile_parts.h). This is the hot
 * path of loading a large file: per value one event, one integer conversion, one store. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/netfile_parts.h"
#include "util/budget.h"

void le_netfile_list_free(le_netfile_list *L)
{
    free(L->item_line);
    free(L->len);
    free(L->src);
    free(L->dst);
    free(L->w);
    free(L->d);
    free(L->v32);
    free(L->vals);
    free(L->xl);
    free(L->bad_text);
    memset(L, 0, sizeof *L);
}

int le_netfile_list_line(const le_netfile_list *L, size_t j, uint32_t idx)
{
    /* xl is in (item, idx) order: the values were read in that order. */
    size_t lo = 0, hi = L->n_xl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const le_netfile_xline *x = &L->xl[mid];
        if (x->item < j || (x->item == j && x->idx < idx))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < L->n_xl && L->xl[lo].item == j && L->xl[lo].idx == idx)
        return L->xl[lo].line;
    return j < L->n ? (int)L->item_line[j] : L->line;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

/* Room for item j in every per-item array of the mode. */
static int grow_items(le_netfile_list *L, size_t need)
{
    if (need <= L->cap)
        return 1;
    size_t n = L->cap ? L->cap : 1024;
    while (n < need)
        n *= 2;
    size_t c;
#define G(arr) (c = L->cap, grow((void **)&L->arr, &c, n, sizeof *L->arr))
    int ok = G(item_line);
    if (ok && (L->mode == LE_NL_SYN || L->mode == LE_NL_MAT))
        ok = G(len);
    if (ok && L->mode == LE_NL_SYN)
        ok = G(src) && G(dst) && G(w);
    if (ok && (L->mode == LE_NL_SYN || L->mode == LE_NL_FLAT))
        ok = G(d);
    if (ok && L->mode == LE_NL_FLAT32)
        ok = G(v32);
#undef G
    if (ok)
        L->cap = n;
    return ok;
}

/* An integer as le_cfg_int reads it (strtoll, base 0: decimal, 0x hex, 0 octal). */
static int parse_int(const char *s, long long *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    /* Plain decimal without a leading zero, at most 18 digits: no overflow possible. */
    if (*p >= '1' && *p <= '9') {
        long long v = 0;
        int nd = 0;
        while (*p >= '0' && *p <= '9' && nd < 18) {
            v = v * 10 + (*p++ - '0');
            nd++;
        }
        if (*p == '\0') {
            *out = neg ? -v : v;
            return 1;
        }
    }
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 0);
    if (*s == '\0' || *e != '\0' || errno)
        return 0;
    *out = v;
    return 1;
}

static void set_bad(le_netfile_list *L, int kind, size_t j, uint32_t idx, int line)
{
    L->bad = kind;
    L->bad_item = j;
    L->bad_idx = idx;
    L->bad_line = line;
}

static le_code nomem(le_ys *s) { return le_ys_fail(s, 0, LE_ERR_NOMEM, "out of memory"); }

/* Value idx of item j. */
static le_code value(le_ys *s, le_netfile_list *L, size_t j, uint32_t idx, const le_ys_event *e)
{
    if (L->bad)
        return LE_OK;
    if ((uint32_t)e->line != L->item_line[j]) {
        if (!grow((void **)&L->xl, &L->cap_xl, L->n_xl + 1, sizeof *L->xl))
            return nomem(s);
        L->xl[L->n_xl++] = (le_netfile_xline){j, idx, e->line};
    }
    if (e->type != YAML_SCALAR_EVENT) {
        set_bad(L, LE_NL_VAL_KIND, j, idx, e->line);
        L->bad_found = le_ys_found(e);
        return LE_OK;
    }
    long long v;
    if (!parse_int(e->text, &v)) {
        set_bad(L, LE_NL_NOT_INT, j, idx, e->line);
        if (!(L->bad_text = strdup(e->text)))
            return nomem(s);
        return LE_OK;
    }
    int fits = 1;
    switch (L->mode) {
    case LE_NL_SYN:
        if (idx <= 1) {
            fits = v >= 0 && v <= (long long)UINT32_MAX;
            if (fits)
                (idx ? L->dst : L->src)[j] = (uint32_t)v;
        } else if (idx == 2) {
            fits = v >= INT16_MIN && v <= INT16_MAX;
            if (fits)
                L->w[j] = (int16_t)v;
        } else if (idx == 3) {
            fits = v >= 0 && v <= 255;
            if (fits)
                L->d[j] = (uint8_t)v;
        }
        break;
    case LE_NL_MAT:
        fits = v >= INT16_MIN && v <= INT16_MAX;
        if (fits) {
            if (!grow((void **)&L->vals, &L->cap_vals, L->n_vals + 1, sizeof *L->vals))
                return nomem(s);
            L->vals[L->n_vals++] = (int16_t)v;
        }
        break;
    case LE_NL_FLAT32:
        fits = v >= 0 && v <= (long long)UINT32_MAX;
        if (fits)
            L->v32[j] = (uint32_t)v;
        break;
    default:
        fits = v >= 0 && v <= 255;
        if (fits)
            L->d[j] = (uint8_t)v;
        break;
    }
    if (!fits) {
        /* Out of what the array holds is out of every range the file may ask for. */
        set_bad(L, LE_NL_RANGE, j, idx, e->line);
        L->bad_val = v;
    }
    return LE_OK;
}

le_code le_netfile_list_read(le_ys *s, int mode, int line, le_netfile_list *L)
{
    le_netfile_list_free(L);
    L->mode = mode;
    L->present = 1;
    L->line = line;
    const int in_list = s->depth; /* items start at this depth */
    le_ys_event e;
    le_code rc;
    for (;;) {
        if ((rc = le_ys_next(s, &e)))
            return rc;
        if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT)
            break;
        if (e.type == YAML_SCALAR_EVENT && s->marker >= 0) {
            /* The fast path's rows (le_ys_run): valid only as the list's first item. */
            if (mode != LE_NL_SYN || L->n != 0) {
                s->fast_failed = s->failed = 1;
                return le_ys_fail(s, e.line, LE_ERR_PARSE, "fast path: a synapse-row placeholder out of place");
            }
            le_ys_run *r = le_ys_take_run(s);
            L->n = r->n;
            L->cap = r->cap;
            L->item_line = r->item_line;
            L->len = r->len;
            L->src = r->src;
            L->dst = r->dst;
            L->w = r->w;
            L->d = r->d;
            L->any4 = r->any4;
            free(r);
            continue;
        }
        size_t j = L->n;
        /* A list is as long as the file makes it, but a big file must still fit the memory
         * budget (--mem-limit) before its arrays double once more. */
        if (j + 1 > L->cap) {
            le_code brc = le_budget_check("list", 2 * (uint64_t)(j + 1), "items", 4 + 4 + 4 + 4 + 2 + 4, s->err);
            if (brc) {
                le_error_prefix(s->err, "%s:%u", s->path, (unsigned)e.line);
                return brc;
            }
        }
        if (!grow_items(L, j + 1))
            return nomem(s);
        L->n++;
        L->item_line[j] = (uint32_t)e.line;
        if (mode == LE_NL_FLAT || mode == LE_NL_FLAT32) {
            if ((rc = value(s, L, j, 0, &e)) || (rc = le_ys_skip(s, &e)))
                return rc;
            continue;
        }
        L->len[j] = 0;
        if (mode == LE_NL_SYN)
            L->d[j] = 0;
        if (e.type != YAML_SEQUENCE_START_EVENT) {
            if (!L->bad) {
                set_bad(L, LE_NL_ITEM_KIND, j, 0, e.line);
                L->bad_found = le_ys_found(&e);
            }
            if ((rc = le_ys_skip(s, &e)))
                return rc;
            continue;
        }
        uint32_t n = 0;
        for (;;) {
            if ((rc = le_ys_next(s, &e)))
                return rc;
            if ((e.type == YAML_SEQUENCE_END_EVENT && s->depth == in_list) || e.type == YAML_DOCUMENT_END_EVENT)
                break;
            if ((rc = value(s, L, j, n, &e)) || (rc = le_ys_skip(s, &e)))
                return rc;
            n++;
        }
        L->len[j] = n;
        if (mode == LE_NL_SYN) {
            if (n != 3 && n != 4) {
                /* The count is checked before the values of the item. */
                if (!L->bad || L->bad_item == j) {
                    set_bad(L, LE_NL_LEN, j, 0, (int)L->item_line[j]);
                    L->bad_val = n;
                }
            } else if (n == 4)
                L->any4 = 1;
        }
    }
    return LE_OK;
}

/* "FILE:LINE: message" for a value of a big list. */
le_code le_netfile_list_fail(le_netfile_ctx *c, int line, le_code code, const char *fmt, ...)
{
    char msg[sizeof c->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return le_fail(c->err, code, "%s:%d: %s", c->cfg->path, line, msg);
}

/* Value idx of item j read as le_cfg_int would: its recorded problem, else its range. */
le_code le_netfile_list_value(le_netfile_ctx *c, const le_netfile_list *L, size_t j, uint32_t idx, const char *label,
                          long long v, long long lo, long long hi)
{
    if (L->bad && L->bad_item == j && L->bad_idx == idx) {
        switch (L->bad) {
        case LE_NL_VAL_KIND:
            return le_netfile_list_fail(c, L->bad_line, LE_ERR_PARSE, "%s: expected a value, found %s", label, L->bad_found);
        case LE_NL_NOT_INT:
            return le_netfile_list_fail(c, L->bad_line, LE_ERR_PARSE, "%s: expected an integer, found '%s'", label, L->bad_text);
        case LE_NL_RANGE:
            return le_netfile_list_fail(c, L->bad_line, LE_ERR_RANGE, "%s: %lld outside %lld..%lld", label, L->bad_val, lo, hi);
        default:
            break;
        }
    }
    if (v < lo || v > hi)
        return le_netfile_list_fail(c, le_netfile_list_line(L, j, idx), LE_ERR_RANGE, "%s: %lld outside %lld..%lld", label, v, lo,
                         hi);
    return LE_OK;
}
