/* A one-line progress bar for long runs, redrawn in place with '\r'. It is drawn only when
 * the stream is a terminal, so that logs, pipes and test output stay free of it. */
#ifndef LE_UTIL_PROGRESS_H
#define LE_UTIL_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    int on;          /* draw at all: set by le_progress_init from isatty, may be overridden */
    uint32_t total;  /* items in the whole run */
    uint32_t every;  /* redraw after every `every` items (and after the last) */
    const char *unit; /* plural noun after the count, e.g. "images" */
} le_progress;

/* A bar of `total` items on f (usually stderr), redrawn every 10 items. */
void le_progress_init(le_progress *p, FILE *f, uint32_t total, const char *unit);

/* After `done` items (1..total): "\r[####....] done/total unit, <extra>"; a newline after
 * the last. extra is printf-style and may be NULL. */
void le_progress_update(le_progress *p, uint32_t done, const char *extra, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
