/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *le_outfile_name(const le_outfile *o)
{
    return o->is_stdout ? "<stdout>" : o->path;
}

/* "what path" for messages, e.g. "--trace out.csv" or "--trace <stdout>". */
static const char *label(const le_outfile *o, char *buf, size_t cap)
{
    if (o->what && *o->what)
        snprintf(buf, cap, "%s %s", o->what, le_outfile_name(o));
    else
        snprintf(buf, cap, "%s", le_outfile_name(o));
    return buf;
}

/* The directory part of path ("." when it has none). */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* Where the file really is: realpath of an existing file, else realpath(dir)/base. 0 when
 * the directory cannot be resolved. */
static int resolve(const char *path, char *out, size_t cap)
{
    char buf[PATH_MAX];
    if (realpath(path, buf)) {
        snprintf(out, cap, "%s", buf);
        return 1;
    }
    char dir[LE_OUTFILE_PATH_MAX];
    dir_of(path, dir, sizeof dir);
    if (!realpath(dir, buf))
        return 0;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int n = snprintf(out, cap, "%s%s%s", buf, strcmp(buf, "/") ? "/" : "", base);
    return n > 0 && (size_t)n < cap;
}

le_code le_outfile_open(le_outfile *o, le_error *err)
{
    char lb[LE_OUTFILE_PATH_MAX + 64];
    o->f = NULL;
    o->tmp[0] = '\0';
    o->is_stdout = !strcmp(o->path, "-");
    if (o->is_stdout) {
        o->f = stdout;
        return LE_OK;
    }
    struct stat st;
    if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        o->in_place = 1;
        if (!(o->f = fopen(o->path, "w")))
            return le_fail(err, LE_ERR_IO, "%s: cannot write: %s", label(o, lb, sizeof lb), strerror(errno));
        return LE_OK;
    }
    if (!resolve(o->path, o->target, sizeof o->target))
        return le_fail(err, LE_ERR_IO, "%s: cannot write: the directory does not exist", label(o, lb, sizeof lb));
    int n = snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%ld", o->target, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof o->tmp) {
        o->tmp[0] = '\0';
        return le_fail(err, LE_ERR_IO, "%s: cannot write: the path is too long", label(o, lb, sizeof lb));
    }
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    /* A file that is replaced keeps its permissions. */
    struct stat old;
    if (fd >= 0 && stat(o->target, &old) == 0)
        (void)fchmod(fd, old.st_mode & 07777);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        o->tmp[0] = '\0';
        return le_fail(err, LE_ERR_IO, "%s: cannot write: %s", label(o, lb, sizeof lb), strerror(e));
    }
    return LE_OK;
}

le_code le_outfile_open_path(le_outfile *o, const char *what, const char *path, le_error *err)
{
    memset(o, 0, sizeof *o);
    o->what = what;
    o->path = path;
    return le_outfile_open(o, err);
}

void le_outfile_discard(le_outfile *o)
{
    if (!o->f)
        return;
    if (!o->is_stdout)
        fclose(o->f);
    if (o->tmp[0])
        unlink(o->tmp);
    o->f = NULL;
    o->tmp[0] = '\0';
}

le_code le_outfile_commit(le_outfile *o, le_error *err)
{
    if (!o->f)
        return LE_OK;
    char lb[LE_OUTFILE_PATH_MAX + 64];
    /* errno of the failing call, or 0 when an earlier write failed without one kept. */
    errno = 0;
    int bad = fflush(o->f) != 0 || ferror(o->f);
    int e = bad ? errno : 0;
    if (o->is_stdout) {
        o->f = NULL;
        if (bad)
            return le_fail(err, LE_ERR_IO, "%s: write failed%s%s", label(o, lb, sizeof lb), e ? ": " : "",
                           e ? strerror(e) : "");
        return LE_OK;
    }
    if (!bad && !o->in_place && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != EROFS) {
        bad = 1;
        e = errno;
    }
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp[0] && rename(o->tmp, o->target) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        if (o->tmp[0])
            unlink(o->tmp);
        o->tmp[0] = '\0';
        return le_fail(err, LE_ERR_IO, "%s: write failed%s%s", label(o, lb, sizeof lb), e ? ": " : "",
                       e ? strerror(e) : "");
    }
    o->tmp[0] = '\0';
    return LE_OK;
}

le_code le_outfile_write(const char *what, const char *path, le_outfile_writer write, void *ctx, le_error *err)
{
    le_outfile o;
    le_code rc = le_outfile_open_path(&o, what, path, err);
    if (rc)
        return rc;
    if ((rc = write(ctx, o.f, le_outfile_name(&o), err))) {
        le_outfile_discard(&o);
        return rc;
    }
    return le_outfile_commit(&o, err);
}

void le_io_init(le_io *io)
{
    memset(io, 0, sizeof *io);
}

void le_io_input(le_io *io, const char *what, const char *path)
{
    if (!path || io->n_in == LE_IO_MAX)
        return;
    io->in[io->n_in].what = what;
    io->in[io->n_in].path = path;
    io->n_in++;
}

le_outfile *le_io_output(le_io *io, const char *what, const char *path)
{
    if (!path || io->n_out == LE_IO_MAX)
        return NULL;
    le_outfile *o = &io->out[io->n_out++];
    memset(o, 0, sizeof *o);
    o->what = what;
    o->path = path;
    o->is_stdout = !strcmp(path, "-");
    return o;
}

typedef struct {
    char real[LE_OUTFILE_PATH_MAX];
    int exists;
    dev_t dev;
    ino_t ino;
} ident;

static void identify(const char *path, ident *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = 1;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    if (!resolve(path, id->real, sizeof id->real))
        snprintf(id->real, sizeof id->real, "%s", path);
}

static int same(const ident *a, const ident *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return !strcmp(a->real, b->real);
}

/* One output on its own: a file that may be written where it is named. */
static le_code check_output(const le_outfile *o, le_error *err)
{
    char lb[LE_OUTFILE_PATH_MAX + 64];
    if (!*o->path)
        return le_fail(err, LE_ERR_USAGE, "%s: expected a file name, found an empty one", o->what);
    struct stat st;
    if (stat(o->path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return le_fail(err, LE_ERR_IO, "%s: cannot write: it is a directory, expected a file",
                           label(o, lb, sizeof lb));
        if (access(o->path, W_OK) != 0)
            return le_fail(err, LE_ERR_IO, "%s: cannot write: %s", label(o, lb, sizeof lb), strerror(errno));
        if (!S_ISREG(st.st_mode))
            return LE_OK; /* a device or FIFO: written in place */
    }
    /* A file that a symbolic link names is written where the link points. */
    char real[PATH_MAX], dir[LE_OUTFILE_PATH_MAX];
    dir_of(realpath(o->path, real) ? real : o->path, dir, sizeof dir);
    if (stat(dir, &st) != 0)
        return le_fail(err, LE_ERR_IO, "%s: cannot write: directory %s: %s", label(o, lb, sizeof lb), dir,
                       strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return le_fail(err, LE_ERR_IO, "%s: cannot write: %s is not a directory", label(o, lb, sizeof lb), dir);
    if (access(dir, W_OK | X_OK) != 0)
        return le_fail(err, LE_ERR_IO, "%s: cannot write in directory %s: %s", label(o, lb, sizeof lb), dir,
                       strerror(errno));
    return LE_OK;
}

le_code le_io_check(le_io *io, le_error *err)
{
    char lb[LE_OUTFILE_PATH_MAX + 64], lb2[LE_OUTFILE_PATH_MAX + 64];
    ident *out = calloc(io->n_out + 1, sizeof *out);
    if (!out)
        return le_fail(err, LE_ERR_NOMEM, "checking the output files: out of memory");
    le_code rc = LE_OK;
    for (uint32_t i = 0; i < io->n_out && !rc; i++) {
        const le_outfile *o = &io->out[i];
        if (o->is_stdout) {
            for (uint32_t k = 0; k < i && !rc; k++)
                if (io->out[k].is_stdout)
                    rc = le_fail(err, LE_ERR_USAGE, "%s and %s both write to stdout ('-'); give one of them a file",
                                 io->out[k].what, o->what);
            continue;
        }
        if ((rc = check_output(o, err)))
            break;
        identify(o->path, &out[i]);
        struct stat st;
        /* Two writers on /dev/null are harmless; on one file, one would clobber the other. */
        int special = stat(o->path, &st) == 0 && !S_ISREG(st.st_mode);
        for (uint32_t k = 0; k < i && !rc && !special; k++)
            if (!io->out[k].is_stdout && same(&out[k], &out[i]))
                rc = le_fail(err, LE_ERR_USAGE, "%s and %s name one file; each output needs its own",
                             label(&io->out[k], lb, sizeof lb), label(o, lb2, sizeof lb2));
        for (uint32_t k = 0; k < io->n_in && !rc && !special; k++) {
            ident in;
            identify(io->in[k].path, &in);
            /* An input that does not exist is the reader's error to report (or a name, such
             * as a shipped board's, that is not a file). */
            if (in.exists && same(&in, &out[i]))
                rc = le_fail(err, LE_ERR_USAGE, "%s would overwrite the %s %s, which the run reads; expected a "
                                                "different file",
                             label(o, lb, sizeof lb), io->in[k].what, io->in[k].path);
        }
    }
    free(out);
    return rc;
}

void le_io_discard(le_io *io)
{
    for (uint32_t i = 0; i < io->n_out; i++)
        le_outfile_discard(&io->out[i]);
}

void le_std_streams_guard(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* stdin and stdout read-only: reading gives EOF, writing fails with EBADF. */
        int nfd = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
        if (nfd >= 0 && nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

le_code le_stdout_check(le_error *err)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = bad ? errno : 0;
    if (bad || ferror(stdout))
        return le_fail(err, LE_ERR_IO, "<stdout>: write failed%s%s", e ? ": " : "", e ? strerror(e) : "");
    return LE_OK;
}
