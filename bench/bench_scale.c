/* Scale benchmark: a synthetic network of the Spiking RelNet's size (about 2300 neuro-cores on
 * 22 chips, about 240,000 neurons, at most 128 neurons per core, 143 steps per inference;
 * shared/spec/relnet-on-loihi.md §1-§2), built and run through the public API only:
 * le_network_* -> le_place -> le_sim_create -> le_costmodel_open/attach_sim -> le_sim_run.
 *
 * The network mimics the RelNet's bulk, the g_theta instances: per chip an input population
 * (spike sources injected by that chip's x86) feeds instances of 4 LIF layers (sparse random
 * connectivity, mixed-sign weights, synaptic delays 0..3); the last layer of every instance
 * converges onto an aggregation layer (neuron k of every instance -> aggregator neuron k, as
 * f_agg, so its cores are bound by the 4096 input axons), followed by one more layer (f_phi).
 * Hidden layers have a tonic bias and inhibition-dominated weights, which keeps their rate at
 * a few percent whatever the depth (a purely excitatory chain either dies out or saturates).
 *
 * It reports the network's size, the wall time of placement and chip configuration, peak RSS,
 * steps/s and spikes/s in load and packet mode, the emulated time per step and the energy per
 * inference, on the main board (nahuku32) and on a huge one (pohoiki-springs), where the same
 * chips are used (the first Nahuku board of the 768-chip system): an idle board must cost
 * nothing per step, so steps/s should match, and the emulated figures should be identical.
 * Not a test: see bench/README.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench/bench_util.h"
#include "run/pipeline.h"

#define LAYERS 4          /* g_theta: 4 layers per instance [spec §1.5] */
#define GROUP_MAX 1024    /* instances per aggregator population (keeps its cores <= 4096 input axons) */
#define MAX_DELAY 3       /* synaptic delays 0..3 (the RelNet uses 1-3 steps [spec §1.4]) */

typedef struct {
    uint32_t cores, chips, steps, fanin, width, per_core, inputs;
    double rate;
    uint64_t seed;
    const char *board, *big;
    int modes; /* bit 0 load, bit 1 packet */
} options;

/* Sizes derived from the options. */
typedef struct {
    uint32_t cpl;        /* cores per layer */
    uint32_t inst_cores; /* cores per instance */
    uint32_t n_inst, n_groups, group;
    uint32_t agg_per_core, agg_cores, head_cores, total_cores;
    uint32_t chips;      /* logical chips holding instances (+1 when the head does not fit) */
} shape;

/* Where each population goes: logical chip and core offset on it (input populations: the
 * chip whose x86 injects them). */
typedef struct {
    uint32_t pop, chip, offset;
    int input;
} slot;

typedef struct {
    le_network net;
    slot *slots;
    uint32_t n_slots;
    uint64_t synapses;
    uint64_t neurons; /* with compartments (input populations excluded) */
} model;

/* ---------------------------------------------------------------- helpers */

static double rnd_unit(void) { return (double)rnd() / 4294967296.0; }
static double rnd_normal(void)
{
    /* Box-Muller; u1 in (0, 1] */
    double u1 = 1.0 - rnd_unit(), u2 = rnd_unit();
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static uint32_t div_up(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

/* ---------------------------------------------------------------- network */

static le_code compute_shape(const options *o, const le_limits *lim, shape *s, le_error *err)
{
    memset(s, 0, sizeof *s);
    s->cpl = div_up(o->width, o->per_core);
    s->inst_cores = LAYERS * s->cpl;
    /* The head's size depends on the instance count (aggregator cores are bound by input
     * axons), the instance count on what the head leaves: iterate to the fixed point. */
    uint32_t head = 0;
    for (int it = 0; it < 8; it++) {
        if (o->cores <= head + s->inst_cores)
            return le_fail(err, LE_ERR_USAGE, "--cores %u: too few for one instance (%u cores) and the head (%u)",
                           o->cores, s->inst_cores, head);
        s->n_inst = (o->cores - head) / s->inst_cores;
        s->n_groups = div_up(s->n_inst, GROUP_MAX);
        s->group = div_up(s->n_inst, s->n_groups);
        s->agg_per_core = lim->in_axons_per_core / s->group;
        if (s->agg_per_core > o->per_core)
            s->agg_per_core = o->per_core;
        s->agg_cores = s->n_groups * div_up(o->width, s->agg_per_core);
        uint32_t h = s->agg_cores + s->cpl;
        if (h == head)
            break;
        head = h;
    }
    s->head_cores = head;
    s->total_cores = s->n_inst * s->inst_cores + head;
    uint32_t per_chip = div_up(s->n_inst, o->chips) * s->inst_cores;
    if (per_chip > lim->cores_per_chip)
        return le_fail(err, LE_ERR_USAGE,
                       "--cores %u on --chips %u: %u cores per chip, a chip has %u (raise --chips)", o->cores,
                       o->chips, per_chip, lim->cores_per_chip);
    /* Head after the last chip's instances, or on a chip of its own. */
    uint32_t last = s->n_inst - (uint32_t)(((uint64_t)(o->chips - 1) * s->n_inst + o->chips - 1) / o->chips);
    s->chips = o->chips;
    if (last * s->inst_cores + head > lim->cores_per_chip)
        s->chips++;
    return LE_OK;
}

static le_code add_pop(model *m, const char *name, le_pop_kind kind, uint32_t size, const le_profile *prof,
                       uint32_t per_core, int32_t chip, uint32_t *idx, le_error *err)
{
    le_population p = le_population_default(name, kind, size);
    if (prof)
        p.main = *prof;
    p.per_core = per_core;
    p.chip = chip;
    return le_network_add_pop(&m->net, &p, idx, err);
}

static le_code add_slot(model *m, uint32_t pop, uint32_t chip, uint32_t offset, le_error *err)
{
    const int input = m->net.pops[pop].kind == LE_POP_INPUT;
    slot *s = realloc(m->slots, (m->n_slots + 1) * sizeof *s);
    if (!s)
        return le_fail(err, LE_ERR_NOMEM, "bench_scale: out of memory for the placement slots");
    m->slots = s;
    slot x = {pop, chip, offset, input};
    m->slots[m->n_slots++] = x;
    return LE_OK;
}

/* Every destination neuron gets `fanin` distinct random sources of src_pop (all of them when
 * the population is smaller); weights ~ N(mu, sd) mantissas, mixed signs (split mode),
 * delays 0..MAX_DELAY. mu and sd are given for a total fan-in of 64 and scaled to the neuron's
 * total fan-in (n_srcs such connections) so that the mean and the variance of its input do not
 * depend on the fan-in. */
static le_code connect_random(model *m, uint32_t src_pop, uint32_t dst_pop, uint32_t fanin, uint32_t n_srcs,
                              double mu64, double sd64, uint32_t *scratch, le_error *err)
{
    const uint32_t ns = m->net.pops[src_pop].size, nd = m->net.pops[dst_pop].size;
    if (fanin > ns)
        fanin = ns;
    const double ftot = (double)fanin * n_srcs; /* n_srcs populations each give `fanin` */
    const double mu = mu64 * 64.0 / ftot, sd = sd64 * sqrt(64.0 / ftot);
    le_connection c;
    memset(&c, 0, sizeof c);
    c.src_pop = src_pop;
    c.dst_pop = dst_pop;
    c.n = nd * fanin;
    c.wexp = 0;
    c.weight_bits = 8;
    c.sign = LE_SIGN_SPLIT;
    c.src = malloc((size_t)c.n * sizeof *c.src);
    c.dst = malloc((size_t)c.n * sizeof *c.dst);
    c.weight = malloc((size_t)c.n * sizeof *c.weight);
    c.delay = malloc(c.n);
    if (!c.src || !c.dst || !c.weight || !c.delay) {
        free(c.src);
        free(c.dst);
        free(c.weight);
        free(c.delay);
        return le_fail(err, LE_ERR_NOMEM, "bench_scale: out of memory for %u synapses", c.n);
    }
    for (uint32_t i = 0; i < ns; i++)
        scratch[i] = i;
    size_t k = 0;
    for (uint32_t d = 0; d < nd; d++) {
        /* partial Fisher-Yates: the first `fanin` entries of scratch are a random subset */
        for (uint32_t j = 0; j < fanin; j++) {
            uint32_t r = j + rnd() % (ns - j), t = scratch[j];
            scratch[j] = scratch[r];
            scratch[r] = t;
            double w = nearbyint(mu + sd * rnd_normal());
            c.src[k] = scratch[j];
            c.dst[k] = d;
            c.weight[k] = (int16_t)(w < -256 ? -256 : (w > 255 ? 255 : w));
            c.delay[k] = (uint8_t)(rnd() % (MAX_DELAY + 1));
            k++;
        }
    }
    m->synapses += c.n;
    return le_network_add_conn(&m->net, &c, err);
}

/* Aggregation: neuron k of every instance of the group -> aggregator neuron k. */
static le_code connect_agg(model *m, const uint32_t *last, uint32_t n, uint32_t agg_pop, le_error *err)
{
    const uint32_t w = m->net.pops[agg_pop].size;
    const double mu = -10.0 * 64.0 / n, sd = 60.0 * sqrt(64.0 / n);
    for (uint32_t i = 0; i < n; i++) {
        le_connection c;
        memset(&c, 0, sizeof c);
        c.src_pop = last[i];
        c.dst_pop = agg_pop;
        c.n = w;
        c.weight_bits = 8;
        c.sign = LE_SIGN_SPLIT;
        c.src = malloc((size_t)w * sizeof *c.src);
        c.dst = malloc((size_t)w * sizeof *c.dst);
        c.weight = malloc((size_t)w * sizeof *c.weight);
        if (!c.src || !c.dst || !c.weight) {
            free(c.src);
            free(c.dst);
            free(c.weight);
            return le_fail(err, LE_ERR_NOMEM, "bench_scale: out of memory for the aggregation");
        }
        for (uint32_t k = 0; k < w; k++) {
            double x = nearbyint(mu + sd * rnd_normal());
            c.src[k] = k;
            c.dst[k] = k;
            c.weight[k] = (int16_t)(x < -256 ? -256 : (x > 255 ? 255 : x));
        }
        m->synapses += w;
        le_code rc = le_network_add_conn(&m->net, &c, err);
        if (rc)
            return rc;
    }
    return LE_OK;
}

/* A hidden population's tonic drive, 18,000..30,000 (x 2^3): from just below threshold
 * (v settles at 7 x bias, threshold 128,000) to a spike about every 7 steps on its own. It
 * differs per population so that, starting from rest, the populations do not all reach
 * threshold in the same step (one synchronous volley of every hidden neuron). */
static void hidden_bias(le_profile *p) { p->bias_mant = (int32_t)((18000 + rnd() % 12001) / 8); }

static le_code build_model(const options *o, const shape *s, model *m, le_error *err)
{
    memset(m, 0, sizeof *m);
    le_network_init(&m->net);
    /* tau_I = tau_V = 7 steps as the RelNet (decay 4096/7 = 585) [spec §1.4, Table S4]. */
    le_profile first = le_profile_default();
    first.decay_u = 585;
    first.decay_v = 585;
    first.vth_mant = 2000;
    le_profile hidden = first;
    hidden.bias_exp = 3;
    uint32_t big = o->width > o->inputs ? o->width : o->inputs;
    uint32_t *scratch = malloc((size_t)big * sizeof *scratch);
    uint32_t *inp = malloc((size_t)s->chips * sizeof *inp);
    uint32_t *last = malloc((size_t)s->group * sizeof *last);
    uint32_t *per_chip = calloc(s->chips, sizeof *per_chip);
    if (!scratch || !inp || !last || !per_chip) {
        free(scratch);
        free(inp);
        free(last);
        free(per_chip);
        return le_fail(err, LE_ERR_NOMEM, "bench_scale: out of memory");
    }
    char name[LE_NAME_MAX];
    le_code rc = LE_OK;
    for (uint32_t c = 0; c < o->chips && !rc; c++) {
        snprintf(name, sizeof name, "in%u", c);
        rc = add_pop(m, name, LE_POP_INPUT, o->inputs, NULL, 0, (int32_t)c, &inp[c], err);
        if (!rc)
            rc = add_slot(m, inp[c], c, 0, err);
    }
    uint32_t agg_done = 0, n_last = 0, fphi = 0;
    uint32_t *aggs = calloc(s->n_groups, sizeof *aggs);
    if (!aggs && !rc)
        rc = le_fail(err, LE_ERR_NOMEM, "bench_scale: out of memory");
    for (uint32_t i = 0; i < s->n_inst && !rc; i++) {
        uint32_t chip = (uint32_t)((uint64_t)i * o->chips / s->n_inst);
        uint32_t prev = inp[chip];
        for (uint32_t l = 0; l < LAYERS && !rc; l++) {
            uint32_t p;
            snprintf(name, sizeof name, "g%u.l%u", i, l + 1);
            hidden_bias(&hidden);
            rc = add_pop(m, name, LE_POP_LIF, o->width, l ? &hidden : &first, o->per_core, -1, &p, err);
            if (!rc)
                rc = add_slot(m, p, chip, per_chip[chip] + l * s->cpl, err);
            if (!rc)
                rc = l ? connect_random(m, prev, p, o->fanin, 1, -10.0, 60.0, scratch, err)
                       : connect_random(m, prev, p, o->fanin, 1, 20.0, 60.0, scratch, err);
            prev = p;
        }
        per_chip[chip] += s->inst_cores;
        last[n_last++] = prev;
        if (!rc && (n_last == s->group || i + 1 == s->n_inst)) {
            snprintf(name, sizeof name, "agg%u", agg_done);
            hidden_bias(&hidden);
            rc = add_pop(m, name, LE_POP_LIF, o->width, &hidden, s->agg_per_core, -1, &aggs[agg_done], err);
            if (!rc)
                rc = connect_agg(m, last, n_last, aggs[agg_done], err);
            agg_done++;
            n_last = 0;
        }
    }
    /* The head: aggregators, then f_phi, after the last chip's instances or on a chip of its own. */
    uint32_t hchip = s->chips - 1, hoff = s->chips > o->chips ? 0 : per_chip[o->chips - 1];
    for (uint32_t g = 0; g < agg_done && !rc; g++) {
        rc = add_slot(m, aggs[g], hchip, hoff, err);
        hoff += div_up(o->width, s->agg_per_core);
    }
    hidden_bias(&hidden);
    if (!rc)
        rc = add_pop(m, "fphi", LE_POP_LIF, o->width, &hidden, o->per_core, -1, &fphi, err);
    if (!rc)
        rc = add_slot(m, fphi, hchip, hoff, err);
    for (uint32_t g = 0; g < agg_done && !rc; g++)
        rc = connect_random(m, aggs[g], fphi, o->fanin, agg_done, -10.0, 60.0, scratch, err);

    /* Input spikes: each input neuron fires with probability `rate` in every step. */
    for (uint32_t t = 1; t <= o->steps && !rc; t++)
        for (uint32_t c = 0; c < o->chips && !rc; c++)
            for (uint32_t k = 0; k < o->inputs && !rc; k++)
                if (rnd_unit() < o->rate)
                    rc = le_network_add_input(&m->net, inp[c], k, t, err);
    for (uint32_t p = 0; p < m->net.n_pops; p++)
        if (m->net.pops[p].kind != LE_POP_INPUT)
            m->neurons += m->net.pops[p].size;
    free(scratch);
    free(inp);
    free(last);
    free(per_chip);
    free(aggs);
    return rc;
}

static void model_free(model *m)
{
    le_network_free(&m->net);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* Explicit placement on a board: logical chip c sits at row c / w, column c % w of the chip
 * grid, w = min(columns, 8), so that a Nahuku 32 (4 x 8) and the first Nahuku board of
 * Pohoiki Springs (16 x 48 chips, boards of 4 x 8) hold the network on the same chip grid. */
static le_code set_placement(model *m, const le_board_geom *g, uint32_t logical_chips, le_error *err)
{
    uint32_t w = g->chip_cols < 8 ? g->chip_cols : 8;
    uint32_t rows = div_up(logical_chips, w);
    if (rows > g->chip_rows)
        return le_fail(err, LE_ERR_USAGE,
                       "board '%s' (%u x %u chips) cannot hold %u chips in rows of %u (lower --chips or use a "
                       "bigger --board)",
                       g->name, g->chip_rows, g->chip_cols, logical_chips, w);
    for (uint32_t i = 0; i < m->n_slots; i++) {
        const slot *s = &m->slots[i];
        uint32_t chip = (s->chip / w) * g->chip_cols + s->chip % w;
        if (s->input)
            m->net.pops[s->pop].chip = (int32_t)chip;
        else
            m->net.pops[s->pop].first_core = (int32_t)(chip * g->cores_per_chip + s->offset);
    }
    return LE_OK;
}

/* ---------------------------------------------------------------- runs */

/* Wraps the cost model's sink: counts the traffic and times the cost model's share. */
typedef struct {
    le_cost_sink inner;
    le_costmodel *cm;
    uint64_t packets, injected, core_entries;
    uint64_t spikes_min, spikes_max; /* per step */
    int64_t inject_ps, cores_net_ps, barrier_ps, mgmt_ps;
    double cm_s;
} probe;

static le_code probe_step(void *ctx, const le_step_activity *a, le_error *err)
{
    probe *p = ctx;
    double t0 = now_s();
    le_code rc = p->inner.step(p->inner.ctx, a, err);
    if (rc)
        return rc;
    p->cm_s += now_s() - t0;
    p->packets += a->n_packets;
    p->injected += a->n_injected;
    p->core_entries += a->n_cores;
    uint64_t sp = 0;
    for (uint32_t i = 0; i < a->n_cores; i++)
        sp += a->cores[i].spikes;
    if (sp < p->spikes_min)
        p->spikes_min = sp;
    if (sp > p->spikes_max)
        p->spikes_max = sp;
    le_step_cost sc;
    le_costmodel_last_step(p->cm, &sc);
    p->inject_ps += sc.inject_ps;
    p->cores_net_ps += sc.cores_net_ps;
    p->barrier_ps += sc.barrier_ps;
    p->mgmt_ps += sc.mgmt_ps;
    return LE_OK;
}

typedef struct {
    double steps_per_s, step_mean_us;
} result;

static int fail(const le_error *err)
{
    fprintf(stderr, "bench_scale: %s\n", err->msg);
    return 1;
}

/* One board: place (explicitly, and once automatically for the timing), then per mode
 * configure the chips, run, and print. */
static int run_board(const options *o, const shape *sh, model *m, const char *board, result res[2])
{
    le_error err;
    const le_limits *lim = le_limits_loihi1();
    le_costmodel *cm = NULL;
    double t0 = now_s();
    if (le_costmodel_open(board, NULL, LE_NOC_LOAD, o->seed, &cm, &err))
        return fail(&err);
    double t_open = now_s() - t0;
    const le_board_geom geom = *le_costmodel_geom(cm);
    le_costmodel_free(cm);
    cm = NULL;

    /* Automatic placement of the same network (it packs cores in order, so on fewer chips):
     * timed because it is the expensive placement path (synapse-memory estimates). */
    for (uint32_t i = 0; i < m->n_slots; i++)
        if (m->slots[i].input)
            m->net.pops[m->slots[i].pop].chip = -1;
        else
            m->net.pops[m->slots[i].pop].first_core = -1;
    le_placement pl;
    t0 = now_s();
    if (le_place(&m->net, &geom, lim, &pl, &err))
        return fail(&err);
    double t_auto = now_s() - t0;
    uint32_t auto_cores = pl.n_cores_used, auto_chips = 0;
    {
        uint32_t hi = 0;
        for (uint32_t g = 0; g < pl.pop_base[pl.n_pops]; g++)
            if (pl.core[g] != LE_NO_CORE && pl.core[g] / geom.cores_per_chip + 1 > hi)
                hi = pl.core[g] / geom.cores_per_chip + 1;
        auto_chips = hi;
    }
    le_placement_free(&pl);

    if (set_placement(m, &geom, sh->chips, &err))
        return fail(&err);
    t0 = now_s();
    if (le_place(&m->net, &geom, lim, &pl, &err))
        return fail(&err);
    double t_place = now_s() - t0;
    uint32_t chips_used = 0;
    {
        uint8_t *seen = calloc(geom.n_chips, 1);
        if (!seen) {
            le_placement_free(&pl);
            fprintf(stderr, "bench_scale: out of memory\n");
            return 1;
        }
        for (uint32_t g = 0; g < pl.pop_base[pl.n_pops]; g++)
            if (pl.core[g] != LE_NO_CORE && !seen[pl.core[g] / geom.cores_per_chip]) {
                seen[pl.core[g] / geom.cores_per_chip] = 1;
                chips_used++;
            }
        free(seen);
    }
    printf("bench_scale board=%s board_chips=%u board_cores=%u open_s=%.3f place_s=%.3f cores=%u chips=%u "
           "auto_place_s=%.3f auto_cores=%u auto_chips=%u peak_rss_mib=%.0f\n",
           board, geom.n_chips, geom.n_chips * geom.cores_per_chip, t_open, t_place, pl.n_cores_used, chips_used,
           t_auto, auto_cores, auto_chips, peak_rss_mib());
    fflush(stdout);

    int rc = 0;
    for (int mode = 0; mode < 2 && !rc; mode++) {
        if (!(o->modes & (1 << mode)))
            continue;
        le_sim *sim = NULL;
        t0 = now_s();
        if (le_sim_create(&m->net, &pl, &geom, lim, &sim, &err)) {
            rc = fail(&err);
            break;
        }
        double t_create = now_s() - t0;
        uint64_t syn = 0;
        uint32_t n_cores = le_sim_n_cores(sim);
        for (uint32_t i = 0; i < n_cores; i++) {
            const le_neurocore *c = le_sim_core(sim, i);
            syn += c->n_in_axons ? c->in_start[c->n_in_axons] : 0;
        }
        if (le_costmodel_open(board, NULL, mode ? LE_NOC_PACKET : LE_NOC_LOAD, o->seed, &cm, &err) ||
            le_costmodel_attach_sim(cm, sim, &err)) {
            rc = fail(&err);
            le_sim_free(sim);
            break;
        }
        probe pr;
        memset(&pr, 0, sizeof pr);
        pr.inner = le_costmodel_sink(cm);
        pr.cm = cm;
        pr.spikes_min = UINT64_MAX;
        le_cost_sink sink = {probe_step, &pr};
        le_sim_set_cost_sink(sim, &sink);
        t0 = now_s();
        if (le_sim_run(sim, o->steps, NULL, &err)) {
            rc = fail(&err);
        } else {
            double t_run = now_s() - t0;
            le_costmodel_end_inference(cm);
            le_cost_summary su;
            le_costmodel_summary(cm, &su);
            uint64_t spikes = le_sim_total_spikes(sim);
            double st = 1e-6 / o->steps; /* ps -> us per step */
            res[mode].steps_per_s = o->steps / t_run;
            res[mode].step_mean_us = su.step_mean_s * 1e6;
            const char *mn = mode ? "packet" : "load";
            const double T = o->steps;
            printf("bench_scale board=%s mode=%s wall create_s=%.3f sim_cores=%u synapses=%llu steps=%u run_s=%.3f "
                   "steps_per_s=%.1f spikes_per_s=%.3g cost_model_share=%.2f peak_rss_mib=%.0f\n",
                   board, mn, t_create, n_cores, (unsigned long long)syn, o->steps, t_run, res[mode].steps_per_s,
                   (double)spikes / t_run, pr.cm_s / t_run, peak_rss_mib());
            printf("bench_scale board=%s mode=%s activity spikes_per_step=%.0f neurons_pct=%.1f spikes_step_min=%llu "
                   "spikes_step_max=%llu packets_per_step=%.0f injected_per_step=%.0f active_cores_per_step=%.0f\n",
                   board, mn, (double)spikes / T, 100.0 * (double)spikes / T / (double)m->neurons,
                   (unsigned long long)pr.spikes_min, (unsigned long long)pr.spikes_max, (double)pr.packets / T,
                   (double)pr.injected / T, (double)pr.core_entries / T);
            printf("bench_scale board=%s mode=%s emulated step_us=%.3f inject_us=%.3f cores_net_us=%.3f "
                   "barrier_us=%.3f mgmt_us=%.3f step_p99_us=%.3f latency_ms=%.3f energy_per_inference_mj=%.4f "
                   "nc_static_mj=%.4f nc_dynamic_mj=%.4f x86_static_mj=%.4f x86_dynamic_mj=%.4f\n",
                   board, mn, res[mode].step_mean_us, (double)pr.inject_ps * st, (double)pr.cores_net_ps * st,
                   (double)pr.barrier_ps * st, (double)pr.mgmt_ps * st, su.step_p99_s * 1e6,
                   su.latency_per_inference_s * 1e3, su.energy_per_inference_j * 1e3, su.e_nc_static_j * 1e3,
                   su.e_nc_dynamic_j * 1e3, su.e_x86_static_j * 1e3, su.e_x86_dynamic_j * 1e3);
            fflush(stdout);
        }
        le_costmodel_free(cm);
        cm = NULL;
        le_sim_free(sim);
    }
    le_placement_free(&pl);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_scale [--cores N] [--chips C] [--steps T] [--rate R] [--seed S] [--board NAME]\n"
                    "                   [--big NAME|none] [--fanin F] [--width W] [--per-core P] [--inputs I]\n"
                    "                   [--modes load,packet]\n");
    return 2;
}

int main(int argc, char **argv)
{
    options o = {2320, 22, 143, 64, 208, 104, 200, 0.05, 1, "nahuku32", "pohoiki-springs", 3};
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage();
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--cores"))
            o.cores = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--chips"))
            o.chips = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--steps"))
            o.steps = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--rate"))
            o.rate = strtod(v, NULL);
        else if (!strcmp(k, "--seed"))
            o.seed = strtoull(v, NULL, 10);
        else if (!strcmp(k, "--board"))
            o.board = v;
        else if (!strcmp(k, "--big"))
            o.big = strcmp(v, "none") ? v : NULL;
        else if (!strcmp(k, "--fanin"))
            o.fanin = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--width"))
            o.width = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--per-core"))
            o.per_core = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--inputs"))
            o.inputs = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--modes"))
            o.modes = (strstr(v, "load") ? 1 : 0) | (strstr(v, "packet") ? 2 : 0);
        else
            return usage();
    }
    if (!o.cores || !o.chips || !o.steps || !o.fanin || !o.width || !o.per_core || !o.inputs || !o.modes ||
        o.rate < 0 || o.rate > 1 || o.per_core > 1024) {
        fprintf(stderr, "bench_scale: --cores, --chips, --steps, --fanin, --width, --per-core (<= 1024), --inputs "
                        "must be positive, --rate in 0..1, --modes load and/or packet\n");
        return 2;
    }
    le_error err;
    shape sh;
    if (compute_shape(&o, le_limits_loihi1(), &sh, &err))
        return fail(&err);
    rng_state = o.seed * 0x9E3779B97F4A7C15ULL + 1;
    model m;
    double t0 = now_s();
    if (build_model(&o, &sh, &m, &err)) {
        model_free(&m);
        return fail(&err);
    }
    double t_build = now_s() - t0;
    printf("bench_scale network instances=%u layers_per_instance=%d width=%u per_core=%u fanin=%u agg_groups=%u "
           "agg_per_core=%u neurons=%llu input_neurons=%u synapses=%llu populations=%u connections=%u "
           "input_spikes=%u planned_cores=%u planned_chips=%u build_s=%.3f peak_rss_mib=%.0f\n",
           sh.n_inst, LAYERS, o.width, o.per_core, o.fanin, sh.n_groups, sh.agg_per_core, (unsigned long long)m.neurons,
           o.chips * o.inputs, (unsigned long long)m.synapses, m.net.n_pops, m.net.n_conns, m.net.n_inputs,
           sh.total_cores, sh.chips, t_build, peak_rss_mib());
    fflush(stdout);

    result main_r[2], big_r[2];
    memset(main_r, 0, sizeof main_r);
    memset(big_r, 0, sizeof big_r);
    int rc = run_board(&o, &sh, &m, o.board, main_r);
    if (!rc && o.big) {
        rc = run_board(&o, &sh, &m, o.big, big_r);
        for (int mode = 0; mode < 2 && !rc; mode++) {
            if (!(o.modes & (1 << mode)))
                continue;
            printf("bench_scale compare mode=%s %s_steps_per_s=%.1f %s_steps_per_s=%.1f ratio=%.3f "
                   "emu_step_us=%.3f/%.3f emulated=%s\n",
                   mode ? "packet" : "load", o.board, main_r[mode].steps_per_s, o.big, big_r[mode].steps_per_s,
                   big_r[mode].steps_per_s / main_r[mode].steps_per_s, main_r[mode].step_mean_us,
                   big_r[mode].step_mean_us,
                   main_r[mode].step_mean_us == big_r[mode].step_mean_us ? "identical" : "differ");
        }
    }
    printf("bench_scale peak_rss_mib=%.0f\n", peak_rss_mib());
    model_free(&m);
    return rc;
}
