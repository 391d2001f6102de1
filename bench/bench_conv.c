/* DVS-gesture-sized convolutional network: 128x128x2 input events, four 3x3 stride-2
 * convolutions (8, 16, 32, 32 channels) and a dense head of 11, about 3.6 M synapses, seeded
 * input events for 1000 steps. Runs it with the convolutions expanded to discrete synapses and
 * with population axons (shared synapse sets), functional and with the cost model in `load`
 * and `packet` mode, and reports cores used, synapse memory, configuration time, peak memory
 * and synaptic events per CPU second of the step loop.
 * usage: bench_conv [--steps N] [--rate R] [--modes functional,load,packet]
 *                   [--form discrete|population|both] [--place explicit|auto] [--write DIR] [--stream]
 * --place auto places the population form automatically too (the estimate counts each shared
 * synapse set once, as the chip configuration stores it).
 * --stream also measures this machine's memory bandwidth with a stream-like loop (sequential
 * 8-byte reads of 512 MiB, and dependent-free random 4-byte read-add-writes into 4 KiB, the two
 * halves of a synaptic event) for the bound bench/README.md compares the step loop with.
 * --write DIR writes the discrete network as .npy triplets (src, dst, w per connection) and
 * as a YAML network file with synapse lists (DIR/dvs_conv.yaml), for load-speed measurements.
 * Prints one `key=value` line per (form, mode). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "bench/bench_util.h"
#include "models/npy_write.h"
#include "run/pipeline.h"

#define N_CONV 4

typedef struct {
    uint32_t h, w, c; /* output map */
} layer_shape;

static const uint32_t conv_out_ch[N_CONV] = {8, 16, 32, 32};
static const int32_t conv_vth[N_CONV] = {250, 550, 750, 750};
#define N_CLASSES 11

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The network: convolutions as population-axon connections (expand = 0) or expanded into
 * discrete synapse lists (expand = 1). per_core[k] > 0 places conv layer k explicitly. */
static int place_auto; /* --place auto */

static le_code build(le_network *net, int expand, const uint32_t *per_core, uint32_t steps, double rate,
                     le_error *err)
{
    le_network_init(net);
    rng_state = 0x5eed0dc5ULL;
    le_population in = le_population_default("events", LE_POP_INPUT, 128 * 128 * 2);
    in.chip = 0;
    uint32_t prev, idx;
    le_code rc = le_network_add_pop(net, &in, &prev, err);
    uint32_t h = 128, w = 128, c = 2, next_core = 0;
    for (int k = 0; k < N_CONV && !rc; k++) {
        le_conv cv;
        memset(&cv, 0, sizeof cv);
        cv.in_h = h;
        cv.in_w = w;
        cv.in_ch = c;
        cv.out_ch = conv_out_ch[k];
        cv.kernel_h = cv.kernel_w = 3;
        cv.stride_h = cv.stride_w = 2;
        cv.pad_h = cv.pad_w = 1;
        cv.pop_type = LE_POP32;
        uint32_t oh = le_conv_out_h(&cv), ow = le_conv_out_w(&cv);
        char name[16];
        snprintf(name, sizeof name, "conv%d", k + 1);
        le_population p = le_population_default(name, LE_POP_LIF, oh * ow * cv.out_ch);
        p.main.decay_u = 4096;
        p.main.decay_v = 256;
        p.main.vth_mant = conv_vth[k];
        if (per_core && per_core[k]) {
            /* explicit: exactly per_core neurons on each core, the layers one after another */
            p.first_core = (int32_t)next_core;
            p.per_core = per_core[k];
            next_core += (p.size + per_core[k] - 1) / per_core[k];
        }
        p.own_cores = 1;
        if ((rc = le_network_add_pop(net, &p, &idx, err)))
            break;
        size_t nk = (size_t)cv.out_ch * cv.in_ch * 9;
        cv.weight = malloc(nk * sizeof *cv.weight);
        if (!cv.weight)
            return le_fail(err, LE_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nk; i++)
            cv.weight[i] = (int16_t)((int32_t)(rnd() % 160) - 48); /* mostly excitatory */
        if ((rc = le_network_add_conv(net, prev, idx, &cv, 0, LE_SIGN_SPLIT, err)))
            break;
        if (expand) {
            le_connection d;
            le_connection *cc = &net->conns[net->n_conns - 1];
            if ((rc = le_conv_expand(cc, &d, err)))
                break;
            free(cc->conv->weight);
            free(cc->conv);
            net->n_conns--;
            if ((rc = le_network_add_conn(net, &d, err)))
                break;
        }
        prev = idx;
        h = oh;
        w = ow;
        c = cv.out_ch;
    }
    if (rc)
        return rc;
    le_population head = le_population_default("head", LE_POP_LIF, N_CLASSES);
    head.main.decay_v = 256;
    head.main.vth_mant = 200;
    if ((rc = le_network_add_pop(net, &head, &idx, err)))
        return rc;
    uint32_t nsrc = h * w * c;
    le_connection d;
    if ((rc = le_connection_init(&d, prev, idx, 0, LE_SIGN_SPLIT, (size_t)nsrc * N_CLASSES, 0, err)))
        return rc;
    for (uint32_t s = 0; s < nsrc; s++)
        for (uint32_t o = 0; o < N_CLASSES; o++) {
            d.src[d.n] = s;
            d.dst[d.n] = o;
            d.weight[d.n] = (int16_t)((int32_t)(rnd() % 64) - 24);
            d.n++;
        }
    if ((rc = le_network_add_conn(net, &d, err)))
        return rc;
    /* DVS-like events: a moving blob plus background noise, `rate` events per step on average. */
    for (uint32_t t = 1; t <= steps && !rc; t++) {
        uint32_t cx = 64 + (uint32_t)(40.0 * __builtin_sin(t * 0.01)), cy = 64 + (uint32_t)(30.0 * __builtin_cos(t * 0.013));
        uint32_t n = (uint32_t)rate;
        for (uint32_t k = 0; k < n && !rc; k++) {
            uint32_t x, y;
            if (k % 4 == 0) {
                x = rnd() % 128;
                y = rnd() % 128;
            } else {
                x = (cx + rnd() % 24 - 12) & 127;
                y = (cy + rnd() % 24 - 12) & 127;
            }
            rc = le_network_add_input(net, 0, (y * 128 + x) * 2 + (rnd() & 1), t, err);
        }
    }
    return rc;
}

typedef struct {
    uint64_t synops, cx_updates, cx_active;
} obs_ctx;

static le_code count_synops(void *ctx, const le_sim *sim, uint32_t t, le_error *err)
{
    (void)t;
    (void)err;
    obs_ctx *o = ctx;
    for (uint32_t i = 0; i < le_sim_n_cores(sim); i++)
    {
        const le_neurocore *c = le_sim_core(sim, i);
        o->synops += c->ctr.synops;
        o->cx_updates += c->ctr.cx_updates;
        o->cx_active += c->ctr.cx_active;
    }
    return LE_OK;
}

static int write_files(const le_network *net, const char *dir, le_error *err)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "bench_conv: cannot create %s\n", dir);
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/dvs_conv.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    fprintf(f, "# DVS-sized conv network of bench/bench_conv.c, convolutions expanded to synapse lists\npopulations:\n");
    for (uint32_t p = 0; p < net->n_pops; p++) {
        const le_population *q = &net->pops[p];
        fprintf(f, "  - {name: %s, kind: %s, size: %u", q->name, q->kind == LE_POP_INPUT ? "input" : "lif", q->size);
        if (q->kind != LE_POP_INPUT)
            fprintf(f, ", decay_u: %d, decay_v: %d, vth_mant: %d", q->main.decay_u, q->main.decay_v, q->main.vth_mant);
        fprintf(f, "}\n");
    }
    fprintf(f, "connections:\n");
    for (uint32_t ci = 0; ci < net->n_conns; ci++) {
        const le_connection *c = &net->conns[ci];
        fprintf(f, "  - from: %s\n    to: %s\n    synapses:\n", net->pops[c->src_pop].name, net->pops[c->dst_pop].name);
        for (uint32_t k = 0; k < c->n; k++)
            fprintf(f, "      - [%u, %u, %d]\n", c->src[k], c->dst[k], c->weight[k]);
        int32_t *tmp = malloc(((size_t)c->n + 1) * sizeof *tmp);
        if (!tmp)
            return 1;
        const char *nm[3] = {"src", "dst", "w"};
        for (int a = 0; a < 3; a++) {
            for (uint32_t k = 0; k < c->n; k++)
                tmp[k] = a == 0 ? (int32_t)c->src[k] : a == 1 ? (int32_t)c->dst[k] : c->weight[k];
            snprintf(path, sizeof path, "%s/conn%u_%s.npy", dir, ci, nm[a]);
            if (le_npy_write(path, LE_NPY_INT32, c->n, 0, tmp, err)) {
                free(tmp);
                fclose(f);
                return 1;
            }
        }
        free(tmp);
    }
    fprintf(f, "inputs:\n");
    for (uint32_t i = 0; i < net->n_inputs; i++)
        fprintf(f, "  - {population: events, neuron: %u, steps: %u}\n", net->inputs[i].neuron, net->inputs[i].step);
    fclose(f);
    fprintf(stderr, "bench_conv: wrote %s/dvs_conv.yaml and conn*_{src,dst,w}.npy\n", dir);
    return 0;
}

static int run_one(const char *form, int expand, const char *mode, uint32_t steps, double rate, const char *write_dir)
{
    le_error err;
    le_network net;
    /* Population form, explicit: each convolution layer on cores of its own with the most
     * neurons per core (of a few round numbers) that configure, found by trying. */
    uint32_t per_core[N_CONV] = {0, 0, 0, 0};
    static const uint32_t cand[] = {1024, 896, 768, 640, 512, 384, 256, 128, 64, 32};
    uint32_t ci[N_CONV] = {0, 0, 0, 0};
    for (int tries = 0; !expand && !place_auto && tries < 40; tries++) {
        for (int k = 0; k < N_CONV; k++)
            per_core[k] = cand[ci[k]];
        le_pipeline pipe;
        le_pipeline_opts po = le_pipeline_defaults();
        if (build(&net, 0, per_core, 1, 0, &err)) {
            fprintf(stderr, "bench_conv: %s\n", err.msg);
            le_network_free(&net);
            return 1;
        }
        le_code rc = le_pipeline_open(&net, &po, &pipe, &err);
        le_network_free(&net);
        if (!rc) {
            le_pipeline_close(&pipe);
            break;
        }
        char *at = strstr(err.msg, "population 'conv");
        int k = at ? at[16] - '1' : -1;
        if (k < 0 || k >= N_CONV || ci[k] + 1 >= sizeof cand / sizeof *cand) {
            fprintf(stderr, "bench_conv: %s: %s\n", form, err.msg);
            return 1;
        }
        ci[k]++;
    }
    double c0 = cpu_s();
    if (build(&net, expand, expand ? NULL : per_core, steps, rate, &err)) {
        fprintf(stderr, "bench_conv: %s\n", err.msg);
        le_network_free(&net);
        return 1;
    }
    if (write_dir && write_files(&net, write_dir, &err)) {
        fprintf(stderr, "bench_conv: writing %s failed: %s\n", write_dir, err.msg);
        le_network_free(&net);
        return 1;
    }
    double c1 = cpu_s();
    le_pipeline pipe;
    le_pipeline_opts po = le_pipeline_defaults();
    if (strcmp(mode, "functional")) {
        po.board = "nahuku32";
        po.noc = le_noc_mode_find(mode);
    }
    if (le_pipeline_open(&net, &po, &pipe, &err)) {
        fprintf(stderr, "bench_conv: %s: %s\n", form, err.msg);
        le_network_free(&net);
        return 1;
    }
    double c2 = cpu_s();
    uint64_t syn_bits = 0, in_axons = 0, stored = 0, uniform = 0;
    for (uint32_t i = 0; i < le_sim_n_cores(pipe.sim); i++) {
        const le_neurocore *c = le_sim_core(pipe.sim, i);
        syn_bits += c->syn_bits;
        uniform += (uint64_t)c->uniform;
        in_axons += c->n_in_axons + c->n_pop_axons;
        stored += c->n_in_axons ? c->in_start[c->n_in_axons] : 0;
        if (c->n_sets)
            stored += c->row_start[c->sets[c->n_sets - 1].row0 + c->sets[c->n_sets - 1].n_atoms] -
                      (c->n_in_axons ? c->in_start[c->n_in_axons] : 0);
    }
    obs_ctx oc = {0, 0, 0};
    le_sim_set_observer(pipe.sim, count_synops, &oc);
    double c3 = cpu_s();
    if (le_pipeline_run(&pipe, steps, NULL, &err)) {
        fprintf(stderr, "bench_conv: %s\n", err.msg);
        le_pipeline_close(&pipe);
        le_network_free(&net);
        return 1;
    }
    double c4 = cpu_s();
    uint64_t spikes = le_sim_total_spikes(pipe.sim);
    if (!expand && !place_auto)
        printf("form=%s per_core=%u,%u,%u,%u\n", form, per_core[0], per_core[1], per_core[2], per_core[3]);
    if (!expand && place_auto)
        printf("form=%s placement=auto\n", form);
    printf("form=%s mode=%s cores=%u uniform_cores=%llu synapses_stored=%llu syn_bits=%llu in_axons=%llu build_s=%.3f config_s=%.3f "
           "run_cpu_s=%.3f steps=%u spikes=%llu inputs=%u synops=%llu events_per_cpu_s=%.3g cx_updates=%llu cx_active=%llu peak_rss_mb=%.0f\n",
           form, mode, le_sim_n_cores(pipe.sim), (unsigned long long)uniform, (unsigned long long)stored, (unsigned long long)syn_bits,
           (unsigned long long)in_axons, c1 - c0, c2 - c1, c4 - c3, steps, (unsigned long long)spikes, net.n_inputs,
           (unsigned long long)oc.synops, (double)oc.synops / (c4 - c3), (unsigned long long)oc.cx_updates,
           (unsigned long long)oc.cx_active, peak_rss_kb() / 1024.0);
    fflush(stdout);
    le_pipeline_close(&pipe);
    le_network_free(&net);
    return 0;
}

/* Sequential reads (a synapse list is streamed) and random read-add-writes in a small
 * accumulator (the dendritic accumulators of one core), each timed alone on one core. */
static void stream(void)
{
    const size_t n = (size_t)64 << 20; /* 64 Mi 8-byte words = 512 MiB */
    uint64_t *a = malloc(n * sizeof *a);
    if (!a)
        return;
    rng_state = 0x5eed0dc5ULL;
    for (size_t i = 0; i < n; i++)
        a[i] = rnd(); /* values the compiler cannot sum in closed form */
    double c0 = cpu_s();
    uint64_t sum = 0;
    for (int rep = 0; rep < 4; rep++)
        for (size_t i = 0; i < n; i++)
            sum += a[i];
    double c1 = cpu_s();
    int32_t acc[1024] = {0};
    const uint32_t m = 1u << 27;
    uint32_t x = 12345;
    for (uint32_t i = 0; i < m; i++) {
        x = x * 1664525u + 1013904223u;
        acc[x >> 22] += (int32_t)(x & 255);
    }
    double c2 = cpu_s();
    int64_t chk = 0;
    for (int i = 0; i < 1024; i++)
        chk += acc[i];
    printf("stream read_gb_per_s=%.2f read_8byte_words_per_s=%.3g random_acc_updates_per_s=%.3g (check %llu %lld)\n",
           4.0 * (double)n * 8 / (c1 - c0) / 1e9, 4.0 * (double)n / (c1 - c0), (double)m / (c2 - c1),
           (unsigned long long)sum, (long long)chk);
    free(a);
}

int main(int argc, char **argv)
{
    uint32_t steps = 1000;
    double rate = 60;
    const char *modes = "functional,load,packet", *form = "both", *write_dir = NULL;
    int do_stream = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc)
            rate = atof(argv[++i]);
        else if (!strcmp(argv[i], "--modes") && i + 1 < argc)
            modes = argv[++i];
        else if (!strcmp(argv[i], "--form") && i + 1 < argc)
            form = argv[++i];
        else if (!strcmp(argv[i], "--write") && i + 1 < argc)
            write_dir = argv[++i];
        else if (!strcmp(argv[i], "--place") && i + 1 < argc && (!strcmp(argv[i + 1], "auto") || !strcmp(argv[i + 1], "explicit")))
            place_auto = !strcmp(argv[++i], "auto");
        else if (!strcmp(argv[i], "--stream"))
            do_stream = 1;
        else {
            fprintf(stderr, "usage: bench_conv [--steps N] [--rate R] [--modes functional,load,packet] "
                            "[--form discrete|population|both] [--place explicit|auto] [--write DIR] [--stream]\n");
            return 2;
        }
    }
    int rc = 0;
    if (do_stream)
        stream();
    for (int e = 1; e >= 0; e--) {
        const char *fn = e ? "discrete" : "population";
        if (strcmp(form, "both") && strcmp(form, fn))
            continue;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", modes);
        for (char *m = strtok(buf, ","); m; m = strtok(NULL, ","))
            {
            rc |= run_one(fn, e, m, steps, rate, e ? write_dir : NULL);
            if (e)
                write_dir = NULL;
        }
    }
    return rc;
}
