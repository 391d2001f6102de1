/* Comma-separated files: a reader for the small tables shipped with the models (sample
 * lists, fixtures) and a field writer for the CSV files the commands write.
 *
 * The dialect is RFC 4180 plus what the shipped files need: lines starting with '#' before
 * a record are comments, blank lines are skipped, "\r\n" ends a line like "\n", and a field
 * in double quotes may hold commas, newlines and doubled quotes (""). Errors name the file
 * and the line the record starts on. */
#ifndef LE_UTIL_CSV_H
#define LE_UTIL_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    int owns_file;
    char name[512];      /* for messages */
    uint32_t next_line;  /* physical line the next character is on */
    uint32_t line;       /* line the current record started on */
    char *buf;           /* the current record's fields, each NUL-terminated */
    size_t len, cap;
    size_t *start;       /* per field: offset into buf */
    uint32_t n_fields, cap_fields;
    char **field;        /* per field: pointer into buf, valid until the next record */
    uint32_t cap_ptrs;
} le_csv_reader;

/* Opens path; LE_ERR_IO "cannot open PATH: <reason>" when it cannot. */
le_code le_csv_open(le_csv_reader *r, const char *path, le_error *err);
/* Reads from an open stream, which the caller keeps (and closes); name is for messages. */
void le_csv_init(le_csv_reader *r, FILE *f, const char *name);
void le_csv_close(le_csv_reader *r);

/* The next record: LE_OK with *have = 1 and r->field[0..n_fields) set, or LE_OK with
 * *have = 0 at the end of the file; LE_ERR_PARSE on a malformed quoted field, LE_ERR_IO on
 * a read error, LE_ERR_NOMEM. */
le_code le_csv_next(le_csv_reader *r, int *have, le_error *err);

/* Field i of the current record as a whole number in [lo, hi]: digits only, no sign, no
 * spaces. Returns 0 when it is not one (the caller knows what the column means and words
 * the message). */
int le_csv_uint(const le_csv_reader *r, uint32_t i, uint32_t lo, uint32_t hi, uint32_t *out);

/* Writes s as one field, in double quotes (inner quotes doubled) when it holds a comma, a
 * quote, a CR or a LF. Returns 0, or EOF when the write failed. */
int le_csv_put_field(FILE *f, const char *s);

/* s as one CSV field into out (cap bytes, NUL-terminated), quoted as le_csv_put_field
 * writes it, for writers that print a row in one call. Returns 0, or -1 when it does not
 * fit (2 * strlen(s) + 3 bytes always do). */
int le_csv_field(const char *s, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
