/* Writing NumPy .npy files (format 1.0, little endian, C order), 1-D or 2-D, in the dtypes the
 * weight directories use. models/npy.h reads them back. */
#ifndef LE_MODELS_NPY_WRITE_H
#define LE_MODELS_NPY_WRITE_H

#include <stddef.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LE_NPY_INT8 = 0,  /* data is int8_t[] */
    LE_NPY_UINT8,     /* uint8_t[] */
    LE_NPY_INT16,     /* int16_t[] */
    LE_NPY_INT32,     /* int32_t[] */
    LE_NPY_FLOAT32    /* float[] */
} le_npy_dtype;

/* NumPy's descr string ('|i1', '|u1', '<i2', '<i4', '<f4') and the bytes per item. */
const char *le_npy_descr(le_npy_dtype t);
size_t le_npy_itemsize(le_npy_dtype t);

/* Writes data (row-major, `rows` x `cols` items; cols = 0 writes a 1-D array of `rows` items)
 * to path, replacing any file there. The output depends only on the arguments, never on the
 * host's byte order, so the same data gives the same bytes everywhere. */
le_code le_npy_write(const char *path, le_npy_dtype dtype, size_t rows, size_t cols, const void *data,
                     le_error *err);

#ifdef __cplusplus
}
#endif
#endif
