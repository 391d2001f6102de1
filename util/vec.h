/* A growable array of fixed-size records, for the lists whose length is known only after a
 * pass (spike messages of a step, axon tables while they are built). */
#ifndef LE_UTIL_VEC_H
#define LE_UTIL_VEC_H

#include <stdlib.h>
#include <string.h>

typedef struct {
    void *a;
    size_t n, cap, elem;
} le_vec;

#define LE_VEC(type) ((le_vec){NULL, 0, 0, sizeof(type)})

/* Makes room for one more record; 0 when out of memory (the array is unchanged then). A hot
 * loop then stores the record with its own type: ((T *)v->a)[v->n++] = x. */
static inline int le_vec_room(le_vec *v)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 256;
        void *p = realloc(v->a, nc * v->elem);
        if (!p)
            return 0;
        v->a = p;
        v->cap = nc;
    }
    return 1;
}

/* Appends one record; 0 when out of memory (the array is unchanged then). */
static inline int le_vec_push(le_vec *v, const void *x)
{
    if (!le_vec_room(v))
        return 0;
    char *at = (char *)v->a + v->n * v->elem;
    /* The step loop pushes a few small records per spike: a copy word by word is a few moves,
     * memcpy of a size unknown here a call into the C library. */
    if (v->elem % 4 == 0 && v->elem <= 32)
        for (size_t i = 0; i < v->elem; i += 4)
            memcpy(at + i, (const char *)x + i, 4);
    else
        memcpy(at, x, v->elem);
    v->n++;
    return 1;
}

static inline void le_vec_free(le_vec *v)
{
    free(v->a);
    v->a = NULL;
    v->n = v->cap = 0;
}

#endif
