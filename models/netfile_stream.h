/* The event stream under the network-file reader (models/netfile*.c): libyaml's events with
 * anchors and aliases expanded (an alias replays the events of the node it names, with that
 * node's lines) under the limits of util/yaml.h (nesting depth, anchors, aliases and what they
 * expand to), and the same messages. Nothing of the document is kept but the anchored nodes,
 * so a file of any size streams through in the memory of its largest anchored part. */
#ifndef LE_MODELS_NETFILE_STREAM_H
#define LE_MODELS_NETFILE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "util/error.h"
#include "util/yaml.h"

#define LE_YS_MAX_FRAMES (LE_CFG_MAX_DEPTH + 2)

typedef struct {
    yaml_event_type_t type; /* SCALAR, SEQUENCE_/MAPPING_START/END, DOCUMENT_END (the end) */
    int line;               /* 1-based */
    const char *text;       /* scalar: its text (valid until the next event) */
    size_t len;
    int plain;              /* scalar written without quotes */
} le_ys_event;

/* A run of synapse rows read by the fast path: rows `- [int, int, int(, int)]` of plain
 * decimal integers that fit the arrays, one per line, right under a `synapses:` key. libyaml
 * sees one placeholder item `- ~~le<k>` and blank lines instead (the line count is kept), and
 * the synapse list that meets the placeholder as its first item takes the arrays. */
typedef struct {
    size_t n, cap;
    int first_line;
    uint32_t *item_line, *len, *src, *dst;
    int16_t *w;
    uint8_t *d;
    int any4;
} le_ys_run;

typedef struct le_ys_filter le_ys_filter;

typedef struct le_ys_cev le_ys_cev;
typedef struct le_ys_anchor le_ys_anchor;

typedef struct {
    const char *path;
    le_error *err;
    FILE *f;
    yaml_parser_t p;
    int p_ok;
    yaml_event_t cur;
    int have_cur;
    int done;
    int failed; /* a syntax or limit error was reported: the stream is over */
    /* events of anchored nodes, expanded; text owned */
    le_ys_cev *pool;
    size_t n_pool, cap_pool;
    int n_capturing;
    le_ys_anchor *anchors;
    int n_anchors;
    int n_aliases;
    uint64_t alias_nodes;
    /* replay of an alias: pool ranges, one per reference being expanded */
    struct le_ys_frame {
        size_t pos, end;
    } rstack[LE_YS_MAX_FRAMES];
    int rdepth;
    struct {
        uint64_t size;
        int height;
        int anchor;
    } open[LE_CFG_MAX_DEPTH + 1];
    int depth;
    /* the fast path (NULL when off) */
    le_ys_filter *fast;
    int fast_failed; /* a placeholder came where no synapse list takes it: read again without */
    long marker;     /* run whose placeholder is the current event, -1 none */
    int skipping;
} le_ys;

/* fast: take runs of plain synapse rows past libyaml (le_ys_run). */
le_code le_ys_open(le_ys *s, const char *path, int fast, le_error *err);
/* The run of the current placeholder event, now the caller's (NULL when the event is none). */
le_ys_run *le_ys_take_run(le_ys *s);
void le_ys_run_free(le_ys_run *r);
/* Runs the fast path has read so far. */
size_t le_ys_fast_runs(const le_ys *s);
void le_ys_close(le_ys *s);
/* The next event of the first document; at its end DOCUMENT_END, again and again. */
le_code le_ys_next(le_ys *s, le_ys_event *e);
/* Consumes the rest of the node whose start event e was. */
le_code le_ys_skip(le_ys *s, const le_ys_event *e);

/* "FILE:LINE: " + message, as le_cfg_fail. */
le_code le_ys_fail(const le_ys *s, int line, le_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* What the node starting with e is, in le_cfg_want's words ("a scalar", "a list", "a mapping"). */
const char *le_ys_found(const le_ys_event *e);

#endif
