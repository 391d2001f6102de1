/* Network files: one element of 'connections' (docs/network-file.md). The weights come in
 * one of three forms (a synapse list, a dense matrix, a .npy file); delays as one value,
 * one per synapse in the list, or a list checked once the synapse count is known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "models/netfile_parts.h"
#include "models/npy.h"

enum { C_FROM, C_TO, C_SYNAPSES, C_WEIGHTS, C_NPY, C_WEXP, C_DELAY, C_SIGN, C_WBITS, C_TO_AUX, C_N };
static const char *const conn_keys[C_N] = {"from", "to",    "synapses",  "weights",     "npy",
                                           "wexp", "delay", "sign_mode", "weight_bits", "to_aux"};
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
    int n_forms = !!v[C_SYNAPSES] + !!v[C_WEIGHTS] + !!v[C_NPY];
    if (n_forms != 1)
        return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE,
                           "%s: give exactly one of 'synapses', 'weights' or 'npy' (found %d)", k->what, n_forms);
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

typedef struct {
    uint32_t *src, *dst;
    int16_t *w;
    uint8_t *d;
} syn_arrays;

static void syn_arrays_free(syn_arrays *a)
{
    free(a->src);
    free(a->dst);
    free(a->w);
    free(a->d);
}

/* One synapse [source, destination, weight(, delay)] into element j of a. */
static le_code read_synapse(le_netfile_ctx *c, const conn *k, int t, size_t j, syn_arrays *a, int *has_delay)
{
    le_cfg *cfg = c->cfg;
    const long long max_delay = le_limits_loihi1()->max_delay;
    char wk[300];
    snprintf(wk, sizeof wk, "%s: synapse %zu", k->what, j);
    le_code rc = le_cfg_want(cfg, t, LE_CFG_SEQ, wk, c->err);
    if (rc)
        return rc;
    int len = le_cfg_seq_len(cfg, t);
    if (len != 3 && len != 4)
        return le_cfg_fail(cfg, t, c->err, LE_ERR_PARSE,
                           "%s: expected [source, destination, weight] or [source, destination, weight, delay], found "
                           "%d values", wk, len);
    long long e[4] = {0, 0, 0, k->delay_all};
    const long long elo[4] = {0, 0, k->lo, 0};
    const long long ehi[4] = {(long long)k->S->size - 1, (long long)k->D->size - 1, k->hi, max_delay};
    static const char *const ename[4] = {"source", "destination", "weight", "delay"};
    for (int i = 0; i < len; i++) {
        char we[340];
        if (i == 2)
            snprintf(we, sizeof we, "%s: weight (sign mode %s)", wk, le_sign_mode_name(k->sign));
        else
            snprintf(we, sizeof we, "%s: %s", wk, ename[i]);
        if ((rc = le_cfg_int(cfg, le_cfg_seq_item(cfg, t, i), we, elo[i], ehi[i], &e[i], c->err)))
            return rc;
    }
    *has_delay |= len == 4;
    a->src[j] = (uint32_t)e[0];
    a->dst[j] = (uint32_t)e[1];
    a->w[j] = (int16_t)e[2];
    a->d[j] = (uint8_t)e[3];
    return LE_OK;
}

/* 'synapses': the list as written, delays per synapse or from 'delay'. */
static le_code read_synapses(le_netfile_ctx *c, int n, const conn *k)
{
    le_cfg *cfg = c->cfg;
    int L = k->v[C_SYNAPSES];
    char w[260];
    le_code rc = le_cfg_want(cfg, L, LE_CFG_SEQ, le_netfile_label(w, sizeof w, k->what, "synapses"), c->err);
    if (rc)
        return rc;
    size_t n_syn = (size_t)le_cfg_seq_len(cfg, L);
    syn_arrays a = {malloc((n_syn + 1) * sizeof(uint32_t)), malloc((n_syn + 1) * sizeof(uint32_t)),
                    malloc((n_syn + 1) * sizeof(int16_t)), malloc(n_syn + 1)};
    if (!a.src || !a.dst || !a.w || !a.d) {
        syn_arrays_free(&a);
        return le_cfg_fail(cfg, L, c->err, LE_ERR_NOMEM, "%s: out of memory for %zu synapses", k->what, n_syn);
    }
    int any_delay_field = 0;
    for (size_t j = 0; j < n_syn && !rc; j++)
        rc = read_synapse(c, k, le_cfg_seq_item(cfg, L, (int)j), j, &a, &any_delay_field);
    if (!rc && any_delay_field && k->v[C_DELAY])
        rc = le_cfg_fail(cfg, k->v[C_DELAY], c->err, LE_ERR_PARSE,
                         "%s: delays are given both per synapse and in 'delay'", k->what);
    if (rc) {
        syn_arrays_free(&a);
        return rc;
    }
    le_connection cn;
    memset(&cn, 0, sizeof cn);
    cn.src_pop = k->sp;
    cn.dst_pop = k->dp;
    cn.n = (uint32_t)n_syn;
    cn.src = a.src;
    cn.dst = a.dst;
    cn.weight = a.w;
    cn.delay = a.d;
    cn.wexp = k->wexp;
    cn.sign = k->sign;
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
    size_t rows = (size_t)le_cfg_seq_len(cfg, M);
    if (rows != ns)
        return le_cfg_fail(cfg, M, c->err, LE_ERR_PARSE, "%s: %zu rows, expected %u (one per neuron of '%s')", w,
                           rows, ns, k->S->name);
    float *mat = malloc(((size_t)ns * nd + 1) * sizeof *mat);
    if (!mat)
        return le_cfg_fail(cfg, M, c->err, LE_ERR_NOMEM, "%s: out of memory", w);
    for (size_t r = 0; r < rows && !rc; r++) {
        int R = le_cfg_seq_item(cfg, M, (int)r);
        char wr[300];
        snprintf(wr, sizeof wr, "%s: row %zu", w, r);
        if ((rc = le_cfg_want(cfg, R, LE_CFG_SEQ, wr, c->err)))
            break;
        size_t cols = (size_t)le_cfg_seq_len(cfg, R);
        if (cols != nd) {
            rc = le_cfg_fail(cfg, R, c->err, LE_ERR_PARSE, "%s: %zu columns, expected %u (one per neuron of '%s')",
                             wr, cols, nd, k->D->name);
            break;
        }
        for (size_t col = 0; col < cols && !rc; col++) {
            char wc[512];
            long long x = 0;
            snprintf(wc, sizeof wc, "%s, column %zu (sign mode %s)", wr, col, le_sign_mode_name(k->sign));
            rc = le_cfg_int(cfg, le_cfg_seq_item(cfg, R, (int)col), wc, k->lo, k->hi, &x, c->err);
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

/* 'delay' as a list: one entry per synapse of the connection just added. */
static le_code read_delay_list(le_netfile_ctx *c, int n, const conn *k, le_connection *cn)
{
    le_cfg *cfg = c->cfg;
    size_t len = (size_t)le_cfg_seq_len(cfg, k->delay_list);
    if (len != cn->n)
        return le_cfg_fail(cfg, k->delay_list, c->err, LE_ERR_PARSE,
                           "%s: delay list has %zu entries for %u synapses (non-zero weights, row by row)", k->what,
                           len, cn->n);
    if (!cn->delay && !(cn->delay = calloc((size_t)cn->n + 1, 1)))
        return le_cfg_fail(cfg, n, c->err, LE_ERR_NOMEM, "%s: out of memory", k->what);
    for (size_t j = 0; j < len; j++) {
        char wk[300];
        long long x = 0;
        snprintf(wk, sizeof wk, "%s: delay %zu", k->what, j);
        le_code rc = le_cfg_int(cfg, le_cfg_seq_item(cfg, k->delay_list, (int)j), wk, 0,
                                le_limits_loihi1()->max_delay, &x, c->err);
        if (rc)
            return rc;
        cn->delay[j] = (uint8_t)x;
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
        (rc = v[C_SYNAPSES] ? read_synapses(c, n, &k) : read_dense(c, n, &k)))
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
