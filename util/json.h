/* The one JSON writer: every report and command writes its JSON through it, so escaping,
 * number formats and write-error checks live in one place and a file is byte-identical
 * from run to run.
 *
 * Layout is part of the format (people diff these files), so each container says how it
 * is laid out: LE_JSON_LINES puts every member on its own line, indented two spaces per
 * enclosing LINES container; LE_JSON_INLINE keeps members on one line, separated by ", ".
 * An empty container is written "{}" / "[]" either way. The top-level value ends with a
 * newline.
 *
 * Errors are sticky: a write that fails, a key outside an object, a value where a key is
 * due, or nesting deeper than LE_JSON_MAX_DEPTH marks the writer, later calls do nothing,
 * and le_json_finish reports the first problem. */
#ifndef LE_UTIL_JSON_H
#define LE_UTIL_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_JSON_MAX_DEPTH 16

typedef enum { LE_JSON_LINES = 0, LE_JSON_INLINE = 1 } le_json_layout;

typedef struct {
    FILE *f;
    int depth;                          /* open containers */
    uint8_t inline_[LE_JSON_MAX_DEPTH]; /* per open container: its layout */
    uint8_t object[LE_JSON_MAX_DEPTH];  /* per open container: object (1) or array (0) */
    uint32_t count[LE_JSON_MAX_DEPTH];  /* per open container: members written */
    int lines_open;                     /* open LINES containers: the indent of a new line */
    int have_key;                       /* a key was written, its value is due */
    int done;                           /* the top-level value is complete */
    int io_failed;
    const char *misuse;                 /* first misuse, NULL when none */
} le_json;

void le_json_init(le_json *j, FILE *f);

void le_json_object(le_json *j, le_json_layout layout);
void le_json_array(le_json *j, le_json_layout layout);
void le_json_end(le_json *j); /* closes the innermost object or array */

void le_json_key(le_json *j, const char *key);
void le_json_string(le_json *j, const char *s); /* NULL writes null */
void le_json_int(le_json *j, int64_t v);
void le_json_uint(le_json *j, uint64_t v);
/* %.<digits>g, so the same double gives the same bytes; NaN and infinities, which JSON
 * has no spelling for, are written null. le_json_double uses 9 digits. */
void le_json_double(le_json *j, double v);
void le_json_double_g(le_json *j, double v, int digits);
void le_json_bool(le_json *j, int v);
void le_json_null(le_json *j);

/* key + value in one call, for the long flat objects of the reports. */
void le_json_kstring(le_json *j, const char *key, const char *s);
void le_json_kuint(le_json *j, const char *key, uint64_t v);
void le_json_kdouble(le_json *j, const char *key, double v);

/* LE_OK when everything was written and the top-level value is closed; else an
 * LE_ERR_IO (write failed) or LE_ERR_CONFIG (misuse) error naming `what` (e.g. the file).
 * Does not close the FILE. */
le_code le_json_finish(le_json *j, const char *what, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
