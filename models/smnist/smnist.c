#include "models/smnist/smnist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

le_smnist_options le_smnist_options_default(void)
{
    le_smnist_options o;
    o.inject_latency = 1;
    return o;
}

static le_code load_one(const char *dir, const char *name, size_t rows, size_t cols, le_npy *a, le_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    le_code rc = le_npy_read(path, rows, cols, a, err);
    if (rc) {
        if (rc == LE_ERR_IO)
            le_error_prefix(err, "sMNIST weights (run tools/fetch-data.sh, or give the data folder with --data DIR)");
        return rc;
    }
    for (size_t i = 0; i < a->count; i++) {
        float x = a->data[i];
        if (!(x == floorf(x)) || x < -256.0f || x > 255.0f) {
            le_npy_free(a);
            return le_fail(err, LE_ERR_DATA, "%s: entry %zu (row %zu, column %zu) is %g, not an 8-bit weight mantissa -256..255",
                           path, i, i / cols, i % cols, (double)x);
        }
    }
    return LE_OK;
}

le_code le_smnist_weights_load(const char *dir, le_smnist_weights *w, le_error *err)
{
    memset(w, 0, sizeof *w);
    le_code rc;
    if ((rc = load_one(dir, "w_in.npy", 80, LE_SMNIST_N_REC, &w->w_in, err)) ||
        (rc = load_one(dir, "w_rec.npy", LE_SMNIST_N_REC, LE_SMNIST_N_REC, &w->w_rec, err)) ||
        (rc = load_one(dir, "w_out.npy", LE_SMNIST_N_REC, LE_SMNIST_N_OUT, &w->w_out, err))) {
        le_smnist_weights_free(w);
        return rc;
    }
    return LE_OK;
}

void le_smnist_weights_free(le_smnist_weights *w)
{
    le_npy_free(&w->w_in);
    le_npy_free(&w->w_rec);
    le_npy_free(&w->w_out);
}

static le_profile lif_profile(int32_t vth, int32_t decay_v)
{
    le_profile p = le_profile_default();
    p.decay_u = LE_SMNIST_DECAY_U;
    p.decay_v = decay_v;
    p.vth_mant = vth;
    p.refract = LE_SMNIST_REFRACT;
    return p;
}

/* Connects rows [r0, r0 + nr) and columns [c0, c0 + nc) of the row-major matrix m (ncols wide)
 * from population src to population dst. Positive and negative mantissas go to separate
 * excitatory and inhibitory groups (split sign mode), as the authors' loader does. */
static le_code connect_block(le_network *net, uint32_t src, uint32_t dst, const le_npy *m, size_t r0, size_t nr,
                             size_t c0, size_t nc, int32_t wexp, uint32_t delay, le_error *err)
{
    float *blk = malloc(nr * nc * sizeof *blk);
    if (!blk)
        return le_fail(err, LE_ERR_NOMEM, "sMNIST: no memory for a %zu x %zu weight block", nr, nc);
    size_t ncols = m->shape[1];
    for (size_t r = 0; r < nr; r++)
        memcpy(blk + r * nc, m->data + (r0 + r) * ncols + c0, nc * sizeof *blk);
    uint32_t first = net->n_conns;
    le_code rc = le_network_connect_dense(net, src, dst, blk, wexp, LE_SIGN_SPLIT, err);
    free(blk);
    if (rc || delay == 0)
        return rc;
    for (uint32_t k = first; k < net->n_conns; k++) {
        le_connection *c = &net->conns[k];
        if (c->n == 0)
            continue;
        free(c->delay);
        c->delay = malloc(c->n);
        if (!c->delay)
            return le_fail(err, LE_ERR_NOMEM, "sMNIST: no memory for %u input delays", c->n);
        memset(c->delay, (int)delay, c->n);
    }
    return LE_OK;
}

le_code le_smnist_build(const le_smnist_weights *w, const le_smnist_options *opt, le_network *net,
                        le_smnist_pops *pops, le_error *err)
{
    le_smnist_options o = opt ? *opt : le_smnist_options_default();
    if (o.inject_latency > 1)
        return le_fail(err, LE_ERR_RANGE, "sMNIST: x86 injection latency %u steps: must be 0 or 1",
                       o.inject_latency);

    le_population in = le_population_default("input", LE_POP_INPUT, 80);
    in.first_core = 0;
    in.chip = 0;

    le_population reg = le_population_default("regular", LE_POP_LIF, LE_SMNIST_N_REG);
    reg.main = lif_profile(LE_SMNIST_VTH, LE_SMNIST_DECAY_V);
    reg.first_core = 0;

    le_population ada = le_population_default("adaptive", LE_POP_AHP, LE_SMNIST_N_ADA);
    ada.main = lif_profile(LE_SMNIST_VTH_ADA, LE_SMNIST_DECAY_V);
    ada.main.join_op = LE_JOIN_ADD;
    ada.aux = lif_profile(LE_SMNIST_VTH_AUX, LE_SMNIST_DECAY_AUX);
    ada.aux.stack_out = 1;
    ada.ahp_weight = LE_SMNIST_AHP_WEIGHT;
    ada.ahp_wexp = LE_SMNIST_AHP_WEXP;
    ada.first_core = 0;

    le_population out = le_population_default("output", LE_POP_LIF, LE_SMNIST_N_OUT);
    out.main = lif_profile(LE_SMNIST_VTH_OUT, LE_SMNIST_DECAY_V);
    out.first_core = 0;

    le_smnist_pops p;
    le_code rc;
    if ((rc = le_network_add_pop(net, &in, &p.input, err)) || (rc = le_network_add_pop(net, &reg, &p.regular, err)) ||
        (rc = le_network_add_pop(net, &ada, &p.adaptive, err)) || (rc = le_network_add_pop(net, &out, &p.output, err)))
        return rc;

    const size_t NR = LE_SMNIST_N_REG, NA = LE_SMNIST_N_ADA;
    const uint32_t lat = 0; /* no synaptic delays: the authors load no delay files */
    /* Columns 0..139 of w_in / w_rec are regular neurons, 140..239 adaptive ones; rows of
     * w_rec / w_out likewise. Into adaptive mains the exponent is 2 (x4 threshold scale). */
    if ((rc = connect_block(net, p.input, p.regular, &w->w_in, 0, 80, 0, NR, LE_SMNIST_WEXP_REG, lat, err)) ||
        (rc = connect_block(net, p.input, p.adaptive, &w->w_in, 0, 80, NR, NA, LE_SMNIST_WEXP_ADA, lat, err)) ||
        (rc = connect_block(net, p.regular, p.regular, &w->w_rec, 0, NR, 0, NR, LE_SMNIST_WEXP_REG, 0, err)) ||
        (rc = connect_block(net, p.regular, p.adaptive, &w->w_rec, 0, NR, NR, NA, LE_SMNIST_WEXP_ADA, 0, err)) ||
        (rc = connect_block(net, p.adaptive, p.regular, &w->w_rec, NR, NA, 0, NR, LE_SMNIST_WEXP_REG, 0, err)) ||
        (rc = connect_block(net, p.adaptive, p.adaptive, &w->w_rec, NR, NA, NR, NA, LE_SMNIST_WEXP_ADA, 0, err)) ||
        (rc = connect_block(net, p.regular, p.output, &w->w_out, 0, NR, 0, LE_SMNIST_N_OUT, LE_SMNIST_WEXP_OUT, 0, err)) ||
        (rc = connect_block(net, p.adaptive, p.output, &w->w_out, NR, NA, 0, LE_SMNIST_N_OUT, LE_SMNIST_WEXP_OUT, 0, err)))
        return rc;
    if (pops)
        *pops = p;
    return LE_OK;
}

le_code le_smnist_network(const le_smnist_weights *w, const le_smnist_options *opt, le_network *net,
                          le_smnist_pops *pops, le_error *err)
{
    le_code rc = le_smnist_build(w, opt, net, pops, err);
    if (!rc)
        rc = le_network_validate(net, err);
    if (rc)
        le_error_prefix(err, "sMNIST network");
    return rc;
}
