/* What `loihi-emu compare` and `loihi-emu sweep` share: running the program's own
 * commands as child processes (each with its own simulation state, several at once), and
 * reading back what they wrote (the cost report's figures, the link trace's totals). */
#ifndef LE_EMU_STUDY_H
#define LE_EMU_STUDY_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_STUDY_MAX_ARGS 256

typedef struct {
    char *argv[LE_STUDY_MAX_ARGS + 1]; /* argv[0] = this program; NULL-terminated */
    int argc;
    char log[1100];                    /* stdout and stderr go here */
    int status;                        /* exit status once run; -1 when it did not exit */
} le_study_job;

/* Splits a command line on blanks, with '...' and "..." quoting (no other shell syntax). */
le_code le_study_split(const char *line, char **out, int cap, int *n, le_error *err);
/* Appends a copy of s to the job's argv. */
le_code le_study_arg(le_study_job *j, const char *s, le_error *err);
void le_study_job_free(le_study_job *j);
/* Runs the jobs, at most `parallel` at a time; each job's status is filled. */
le_code le_study_run(le_study_job *jobs, uint32_t n, uint32_t parallel, le_error *err);
/* The job's command as one line a shell takes back (arguments quoted when needed),
 * without argv[0] ("loihi-emu" is written instead) and without the last `skip_tail` args. */
void le_study_command(const le_study_job *j, int skip_tail, char *buf, size_t cap);
/* The machine's cores (at least 1). */
uint32_t le_study_cores(void);

/* A number in one of our report JSON files: the member `key` of the object `obj` (NULL:
 * anywhere after the start). 0 when found. */
int le_study_json_num(const char *text, const char *obj, const char *key, double *out);
/* A whole file into a NUL-terminated buffer (free it). */
le_code le_study_slurp(const char *path, char **out, le_error *err);

/* Runs /usr/bin/python3 with args (NULL-terminated, the script first) and waits. */
le_code le_study_python(const char *const *args, le_error *err);

/* Per-link totals of a trace folder's links.csv. */
typedef struct {
    uint32_t link, chip, x, y;
    int32_t core;
    char cls[8];
    char dir;
    uint64_t packets;
    int64_t wait_ps;
} le_study_link;
le_code le_study_links(const char *trace_dir, le_study_link **out, uint32_t *n, le_error *err);
/* The sum of a numeric column of a trace folder's steps.csv (every step of the run). */
le_code le_study_steps_sum(const char *trace_dir, const char *column, double *out, le_error *err);
/* "chip 0 port E", "chip 1 router (7,2) N", "chip 1 core 17 local". */
void le_study_link_name(const le_study_link *l, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
