/* Per-core accounting shared by placement and chip configuration (place/estimate.h). */
#include "place/estimate.h"

#include <stdlib.h>
#include <string.h>

#include "place/ahp.h"

void le_in_edges_free(le_in_edges *e)
{
    free(e->start);
    free(e->src);
    free(e->key);
    free(e->slots);
    free(e->wb);
    free(e->dly);
    free(e->ent);
    free(e->key_conv);
    memset(e, 0, sizeof *e);
}

/* Source pixels under the kernel window of output pixel (oy, ox): their count, and their
 * indices in pix and kernel taps (ky * kernel_w + kx) in tap when pix is not NULL (at most
 * 4096: kernels are checked to fit). */
static uint32_t conv_taps(const le_conv *cv, uint32_t oy, uint32_t ox, uint32_t *pix, uint32_t *tap)
{
    uint32_t k = 0;
    for (uint32_t ky = 0; ky < cv->kernel_h; ky++) {
        int64_t iy = (int64_t)oy * cv->stride_h - cv->pad_h + ky;
        if (iy < 0 || iy >= cv->in_h)
            continue;
        for (uint32_t kx = 0; kx < cv->kernel_w; kx++) {
            int64_t ix = (int64_t)ox * cv->stride_w - cv->pad_w + kx;
            if (ix < 0 || ix >= cv->in_w)
                continue;
            if (pix && k < 4096) {
                pix[k] = (uint32_t)iy * cv->in_w + (uint32_t)ix;
                tap[k] = ky * cv->kernel_w + kx;
            }
            k++;
        }
    }
    return k;
}

le_code le_in_edges_build(const le_network *net, const uint32_t *base, const uint8_t *want_pop, le_in_edges *e,
                          le_error *err)
{
    memset(e, 0, sizeof *e);
    const uint32_t total = base[net->n_pops];
    e->n_neurons = total;
    e->start = calloc((size_t)total + 2, sizeof *e->start);
    if (!e->start)
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
    size_t *cnt = e->start + 1;
    size_t n = 0;
    uint32_t n_keys = total;
    for (uint32_t c = 0; c < net->n_conns; c++) {
        const le_connection *cn = &net->conns[c];
        if (want_pop && !want_pop[cn->dst_pop])
            continue;
        if (cn->conv) {
            const le_conv *cv = cn->conv;
            const uint32_t ow = le_conv_out_w(cv), O = cv->out_ch;
            for (uint32_t d = 0; d < net->pops[cn->dst_pop].size; d++) {
                uint32_t k = conv_taps(cv, (d / O) / ow, (d / O) % ow, NULL, NULL);
                cnt[base[cn->dst_pop] + d] += (size_t)k * cv->in_ch;
                n += (size_t)k * cv->in_ch;
            }
            n_keys += cv->in_h * cv->in_w;
            continue;
        }
        for (uint32_t k = 0; k < cn->n; k++)
            cnt[base[cn->dst_pop] + cn->dst[k]]++;
        n += cn->n;
    }
    e->n_keys = n_keys;
    for (uint32_t p = 0; p < net->n_pops; p++) {
        if ((want_pop && !want_pop[p]) || !le_ahp_has_self_synapse(&net->pops[p]))
            continue;
        for (uint32_t k = 0; k < net->pops[p].size; k++)
            cnt[base[p] + k]++;
        n += net->pops[p].size;
    }
    for (uint32_t i = 0; i < total; i++)
        e->start[i + 1] += e->start[i];
    e->src = malloc((n ? n : 1) * sizeof *e->src);
    e->key = malloc((n ? n : 1) * sizeof *e->key);
    e->wb = malloc(n ? n : 1);
    e->dly = malloc(n ? n : 1);
    e->slots = malloc(n ? n : 1);
    /* Set entries only where a convolution makes population axons: no cost per synapse otherwise. */
    const int conv = n_keys > total;
    e->ent = conv ? malloc((n ? n : 1) * sizeof *e->ent) : NULL;
    e->key_conv = conv ? malloc(((size_t)(n_keys - total) + 1) * sizeof *e->key_conv) : NULL;
    size_t *fill = malloc(((size_t)total + 1) * sizeof *fill);
    if (!e->src || !e->key || !e->wb || !e->dly || !e->slots || (conv && (!e->ent || !e->key_conv)) || !fill) {
        free(fill);
        le_in_edges_free(e);
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory for the input edges of %u neurons (%zu synapses)",
                       total, n);
    }
    memcpy(fill, e->start, ((size_t)total + 1) * sizeof *fill);
    uint32_t key_at = total;
    for (uint32_t c = 0; c < net->n_conns; c++) {
        const le_connection *cn = &net->conns[c];
        if (want_pop && !want_pop[cn->dst_pop])
            continue;
        if (cn->conv) {
            const le_conv *cv = cn->conv;
            const uint32_t ow = le_conv_out_w(cv), O = cv->out_ch, C = cv->in_ch;
            uint32_t pix[4096], tap[4096];
            for (uint32_t d = 0; d < net->pops[cn->dst_pop].size; d++) {
                uint32_t k = conv_taps(cv, (d / O) / ow, (d / O) % ow, pix, tap);
                for (uint32_t j = 0; j < k; j++)
                    for (uint32_t ci = 0; ci < C; ci++) {
                        size_t at = fill[base[cn->dst_pop] + d]++;
                        e->src[at] = base[cn->src_pop] + pix[j] * C + ci;
                        e->key[at] = key_at + pix[j];
                        e->wb[at] = cn->weight_bits;
                        e->dly[at] = cv->delay;
                        e->slots[at] = cv->pop_type == LE_POP32 ? 2 : 1;
                        e->ent[at] = ci + 1 == C ? tap[j] * O + d % O + 1 : 0;
                    }
            }
            for (uint32_t p = 0; p < cv->in_h * cv->in_w; p++)
                e->key_conv[key_at - total + p] = c;
            key_at += cv->in_h * cv->in_w;
            continue;
        }
        for (uint32_t k = 0; k < cn->n; k++) {
            size_t at = fill[base[cn->dst_pop] + cn->dst[k]]++;
            e->src[at] = base[cn->src_pop] + cn->src[k];
            e->key[at] = e->src[at];
            e->wb[at] = cn->weight_bits;
            e->dly[at] = cn->delay ? cn->delay[k] : 0;
            e->slots[at] = 1;
            if (e->ent)
                e->ent[at] = 0;
        }
    }
    for (uint32_t p = 0; p < net->n_pops; p++) {
        const le_population *pop = &net->pops[p];
        if ((want_pop && !want_pop[p]) || !le_ahp_has_self_synapse(pop))
            continue;
        /* The configuration stores the self synapse with 8 weight bits (place/configure.c). */
        for (uint32_t k = 0; k < pop->size; k++) {
            size_t at = fill[base[p] + k]++;
            e->src[at] = base[p] + k;
            e->key[at] = e->src[at];
            e->slots[at] = 1;
            e->wb[at] = 8;
            e->dly[at] = le_ahp_self_synapse(pop, 1).delay;
            if (e->ent)
                e->ent[at] = 0;
        }
    }
    free(fill);
    for (uint32_t g = 0; g < total; g++)
        if (e->start[g + 1] - e->start[g] > e->max_in)
            e->max_in = e->start[g + 1] - e->start[g];
    return LE_OK;
}

/* --- limits --- */

le_fit le_core_usage_fits(const le_core_usage *u, const le_limits *lim, uint64_t syn_cap)
{
    if (u->n_cx > lim->cx_per_core)
        return LE_FIT_CX;
    if (u->in_axons > lim->in_axons_per_core)
        return LE_FIT_IN_AXONS;
    if (u->syn_bits > lim->synapse_bits_per_core)
        return LE_FIT_SYN_BITS;
    if (u->out_axons > le_out_axon_limit(lim, u->off_chip))
        return LE_FIT_OUT_AXONS;
    if (syn_cap && u->synapses > syn_cap)
        return LE_FIT_SYN_CAP;
    return LE_FIT_OK;
}

const char *le_fit_name(le_fit f)
{
    switch (f) {
    case LE_FIT_OK:
        return "none";
    case LE_FIT_CX:
        return "compartments per core";
    case LE_FIT_IN_AXONS:
        return "input axons per core";
    case LE_FIT_SYN_BITS:
        return "synapse memory bits per core";
    case LE_FIT_OUT_AXONS:
        return "output axons per core";
    case LE_FIT_SYN_CAP:
        return "synapses per core (placement cap)";
    }
    return "?";
}

void le_fit_numbers(le_fit f, const le_core_usage *u, const le_limits *lim, uint64_t syn_cap,
                    unsigned long long *value, unsigned long long *max)
{
    *value = *max = 0;
    switch (f) {
    case LE_FIT_OK:
        break;
    case LE_FIT_CX:
        *value = u->n_cx, *max = lim->cx_per_core;
        break;
    case LE_FIT_IN_AXONS:
        *value = u->in_axons, *max = lim->in_axons_per_core;
        break;
    case LE_FIT_SYN_BITS:
        *value = u->syn_bits, *max = lim->synapse_bits_per_core;
        break;
    case LE_FIT_OUT_AXONS:
        *value = u->out_axons, *max = le_out_axon_limit(lim, u->off_chip);
        break;
    case LE_FIT_SYN_CAP:
        *value = u->synapses, *max = syn_cap;
        break;
    }
}

/* --- one core, filled incrementally --- */

typedef struct {
    uint64_t sum, set;  /* the axon's set hash sum and set before the edge */
    uint64_t bits;      /* a discrete axon's bits before the edge */
    uint32_t slot, n, ent;
    uint16_t lo, hi;
    uint8_t wb, dmax, fresh, moved; /* moved: the edge changed the axon's set */
} undo_rec;

static uint64_t axon_bits(const le_limits *lim, uint32_t n, uint8_t wb, uint8_t dmax, uint32_t n_cx)
{
    le_axon_fmt f = le_axon_fmt_for(wb, dmax);
    return le_axon_sram_bits(lim, &f, n, n_cx);
}

static int is_pop_key(const le_core_est *pk, uint32_t key) { return key >= pk->ie->n_neurons; }

/* Each discrete axon's own bits at n_cx compartments, which est_add_syn updates by difference. */
static void refresh_axon_bits(le_core_est *pk, uint32_t n_cx)
{
    for (uint32_t a = 0; a < pk->u.in_axons; a++)
        pk->ax_bits[a] = is_pop_key(pk, pk->ax_src[a])
                             ? 0
                             : axon_bits(pk->lim, pk->ax_n[a], pk->ax_wb[a], pk->ax_dmax[a], n_cx);
}

static void recompute_bits(le_core_est *pk, uint32_t n_cx)
{
    for (uint32_t a = 0; a < pk->u.in_axons; a++)
        pk->u.syn_bits -= pk->ax_bits[a];
    refresh_axon_bits(pk, n_cx);
    for (uint32_t a = 0; a < pk->u.in_axons; a++)
        pk->u.syn_bits += pk->ax_bits[a];
    pk->bits_ncx = n_cx;
}

/* The per-synapse index field grows with the compartments of the core; a 64-synapse probe
 * shows when the format of every axon changes, so that the total is recomputed only then. */
static int format_changes(const le_limits *lim, uint32_t ncx_a, uint32_t ncx_b)
{
    return axon_bits(lim, 64, 8, 0, ncx_a) != axon_bits(lim, 64, 8, 0, ncx_b);
}

/* --- set hashes: arithmetic modulo the Mersenne prime 2^61 - 1 --- */

#define SET_P ((1ULL << 61) - 1)
#define SET_R 0x0a3f6c25e1d7b943ULL /* any base below SET_P */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t mulmod(uint64_t a, uint64_t b)
{
    unsigned __int128 x = (unsigned __int128)a * b;
    uint64_t r = (uint64_t)(x & SET_P) + (uint64_t)(x >> 61);
    return r >= SET_P ? r - SET_P : r;
}

static uint64_t powmod(uint64_t a, uint64_t e)
{
    uint64_t r = 1;
    for (; e; e >>= 1, a = mulmod(a, a))
        if (e & 1)
            r = mulmod(r, a);
    return r;
}

/* The base of a population axon whose lowest target is lo, as place/configure.c sets it. */
static uint32_t pop_base(const le_limits *lim, uint32_t lo, int pop16)
{
    uint32_t b = lo > lim->pop_cx_base_max ? lim->pop_cx_base_max : lo;
    return pop16 ? b - b % lim->pop16_base_align : b;
}

/* Slot of hash h in the open core's set table, inserted with no references when absent; -1: no memory. */
static int64_t set_slot(le_core_est *pk, uint64_t h)
{
    if (pk->set_cap) {
        uint32_t j = (uint32_t)h & (pk->set_cap - 1);
        for (; pk->set_epoch[j] == pk->epoch; j = (j + 1) & (pk->set_cap - 1))
            if (pk->set_h[j] == h)
                return j;
    }
    if (2 * (pk->set_n + 1) > pk->set_cap) {
        uint32_t cap = pk->set_cap ? pk->set_cap * 2 : 1024;
        uint64_t *nh = malloc(cap * sizeof *nh), *nb = malloc(cap * sizeof *nb);
        uint32_t *nr = malloc(cap * sizeof *nr), *ne = calloc(cap, sizeof *ne);
        if (!nh || !nb || !nr || !ne) {
            free(nh), free(nb), free(nr), free(ne);
            return -1;
        }
        for (uint32_t i = 0; i < pk->set_cap; i++) {
            if (pk->set_epoch[i] != pk->epoch)
                continue;
            uint32_t j = (uint32_t)pk->set_h[i] & (cap - 1);
            while (ne[j] == pk->epoch)
                j = (j + 1) & (cap - 1);
            nh[j] = pk->set_h[i], nb[j] = pk->set_bits[i], nr[j] = pk->set_ref[i], ne[j] = pk->epoch;
        }
        free(pk->set_h), free(pk->set_bits), free(pk->set_ref), free(pk->set_epoch);
        pk->set_h = nh, pk->set_bits = nb, pk->set_ref = nr, pk->set_epoch = ne;
        pk->set_cap = cap;
    }
    uint32_t j = (uint32_t)h & (pk->set_cap - 1);
    while (pk->set_epoch[j] == pk->epoch)
        j = (j + 1) & (pk->set_cap - 1);
    pk->set_epoch[j] = pk->epoch;
    pk->set_h[j] = h;
    pk->set_ref[j] = 0;
    pk->set_bits[j] = 0;
    pk->set_n++;
    return j;
}

/* Hash of the set axon a holds now: its connection, entries relative to its base, span. */
static uint64_t set_hash(const le_core_est *pk, uint32_t a, int pop16)
{
    uint32_t b = pop_base(pk->lim, pk->ax_lo[a], pop16);
    uint64_t rel = mulmod(pk->ax_sum[a], pk->pow_rinv[b]);
    uint32_t conv = pk->ie->key_conv[pk->ax_src[a] - pk->ie->n_neurons];
    uint64_t h = mix64(rel ^ mix64(((uint64_t)conv << 32) ^ pk->ax_ent[a]) ^ mix64((uint64_t)(pk->ax_hi[a] - b) << 40));
    return h ? h : 1;
}

/* Moves axon a's reference from set `from` (0: none) to set `to`; with `count`, the core's
 * bits follow: a set is stored once however many axons read it. */
static int set_move(le_core_est *pk, uint32_t a, uint64_t from, uint64_t to, int count, int pop16)
{
    if (from) {
        int64_t j = set_slot(pk, from);
        if (j < 0)
            return 0;
        if (--pk->set_ref[j] == 0 && count)
            pk->u.syn_bits -= pk->set_bits[j];
    }
    if (to) {
        int64_t j = set_slot(pk, to);
        if (j < 0)
            return 0;
        if (pk->set_ref[j]++ == 0 && count) {
            le_axon_fmt f = le_axon_fmt_for(pk->ax_wb[a], pk->ax_dmax[a]);
            uint32_t b = pop_base(pk->lim, pk->ax_lo[a], pop16);
            pk->set_bits[j] = le_set_sram_bits(pk->lim, &f, pk->ax_n[a], (uint32_t)pk->ax_hi[a] - b);
            pk->u.syn_bits += pk->set_bits[j];
        }
    }
    return 1;
}

static int est_grow(le_core_est *pk)
{
    uint32_t nc = pk->cap ? pk->cap * 2 : 1024;
#define GROW(field)                                                                                                    \
    do {                                                                                                               \
        void *q = realloc(pk->field, nc * sizeof *pk->field);                                                          \
        if (!q)                                                                                                        \
            return 0;                                                                                                  \
        pk->field = q;                                                                                                 \
    } while (0)
    GROW(ax_n);
    GROW(ax_src);
    GROW(ax_wb);
    GROW(ax_dmax);
    GROW(ax_sum);
    GROW(ax_ent);
    GROW(ax_lo);
    GROW(ax_hi);
    GROW(ax_set);
    GROW(ax_bits);
#undef GROW
    pk->cap = nc;
    return 1;
}

le_code le_core_est_init(le_core_est *est, const le_limits *lim, const le_in_edges *ie, le_error *err)
{
    memset(est, 0, sizeof *est);
    est->lim = lim;
    est->ie = ie;
    est->stamp = calloc((size_t)ie->n_keys + 1, sizeof *est->stamp);
    est->slot = malloc(((size_t)ie->n_keys + 1) * sizeof *est->slot);
    est->log = malloc((ie->max_in + 1) * sizeof(undo_rec));
    uint32_t npow = lim->cx_per_core > 1 ? lim->cx_per_core : 1, ninv = lim->pop_cx_base_max + 1;
    est->pow_r = malloc(npow * sizeof *est->pow_r);
    est->pow_rinv = malloc(ninv * sizeof *est->pow_rinv);
    if (!est->stamp || !est->slot || !est->log || !est->pow_r || !est->pow_rinv || !est_grow(est)) {
        le_core_est_free(est);
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
    }
    const uint64_t rinv = powmod(SET_R, SET_P - 2);
    est->pow_r[0] = est->pow_rinv[0] = 1;
    for (uint32_t i = 1; i < npow; i++)
        est->pow_r[i] = mulmod(est->pow_r[i - 1], SET_R);
    for (uint32_t i = 1; i < ninv; i++)
        est->pow_rinv[i] = mulmod(est->pow_rinv[i - 1], rinv);
    est->epoch = 1;
    return LE_OK;
}

void le_core_est_free(le_core_est *est)
{
    free(est->ax_n);
    free(est->ax_wb);
    free(est->ax_dmax);
    free(est->ax_src);
    free(est->ax_sum);
    free(est->ax_ent);
    free(est->ax_lo);
    free(est->ax_hi);
    free(est->ax_set);
    free(est->ax_bits);
    free(est->pow_r);
    free(est->pow_rinv);
    free(est->set_h);
    free(est->set_bits);
    free(est->set_ref);
    free(est->set_epoch);
    free(est->stamp);
    free(est->slot);
    free(est->log);
    memset(est, 0, sizeof *est);
}

void le_core_est_open(le_core_est *est, uint32_t gid)
{
    est->gid = gid;
    memset(&est->u, 0, sizeof est->u);
    est->bits_ncx = 0;
    est->n_log = 0;
    est->epoch++;
    est->set_n = 0;
}

/* Edge e of the input edges lands on compartment cx. */
static int est_add_syn(le_core_est *pk, size_t e, uint32_t cx, uint32_t n_cx)
{
    const le_in_edges *ie = pk->ie;
    const uint32_t src = ie->key[e];
    const uint8_t wb = ie->wb[e], dly = ie->dly[e];
    const int pop = is_pop_key(pk, src);
    undo_rec *u = &((undo_rec *)pk->log)[pk->n_log++];
    uint32_t a;
    if (pk->stamp[src] != pk->epoch) {
        if (pk->u.in_axons == pk->cap && !est_grow(pk)) {
            pk->n_log--;
            return 0;
        }
        a = pk->u.in_axons++;
        pk->stamp[src] = pk->epoch;
        pk->slot[src] = a;
        pk->ax_src[a] = src;
        pk->ax_n[a] = 0;
        pk->ax_wb[a] = 0;
        pk->ax_dmax[a] = 0;
        pk->ax_sum[a] = 0;
        pk->ax_ent[a] = 0;
        pk->ax_lo[a] = UINT16_MAX;
        pk->ax_hi[a] = 0;
        pk->ax_set[a] = 0;
        pk->ax_bits[a] = 0;
        u->fresh = 1;
    } else {
        a = pk->slot[src];
        u->fresh = 0;
    }
    u->slot = a;
    u->n = pk->ax_n[a];
    u->wb = pk->ax_wb[a];
    u->dmax = pk->ax_dmax[a];
    u->moved = 0;
    u->bits = pk->ax_bits[a];
    pk->ax_n[a]++;
    if (wb > pk->ax_wb[a])
        pk->ax_wb[a] = wb;
    if (dly > pk->ax_dmax[a])
        pk->ax_dmax[a] = dly;
    if (!pop) {
        pk->ax_bits[a] = axon_bits(pk->lim, pk->ax_n[a], pk->ax_wb[a], pk->ax_dmax[a], n_cx);
        pk->u.syn_bits += pk->ax_bits[a] - u->bits;
        return 1;
    }
    if (!ie->ent[e])
        return 1; /* the set changes with its (pixel, target) pair's last channel */
    u->sum = pk->ax_sum[a];
    u->set = pk->ax_set[a];
    u->ent = pk->ax_ent[a];
    u->lo = pk->ax_lo[a];
    u->hi = pk->ax_hi[a];
    u->moved = 1;
    uint64_t term = mulmod(pk->pow_r[cx], mix64(ie->ent[e]) % (SET_P - 1) + 1);
    uint64_t sum = pk->ax_sum[a] + term;
    pk->ax_sum[a] = sum >= SET_P ? sum - SET_P : sum;
    pk->ax_ent[a]++;
    if (cx < pk->ax_lo[a])
        pk->ax_lo[a] = (uint16_t)cx;
    if (cx > pk->ax_hi[a])
        pk->ax_hi[a] = (uint16_t)cx;
    const int pop16 = ie->slots[e] == 1;
    uint64_t h = set_hash(pk, a, pop16);
    if (!set_move(pk, a, pk->ax_set[a], h, 1, pop16))
        return 0; /* out of memory: the caller undoes the add, this record included */
    pk->ax_set[a] = h;
    return 1;
}

le_code le_core_est_add(le_core_est *est, uint32_t g, uint32_t cx, uint32_t n_cx, uint32_t out_axons, int off_chip,
                        le_error *err)
{
    est->before = est->u;
    est->before_ncx = est->bits_ncx;
    est->n_log = 0;
    if (n_cx < est->u.n_cx)
        n_cx = est->u.n_cx;
    if (est->u.in_axons && format_changes(est->lim, est->bits_ncx, n_cx))
        recompute_bits(est, n_cx);
    est->bits_ncx = n_cx;
    est->u.n_cx = n_cx;
    const le_in_edges *ie = est->ie;
    for (size_t e = ie->start[g]; e < ie->start[g + 1]; e++)
        if (!est_add_syn(est, e, cx, n_cx)) {
            le_core_est_undo(est);
            return le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
        }
    est->u.synapses += ie->start[g + 1] - ie->start[g];
    est->u.out_axons += out_axons;
    est->u.off_chip |= off_chip != 0;
    return LE_OK;
}

void le_core_est_undo(le_core_est *est)
{
    const uint32_t ncx_added = est->bits_ncx;
    undo_rec *log = est->log;
    while (est->n_log > 0) {
        undo_rec *u = &log[--est->n_log];
        if (u->moved) {
            /* References only: the bits come back with est->before. The table has both sets. */
            set_move(est, u->slot, est->ax_set[u->slot], u->set, 0, 0);
            est->ax_sum[u->slot] = u->sum;
            est->ax_set[u->slot] = u->set;
            est->ax_ent[u->slot] = u->ent;
            est->ax_lo[u->slot] = u->lo;
            est->ax_hi[u->slot] = u->hi;
        }
        if (u->fresh) {
            est->stamp[est->ax_src[u->slot]] = 0;
            est->u.in_axons--;
        } else {
            est->ax_n[u->slot] = u->n;
            est->ax_wb[u->slot] = u->wb;
            est->ax_dmax[u->slot] = u->dmax;
            est->ax_bits[u->slot] = u->bits;
        }
    }
    est->u = est->before;
    est->bits_ncx = est->before_ncx;
    /* The add refreshed every axon's bits when the core's size changed their format. */
    if (est->u.in_axons && format_changes(est->lim, ncx_added, est->bits_ncx))
        refresh_axon_bits(est, est->bits_ncx);
}

/* --- a whole placement --- */

le_code le_estimate_cores(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                          const le_limits *lim, const le_in_edges *ie, le_core_usage *usage, uint32_t *nrn_out,
                          uint8_t *nrn_off, le_error *err)
{
    const uint32_t n_board = geom->n_chips * geom->cores_per_chip, cpc = geom->cores_per_chip;
    const uint32_t N = pl->pop_base[net->n_pops];
    memset(usage, 0, (size_t)n_board * sizeof *usage);
    /* Neurons grouped by core (counting sort), and each core's compartment count. */
    size_t *cs = calloc((size_t)n_board + 2, sizeof *cs);
    uint32_t *by_core = malloc(((size_t)N + 1) * sizeof *by_core);
    uint32_t *out = calloc((size_t)N + 1, sizeof *out);
    uint8_t *off = calloc((size_t)N + 1, 1);
    uint32_t *seen = calloc((size_t)N + 1, sizeof *seen); /* core + 1 that last counted src */
    le_core_est est;
    memset(&est, 0, sizeof est);
    le_code rc = LE_OK;
    if (!cs || !by_core || !out || !off || !seen) {
        rc = le_fail(err, LE_ERR_NOMEM, "placement estimate: out of memory");
        goto out;
    }
    for (uint32_t g = 0; g < N; g++)
        if (pl->core[g] < n_board) {
            cs[pl->core[g] + 1]++;
            if ((uint32_t)pl->cx[g] + 1 > usage[pl->core[g]].n_cx)
                usage[pl->core[g]].n_cx = (uint32_t)pl->cx[g] + 1;
        }
    for (uint32_t c = 0; c < n_board; c++)
        cs[c + 1] += cs[c];
    {
        size_t *fill = malloc(((size_t)n_board + 1) * sizeof *fill);
        if (!fill) {
            rc = le_fail(err, LE_ERR_NOMEM, "placement estimate: out of memory");
            goto out;
        }
        memcpy(fill, cs, ((size_t)n_board + 1) * sizeof *fill);
        for (uint32_t g = 0; g < N; g++)
            if (pl->core[g] < n_board)
                by_core[fill[pl->core[g]]++] = g;
        free(fill);
    }
    /* Output axons: a source gets one per distinct core among its targets. */
    for (uint32_t c = 0; c < n_board; c++)
        for (size_t j = cs[c]; j < cs[c + 1]; j++) {
            uint32_t d = by_core[j];
            for (size_t e = ie->start[d]; e < ie->start[d + 1]; e++) {
                uint32_t s = ie->src[e];
                if (seen[s] == c + 1)
                    continue;
                seen[s] = c + 1;
                out[s] += ie->slots[e];
                if (pl->core[s] < n_board && pl->core[s] / cpc != c / cpc)
                    off[s] = 1;
            }
        }
    if ((rc = le_core_est_init(&est, lim, ie, err)))
        goto out;
    for (uint32_t c = 0; c < n_board; c++) {
        if (cs[c] == cs[c + 1])
            continue;
        const uint32_t ncx = usage[c].n_cx;
        le_core_est_open(&est, c);
        for (size_t j = cs[c]; j < cs[c + 1]; j++) {
            uint32_t g = by_core[j];
            if ((rc = le_core_est_add(&est, g, pl->cx[g], ncx, out[g], off[g], err)))
                goto out;
        }
        usage[c] = est.u;
    }
    if (nrn_out)
        memcpy(nrn_out, out, (size_t)N * sizeof *out);
    if (nrn_off)
        memcpy(nrn_off, off, N);
out:
    le_core_est_free(&est);
    free(cs);
    free(by_core);
    free(out);
    free(off);
    free(seen);
    return rc;
}
