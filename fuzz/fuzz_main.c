/* A libFuzzer harness for one reader: built once per target with LE_FUZZ_TARGET set to its
 * name (fuzz/CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/targets.h"

#ifndef LE_FUZZ_TARGET
#error "LE_FUZZ_TARGET names the reader (see fuzz/targets.c)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const le_fuzz_target *t;
    if (!t && !(t = le_fuzz_find(LE_FUZZ_TARGET))) {
        fprintf(stderr, "fuzz: unknown target '%s'\n", LE_FUZZ_TARGET);
        abort();
    }
    if (t->run(data, size) < 0) {
        fprintf(stderr, "fuzz: cannot write the input to a temporary file\n");
        abort();
    }
    return 0;
}
