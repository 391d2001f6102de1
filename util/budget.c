#include "util/budget.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t budget = LE_BUDGET_DEFAULT;

void le_budget_set(uint64_t bytes) { budget = bytes ? bytes : LE_BUDGET_DEFAULT; }

uint64_t le_budget_get(void) { return budget; }

int le_budget_parse(const char *s, uint64_t *bytes)
{
    if (!s || !isdigit((unsigned char)s[0]))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && (end[0] == 'i' || end[0] == 'I') && (end[1] == 'B' || end[1] == 'b'))
        end += 2;
    else if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}

le_code le_budget_check(const char *what, uint64_t count, const char *items, uint64_t each, le_error *err)
{
    if (each && count > budget / each)
        return le_fail(err, LE_ERR_LIMIT,
                       "%s: %llu %s need at least %llu bytes (%.1f GiB), more than the memory limit of %llu bytes "
                       "(%.1f GiB; --mem-limit)",
                       what, (unsigned long long)count, items,
                       count > UINT64_MAX / each ? (unsigned long long)UINT64_MAX : (unsigned long long)(count * each),
                       (double)count * (double)each / (double)(1ull << 30), (unsigned long long)budget,
                       (double)budget / (double)(1ull << 30));
    return LE_OK;
}

le_code le_input_open(const char *path, const char *what, FILE **f, int64_t *size, le_error *err)
{
    *f = NULL;
    if (size)
        *size = -1;
    FILE *h = fopen(path, "rb");
    if (!h)
        return le_fail(err, LE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(h), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(h);
            return le_fail(err, LE_ERR_IO, "%s: is a directory, expected %s", path, what);
        }
        if (size && S_ISREG(st.st_mode))
            *size = (int64_t)st.st_size;
    }
    *f = h;
    return LE_OK;
}
