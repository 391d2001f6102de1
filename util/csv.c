#include "util/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void le_csv_init(le_csv_reader *r, FILE *f, const char *name)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->next_line = 1;
    snprintf(r->name, sizeof r->name, "%s", name ? name : "CSV");
}

le_code le_csv_open(le_csv_reader *r, const char *path, le_error *err)
{
    FILE *f = fopen(path, "r");
    le_csv_init(r, f, path);
    if (!f)
        return le_fail(err, LE_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    r->owns_file = 1;
    return LE_OK;
}

void le_csv_close(le_csv_reader *r)
{
    if (r->owns_file && r->f)
        fclose(r->f);
    free(r->buf);
    free(r->start);
    free(r->field);
    memset(r, 0, sizeof *r);
}

static int push_char(le_csv_reader *r, char c)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        char *b = realloc(r->buf, cap);
        if (!b)
            return 0;
        r->buf = b;
        r->cap = cap;
    }
    r->buf[r->len++] = c;
    return 1;
}

/* Ends the field that began at offset `from` of buf. */
static int end_field(le_csv_reader *r, size_t from)
{
    if (!push_char(r, 0))
        return 0;
    if (r->n_fields == r->cap_fields) {
        uint32_t cap = r->cap_fields ? 2 * r->cap_fields : 8;
        size_t *s = realloc(r->start, cap * sizeof *s);
        if (!s)
            return 0;
        r->start = s;
        r->cap_fields = cap;
    }
    r->start[r->n_fields++] = from;
    return 1;
}

/* A character, with "\r\n" read as "\n" and the line count kept. */
static int get(le_csv_reader *r)
{
    int c = fgetc(r->f);
    if (c == '\r') {
        int d = fgetc(r->f);
        if (d == '\n')
            c = '\n';
        else if (d != EOF)
            ungetc(d, r->f);
    }
    if (c == '\n')
        r->next_line++;
    return c;
}

le_code le_csv_next(le_csv_reader *r, int *have, le_error *err)
{
    *have = 0;
    r->len = 0;
    r->n_fields = 0;
    if (!r->f)
        return le_fail(err, LE_ERR_IO, "%s: not open", r->name);
    int c;
    /* Comments and blank lines before the record. */
    for (;;) {
        r->line = r->next_line;
        c = get(r);
        if (c == '#') {
            while (c != '\n' && c != EOF)
                c = get(r);
        }
        if (c == EOF) {
            if (ferror(r->f))
                return le_fail(err, LE_ERR_IO, "%s line %u: read error", r->name, r->line);
            return LE_OK;
        }
        if (c != '\n')
            break;
    }
    size_t from = 0;
    int quoted = 0, at_start = 1, after_quote = 0;
    for (;; c = get(r)) {
        if (quoted) {
            if (c == EOF)
                return le_fail(err, LE_ERR_PARSE, "%s line %u: a quoted field is not closed", r->name, r->line);
            if (c == '"') {
                quoted = 0;
                after_quote = 1;
                continue;
            }
        } else if (c == ',' || c == '\n' || c == EOF) {
            if (!end_field(r, from))
                return le_fail(err, LE_ERR_NOMEM, "%s line %u: no memory", r->name, r->line);
            if (c != ',')
                break;
            from = r->len;
            at_start = 1;
            after_quote = 0;
            continue;
        } else if (c == '"') {
            if (after_quote) { /* "" inside quotes: one literal quote */
                quoted = 1;
                after_quote = 0;
            } else if (at_start) {
                quoted = 1;
                at_start = 0;
                continue;
            } else {
                return le_fail(err, LE_ERR_PARSE, "%s line %u, field %u: a quote inside an unquoted field", r->name,
                               r->line, r->n_fields + 1);
            }
        } else if (after_quote) {
            return le_fail(err, LE_ERR_PARSE, "%s line %u, field %u: text after a closing quote", r->name, r->line,
                           r->n_fields + 1);
        }
        at_start = 0;
        if (!push_char(r, (char)c))
            return le_fail(err, LE_ERR_NOMEM, "%s line %u: no memory", r->name, r->line);
    }
    if (ferror(r->f))
        return le_fail(err, LE_ERR_IO, "%s line %u: read error", r->name, r->line);
    /* buf may have moved while growing: the pointers are made last. */
    if (r->n_fields > r->cap_ptrs) {
        char **p = realloc(r->field, r->cap_fields * sizeof *p);
        if (!p)
            return le_fail(err, LE_ERR_NOMEM, "%s line %u: no memory", r->name, r->line);
        r->field = p;
        r->cap_ptrs = r->cap_fields;
    }
    for (uint32_t i = 0; i < r->n_fields; i++)
        r->field[i] = r->buf + r->start[i];
    *have = 1;
    return LE_OK;
}

int le_csv_uint(const le_csv_reader *r, uint32_t i, uint32_t lo, uint32_t hi, uint32_t *out)
{
    if (i >= r->n_fields)
        return 0;
    const char *s = r->field[i];
    if (!*s)
        return 0;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > hi)
            return 0;
    }
    if (v < lo)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

int le_csv_put_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, f) == EOF ? EOF : 0;
    if (fputc('"', f) == EOF)
        return EOF;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF)
            return EOF;
        if (fputc(*s, f) == EOF)
            return EOF;
    }
    return fputc('"', f) == EOF ? EOF : 0;
}

int le_csv_field(const char *s, char *out, size_t cap)
{
    if (!s)
        s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    size_t n = 0;
    if (quote && n < cap)
        out[n++] = '"';
    for (; *s; s++) {
        if (*s == '"' && quote && n < cap)
            out[n++] = '"';
        if (n < cap)
            out[n++] = *s;
    }
    if (quote && n < cap)
        out[n++] = '"';
    if (n >= cap) {
        if (cap)
            out[cap - 1] = '\0';
        return -1;
    }
    out[n] = '\0';
    return 0;
}
