/* The part of the network every mode shares: the mode table, routing each packet once, and
 * the tallies that do not depend on timing. The timing is the mode's (noc/noc_mode.h). */
#include "noc/noc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The mode table. */

/* One line per built-in mode. */
static const le_noc_mode *const builtin[] = {
    &le_noc_load_mode,
    &le_noc_packet_mode,
};
#define N_BUILTIN (sizeof builtin / sizeof builtin[0])
#define MAX_EXTRA 32

static const le_noc_mode *extra[MAX_EXTRA];
static uint32_t n_extra;

uint32_t le_noc_mode_count(void) { return (uint32_t)N_BUILTIN + n_extra; }

const le_noc_mode *le_noc_mode_at(uint32_t i)
{
    if (i < N_BUILTIN)
        return builtin[i];
    return i - N_BUILTIN < n_extra ? extra[i - N_BUILTIN] : NULL;
}

const le_noc_mode *le_noc_mode_find(const char *name)
{
    if (!name)
        return NULL;
    for (uint32_t i = 0; i < le_noc_mode_count(); i++)
        if (!strcmp(le_noc_mode_at(i)->name, name))
            return le_noc_mode_at(i);
    return NULL;
}

const char *le_noc_mode_name(const le_noc_mode *m) { return m ? m->name : "(none)"; }
const char *le_noc_mode_help(const le_noc_mode *m) { return m && m->help ? m->help : ""; }

void le_noc_mode_names(char *buf, size_t cap)
{
    if (!cap)
        return;
    buf[0] = '\0';
    size_t used = 0;
    for (uint32_t i = 0; i < le_noc_mode_count() && used < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", le_noc_mode_at(i)->name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

le_code le_noc_mode_lookup(const char *name, const le_noc_mode **out, le_error *err)
{
    *out = le_noc_mode_find(name);
    if (*out)
        return LE_OK;
    char known[512];
    le_noc_mode_names(known, sizeof known);
    return le_fail(err, LE_ERR_USAGE, "unknown network mode '%s' (known: %s)", name ? name : "", known);
}

le_code le_noc_mode_register(const le_noc_mode *m, le_error *err)
{
    if (!m || !m->name || !*m->name || !m->create || !m->deliver || !m->free)
        return le_fail(err, LE_ERR_USAGE, "network mode '%s': needs a name and create, deliver and free functions",
                       m && m->name ? m->name : "");
    if (le_noc_mode_find(m->name))
        return le_fail(err, LE_ERR_USAGE, "network mode '%s' is already registered", m->name);
    if (n_extra == MAX_EXTRA)
        return le_fail(err, LE_ERR_LIMIT, "network mode '%s': the table holds %d registered modes", m->name, MAX_EXTRA);
    extra[n_extra++] = m;
    return LE_OK;
}

/* ---- A network. */

struct le_noc {
    le_topo topo;
    const le_noc_mode *mode;
    void *state;
    uint64_t *count; /* all-time packets per link */
    uint32_t *touched;
    uint32_t n_touched;
    uint64_t hops[LE_LC_N];
    uint64_t packets;
    /* the phase: every packet's route, and its arrival */
    uint32_t *rl;
    uint8_t *rc;
    size_t r_cap;
    uint32_t *r_off; /* packet i's route starts at r_off[i]; r_off[count] = end */
    int64_t *arrive;
    uint32_t p_cap;
    /* observation (le_noc_stats_enable): per-hop start times, per-link sums of the phases
     * since the last clear (index into st through st_of, 0 = not yet used) */
    int stats_on;
    int64_t *hs;
    le_noc_link_stat *st;
    uint32_t *st_of;
    uint32_t n_st;
    uint32_t phases;
    le_noc_hop_fn hop_fn;
    void *hop_ctx;
};

le_code le_noc_create(const le_topo *t, const le_noc_mode *mode, uint64_t seed, le_noc **out, le_error *err)
{
    *out = NULL;
    if (!mode)
        return le_fail(err, LE_ERR_USAGE, "network: no mode given");
    le_noc *n = calloc(1, sizeof *n);
    if (!n)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory");
    n->topo = *t;
    n->mode = mode;
    n->count = calloc(t->n_links, sizeof *n->count);
    n->touched = malloc((size_t)t->n_links * sizeof *n->touched);
    n->r_cap = t->max_route;
    n->rl = malloc(n->r_cap * sizeof *n->rl);
    n->rc = malloc(n->r_cap);
    if (!n->count || !n->touched || !n->rl || !n->rc) {
        le_noc_free(n);
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %u links", t->n_links);
    }
    le_code rc = mode->create(mode, &n->topo, seed, &n->state, err);
    if (rc) {
        le_error_prefix(err, "network mode %s", mode->name);
        n->mode = NULL; /* no state to free */
        le_noc_free(n);
        return rc;
    }
    *out = n;
    return LE_OK;
}

void le_noc_free(le_noc *n)
{
    if (!n)
        return;
    if (n->mode)
        n->mode->free(n->state);
    free(n->count);
    free(n->touched);
    free(n->rl);
    free(n->rc);
    free(n->r_off);
    free(n->arrive);
    free(n->hs);
    free(n->st);
    free(n->st_of);
    free(n);
}

le_code le_noc_stats_enable(le_noc *n, le_error *err)
{
    if (n->stats_on)
        return LE_OK;
    n->st = malloc(((size_t)n->topo.n_links + 1) * sizeof *n->st);
    n->st_of = calloc((size_t)n->topo.n_links + 1, sizeof *n->st_of);
    n->hs = malloc(n->r_cap * sizeof *n->hs);
    if (!n->st || !n->st_of || !n->hs)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for the statistics of %u links", n->topo.n_links);
    n->stats_on = 1;
    return LE_OK;
}

const le_noc_link_stat *le_noc_stats(const le_noc *n, uint32_t *count)
{
    *count = n->n_st;
    return n->st;
}

uint32_t le_noc_stats_phases(const le_noc *n) { return n->phases; }

void le_noc_stats_clear(le_noc *n)
{
    for (uint32_t i = 0; i < n->n_st; i++)
        n->st_of[n->st[i].link] = 0;
    n->n_st = 0;
    n->phases = 0;
}

void le_noc_set_hop_observer(le_noc *n, le_noc_hop_fn fn, void *ctx)
{
    n->hop_fn = fn;
    n->hop_ctx = ctx;
}

/* Sums one phase's hops per link; a hop arrives at its link when the previous one's packet
 * reached the next router (its start + latency), the first when the packet was sent. */
static void observe(le_noc *n, const le_noc_phase *ph)
{
    const le_link_cost *cls = n->topo.cls;
    for (uint32_t i = 0; i < ph->count; i++) {
        int64_t at = ph->send_ps[i];
        for (uint32_t k = ph->route_off[i]; k < ph->route_off[i + 1]; k++) {
            uint32_t l = ph->links[k];
            const le_link_cost *c = &cls[ph->cls[k]];
            int64_t start = n->hs[k] < at ? at : n->hs[k]; /* a mode never serves before arrival */
            uint32_t j = n->st_of[l];
            if (!j) {
                j = n->st_of[l] = ++n->n_st;
                le_noc_link_stat z = {l, 0, 0, 0, 0};
                n->st[j - 1] = z;
            }
            le_noc_link_stat *s = &n->st[j - 1];
            int64_t w = start - at;
            s->packets++;
            s->busy_ps += c->ser_ps;
            s->wait_ps += w;
            if (w > s->max_wait_ps)
                s->max_wait_ps = w;
            if (n->hop_fn)
                n->hop_fn(n->hop_ctx, n->phases, i, l, at, start, c->ser_ps);
            at = start + c->lat_ps;
        }
    }
}

const le_noc_mode *le_noc_get_mode(const le_noc *n) { return n->mode; }
void *le_noc_mode_state(le_noc *n) { return n->state; }
const le_topo *le_noc_topo(const le_noc *n) { return &n->topo; }
const int64_t *le_noc_arrivals(const le_noc *n) { return n->arrive; }
uint64_t le_noc_link_packets(const le_noc *n, uint32_t link) { return link < n->topo.n_links ? n->count[link] : 0; }
uint64_t le_noc_class_hops(const le_noc *n, int cls) { return cls >= 0 && cls < LE_LC_N ? n->hops[cls] : 0; }
uint64_t le_noc_packets(const le_noc *n) { return n->packets; }

const uint32_t *le_noc_touched(const le_noc *n, uint32_t *count)
{
    *count = n->n_touched;
    return n->touched;
}

double le_noc_energy_pj(const le_noc *n)
{
    double e = 0;
    for (int c = 0; c < LE_LC_N; c++)
        e += (double)n->hops[c] * n->topo.cls[c].e_pj;
    return e;
}

static le_code reserve(le_noc *n, uint32_t count, le_error *err)
{
    if (count + 1 <= n->p_cap)
        return LE_OK;
    uint32_t cap = n->p_cap ? n->p_cap : 256;
    while (cap < count + 1)
        cap *= 2;
    uint32_t *o = realloc(n->r_off, (size_t)cap * sizeof *o);
    if (!o)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %u packets", count);
    n->r_off = o;
    int64_t *a = realloc(n->arrive, (size_t)cap * sizeof *a);
    if (!a)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %u packets", count);
    n->arrive = a;
    n->p_cap = cap;
    return LE_OK;
}

static le_code grow_routes(le_noc *n, size_t need, le_error *err)
{
    if (need <= n->r_cap)
        return LE_OK;
    size_t cap = n->r_cap;
    while (cap < need)
        cap *= 2;
    uint32_t *rl = realloc(n->rl, cap * sizeof *rl);
    if (!rl)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %zu route links", need);
    n->rl = rl;
    uint8_t *rc = realloc(n->rc, cap);
    if (!rc)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %zu route links", need);
    n->rc = rc;
    if (n->stats_on) {
        int64_t *hs = realloc(n->hs, cap * sizeof *hs);
        if (!hs)
            return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %zu route links", need);
        n->hs = hs;
    }
    n->r_cap = cap;
    return LE_OK;
}

le_code le_noc_deliver(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count, int64_t *done_ps,
                       le_error *err)
{
    *done_ps = 0;
    if (!count) {
        n->phases += n->stats_on;
        return LE_OK;
    }
    le_code rc = reserve(n, count, err);
    if (rc)
        return rc;
    size_t used = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!le_topo_valid_src(&n->topo, pk[i].src) || !le_topo_valid_dst(&n->topo, pk[i].dst))
            return le_fail(err, LE_ERR_CONFIG, "network: packet %u from %s%u to core %u: outside board %s (%u cores)",
                           i, (pk[i].src & LE_SRC_X86_FLAG) ? "the x86 of chip " : "core ",
                           pk[i].src & ~LE_SRC_X86_FLAG, pk[i].dst, n->topo.g.name, n->topo.n_cores);
        if ((rc = grow_routes(n, used + n->topo.max_route, err)))
            return rc;
        n->r_off[i] = (uint32_t)used;
        if (i > 0 && pk[i].src == pk[i - 1].src && pk[i].dst == pk[i - 1].dst) {
            /* Routes are fixed per (source, destination), and a core's packets to one core come
             * in a row (as do an x86's injections into one core): copy the last one. */
            uint32_t b = n->r_off[i - 1], len = (uint32_t)used - b;
            for (uint32_t h = 0; h < len; h++) {
                n->rl[used + h] = n->rl[b + h];
                n->rc[used + h] = n->rc[b + h];
            }
            used += len;
            continue;
        }
        used += le_route(&n->topo, pk[i].src, pk[i].dst, n->rl + used, n->rc + used);
    }
    n->r_off[count] = (uint32_t)used;
    le_noc_phase ph = {pk, send_ps, count, n->r_off, n->rl, n->rc, n->stats_on ? n->hs : NULL};
    if (n->stats_on)
        for (size_t k = 0; k < used; k++)
            n->hs[k] = INT64_MIN; /* a mode that does not say: served on arrival */
    if ((rc = n->mode->deliver(n->state, &ph, n->arrive, done_ps, err))) {
        le_error_prefix(err, "network mode %s", n->mode->name);
        return rc;
    }
    if (n->stats_on) {
        observe(n, &ph);
        n->phases++;
    }
    for (size_t k = 0; k < used; k++) {
        uint32_t l = n->rl[k];
        if (n->count[l]++ == 0)
            n->touched[n->n_touched++] = l;
        n->hops[n->rc[k]]++;
    }
    n->packets += count;
    return LE_OK;
}
