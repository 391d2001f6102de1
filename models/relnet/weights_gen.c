/* The seeded generator of RelNet weight directories. The scaling rule (docs/relnet-weights.md
 * "Generated weights"): for every connection, the free membrane potential that its inputs alone
 * would cause in a postsynaptic neuron (no threshold, no reset) has mean drive * threshold and
 * standard deviation spread * threshold, given the presynaptic layer's intended rate, the
 * fan-in and the postsynaptic layer's integer decays (Campbell's theorem for spike trains
 * through the neuron's impulse response). Only IEEE-exact operations and integer random
 * numbers enter the files, so a seed gives the same bytes on every machine. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/limits.h"
#include "models/npy_write.h"
#include "models/relnet/weights.h"
#include "models/relnet/weights_private.h"

#define GENERATOR_NAME "loihi-emu models/relnet/weights_gen.c 1"

le_relnet_gen_params le_relnet_gen_params_default(void)
{
    le_relnet_gen_params p;
    memset(&p, 0, sizeof p);
    p.rate_lsnn = 0.03;
    p.g_sum_hz = 300.0;
    p.ref_sentences = 20;
    p.rate_agg = 0.03;
    p.rate_f = 0.03;
    /* Tuned so that each layer, driven alone by inputs at their intended rates, fires near
     * its own intended rate (the per-layer check in tests/test_relnet_weights.cpp and the
     * table in docs/relnet-weights.md). */
    static const double drive[LE_RN_N_CONNS] = {
        [LE_RN_C_SENT_IN] = 0.0, [LE_RN_C_SENT_REC] = 0.0, [LE_RN_C_QUES_IN] = 0.0, [LE_RN_C_QUES_REC] = 0.0,
        [LE_RN_C_G1] = 0.0,      [LE_RN_C_G2] = 0.0,       [LE_RN_C_G3] = 0.0,      [LE_RN_C_G4] = 0.0,
        [LE_RN_C_AGG] = 0.82,    [LE_RN_C_F1] = 0.0,       [LE_RN_C_F2] = 0.0,      [LE_RN_C_F3] = 0.0,
        [LE_RN_C_READOUT] = 0.0};
    static const double spread[LE_RN_N_CONNS] = {
        [LE_RN_C_SENT_IN] = 1.5, [LE_RN_C_SENT_REC] = 0.35, [LE_RN_C_QUES_IN] = 1.5, [LE_RN_C_QUES_REC] = 0.35,
        [LE_RN_C_G1] = 0.16,     [LE_RN_C_G2] = 0.21,       [LE_RN_C_G3] = 0.21,     [LE_RN_C_G4] = 0.21,
        [LE_RN_C_AGG] = 0.5,     [LE_RN_C_F1] = 1.1,       [LE_RN_C_F2] = 1.1,       [LE_RN_C_F3] = 1.1,
        [LE_RN_C_READOUT] = 1.0 / 32.0};
    for (int c = 0; c < LE_RN_N_CONNS; c++) {
        p.drive[c] = drive[c];
        p.spread[c] = spread[c];
        p.density[c] = 1.0;
    }
    p.delay_min = 1;
    p.delay_max = 3;
    p.mant_rms = 40.0;
    p.decay_u = 585; /* int(4096 / 7) */
    p.decay_v = 585;
    p.decay_ahp = 101; /* int(4096 / 40.3) */
    p.beta_over_vth = 0.176;
    p.readout_decay_u = 585;
    p.refract = 1;
    return p;
}

/* --- random numbers: splitmix64, one stream per file --- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t stream(uint64_t seed, unsigned id)
{
    uint64_t s = (uint64_t)id + 1u;
    uint64_t mix = splitmix(&s);
    return seed ^ mix;
}

/* Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin-Hall), from integers,
 * so that no library function enters the files. */
static double normal12(uint64_t *s)
{
    uint64_t sum = 0;
    for (int i = 0; i < 12; i++)
        sum += splitmix(s) >> 32;
    return (double)sum * (1.0 / 4294967296.0) - 6.0;
}

static int bernoulli(uint64_t *s, double p)
{
    if (p >= 1.0)
        return (void)splitmix(s), 1;
    return (splitmix(s) >> 11) < (uint64_t)(p * 9007199254740992.0);
}

static uint32_t uniform_int(uint64_t *s, uint32_t lo, uint32_t hi)
{
    uint64_t span = (uint64_t)hi - lo + 1u;
    return lo + (uint32_t)(((splitmix(s) >> 32) * span) >> 32);
}

/* --- the scaling rule --- */

/* Free membrane potential of a layer with decays (du, dv) after one spike of actual weight 1
 * arriving in step 0: u_n = a_u^n, v_n = a_v v_(n-1) + u_n. Sums of h and h^2, and of h over the
 * first `partial` steps. */
static void kernel_sums(int32_t du, int32_t dv, int partial, double *g1, double *g2, double *gp)
{
    double au = 1.0 - du / 4096.0, av = 1.0 - dv / 4096.0;
    double u = 1.0, v = 0.0, s1 = 0.0, s2 = 0.0, sp = 0.0;
    for (int n = 0; n < 100000; n++) {
        v = av * v + u;
        s1 += v;
        s2 += v * v;
        if (n < partial)
            sp += v;
        u *= au;
        if (n > 64 && v < 1e-12 * s1)
            break;
    }
    *g1 = s1;
    *g2 = s2;
    *gp = sp;
}

/* The readout's v at the end of its window: v is wiped every step before the window and
 * integrates u without leak for T_readout steps. h(s) for a spike arriving in step s relative
 * to the window's first step. */
static void readout_sums(int32_t du, double *h1, double *h2)
{
    double au = 1.0 - du / 4096.0, s1 = 0.0, s2 = 0.0;
    for (int s = LE_RELNET_T_READOUT - 1; s > -100000; s--) {
        double h = 0.0, a = 1.0;
        for (int t = s; t < LE_RELNET_T_READOUT; t++, a *= au)
            if (t >= 0)
                h += a;
        s1 += h;
        s2 += h * h;
        if (s < -64 && h < 1e-12 * s1)
            break;
    }
    *h1 = s1;
    *h2 = s2;
}

typedef struct {
    double mu, sigma; /* present synapses' weights, relative to the threshold (readout: 2^23) */
    double rms;       /* sqrt(mu^2 + sigma^2) */
    int32_t wexp;
} conn_scale;

typedef struct {
    le_relnet_layer layer[LE_RN_N_LAYERS];
    conn_scale sc[LE_RN_N_CONNS];
} plan;

/* Presynaptic spikes per step per neuron, averaged over the postsynaptic layer's window. */
static double pre_rate(const le_relnet_gen_params *p, le_relnet_conn_id c)
{
    double inst = p->ref_sentences * (p->ref_sentences + 1) / 2.0;
    double rg = p->g_sum_hz / 1000.0 / inst;
    switch (c) {
    case LE_RN_C_SENT_REC:
    case LE_RN_C_QUES_REC: return p->rate_lsnn;
    case LE_RN_C_G1: return p->rate_lsnn * LE_RELNET_T_INP / LE_RELNET_T_SIM; /* relays pass 14 of 37 steps */
    case LE_RN_C_G2:
    case LE_RN_C_G3:
    case LE_RN_C_G4: return rg;
    case LE_RN_C_F1: return p->rate_agg;
    default: return p->rate_f;
    }
}

static le_code scale_conn(const le_relnet_gen_params *p, le_relnet_conn_id c, const le_relnet_layer *post,
                          conn_scale *out, le_error *err)
{
    const le_rn_conn_spec *s = &le_rn_conns[c];
    double b = p->drive[c], g = p->spread[c], dens = p->density[c];
    double g1, g2, gp, mu, e2;
    kernel_sums(post->decay_u, post->decay_v, LE_RELNET_T_WORD, &g1, &g2, &gp);
    if (c == LE_RN_C_SENT_IN || c == LE_RN_C_QUES_IN) {
        /* One word neuron spikes on every step of its word: a neuron's free v at the word's
         * end is its weight from that word times gp. */
        mu = b / (dens * gp);
        e2 = (g * g + b * b) / (dens * gp * gp);
    } else if (c == LE_RN_C_AGG) {
        /* Neuron k sees neuron k of every instance through one weight w_k: g_sum_hz spikes per
         * second arrive in all; the spread is across neurons (w_k = mu (1 + spread z)). */
        double lam = p->g_sum_hz / 1000.0;
        mu = b / (lam * g1);
        e2 = mu * mu * (1.0 + g * g);
    } else if (c == LE_RN_C_READOUT) {
        double h1, h2;
        readout_sums(post->decay_u, &h1, &h2);
        double lam = s->rows * dens * pre_rate(p, c);
        mu = b / (lam * h1);
        e2 = g * g / (lam * h2);
    } else {
        double n_pre = s->recurrent ? s->rows - 1.0 : (double)s->rows;
        double lam = n_pre * dens * pre_rate(p, c);
        mu = b / (lam * g1);
        e2 = g * g / (lam * g2);
    }
    double var = c == LE_RN_C_AGG ? mu * mu * g * g : e2 - mu * mu;
    if (!(var >= 0.0) || !(e2 > 0.0))
        return le_fail(err, LE_ERR_CONFIG,
                       "RelNet weight generator: connection %s: drive %g needs a larger spread than %g (the mean "
                       "weight alone would give more fluctuation)",
                       s->w_name, b, g);
    out->mu = mu;
    out->sigma = sqrt(var);
    out->rms = sqrt(e2);
    return LE_OK;
}

/* floor(log2(x)) for x > 0 from frexp (exact), counting x within 0.1 % below a power of two as
 * that power: the finest connection of a layer lands on exponent 0 despite the rounded threshold. */
static int floor_log2(double x)
{
    int k;
    double f = frexp(x, &k);
    return f >= 0.999 ? k : k - 1;
}

static le_code make_plan(const le_relnet_gen_params *p, plan *pl, le_error *err)
{
    memset(pl, 0, sizeof *pl);
    const le_limits *lim = le_limits_loihi1();
    for (int l = 0; l < LE_RN_N_LAYERS; l++) {
        le_relnet_layer *L = &pl->layer[l];
        L->n = le_rn_layers[l].n;
        L->decay_u = p->decay_u;
        L->decay_v = p->decay_v;
        L->refract = (int32_t)p->refract;
        if (le_rn_layers[l].kind == LE_RN_K_LSNN) {
            L->n_adaptive = LE_RELNET_N_ADAPTIVE;
            L->ahp_decay_u = LE_DECAY_ONE; /* the spike's weight lasts one step in the aux u ... */
            L->ahp_decay_v = p->decay_ahp; /* ... and decays with tau_AHP in the aux v */
        } else if (le_rn_layers[l].kind == LE_RN_K_RELAY) {
            /* tau_I = tau_V = 0, threshold 1, weight 5: one spike in, one spike out a step later
             * (spec §1.4); 4095 is the largest voltage decay the register holds. */
            L->decay_u = LE_DECAY_ONE;
            L->decay_v = LE_DECAY_ONE - 1;
            L->vth_mant = 1;
            L->refract = 1;
            L->in_weight = 5;
            L->in_wexp = 0;
        } else if (le_rn_layers[l].kind == LE_RN_K_READOUT) {
            /* A non-spiking integrator: the authors configure voltage decay 1 and let the x86
             * switch it (spec §1.4, §4); the threshold is reached only at saturation. */
            L->decay_u = p->readout_decay_u;
            L->decay_v = 1;
            L->vth_mant = 131071;
        }
    }
    for (int c = 0; c < LE_RN_N_CONNS; c++) {
        le_code rc = scale_conn(p, (le_relnet_conn_id)c, &pl->layer[le_rn_conns[c].post], &pl->sc[c], err);
        if (rc)
            return rc;
    }
    /* Threshold of each spiking layer: the finest connection into it gets rms mantissa mant_rms
     * at exponent 0; the others get exponents that keep their rms mantissa in [mant_rms, 2 mant_rms). */
    for (int l = 0; l < LE_RN_N_LAYERS; l++) {
        le_relnet_layer *L = &pl->layer[l];
        if (le_rn_layers[l].kind == LE_RN_K_RELAY)
            continue;
        double min_rms = 0.0;
        for (int c = 0; c < LE_RN_N_CONNS; c++)
            if (le_rn_conns[c].post == (le_relnet_layer_id)l && (min_rms == 0.0 || pl->sc[c].rms < min_rms))
                min_rms = pl->sc[c].rms;
        /* The readout's reference is the voltage limit 2^23, in units of 64. */
        double vth = le_rn_layers[l].kind == LE_RN_K_READOUT ? (double)(1 << 17) : floor(p->mant_rms / min_rms + 0.5);
        if (le_rn_layers[l].kind != LE_RN_K_READOUT) {
            if (vth < 1.0 || vth > 131071.0)
                return le_fail(err, LE_ERR_CONFIG,
                               "RelNet weight generator: layer %s: threshold mantissa %.0f outside 1..131071; change "
                               "mant_rms (%g) or the spread of its connections",
                               le_rn_layers[l].name, vth, p->mant_rms);
            L->vth_mant = (int32_t)vth;
        }
        for (int c = 0; c < LE_RN_N_CONNS; c++) {
            if (le_rn_conns[c].post != (le_relnet_layer_id)l)
                continue;
            int e = floor_log2(pl->sc[c].rms * vth / p->mant_rms);
            if (e > lim->weight_exp_max || e < lim->weight_exp_min)
                return le_fail(err, LE_ERR_CONFIG,
                               "RelNet weight generator: connection %s would need weight exponent %d (the chip has "
                               "%d..%d); change its spread or mant_rms",
                               le_rn_conns[c].w_name, e, (int)lim->weight_exp_min, (int)lim->weight_exp_max);
            pl->sc[c].wexp = e;
        }
        if (L->n_adaptive) {
            /* The aux v joins the main u, which integrates it with tau_I before the voltage
             * does; the paper's AHP enters the voltage directly (Eq. 6). For tau_AHP >> tau_I
             * the extra integration multiplies by 4096 / decay_u, so the increment is scaled
             * down by decay_u / 4096 to keep beta / V_thr. */
            double a = p->beta_over_vth * vth * 64.0 * L->decay_u / 4096.0;
            int e = floor_log2(a / (64.0 * p->mant_rms));
            e = e < lim->weight_exp_min ? lim->weight_exp_min : (e > lim->weight_exp_max ? lim->weight_exp_max : e);
            double m = floor(a / ldexp(1.0, 6 + e) + 0.5);
            L->ahp_wexp = e;
            L->ahp_weight = -(int32_t)(m < 1.0 ? 1.0 : (m > 255.0 ? 255.0 : m));
            if (p->beta_over_vth == 0.0)
                L->ahp_weight = 0;
        }
    }
    return LE_OK;
}

/* --- files --- */

static le_code path_in(const char *dir, const char *name, char *out, size_t cap, le_error *err)
{
    if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
        return le_fail(err, LE_ERR_USAGE, "RelNet weight generator: path too long: %.64s/%s", dir, name);
    return LE_OK;
}

static le_code hash_file(const char *path, char hex[LE_SHA256_HEX], le_error *err)
{
    uint8_t d[LE_SHA256_BYTES];
    le_code rc = le_sha256_file(path, d, err);
    if (!rc)
        le_sha256_hex(d, hex);
    return rc;
}

typedef struct {
    char w_sha[LE_SHA256_HEX], d_sha[LE_SHA256_HEX];
} conn_files;

/* Draws connection c's mantissas and delays and writes both files. */
static le_code write_conn(const char *dir, uint64_t seed, const le_relnet_gen_params *p, const plan *pl,
                          le_relnet_conn_id c, conn_files *cf, le_error *err)
{
    const le_rn_conn_spec *s = &le_rn_conns[c];
    const conn_scale *sc = &pl->sc[c];
    size_t rows = s->rows, cols = s->cols, n = rows * cols;
    int16_t *w = malloc(n * sizeof *w);
    uint8_t *d = malloc(n);
    if (!w || !d) {
        free(w);
        free(d);
        return le_fail(err, LE_ERR_NOMEM, "RelNet weight generator: out of memory for %s", s->w_name);
    }
    /* Weights of the readout are relative to 2^23 = 2^17 in units of 64; the others to the threshold. */
    double ref = le_rn_layers[s->post].kind == LE_RN_K_READOUT ? (double)(1 << 17) : (double)pl->layer[s->post].vth_mant;
    double unit = ref / ldexp(1.0, sc->wexp); /* mantissa per relative weight */
    uint64_t sw = stream(seed, 2u * (unsigned)c), sd = stream(seed, 2u * (unsigned)c + 1u);
    for (size_t i = 0; i < n; i++) {
        size_t r = i / cols, col = i % cols;
        int present = bernoulli(&sw, p->density[c]);
        double z = normal12(&sw);
        if (!present || (s->recurrent && r == col)) {
            w[i] = 0;
            continue;
        }
        double x = c == LE_RN_C_AGG ? sc->mu * (1.0 + p->spread[c] * z) : sc->mu + sc->sigma * z;
        double m = floor(x * unit + 0.5);
        if (c == LE_RN_C_AGG)
            m = m < 1.0 ? 1.0 : m; /* the aggregation adds up: every weight excitatory */
        else if (m == 0.0)
            m = z < 0.0 ? -1.0 : 1.0; /* keep the synapse: all-to-all stays all-to-all */
        w[i] = (int16_t)(m > 255.0 ? 255.0 : (m < -255.0 ? -255.0 : m));
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t dl = uniform_int(&sd, p->delay_min, p->delay_max);
        d[i] = w[i] ? (uint8_t)dl : 0; /* absent synapses get delay 0 */
    }
    char path[1400];
    le_code rc = LE_OK;
    char fname[96];
    snprintf(fname, sizeof fname, "%s.npy", s->w_name);
    if (!rc)
        rc = path_in(dir, fname, path, sizeof path, err);
    if (!rc)
        rc = le_npy_write(path, LE_NPY_INT16, rows, s->vector ? 0 : cols, w, err);
    if (!rc)
        rc = hash_file(path, cf->w_sha, err);
    if (!rc && s->d_name) {
        snprintf(fname, sizeof fname, "%s.npy", s->d_name);
        rc = path_in(dir, fname, path, sizeof path, err);
        if (!rc)
            rc = le_npy_write(path, LE_NPY_UINT8, rows, s->vector ? 0 : cols, d, err);
        if (!rc)
            rc = hash_file(path, cf->d_sha, err);
    }
    free(w);
    free(d);
    return rc;
}

/* Checks a token file and copies it into the directory. */
static le_code copy_tokens(const char *src, const char *dir, const char *name, const char *role, uint32_t max,
                           uint32_t *lines, char hex[LE_SHA256_HEX], le_error *err)
{
    uint8_t d[LE_SHA256_BYTES];
    le_code rc = le_rn_check_tokens(src, role, max, lines, d, err);
    if (rc) {
        le_error_prefix(err, "RelNet weight generator");
        return rc;
    }
    le_sha256_hex(d, hex);
    char dst[1400];
    if ((rc = path_in(dir, name, dst, sizeof dst, err)))
        return rc;
    /* Read whole before writing: the source may be the destination (regenerating in place). */
    FILE *in = fopen(src, "rb");
    if (!in)
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: %s: cannot open: %s", src, strerror(errno));
    enum { CAP = 1 << 20 }; /* le_rn_check_tokens accepted it, so it is no larger */
    char *buf = malloc(CAP);
    if (!buf) {
        fclose(in);
        return le_fail(err, LE_ERR_NOMEM, "RelNet weight generator: out of memory copying %s", src);
    }
    size_t n = fread(buf, 1, CAP, in);
    int ok = !ferror(in);
    fclose(in);
    FILE *out = ok ? fopen(dst, "wb") : NULL;
    if (ok && !out) {
        free(buf);
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: %s: cannot create: %s", dst, strerror(errno));
    }
    if (out) {
        ok = fwrite(buf, 1, n, out) == n;
        if (fclose(out) != 0)
            ok = 0;
    }
    free(buf);
    if (!ok)
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: copying %s to %s failed", src, dst);
    return LE_OK;
}

static le_code check_params(const le_relnet_gen_params *p, le_error *err)
{
#define BAD(...) le_fail(err, LE_ERR_USAGE, "RelNet weight generator: " __VA_ARGS__)
    if (!p->vocab_file || !p->answers_file)
        return BAD("the vocabulary and answer-class files are required (one token per line)");
    if (!(p->rate_lsnn > 0 && p->rate_lsnn <= 1) || !(p->rate_agg > 0 && p->rate_agg <= 1) ||
        !(p->rate_f > 0 && p->rate_f <= 1))
        return BAD("rates must lie in (0, 1] spikes per step (rate_lsnn %g, rate_agg %g, rate_f %g)", p->rate_lsnn,
                   p->rate_agg, p->rate_f);
    if (!(p->g_sum_hz > 0 && p->g_sum_hz <= 1000.0 * 210))
        return BAD("g_sum_hz %g outside (0, 210000]", p->g_sum_hz);
    if (p->ref_sentences < 1 || p->ref_sentences > LE_RELNET_MAX_SENTENCES)
        return BAD("ref_sentences %u outside 1..%d", p->ref_sentences, LE_RELNET_MAX_SENTENCES);
    double inst = p->ref_sentences * (p->ref_sentences + 1) / 2.0;
    if (p->g_sum_hz / 1000.0 / inst > 1.0)
        return BAD("g_sum_hz %g over %g instances is more than one spike per step per neuron", p->g_sum_hz, inst);
    for (int c = 0; c < LE_RN_N_CONNS; c++) {
        if (!(p->density[c] > 0 && p->density[c] <= 1))
            return BAD("density of %s is %g; expected (0, 1]", le_rn_conns[c].w_name, p->density[c]);
        if (!(p->spread[c] > 0 && p->spread[c] < 1e6) || !(p->drive[c] > -1e6 && p->drive[c] < 1e6))
            return BAD("connection %s: spread %g must be positive, drive %g finite", le_rn_conns[c].w_name,
                       p->spread[c], p->drive[c]);
    }
    if (p->drive[LE_RN_C_AGG] <= 0)
        return BAD("the aggregation's drive must be positive (its weights are excitatory), found %g",
                   p->drive[LE_RN_C_AGG]);
    if (p->delay_min > p->delay_max || p->delay_max > le_limits_loihi1()->max_delay)
        return BAD("delays %u..%u: expected min <= max <= %u", p->delay_min, p->delay_max,
                   le_limits_loihi1()->max_delay);
    if (!(p->mant_rms >= 1.0 && p->mant_rms <= 127.0))
        return BAD("mant_rms %g outside [1, 127]", p->mant_rms);
    if (p->decay_u < 1 || p->decay_u > LE_DECAY_ONE || p->decay_v < 1 || p->decay_v > LE_DECAY_ONE - 1 ||
        p->decay_ahp < 0 || p->decay_ahp > LE_DECAY_ONE - 1 || p->readout_decay_u < 1 ||
        p->readout_decay_u > LE_DECAY_ONE)
        return BAD("decays: decay_u %d (1..4096), decay_v %d (1..4095), decay_ahp %d (0..4095), readout_decay_u %d "
                   "(1..4096)",
                   (int)p->decay_u, (int)p->decay_v, (int)p->decay_ahp, (int)p->readout_decay_u);
    if (!(p->beta_over_vth >= 0 && p->beta_over_vth <= 10))
        return BAD("beta_over_vth %g outside [0, 10]", p->beta_over_vth);
    if (p->refract < 1 || p->refract > 64)
        return BAD("refract %u outside 1..64", p->refract);
    return LE_OK;
#undef BAD
}

static void put_params(FILE *f, uint64_t seed, const le_relnet_gen_params *p)
{
    fprintf(f, "generated:\n  generator: %s\n  seed: %llu\n  params:\n", GENERATOR_NAME, (unsigned long long)seed);
    fprintf(f, "    rate_lsnn: %.15g\n    g_sum_hz: %.15g\n    ref_sentences: %u\n", p->rate_lsnn, p->g_sum_hz,
            p->ref_sentences);
    fprintf(f, "    rate_agg: %.15g\n    rate_f: %.15g\n", p->rate_agg, p->rate_f);
    fprintf(f, "    delay_min: %u\n    delay_max: %u\n    mant_rms: %.15g\n", p->delay_min, p->delay_max, p->mant_rms);
    fprintf(f, "    decay_u: %d\n    decay_v: %d\n    decay_ahp: %d\n    beta_over_vth: %.15g\n", (int)p->decay_u,
            (int)p->decay_v, (int)p->decay_ahp, p->beta_over_vth);
    fprintf(f, "    readout_decay_u: %d\n    refract: %u\n", (int)p->readout_decay_u, p->refract);
    fprintf(f, "    connections:\n");
    for (int c = 0; c < LE_RN_N_CONNS; c++)
        fprintf(f, "      %s: {drive: %.15g, spread: %.15g, density: %.15g}\n", le_rn_conns[c].w_name, p->drive[c],
                p->spread[c], p->density[c]);
}

static void put_layer(FILE *f, const le_relnet_layer *L, const le_rn_layer_spec *s)
{
    fprintf(f, "  %s:\n    n: %u\n", s->name, L->n);
    if (s->kind == LE_RN_K_LSNN)
        fprintf(f, "    n_adaptive: %u\n", L->n_adaptive);
    fprintf(f, "    decay_u: %d\n    decay_v: %d\n    vth_mant: %d\n    refract: %d\n", (int)L->decay_u,
            (int)L->decay_v, (int)L->vth_mant, (int)L->refract);
    if (s->kind == LE_RN_K_LSNN)
        fprintf(f, "    ahp: {decay_u: %d, decay_v: %d, weight: %d, wexp: %d}\n", (int)L->ahp_decay_u,
                (int)L->ahp_decay_v, (int)L->ahp_weight, (int)L->ahp_wexp);
    if (s->kind == LE_RN_K_RELAY)
        fprintf(f, "    in_weight: %d\n    in_wexp: %d\n", (int)L->in_weight, (int)L->in_wexp);
}

static void put_tensor(FILE *f, const char *name, const char *dtype, const le_rn_conn_spec *s, int with_exp,
                       int32_t wexp, const char *sha)
{
    fprintf(f, "  %s:\n    file: %s.npy\n    dtype: %s\n", name, name, dtype);
    if (s->vector)
        fprintf(f, "    shape: [%u]\n", s->rows);
    else
        fprintf(f, "    shape: [%u, %u]\n", s->rows, s->cols);
    if (with_exp)
        fprintf(f, "    exponent: %d\n", (int)wexp);
    fprintf(f, "    sha256: %s\n", sha);
}

le_code le_relnet_weights_generate(const char *dir, uint64_t seed, const le_relnet_gen_params *p, le_error *err)
{
    le_code rc = check_params(p, err);
    if (rc)
        return rc;
    plan pl;
    if ((rc = make_plan(p, &pl, err)))
        return rc;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: cannot create %s: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: %s is not a directory", dir);

    uint32_t n_vocab, n_answers;
    char vsha[LE_SHA256_HEX], asha[LE_SHA256_HEX];
    if ((rc = copy_tokens(p->vocab_file, dir, "vocab.txt", "vocabulary", LE_RELNET_N_WORDS, &n_vocab, vsha, err)) ||
        (rc = copy_tokens(p->answers_file, dir, "answers.txt", "answer classes", LE_RELNET_N_OUT, &n_answers, asha,
                          err)))
        return rc;
    conn_files cf[LE_RN_N_CONNS];
    for (int c = 0; c < LE_RN_N_CONNS; c++)
        if ((rc = write_conn(dir, seed, p, &pl, (le_relnet_conn_id)c, &cf[c], err)))
            return rc;

    /* The manifest last, under a temporary name: a directory without manifest.yaml is not a
     * weight directory, so an interrupted run leaves nothing that loads. */
    char tmp[1400], fin[1400];
    if ((rc = path_in(dir, LE_RN_MANIFEST ".tmp", tmp, sizeof tmp, err)) ||
        (rc = path_in(dir, LE_RN_MANIFEST, fin, sizeof fin, err)))
        return rc;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: cannot create %s: %s", tmp, strerror(errno));
    fprintf(f, "# Spiking RelNet weights for loihi-emu: format in docs/relnet-weights.md.\n");
    fprintf(f, "# Generated (random, untrained): activity aimed at the paper's rates, answers meaningless.\n");
    fprintf(f, "format: %s\nformat_version: %d\n", LE_RN_FORMAT_NAME, LE_RELNET_FORMAT_VERSION);
    fprintf(f, "task_list: [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20]\n");
    fprintf(f, "vocab_file: {file: vocab.txt, lines: %u, sha256: %s}\n", n_vocab, vsha);
    fprintf(f, "answer_classes_file: {file: answers.txt, lines: %u, sha256: %s}\n", n_answers, asha);
    fprintf(f, "schedule: {dt_ms: 1, T_word: %d, max_words: %d, T_inp: %d, T_sim: %d, T_readout: %d, "
               "max_sentences: %d, steps_per_sample: %d}\n",
            LE_RELNET_T_WORD, LE_RELNET_MAX_WORDS, LE_RELNET_T_INP, LE_RELNET_T_SIM, LE_RELNET_T_READOUT,
            LE_RELNET_MAX_SENTENCES, LE_RELNET_STEPS_PER_SAMPLE);
    put_params(f, seed, p);
    fprintf(f, "layers:\n");
    for (int l = 0; l < LE_RN_N_LAYERS; l++)
        put_layer(f, &pl.layer[l], &le_rn_layers[l]);
    fprintf(f, "tensors:\n");
    for (int c = 0; c < LE_RN_N_CONNS; c++) {
        const le_rn_conn_spec *s = &le_rn_conns[c];
        put_tensor(f, s->w_name, "int16", s, 1, pl.sc[c].wexp, cf[c].w_sha);
        if (s->d_name)
            put_tensor(f, s->d_name, "uint8", s, 0, 0, cf[c].d_sha);
    }
    int ok = !ferror(f);
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        remove(tmp);
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: writing %s failed", tmp);
    }
    if (rename(tmp, fin) != 0) {
        int e = errno;
        remove(tmp);
        return le_fail(err, LE_ERR_IO, "RelNet weight generator: cannot rename %s to %s: %s", tmp, fin, strerror(e));
    }
    return LE_OK;
}
