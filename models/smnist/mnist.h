/* MNIST in its distributed form: IDX files, gzip-compressed (LeCun's t10k files as shipped).
 * Magic number, dimensions and length are checked; a missing or corrupt file is an error that
 * names the file and says how to get it (tools/fetch-data.sh). */
#ifndef LE_MODELS_SMNIST_MNIST_H
#define LE_MODELS_SMNIST_MNIST_H

#include <stdint.h>

#include "util/error.h"
#include "util/path.h" /* le_data_dir */

#ifdef __cplusplus
extern "C" {
#endif

#define LE_MNIST_T10K_IMAGES "mnist/t10k-images-idx3-ubyte.gz"
#define LE_MNIST_T10K_LABELS "mnist/t10k-labels-idx1-ubyte.gz"
#define LE_MNIST_T10K_N 10000u
#define LE_MNIST_SIDE 28u
#define LE_MNIST_PIXELS (LE_MNIST_SIDE * LE_MNIST_SIDE)

typedef struct {
    uint32_t n;       /* images */
    uint32_t rows, cols;
    uint8_t *pixels;  /* [n][rows * cols], row-major as stored */
    uint8_t *labels;  /* [n], 0..9 */
} le_mnist;

/* An IDX3 image file (magic 0x00000803, unsigned bytes). Plain or gzip-compressed. */
le_code le_idx_read_images(const char *path, uint8_t **pixels, uint32_t *n, uint32_t *rows, uint32_t *cols,
                           le_error *err);
/* An IDX1 label file (magic 0x00000801). */
le_code le_idx_read_labels(const char *path, uint8_t **labels, uint32_t *n, le_error *err);

/* The t10k test set from data_dir/mnist/: 10,000 images of 28 x 28 and 10,000 labels 0..9. */
le_code le_mnist_load_t10k(const char *data_dir, le_mnist *out, le_error *err);
void le_mnist_free(le_mnist *m);

static inline const uint8_t *le_mnist_image(const le_mnist *m, uint32_t i)
{
    return m->pixels + (uint64_t)i * m->rows * m->cols;
}


#ifdef __cplusplus
}
#endif
#endif
