#include "emu/study.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/csv.h"

le_code le_study_split(const char *s, char **out, int cap, int *n, le_error *err)
{
    *n = 0;
    char buf[4096];
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        size_t k = 0;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                while (*s && *s != q && k + 1 < sizeof buf)
                    buf[k++] = *s++;
                if (*s != q)
                    return le_fail(err, LE_ERR_USAGE, "unbalanced %c in command '%.200s'", q, s);
                s++;
            } else if (k + 1 < sizeof buf)
                buf[k++] = *s++;
            else
                return le_fail(err, LE_ERR_USAGE, "an argument longer than %zu characters", sizeof buf);
        }
        buf[k] = '\0';
        if (*n >= cap)
            return le_fail(err, LE_ERR_USAGE, "a command of more than %d arguments", cap);
        if (!(out[(*n)++] = strdup(buf)))
            return le_fail(err, LE_ERR_NOMEM, "out of memory");
    }
    return LE_OK;
}

le_code le_study_arg(le_study_job *j, const char *s, le_error *err)
{
    if (j->argc >= LE_STUDY_MAX_ARGS)
        return le_fail(err, LE_ERR_USAGE, "a command of more than %d arguments", LE_STUDY_MAX_ARGS);
    if (!(j->argv[j->argc] = strdup(s)))
        return le_fail(err, LE_ERR_NOMEM, "out of memory");
    j->argv[++j->argc] = NULL;
    return LE_OK;
}

void le_study_job_free(le_study_job *j)
{
    for (int i = 0; i < j->argc; i++)
        free(j->argv[i]);
    j->argc = 0;
    j->argv[0] = NULL;
}

uint32_t le_study_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1;
}

static pid_t start(le_study_job *j, le_error *err)
{
    char self[1024];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0)
    {
        le_fail(err, LE_ERR_IO, "cannot find this program (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    self[k] = '\0';
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        le_fail(err, LE_ERR_IO, "cannot start a process: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open(j->log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(self, j->argv);
        _exit(127);
    }
    return pid;
}

le_code le_study_run(le_study_job *jobs, uint32_t n, uint32_t parallel, le_error *err)
{
    if (!parallel)
        parallel = 1;
    pid_t *pids = calloc(n + 1, sizeof *pids);
    if (!pids)
        return le_fail(err, LE_ERR_NOMEM, "out of memory");
    uint32_t next = 0, running = 0, done = 0;
    le_code rc = LE_OK;
    while (done < n) {
        while (!rc && running < parallel && next < n) {
            jobs[next].status = -1;
            pids[next] = start(&jobs[next], err);
            if (pids[next] < 0) {
                rc = LE_ERR_IO;
                break;
            }
            next++;
            running++;
        }
        if (!running)
            break;
        int st;
        pid_t p = wait(&st);
        if (p < 0) {
            if (errno == EINTR)
                continue;
            rc = le_fail(err, LE_ERR_IO, "waiting for a point: %s", strerror(errno));
            break;
        }
        for (uint32_t i = 0; i < next; i++)
            if (pids[i] == p) {
                jobs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                pids[i] = 0;
                running--;
                done++;
            }
    }
    free(pids);
    return rc;
}

static void quote(const char *s, char *buf, size_t cap, size_t *used)
{
    int plain = *s != '\0';
    for (const char *c = s; *c; c++)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') || strchr("-_./=,:+@%", *c)))
            plain = 0;
    int w = plain ? snprintf(buf + *used, cap - *used, "%s", s) : snprintf(buf + *used, cap - *used, "'%s'", s);
    if (w > 0 && *used + (size_t)w < cap)
        *used += (size_t)w;
}

void le_study_command(const le_study_job *j, int skip_tail, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    int w = snprintf(buf, cap, "loihi-emu");
    used = w > 0 ? (size_t)w : 0;
    for (int i = 1; i < j->argc - skip_tail && used + 2 < cap; i++) {
        buf[used++] = ' ';
        buf[used] = '\0';
        quote(j->argv[i], buf, cap, &used);
    }
}

le_code le_study_slurp(const char *path, char **out, le_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t k = fread(b + n, 1, cap - n - 1, f);
        n += k;
        if (n + 1 < cap)
            break;
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (!b)
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory", path);
    b[n] = '\0';
    *out = b;
    return LE_OK;
}

int le_study_json_num(const char *text, const char *obj, const char *key, double *out)
{
    char pat[128];
    const char *s = text;
    if (obj) {
        snprintf(pat, sizeof pat, "\"%s\":", obj);
        if (!(s = strstr(text, pat)))
            return -1;
    }
    snprintf(pat, sizeof pat, "\"%s\":", key);
    if (!(s = strstr(s, pat)))
        return -1;
    s += strlen(pat);
    char *e;
    *out = strtod(s, &e);
    return e == s ? -1 : 0;
}

le_code le_study_links(const char *dir, le_study_link **out, uint32_t *n, le_error *err)
{
    *out = NULL;
    *n = 0;
    char path[1100];
    snprintf(path, sizeof path, "%s/links.csv", dir);
    le_csv_reader r;
    le_code rc = le_csv_open(&r, path, err);
    if (rc)
        return rc;
    uint32_t cap = 0, *slot = NULL, slot_cap = 0; /* link id -> 1 + index */
    le_study_link *a = NULL;
    int have = 1, header = 1;
    while (!rc && (rc = le_csv_next(&r, &have, err)) == LE_OK && have) {
        if (header) {
            header = 0;
            continue;
        }
        if (r.n_fields != 12) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: expected 12 fields, found %u", path, r.line, r.n_fields);
            break;
        }
        uint32_t link = (uint32_t)strtoul(r.field[1], NULL, 10);
        if (link >= slot_cap) {
            uint32_t nc = slot_cap ? slot_cap : 1024;
            while (nc <= link)
                nc *= 2;
            uint32_t *ns = realloc(slot, nc * sizeof *ns);
            if (!ns) {
                rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
                break;
            }
            memset(ns + slot_cap, 0, (nc - slot_cap) * sizeof *ns);
            slot = ns;
            slot_cap = nc;
        }
        if (!slot[link]) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 256;
                le_study_link *na = realloc(a, cap * sizeof *na);
                if (!na) {
                    rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
                    break;
                }
                a = na;
            }
            le_study_link *l = &a[*n];
            memset(l, 0, sizeof *l);
            l->link = link;
            l->chip = (uint32_t)strtoul(r.field[2], NULL, 10);
            snprintf(l->cls, sizeof l->cls, "%s", r.field[3]);
            l->x = (uint32_t)strtoul(r.field[4], NULL, 10);
            l->y = (uint32_t)strtoul(r.field[5], NULL, 10);
            l->dir = r.field[6][0];
            l->core = (int32_t)strtol(r.field[7], NULL, 10);
            slot[link] = ++*n;
        }
        le_study_link *l = &a[slot[link] - 1];
        l->packets += strtoull(r.field[8], NULL, 10);
        l->wait_ps += strtoll(r.field[10], NULL, 10);
    }
    le_csv_close(&r);
    free(slot);
    if (rc) {
        free(a);
        *n = 0;
        return rc;
    }
    *out = a;
    return LE_OK;
}

void le_study_link_name(const le_study_link *l, char *buf, size_t cap)
{
    if (!strcmp(l->cls, "chip") || !strcmp(l->cls, "board"))
        snprintf(buf, cap, "chip %u port %c", l->chip, l->dir);
    else if (!strcmp(l->cls, "local"))
        snprintf(buf, cap, "chip %u core %d local", l->chip, l->core);
    else
        snprintf(buf, cap, "chip %u router (%u,%u) %c", l->chip, l->x, l->y, l->dir);
}

le_code le_study_python(const char *const *args, le_error *err)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = "/usr/bin/python3";
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return le_fail(err, LE_ERR_IO, "cannot start python3: %s", strerror(errno));
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY); /* the scripts list their files; the command says where */
        if (null >= 0)
            dup2(null, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return le_fail(err, LE_ERR_IO, "%s failed (exit %d; plots need Debian's python3-matplotlib)", args[0],
                       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return LE_OK;
}

le_code le_study_steps_sum(const char *dir, const char *column, double *out, le_error *err)
{
    *out = 0;
    char path[1100];
    snprintf(path, sizeof path, "%s/steps.csv", dir);
    le_csv_reader r;
    le_code rc = le_csv_open(&r, path, err);
    if (rc)
        return rc;
    int have = 1, col = -1;
    while ((rc = le_csv_next(&r, &have, err)) == LE_OK && have) {
        if (col < 0) {
            for (uint32_t i = 0; i < r.n_fields; i++)
                if (!strcmp(r.field[i], column))
                    col = (int)i;
            if (col < 0) {
                rc = le_fail(err, LE_ERR_PARSE, "%s: no column %s", path, column);
                break;
            }
            continue;
        }
        if ((uint32_t)col < r.n_fields)
            *out += strtod(r.field[col], NULL);
    }
    le_csv_close(&r);
    return rc;
}
