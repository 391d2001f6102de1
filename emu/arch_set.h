/* `--set KEY=VALUE`: a figure of the architecture and cost file (config/loihi.yaml) changed
 * for one run, KEY being its path of mapping keys (network.chip_link.latency_ns). The
 * changed file is written to a private temporary file that the run reads as its --arch and
 * removes at the end, so a run is reproduced by its command line alone. */
#ifndef LE_EMU_ARCH_SET_H
#define LE_EMU_ARCH_SET_H

#include <stddef.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_ARCH_SET_MAX 16

typedef struct {
    const char *set[LE_ARCH_SET_MAX]; /* "key.path=value" */
    unsigned n;
    char tmp[256];                    /* the written file, "" when none */
} le_arch_set;

/* Adds one --set (LE_ERR_USAGE when malformed or too many). */
le_code le_arch_set_add(le_arch_set *s, const char *kv, le_error *err);
/* base (NULL: the shipped file) with every --set applied, as a file path in *out (base
 * itself when there is no --set). Errors name the key that is not in the file. */
le_code le_arch_set_apply(le_arch_set *s, const char *base, const char **out, le_error *err);
void le_arch_set_cleanup(le_arch_set *s);

#ifdef __cplusplus
}
#endif
#endif
