/* Shared between the loader (weights.c) and the generator (weights_gen.c); not an API. */
#ifndef LE_MODELS_RELNET_WEIGHTS_PRIVATE_H
#define LE_MODELS_RELNET_WEIGHTS_PRIVATE_H

#include <stdint.h>

#include "util/error.h"
#include "models/relnet/weights.h"
#include "util/sha256.h"

#define LE_RN_MANIFEST "manifest.yaml"
#define LE_RN_FORMAT_NAME "loihi-emu-relnet-weights"
#define LE_RN_SOURCE_BABI "babi" /* a token list that is the dictionary built from data/babi */

typedef enum { LE_RN_K_LSNN, LE_RN_K_RELAY, LE_RN_K_PLAIN, LE_RN_K_READOUT } le_rn_layer_kind;

typedef struct {
    const char *name;
    uint32_t n;
    le_rn_layer_kind kind;
} le_rn_layer_spec;

typedef struct {
    const char *w_name, *d_name; /* d_name NULL: no delays */
    le_relnet_layer_id post;
    uint32_t rows, cols;
    int vector;                  /* stored as a 1-D array of rows items */
    int recurrent;               /* square, diagonal must be 0 */
} le_rn_conn_spec;

extern const le_rn_layer_spec le_rn_layers[LE_RN_N_LAYERS];
extern const le_rn_conn_spec le_rn_conns[LE_RN_N_CONNS];

/* A token file (vocabulary, answer classes): one token per line, line = index; every line
 * non-empty, without blanks or control characters, no token twice, at most max_lines lines.
 * Gives the line count and the file's SHA-256. `what` names the file's role in messages. */
le_code le_rn_check_tokens(const char *path, const char *what, uint32_t max_lines, uint32_t *n_lines,
                           uint8_t sha[LE_SHA256_BYTES], le_error *err);

#endif
