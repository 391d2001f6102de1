#include "models/relnet/snips.h"

#include <string.h>

void le_relnet_snip_init(le_relnet_snip_state *st, const le_relnet_pops *pops, const le_relnet_sample *samples,
                         uint32_t n_samples, uint16_t *predicted, uint32_t first_step)
{
    memset(st, 0, sizeof *st);
    st->pops = pops;
    st->samples = samples;
    st->n_samples = n_samples;
    st->predicted = predicted;
    st->t0 = first_step;
}

uint32_t le_relnet_argmax(const int32_t *v, uint32_t n)
{
    uint32_t arg = 0;
    for (uint32_t i = 1; i < n; i++)
        if (v[i] > v[arg])
            arg = i;
    return arg;
}

/* Which sample and which of its steps (1..143) step t is; 0 when past the last sample. */
static uint32_t where(const le_relnet_snip_state *st, uint32_t t, uint32_t *k)
{
    uint32_t rel = t - st->t0 - 1;
    *k = rel / LE_RN_STEPS;
    return *k < st->n_samples ? rel % LE_RN_STEPS + 1 : 0;
}

/* Mask spikes silence the instances of empty sentence slots: three, 17 steps apart, inside
 * the feed-forward window (spec §1.5, §4). */
static int mask_step(uint32_t s) { return s == LE_RN_T_ON || s == LE_RN_T_ON + 17 || s == LE_RN_T_ON + 34; }

static le_code spiking(void *user, const le_x86 *x86, uint32_t t, le_error *err)
{
    le_relnet_snip_state *st = user;
    uint32_t k, s = where(st, t, &k);
    if (!s)
        return LE_OK;
    const le_relnet_sample *smp = &st->samples[k];
    const le_relnet_pops *p = st->pops;
    le_code rc = LE_OK;
    if (p->has_mask && mask_step(s))
        for (uint32_t slot = 0; slot < p->M && !rc; slot++)
            if (!smp->n_words[slot])
                rc = le_x86_inject(x86, p->mask_src, slot, err);
    if (rc || s > LE_RELNET_T_WORD * LE_RELNET_MAX_WORDS)
        return rc;
    for (uint32_t slot = 0; slot <= LE_RN_LAYOUT && !rc; slot++) {
        uint32_t n = smp->n_words[slot];
        if (!n || (slot < LE_RN_LAYOUT && slot >= p->M))
            continue;
        uint32_t first = le_relnet_word_first_step(0, n);
        if (s < first)
            continue;
        uint32_t w = (s - first) / LE_RELNET_T_WORD;
        rc = le_x86_inject(x86, p->words[slot], smp->word[slot][w], err);
    }
    return rc;
}

static le_code relays(const le_x86 *x86, const le_relnet_pops *p, int on, le_error *err)
{
    le_code rc = LE_OK;
    for (uint32_t r = 0; r < p->n_relays && !rc; r++)
        rc = le_x86_enable(x86, p->relay[r].pop, on, err);
    for (uint32_t b = 0; p->has_mask && b < LE_RN_BLOCKS && !rc; b++)
        rc = le_x86_enable(x86, p->mask_relay[b], on, err);
    return rc;
}

static le_code read_out(le_relnet_snip_state *st, const le_x86 *x86, uint32_t k, le_error *err)
{
    const le_relnet_pops *p = st->pops;
    int32_t v[LE_RELNET_N_OUT];
    le_code rc = LE_OK;
    for (uint32_t i = 0; i < LE_RELNET_N_OUT && !rc; i++)
        rc = le_x86_read(x86, p->readout, i, LE_REG_V, &v[i], err);
    if (rc)
        return rc;
    st->predicted[k] = (uint16_t)le_relnet_argmax(v, LE_RELNET_N_OUT);
    st->done = k + 1;
    /* the argmax's comparisons; one answer word to the host */
    if ((rc = le_x86_count(x86, st->readout_chip, LE_RELNET_N_OUT, 0, 1, err)))
        return rc;
    /* the feed-forward part starts the next sample from rest */
    for (uint32_t x = 0; x < p->n_inst && !rc; x++)
        for (uint32_t l = 0; l < 4 && !rc; l++)
            rc = le_x86_reset_pop(x86, p->g[x][l], err);
    const uint32_t ff[5] = {p->agg, p->f1, p->f2, p->f3, p->readout};
    for (uint32_t i = 0; i < 5 && !rc; i++)
        rc = le_x86_reset_pop(x86, ff[i], err);
    return rc;
}

static le_code management(void *user, const le_x86 *x86, uint32_t t, le_error *err)
{
    le_relnet_snip_state *st = user;
    uint32_t k, s = where(st, t, &k);
    const le_relnet_pops *p = st->pops;
    le_code rc = LE_OK;
    for (uint32_t c = 0; c < st->n_chips && !rc; c++)
        rc = le_x86_count(x86, st->chips[c], 1, 0, 0, err);
    switch (s) {
    case 1:
        if (!(rc = relays(x86, p, 0, err)))
            rc = le_x86_set_decay_v(x86, p->readout, 4095, err);
        break;
    case LE_RN_T_ON:
        rc = relays(x86, p, 1, err);
        break;
    case LE_RN_T_OFF:
        rc = relays(x86, p, 0, err);
        for (uint32_t q = 0; q <= LE_RN_LAYOUT && !rc; q++)
            if (q == LE_RN_QUESTION || q < p->M) {
                if (!(rc = le_x86_reset_pop(x86, p->lsnn_reg[q], err)))
                    rc = le_x86_reset_pop(x86, p->lsnn_ada[q], err);
            }
        break;
    case LE_RN_T_READOUT:
        rc = le_x86_set_decay_v(x86, p->readout, 0, err);
        break;
    case LE_RN_STEPS:
        rc = read_out(st, x86, k, err);
        break;
    default:
        break;
    }
    return rc;
}

le_snips le_relnet_snips(le_relnet_snip_state *st)
{
    le_snips s;
    s.spiking = spiking;
    s.management = management;
    s.user = st;
    return s;
}
