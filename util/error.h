/* Errors are values: every fallible function returns an le_code and fills an
 * le_error with a one-line message that carries its context (file, core,
 * limit, value). Callers add context with le_error_prefix(); the top level
 * prints the message once. */
#ifndef LE_UTIL_ERROR_H
#define LE_UTIL_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LE_OK = 0,
    LE_ERR_LIMIT,   /* a hardware limit would be exceeded */
    LE_ERR_RANGE,   /* a parameter outside its register's range */
    LE_ERR_IO,      /* file missing or unreadable */
    LE_ERR_PARSE,   /* malformed file (YAML, .npy, IDX) */
    LE_ERR_CONFIG,  /* well-formed but inconsistent configuration */
    LE_ERR_NOMEM,
    LE_ERR_DATA,    /* reference data missing or corrupt */
    LE_ERR_USAGE,   /* bad command-line use */
    LE_ERR_INTERRUPTED /* SIGINT/SIGTERM: the run stopped after a whole step (util/interrupt.h) */
} le_code;

#define LE_ERROR_MSG_MAX 1024

typedef struct {
    le_code code;
    char msg[LE_ERROR_MSG_MAX];
} le_error;

/* Sets err (may be NULL) and returns code, so that `return le_fail(...)` reads well. */
le_code le_fail(le_error *err, le_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prepends "context: " to the message already in err. */
void le_error_prefix(le_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

void le_error_clear(le_error *err);
const char *le_code_name(le_code code);

/* Exit status the CLI uses for each code (non-zero for every error); an interrupted run
 * exits 128 + the signal's number, as a shell reports a process killed by it. */
int le_exit_status(le_code code);

#ifdef __cplusplus
}
#endif
#endif
