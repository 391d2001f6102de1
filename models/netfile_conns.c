/* Network files: one element of 'connections' (docs/network-file.md). The weights come in
 * one of four forms (a synapse list, a dense matrix, a .npy matrix, sparse .npy triplets);
 * delays as one value, one per synapse in the list or the triplets, or a list checked once
 * the synapse count is known. The big lists arrive as flat arrays (le_netfile_list) and are
 * checked here, in the order and with the messages of a walk over the document. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "models/netfile_parts.h"
#include "models/npy.h"

enum { C_FROM, C_TO, C_SYNAPSES, C_WEIGHTS, C_NPY, C_WEXP, C_DELAY, C_SIGN, C_WBITS, C_TO_AUX, C_NPYS, C_CONV, C_N };
static const char *const conn_keys[C_N] = {"from",  "to",        "synapses",    "weights", "npy",        "wexp",
                                           "delay", "sign_mode", "weight_bits", "to_aux",  "npy_sparse", "conv"};
/* In le_sign_mode order. */
static const char *const sign_names[] = {"split", "mixed", "excitatory", "inhibitory"};

/* What the keys other than the weights say, read before the weights so that their
 * ranges (sign mode) and the delay apply. */
typedef struct {
    const int *v;
    const char *what;
    uint32_t sp, dp;
    const le_population *S, *D;
    int32_t wexp;
    le_sign_mode sign;
    int32_t lo, hi;       /* mantissa range of the sign mode */
    uint8_t wbits;
    int to_aux;
    long long delay_all;  /* the scalar 'delay' */
    int delay_list;       /* or its list node */
} conn;

/* The .npy path relative to the YAML file's folder. */
static void npy_path(const char *yaml_path, const char *rel, char *out, size_t cap)
{
    const char *slash = strrchr(yaml_path, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, cap, "%s", rel);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - yaml_path), yaml_path, rel);
}

static le_code read_options(le_netfile_ctx *c, int n, conn *k)
{
    le_cfg *cfg = c->cfg;
    const int *v = k->v;
    const le_limits *lim = le_limits_loihi1();
    char w[260];
    long long x = 0;
    le_code rc;
    if (v[C_WEXP]) {
        le_netfile_label(w, sizeof w, k->what, "wexp");
        if ((rc = le_cfg_int(cfg, v[C_WEXP], w, lim->weight_exp_min, lim->weight_exp_max, &x, c->err)))
            return rc;
        k->wexp = (int32_t)x;
    }
    if (v[C_SIGN]) {
        int s = 0;
        if ((rc = le_cfg_choice(cfg, v[C_SIGN], k->what, "sign_mode", sign_names, 4, &s, c->err)))
            return rc;
        k->sign = (le_sign_mode)s;
    }
    if (v[C_WBITS]) {
        le_netfile_label(w, sizeof w, k->what, "weight_bits");
        if ((rc = le_cfg_int(cfg, v[C_WBITS], w, 1, 8, &x, c->err)))
            return rc;
        k->wbits = (uint8_t)x;
    }
    if (v[C_TO_AUX]) {
        le_netfile_label(w, sizeof w, k->what, "to_aux");
        if ((rc = le_cfg_bool(cfg, v[C_TO_AUX], w, &k->to_aux, c->err)))
            return rc;
        if (k->to_aux && k->D->kind != LE_POP_AHP)
            return le_cfg_fail(cfg, v[C_TO_AUX], c->err, LE_ERR_CONFIG,
                               "%s: to_aux needs an ahp destination ('%s' is not)", k->what, k->D->name);
    }
    int n_forms = !!v[C_SYNAPSES] + !!v[C_WEIGHTS] + !!v[C_NPY] + !!v[C_NPYS] + !!v[C_CONV];
    if (n_forms != 1)
        return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE,
                           "%s: give exactly one of 'synapses', 'weights', 'npy', 'npy_sparse' or 'conv' (found %d)",
                           k->what, n_forms);
    le_sign_range(k->sign, &k->lo, &k->hi);
    if (v[C_DELAY]) {
        le_netfile_label(w, sizeof w, k->what, "delay");
        if (le_cfg_kind_of(cfg, v[C_DELAY]) == LE_CFG_SEQ)
            k->delay_list = v[C_DELAY];
        else if ((rc = le_cfg_int(cfg, v[C_DELAY], w, 0, lim->max_delay, &k->delay_all, c->err)))
            return rc;
    }
    return LE_OK;
}

/* The first problem of synapse j, in the order a document walk meets it (LE_OK: none). */
static le_code synapse_error(le_netfile_ctx *c, const conn *k, const le_netfile_list *L, size_t j)
{
    char wk[300];
    snprintf(wk, sizeof wk, "%s: synapse %zu", k->what, j);
    if (L->bad && L->bad_item == j && L->bad == LE_NL_ITEM_KIND)
        return le_netfile_list_fail(c, L->bad_line, LE_ERR_PARSE, "%s: expected a list, found %s", wk, L->bad_found);
    if (L->bad && L->bad_item == j && L->bad == LE_NL_LEN)
        return le_netfile_list_fail(c, L->bad_line, LE_ERR_PARSE,
                         "%s: expected [source, destination, weight] or [source, destination, weight, delay], found "
                         "%lld values", wk, L->bad_val);
    const long long elo[4] = {0, 0, k->lo, 0};
    const long long ehi[4] = {(long long)k->S->size - 1, (long long)k->D->size - 1, k->hi,
                              le_limits_loihi1()->max_delay};
    static const char *const ename[4] = {"source", "destination", "weight", "delay"};
    const long long val[4] = {L->src[j], L->dst[j], L->w[j], L->d[j]};
    for (uint32_t i = 0; i < L->len[j] && i < 4; i++) {
        char we[340];
        if (i == 2)
            snprintf(we, sizeof we, "%s: weight (sign mode %s)", wk, le_sign_mode_name(k->sign));
        else
            snprintf(we, sizeof we, "%s: %s", wk, ename[i]);
        le_code rc = le_netfile_list_value(c, L, j, i, we, val[i], elo[i], ehi[i]);
        if (rc)
            return rc;
    }
    return LE_OK;
}

/* An array of n items (at least one allocated) taken from a list, trimmed to its length. */
static void *take(void **p, size_t n, size_t elem)
{
    void *q = realloc(*p, (n ? n : 1) * elem);
    if (!q)
        q = *p;
    *p = NULL;
    return q;
}

/* 'synapses': the list as written, delays per synapse or from 'delay'. */
static le_code read_synapses(le_netfile_ctx *c, int n, const conn *k)
{
    le_cfg *cfg = c->cfg;
    int Ln = k->v[C_SYNAPSES];
    char w[260];
    le_code rc = le_cfg_want(cfg, Ln, LE_CFG_SEQ, le_netfile_label(w, sizeof w, k->what, "synapses"), c->err);
    if (rc)
        return rc;
    le_netfile_list *L = &c->lists[LE_NL_SYNAPSES];
    const uint32_t smax = k->S->size - 1, dmax = k->D->size - 1, maxd = le_limits_loihi1()->max_delay;
    for (size_t j = 0; j < L->n; j++) {
        if (!(L->bad && L->bad_item == j) && L->src[j] <= smax && L->dst[j] <= dmax && L->w[j] >= k->lo &&
            L->w[j] <= k->hi && L->d[j] <= maxd)
            continue;
        if ((rc = synapse_error(c, k, L, j)))
            return rc;
    }
    if (L->any4 && k->v[C_DELAY])
        return le_cfg_fail(cfg, k->v[C_DELAY], c->err, LE_ERR_PARSE,
                           "%s: delays are given both per synapse and in 'delay'", k->what);
    if (L->n > UINT32_MAX)
        return le_cfg_fail(cfg, Ln, c->err, LE_ERR_LIMIT, "%s: %zu synapses, more than %u", k->what, L->n,
                           UINT32_MAX);
    le_connection cn;
    memset(&cn, 0, sizeof cn);
    cn.src_pop = k->sp;
    cn.dst_pop = k->dp;
    cn.n = (uint32_t)L->n;
    cn.src = take((void **)&L->src, L->n, sizeof *cn.src);
    cn.dst = take((void **)&L->dst, L->n, sizeof *cn.dst);
    cn.weight = take((void **)&L->w, L->n, sizeof *cn.weight);
    cn.delay = take((void **)&L->d, L->n, sizeof *cn.delay);
    cn.wexp = k->wexp;
    cn.sign = k->sign;
    if (!cn.src || !cn.dst || !cn.weight || !cn.delay) {
        free(cn.src);
        free(cn.dst);
        free(cn.weight);
        free(cn.delay);
        return le_cfg_fail(cfg, Ln, c->err, LE_ERR_NOMEM, "%s: out of memory for %u synapses", k->what, cn.n);
    }
    if (!L->any4 && k->delay_all)
        memset(cn.delay, (int)k->delay_all, cn.n);
    if ((rc = le_network_add_conn(c->net, &cn, c->err)))
        return le_cfg_prefix(cfg, n, c->err, rc);
    return LE_OK;
}

/* 'weights': one row per source neuron, one column per destination neuron, into mat. */
static le_code read_matrix(le_netfile_ctx *c, const conn *k, float **out)
{
    le_cfg *cfg = c->cfg;
    int M = k->v[C_WEIGHTS];
    const uint32_t ns = k->S->size, nd = k->D->size;
    char w[260];
    le_netfile_label(w, sizeof w, k->what, "weights");
    le_code rc = le_cfg_want(cfg, M, LE_CFG_SEQ, w, c->err);
    if (rc)
        return rc;
    const le_netfile_list *L = &c->lists[LE_NL_WEIGHTS];
    size_t rows = L->n;
    if (rows != ns)
        return le_cfg_fail(cfg, M, c->err, LE_ERR_PARSE, "%s: %zu rows, expected %u (one per neuron of '%s')", w,
                           rows, ns, k->S->name);
    float *mat = malloc(((size_t)ns * nd + 1) * sizeof *mat);
    if (!mat)
        return le_cfg_fail(cfg, M, c->err, LE_ERR_NOMEM, "%s: out of memory", w);
    size_t at = 0;
    for (size_t r = 0; r < rows && !rc; r++) {
        char wr[300];
        snprintf(wr, sizeof wr, "%s: row %zu", w, r);
        if (L->bad && L->bad_item == r && L->bad == LE_NL_ITEM_KIND) {
            rc = le_netfile_list_fail(c, L->bad_line, LE_ERR_PARSE, "%s: expected a list, found %s", wr, L->bad_found);
            break;
        }
        size_t cols = L->len[r];
        if (cols != nd) {
            rc = le_netfile_list_fail(c, (int)L->item_line[r], LE_ERR_PARSE,
                           "%s: %zu columns, expected %u (one per neuron of '%s')", wr, cols, nd, k->D->name);
            break;
        }
        int bad_row = L->bad && L->bad_item == r;
        for (size_t col = 0; col < cols && !rc; col++) {
            long long x = bad_row && L->bad_idx <= col ? 0 : L->vals[at++];
            if (!bad_row && x >= k->lo && x <= k->hi) {
                mat[r * nd + col] = (float)x;
                continue;
            }
            char wc[512];
            snprintf(wc, sizeof wc, "%s, column %zu (sign mode %s)", wr, col, le_sign_mode_name(k->sign));
            rc = le_netfile_list_value(c, L, r, (uint32_t)col, wc, x, k->lo, k->hi);
            mat[r * nd + col] = (float)x;
        }
    }
    if (rc) {
        free(mat);
        return rc;
    }
    *out = mat;
    return LE_OK;
}

/* 'weights' or 'npy': a dense matrix whose non-zero entries become the synapses; the
 * scalar delay applies to all of them. */
static le_code read_dense(le_netfile_ctx *c, int n, const conn *k)
{
    le_cfg *cfg = c->cfg;
    const int *v = k->v;
    float *mat = NULL;
    le_npy arr;
    memset(&arr, 0, sizeof arr);
    le_code rc;
    if (v[C_WEIGHTS]) {
        if ((rc = read_matrix(c, k, &mat)))
            return rc;
    } else {
        const char *rel = NULL;
        char w[260];
        le_netfile_label(w, sizeof w, k->what, "npy");
        if ((rc = le_cfg_str(cfg, v[C_NPY], w, &rel, c->err)))
            return rc;
        char full[4096];
        npy_path(cfg->path, rel, full, sizeof full);
        if ((rc = le_npy_read(full, k->S->size, k->D->size, &arr, c->err))) {
            le_error_prefix(c->err, "%s", w);
            return le_cfg_prefix(cfg, v[C_NPY], c->err, rc);
        }
        mat = arr.data;
    }
    rc = le_network_connect_dense(c->net, k->sp, k->dp, mat, k->wexp, k->sign, c->err);
    if (v[C_NPY])
        le_npy_free(&arr);
    else
        free(mat);
    if (rc)
        return le_cfg_prefix(cfg, v[C_WEIGHTS] ? v[C_WEIGHTS] : v[C_NPY], c->err, rc);
    le_connection *cn = &c->net->conns[c->net->n_conns - 1];
    if (k->delay_all || k->delay_list) {
        cn->delay = calloc((size_t)cn->n + 1, 1);
        if (!cn->delay)
            return le_cfg_fail(cfg, n, c->err, LE_ERR_NOMEM, "%s: out of memory", k->what);
        memset(cn->delay, (int)k->delay_all, cn->n);
    }
    return LE_OK;
}

enum { S_SRC, S_DST, S_W, S_DELAY, S_N };
static const char *const sparse_keys[S_N] = {"src", "dst", "w", "delay"};

/* 'npy_sparse': synapse i is (src[i], dst[i], w[i], delay[i]) from four 1-D .npy arrays of
 * equal length, any integer or float dtype holding whole numbers; read exactly (not through
 * float), one array at a time into the connection's own arrays. */
static le_code read_sparse(le_netfile_ctx *c, int n, const conn *k)
{
    le_cfg *cfg = c->cfg;
    int node = k->v[C_NPYS], sv[S_N];
    char w[260];
    le_netfile_label(w, sizeof w, k->what, "npy_sparse");
    le_code rc = le_cfg_keys(cfg, node, w, sparse_keys, S_N, sv, c->err);
    if (rc)
        return rc;
    for (int i = 0; i < S_DELAY; i++)
        if (!sv[i])
            return le_cfg_fail(cfg, node, c->err, LE_ERR_PARSE, "%s: missing '%s'", w, sparse_keys[i]);
    if (sv[S_DELAY] && k->v[C_DELAY])
        return le_cfg_fail(cfg, k->v[C_DELAY], c->err, LE_ERR_PARSE,
                           "%s: delays are given both in 'npy_sparse' and in 'delay'", k->what);
    const long long lo[S_N] = {0, 0, k->lo, 0};
    const long long hi[S_N] = {(long long)k->S->size - 1, (long long)k->D->size - 1, k->hi,
                               le_limits_loihi1()->max_delay};
    static const char *const meaning[S_N] = {"source neuron", "destination neuron", "weight mantissa", "delay"};
    le_connection cn;
    memset(&cn, 0, sizeof cn);
    size_t count = 0;
    for (int i = 0; i < S_N && !rc; i++) {
        if (!sv[i])
            continue;
        char wi[300];
        const char *rel = NULL;
        le_netfile_label(wi, sizeof wi, w, sparse_keys[i]);
        if ((rc = le_cfg_str(cfg, sv[i], wi, &rel, c->err)))
            break;
        char full[4096];
        npy_path(cfg->path, rel, full, sizeof full);
        le_npy_raw a;
        if ((rc = le_npy_read_raw(full, 0, 0, &a, c->err))) {
            le_error_prefix(c->err, "%s", wi);
            rc = le_cfg_prefix(cfg, sv[i], c->err, rc);
            break;
        }
        if (a.ndim != 1)
            rc = le_cfg_fail(cfg, sv[i], c->err, LE_ERR_PARSE,
                             "%s: %s: %u dimensions; expected a 1-D array (one entry per synapse)", wi, rel, a.ndim);
        else if (i == S_SRC) {
            count = a.count;
            if (count > UINT32_MAX)
                rc = le_cfg_fail(cfg, sv[i], c->err, LE_ERR_LIMIT, "%s: %zu synapses, more than %u", wi, count,
                                 UINT32_MAX);
            else if ((rc = le_connection_init(&cn, k->sp, k->dp, k->wexp, k->sign, count,
                                              sv[S_DELAY] || k->delay_all || k->delay_list, c->err)))
                rc = le_cfg_prefix(cfg, sv[i], c->err, rc);
        } else if (a.count != count)
            rc = le_cfg_fail(cfg, sv[i], c->err, LE_ERR_PARSE, "%s: %s has %zu entries, src has %zu", wi, rel,
                             a.count, count);
        for (size_t q = 0; q < a.count && !rc; q++) {
            double x = le_npy_raw_value(&a, q);
            if (!isfinite(x) || x != floor(x))
                rc = le_cfg_fail(cfg, sv[i], c->err, LE_ERR_RANGE, "%s: %s: entry %zu is %g, not a whole %s", wi,
                                 rel, q, x, meaning[i]);
            else if (x < (double)lo[i] || x > (double)hi[i])
                rc = le_cfg_fail(cfg, sv[i], c->err, LE_ERR_RANGE,
                                 "%s: %s: entry %zu is %.0f, outside %lld..%lld%s%s", wi, rel, q, x, lo[i], hi[i],
                                 i == S_W ? " for sign mode " : "", i == S_W ? le_sign_mode_name(k->sign) : "");
            else if (i == S_SRC)
                cn.src[q] = (uint32_t)x;
            else if (i == S_DST)
                cn.dst[q] = (uint32_t)x;
            else if (i == S_W)
                cn.weight[q] = (int16_t)x;
            else
                cn.delay[q] = (uint8_t)x;
        }
        le_npy_raw_free(&a);
    }
    if (rc) {
        free(cn.src);
        free(cn.dst);
        free(cn.weight);
        free(cn.delay);
        return rc;
    }
    cn.n = (uint32_t)count;
    if (!sv[S_DELAY] && k->delay_all)
        memset(cn.delay, (int)k->delay_all, cn.n);
    if ((rc = le_network_add_conn(c->net, &cn, c->err)))
        return le_cfg_prefix(cfg, n, c->err, rc);
    return LE_OK;
}

enum { V_IN_SIZE, V_IN_CH, V_OUT_CH, V_KERNEL, V_STRIDE, V_PADDING, V_WEIGHTS, V_POP_TYPE, V_N };
static const char *const conv_keys[V_N] = {"in_size", "in_channels", "out_channels", "kernel",
                                           "stride",  "padding",     "weights",      "pop_type"};

/* A size given as one number (both axes) or as [height, width]. */
static le_code read_pair(le_netfile_ctx *c, int node, const char *what, long long lo, long long hi, uint32_t out[2])
{
    le_cfg *cfg = c->cfg;
    long long x = 0;
    le_code rc;
    if (le_cfg_kind_of(cfg, node) != LE_CFG_SEQ) {
        if ((rc = le_cfg_int(cfg, node, what, lo, hi, &x, c->err)))
            return rc;
        out[0] = out[1] = (uint32_t)x;
        return LE_OK;
    }
    if (le_cfg_seq_len(cfg, node) != 2)
        return le_cfg_fail(cfg, node, c->err, LE_ERR_PARSE, "%s: expected one number or [height, width], found %d values",
                           what, le_cfg_seq_len(cfg, node));
    for (int i = 0; i < 2; i++) {
        if ((rc = le_cfg_int(cfg, le_cfg_seq_item(cfg, node, i), what, lo, hi, &x, c->err)))
            return rc;
        out[i] = (uint32_t)x;
    }
    return LE_OK;
}

/* 'conv': a convolution through population axons (models/network.h, le_conv): shapes, and the
 * kernel from a .npy file in PyTorch's (out_channels, in_channels, kernel_h, kernel_w) order
 * (also accepted flattened to 1-D or to (out_channels, rest)). */
static le_code read_conv(le_netfile_ctx *c, const conn *k)
{
    le_cfg *cfg = c->cfg;
    int node = k->v[C_CONV], cv_[V_N];
    char w[260], wi[300];
    le_netfile_label(w, sizeof w, k->what, "conv");
    le_code rc = le_cfg_keys(cfg, node, w, conv_keys, V_N, cv_, c->err);
    if (rc)
        return rc;
    static const int required[] = {V_IN_SIZE, V_IN_CH, V_OUT_CH, V_KERNEL, V_WEIGHTS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!cv_[required[i]])
            return le_cfg_fail(cfg, node, c->err, LE_ERR_PARSE, "%s: missing '%s'", w, conv_keys[required[i]]);
    if (k->delay_list)
        return le_cfg_fail(cfg, k->delay_list, c->err, LE_ERR_PARSE,
                           "%s: a convolution takes one delay for all its synapses, not a list", k->what);
    le_conv cv;
    memset(&cv, 0, sizeof cv);
    uint32_t pr[2] = {1, 1};
    long long x = 0;
    if ((rc = read_pair(c, cv_[V_IN_SIZE], le_netfile_label(wi, sizeof wi, w, "in_size"), 1, 65535, pr)))
        return rc;
    cv.in_h = pr[0];
    cv.in_w = pr[1];
    if ((rc = le_cfg_int(cfg, cv_[V_IN_CH], le_netfile_label(wi, sizeof wi, w, "in_channels"), 1, 65535, &x, c->err)))
        return rc;
    cv.in_ch = (uint32_t)x;
    if ((rc = le_cfg_int(cfg, cv_[V_OUT_CH], le_netfile_label(wi, sizeof wi, w, "out_channels"), 1, 65535, &x,
                         c->err)))
        return rc;
    cv.out_ch = (uint32_t)x;
    if ((rc = read_pair(c, cv_[V_KERNEL], le_netfile_label(wi, sizeof wi, w, "kernel"), 1, 1024, pr)))
        return rc;
    cv.kernel_h = pr[0];
    cv.kernel_w = pr[1];
    pr[0] = pr[1] = 1;
    if (cv_[V_STRIDE] && (rc = read_pair(c, cv_[V_STRIDE], le_netfile_label(wi, sizeof wi, w, "stride"), 1, 1024, pr)))
        return rc;
    cv.stride_h = pr[0];
    cv.stride_w = pr[1];
    pr[0] = pr[1] = 0;
    if (cv_[V_PADDING] &&
        (rc = read_pair(c, cv_[V_PADDING], le_netfile_label(wi, sizeof wi, w, "padding"), 0, 1024, pr)))
        return rc;
    cv.pad_h = pr[0];
    cv.pad_w = pr[1];
    cv.pop_type = LE_POP32;
    if (cv_[V_POP_TYPE]) {
        if ((rc = le_cfg_int(cfg, cv_[V_POP_TYPE], le_netfile_label(wi, sizeof wi, w, "pop_type"), 16, 32, &x,
                             c->err)))
            return rc;
        if (x != 16 && x != 32)
            return le_cfg_fail(cfg, cv_[V_POP_TYPE], c->err, LE_ERR_RANGE, "%s: %lld: expected 16 or 32", wi, x);
        cv.pop_type = (uint8_t)x;
    }
    cv.delay = (uint8_t)k->delay_all;
    /* The kernel. */
    const char *rel = NULL;
    le_netfile_label(wi, sizeof wi, w, "weights");
    if ((rc = le_cfg_str(cfg, cv_[V_WEIGHTS], wi, &rel, c->err)))
        return rc;
    char full[4096];
    npy_path(cfg->path, rel, full, sizeof full);
    le_npy_raw a;
    if ((rc = le_npy_read_raw(full, 0, 0, &a, c->err))) {
        le_error_prefix(c->err, "%s", wi);
        return le_cfg_prefix(cfg, cv_[V_WEIGHTS], c->err, rc);
    }
    const size_t nk = (size_t)cv.out_ch * cv.in_ch * cv.kernel_h * cv.kernel_w;
    const size_t want4[4] = {cv.out_ch, cv.in_ch, cv.kernel_h, cv.kernel_w};
    int shape_ok = a.count == nk && (a.ndim == 1 || (a.ndim == 2 && a.shape[0] == cv.out_ch) ||
                                     (a.ndim == 4 && !memcmp(a.shape, want4, sizeof want4)));
    if (!shape_ok) {
        le_npy_raw_free(&a);
        return le_cfg_fail(cfg, cv_[V_WEIGHTS], c->err, LE_ERR_PARSE,
                           "%s: %s: %zu values in %u dimensions; expected (%u, %u, %u, %u) = %zu (out_channels, "
                           "in_channels, kernel_h, kernel_w)",
                           wi, rel, a.count, a.ndim, cv.out_ch, cv.in_ch, cv.kernel_h, cv.kernel_w, nk);
    }
    if (!(cv.weight = malloc((nk ? nk : 1) * sizeof *cv.weight))) {
        le_npy_raw_free(&a);
        return le_cfg_fail(cfg, cv_[V_WEIGHTS], c->err, LE_ERR_NOMEM, "%s: out of memory", wi);
    }
    for (size_t q = 0; q < nk; q++) {
        double v = le_npy_raw_value(&a, q);
        if (!isfinite(v) || v != floor(v) || v < -32768 || v > 32767) {
            le_npy_raw_free(&a);
            free(cv.weight);
            return le_cfg_fail(cfg, cv_[V_WEIGHTS], c->err, LE_ERR_RANGE, "%s: %s: entry %zu is %g, not a weight mantissa",
                               wi, rel, q, v);
        }
        cv.weight[q] = (int16_t)v;
    }
    le_npy_raw_free(&a);
    if ((rc = le_network_add_conv(c->net, k->sp, k->dp, &cv, k->wexp, k->sign, c->err)))
        return le_cfg_prefix(cfg, node, c->err, rc);
    return LE_OK;
}

/* 'delay' as a list: one entry per synapse of the connection just added. */
static le_code read_delay_list(le_netfile_ctx *c, int n, const conn *k, le_connection *cn)
{
    le_cfg *cfg = c->cfg;
    const le_netfile_list *L = &c->lists[LE_NL_DELAY];
    size_t len = L->n;
    if (len != cn->n)
        return le_cfg_fail(cfg, k->delay_list, c->err, LE_ERR_PARSE,
                           "%s: delay list has %zu entries for %u synapses (non-zero weights, row by row)", k->what,
                           len, cn->n);
    if (!cn->delay && !(cn->delay = calloc((size_t)cn->n + 1, 1)))
        return le_cfg_fail(cfg, n, c->err, LE_ERR_NOMEM, "%s: out of memory", k->what);
    const long long maxd = le_limits_loihi1()->max_delay;
    for (size_t j = 0; j < len; j++) {
        if ((!L->bad || L->bad_item != j) && L->d[j] <= maxd) {
            cn->delay[j] = L->d[j];
            continue;
        }
        char wk[300];
        snprintf(wk, sizeof wk, "%s: delay %zu", k->what, j);
        le_code rc = le_netfile_list_value(c, L, j, 0, wk, L->bad && L->bad_item == j ? 0 : L->d[j], 0, maxd);
        if (rc)
            return rc;
    }
    return LE_OK;
}

le_code le_netfile_connection(le_netfile_ctx *c, int n, uint32_t idx)
{
    le_cfg *cfg = c->cfg;
    int v[C_N];
    char what[200];
    snprintf(what, sizeof what, "connection %u", idx + 1);
    le_code rc = le_cfg_keys(cfg, n, what, conn_keys, C_N, v, c->err);
    if (rc)
        return rc;
    if (!v[C_FROM] || !v[C_TO])
        return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE, "%s: missing '%s'", what, !v[C_FROM] ? "from" : "to");
    conn k = {.v = v, .what = what, .sign = LE_SIGN_SPLIT, .wbits = 8};
    if ((rc = le_netfile_find_pop(c, v[C_FROM], what, &k.sp)) || (rc = le_netfile_find_pop(c, v[C_TO], what, &k.dp)))
        return rc;
    k.S = &c->net->pops[k.sp];
    k.D = &c->net->pops[k.dp];
    snprintf(what, sizeof what, "connection %s -> %s", k.S->name, k.D->name);
    if (k.D->kind == LE_POP_INPUT)
        return le_cfg_fail(cfg, v[C_TO], c->err, LE_ERR_CONFIG,
                           "%s: '%s' is an input population (it has no compartments)", what, k.D->name);
    if ((rc = read_options(c, n, &k)) ||
        (rc = v[C_SYNAPSES] ? read_synapses(c, n, &k)
                        : (v[C_NPYS] ? read_sparse(c, n, &k) : (v[C_CONV] ? read_conv(c, &k) : read_dense(c, n, &k)))))
        return rc;
    le_connection *cn = &c->net->conns[c->net->n_conns - 1];
    cn->weight_bits = k.wbits;
    cn->to_aux = (uint8_t)k.to_aux;
    if (k.delay_list && (rc = read_delay_list(c, n, &k, cn)))
        return rc;
    if ((rc = le_network_check_conn(c->net, c->net->n_conns - 1, c->err)))
        return le_cfg_prefix(cfg, n, c->err, rc);
    return LE_OK;
}
