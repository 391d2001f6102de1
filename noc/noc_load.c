/* Load mode: per phase, each link's load, first arrival and longest remaining path. The phase
 * ends at the latest of every packet's contention-free path time and, per link, first arrival
 * + (load - 1) * serialisation + the longest path behind it (the busiest path). One pass over
 * the routes; links are reset through a dirty list. */
#include <stdlib.h>

#include "noc/noc.h"

typedef struct {
    int64_t first_ps; /* earliest arrival at the link this phase */
    int64_t tail_ps;  /* longest remaining path from the link to a core */
    uint32_t load;
    uint32_t cls;
    uint32_t served; /* estimate_starts() */
} link_state;

typedef struct {
    le_link_cost cls[LE_LC_N];
    link_state *ls;
    uint32_t *dirty;
    uint32_t n_dirty;
} load_state;

static void load_free(void *p)
{
    load_state *s = p;
    if (!s)
        return;
    free(s->ls);
    free(s->dirty);
    free(s);
}

static le_code load_create(const le_noc_mode *self, const le_topo *t, uint64_t seed, void **out, le_error *err)
{
    (void)self;
    (void)seed;
    load_state *s = calloc(1, sizeof *s);
    if (!s)
        return le_fail(err, LE_ERR_NOMEM, "out of memory");
    for (int c = 0; c < LE_LC_N; c++)
        s->cls[c] = t->cls[c];
    s->ls = calloc(t->n_links, sizeof *s->ls);
    s->dirty = malloc((size_t)t->n_links * sizeof *s->dirty);
    if (!s->ls || !s->dirty) {
        load_free(s);
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u links", t->n_links);
    }
    *out = s;
    return LE_OK;
}

/* Only for observers (traces): the mode's own assumption turned into per-hop start times.
 * Each link drains back to back from its first arrival, serving packets in route order:
 * the k-th packet on a link starts at max(its arrival, first + k x serialisation), its
 * arrival being the previous hop's start + latency. An estimate, like the mode. */
static void estimate_starts(load_state *s, const le_noc_phase *ph)
{
    const le_link_cost *cls = s->cls;
    for (uint32_t k = 0; k < s->n_dirty; k++)
        s->ls[s->dirty[k]].served = 0;
    for (uint32_t i = 0; i < ph->count; i++) {
        int64_t at = ph->send_ps[i];
        for (uint32_t h = ph->route_off[i]; h < ph->route_off[i + 1]; h++) {
            link_state *l = &s->ls[ph->links[h]];
            int64_t slot = l->first_ps + (int64_t)l->served++ * cls[ph->cls[h]].ser_ps;
            int64_t start = at > slot ? at : slot;
            ph->hop_start_ps[h] = start;
            at = start + cls[ph->cls[h]].lat_ps;
        }
    }
}

static le_code load_deliver(void *p, const le_noc_phase *ph, int64_t *arrive, int64_t *done_ps, le_error *err)
{
    (void)err;
    load_state *s = p;
    const le_link_cost *cls = s->cls;
    int64_t done = 0;
    for (uint32_t i = 0; i < ph->count; i++) {
        const uint32_t *rl = ph->links + ph->route_off[i];
        const uint8_t *rc = ph->cls + ph->route_off[i];
        uint32_t len = ph->route_off[i + 1] - ph->route_off[i];
        int64_t total = 0;
        for (uint32_t h = 0; h < len; h++)
            total += cls[rc[h]].lat_ps;
        int64_t cum = 0;
        for (uint32_t h = 0; h < len; h++) {
            link_state *l = &s->ls[rl[h]];
            int64_t at = ph->send_ps[i] + cum, tail = total - cum;
            if (l->load++ == 0) {
                s->dirty[s->n_dirty++] = rl[h];
                l->first_ps = at;
                l->tail_ps = tail;
                l->cls = rc[h];
            } else {
                if (at < l->first_ps)
                    l->first_ps = at;
                if (tail > l->tail_ps)
                    l->tail_ps = tail;
            }
            cum += cls[rc[h]].lat_ps;
        }
        arrive[i] = ph->send_ps[i] + total;
        if (arrive[i] > done)
            done = arrive[i];
    }
    if (ph->hop_start_ps)
        estimate_starts(s, ph);
    for (uint32_t k = 0; k < s->n_dirty; k++) {
        link_state *l = &s->ls[s->dirty[k]];
        int64_t t = l->first_ps + (int64_t)(l->load - 1) * cls[l->cls].ser_ps + l->tail_ps;
        if (t > done)
            done = t;
        l->load = 0;
    }
    s->n_dirty = 0;
    *done_ps = done;
    return LE_OK;
}

const le_noc_mode le_noc_load_mode = {
    "load",
    "per-link load: busiest path plus serialisation (fast estimate)",
    load_create,
    load_deliver,
    load_free,
    NULL,
};
