#include "run/mpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef LE_HAVE_MPI
#include <mpi.h>
#endif

static int active;
static uint32_t rank, size = 1;

int le_mpi_active(void) { return size > 1; }
uint32_t le_mpi_rank(void) { return rank; }
uint32_t le_mpi_size(void) { return size; }

#ifdef LE_HAVE_MPI

int le_mpi_built(void) { return 1; }

/* One process: the gathers are a copy. */
static le_code local_copy(const void *buf, size_t len, void **out, size_t **lens, le_error *err)
{
    *out = malloc(len ? len : 1);
    *lens = malloc(sizeof **lens);
    if (!*out || !*lens) {
        free(*out), free(*lens);
        *out = NULL;
        *lens = NULL;
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %zu bytes", len);
    }
    if (len)
        memcpy(*out, buf, len);
    (*lens)[0] = len;
    return LE_OK;
}

void le_mpi_init(int *argc, char ***argv)
{
    const char *ompi = getenv("OMPI_COMM_WORLD_SIZE"), *pmi = getenv("PMI_SIZE");
    if (!(ompi && *ompi) && !(pmi && *pmi))
        return;
    int provided = 0, r = 0, s = 1;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return;
    /* Errors come back as codes, never abort the job behind the caller's back. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    active = 1;
    rank = (uint32_t)r;
    size = (uint32_t)s;
}

int le_mpi_finalize(int status)
{
    if (!active)
        return status;
    int all = status;
    MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    active = 0;
    return all;
}

static le_code mpi_fail(le_error *err, int code, const char *what)
{
    char s[MPI_MAX_ERROR_STRING];
    int n = 0;
    MPI_Error_string(code, s, &n);
    return le_fail(err, LE_ERR_IO, "MPI %s on rank %u: %s", what, rank, s);
}

le_code le_mpi_agree(le_code rc, le_error *err)
{
    if (size <= 1)
        return rc;
    int mine = rc ? (int)rank : INT_MAX, first = INT_MAX;
    int e = MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (e != MPI_SUCCESS)
        return mpi_fail(err, e, "agreement");
    if (first == INT_MAX)
        return LE_OK;
    struct {
        int code;
        char msg[LE_ERROR_MSG_MAX];
    } m;
    memset(&m, 0, sizeof m);
    if ((int)rank == first) {
        m.code = (int)err->code;
        if (first != 0)
            snprintf(m.msg, sizeof m.msg, "rank %d: %.*s", first, LE_ERROR_MSG_MAX - 32, err->msg);
        else
            memcpy(m.msg, err->msg, sizeof m.msg);
    }
    e = MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, first, MPI_COMM_WORLD);
    if (e != MPI_SUCCESS)
        return mpi_fail(err, e, "error broadcast");
    err->code = (le_code)m.code;
    memcpy(err->msg, m.msg, sizeof err->msg);
    err->msg[sizeof err->msg - 1] = 0;
    return err->code ? err->code : LE_ERR_CONFIG;
}

/* Messages longer than INT_MAX bytes go in pieces. */
#define CHUNK ((size_t)1 << 30)

le_code le_mpi_send(uint32_t to, int tag, const void *buf, size_t len, le_error *err)
{
    uint64_t n = len;
    int e = MPI_Send(&n, 1, MPI_UINT64_T, (int)to, tag, MPI_COMM_WORLD);
    for (size_t off = 0; e == MPI_SUCCESS && off < len; off += CHUNK) {
        size_t k = len - off < CHUNK ? len - off : CHUNK;
        e = MPI_Send((const char *)buf + off, (int)k, MPI_BYTE, (int)to, tag, MPI_COMM_WORLD);
    }
    return e == MPI_SUCCESS ? LE_OK : mpi_fail(err, e, "send");
}

le_code le_mpi_recv(uint32_t from, int tag, void **buf, size_t *len, le_error *err)
{
    uint64_t n = 0;
    *buf = NULL;
    *len = 0;
    int e = MPI_Recv(&n, 1, MPI_UINT64_T, (int)from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (e != MPI_SUCCESS)
        return mpi_fail(err, e, "receive");
    char *b = malloc(n ? n : 1);
    if (!b)
        return le_fail(err, LE_ERR_NOMEM, "MPI receive on rank %u: out of memory for %llu bytes", rank,
                       (unsigned long long)n);
    for (size_t off = 0; e == MPI_SUCCESS && off < n; off += CHUNK) {
        size_t k = n - off < CHUNK ? n - off : CHUNK;
        e = MPI_Recv(b + off, (int)k, MPI_BYTE, (int)from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    if (e != MPI_SUCCESS) {
        free(b);
        return mpi_fail(err, e, "receive");
    }
    *buf = b;
    *len = n;
    return LE_OK;
}

le_code le_mpi_allreduce_sum_u64(uint64_t *v, size_t n, le_error *err)
{
    if (size <= 1 || !n)
        return LE_OK;
    int e = MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return e == MPI_SUCCESS ? LE_OK : mpi_fail(err, e, "sum");
}

le_code le_mpi_allreduce_max_i64(int64_t *v, size_t n, le_error *err)
{
    if (size <= 1 || !n)
        return LE_OK;
    int e = MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    return e == MPI_SUCCESS ? LE_OK : mpi_fail(err, e, "maximum");
}

le_code le_mpi_allgatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err)
{
    if (size <= 1)
        return local_copy(buf, len, out, lens, err);
    *out = NULL;
    *lens = calloc(size, sizeof **lens);
    int *cnt = calloc(size, sizeof *cnt), *disp = calloc(size, sizeof *disp);
    long long mine = (long long)len, *all = calloc(size, sizeof *all);
    if (!*lens || !cnt || !disp || !all) {
        free(*lens), free(cnt), free(disp), free(all);
        *lens = NULL;
        return le_fail(err, LE_ERR_NOMEM, "MPI gather on rank %u: out of memory", rank);
    }
    le_code rc = LE_OK;
    int e = MPI_Allgather(&mine, 1, MPI_LONG_LONG, all, 1, MPI_LONG_LONG, MPI_COMM_WORLD);
    size_t total = 0;
    for (uint32_t r = 0; e == MPI_SUCCESS && r < size; r++) {
        (*lens)[r] = (size_t)all[r];
        disp[r] = (int)total;
        cnt[r] = (int)all[r];
        total += (size_t)all[r];
    }
    if (e != MPI_SUCCESS)
        rc = mpi_fail(err, e, "gather");
    else if (total > INT_MAX)
        rc = le_fail(err, LE_ERR_LIMIT, "MPI gather: %zu bytes in one step exceed one message (2 GiB)", total);
    else if (!(*out = malloc(total ? total : 1)))
        rc = le_fail(err, LE_ERR_NOMEM, "MPI gather on rank %u: out of memory for %zu bytes", rank, total);
    else if ((e = MPI_Allgatherv(buf, (int)len, MPI_BYTE, *out, cnt, disp, MPI_BYTE, MPI_COMM_WORLD)) != MPI_SUCCESS)
        rc = mpi_fail(err, e, "gather");
    free(cnt);
    free(disp);
    free(all);
    if (rc) {
        free(*out);
        free(*lens);
        *out = NULL;
        *lens = NULL;
    }
    return rc;
}

le_code le_mpi_gatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err)
{
    if (size <= 1)
        return local_copy(buf, len, out, lens, err);
    *out = NULL;
    *lens = NULL;
    int mine = (int)len, *cnt = NULL, *disp = NULL;
    if (len > INT_MAX)
        return le_fail(err, LE_ERR_LIMIT, "MPI gather: %zu bytes exceed one message (2 GiB)", len);
    if (rank == 0) {
        cnt = calloc(size, sizeof *cnt);
        disp = calloc(size, sizeof *disp);
        *lens = calloc(size, sizeof **lens);
        if (!cnt || !disp || !*lens) {
            free(cnt), free(disp), free(*lens);
            *lens = NULL;
            return le_fail(err, LE_ERR_NOMEM, "MPI gather on rank 0: out of memory");
        }
    }
    int e = MPI_Gather(&mine, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    le_code rc = e == MPI_SUCCESS ? LE_OK : mpi_fail(err, e, "gather");
    size_t total = 0;
    if (!rc && rank == 0) {
        for (uint32_t r = 0; r < size; r++) {
            disp[r] = (int)total;
            (*lens)[r] = (size_t)cnt[r];
            total += (size_t)cnt[r];
        }
        if (total > INT_MAX)
            rc = le_fail(err, LE_ERR_LIMIT, "MPI gather: %zu bytes in one step exceed one message (2 GiB)", total);
        else if (!(*out = malloc(total ? total : 1)))
            rc = le_fail(err, LE_ERR_NOMEM, "MPI gather on rank 0: out of memory for %zu bytes", total);
    }
    /* Every rank takes part even when rank 0 failed above: it aborts afterwards. */
    if (!rc || rank != 0) {
        e = MPI_Gatherv(buf, mine, MPI_BYTE, *out, cnt, disp, MPI_BYTE, 0, MPI_COMM_WORLD);
        if (e != MPI_SUCCESS && !rc)
            rc = mpi_fail(err, e, "gather");
    }
    free(cnt);
    free(disp);
    if (rc) {
        free(*out);
        free(*lens);
        *out = NULL;
        *lens = NULL;
    }
    return rc;
}

void le_mpi_abort(const le_error *err)
{
    fprintf(stderr, "loihi-emu: rank %u: %s\n", rank, err->msg);
    fflush(stderr);
    if (active)
        MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

le_code le_mpi_barrier(le_error *err)
{
    if (size <= 1)
        return LE_OK;
    int e = MPI_Barrier(MPI_COMM_WORLD);
    return e == MPI_SUCCESS ? LE_OK : mpi_fail(err, e, "barrier");
}

double le_mpi_wtime(void)
{
    if (active)
        return MPI_Wtime();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#else /* no MPI in this build: one process */

int le_mpi_built(void) { return 0; }
void le_mpi_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)active;
}
int le_mpi_finalize(int status) { return status; }
le_code le_mpi_agree(le_code rc, le_error *err)
{
    (void)err;
    return rc;
}
le_code le_mpi_send(uint32_t to, int tag, const void *buf, size_t len, le_error *err)
{
    (void)to, (void)tag, (void)buf, (void)len;
    return le_fail(err, LE_ERR_CONFIG, "this loihi-emu was built without MPI");
}
le_code le_mpi_recv(uint32_t from, int tag, void **buf, size_t *len, le_error *err)
{
    (void)from, (void)tag, (void)buf, (void)len;
    return le_fail(err, LE_ERR_CONFIG, "this loihi-emu was built without MPI");
}
le_code le_mpi_allreduce_sum_u64(uint64_t *v, size_t n, le_error *err)
{
    (void)v, (void)n, (void)err;
    return LE_OK;
}
le_code le_mpi_allreduce_max_i64(int64_t *v, size_t n, le_error *err)
{
    (void)v, (void)n, (void)err;
    return LE_OK;
}
le_code le_mpi_allgatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err)
{
    *out = malloc(len ? len : 1);
    *lens = malloc(sizeof **lens);
    if (!*out || !*lens) {
        free(*out), free(*lens);
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %zu bytes", len);
    }
    memcpy(*out, buf, len);
    (*lens)[0] = len;
    return LE_OK;
}
le_code le_mpi_gatherv(const void *buf, size_t len, void **out, size_t **lens, le_error *err)
{
    return le_mpi_allgatherv(buf, len, out, lens, err);
}
void le_mpi_abort(const le_error *err)
{
    fprintf(stderr, "loihi-emu: %s\n", err->msg);
    exit(1); /* not reached: one process has no collective sequence to abandon */
}
le_code le_mpi_barrier(le_error *err)
{
    (void)err;
    return LE_OK;
}
double le_mpi_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
