/* Output files that are never lost or half-written.
 *
 * A command registers its inputs and outputs in one le_io and checks them together before it
 * starts any work (le_io_check): every output's directory exists and is writable, no output
 * is a directory, an existing output is writable, no output is one of the inputs (compared by
 * device and inode when both exist, else by the resolved path), and no two outputs are one
 * file (or both stdout).
 *
 * An output is written to PATH.tmp-PID in the same directory (le_outfile_open) and renamed
 * onto PATH only when complete (le_outfile_commit: flush, check every write, fsync, close,
 * rename), so a reader never sees half a file and a failed run leaves the old PATH alone. On
 * failure le_outfile_discard removes the temporary file; a process killed outright leaves it
 * under that clearly-named temporary name. "-" is stdout, checked the same way (flush and
 * ferror) and named "<stdout>" in messages. An output that exists and is not a regular file
 * (/dev/null, a FIFO) is written in place: renaming onto it would replace the device. */
#ifndef LE_UTIL_OUTFILE_H
#define LE_UTIL_OUTFILE_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_OUTFILE_PATH_MAX 4096
#define LE_IO_MAX 16

typedef struct {
    const char *what;                   /* the option or role, e.g. "--trace"; for messages */
    const char *path;                   /* as given; "-" is stdout */
    char target[LE_OUTFILE_PATH_MAX];   /* the file renamed onto (symbolic links resolved) */
    char tmp[LE_OUTFILE_PATH_MAX];      /* PATH.tmp-PID while open */
    FILE *f;                            /* the stream to write, NULL until opened */
    int is_stdout, in_place;
} le_outfile;

/* "<stdout>" or the path as given. */
const char *le_outfile_name(const le_outfile *o);

/* Opens the output for writing (le_outfile_open: one registered by le_io_output): the
 * temporary file, or stdout, or the special file itself. LE_ERR_IO naming the file when it
 * cannot. */
le_code le_outfile_open_path(le_outfile *o, const char *what, const char *path, le_error *err);
le_code le_outfile_open(le_outfile *o, le_error *err);

/* Completes the file: every write checked, fsync, close, rename onto PATH. On failure the
 * temporary file is removed and the error (LE_ERR_IO) names the file and the reason. For
 * stdout: flush and check, stdout stays open. Safe on an unopened outfile (LE_OK). */
le_code le_outfile_commit(le_outfile *o, le_error *err);

/* Closes and removes the temporary file (PATH is untouched). Safe to call twice. */
void le_outfile_discard(le_outfile *o);

/* Writes to path through a temporary file in one call: write(ctx, f, err) fills f. */
typedef le_code (*le_outfile_writer)(void *ctx, FILE *f, const char *name, le_error *err);
le_code le_outfile_write(const char *what, const char *path, le_outfile_writer write, void *ctx, le_error *err);

typedef struct {
    struct {
        const char *what, *path;
    } in[LE_IO_MAX];
    uint32_t n_in;
    le_outfile out[LE_IO_MAX];
    uint32_t n_out;
} le_io;

void le_io_init(le_io *io);
/* Registers an input (a file the command reads); NULL path: ignored. */
void le_io_input(le_io *io, const char *what, const char *path);
/* Registers an output; NULL path: ignored, returns NULL. The returned outfile is opened by
 * le_outfile_open when the command is ready to write it. */
le_outfile *le_io_output(le_io *io, const char *what, const char *path);
/* The checks above; LE_ERR_USAGE for two outputs on one file or an output onto an input,
 * LE_ERR_IO for a missing or unwritable directory or file. */
le_code le_io_check(le_io *io, le_error *err);
/* Discards every output still open (error paths). */
void le_io_discard(le_io *io);

/* The command-line program calls this first: a standard stream that is closed (`>&-`) is
 * reopened on /dev/null (stdout read-only, so that every write to it fails and is reported
 * instead of landing in the first file the program opens, which would get its descriptor). */
void le_std_streams_guard(void);

/* At the end of the program: flushes stdout; LE_ERR_IO "<stdout>: write failed: REASON"
 * when any write to it failed (a full disk, a closed pipe, a closed descriptor). */
le_code le_stdout_check(le_error *err);

#ifdef __cplusplus
}
#endif
#endif
