/* The one YAML reader of the program: architecture, board and network files all go through
 * it, so that every message has the same "FILE:LINE: ..." form and every file gets the same
 * limits against hostile input (nesting depth, alias count and expansion).
 *
 * Two styles of lookup share one document:
 * - by dotted field name (le_cfg_map, le_cfg_figure, ...): keys are looked up as needed and
 *   le_cfg_check_unknown reports the ones never read ("field a.b: unknown field");
 * - by node with a context label `what` (le_cfg_keys, le_cfg_int, ...): a mapping is checked
 *   against its allowed keys at once ("what: unknown key 'k' (allowed: ...)").
 * Nodes are 1-based indices; 0 means "none" and every function accepts it. */
#ifndef LE_UTIL_YAML_H
#define LE_UTIL_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits on what a file may ask of the reader; past them loading fails with LE_ERR_LIMIT at
 * the line that crosses them. Aliases count as the nodes they stand for, so that a file of a
 * few hundred bytes cannot make a walker visit billions of nodes ("billion laughs"). */
#define LE_CFG_MAX_DEPTH 64             /* nested collections, aliases expanded */
#define LE_CFG_MAX_ANCHORS 4096
#define LE_CFG_MAX_ALIASES 4096
#define LE_CFG_MAX_ALIAS_NODES 1000000u /* nodes all aliases together may stand for */

typedef enum { LE_CFG_NONE = 0, LE_CFG_SCALAR, LE_CFG_SEQ, LE_CFG_MAP } le_cfg_kind;

struct le_cfg_node;

typedef struct le_cfg {
    char path[4096];
    struct le_cfg_node *nodes; /* nodes[1..n_nodes] */
    int n_nodes;
    int *items;                /* children of all collections; a mapping's are key, value pairs */
    uint8_t *used;             /* per node: this mapping key was read, so it is known */
} le_cfg;

/* Loads path. A syntax error gives "FILE:LINE: YAML syntax error: ...", an empty file
 * "FILE: empty file"; a limit above gives LE_ERR_LIMIT. Only the first document is read.
 * On error nothing needs freeing (le_cfg_free is still allowed). */
le_code le_cfg_load(le_cfg *c, const char *path, le_error *err);
/* As le_cfg_load; an empty file names what it should start with: "(expected 'KEY:')". */
le_code le_cfg_load_expecting(le_cfg *c, const char *path, const char *first_key, le_error *err);
void le_cfg_free(le_cfg *c);
/* A document built from events another reader hands over (a streaming reader that keeps
 * small parts of a file as documents): next() fills *ev, which the document then owns, or
 * returns an error. The document ends at a DOCUMENT_END or STREAM_END event; events carry no
 * anchors or aliases (the caller has expanded them). */
struct yaml_event_s;
typedef le_code (*le_cfg_event_source)(void *ctx, struct yaml_event_s *ev, le_error *err);
le_code le_cfg_load_events(le_cfg *c, const char *path, le_cfg_event_source next, void *ctx, le_error *err);

int le_cfg_root(const le_cfg *c);   /* node index of the root (0 when the file is empty) */
int le_cfg_line(const le_cfg *c, int node);
le_cfg_kind le_cfg_kind_of(const le_cfg *c, int node);
int le_cfg_is_map(const le_cfg *c, int node);
int le_cfg_seq_len(const le_cfg *c, int node);  /* 0 unless node is a sequence */
int le_cfg_seq_item(const le_cfg *c, int node, int i);
const char *le_cfg_text(const le_cfg *c, int node); /* a scalar's text, else NULL */

/* Errors at a node: "FILE:LINE: message", or "FILE: message" for node 0. */
le_code le_cfg_fail(const le_cfg *c, int node, le_error *err, le_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Puts "FILE:LINE" in front of an error another module filled in; returns rc. */
le_code le_cfg_prefix(const le_cfg *c, int node, le_error *err, le_code rc);

/* ---- lookups by dotted field name (architecture and board files) */

/* Value node of key in mapping map (0 when absent); marks the key as known. */
int le_cfg_get(le_cfg *c, int map, const char *key);

/* Required sub-mapping / sequence; `field` is the dotted name of the result for messages. */
le_code le_cfg_map(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err);
le_code le_cfg_seq(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err);

/* A number with provenance: key in map, checked against [lo, hi]. Provenance is
 * map["<key>_source"|"<key>_calibrated"|"<key>_assumed"], else map[source|calibrated|assumed],
 * else prov_map[...] when prov_map != 0. */
le_code le_cfg_figure(le_cfg *c, int map, int prov_map, const char *key, const char *field, double lo, double hi,
                      double *out, le_error *err);
/* A whole number in [lo, hi] (provenance checked as for le_cfg_figure when need_prov). */
le_code le_cfg_uint(le_cfg *c, int map, int prov_map, const char *key, const char *field, uint32_t lo, uint32_t hi,
                    int need_prov, uint32_t *out, le_error *err);
/* A string (required when `required`; else *out untouched when absent). */
le_code le_cfg_string(le_cfg *c, int map, const char *key, const char *field, int required, char *out, size_t cap,
                      le_error *err);

/* Plain whole numbers without provenance (data files such as weight manifests, not cost
 * figures): signed, in [lo, hi], at key in map (missing: an error), or the scalar node itself
 * (a list item). Errors "FILE:LINE: field F: ...". */
le_code le_cfg_int_key(le_cfg *c, int map, const char *key, const char *field, int64_t lo, int64_t hi,
                       int64_t *out, le_error *err);
le_code le_cfg_int_at(le_cfg *c, int node, const char *field, int64_t lo, int64_t hi, int64_t *out, le_error *err);

/* Marks every key below node as known: free-form blocks (e.g. training metadata). */
void le_cfg_mark_known(le_cfg *c, int node);

/* Any mapping key never looked up is an error "FILE:LINE: field X: unknown field". */
le_code le_cfg_check_unknown(le_cfg *c, le_error *err);

/* ---- reading nodes with a context label (network files); errors are "FILE:LINE: what: ..."
 * with LE_ERR_PARSE for a malformed value and LE_ERR_RANGE for one outside its range. */

/* "what: expected a value|a list|a mapping, found a scalar|a list|a mapping". */
le_code le_cfg_want(const le_cfg *c, int node, le_cfg_kind kind, const char *what, le_error *err);
/* An integer (decimal, 0x hex or 0 octal) in lo..hi. */
le_code le_cfg_int(const le_cfg *c, int node, const char *what, long long lo, long long hi, long long *out,
                   le_error *err);
/* true/yes/on or false/no/off, in any case. */
le_code le_cfg_bool(const le_cfg *c, int node, const char *what, int *out, le_error *err);
/* A non-empty scalar; *out points into the document. */
le_code le_cfg_str(const le_cfg *c, int node, const char *what, const char **out, le_error *err);
/* One of names[0..n): its index; otherwise "what: key 'value' (allowed: a, b, ...)". */
le_code le_cfg_choice(const le_cfg *c, int node, const char *what, const char *key, const char *const *names, int n,
                      int *out, le_error *err);
/* Checks mapping map against its allowed keys and gives vals[i], the value node of allowed[i]
 * (0 when absent). Unknown keys ("unknown key 'k' (allowed: ...)"), repeated keys and keys
 * that are not plain names are errors at the key's line. The keys count as read. */
le_code le_cfg_keys(le_cfg *c, int map, const char *what, const char *const *allowed, int n_allowed, int *vals,
                    le_error *err);
/* The scalar value of key in map without reading it (NULL when absent or not a scalar): a
 * name to label messages about the mapping's other keys before they are checked. */
const char *le_cfg_peek(const le_cfg *c, int map, const char *key);

#ifdef __cplusplus
}
#endif
#endif
