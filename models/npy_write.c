/* .npy 1.0 as NumPy's format.py writes it: magic "\x93NUMPY", version 1 0, a 2-byte little-
 * endian header length, the header dict padded with spaces and ended by '\n' so that the data
 * starts at a multiple of 64 bytes, then the items. */
#include "models/npy_write.h"
#include "util/outfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *le_npy_descr(le_npy_dtype t)
{
    switch (t) {
    case LE_NPY_INT8: return "|i1";
    case LE_NPY_UINT8: return "|u1";
    case LE_NPY_INT16: return "<i2";
    case LE_NPY_INT32: return "<i4";
    case LE_NPY_FLOAT32: return "<f4";
    }
    return "?";
}

size_t le_npy_itemsize(le_npy_dtype t)
{
    switch (t) {
    case LE_NPY_INT8:
    case LE_NPY_UINT8: return 1;
    case LE_NPY_INT16: return 2;
    case LE_NPY_INT32:
    case LE_NPY_FLOAT32: return 4;
    }
    return 0;
}

/* Item i as little-endian bytes. */
static void item_le(le_npy_dtype t, const void *data, size_t i, unsigned char out[4])
{
    uint32_t u = 0;
    switch (t) {
    case LE_NPY_INT8: out[0] = (unsigned char)((const int8_t *)data)[i]; return;
    case LE_NPY_UINT8: out[0] = ((const uint8_t *)data)[i]; return;
    case LE_NPY_INT16: {
        uint16_t x = (uint16_t)((const int16_t *)data)[i];
        out[0] = (unsigned char)(x & 0xffu);
        out[1] = (unsigned char)(x >> 8);
        return;
    }
    case LE_NPY_INT32: u = (uint32_t)((const int32_t *)data)[i]; break;
    case LE_NPY_FLOAT32: memcpy(&u, (const float *)data + i, 4); break;
    }
    for (int b = 0; b < 4; b++)
        out[b] = (unsigned char)(u >> (8 * b));
}

le_code le_npy_write(const char *path, le_npy_dtype dtype, size_t rows, size_t cols, const void *data,
                     le_error *err)
{
    size_t isz = le_npy_itemsize(dtype);
    if (!isz)
        return le_fail(err, LE_ERR_USAGE, "%s: unknown .npy dtype code %d", path, (int)dtype);
    char dict[160];
    int dl = cols ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                             le_npy_descr(dtype), rows, cols)
                  : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }",
                             le_npy_descr(dtype), rows);
    if (dl < 0 || (size_t)dl >= sizeof dict)
        return le_fail(err, LE_ERR_USAGE, "%s: .npy header does not fit", path);
    /* 10 bytes of preamble + header (dict, spaces, '\n') = a multiple of 64. */
    size_t hlen = (size_t)dl + 1;
    hlen += (64 - (10 + hlen) % 64) % 64;
    unsigned char head[10 + 192];
    memcpy(head, "\x93NUMPY\x01\x00", 8);
    head[8] = (unsigned char)(hlen & 0xffu);
    head[9] = (unsigned char)(hlen >> 8);
    memcpy(head + 10, dict, (size_t)dl);
    memset(head + 10 + dl, ' ', hlen - (size_t)dl - 1);
    head[10 + hlen - 1] = '\n';

    size_t count = cols ? rows * cols : rows;
    if (cols && rows && count / cols != rows)
        return le_fail(err, LE_ERR_USAGE, "%s: shape (%zu, %zu) overflows", path, rows, cols);
    /* Written to a temporary file and renamed into place when complete (util/outfile.h). */
    le_outfile out;
    le_code rc = le_outfile_open_path(&out, "", path, err);
    if (rc)
        return rc;
    FILE *f = out.f;
    int ok = fwrite(head, 1, 10 + hlen, f) == 10 + hlen;
    /* Items go through a buffer in little-endian order, independent of the host's. */
    unsigned char buf[4096];
    size_t nb = 0;
    for (size_t i = 0; ok && i < count; i++) {
        item_le(dtype, data, i, buf + nb);
        nb += isz;
        if (nb + 4 > sizeof buf) {
            ok = fwrite(buf, 1, nb, f) == nb;
            nb = 0;
        }
    }
    if (ok && nb)
        ok = fwrite(buf, 1, nb, f) == nb;
    if (!ok) {
        int saved = errno;
        le_outfile_discard(&out);
        return le_fail(err, LE_ERR_IO, "%s: write failed: %s", path, strerror(saved));
    }
    return le_outfile_commit(&out, err);
}
