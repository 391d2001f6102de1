/* A strict reader of NumPy .npy files (format 1.0/2.0/3.0): dtype, shape, byte order and
 * fortran_order are checked; anything unexpected is an error naming the file and what
 * was found. */
#ifndef LE_MODELS_NPY_H
#define LE_MODELS_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t ndim;
    size_t shape[8];
    size_t count;   /* product of shape */
    float *data;    /* converted to float, C (row-major) order */
} le_npy;

/* Reads a 1-D or 2-D array of dtype float32/float64/int8/int16/int32/int64 (little or big
 * endian). expect_rows/expect_cols: 0 = any; otherwise the shape must match exactly. */
le_code le_npy_read(const char *path, size_t expect_rows, size_t expect_cols, le_npy *out, le_error *err);
void le_npy_free(le_npy *a);

/* The same array as stored (1 to 4 dimensions), read in one go (no float copy): for readers
 * that need exact integers beyond float's 2^24 (synapse indices), the memory of the file's
 * dtype only, or a convolution kernel's four dimensions. */
typedef struct {
    uint32_t ndim;
    size_t shape[8];
    size_t count;
    char kind;          /* 'f' float, 'i' signed, 'u' unsigned integer */
    int itemsize, swap; /* bytes per item; big endian on a little-endian host or the reverse */
    unsigned char *raw; /* count * itemsize bytes */
} le_npy_raw;
le_code le_npy_read_raw(const char *path, size_t expect_rows, size_t expect_cols, le_npy_raw *out, le_error *err);
/* Item i as a double (exact for every integer up to 2^53). */
double le_npy_raw_value(const le_npy_raw *a, size_t i);
void le_npy_raw_free(le_npy_raw *a);

#ifdef __cplusplus
}
#endif
#endif
