/* Finding a task's story files by number, and reading a set of tasks. */
#include "models/relnet/babi.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_HINT "run tools/fetch-data.sh or set LE_DATA_DIR"

static const char *const split_name[] = {"train", "test"};

le_code le_babi_task_path(const char *dir, unsigned task, le_babi_split split, char **out, le_error *err)
{
    *out = NULL;
    if (task < 1 || task > LE_BABI_TASKS)
        return le_fail(err, LE_ERR_RANGE, "bAbI task %u: expected 1..%u", task, LE_BABI_TASKS);
    char prefix[16], suffix[16];
    snprintf(prefix, sizeof prefix, "qa%u_", task);
    snprintf(suffix, sizeof suffix, "_%s.txt", split_name[split]);
    DIR *d = opendir(dir);
    if (!d)
        return le_fail(err, LE_ERR_DATA, "%s: cannot open the bAbI folder: %s; " FETCH_HINT, dir, strerror(errno));
    char *found = NULL;
    char other[256] = "";
    le_code rc = LE_OK;
    struct dirent *e;
    size_t pl = strlen(prefix), sl = strlen(suffix);
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < pl + sl || strncmp(e->d_name, prefix, pl) != 0 || strcmp(e->d_name + nl - sl, suffix) != 0)
            continue;
        if (found) {
            snprintf(other, sizeof other, "%s", e->d_name);
            break;
        }
        size_t n = strlen(dir) + 1u + nl + 1u;
        found = malloc(n);
        if (!found) {
            rc = le_fail(err, LE_ERR_NOMEM, "%s: no memory", dir);
            break;
        }
        snprintf(found, n, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (!rc && other[0]) {
        /* name the two in byte order: readdir's order differs between file systems */
        const char *a = strrchr(found, '/') + 1, *b = other;
        if (strcmp(a, b) > 0) {
            const char *t = a;
            a = b;
            b = t;
        }
        rc = le_fail(err, LE_ERR_DATA, "%s: two files match %s*%s: %s and %s", dir, prefix, suffix, a, b);
    }
    if (rc) {
        free(found);
        return rc;
    }
    if (!found)
        return le_fail(err, LE_ERR_DATA, "%s: no bAbI file %s*%s (task %u, %s); " FETCH_HINT, dir, prefix, suffix, task,
                       split_name[split]);
    *out = found;
    return LE_OK;
}

le_code le_babi_read_tasks(le_babi_corpus *c, const char *dir, uint32_t tasks, int with_train, int require_train,
                           le_error *err)
{
    for (unsigned k = 1; k <= LE_BABI_TASKS; k++) {
        if (!(tasks & LE_BABI_TASK_BIT(k)))
            continue;
        for (int s = with_train ? LE_BABI_TRAIN : LE_BABI_TEST; s <= LE_BABI_TEST; s++) {
            char *path = NULL;
            le_code rc = le_babi_task_path(dir, k, (le_babi_split)s, &path, err);
            if (rc == LE_ERR_DATA && s == LE_BABI_TRAIN && !require_train)
                continue; /* en-10k has no qa3 train file */
            if (rc)
                return rc;
            rc = le_babi_read_file(c, path, k, (le_babi_split)s, err);
            free(path);
            if (rc)
                return rc;
        }
    }
    return LE_OK;
}
