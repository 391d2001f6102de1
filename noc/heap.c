#include "noc/heap.h"

#include <stdlib.h>

void le_heap_init(le_heap *h)
{
    h->ev = NULL;
    h->n = h->cap = 0;
}

void le_heap_free(le_heap *h)
{
    free(h->ev);
    le_heap_init(h);
}

int le_heap_push(le_heap *h, le_event e)
{
    if (h->n == h->cap) {
        uint32_t cap = h->cap ? h->cap * 2 : 256;
        le_event *ev = realloc(h->ev, (size_t)cap * sizeof *ev);
        if (!ev)
            return 0;
        h->ev = ev;
        h->cap = cap;
    }
    uint32_t i = h->n++;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!le_event_before(&e, &h->ev[p]))
            break;
        h->ev[i] = h->ev[p];
        i = p;
    }
    h->ev[i] = e;
    return 1;
}

le_event le_heap_pop(le_heap *h)
{
    le_event top = h->ev[0];
    le_event last = h->ev[--h->n];
    uint32_t i = 0, n = h->n;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && le_event_before(&h->ev[c + 1], &h->ev[c]))
            c++;
        if (!le_event_before(&h->ev[c], &last))
            break;
        h->ev[i] = h->ev[c];
        i = c;
    }
    if (n)
        h->ev[i] = last;
    return top;
}
