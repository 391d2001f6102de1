/* The readers under fuzzing, one entry each: the libFuzzer harnesses (fuzz_main.c, one binary
 * per target) and the regression replay in the unit tests (tests/test_guards.cpp) run the
 * same function on the same bytes, so an input kept in fuzz/regress/TARGET/ is replayed by
 * both. Each writes the bytes to a file in a private temporary folder and opens it through
 * the reader's public path-based entry point, as the program does. */
#ifndef LE_FUZZ_TARGETS_H
#define LE_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The memory budget every target runs under: small, so that a size read from the input that
 * escapes the guards shows as an allocation over libFuzzer's -malloc_limit_mb. */
#define LE_FUZZ_BUDGET (64ull << 20)

typedef struct {
    const char *name;                              /* fuzz/corpus/NAME, fuzz/regress/NAME */
    int (*run)(const uint8_t *data, size_t size);  /* the le_code the reader returned */
} le_fuzz_target;

const le_fuzz_target *le_fuzz_targets(size_t *n);
const le_fuzz_target *le_fuzz_find(const char *name); /* NULL when unknown */

#ifdef __cplusplus
}
#endif
#endif
