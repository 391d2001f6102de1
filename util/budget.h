/* The memory budget: a cap on what sizes read from files may make the program allocate.
 * A reader or builder that learns a size from a file (neurons, synapses, an array's shape)
 * asks le_budget_check before it allocates, so that an absurd request fails in milliseconds
 * with a limit error naming the field, the value and the limit, instead of after gigabytes
 * of allocation (or never, on an overcommitting machine, until the kernel kills the run).
 *
 * The budget is one figure per process (the command line's --mem-limit); each check is of
 * one request on its own, not a running total: it catches the sizes no machine could hold,
 * not every way to run out of memory. */
#ifndef LE_UTIL_BUDGET_H
#define LE_UTIL_BUDGET_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_BUDGET_DEFAULT (16ull << 30) /* 16 GiB: 268 million neurons at 64 bytes each, more
                                         * than Pohoiki Springs' 100 million compartments */

/* Sets the budget in bytes; 0 restores the default. */
void le_budget_set(uint64_t bytes);
uint64_t le_budget_get(void);

/* Parses a size: a whole number of bytes with an optional suffix K, M, G or T (powers of
 * 1024, an optional trailing 'B' or 'iB'). Returns 0 on success, -1 when s is not a size. */
int le_budget_parse(const char *s, uint64_t *bytes);

/* LE_ERR_LIMIT when count items of `each` bytes exceed the budget (or overflow 64 bits):
 * "WHAT: VALUE ITEMS need N bytes (about X GiB), more than the memory limit of L bytes
 * (--mem-limit)". what names the field ("population 'a': size"), items the unit
 * ("neurons"). */
le_code le_budget_check(const char *what, uint64_t count, const char *items, uint64_t each, le_error *err);

/* Opens an input file for reading ("rb"): a directory is refused with "PATH: is a directory,
 * expected WHAT" (LE_ERR_IO) rather than left to fail as a read error deep in a parser; a
 * missing file is "PATH: cannot open: REASON" (LE_ERR_IO). *size is the file's size in bytes
 * for a regular file, -1 for anything else (a pipe, a terminal), so that a reader can check
 * a header's claims against it before allocating. */
le_code le_input_open(const char *path, const char *what, FILE **f, int64_t *size, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
