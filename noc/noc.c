#include "noc/noc.h"

#include <stdlib.h>
#include <string.h>

#include "noc/heap.h"

/* Per-link state of the current phase (load mode: load, first arrival, longest tail;
 * packet mode: load as the touched flag, first_ps as the time the link is free again). */
typedef struct {
    int64_t first_ps;
    int64_t tail_ps;
    uint32_t load;
    uint32_t cls; /* link class, noted on first use */
} link_state;

struct le_noc {
    le_topo topo;
    le_noc_mode mode;
    uint64_t seed;
    link_state *ls;
    uint32_t *dirty;
    uint32_t n_dirty;
    uint64_t *count; /* all-time packets per link */
    uint32_t *touched;
    uint32_t n_touched;
    uint64_t hops[LE_LC_N];
    uint64_t packets;
    /* route scratch: load mode one route, packet mode every route of the phase */
    uint32_t *rl;
    uint8_t *rc;
    size_t r_cap;
    uint32_t *r_off; /* packet mode: start of packet i's route; r_off[count] = end */
    uint32_t r_off_cap;
    le_heap heap;
};

le_code le_noc_create(const le_topo *t, le_noc_mode mode, uint64_t seed, le_noc **out, le_error *err)
{
    le_noc *n = calloc(1, sizeof *n);
    if (!n)
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory");
    n->topo = *t;
    n->mode = mode;
    n->seed = seed;
    n->ls = calloc(t->n_links, sizeof *n->ls);
    n->dirty = malloc((size_t)t->n_links * sizeof *n->dirty);
    n->count = calloc(t->n_links, sizeof *n->count);
    n->touched = malloc((size_t)t->n_links * sizeof *n->touched);
    n->r_cap = t->max_route;
    n->rl = malloc(n->r_cap * sizeof *n->rl);
    n->rc = malloc(n->r_cap);
    le_heap_init(&n->heap);
    if (!n->ls || !n->dirty || !n->count || !n->touched || !n->rl || !n->rc) {
        le_noc_free(n);
        return le_fail(err, LE_ERR_NOMEM, "network: out of memory for %u links", t->n_links);
    }
    *out = n;
    return LE_OK;
}

void le_noc_free(le_noc *n)
{
    if (!n)
        return;
    free(n->ls);
    free(n->dirty);
    free(n->count);
    free(n->touched);
    free(n->rl);
    free(n->rc);
    free(n->r_off);
    le_heap_free(&n->heap);
    free(n);
}

le_noc_mode le_noc_get_mode(const le_noc *n) { return n->mode; }
const le_topo *le_noc_topo(const le_noc *n) { return &n->topo; }
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

static inline void tally(le_noc *n, uint32_t link, uint8_t cls)
{
    if (n->count[link]++ == 0)
        n->touched[n->n_touched++] = link;
    n->hops[cls]++;
}

static int64_t deliver_load(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count)
{
    const le_link_cost *cls = n->topo.cls;
    int64_t done = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len = le_route(&n->topo, pk[i].src, pk[i].dst, n->rl, n->rc);
        int64_t total = 0;
        for (uint32_t h = 0; h < len; h++)
            total += cls[n->rc[h]].lat_ps;
        int64_t cum = 0;
        for (uint32_t h = 0; h < len; h++) {
            uint32_t l = n->rl[h];
            link_state *s = &n->ls[l];
            int64_t at = send_ps[i] + cum, tail = total - cum;
            if (s->load++ == 0) {
                n->dirty[n->n_dirty++] = l;
                s->first_ps = at;
                s->tail_ps = tail;
                s->cls = n->rc[h];
            } else {
                if (at < s->first_ps)
                    s->first_ps = at;
                if (tail > s->tail_ps)
                    s->tail_ps = tail;
            }
            cum += cls[n->rc[h]].lat_ps;
            tally(n, l, n->rc[h]);
        }
        if (send_ps[i] + total > done)
            done = send_ps[i] + total;
    }
    for (uint32_t k = 0; k < n->n_dirty; k++) {
        uint32_t l = n->dirty[k];
        link_state *s = &n->ls[l];
        int64_t t = s->first_ps + (int64_t)(s->load - 1) * cls[s->cls].ser_ps + s->tail_ps;
        if (t > done)
            done = t;
        s->load = 0;
    }
    n->n_dirty = 0;
    return done;
}

/* splitmix64: the seeded arbitration order among packets reaching a router at once. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int grow_routes(le_noc *n, size_t need)
{
    if (need <= n->r_cap)
        return 1;
    size_t cap = n->r_cap;
    while (cap < need)
        cap *= 2;
    uint32_t *rl = realloc(n->rl, cap * sizeof *rl);
    if (!rl)
        return 0;
    n->rl = rl;
    uint8_t *rc = realloc(n->rc, cap);
    if (!rc)
        return 0;
    n->rc = rc;
    n->r_cap = cap;
    return 1;
}

static int64_t deliver_packet(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count)
{
    const le_link_cost *cls = n->topo.cls;
    if (count + 1 > n->r_off_cap) {
        uint32_t cap = n->r_off_cap ? n->r_off_cap : 256;
        while (cap < count + 1)
            cap *= 2;
        uint32_t *o = realloc(n->r_off, (size_t)cap * sizeof *o);
        if (!o)
            return -1;
        n->r_off = o;
        n->r_off_cap = cap;
    }
    size_t used = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!grow_routes(n, used + n->topo.max_route))
            return -1;
        n->r_off[i] = (uint32_t)used;
        used += le_route(&n->topo, pk[i].src, pk[i].dst, n->rl + used, n->rc + used);
        le_event e = {send_ps[i], mix(n->seed ^ ((uint64_t)i << 24)), i, 0};
        if (!le_heap_push(&n->heap, e))
            return -1;
    }
    n->r_off[count] = (uint32_t)used;
    int64_t done = 0;
    while (n->heap.n) {
        le_event e = le_heap_pop(&n->heap);
        uint32_t at = n->r_off[e.packet] + e.hop;
        uint32_t l = n->rl[at];
        uint8_t c = n->rc[at];
        link_state *s = &n->ls[l];
        if (s->load++ == 0) {
            n->dirty[n->n_dirty++] = l;
            s->first_ps = 0;
        }
        int64_t start = e.t_ps > s->first_ps ? e.t_ps : s->first_ps;
        s->first_ps = start + cls[c].ser_ps;
        int64_t arrive = start + cls[c].lat_ps;
        tally(n, l, c);
        if (at + 1 < n->r_off[e.packet + 1]) {
            le_event nx = {arrive, mix(n->seed ^ ((uint64_t)e.packet << 24) ^ (e.hop + 1)), e.packet, e.hop + 1};
            le_heap_push(&n->heap, nx); /* cannot fail: the heap only shrank since the pushes above */
        } else if (arrive > done) {
            done = arrive;
        }
    }
    for (uint32_t k = 0; k < n->n_dirty; k++)
        n->ls[n->dirty[k]].load = 0;
    n->n_dirty = 0;
    return done;
}

int64_t le_noc_deliver(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count)
{
    if (!count)
        return 0;
    n->packets += count;
    return n->mode == LE_NOC_PACKET ? deliver_packet(n, pk, send_ps, count) : deliver_load(n, pk, send_ps, count);
}
