/* Packet mode: every packet is a discrete event. At each link it waits until the link is free
 * (FIFO by arrival time, ties broken by the seeded arbitration order le_noc_tie_key), so
 * contention emerges hop by hop. Event queue: a binary heap (noc/heap.c). */
#include <stdlib.h>

#include "noc/heap.h"
#include "noc/noc.h"

typedef struct {
    le_link_cost cls[LE_LC_N];
    uint64_t seed;
    int64_t *free_ps; /* when each link is free again (valid while marked) */
    uint8_t *mark;    /* used this phase */
    uint32_t *dirty;
    uint32_t n_dirty;
    le_heap heap;
} packet_state;

static void packet_free(void *p)
{
    packet_state *s = p;
    if (!s)
        return;
    free(s->free_ps);
    free(s->mark);
    free(s->dirty);
    le_heap_free(&s->heap);
    free(s);
}

static le_code packet_create(const le_noc_mode *self, const le_topo *t, uint64_t seed, void **out, le_error *err)
{
    (void)self;
    packet_state *s = calloc(1, sizeof *s);
    if (!s)
        return le_fail(err, LE_ERR_NOMEM, "out of memory");
    for (int c = 0; c < LE_LC_N; c++)
        s->cls[c] = t->cls[c];
    s->seed = seed;
    le_heap_init(&s->heap);
    s->free_ps = malloc((size_t)t->n_links * sizeof *s->free_ps);
    s->mark = calloc(t->n_links, 1);
    s->dirty = malloc((size_t)t->n_links * sizeof *s->dirty);
    if (!s->free_ps || !s->mark || !s->dirty) {
        packet_free(s);
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u links", t->n_links);
    }
    *out = s;
    return LE_OK;
}

static le_code packet_deliver(void *p, const le_noc_phase *ph, int64_t *arrive, int64_t *done_ps, le_error *err)
{
    packet_state *s = p;
    const le_link_cost *cls = s->cls;
    for (uint32_t i = 0; i < ph->count; i++) {
        le_event e = {ph->send_ps[i], le_noc_tie_key(s->seed, i, 0), i, 0};
        if (!le_heap_push(&s->heap, e)) {
            s->heap.n = 0;
            return le_fail(err, LE_ERR_NOMEM, "out of memory for %u events", ph->count);
        }
    }
    int64_t done = 0;
    while (s->heap.n) {
        le_event e = le_heap_pop(&s->heap);
        uint32_t at = ph->route_off[e.packet] + e.hop;
        uint32_t l = ph->links[at];
        uint8_t c = ph->cls[at];
        if (!s->mark[l]) {
            s->mark[l] = 1;
            s->dirty[s->n_dirty++] = l;
            s->free_ps[l] = 0;
        }
        int64_t start = e.t_ps > s->free_ps[l] ? e.t_ps : s->free_ps[l];
        s->free_ps[l] = start + cls[c].ser_ps;
        if (ph->hop_start_ps)
            ph->hop_start_ps[at] = start;
        int64_t t = start + cls[c].lat_ps;
        if (at + 1 < ph->route_off[e.packet + 1]) {
            le_event nx = {t, le_noc_tie_key(s->seed, e.packet, e.hop + 1), e.packet, e.hop + 1};
            le_heap_push(&s->heap, nx); /* cannot fail: the heap only shrank since the pushes above */
        } else {
            arrive[e.packet] = t;
            if (t > done)
                done = t;
        }
    }
    for (uint32_t k = 0; k < s->n_dirty; k++)
        s->mark[s->dirty[k]] = 0;
    s->n_dirty = 0;
    *done_ps = done;
    return LE_OK;
}

const le_noc_mode le_noc_packet_mode = {
    "packet",
    "every packet an event; links serve FIFO with seeded tie-breaks (contention hop by hop)",
    packet_create,
    packet_deliver,
    packet_free,
    NULL,
};
