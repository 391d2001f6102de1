#include "models/mnist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifndef LE_SOURCE_DIR
#define LE_SOURCE_DIR "."
#endif

#define FETCH_HINT "run tools/fetch-data.sh (or give the data folder with --data DIR or LE_DATA_DIR)"

const char *le_data_dir(const char *option)
{
    if (option && option[0])
        return option;
    const char *env = getenv("LE_DATA_DIR");
    if (env && env[0])
        return env;
    return LE_SOURCE_DIR "/data";
}

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

static le_code open_idx(const char *path, gzFile *out, le_error *err)
{
    errno = 0;
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return le_fail(err, LE_ERR_DATA, "cannot open %s: %s; " FETCH_HINT, path,
                       errno ? strerror(errno) : "unknown error");
    fclose(probe);
    gzFile f = gzopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_NOMEM, "%s: zlib cannot open the file", path);
    *out = f;
    return LE_OK;
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

le_code le_idx_read_images(const char *path, uint8_t **pixels, uint32_t *n, uint32_t *rows, uint32_t *cols,
                           le_error *err)
{
    gzFile f;
    le_code rc = open_idx(path, &f, err);
    if (rc)
        return rc;
    unsigned char h[16];
    uint8_t *buf = NULL;
    if ((rc = read_exact(f, path, h, sizeof h, "IDX header", err)))
        goto done;
    uint32_t magic = be32(h), nn = be32(h + 4), r = be32(h + 8), c = be32(h + 12);
    if (magic != 0x00000803u) {
        rc = le_fail(err, LE_ERR_DATA,
                     "%s: magic number 0x%08x, expected 0x00000803 (IDX, unsigned bytes, 3 dimensions); " FETCH_HINT,
                     path, magic);
        goto done;
    }
    if (nn == 0 || nn > 1000000u || r == 0 || r > 4096u || c == 0 || c > 4096u) {
        rc = le_fail(err, LE_ERR_DATA, "%s: implausible dimensions %u x %u x %u; " FETCH_HINT, path, nn, r, c);
        goto done;
    }
    size_t len = (size_t)nn * r * c;
    buf = malloc(len);
    if (!buf) {
        rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory for %zu bytes of pixels", path, len);
        goto done;
    }
    if ((rc = read_exact(f, path, buf, len, "pixels", err)) || (rc = check_end(f, path, err)))
        goto done;
    *pixels = buf;
    buf = NULL;
    *n = nn;
    *rows = r;
    *cols = c;
done:
    free(buf);
    gzclose(f);
    return rc;
}

le_code le_idx_read_labels(const char *path, uint8_t **labels, uint32_t *n, le_error *err)
{
    gzFile f;
    le_code rc = open_idx(path, &f, err);
    if (rc)
        return rc;
    unsigned char h[8];
    uint8_t *buf = NULL;
    if ((rc = read_exact(f, path, h, sizeof h, "IDX header", err)))
        goto done;
    uint32_t magic = be32(h), nn = be32(h + 4);
    if (magic != 0x00000801u) {
        rc = le_fail(err, LE_ERR_DATA,
                     "%s: magic number 0x%08x, expected 0x00000801 (IDX, unsigned bytes, 1 dimension); " FETCH_HINT,
                     path, magic);
        goto done;
    }
    if (nn == 0 || nn > 1000000u) {
        rc = le_fail(err, LE_ERR_DATA, "%s: implausible label count %u; " FETCH_HINT, path, nn);
        goto done;
    }
    buf = malloc(nn);
    if (!buf) {
        rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory for %u labels", path, nn);
        goto done;
    }
    if ((rc = read_exact(f, path, buf, nn, "labels", err)) || (rc = check_end(f, path, err)))
        goto done;
    *labels = buf;
    buf = NULL;
    *n = nn;
done:
    free(buf);
    gzclose(f);
    return rc;
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
