/* .npy format: magic "\x93NUMPY", major, minor, header length (2 bytes in 1.x, 4 bytes in
 * 2.x/3.x, little endian), then a Python dict literal
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (80, 240), }
 * padded with spaces and a newline, then the raw data. */
#include "models/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"

typedef enum { DT_F, DT_I, DT_U } dt_class;

typedef struct {
    dt_class cls;
    int size;    /* bytes per item */
    int swap;    /* big endian on disk */
} dtype;

static int host_little(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* Skips spaces in the header text. */
static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Reads a quoted Python string ('...' or "...") into buf. */
static const char *read_str(const char *p, const char *end, char *buf, size_t cap)
{
    if (p >= end || (*p != '\'' && *p != '"'))
        return NULL;
    char q = *p++;
    size_t n = 0;
    while (p < end && *p != q) {
        if (n + 1 >= cap)
            return NULL;
        buf[n++] = *p++;
    }
    if (p >= end)
        return NULL;
    buf[n] = '\0';
    return p + 1;
}

static int parse_descr(const char *d, dtype *dt)
{
    if (strlen(d) < 3)
        return 0;
    char order = d[0];
    char kind = d[1];
    char *e;
    long size = strtol(d + 2, &e, 10);
    if (*e != '\0')
        return 0;
    if (kind == 'f' && (size == 4 || size == 8))
        dt->cls = DT_F;
    else if (kind == 'i' && (size == 1 || size == 2 || size == 4 || size == 8))
        dt->cls = DT_I;
    else if (kind == 'u' && (size == 1 || size == 2 || size == 4 || size == 8))
        dt->cls = DT_U;
    else
        return 0;
    dt->size = (int)size;
    if (order == '<')
        dt->swap = !host_little();
    else if (order == '>')
        dt->swap = host_little();
    else if (order == '|' || order == '=')
        dt->swap = 0;
    else
        return 0;
    if (order == '|' && size != 1)
        return 0;
    if (size == 1)
        dt->swap = 0;
    return 1;
}

static void describe_shape(const le_npy *a, char *buf, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n, "(");
    for (uint32_t i = 0; i < a->ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %zu" : "%zu", a->shape[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, a->ndim == 1 ? ",)" : ")");
}

/* Parses the header dict; fills dt, fortran flag and shape. */
static le_code parse_header(const char *path, const char *h, size_t len, dtype *dt, le_npy *out, le_error *err)
{
    const char *p = h, *end = h + len;
    int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0;
    char descr[32] = "";
    p = skip_ws(p, end);
    if (p >= end || *p != '{')
        return le_fail(err, LE_ERR_PARSE, "%s: .npy header is not a dictionary", path);
    p++;
    for (;;) {
        p = skip_ws(p, end);
        if (p < end && *p == '}')
            break;
        char key[32];
        p = read_str(p, end, key, sizeof key);
        if (!p)
            return le_fail(err, LE_ERR_PARSE, "%s: .npy header: expected a quoted key", path);
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return le_fail(err, LE_ERR_PARSE, "%s: .npy header: expected ':' after '%s'", path, key);
        p = skip_ws(p + 1, end);
        if (!strcmp(key, "descr")) {
            p = read_str(p, end, descr, sizeof descr);
            if (!p)
                return le_fail(err, LE_ERR_PARSE, "%s: .npy header: 'descr' is not a simple dtype string "
                               "(structured arrays are not supported)", path);
            have_descr = 1;
        } else if (!strcmp(key, "fortran_order")) {
            if ((size_t)(end - p) >= 4 && !strncmp(p, "True", 4)) {
                fortran = 1;
                p += 4;
            } else if ((size_t)(end - p) >= 5 && !strncmp(p, "False", 5)) {
                p += 5;
            } else
                return le_fail(err, LE_ERR_PARSE, "%s: .npy header: 'fortran_order' is neither True nor False",
                               path);
            have_fortran = 1;
        } else if (!strcmp(key, "shape")) {
            if (p >= end || *p != '(')
                return le_fail(err, LE_ERR_PARSE, "%s: .npy header: 'shape' is not a tuple", path);
            p++;
            out->ndim = 0;
            for (;;) {
                p = skip_ws(p, end);
                if (p < end && *p == ')') {
                    p++;
                    break;
                }
                if (p >= end || *p < '0' || *p > '9')
                    return le_fail(err, LE_ERR_PARSE, "%s: .npy header: bad 'shape' tuple", path);
                if (out->ndim >= 8)
                    return le_fail(err, LE_ERR_PARSE, "%s: .npy header: more than 8 dimensions", path);
                char *e;
                errno = 0;
                unsigned long long v = strtoull(p, &e, 10);
                if (errno || e > end)
                    return le_fail(err, LE_ERR_PARSE, "%s: .npy header: bad 'shape' value", path);
                if (e < end && *e == 'L') /* Python 2 long suffix */
                    e++;
                out->shape[out->ndim++] = (size_t)v;
                p = skip_ws(e, end);
                if (p < end && *p == ',')
                    p++;
                else if (p >= end || *p != ')')
                    return le_fail(err, LE_ERR_PARSE, "%s: .npy header: bad 'shape' tuple", path);
            }
            have_shape = 1;
        } else
            return le_fail(err, LE_ERR_PARSE, "%s: .npy header: unknown key '%s'", path, key);
        p = skip_ws(p, end);
        if (p < end && *p == ',')
            p++;
        else if (p >= end || *p != '}')
            return le_fail(err, LE_ERR_PARSE, "%s: .npy header: expected ',' or '}'", path);
    }
    if (!have_descr || !have_fortran || !have_shape)
        return le_fail(err, LE_ERR_PARSE, "%s: .npy header lacks '%s'", path,
                       !have_descr ? "descr" : (!have_fortran ? "fortran_order" : "shape"));
    if (!parse_descr(descr, dt))
        return le_fail(err, LE_ERR_PARSE,
                       "%s: unsupported dtype '%s' (expected float32/float64 or a signed/unsigned integer of 1, 2, "
                       "4 or 8 bytes, e.g. '<f4')",
                       path, descr);
    if (fortran)
        return le_fail(err, LE_ERR_PARSE,
                       "%s: array is stored in Fortran (column-major) order; save it with "
                       "numpy.ascontiguousarray first",
                       path);
    return LE_OK;
}

static double item_value(const unsigned char *b, const dtype *dt)
{
    unsigned char t[8];
    if (dt->swap) {
        for (int i = 0; i < dt->size; i++)
            t[i] = b[dt->size - 1 - i];
        b = t;
    }
    switch (dt->cls) {
    case DT_F:
        if (dt->size == 4) {
            float f;
            memcpy(&f, b, 4);
            return f;
        } else {
            double d;
            memcpy(&d, b, 8);
            return d;
        }
    case DT_I:
        switch (dt->size) {
        case 1: { int8_t x; memcpy(&x, b, 1); return x; }
        case 2: { int16_t x; memcpy(&x, b, 2); return x; }
        case 4: { int32_t x; memcpy(&x, b, 4); return x; }
        default: { int64_t x; memcpy(&x, b, 8); return (double)x; }
        }
    case DT_U:
        switch (dt->size) {
        case 1: { uint8_t x; memcpy(&x, b, 1); return x; }
        case 2: { uint16_t x; memcpy(&x, b, 2); return x; }
        case 4: { uint32_t x; memcpy(&x, b, 4); return x; }
        default: { uint64_t x; memcpy(&x, b, 8); return (double)x; }
        }
    }
    return 0;
}

/* The header and then the data in one read, as stored. */
static le_code read_raw(const char *path, FILE *f, int64_t fsize, le_npy_raw *out, size_t er, size_t ec,
                        uint32_t max_ndim,
                        le_error *err)
{
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, f);
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return le_fail(err, LE_ERR_PARSE, "%s: not a .npy file (bad magic; expected \\x93NUMPY)", path);
    unsigned major = pre[6], minor = pre[7];
    size_t hlen;
    if (major == 1) {
        hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
    } else if (major == 2 || major == 3) {
        if (fread(pre + 10, 1, 2, f) != 2)
            return le_fail(err, LE_ERR_PARSE, "%s: truncated .npy preamble", path);
        hlen = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    } else
        return le_fail(err, LE_ERR_PARSE, "%s: unsupported .npy format version %u.%u (known: 1.0, 2.0, 3.0)", path,
                       major, minor);
    if (hlen == 0 || hlen > (1u << 24))
        return le_fail(err, LE_ERR_PARSE, "%s: .npy header length %zu is implausible", path, hlen);
    char *h = malloc(hlen + 1);
    if (!h)
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory", path);
    if (fread(h, 1, hlen, f) != hlen) {
        free(h);
        return le_fail(err, LE_ERR_PARSE, "%s: truncated .npy header", path);
    }
    h[hlen] = '\0';
    dtype dt = {DT_F, 0, 0};
    le_npy hdr;
    memset(&hdr, 0, sizeof hdr);
    le_code rc = parse_header(path, h, hlen, &dt, &hdr, err);
    free(h);
    if (rc)
        return rc;
    out->ndim = hdr.ndim;
    memcpy(out->shape, hdr.shape, sizeof out->shape);
    char shp[128];
    describe_shape(&hdr, shp, sizeof shp);
    if (out->ndim < 1 || out->ndim > max_ndim)
        return le_fail(err, LE_ERR_PARSE, "%s: array has shape %s; expected 1 %s %u dimensions", path, shp,
                       max_ndim == 2 ? "or" : "to", max_ndim);
    size_t rows = out->shape[0], cols = 1;
    for (uint32_t i = 1; i < out->ndim; i++) {
        if (out->shape[i] && cols > SIZE_MAX / 8 / out->shape[i])
            return le_fail(err, LE_ERR_PARSE, "%s: array shape %s is too large", path, shp);
        cols *= out->shape[i];
    }
    if ((er && (rows != er)) || (ec && (out->ndim != 2 || cols != ec))) {
        if (ec)
            return le_fail(err, LE_ERR_PARSE, "%s: array has shape %s; expected (%zu, %zu)", path, shp, er, ec);
        return le_fail(err, LE_ERR_PARSE, "%s: array has shape %s; expected %zu rows", path, shp, er);
    }
    if (cols && rows > SIZE_MAX / cols / 8)
        return le_fail(err, LE_ERR_PARSE, "%s: array shape %s is too large", path, shp);
    out->count = rows * cols;
    size_t nbytes = out->count * (size_t)dt.size;
    /* The header's shape is a claim: check it against the bytes the file holds and the memory
     * budget before allocating for it. */
    int64_t data_at = (major == 1 ? 10 : 12) + (int64_t)hlen;
    if (fsize >= 0 && (uint64_t)(fsize - data_at) != nbytes) {
        if ((uint64_t)(fsize - data_at) < nbytes)
            return le_fail(err, LE_ERR_PARSE,
                           "%s: truncated data: %lld of %zu bytes for shape %s (%d-byte items; the file ends first)",
                           path, (long long)(fsize - data_at), nbytes, shp, dt.size);
        return le_fail(err, LE_ERR_PARSE, "%s: unexpected bytes after the %zu data bytes of shape %s", path, nbytes,
                       shp);
    }
    char what[64];
    snprintf(what, sizeof what, "shape %.50s", shp);
    le_code brc = le_budget_check(what, out->count, "items", (uint64_t)dt.size + sizeof(float), err);
    if (brc) {
        le_error_prefix(err, "%s", path);
        return brc;
    }
    unsigned char *raw = malloc(nbytes ? nbytes : 1);
    if (!raw)
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory for %zu items", path, out->count);
    size_t n = fread(raw, 1, nbytes, f);
    if (n != nbytes) {
        free(raw);
        return le_fail(err, LE_ERR_PARSE, "%s: truncated data: %zu of %zu bytes for shape %s", path, n, nbytes,
                       shp);
    }
    int extra = fgetc(f);
    if (extra != EOF) {
        free(raw);
        return le_fail(err, LE_ERR_PARSE, "%s: unexpected bytes after the %zu data bytes of shape %s", path, nbytes,
                       shp);
    }
    out->raw = raw;
    out->kind = dt.cls == DT_F ? 'f' : (dt.cls == DT_I ? 'i' : 'u');
    out->itemsize = dt.size;
    out->swap = dt.swap;
    return LE_OK;
}

double le_npy_raw_value(const le_npy_raw *a, size_t i)
{
    dtype dt = {a->kind == 'f' ? DT_F : (a->kind == 'i' ? DT_I : DT_U), a->itemsize, a->swap};
    return item_value(a->raw + i * (size_t)a->itemsize, &dt);
}

void le_npy_raw_free(le_npy_raw *a)
{
    free(a->raw);
    memset(a, 0, sizeof *a);
}

le_code le_npy_read_raw(const char *path, size_t expect_rows, size_t expect_cols, le_npy_raw *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = NULL;
    int64_t fsize = -1;
    le_code rc = le_input_open(path, "a .npy file", &f, &fsize, err);
    if (rc)
        return rc;
    rc = read_raw(path, f, fsize, out, expect_rows, expect_cols, 4, err);
    fclose(f);
    if (rc)
        le_npy_raw_free(out);
    return rc;
}

static le_code read_all(const char *path, FILE *f, int64_t fsize, le_npy *out, size_t er, size_t ec, le_error *err)
{
    le_npy_raw r;
    memset(&r, 0, sizeof r);
    le_code rc = read_raw(path, f, fsize, &r, er, ec, 2, err);
    if (rc) {
        le_npy_raw_free(&r);
        return rc;
    }
    out->ndim = r.ndim;
    memcpy(out->shape, r.shape, sizeof out->shape);
    out->count = r.count;
    if (!(out->data = malloc((out->count ? out->count : 1) * sizeof(float)))) {
        le_npy_raw_free(&r);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory for %zu items", path, out->count);
    }
    /* Items are handed on as float32: a value float32 cannot hold exactly (100.000001, 1e-50
     * or 2^24 + 1 read from float64 or a wide integer) would reach the integer and range checks
     * of the consumers already rounded, so it is refused here, where it is still exact. */
    size_t cols = out->ndim == 2 ? out->shape[1] : 1;
    for (size_t i = 0; i < out->count; i++) {
        double v = le_npy_raw_value(&r, i);
        float x = (float)v;
        if ((double)x != v && v == v) {
            size_t row = i / cols, col = i % cols;
            le_npy_raw_free(&r);
            if (out->ndim == 1)
                return le_fail(err, LE_ERR_RANGE,
                               "%s: item %zu is %.17g, which float32 cannot hold exactly (items are read as float32; "
                               "weights must be integers up to 2^24)",
                               path, row, v);
            return le_fail(err, LE_ERR_RANGE,
                           "%s: item (%zu, %zu) is %.17g, which float32 cannot hold exactly (items are read as "
                           "float32; weights must be integers up to 2^24)",
                           path, row, col, v);
        }
        out->data[i] = x;
    }
    le_npy_raw_free(&r);
    return LE_OK;
}

le_code le_npy_read(const char *path, size_t expect_rows, size_t expect_cols, le_npy *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = NULL;
    int64_t fsize = -1;
    le_code rc = le_input_open(path, "a .npy file", &f, &fsize, err);
    if (rc)
        return rc;
    rc = read_all(path, f, fsize, out, expect_rows, expect_cols, err);
    fclose(f);
    if (rc)
        le_npy_free(out);
    return rc;
}

void le_npy_free(le_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}
