#include "util/error.h"

#include "util/interrupt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

le_code le_fail(le_error *err, le_code code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void le_error_prefix(le_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char head[LE_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    /* Build "head: old" by hand: snprintf truncation warnings are errors here. */
    char old[LE_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    size_t hl = strnlen(head, sizeof head - 1);
    size_t room = sizeof err->msg - 1;
    size_t n = hl < room ? hl : room;
    memcpy(err->msg, head, n);
    if (n + 2 <= room) {
        err->msg[n++] = ':';
        err->msg[n++] = ' ';
    }
    size_t ol = strnlen(old, sizeof old - 1);
    size_t m = ol < room - n ? ol : room - n;
    memcpy(err->msg + n, old, m);
    err->msg[n + m] = '\0';
}

void le_error_clear(le_error *err)
{
    if (err) {
        err->code = LE_OK;
        err->msg[0] = '\0';
    }
}

const char *le_code_name(le_code code)
{
    switch (code) {
    case LE_OK: return "ok";
    case LE_ERR_LIMIT: return "limit exceeded";
    case LE_ERR_RANGE: return "out of range";
    case LE_ERR_IO: return "i/o error";
    case LE_ERR_PARSE: return "parse error";
    case LE_ERR_CONFIG: return "configuration error";
    case LE_ERR_NOMEM: return "out of memory";
    case LE_ERR_DATA: return "data error";
    case LE_ERR_USAGE: return "usage error";
    case LE_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown error";
}

int le_exit_status(le_code code)
{
    switch (code) {
    case LE_OK: return 0;
    case LE_ERR_USAGE: return 2;
    case LE_ERR_LIMIT: return 3;
    case LE_ERR_IO:
    case LE_ERR_DATA: return 4;
    case LE_ERR_INTERRUPTED: return le_interrupt_exit_status();
    default: return 1;
    }
}
