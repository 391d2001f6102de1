/* The parts of the network-file reader (models/netfile*.c), one per section of the file;
 * internal to models/, the public entry point is models/netfile.h. Each part reads one
 * element of its list into ctx->net and names the element in every message. */
#ifndef LE_MODELS_NETFILE_PARTS_H
#define LE_MODELS_NETFILE_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "models/network.h"
#include "util/error.h"
#include "util/yaml.h"
#include "models/netfile_stream.h"

/* A big list of a connection read straight from the event stream into flat arrays instead
 * of a document (the document holds an empty list in its place): 'synapses' (one item of 3-4
 * integers per synapse, into src/dst/w/d), 'weights' (rows of integers, into vals) or a
 * 'delay' list (integers, into d), or an input's 'steps' (integers, into v32). Nothing is range-checked while reading, because the keys
 * that give the ranges may follow the list; the first malformed item or value is kept with
 * its line, and every item's line is kept, so that le_netfile_list_* report the same error at
 * the same line as a document walk would. */
enum { LE_NL_SYN, LE_NL_MAT, LE_NL_FLAT, LE_NL_FLAT32 };
enum { LE_NL_OK, LE_NL_ITEM_KIND, LE_NL_LEN, LE_NL_VAL_KIND, LE_NL_NOT_INT, LE_NL_RANGE };
typedef struct {
    size_t item;
    uint32_t idx;
    int line;
} le_netfile_xline;
typedef struct {
    int mode, present;
    int line;             /* of the list */
    size_t n, cap;        /* items */
    uint32_t *item_line;
    uint32_t *len;        /* values per item (SYN, MAT) */
    uint32_t *src, *dst;  /* SYN */
    int16_t *w;           /* SYN */
    uint8_t *d;           /* SYN delays (0 for 3-value items), FLAT values */
    uint32_t *v32;        /* FLAT32 values */
    int16_t *vals;        /* MAT values, row after row */
    size_t n_vals, cap_vals;
    int any4;             /* SYN: an item has a 4th value */
    le_netfile_xline *xl; /* values on another line than their item */
    size_t n_xl, cap_xl;
    /* the first problem */
    int bad;
    size_t bad_item;
    uint32_t bad_idx;
    int bad_line;
    long long bad_val;
    const char *bad_found; /* "a list", ... */
    char *bad_text;
} le_netfile_list;

enum { LE_NL_SYNAPSES, LE_NL_WEIGHTS, LE_NL_DELAY, LE_NL_STEPS, LE_NL_N };

typedef struct {
    le_cfg *cfg;
    le_network *net;
    le_error *err;
    le_netfile_list lists[LE_NL_N]; /* this connection's big lists, when given as lists */
} le_netfile_ctx;

/* Reads the list whose start event was just taken from the stream into L. */
le_code le_netfile_list_read(le_ys *s, int mode, int line, le_netfile_list *L);
void le_netfile_list_free(le_netfile_list *L);
/* The line of value idx of item j. */
int le_netfile_list_line(const le_netfile_list *L, size_t j, uint32_t idx);
/* "FILE:LINE: message" (the file of c->cfg). */
le_code le_netfile_list_fail(le_netfile_ctx *c, int line, le_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Value idx of item j, v as stored, read as le_cfg_int reads a value labelled `label` in
 * lo..hi: the problem recorded for it, else its range. */
le_code le_netfile_list_value(le_netfile_ctx *c, const le_netfile_list *L, size_t j, uint32_t idx,
                              const char *label, long long v, long long lo, long long hi);

/* Element idx (0-based) of 'populations', 'connections' or 'inputs'. */
le_code le_netfile_population(le_netfile_ctx *c, int node, uint32_t idx);
le_code le_netfile_connection(le_netfile_ctx *c, int node, uint32_t idx);
le_code le_netfile_input(le_netfile_ctx *c, int node, uint32_t idx);

/* The population a name node refers to: populations are defined before use. */
le_code le_netfile_find_pop(le_netfile_ctx *c, int node, const char *what, uint32_t *out);

/* "what: key" into buf (truncated, never overflowing): the label of one field. */
const char *le_netfile_label(char *buf, size_t cap, const char *what, const char *key);

#endif
