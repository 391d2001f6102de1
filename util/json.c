#include "util/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void le_json_init(le_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

static int ok(const le_json *j)
{
    return !j->io_failed && !j->misuse;
}

static void misuse(le_json *j, const char *what)
{
    if (!j->misuse)
        j->misuse = what;
}

static void put(le_json *j, const char *s)
{
    if (ok(j) && fputs(s, j->f) == EOF)
        j->io_failed = 1;
}

static void newline(le_json *j, int indent)
{
    put(j, "\n");
    for (int i = 0; i < indent && ok(j); i++)
        put(j, "  ");
}

/* The separator and indentation before a new member of the innermost container. */
static void next_member(le_json *j)
{
    int d = j->depth - 1;
    if (j->count[d] > 0)
        put(j, ",");
    if (!j->inline_[d])
        newline(j, j->lines_open);
    else if (j->count[d] > 0)
        put(j, " ");
    j->count[d]++;
}

/* Checks that a value may come here and writes what goes before it. */
static int begin_value(le_json *j)
{
    if (!ok(j))
        return 0;
    if (j->done) {
        misuse(j, "a second top-level value");
        return 0;
    }
    if (j->depth == 0)
        return 1;
    if (j->object[j->depth - 1]) {
        if (!j->have_key) {
            misuse(j, "an object member without a key");
            return 0;
        }
        j->have_key = 0;
        return 1;
    }
    next_member(j);
    return ok(j);
}

/* After a value: a complete top-level value ends the document with a newline. */
static void end_value(le_json *j)
{
    if (j->depth == 0) {
        j->done = 1;
        put(j, "\n");
    }
}

static void quoted(le_json *j, const char *s)
{
    put(j, "\"");
    char esc[8];
    for (; *s && ok(j); s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            esc[2] = 0;
            put(j, esc);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(j, esc);
        } else if (fputc(c, j->f) == EOF) {
            j->io_failed = 1;
        }
    }
    put(j, "\"");
}

static void open_container(le_json *j, le_json_layout layout, int object)
{
    if (!begin_value(j))
        return;
    if (j->depth == LE_JSON_MAX_DEPTH) {
        misuse(j, "nesting deeper than LE_JSON_MAX_DEPTH");
        return;
    }
    put(j, object ? "{" : "[");
    int d = j->depth++;
    j->inline_[d] = layout == LE_JSON_INLINE;
    j->object[d] = (uint8_t)object;
    j->count[d] = 0;
    if (!j->inline_[d])
        j->lines_open++;
}

void le_json_object(le_json *j, le_json_layout layout)
{
    open_container(j, layout, 1);
}

void le_json_array(le_json *j, le_json_layout layout)
{
    open_container(j, layout, 0);
}

void le_json_end(le_json *j)
{
    if (!ok(j))
        return;
    if (j->depth == 0) {
        misuse(j, "an end without an open object or array");
        return;
    }
    if (j->have_key) {
        misuse(j, "a key without a value");
        return;
    }
    int d = --j->depth;
    if (!j->inline_[d]) {
        j->lines_open--;
        if (j->count[d] > 0)
            newline(j, j->lines_open);
    }
    put(j, j->object[d] ? "}" : "]");
    end_value(j);
}

void le_json_key(le_json *j, const char *key)
{
    if (!ok(j))
        return;
    if (j->depth == 0 || !j->object[j->depth - 1]) {
        misuse(j, "a key outside an object");
        return;
    }
    if (j->have_key) {
        misuse(j, "a key where a value is due");
        return;
    }
    next_member(j);
    quoted(j, key ? key : "");
    put(j, ": ");
    j->have_key = 1;
}

void le_json_string(le_json *j, const char *s)
{
    if (!s) {
        le_json_null(j);
        return;
    }
    if (!begin_value(j))
        return;
    quoted(j, s);
    end_value(j);
}

static void scalar(le_json *j, const char *text)
{
    if (!begin_value(j))
        return;
    put(j, text);
    end_value(j);
}

void le_json_int(le_json *j, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    scalar(j, b);
}

void le_json_uint(le_json *j, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    scalar(j, b);
}

void le_json_double_g(le_json *j, double v, int digits)
{
    char b[64];
    if (!isfinite(v))
        snprintf(b, sizeof b, "null");
    else
        snprintf(b, sizeof b, "%.*g", digits < 1 ? 1 : digits > 17 ? 17 : digits, v);
    scalar(j, b);
}

void le_json_double(le_json *j, double v)
{
    le_json_double_g(j, v, 9);
}

void le_json_bool(le_json *j, int v)
{
    scalar(j, v ? "true" : "false");
}

void le_json_null(le_json *j)
{
    scalar(j, "null");
}

void le_json_kstring(le_json *j, const char *key, const char *s)
{
    le_json_key(j, key);
    le_json_string(j, s);
}

void le_json_kuint(le_json *j, const char *key, uint64_t v)
{
    le_json_key(j, key);
    le_json_uint(j, v);
}

void le_json_kdouble(le_json *j, const char *key, double v)
{
    le_json_key(j, key);
    le_json_double(j, v);
}

le_code le_json_finish(le_json *j, const char *what, le_error *err)
{
    if (j->io_failed || (j->f && ferror(j->f)))
        return le_fail(err, LE_ERR_IO, "%s: write failed", what);
    if (j->misuse)
        return le_fail(err, LE_ERR_CONFIG, "%s: JSON not written: %s", what, j->misuse);
    if (!j->done)
        return le_fail(err, LE_ERR_CONFIG, "%s: JSON not written: %s", what,
                       j->depth ? "an object or array left open" : "no value");
    return LE_OK;
}
