/* NIR graph -> le_network. Every weight node (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d,
 * AvgPool2d, Flatten, Delay, pass-through Input/Output) is a sparse matrix; the chain of
 * them between two spiking nodes is multiplied out into one connection, quantised to
 * 8-bit mantissas with one exponent (or two, when one loses too many small weights).
 * Neurons become compartments whose decays, threshold and bias are printed with the
 * rounding used. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/nir/nir.h"

le_nir_opts le_nir_defaults(void)
{
    le_nir_opts o = {.dt = 1e-4, .vscale = 0.0, .rounding = LE_NIR_DECAY_LAVA, .accept_reset_value = 0,
                     .split_zero_frac = 0.05};
    return o;
}

typedef enum { K_OTHER = 0, K_NEURON, K_SOURCE, K_LINEAR, K_SINK } kind;

typedef struct {
    uint32_t ndim;
    uint64_t dims[4];
    uint64_t size;
    int known;
} shape;

/* One sparse linear map: for input j, entries rowptr[j]..rowptr[j+1] of (out, w, delay). */
typedef struct {
    uint64_t n_in, n_out;
    uint64_t *rowptr;
    uint32_t *out;
    double *w;
    uint8_t *delay;
    double *bias; /* [n_out] or NULL */
} sparse;

/* A chain's product so far: triplets from source neuron to the current node's outputs. */
typedef struct {
    uint64_t n, cap;
    uint32_t *src, *dst;
    double *w;
    uint8_t *delay;
} trip;

typedef struct {
    const le_nir_graph *g;
    const le_nir_opts *o;
    le_error *err;
    kind *kinds;
    shape *shapes;
    sparse *lin;      /* per node, for K_LINEAR */
    int *is_top_input;
    double **ibias;   /* per neuron node: accumulated path bias (input units) */
    /* path connections found, before quantisation */
    struct pathconn {
        uint32_t src_node, dst_node;
        trip t;
        char via[256];
    } *pcs;
    uint32_t n_pcs;
} mapper;

static const char *neuron_types[] = {"LIF", "CubaLIF", "IF", "LI", "CubaLI"};
static const char *linear_types[] = {"Affine", "Linear", "Scale", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d",
                                     "Flatten", "Delay"};

static int in_list(const char *t, const char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t, l[i]))
            return 1;
    return 0;
}

static le_code need(mapper *m, uint32_t ni, const char *name, const le_nir_param **out)
{
    const le_nir_node *n = &m->g->nodes[ni];
    const le_nir_param *p = le_nir_param_get(n, name);
    if (!p || !p->data)
        return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): missing the numeric parameter '%s'", m->g->path,
                       n->name, n->type, name);
    *out = p;
    return LE_OK;
}

/* A per-neuron parameter: one value for all or one per neuron. */
static le_code need_vec(mapper *m, uint32_t ni, const char *name, uint64_t size, const le_nir_param **out)
{
    le_code rc = need(m, ni, name, out);
    if (!rc && (*out)->count != 1 && (*out)->count != size)
        return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): parameter '%s' has %llu values, expected 1 or %llu",
                       m->g->path, m->g->nodes[ni].name, m->g->nodes[ni].type, name,
                       (unsigned long long)(*out)->count, (unsigned long long)size);
    return rc;
}

static double at(const le_nir_param *p, uint64_t i)
{
    return p->count == 1 ? p->data[0] : p->data[i];
}

static int n_in(const le_nir_graph *g, uint32_t ni)
{
    int c = 0;
    for (uint32_t e = 0; e < g->n_edges; e++)
        c += g->edges[e].dst == ni;
    return c;
}

static int n_out(const le_nir_graph *g, uint32_t ni)
{
    int c = 0;
    for (uint32_t e = 0; e < g->n_edges; e++)
        c += g->edges[e].src == ni;
    return c;
}

static void shape_from(shape *s, const uint64_t *dims, uint32_t nd)
{
    s->ndim = nd > 4 ? 4 : nd;
    s->size = 1;
    for (uint32_t i = 0; i < nd; i++) {
        if (i < 4)
            s->dims[i] = dims[i];
        s->size *= dims[i];
    }
    s->known = 1;
}

/* Shapes that need no neighbour. */
static le_code own_shape(mapper *m, uint32_t ni)
{
    const le_nir_node *n = &m->g->nodes[ni];
    shape *s = &m->shapes[ni];
    const le_nir_param *p = NULL;
    le_code rc;
    if (!strcmp(n->type, "Input") || !strcmp(n->type, "Output")) {
        if ((rc = need(m, ni, "shape", &p)))
            return rc;
        uint64_t d[4];
        if (p->count > 4 || p->count == 0)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'shape' has %llu entries, expected 1..4",
                           m->g->path, n->name, n->type, (unsigned long long)p->count);
        for (uint64_t i = 0; i < p->count; i++) {
            if (!(p->data[i] >= 1) || p->data[i] != floor(p->data[i]))
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'shape' entry %g is not a positive integer",
                               m->g->path, n->name, n->type, p->data[i]);
            d[i] = (uint64_t)p->data[i];
        }
        shape_from(s, d, (uint32_t)p->count);
    } else if (m->kinds[ni] == K_NEURON) {
        const char *key = !strcmp(n->type, "LI") ? "tau" : (!strcmp(n->type, "CubaLI") ? "tau_mem" : "v_threshold");
        if (!strcmp(n->type, "IF"))
            key = "v_threshold";
        if ((rc = need(m, ni, key, &p)))
            return rc;
        if (p->ndim == 0) {
            uint64_t one = 1;
            shape_from(s, &one, 1);
        } else
            shape_from(s, p->dims, p->ndim);
    } else if (!strcmp(n->type, "Affine") || !strcmp(n->type, "Linear")) {
        if ((rc = need(m, ni, "weight", &p)))
            return rc;
        if (p->ndim != 2)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'weight' has %u dimensions, expected 2 (out, in)",
                           m->g->path, n->name, n->type, p->ndim);
        shape_from(s, p->dims, 1);
    } else if (!strcmp(n->type, "Scale")) {
        if ((rc = need(m, ni, "scale", &p)))
            return rc;
        uint64_t c = p->count;
        shape_from(s, &c, 1);
    }
    return LE_OK;
}

static int pool_or_conv_out(uint64_t in, uint64_t k, uint64_t st, uint64_t pad, uint64_t dil, uint64_t *out)
{
    int64_t span = (int64_t)in + 2 * (int64_t)pad - (int64_t)dil * ((int64_t)k - 1) - 1;
    if (span < 0 || st == 0)
        return 0;
    *out = (uint64_t)(span / (int64_t)st) + 1;
    return 1;
}

static le_code two(mapper *m, uint32_t ni, const char *name, uint64_t out[2], uint64_t dflt)
{
    const le_nir_node *n = &m->g->nodes[ni];
    const le_nir_param *p = le_nir_param_get(n, name);
    if (!p) {
        out[0] = out[1] = dflt;
        return LE_OK;
    }
    if (!p->data || (p->count != 1 && p->count != 2))
        return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): '%s' must be one or two integers", m->g->path,
                       n->name, n->type, name);
    out[0] = (uint64_t)p->data[0];
    out[1] = (uint64_t)p->data[p->count == 2 ? 1 : 0];
    return LE_OK;
}

static int is_window(const char *t)
{
    return !strcmp(t, "Conv1d") || !strcmp(t, "Conv2d") || !strcmp(t, "SumPool2d") || !strcmp(t, "AvgPool2d");
}

/* Kernel geometry of a window node as (row, column) pairs. Conv1d is a Conv2d over one row, so
 * one loop serves both; NIR writes its 1-D stride/padding/dilation as a scalar or a 1-element
 * array, and a second value would silently become a column setting, hence the count check. */
static le_code window(mapper *m, uint32_t ni, uint64_t k[2], uint64_t st[2], uint64_t pad[2], uint64_t dil[2])
{
    const le_nir_node *n = &m->g->nodes[ni];
    const le_nir_param *w = NULL;
    le_code rc;
    int conv1 = !strcmp(n->type, "Conv1d");
    if (conv1) {
        static const char *keys[] = {"stride", "padding", "dilation"};
        for (int i = 0; i < 3; i++) {
            const le_nir_param *p = le_nir_param_get(n, keys[i]);
            if (p && (!p->data || p->count != 1))
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Conv1d): '%s' must be one integer", m->g->path,
                               n->name, keys[i]);
        }
    }
    if (conv1 || !strcmp(n->type, "Conv2d")) {
        if ((rc = need(m, ni, "weight", &w)))
            return rc;
        k[0] = conv1 ? 1 : w->dims[2];
        k[1] = w->dims[conv1 ? 2 : 3];
        if ((rc = two(m, ni, "dilation", dil, 1)))
            return rc;
    } else {
        if ((rc = two(m, ni, "kernel_size", k, 0)))
            return rc;
        dil[0] = dil[1] = 1;
    }
    if ((rc = two(m, ni, "stride", st, 1)) || (rc = two(m, ni, "padding", pad, 0)))
        return rc;
    if (conv1) {
        st[0] = dil[0] = 1;
        pad[0] = 0;
    }
    return LE_OK;
}

/* Shapes from the one predecessor (convolutions, pools, Flatten, Delay, pass-through nodes). */
static le_code derived_shape(mapper *m, uint32_t ni, const shape *in)
{
    const le_nir_node *n = &m->g->nodes[ni];
    shape *s = &m->shapes[ni];
    le_code rc;
    if (is_window(n->type)) {
        int conv1 = !strcmp(n->type, "Conv1d");
        if (in->ndim != (conv1 ? 2u : 3u))
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): input has %u dimensions, expected %s",
                           m->g->path, n->name, n->type, in->ndim, conv1 ? "2 (C, L)" : "3 (C, H, W)");
        uint64_t k[2], st[2], pad[2], dil[2], c_out = in->dims[0];
        /* (C, L) is read as (C, 1, L). */
        uint64_t H = conv1 ? 1 : in->dims[1], W = in->dims[conv1 ? 1 : 2];
        if (conv1 || !strcmp(n->type, "Conv2d")) {
            const le_nir_param *w = NULL;
            if ((rc = need(m, ni, "weight", &w)))
                return rc;
            const le_nir_param *gp = le_nir_param_get(n, "groups");
            if (gp && (!gp->data || gp->data[0] != 1))
                return le_fail(m->err, LE_ERR_CONFIG, "%s: node '%s' (%s): groups other than 1 are not mapped",
                               m->g->path, n->name, n->type);
            if (w->ndim != (conv1 ? 3u : 4u) || w->dims[1] != in->dims[0])
                return le_fail(m->err, LE_ERR_PARSE,
                               "%s: node '%s' (%s): 'weight' must be (C_out, %llu, %s) for an input of %llu "
                               "channels",
                               m->g->path, n->name, n->type, (unsigned long long)in->dims[0],
                               conv1 ? "k" : "kH, kW", (unsigned long long)in->dims[0]);
            c_out = w->dims[0];
        }
        if ((rc = window(m, ni, k, st, pad, dil)))
            return rc;
        uint64_t d[3] = {c_out, 0, 0};
        if (!pool_or_conv_out(H, k[0], st[0], pad[0], dil[0], &d[1]) ||
            !pool_or_conv_out(W, k[1], st[1], pad[1], dil[1], &d[2]))
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): kernel larger than its %llux%llu input",
                           m->g->path, n->name, n->type, (unsigned long long)H, (unsigned long long)W);
        if (conv1) {
            d[1] = d[2];
            shape_from(s, d, 2);
        } else
            shape_from(s, d, 3);
    } else if (!strcmp(n->type, "Flatten")) {
        uint64_t c = in->size;
        shape_from(s, &c, 1);
    } else {
        *s = *in;
    }
    return LE_OK;
}

/* --- sparse matrices of the weight nodes --- */

static le_code sp_alloc(mapper *m, sparse *sp, uint64_t n_in_, uint64_t n_out_, uint64_t nnz, const char *node)
{
    memset(sp, 0, sizeof *sp);
    sp->n_in = n_in_;
    sp->n_out = n_out_;
    sp->rowptr = calloc(n_in_ + 1, sizeof *sp->rowptr);
    sp->out = malloc((nnz ? nnz : 1) * sizeof *sp->out);
    sp->w = malloc((nnz ? nnz : 1) * sizeof *sp->w);
    sp->delay = calloc(nnz ? nnz : 1, 1);
    if (!sp->rowptr || !sp->out || !sp->w || !sp->delay)
        return le_fail(m->err, LE_ERR_NOMEM, "%s: node '%s': out of memory", m->g->path, node);
    return LE_OK;
}

static void sp_free(sparse *sp)
{
    free(sp->rowptr);
    free(sp->out);
    free(sp->w);
    free(sp->delay);
    free(sp->bias);
}

static le_code build_sparse(mapper *m, uint32_t ni, const shape *in)
{
    const le_nir_node *n = &m->g->nodes[ni];
    const shape *os = &m->shapes[ni];
    sparse *sp = &m->lin[ni];
    const le_nir_param *w = NULL, *b = NULL;
    le_code rc;
    if (!strcmp(n->type, "Affine") || !strcmp(n->type, "Linear")) {
        if ((rc = need(m, ni, "weight", &w)))
            return rc;
        uint64_t no = w->dims[0], nin = w->dims[1];
        if (nin != in->size)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'weight' has %llu columns, its input has %llu",
                           m->g->path, n->name, n->type, (unsigned long long)nin, (unsigned long long)in->size);
        uint64_t nnz = 0;
        for (uint64_t k = 0; k < w->count; k++)
            nnz += w->data[k] != 0.0;
        if ((rc = sp_alloc(m, sp, nin, no, nnz, n->name)))
            return rc;
        uint64_t e = 0;
        for (uint64_t j = 0; j < nin; j++) {
            sp->rowptr[j] = e;
            for (uint64_t i = 0; i < no; i++) {
                double x = w->data[i * nin + j];
                if (x != 0.0) {
                    sp->out[e] = (uint32_t)i;
                    sp->w[e++] = x;
                }
            }
        }
        sp->rowptr[nin] = e;
        if (!strcmp(n->type, "Affine")) {
            if ((rc = need(m, ni, "bias", &b)))
                return rc;
            if (b->count != no && b->count != 1)
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Affine): 'bias' has %llu values, expected %llu",
                               m->g->path, n->name, (unsigned long long)b->count, (unsigned long long)no);
        }
    } else if (!strcmp(n->type, "Scale")) {
        if ((rc = need(m, ni, "scale", &w)))
            return rc;
        if (w->count != in->size)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Scale): %llu scales for an input of %llu",
                           m->g->path, n->name, (unsigned long long)w->count, (unsigned long long)in->size);
        if ((rc = sp_alloc(m, sp, in->size, in->size, in->size, n->name)))
            return rc;
        for (uint64_t j = 0; j < in->size; j++) {
            sp->rowptr[j] = j;
            sp->out[j] = (uint32_t)j;
            sp->w[j] = w->data[j];
        }
        sp->rowptr[in->size] = in->size;
    } else if (is_window(n->type)) {
        int conv1 = !strcmp(n->type, "Conv1d"), conv = conv1 || !strcmp(n->type, "Conv2d");
        uint64_t k[2], st[2], pad[2], dil[2];
        uint64_t C = in->dims[0], H = conv1 ? 1 : in->dims[1], W = in->dims[conv1 ? 1 : 2];
        uint64_t Co = os->dims[0], Ho = conv1 ? 1 : os->dims[1], Wo = os->dims[conv1 ? 1 : 2];
        if ((rc = window(m, ni, k, st, pad, dil)))
            return rc;
        if (conv) {
            if ((rc = need(m, ni, "weight", &w)))
                return rc;
            if ((rc = need(m, ni, "bias", &b)))
                return rc;
            if (b->count != Co && b->count != 1)
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'bias' has %llu values, expected %llu",
                               m->g->path, n->name, n->type, (unsigned long long)b->count, (unsigned long long)Co);
        }
        /* Outputs each input reaches: count first, then fill (input-major). */
        uint64_t per_in_max = (conv ? Co : 1) * k[0] * k[1];
        if ((rc = sp_alloc(m, sp, in->size, os->size, in->size * per_in_max, n->name)))
            return rc;
        double avg = !strcmp(n->type, "AvgPool2d") ? 1.0 / (double)(k[0] * k[1]) : 1.0;
        uint64_t e = 0;
        for (uint64_t c = 0; c < C; c++)
            for (uint64_t y = 0; y < H; y++)
                for (uint64_t x = 0; x < W; x++) {
                    uint64_t j = (c * H + y) * W + x;
                    sp->rowptr[j] = e;
                    for (uint64_t oc = 0; oc < (conv ? Co : 1); oc++)
                        for (uint64_t ky = 0; ky < k[0]; ky++)
                            for (uint64_t kx = 0; kx < k[1]; kx++) {
                                int64_t ty = (int64_t)y + (int64_t)pad[0] - (int64_t)(ky * dil[0]);
                                int64_t tx = (int64_t)x + (int64_t)pad[1] - (int64_t)(kx * dil[1]);
                                if (ty < 0 || tx < 0 || ty % (int64_t)st[0] || tx % (int64_t)st[1])
                                    continue;
                                uint64_t oy = (uint64_t)ty / st[0], ox = (uint64_t)tx / st[1];
                                if (oy >= Ho || ox >= Wo)
                                    continue;
                                uint64_t ch = conv ? oc : c;
                                double v = conv ? w->data[((oc * C + c) * k[0] + ky) * k[1] + kx] : avg;
                                if (v == 0.0)
                                    continue;
                                sp->out[e] = (uint32_t)((ch * Ho + oy) * Wo + ox);
                                sp->w[e++] = v;
                            }
                }
        sp->rowptr[in->size] = e;
    } else if (!strcmp(n->type, "Delay")) {
        if ((rc = need(m, ni, "delay", &w)))
            return rc;
        if (w->count != 1 && w->count != in->size)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Delay): %llu delays for an input of %llu", m->g->path,
                           n->name, (unsigned long long)w->count, (unsigned long long)in->size);
        if ((rc = sp_alloc(m, sp, in->size, in->size, in->size, n->name)))
            return rc;
        for (uint64_t j = 0; j < in->size; j++) {
            double d = at(w, j) / m->o->dt;
            long steps = lround(d);
            if (steps < 0 || steps > 62 || fabs(d - (double)steps) > 1e-6)
                return le_fail(m->err, LE_ERR_RANGE,
                               "%s: node '%s' (Delay): delay %g s is %g steps of dt %g s; expected a whole number of "
                               "steps 0..62 (Loihi's synaptic delay)",
                               m->g->path, n->name, at(w, j), d, m->o->dt);
            sp->rowptr[j] = j;
            sp->out[j] = (uint32_t)j;
            sp->w[j] = 1.0;
            sp->delay[j] = (uint8_t)steps;
        }
        sp->rowptr[in->size] = in->size;
    } else { /* Flatten and pass-through Input/Output: identity */
        if (os->size != in->size)
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): shape of %llu values, its input has %llu",
                           m->g->path, n->name, n->type, (unsigned long long)os->size, (unsigned long long)in->size);
        if ((rc = sp_alloc(m, sp, in->size, in->size, in->size, n->name)))
            return rc;
        for (uint64_t j = 0; j < in->size; j++) {
            sp->rowptr[j] = j;
            sp->out[j] = (uint32_t)j;
            sp->w[j] = 1.0;
        }
        sp->rowptr[in->size] = in->size;
    }
    if (b) {
        int any = 0;
        for (uint64_t i = 0; i < b->count; i++)
            any |= b->data[i] != 0.0;
        if (any) {
            sp->bias = calloc(sp->n_out, sizeof *sp->bias);
            if (!sp->bias)
                return le_fail(m->err, LE_ERR_NOMEM, "out of memory");
            if (!strcmp(n->type, "Conv1d") || !strcmp(n->type, "Conv2d")) {
                uint64_t per = os->size / os->dims[0];
                for (uint64_t i = 0; i < sp->n_out; i++)
                    sp->bias[i] = at(b, i / per);
            } else
                for (uint64_t i = 0; i < sp->n_out; i++)
                    sp->bias[i] = at(b, i);
        }
    }
    return LE_OK;
}

/* --- walking the chains --- */

static le_code trip_push(mapper *m, trip *t, uint32_t s, uint32_t d, double w, uint8_t delay)
{
    if (t->n == t->cap) {
        uint64_t c = t->cap ? 2 * t->cap : 1024;
        uint32_t *ns = realloc(t->src, c * sizeof *ns);
        if (ns)
            t->src = ns;
        uint32_t *nd = realloc(t->dst, c * sizeof *nd);
        if (nd)
            t->dst = nd;
        double *nw = realloc(t->w, c * sizeof *nw);
        if (nw)
            t->w = nw;
        uint8_t *ny = realloc(t->delay, c);
        if (ny)
            t->delay = ny;
        if (!ns || !nd || !nw || !ny)
            return le_fail(m->err, LE_ERR_NOMEM, "%s: out of memory expanding the synapses", m->g->path);
        t->cap = c;
    }
    t->src[t->n] = s;
    t->dst[t->n] = d;
    t->w[t->n] = w;
    t->delay[t->n] = delay;
    t->n++;
    return LE_OK;
}

static void trip_free(trip *t)
{
    free(t->src);
    free(t->dst);
    free(t->w);
    free(t->delay);
    memset(t, 0, sizeof *t);
}

static le_code walk(mapper *m, uint32_t src_node, uint32_t ni, const trip *t, const double *bias, const char *via,
                    int depth);

/* Applies linear node ni to the chain so far and continues to its successors. */
static le_code through(mapper *m, uint32_t src_node, uint32_t ni, const trip *t, const double *bias, const char *via,
                       int depth)
{
    const sparse *sp = &m->lin[ni];
    trip nt = {0};
    le_code rc = LE_OK;
    double *nb = NULL;
    for (uint64_t k = 0; k < t->n && !rc; k++) {
        uint32_t j = t->dst[k];
        for (uint64_t e = sp->rowptr[j]; e < sp->rowptr[j + 1] && !rc; e++) {
            unsigned d = (unsigned)t->delay[k] + sp->delay[e];
            if (d > 62)
                rc = le_fail(m->err, LE_ERR_RANGE, "%s: node '%s': delays add up to %u steps, over Loihi's 62",
                             m->g->path, m->g->nodes[ni].name, d);
            else
                rc = trip_push(m, &nt, t->src[k], sp->out[e], t->w[k] * sp->w[e], (uint8_t)d);
        }
    }
    if (!rc && (bias || sp->bias)) {
        nb = calloc(sp->n_out, sizeof *nb);
        if (!nb)
            rc = le_fail(m->err, LE_ERR_NOMEM, "out of memory");
        for (uint64_t j = 0; bias && nb && j < sp->n_in; j++)
            for (uint64_t e = sp->rowptr[j]; e < sp->rowptr[j + 1]; e++)
                nb[sp->out[e]] += sp->w[e] * bias[j];
        for (uint64_t i = 0; sp->bias && nb && i < sp->n_out; i++)
            nb[i] += sp->bias[i];
    }
    char nvia[256];
    snprintf(nvia, sizeof nvia, "%s%s%s", via, via[0] ? "," : "", m->g->nodes[ni].name);
    if (!rc)
        rc = walk(m, src_node, ni, &nt, nb, nvia, depth + 1);
    trip_free(&nt);
    free(nb);
    return rc;
}

/* Sums duplicate (src, dst, delay) triplets: two paths between the same neurons are one synapse. */

static trip *sort_ctx;
static int cmp_k(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    const trip *t = sort_ctx;
    if (t->src[x] != t->src[y])
        return t->src[x] < t->src[y] ? -1 : 1;
    if (t->dst[x] != t->dst[y])
        return t->dst[x] < t->dst[y] ? -1 : 1;
    if (t->delay[x] != t->delay[y])
        return t->delay[x] < t->delay[y] ? -1 : 1;
    return 0;
}

static le_code merge(mapper *m, trip *t)
{
    uint64_t *ord = malloc((t->n ? t->n : 1) * sizeof *ord);
    trip o = {0};
    if (!ord)
        return le_fail(m->err, LE_ERR_NOMEM, "out of memory");
    for (uint64_t i = 0; i < t->n; i++)
        ord[i] = i;
    sort_ctx = t;
    qsort(ord, t->n, sizeof *ord, cmp_k);
    le_code rc = LE_OK;
    for (uint64_t i = 0; i < t->n && !rc;) {
        uint64_t k = ord[i];
        double w = 0.0;
        uint64_t j = i;
        while (j < t->n && !cmp_k(&ord[i], &ord[j]))
            w += t->w[ord[j++]];
        rc = trip_push(m, &o, t->src[k], t->dst[k], w, t->delay[k]);
        i = j;
    }
    free(ord);
    if (rc) {
        trip_free(&o);
        return rc;
    }
    trip_free(t);
    *t = o;
    return LE_OK;
}

static le_code walk(mapper *m, uint32_t src_node, uint32_t ni, const trip *t, const double *bias, const char *via,
                    int depth)
{
    const le_nir_graph *g = m->g;
    if (depth > 64)
        return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s': a cycle of weight nodes without a neuron", g->path,
                       g->nodes[ni].name);
    le_code rc = LE_OK;
    for (uint32_t e = 0; e < g->n_edges && !rc; e++) {
        if (g->edges[e].src != ni)
            continue;
        uint32_t d = g->edges[e].dst;
        const shape *ds = &m->shapes[d];
        if (m->kinds[d] == K_LINEAR)
            rc = through(m, src_node, d, t, bias, via, depth);
        else if (m->kinds[d] == K_NEURON) {
            if (ds->size != m->shapes[ni].size)
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): %llu neurons, but its input '%s' gives %llu",
                               g->path, g->nodes[d].name, g->nodes[d].type, (unsigned long long)ds->size,
                               g->nodes[ni].name, (unsigned long long)m->shapes[ni].size);
            struct pathconn *np = realloc(m->pcs, (m->n_pcs + 1) * sizeof *np);
            if (!np)
                return le_fail(m->err, LE_ERR_NOMEM, "out of memory");
            m->pcs = np;
            struct pathconn *pc = &m->pcs[m->n_pcs++];
            memset(pc, 0, sizeof *pc);
            pc->src_node = src_node;
            pc->dst_node = d;
            snprintf(pc->via, sizeof pc->via, "%s", via[0] ? via : "-");
            for (uint64_t k = 0; k < t->n && !rc; k++)
                rc = trip_push(m, &pc->t, t->src[k], t->dst[k], t->w[k], t->delay[k]);
            if (!rc)
                rc = merge(m, &pc->t);
            for (uint64_t i = 0; bias && i < ds->size; i++)
                m->ibias[d][i] += bias[i];
        } else if (m->kinds[d] == K_SINK) {
            if (ds->size != m->shapes[ni].size)
                return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Output): shape of %llu values, its input '%s' gives %llu",
                               g->path, g->nodes[d].name, (unsigned long long)ds->size, g->nodes[ni].name,
                               (unsigned long long)m->shapes[ni].size);
        } else if (m->kinds[d] == K_SOURCE) {
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (Input): an edge comes into it from '%s'", g->path,
                           g->nodes[d].name, g->nodes[ni].name);
        }
    }
    return rc;
}

/* --- quantisation --- */

static int32_t decay_of(const le_nir_opts *o, double dt_over_tau)
{
    double x = o->rounding == LE_NIR_DECAY_LAVA ? floor(4095.0 * dt_over_tau) : floor(4096.0 * dt_over_tau + 0.5);
    return (int32_t)(x < 0 ? 0 : (x > 4096 ? 4096 : x));
}

static le_code bias_split(mapper *m, const char *node, double b, int32_t *mant, int32_t *ex)
{
    for (int e = 0; e <= 7; e++) {
        double q = floor(b / (double)(1 << e) + 0.5);
        if (q >= -4096 && q <= 4095) {
            *mant = (int32_t)q;
            *ex = e;
            return LE_OK;
        }
    }
    return le_fail(m->err, LE_ERR_RANGE,
                   "%s: node '%s': bias %g v units per step exceeds Loihi's 4095 x 2^7; choose a smaller --vscale",
                   m->g->path, node, b);
}

/* Per neuron: input gain (v units per unit weight), the profile. */
typedef struct {
    double *gain;
    le_profile *prof;
    double *bias;
} neurons;

static le_code neuron_params(mapper *m, uint32_t ni, double vscale, neurons *nr, le_nir_pop_info *info, int pass)
{
    const le_nir_node *n = &m->g->nodes[ni];
    const char *t = n->type;
    uint64_t size = m->shapes[ni].size;
    double dt = m->o->dt;
    const le_nir_param *tau = NULL, *tau_syn = NULL, *r = NULL, *vl = NULL, *vth = NULL, *vr = NULL, *win = NULL;
    le_code rc;
    int cuba = !strcmp(t, "CubaLIF") || !strcmp(t, "CubaLI");
    int spiking = strcmp(t, "LI") && strcmp(t, "CubaLI");
    int leaky = strcmp(t, "IF") != 0;
    if (leaky && (rc = need_vec(m, ni, cuba ? "tau_mem" : "tau", size, &tau)))
        return rc;
    if (cuba && ((rc = need_vec(m, ni, "tau_syn", size, &tau_syn)) || (rc = need_vec(m, ni, "w_in", size, &win))))
        return rc;
    if ((rc = need_vec(m, ni, "r", size, &r)))
        return rc;
    if (leaky && (rc = need_vec(m, ni, "v_leak", size, &vl)))
        return rc;
    if (spiking && (rc = need_vec(m, ni, "v_threshold", size, &vth)))
        return rc;
    vr = le_nir_param_get(n, "v_reset");
    if (vr && (!vr->data || (vr->count != 1 && vr->count != size)))
        return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): 'v_reset' must have 1 or %llu values", m->g->path,
                       n->name, t, (unsigned long long)size);
    info->note[0] = '\0';
    if (spiking && m->o->reset_subtract) {
        if (!m->o->accept_reset_value)
            return le_fail(m->err, LE_ERR_CONFIG,
                           "%s: node '%s' (%s): reset by subtraction cannot map: Loihi resets v to 0 "
                           "(--accept-reset runs it with reset to 0)",
                           m->g->path, n->name, t);
        snprintf(info->note, sizeof info->note, "trained with reset by subtraction, runs with reset to 0 (--accept-reset)");
    }
    for (uint64_t i = 0; vr && i < size; i++)
        if (at(vr, i) != 0.0) {
            if (!m->o->accept_reset_value)
                return le_fail(m->err, LE_ERR_CONFIG,
                               "%s: node '%s' (%s): v_reset %g cannot map: Loihi resets v to 0 (--accept-reset maps "
                               "it as reset to 0)",
                               m->g->path, n->name, t, at(vr, i));
            snprintf(info->note, sizeof info->note, "v_reset %g mapped as reset to 0 (--accept-reset)", at(vr, i));
            break;
        }
    for (uint64_t i = 0; i < size; i++) {
        double a_m = leaky ? dt / at(tau, i) : 0.0, a_s = cuba ? dt / at(tau_syn, i) : 1.0;
        if (leaky && !(at(tau, i) > 0))
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): tau %g, expected > 0", m->g->path, n->name, t,
                           at(tau, i));
        if (cuba && !(at(tau_syn, i) > 0))
            return le_fail(m->err, LE_ERR_PARSE, "%s: node '%s' (%s): tau_syn %g, expected > 0", m->g->path, n->name,
                           t, at(tau_syn, i));
        /* Input to v per unit weight: Euler steps of the NIR equations with a spike held for one
         * step (the discretisation the trained models and Lava's bridge use); IF integrates r I
         * per step without dt (as Sinabs, which writes IF, runs it). */
        double g = at(r, i) * (leaky ? a_m : 1.0) * (cuba ? a_s * at(win, i) : 1.0);
        double ibias = m->ibias[ni][i] * at(r, i) * (leaky ? a_m : 1.0) * (cuba ? at(win, i) : 1.0);
        double b = (leaky ? a_m * at(vl, i) : 0.0) + ibias;
        if (pass == 0) {
            nr->gain[i] = g;
            nr->bias[i] = b;
            continue;
        }
        le_profile p = le_profile_default();
        p.decay_v = leaky ? decay_of(m->o, a_m) : 0;
        if (p.decay_v > 4095)
            p.decay_v = 4095;
        p.decay_u = cuba ? decay_of(m->o, a_s) : LE_DECAY_ONE;
        if ((rc = bias_split(m, n->name, b * vscale, &p.bias_mant, &p.bias_exp)))
            return rc;
        if (spiking) {
            double th = floor(at(vth, i) * vscale / 64.0 + 0.5);
            if (th < 0 || th > 131071)
                return le_fail(m->err, LE_ERR_RANGE,
                               "%s: node '%s' (%s): threshold %g x vscale %g = %g, outside 0..131071 << 6", m->g->path,
                               n->name, t, at(vth, i), vscale, at(vth, i) * vscale);
            p.vth_mant = (int32_t)th;
        } else
            p.vth_mant = 131071; /* a leaky integrator: read v, never spike */
        nr->prof[i] = p;
        nr->gain[i] = g;
        nr->bias[i] = b * vscale;
        if (i == 0) {
            info->decay_u = p.decay_u;
            info->decay_v = p.decay_v;
            info->vth_mant = p.vth_mant;
            info->bias_min = info->bias_max = b * vscale;
        }
        if (b * vscale < info->bias_min)
            info->bias_min = b * vscale;
        if (b * vscale > info->bias_max)
            info->bias_max = b * vscale;
    }
    return LE_OK;
}

void le_nir_mapping_free(le_nir_mapping *m)
{
    free(m->pops);
    free(m->conns);
    memset(m, 0, sizeof *m);
}

le_code le_nir_map(const le_nir_graph *g, const le_nir_opts *o, le_network *net, le_nir_mapping *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    out->input_node = -1;
    if (!(o->dt > 0))
        return le_fail(err, LE_ERR_USAGE, "--dt %g: expected a positive time step in seconds", o->dt);
    mapper M = {.g = g, .o = o, .err = err};
    mapper *m = &M;
    uint32_t N = g->n_nodes;
    m->kinds = calloc(N, sizeof *m->kinds);
    m->shapes = calloc(N, sizeof *m->shapes);
    m->lin = calloc(N, sizeof *m->lin);
    m->ibias = calloc(N, sizeof *m->ibias);
    neurons *nr = calloc(N, sizeof *nr);
    uint32_t **pop_of = calloc(N, sizeof *pop_of), **idx_of = calloc(N, sizeof *idx_of);
    le_code rc = LE_OK;
    if (!m->kinds || !m->shapes || !m->lin || !m->ibias || !nr || !pop_of || !idx_of) {
        rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Kinds: what cannot map is refused by name. */
    for (uint32_t i = 0; i < N && !rc; i++) {
        const char *t = g->nodes[i].type;
        if (in_list(t, neuron_types, 5))
            m->kinds[i] = K_NEURON;
        else if (in_list(t, linear_types, 9))
            m->kinds[i] = K_LINEAR;
        else if (!strcmp(t, "Input"))
            m->kinds[i] = n_in(g, i) ? K_LINEAR : K_SOURCE;
        else if (!strcmp(t, "Output"))
            m->kinds[i] = n_out(g, i) ? K_LINEAR : K_SINK;
        else if (!strcmp(t, "Threshold"))
            rc = le_fail(err, LE_ERR_CONFIG,
                         "%s: node '%s' (Threshold): a threshold without a neuron cannot map onto Loihi's compartments",
                         g->path, g->nodes[i].name);
        else
            rc = le_fail(err, LE_ERR_CONFIG,
                         "%s: node '%s': type '%s' cannot map (expected one of LIF, CubaLIF, IF, LI, CubaLI, Affine, "
                         "Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, Delay, Input, Output)",
                         g->path, g->nodes[i].name, t);
    }
    for (uint32_t i = 0; i < N && !rc; i++)
        rc = own_shape(m, i);
    /* Derived shapes from the one predecessor, until nothing changes. */
    for (int changed = 1; changed && !rc;) {
        changed = 0;
        for (uint32_t i = 0; i < N && !rc; i++) {
            if (m->shapes[i].known && m->kinds[i] != K_LINEAR)
                continue;
            int pred = -1, np = 0;
            for (uint32_t e = 0; e < g->n_edges; e++)
                if (g->edges[e].dst == i) {
                    if (pred >= 0 && pred != (int)g->edges[e].src)
                        np++;
                    pred = (int)g->edges[e].src;
                }
            if (m->kinds[i] == K_LINEAR && np > 0)
                rc = le_fail(err, LE_ERR_CONFIG, "%s: node '%s' (%s): more than one input; only neurons sum inputs here",
                             g->path, g->nodes[i].name, g->nodes[i].type);
            else if (pred >= 0 && m->shapes[pred].known && !m->lin[i].rowptr && m->kinds[i] == K_LINEAR) {
                shape own = m->shapes[i];
                if (!(rc = derived_shape(m, i, &m->shapes[pred])) && own.known && own.size != m->shapes[i].size)
                    m->shapes[i] = own; /* Affine/Linear/Scale keep their own size */
                if (!rc)
                    rc = build_sparse(m, i, &m->shapes[pred]);
                changed = 1;
            }
        }
    }
    for (uint32_t i = 0; i < N && !rc; i++) {
        if (m->kinds[i] == K_LINEAR && !m->lin[i].rowptr)
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s' (%s): no input edge, so its input shape is unknown", g->path,
                         g->nodes[i].name, g->nodes[i].type);
        if (m->kinds[i] == K_NEURON &&
            !(m->ibias[i] = calloc(m->shapes[i].size, sizeof(double))))
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
    }
    /* Chains from every spike source. */
    for (uint32_t i = 0; i < N && !rc; i++) {
        if (m->kinds[i] != K_NEURON && m->kinds[i] != K_SOURCE)
            continue;
        trip id = {0};
        for (uint64_t k = 0; k < m->shapes[i].size && !rc; k++)
            rc = trip_push(m, &id, (uint32_t)k, (uint32_t)k, 1.0, 0);
        if (!rc)
            rc = walk(m, i, i, &id, NULL, "", 0);
        trip_free(&id);
    }
    /* Neuron parameters before the scale: gains, biases, thresholds. */
    double thr_max = 0, w_max = 0, b_max = 0;
    for (uint32_t i = 0; i < N && !rc; i++) {
        if (m->kinds[i] != K_NEURON)
            continue;
        uint64_t sz = m->shapes[i].size;
        nr[i].gain = calloc(sz, sizeof(double));
        nr[i].bias = calloc(sz, sizeof(double));
        nr[i].prof = calloc(sz, sizeof(le_profile));
        if (!nr[i].gain || !nr[i].bias || !nr[i].prof) {
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
            break;
        }
        le_nir_pop_info tmp;
        if ((rc = neuron_params(m, i, 1.0, &nr[i], &tmp, 0)))
            break;
        const le_nir_param *vth = le_nir_param_get(&g->nodes[i], "v_threshold");
        for (uint64_t k = 0; vth && k < vth->count; k++)
            thr_max = fmax(thr_max, fabs(vth->data[k]));
        for (uint64_t k = 0; k < sz; k++)
            b_max = fmax(b_max, fabs(nr[i].bias[k]));
    }
    for (uint32_t c = 0; c < m->n_pcs && !rc; c++) {
        const struct pathconn *pc = &m->pcs[c];
        for (uint64_t k = 0; k < pc->t.n; k++)
            w_max = fmax(w_max, fabs(pc->t.w[k] * nr[pc->dst_node].gain[pc->t.dst[k]]));
    }
    double vscale = o->vscale;
    if (!rc && vscale <= 0) {
        /* The largest power of two that keeps thresholds within 2^21 (headroom below v's
         * 2^23), weights within 255 x 2^13 and biases within 4095 x 2^7. */
        double lim = 1e300;
        if (thr_max > 0)
            lim = fmin(lim, (double)(1 << 21) / thr_max);
        if (w_max > 0)
            lim = fmin(lim, 255.0 * 8192.0 / w_max);
        if (b_max > 0)
            lim = fmin(lim, 4095.0 * 128.0 / b_max);
        if (lim > (double)(1 << 24))
            lim = (double)(1 << 24);
        vscale = pow(2.0, floor(log2(lim)));
    }
    out->vscale = vscale;
    /* Populations: inputs, then each neuron node split by distinct profile (a per-neuron bias
     * or threshold is a profile of its own: the network gives each population one). */
    for (uint32_t i = 0; i < N && !rc; i++) {
        if (m->kinds[i] != K_NEURON && m->kinds[i] != K_SOURCE)
            continue;
        uint64_t sz = m->shapes[i].size;
        le_nir_pop_info *np = realloc(out->pops, (out->n_pops + 1) * sizeof *np);
        if (!np || !(pop_of[i] = calloc(sz, sizeof(uint32_t))) || !(idx_of[i] = calloc(sz, sizeof(uint32_t)))) {
            if (np)
                out->pops = np;
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
            break;
        }
        out->pops = np;
        le_nir_pop_info *info = &out->pops[out->n_pops++];
        memset(info, 0, sizeof *info);
        snprintf(info->node, sizeof info->node, "%s", g->nodes[i].name);
        snprintf(info->type, sizeof info->type, "%s", g->nodes[i].type);
        info->size = (uint32_t)sz;
        info->first_pop = net->n_pops;
        if (strlen(g->nodes[i].name) + 6 >= LE_NAME_MAX) {
            rc = le_fail(err, LE_ERR_CONFIG, "%s: node '%s': name too long for a population (%d characters)", g->path,
                         g->nodes[i].name, LE_NAME_MAX - 7);
            break;
        }
        if (m->kinds[i] == K_SOURCE) {
            le_population p = le_population_default(g->nodes[i].name, LE_POP_INPUT, (uint32_t)sz);
            uint32_t idx;
            if ((rc = le_network_add_pop(net, &p, &idx, err)))
                break;
            for (uint64_t k = 0; k < sz; k++) {
                pop_of[i][k] = idx;
                idx_of[i][k] = (uint32_t)k;
            }
            info->n_pops = 1;
            if (out->input_node < 0) {
                out->input_node = (int32_t)i;
                out->input_size = (uint32_t)sz;
                out->input_pop = idx;
            }
            continue;
        }
        if ((rc = neuron_params(m, i, vscale, &nr[i], info, 1)))
            break;
        /* Groups of equal profiles, in order of first appearance. */
        uint32_t *grp = calloc(sz, sizeof *grp), *cnt = calloc(sz, sizeof *cnt), ng = 0;
        uint64_t *rep = calloc(sz, sizeof *rep);
        if (!grp || !cnt || !rep) {
            free(grp), free(cnt), free(rep);
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint64_t k = 0; k < sz; k++) {
            uint32_t gi = 0;
            while (gi < ng && memcmp(&nr[i].prof[rep[gi]], &nr[i].prof[k], sizeof(le_profile)))
                gi++;
            if (gi == ng)
                rep[ng++] = k;
            grp[k] = gi;
            idx_of[i][k] = cnt[gi]++;
        }
        for (uint32_t gi = 0; gi < ng && !rc; gi++) {
            char name[LE_NIR_NAME_MAX + 16];
            if (ng == 1)
                snprintf(name, sizeof name, "%s", g->nodes[i].name);
            else
                snprintf(name, sizeof name, "%s#%u", g->nodes[i].name, gi);
            le_population p = le_population_default(name, LE_POP_LIF, cnt[gi]);
            p.main = nr[i].prof[rep[gi]];
            uint32_t idx;
            if (!(rc = le_network_add_pop(net, &p, &idx, err)))
                for (uint64_t k = 0; k < sz; k++)
                    if (grp[k] == gi)
                        pop_of[i][k] = idx;
        }
        info->n_pops = ng;
        free(grp), free(cnt), free(rep);
    }
    /* Connections: one per (path, source population, target population), one exponent each. */
    for (uint32_t c = 0; c < m->n_pcs && !rc; c++) {
        const struct pathconn *pc = &m->pcs[c];
        const neurons *dn = &nr[pc->dst_node];
        le_nir_conn_info *nc = realloc(out->conns, (out->n_conns + 1) * sizeof *nc);
        if (!nc) {
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
            break;
        }
        out->conns = nc;
        le_nir_conn_info *ci = &out->conns[out->n_conns++];
        memset(ci, 0, sizeof *ci);
        snprintf(ci->src, sizeof ci->src, "%s", g->nodes[pc->src_node].name);
        snprintf(ci->dst, sizeof ci->dst, "%s", g->nodes[pc->dst_node].name);
        snprintf(ci->via, sizeof ci->via, "%s", pc->via);
        ci->wexp2 = INT32_MIN;
        double *wv = malloc((pc->t.n ? pc->t.n : 1) * sizeof *wv);
        if (!wv) {
            rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint64_t k = 0; k < pc->t.n; k++) {
            wv[k] = pc->t.w[k] * dn->gain[pc->t.dst[k]] * vscale;
            ci->max_abs = fmax(ci->max_abs, fabs(wv[k]));
            ci->n_weights += wv[k] != 0.0;
        }
        /* Actual weights are multiples of 64 x 2^wexp (core/neurocore.c: a negative exponent
         * only narrows the range), so the exponent is the smallest of 0..7 that holds the
         * largest weight. */
        int32_t wexp = 0;
        while (wexp < 7 && ci->max_abs > 255.0 * 64.0 * (double)(1 << wexp))
            wexp++;
        if (ci->max_abs > 255.5 * 64.0 * 128.0) {
            free(wv);
            rc = le_fail(err, LE_ERR_RANGE,
                         "%s: connection '%s' -> '%s': weight %g v units exceeds Loihi's 255 x 2^13; choose a smaller "
                         "--vscale",
                         g->path, ci->src, ci->dst, ci->max_abs);
            break;
        }
        double q = 64.0 * (double)(1 << wexp);
        uint64_t zeroed = 0;
        for (uint64_t k = 0; k < pc->t.n; k++)
            zeroed += wv[k] != 0.0 && fabs(wv[k]) < q / 2;
        int32_t wexp2 = INT32_MIN;
        if (wexp > 0 && o->split_zero_frac >= 0 && ci->n_weights &&
            (double)zeroed > o->split_zero_frac * (double)ci->n_weights)
            wexp2 = 0; /* the small weights get the finest exponent in a second connection */
        ci->wexp = wexp;
        ci->wexp2 = wexp2;
        /* One le_connection per (exponent, source pop, target pop) that holds synapses. */
        for (int part = 0; part < (wexp2 == INT32_MIN ? 1 : 2) && !rc; part++) {
            int32_t ex = part == 0 ? wexp : wexp2;
            double qq = 64.0 * (double)(1 << ex);
            uint32_t nsp = net->n_pops;
            uint64_t *count = calloc((size_t)nsp * nsp, sizeof *count);
            if (!count) {
                rc = le_fail(err, LE_ERR_NOMEM, "out of memory");
                break;
            }
            for (uint64_t k = 0; k < pc->t.n; k++) {
                double a = fabs(wv[k]);
                int small = wexp2 != INT32_MIN && a < 255.5 * 64.0;
                if ((part == 0) == small)
                    continue;
                long mt = lround(wv[k] / qq);
                if (mt == 0)
                    continue;
                count[(size_t)pop_of[pc->src_node][pc->t.src[k]] * nsp + pop_of[pc->dst_node][pc->t.dst[k]]]++;
            }
            for (uint32_t a = 0; a < nsp && !rc; a++)
                for (uint32_t b = 0; b < nsp && !rc; b++) {
                    uint64_t n = count[(size_t)a * nsp + b];
                    if (!n)
                        continue;
                    le_connection cn;
                    int any_delay = 0;
                    if ((rc = le_connection_init(&cn, a, b, ex, LE_SIGN_SPLIT, n, 1, err)))
                        break;
                    for (uint64_t k = 0; k < pc->t.n; k++) {
                        uint32_t s = pc->t.src[k], d = pc->t.dst[k];
                        if (pop_of[pc->src_node][s] != a || pop_of[pc->dst_node][d] != b)
                            continue;
                        int small = wexp2 != INT32_MIN && fabs(wv[k]) < 255.5 * 64.0;
                        if ((part == 0) == small)
                            continue;
                        long mt = lround(wv[k] / qq);
                        if (mt == 0)
                            continue;
                        if (mt > 255)
                            mt = 255;
                        if (mt < -255)
                            mt = -255;
                        cn.src[cn.n] = idx_of[pc->src_node][s];
                        cn.dst[cn.n] = idx_of[pc->dst_node][d];
                        cn.weight[cn.n] = (int16_t)mt;
                        cn.delay[cn.n] = pc->t.delay[k];
                        any_delay |= pc->t.delay[k] != 0;
                        cn.n++;
                    }
                    if (!any_delay) {
                        free(cn.delay);
                        cn.delay = NULL;
                    }
                    ci->n_synapses += cn.n;
                    rc = le_network_add_conn(net, &cn, err);
                }
            free(count);
        }
        /* Zeroed after the split: weights whose mantissa rounded to 0 in their own part. */
        ci->n_zeroed = 0;
        for (uint64_t k = 0; k < pc->t.n; k++) {
            if (wv[k] == 0.0)
                continue;
            int small = wexp2 != INT32_MIN && fabs(wv[k]) < 255.5 * 64.0;
            double qq = 64.0 * (double)(1 << (small ? wexp2 : wexp));
            ci->n_zeroed += lround(wv[k] / qq) == 0;
        }
        free(wv);
    }
    if (!rc)
        rc = le_network_validate(net, err);
done:
    for (uint32_t i = 0; i < N; i++) {
        if (m->lin)
            sp_free(&m->lin[i]);
        if (m->ibias)
            free(m->ibias[i]);
        if (nr) {
            free(nr[i].gain);
            free(nr[i].bias);
            free(nr[i].prof);
        }
        if (pop_of)
            free(pop_of[i]);
        if (idx_of)
            free(idx_of[i]);
    }
    for (uint32_t c = 0; c < m->n_pcs; c++)
        trip_free(&m->pcs[c].t);
    free(m->pcs);
    free(m->kinds);
    free(m->shapes);
    free(m->lin);
    free(m->ibias);
    free(nr);
    free(pop_of);
    free(idx_of);
    if (rc)
        le_nir_mapping_free(out);
    return rc;
}

le_code le_nir_add_inputs(le_network *net, const le_nir_mapping *m, const float *data, uint64_t rows, uint64_t cols,
                          uint32_t steps, le_error *err)
{
    if (m->input_node < 0)
        return le_fail(err, LE_ERR_CONFIG, "the graph has no Input node to drive");
    if (cols != m->input_size)
        return le_fail(err, LE_ERR_PARSE, "input spikes: %llu columns, the graph's Input has %u",
                       (unsigned long long)cols, m->input_size);
    le_code rc = LE_OK;
    for (uint64_t t = 0; t < rows && t + 2 <= (uint64_t)steps && !rc; t++)
        for (uint64_t c = 0; c < cols && !rc; c++)
            if (data[t * cols + c] != 0.0f)
                rc = le_network_add_input(net, m->input_pop, (uint32_t)c, (uint32_t)(t + 2), err);
    return rc;
}

static const char *rounding_name(le_nir_decay_rounding r)
{
    return r == LE_NIR_DECAY_LAVA ? "lava: floor(4095 dt/tau)" : "round: round(4096 dt/tau)";
}

void le_nir_print(FILE *f, const le_nir_graph *g, const le_nir_opts *o, const le_nir_mapping *m)
{
    fprintf(f, "%s: NIR %s, %u nodes, %u edges\n", g->path, g->version, g->n_nodes, g->n_edges);
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        fprintf(f, "  node %-24s %-10s", g->nodes[i].name, g->nodes[i].type);
        for (uint32_t k = 0; k < g->nodes[i].n_params; k++) {
            const le_nir_param *p = &g->nodes[i].params[k];
            if (!p->data)
                continue;
            fprintf(f, " %s", p->name);
            if (p->ndim == 0 || p->count == 1)
                fprintf(f, "=%g", p->data[0]);
            else {
                fprintf(f, "[");
                for (uint32_t d = 0; d < p->ndim; d++)
                    fprintf(f, "%s%llu", d ? "x" : "", (unsigned long long)p->dims[d]);
                fprintf(f, "]");
            }
        }
        fprintf(f, "\n");
    }
    for (uint32_t e = 0; e < g->n_edges; e++)
        fprintf(f, "  edge %s -> %s\n", g->nodes[g->edges[e].src].name, g->nodes[g->edges[e].dst].name);
    fprintf(f, "quantisation: dt %g s, vscale %g v units per NIR unit, decay rounding %s\n", o->dt, m->vscale,
            rounding_name(o->rounding));
    uint64_t cx = 0, syn = 0;
    for (uint32_t p = 0; p < m->n_pops; p++) {
        const le_nir_pop_info *pi = &m->pops[p];
        if (!strcmp(pi->type, "Input")) {
            fprintf(f, "  input %-23s %u spike sources\n", pi->node, pi->size);
            continue;
        }
        cx += pi->size;
        fprintf(f, "  neurons %-21s %-8s %u compartments in %u population%s: decay_u %d decay_v %d vth %d<<6 bias %g..%g%s%s\n",
                pi->node, pi->type, pi->size, pi->n_pops, pi->n_pops == 1 ? "" : "s", pi->decay_u, pi->decay_v,
                pi->vth_mant, pi->bias_min, pi->bias_max, pi->note[0] ? "; " : "", pi->note);
    }
    for (uint32_t c = 0; c < m->n_conns; c++) {
        const le_nir_conn_info *ci = &m->conns[c];
        syn += ci->n_synapses;
        char ex[32];
        if (ci->wexp2 == INT32_MIN)
            snprintf(ex, sizeof ex, "wexp %d", ci->wexp);
        else
            snprintf(ex, sizeof ex, "wexp %d and %d (split)", ci->wexp, ci->wexp2);
        fprintf(f, "  weights %s -> %s via %s: %llu synapses, %s, max |w| %g, %llu of %llu weights round to zero\n",
                ci->src, ci->dst, ci->via, (unsigned long long)ci->n_synapses, ex, ci->max_abs,
                (unsigned long long)ci->n_zeroed, (unsigned long long)ci->n_weights);
    }
    fprintf(f, "reset: v to 0 after a spike (Loihi's); NIR stores no reset mode, so a model trained with reset by "
               "subtraction needs --reset subtract\n");
    fprintf(f, "mapped: %llu compartments, %llu synapses\n", (unsigned long long)cx, (unsigned long long)syn);
}
