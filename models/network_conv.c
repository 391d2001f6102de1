/* Convolutions through population axons (models/network.h): shapes, checks and the
 * expansion into discrete synapses that the population form must match bit for bit. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "models/network.h"

static uint32_t out_dim(uint32_t in, uint32_t pad, uint32_t k, uint32_t stride)
{
    uint64_t span = (uint64_t)in + 2u * (uint64_t)pad;
    if (stride == 0 || k == 0 || span < k)
        return 0;
    uint64_t o = (span - k) / stride + 1;
    return o > UINT32_MAX ? 0 : (uint32_t)o;
}

uint32_t le_conv_out_h(const le_conv *cv) { return out_dim(cv->in_h, cv->pad_h, cv->kernel_h, cv->stride_h); }
uint32_t le_conv_out_w(const le_conv *cv) { return out_dim(cv->in_w, cv->pad_w, cv->kernel_w, cv->stride_w); }

/* Valid kernel taps along one axis for output coordinate o: input i = o * stride - pad + k. */
static uint64_t taps_1d(uint32_t in, uint32_t pad, uint32_t kern, uint32_t stride, uint32_t out)
{
    uint64_t n = 0;
    for (uint32_t o = 0; o < out; o++)
        for (uint32_t k = 0; k < kern; k++) {
            int64_t i = (int64_t)o * stride - pad + k;
            if (i >= 0 && i < (int64_t)in)
                n++;
        }
    return n;
}

uint64_t le_conv_n_synapses(const le_conv *cv)
{
    /* Rows and columns are independent: the valid (output, tap) pairs factor. */
    uint64_t ty = taps_1d(cv->in_h, cv->pad_h, cv->kernel_h, cv->stride_h, le_conv_out_h(cv));
    uint64_t tx = taps_1d(cv->in_w, cv->pad_w, cv->kernel_w, cv->stride_w, le_conv_out_w(cv));
    return ty * tx * cv->in_ch * cv->out_ch;
}

le_code le_conv_check(const le_network *net, const le_connection *c, le_error *err)
{
    const le_limits *lim = le_limits_loihi1();
    const le_conv *cv = c->conv;
    const le_population *sp = &net->pops[c->src_pop], *dp = &net->pops[c->dst_pop];
    const char *sn = sp->name, *dn = dp->name;
    if (dp->kind != LE_POP_LIF)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: a convolution needs a lif destination population",
                       sn, dn);
    if (c->to_aux)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: a convolution cannot target to_aux", sn, dn);
    if (!cv->in_h || !cv->in_w || !cv->in_ch || !cv->out_ch || !cv->kernel_h || !cv->kernel_w)
        return le_fail(err, LE_ERR_CONFIG,
                       "connection %s -> %s: convolution sizes must be positive (input %ux%ux%u, %u output channels, "
                       "kernel %ux%u)",
                       sn, dn, cv->in_h, cv->in_w, cv->in_ch, cv->out_ch, cv->kernel_h, cv->kernel_w);
    if (!cv->stride_h || !cv->stride_w)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: convolution stride %ux%u: must be at least 1", sn,
                       dn, cv->stride_h, cv->stride_w);
    if (cv->pop_type != LE_POP16 && cv->pop_type != LE_POP32)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: population axon type %u: expected 16 or 32", sn, dn,
                       (unsigned)cv->pop_type);
    uint64_t nin = (uint64_t)cv->in_h * cv->in_w * cv->in_ch;
    if (nin != sp->size)
        return le_fail(err, LE_ERR_CONFIG,
                       "connection %s -> %s: convolution input %ux%ux%u = %llu neurons but %s has %u", sn, dn,
                       cv->in_h, cv->in_w, cv->in_ch, (unsigned long long)nin, sn, sp->size);
    uint32_t oh = le_conv_out_h(cv), ow = le_conv_out_w(cv);
    if (!oh || !ow)
        return le_fail(err, LE_ERR_CONFIG,
                       "connection %s -> %s: kernel %ux%u does not fit the input %ux%u with padding %ux%u", sn, dn,
                       cv->kernel_h, cv->kernel_w, cv->in_h, cv->in_w, cv->pad_h, cv->pad_w);
    uint64_t nout = (uint64_t)oh * ow * cv->out_ch;
    if (nout != dp->size)
        return le_fail(err, LE_ERR_CONFIG,
                       "connection %s -> %s: convolution output %ux%ux%u = %llu neurons but %s has %u", sn, dn, oh,
                       ow, cv->out_ch, (unsigned long long)nout, dn, dp->size);
    if (cv->delay > lim->max_delay)
        return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: convolution delay %u > %u", sn, dn, cv->delay,
                       lim->max_delay);
    if (c->wexp < lim->weight_exp_min || c->wexp > lim->weight_exp_max)
        return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: wexp %d outside %d..%d", sn, dn, c->wexp,
                       lim->weight_exp_min, lim->weight_exp_max);
    if (c->weight_bits < 1 || c->weight_bits > 8)
        return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: weight_bits %u outside 1..8", sn, dn,
                       c->weight_bits);
    if (!cv->weight)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: convolution without a kernel", sn, dn);
    int32_t lo, hi;
    le_sign_range(c->sign, &lo, &hi);
    size_t nk = (size_t)cv->out_ch * cv->in_ch * cv->kernel_h * cv->kernel_w;
    for (size_t i = 0; i < nk; i++)
        if (cv->weight[i] < lo || cv->weight[i] > hi) {
            size_t kx = i % cv->kernel_w, ky = i / cv->kernel_w % cv->kernel_h;
            size_t ci = i / ((size_t)cv->kernel_w * cv->kernel_h) % cv->in_ch;
            size_t co = i / ((size_t)cv->kernel_w * cv->kernel_h * cv->in_ch);
            return le_fail(err, LE_ERR_RANGE,
                           "connection %s -> %s: kernel weight [%zu][%zu][%zu][%zu] is %d, outside %d..%d for sign "
                           "mode %s",
                           sn, dn, co, ci, ky, kx, cv->weight[i], lo, hi, le_sign_mode_name(c->sign));
        }
    return LE_OK;
}

le_code le_network_add_conv(le_network *net, uint32_t src_pop, uint32_t dst_pop, const le_conv *conv, int32_t wexp,
                            le_sign_mode sign, le_error *err)
{
    if (src_pop >= net->n_pops || dst_pop >= net->n_pops) {
        free(conv->weight);
        return le_fail(err, LE_ERR_CONFIG, "connection %u: population index %u out of range (%u populations)",
                       net->n_conns, src_pop >= net->n_pops ? src_pop : dst_pop, net->n_pops);
    }
    le_connection c;
    memset(&c, 0, sizeof c);
    c.src_pop = src_pop;
    c.dst_pop = dst_pop;
    c.wexp = wexp;
    c.weight_bits = 8;
    c.sign = sign;
    c.conv = malloc(sizeof *c.conv);
    if (!c.conv) {
        free(conv->weight);
        return le_fail(err, LE_ERR_NOMEM, "connection %s -> %s: out of memory", net->pops[src_pop].name,
                       net->pops[dst_pop].name);
    }
    *c.conv = *conv;
    /* Shapes are checked now so that a builder learns of a mismatch where it made it. */
    uint32_t at = net->n_conns;
    le_code rc = le_network_add_conn(net, &c, err);
    if (rc)
        return rc;
    rc = le_conv_check(net, &net->conns[at], err);
    if (rc) {
        free(net->conns[at].conv->weight);
        free(net->conns[at].conv);
        net->n_conns--;
    }
    return rc;
}

le_code le_conv_expand(const le_connection *cc, le_connection *out, le_error *err)
{
    const le_conv *cv = cc->conv;
    uint64_t n = le_conv_n_synapses(cv);
    if (n > UINT32_MAX)
        return le_fail(err, LE_ERR_LIMIT, "convolution: %llu synapses, more than %u", (unsigned long long)n,
                       UINT32_MAX);
    le_code rc = le_connection_init(out, cc->src_pop, cc->dst_pop, cc->wexp, cc->sign, (size_t)n, cv->delay != 0, err);
    if (rc)
        return rc;
    out->weight_bits = cc->weight_bits;
    uint32_t oh = le_conv_out_h(cv), ow = le_conv_out_w(cv);
    const uint32_t C = cv->in_ch, O = cv->out_ch, KH = cv->kernel_h, KW = cv->kernel_w;
    size_t k = 0;
    /* Source-major order, as a synapse list of the input neurons would be written. */
    for (uint32_t iy = 0; iy < cv->in_h; iy++)
        for (uint32_t ix = 0; ix < cv->in_w; ix++)
            for (uint32_t ci = 0; ci < C; ci++) {
                uint32_t src = (iy * cv->in_w + ix) * C + ci;
                for (uint32_t oy = 0; oy < oh; oy++) {
                    int64_t ky = (int64_t)iy + cv->pad_h - (int64_t)oy * cv->stride_h;
                    if (ky < 0 || ky >= KH)
                        continue;
                    for (uint32_t ox = 0; ox < ow; ox++) {
                        int64_t kx = (int64_t)ix + cv->pad_w - (int64_t)ox * cv->stride_w;
                        if (kx < 0 || kx >= KW)
                            continue;
                        for (uint32_t co = 0; co < O; co++) {
                            out->src[k] = src;
                            out->dst[k] = (oy * ow + ox) * O + co;
                            out->weight[k] = cv->weight[(((size_t)co * C + ci) * KH + (size_t)ky) * KW + (size_t)kx];
                            if (out->delay)
                                out->delay[k] = cv->delay;
                            k++;
                        }
                    }
                }
            }
    out->n = (uint32_t)k;
    return LE_OK;
}
