/* A binary min-heap of timed events (plain C, growable): the packet-mode event queue. */
#ifndef LE_NOC_HEAP_H
#define LE_NOC_HEAP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t t_ps;    /* when the packet reaches the router in front of its next link */
    uint64_t order;  /* tie-break among equal times: the router's arbitration */
    uint32_t packet; /* index in the step's packet list */
    uint32_t hop;    /* index of the next link on its route */
} le_event;

typedef struct {
    le_event *ev;
    uint32_t n, cap;
} le_heap;

void le_heap_init(le_heap *h);
void le_heap_free(le_heap *h);
/* Returns 0 when out of memory. */
int le_heap_push(le_heap *h, le_event e);
le_event le_heap_pop(le_heap *h); /* h->n must be > 0 */

static inline int le_event_before(const le_event *a, const le_event *b)
{
    return a->t_ps < b->t_ps || (a->t_ps == b->t_ps && a->order < b->order);
}

#ifdef __cplusplus
}
#endif
#endif
