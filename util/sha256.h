/* SHA-256 (FIPS 180-4): a streaming context, one-shot helpers for memory and files, and the
 * lower-case hex form that manifests and reports print. Weight directories name every file
 * by its hash, so that a report says exactly which weights it ran. */
#ifndef LE_UTIL_SHA256_H
#define LE_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_SHA256_BYTES 32
#define LE_SHA256_HEX 65 /* 64 hex digits and the terminating NUL */

typedef struct {
    uint32_t h[8];
    uint64_t len;       /* message bytes so far */
    uint8_t buf[64];    /* the incomplete block */
    uint32_t n_buf;
} le_sha256_ctx;

void le_sha256_init(le_sha256_ctx *c);
void le_sha256_update(le_sha256_ctx *c, const void *data, size_t n);
void le_sha256_final(le_sha256_ctx *c, uint8_t out[LE_SHA256_BYTES]);

void le_sha256(const void *data, size_t n, uint8_t out[LE_SHA256_BYTES]);
/* Hashes a whole file; a missing or unreadable file is LE_ERR_IO naming the path. */
le_code le_sha256_file(const char *path, uint8_t out[LE_SHA256_BYTES], le_error *err);

/* 64 lower-case hex digits. */
void le_sha256_hex(const uint8_t digest[LE_SHA256_BYTES], char hex[LE_SHA256_HEX]);

#ifdef __cplusplus
}
#endif
#endif
