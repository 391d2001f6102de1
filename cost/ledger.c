#include "cost/ledger.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int le_hist_bin(int64_t ps)
{
    if (ps < LE_HIST_SUB)
        return ps < 0 ? 0 : (int)ps;
    int e = 63 - __builtin_clzll((unsigned long long)ps); /* floor(log2 ps) >= 7 */
    int sub = (int)((ps >> (e - 7)) & (LE_HIST_SUB - 1));
    return (e - 6) * LE_HIST_SUB + sub;
}

int64_t le_hist_bin_lo(int bin)
{
    if (bin < LE_HIST_SUB)
        return bin;
    int e = bin / LE_HIST_SUB + 6, sub = bin % LE_HIST_SUB;
    return (int64_t)(LE_HIST_SUB + sub) << (e - 7);
}

int64_t le_hist_bin_hi(int bin)
{
    if (bin < LE_HIST_SUB)
        return bin + 1;
    int e = bin / LE_HIST_SUB + 6;
    return le_hist_bin_lo(bin) + ((int64_t)1 << (e - 7));
}

void le_hist_add(le_hist *h, int64_t ps)
{
    h->bins[le_hist_bin(ps)]++;
    if (h->n == 0 || ps < h->min_ps)
        h->min_ps = ps;
    if (h->n == 0 || ps > h->max_ps)
        h->max_ps = ps;
    h->n++;
    h->sum_ps += ps;
}

int64_t le_hist_quantile(const le_hist *h, double q)
{
    if (h->n == 0)
        return 0;
    if (q <= 0)
        return h->min_ps;
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    if (rank >= h->n)
        return h->max_ps;
    uint64_t cum = 0;
    for (int b = 0; b < LE_HIST_BINS; b++) {
        cum += h->bins[b];
        if (cum >= rank) {
            int64_t lo = le_hist_bin_lo(b), hi = le_hist_bin_hi(b) - 1;
            int64_t v = lo + (hi - lo) / 2;
            if (v < h->min_ps)
                v = h->min_ps;
            if (v > h->max_ps)
                v = h->max_ps;
            return v;
        }
    }
    return h->max_ps;
}

le_code le_ledger_init(le_ledger *l, uint32_t n_chips, le_error *err)
{
    memset(l, 0, sizeof *l);
    l->n_chips = n_chips;
    l->chip = calloc(n_chips ? n_chips : 1, sizeof *l->chip);
    l->hist = calloc(1, sizeof *l->hist);
    if (!l->chip || !l->hist) {
        le_ledger_free(l);
        return le_fail(err, LE_ERR_NOMEM, "ledger: out of memory for %u chips", n_chips);
    }
    return LE_OK;
}

void le_ledger_free(le_ledger *l)
{
    free(l->chip);
    free(l->hist);
    l->chip = NULL;
    l->hist = NULL;
}

void le_ledger_chip_in_use(le_ledger *l, uint32_t chip, int64_t now_ps)
{
    le_chip_ledger *c = &l->chip[chip];
    if (c->in_use)
        return;
    c->in_use = 1;
    c->in_use_ps = now_ps;
    c->in_use_step = l->steps;
    c->core_last_ps = now_ps;
}

void le_ledger_core_in_use(le_ledger *l, uint32_t chip, int64_t now_ps)
{
    le_ledger_chip_in_use(l, chip, now_ps);
    le_chip_ledger *c = &l->chip[chip];
    c->core_ps += (int64_t)c->cores_in_use * (now_ps - c->core_last_ps);
    c->core_last_ps = now_ps;
    c->cores_in_use++;
}

int64_t le_ledger_core_ps(const le_ledger *l, uint32_t chip, int64_t now_ps)
{
    const le_chip_ledger *c = &l->chip[chip];
    return c->core_ps + (int64_t)c->cores_in_use * (now_ps - c->core_last_ps);
}
