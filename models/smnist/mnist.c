#include "models/smnist/mnist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/budget.h"

#ifndef LE_SOURCE_DIR
#define LE_SOURCE_DIR "."
#endif

#define FETCH_HINT "run tools/fetch-data.sh (or give the data folder with --data DIR or LE_DATA_DIR)"

/* Reads exactly len bytes; a short read is corruption (truncated file), not end of data. */
static le_code read_exact(gzFile f, const char *path, void *buf, size_t len, const char *what, le_error *err)
{
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done;
        if (chunk > (1u << 30))
            chunk = 1u << 30;
        int r = gzread(f, (char *)buf + done, (unsigned)chunk);
        if (r < 0) {
            int zerr = 0;
            const char *m = gzerror(f, &zerr);
            return le_fail(err, LE_ERR_DATA, "%s: corrupt gzip data while reading the %s (%s); " FETCH_HINT, path,
                           what, m ? m : "zlib error");
        }
        if (r == 0)
            return le_fail(err, LE_ERR_DATA, "%s: file ends after %zu of %zu bytes of the %s (truncated); " FETCH_HINT,
                           path, done, len, what);
        done += (size_t)r;
    }
    return LE_OK;
}

static uint32_t be32(const unsigned char *b)
{
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

/* Nothing may follow the data: a longer file is not the file we expect. */
static le_code check_end(gzFile f, const char *path, le_error *err)
{
    unsigned char extra;
    int r = gzread(f, &extra, 1);
    if (r < 0)
        return le_fail(err, LE_ERR_DATA, "%s: corrupt gzip data at the end of the file; " FETCH_HINT, path);
    if (r > 0)
        return le_fail(err, LE_ERR_DATA, "%s: extra bytes after the data the header announces; " FETCH_HINT, path);
    return LE_OK;
}

/* Opens an IDX file of unsigned bytes with ndim dimensions and reads its header: the
 * magic number is checked here, the dimensions (dims[0..ndim)) by the caller. */
static le_code idx_open(const char *path, uint32_t ndim, gzFile *out, uint32_t *dims, int64_t *fsize, le_error *err)
{
    errno = 0;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return le_fail(err, LE_ERR_DATA, "cannot open %s: %s; " FETCH_HINT, path,
                       errno ? strerror(errno) : "unknown error");
    fclose(probe);
    if (le_input_open(path, "a gzip-compressed IDX file", &probe, fsize, err)) {
        char msg[LE_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return le_fail(err, LE_ERR_DATA, "%s; " FETCH_HINT, msg);
    }
    fclose(probe);
    gzFile f = gzopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_NOMEM, "%s: zlib cannot open the file", path);
    unsigned char h[16];
    le_code rc = read_exact(f, path, h, 4 + 4 * (size_t)ndim, "IDX header", err);
    if (rc)
        goto fail;
    uint32_t magic = be32(h), want = 0x00000800u | ndim;
    if (magic != want) {
        rc = le_fail(err, LE_ERR_DATA,
                     "%s: magic number 0x%08x, expected 0x%08x (IDX, unsigned bytes, %u dimension%s); " FETCH_HINT,
                     path, magic, want, ndim, ndim == 1 ? "" : "s");
        goto fail;
    }
    for (uint32_t i = 0; i < ndim; i++)
        dims[i] = be32(h + 4 + 4 * i);
    *out = f;
    return LE_OK;
fail:
    gzclose(f);
    return rc;
}

/* The header's dimensions are a claim: before allocating for len data bytes, check that a
 * file of fsize bytes can hold them. Uncompressed, it holds exactly fsize - header bytes;
 * deflate expands at most 1032 to 1 [zlib technical details], so a gzip file of fsize bytes
 * holds at most 1032 * fsize. */
static le_code idx_check_claim(gzFile f, const char *path, int64_t fsize, size_t header, size_t len, const char *what,
                               le_error *err)
{
    if (fsize < 0)
        return LE_OK;
    uint64_t can = gzdirect(f) ? (uint64_t)fsize - (uint64_t)header : (uint64_t)fsize * 1032u;
    if ((uint64_t)len > can)
        return le_fail(err, LE_ERR_DATA,
                       "%s: the header announces %zu bytes of %s, more than a %s file of %lld bytes can hold "
                       "(truncated or a lying header); " FETCH_HINT,
                       path, len, what, gzdirect(f) ? "raw" : "gzip", (long long)fsize);
    return LE_OK;
}

/* Reads the len data bytes that follow the header into buf and closes the file; on success
 * *out takes buf, on failure buf is freed. */
static le_code idx_read_body(gzFile f, const char *path, uint8_t *buf, size_t len, const char *what, uint8_t **out,
                             le_error *err)
{
    le_code rc = read_exact(f, path, buf, len, what, err);
    if (rc == LE_OK)
        rc = check_end(f, path, err);
    gzclose(f);
    if (rc)
        free(buf);
    else
        *out = buf;
    return rc;
}

le_code le_idx_read_images(const char *path, uint8_t **pixels, uint32_t *n, uint32_t *rows, uint32_t *cols,
                           le_error *err)
{
    gzFile f = NULL;
    uint32_t d[3] = {0, 0, 0};
    int64_t fsize = -1;
    le_code rc = idx_open(path, 3, &f, d, &fsize, err);
    if (rc)
        return rc;
    uint32_t nn = d[0], r = d[1], c = d[2];
    if (nn == 0 || nn > 1000000u || r == 0 || r > 4096u || c == 0 || c > 4096u) {
        gzclose(f);
        return le_fail(err, LE_ERR_DATA, "%s: implausible dimensions %u x %u x %u; " FETCH_HINT, path, nn, r, c);
    }
    size_t len = (size_t)nn * r * c;
    if ((rc = idx_check_claim(f, path, fsize, 16, len, "pixels", err)) ||
        (rc = le_budget_check(path, len, "bytes of pixels", 1, err))) {
        gzclose(f);
        return rc;
    }
    uint8_t *buf = malloc(len);
    if (!buf) {
        gzclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: no memory for %zu bytes of pixels", path, len);
    }
    if ((rc = idx_read_body(f, path, buf, len, "pixels", pixels, err)))
        return rc;
    *n = nn;
    *rows = r;
    *cols = c;
    return LE_OK;
}

le_code le_idx_read_labels(const char *path, uint8_t **labels, uint32_t *n, le_error *err)
{
    gzFile f = NULL;
    uint32_t nn = 0;
    int64_t fsize = -1;
    le_code rc = idx_open(path, 1, &f, &nn, &fsize, err);
    if (rc)
        return rc;
    if (nn == 0 || nn > 1000000u) {
        gzclose(f);
        return le_fail(err, LE_ERR_DATA, "%s: implausible label count %u; " FETCH_HINT, path, nn);
    }
    if ((rc = idx_check_claim(f, path, fsize, 8, nn, "labels", err))) {
        gzclose(f);
        return rc;
    }
    uint8_t *buf = malloc(nn);
    if (!buf) {
        gzclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: no memory for %u labels", path, nn);
    }
    if ((rc = idx_read_body(f, path, buf, nn, "labels", labels, err)))
        return rc;
    *n = nn;
    return LE_OK;
}

le_code le_mnist_load_t10k(const char *data_dir, le_mnist *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    char ipath[4096], lpath[4096];
    snprintf(ipath, sizeof ipath, "%s/%s", data_dir, LE_MNIST_T10K_IMAGES);
    snprintf(lpath, sizeof lpath, "%s/%s", data_dir, LE_MNIST_T10K_LABELS);
    uint32_t n = 0, r = 0, c = 0, nl = 0;
    le_code rc = le_idx_read_images(ipath, &out->pixels, &n, &r, &c, err);
    if (rc)
        return rc;
    if (n != LE_MNIST_T10K_N || r != LE_MNIST_SIDE || c != LE_MNIST_SIDE) {
        le_mnist_free(out);
        return le_fail(err, LE_ERR_DATA, "%s: %u images of %u x %u, expected the t10k set: %u images of 28 x 28; " FETCH_HINT,
                       ipath, n, r, c, LE_MNIST_T10K_N);
    }
    if ((rc = le_idx_read_labels(lpath, &out->labels, &nl, err))) {
        le_mnist_free(out);
        return rc;
    }
    if (nl != n) {
        le_mnist_free(out);
        return le_fail(err, LE_ERR_DATA, "%s: %u labels for %u images in %s; " FETCH_HINT, lpath, nl, n, ipath);
    }
    for (uint32_t i = 0; i < nl; i++)
        if (out->labels[i] > 9) {
            uint32_t bad = out->labels[i];
            le_mnist_free(out);
            return le_fail(err, LE_ERR_DATA, "%s: label %u of image %u is not a digit; " FETCH_HINT, lpath, bad, i);
        }
    out->n = n;
    out->rows = r;
    out->cols = c;
    return LE_OK;
}

void le_mnist_free(le_mnist *m)
{
    free(m->pixels);
    free(m->labels);
    memset(m, 0, sizeof *m);
}
