#include "util/progress.h"

#include <stdarg.h>
#include <unistd.h>

#define BAR_WIDTH 40u

void le_progress_init(le_progress *p, FILE *f, uint32_t total, const char *unit)
{
    p->f = f;
    p->on = f && isatty(fileno(f));
    p->total = total;
    p->every = 10;
    p->unit = unit ? unit : "items";
}

void le_progress_update(le_progress *p, uint32_t done, const char *extra, ...)
{
    if (!p->on || p->total == 0 || done == 0 || done > p->total)
        return;
    int last = done == p->total;
    if (!last && (p->every == 0 || done % p->every != 0))
        return;
    uint32_t fill = (uint32_t)((uint64_t)done * BAR_WIDTH / p->total);
    char bar[BAR_WIDTH + 1];
    for (uint32_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = 0;
    /* A progress bar is best effort: a failed write to the terminal is not an error of the run. */
    fprintf(p->f, "\r[%s] %u/%u %s", bar, done, p->total, p->unit);
    if (extra) {
        va_list ap;
        va_start(ap, extra);
        fputs(", ", p->f);
        vfprintf(p->f, extra, ap);
        va_end(ap);
    }
    if (last)
        fputc('\n', p->f);
    fflush(p->f);
}
