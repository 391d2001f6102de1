/* Scale benchmark of the MPI board mode (docs/mpi.md): a synthetic network on Pohoiki Springs
 * (768 chips), one LIF population per neuro-core in use, run with `mpirun -np R`.
 *
 *   mpirun -np R bench_mpi [--chips C] [--cores K] [--per-core N] [--fanin F] [--steps T]
 *                          [--noc load|packet|none] [--board NAME] [--check 1]
 *
 * Defaults: all 768 chips, 128 cores each, 512 neurons per core (50.3 M neurons), fan-in 64.
 * Each neuron of the population on (chip c, core k) receives F synapses, F/4 from each of four
 * source populations: cores k+1 and k+K/2 of its own chip and core k of the next chip east and
 * of the next chip south (locality as a placement tool would give it; 2 of the 4 sources are
 * on other chips). A tonic bias (different per population) and mixed-sign weights keep the
 * neurons firing at a few percent per step.
 *
 * Every rank generates only the connections it needs (those into its chips, for their
 * synapses, and those out of them, for their output axons); each connection's synapses come
 * from its own seeded stream (one per target population and source), so all ranks agree on
 * them whatever their number. Rank 0 prints one line per rank: chips, cores, neurons,
 * per-neuron table entries, peak memory (VmHWM) after generating the network, after
 * configuring and at the end, configuration time (generation included), steps/s, share of
 * the run spent in the exchange (spike all-gather, activity gather; waiting for rank 0
 * included) and, on rank 0, in the cost model, bytes it sent. --check 1 also checks that the
 * ranks' shares are disjoint and make up the network (tests/cli/mpi_share.sh). Not a test: see bench/README.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "emu/board_mpi.h"
#include "run/mpi.h"
#include "run/pipeline.h"

typedef struct {
    uint32_t chips, cores, per_core, fanin, steps;
    const char *noc, *board;
    int check;
} options;

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* The source populations of the population on (chip c, core k). */
static void sources(const options *o, uint32_t c, uint32_t k, uint32_t cols, uint32_t src[4])
{
    uint32_t row = c / cols, col = c % cols, rows = (o->chips + cols - 1) / cols;
    uint32_t east = row * cols + (col + 1) % cols, south = ((row + 1) % rows) * cols + col;
    if (east >= o->chips)
        east = c;
    if (south >= o->chips)
        south = c;
    src[0] = c * o->cores + (k + 1) % o->cores;
    src[1] = c * o->cores + (k + o->cores / 2) % o->cores;
    src[2] = east * o->cores + k;
    src[3] = south * o->cores + k;
}

static le_code build(const options *o, const le_board_geom *geom, uint32_t lo, uint32_t hi, le_network *net,
                     uint64_t *synapses, le_error *err)
{
    const uint32_t P = o->chips * o->cores;
    le_code rc = LE_OK;
    for (uint32_t p = 0; p < P && !rc; p++) {
        char name[32];
        snprintf(name, sizeof name, "c%u", p);
        le_population pop = le_population_default(name, LE_POP_LIF, o->per_core);
        uint32_t chip = p / o->cores, core = p % o->cores;
        pop.first_core = (int32_t)(chip * geom->cores_per_chip + core);
        pop.per_core = o->per_core;
        pop.main.decay_u = 1024;
        pop.main.decay_v = 256;
        /* Each population reaches its threshold first at about step k0 spread evenly over 2..40:
         * v_k = b (1 - q^k) / (1 - q) with q = 1 - decay_v / 4096 = 15/16 exceeds vth from
         * k0 on when b = vth (1 - q) / (1 - q^k0). A bias that drove every neuron over its
         * threshold at once made the first steps a volley of the whole board, whose packets
         * rank 0's cost model had to route in one step. */
        uint32_t k0 = 2 + (uint32_t)(mix(p) % 39);
        double qk = 1.0;
        for (uint32_t k = 0; k < k0; k++)
            qk *= 15.0 / 16.0;
        pop.main.bias_mant = (int32_t)((600.0 * 64.0 / 16.0) / (1.0 - qk) / 16.0) + 1; /* exponent 4 */
        pop.main.bias_exp = 4;
        pop.main.vth_mant = 600;
        pop.main.refract = 20 + (int32_t)(mix(p + 7) % 20); /* a few percent per step */
        uint32_t idx;
        rc = le_network_add_pop(net, &pop, &idx, err);
    }
    const uint32_t per_src = o->fanin / 4 ? o->fanin / 4 : 1;
    *synapses = 0;
    for (uint32_t p = 0; p < P && !rc; p++) {
        uint32_t src[4], chip = p / o->cores;
        sources(o, chip, p % o->cores, geom->chip_cols, src);
        for (int s = 0; s < 4 && !rc; s++) {
            uint32_t schip = src[s] / o->cores;
            int mine = (chip >= lo && chip < hi) || (schip >= lo && schip < hi);
            if (!mine)
                continue;
            le_connection cn;
            size_t n = (size_t)o->per_core * per_src;
            if ((rc = le_connection_init(&cn, src[s], p, 0, LE_SIGN_MIXED, n, 0, err)))
                break;
            uint64_t st = mix(((uint64_t)p << 3) | (uint64_t)s);
            for (uint32_t j = 0; j < o->per_core; j++)
                for (uint32_t q = 0; q < per_src; q++) {
                    st = mix(st);
                    cn.src[cn.n] = (uint32_t)(st % o->per_core);
                    cn.dst[cn.n] = j;
                    /* inhibition-dominated: a spike elsewhere delays firing more than it hastens it */
                    cn.weight[cn.n] = (int16_t)((int32_t)((st >> 32) % 200) - 120);
                    cn.n++;
                }
            /* one synapse per (source, target) pair: drop repeats */
            *synapses += cn.n;
            rc = le_network_add_conn(net, &cn, err);
        }
    }
    return rc;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Peak resident memory so far (VmHWM), in kB; getrusage where /proc is missing. */
static long hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb < 0 ? peak_rss_kb() : kb;
}

typedef struct {
    double config_s, run_s, exch_s, cost_s, steps_s;
    uint64_t bytes, cores, synapses, spikes;
    uint64_t neurons;        /* neurons on the rank's configured cores */
    uint64_t slots;          /* per-neuron table entries the rank holds (own span + outside slots) */
    long rss_kb, net_kb, cfg_kb; /* peak at the end, after generating the network, after configuring */
    uint32_t lo, hi;
} rank_row;

/* The configured cores of the ranks are disjoint and together the chips x cores in use, their
 * neurons the network's, and no rank's per-neuron tables reach the whole board when several
 * ranks share it. */
static int check_shares(const options *o, uint32_t cores_per_chip, const rank_row *rows, uint32_t R, const uint32_t *gids,
                        const size_t *lens)
{
    const uint64_t n_cores = (uint64_t)o->chips * o->cores, n_neurons = n_cores * o->per_core;
    uint64_t cores = 0, neurons = 0;
    uint8_t *seen = calloc((size_t)n_cores * 2 + 1, 1);
    int bad = !seen;
    size_t at = 0;
    for (uint32_t r = 0; r < R && !bad; r++) {
        cores += rows[r].cores;
        neurons += rows[r].neurons;
        if (lens[r] / sizeof *gids != rows[r].cores)
            bad = fprintf(stderr, "bench_mpi: rank %u sent %zu core ids for %llu cores\n", r, lens[r] / sizeof *gids,
                          (unsigned long long)rows[r].cores) > 0;
        for (uint64_t k = 0; k < rows[r].cores && !bad; k++, at++) {
            uint32_t g = gids[at];
            /* the bench's cores are cores 0..K-1 of chips 0..C-1 */
            uint32_t chip = g / cores_per_chip, core = g % cores_per_chip, idx = chip * o->cores + core;
            if (chip >= o->chips || core >= o->cores || chip < rows[r].lo || chip >= rows[r].hi || seen[idx])
                bad = fprintf(stderr, "bench_mpi: rank %u configured core %u (chip %u): %s\n", r, g, chip,
                              seen[idx] ? "another rank configured it too" : "not one of its chips") > 0;
            else
                seen[idx] = 1;
        }
        if (!bad && R > 1 && rows[r].slots >= n_neurons)
            bad = fprintf(stderr, "bench_mpi: rank %u holds per-neuron tables for %llu neurons: the whole board's %llu\n",
                          r, (unsigned long long)rows[r].slots, (unsigned long long)n_neurons) > 0;
    }
    if (!bad && (cores != n_cores || neurons != n_neurons))
        bad = fprintf(stderr, "bench_mpi: the ranks configured %llu cores and %llu neurons, the network has %llu and %llu\n",
                      (unsigned long long)cores, (unsigned long long)neurons, (unsigned long long)n_cores,
                      (unsigned long long)n_neurons) > 0;
    free(seen);
    if (!bad)
        printf("  shares: %llu cores and %llu neurons, each configured by one rank\n", (unsigned long long)cores,
               (unsigned long long)neurons);
    return bad;
}

static int run(const options *o)
{
    le_error err;
    le_error_clear(&err);
    le_network net;
    le_network_init(&net);
    le_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    le_board_mpi *bm = NULL;
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = o->board;
    int costed = strcmp(o->noc, "none") != 0;
    le_code rc = LE_OK;
    if (costed)
        rc = le_noc_mode_lookup(o->noc, &po.noc, &err);
    le_board_geom geom;
    le_limits lim;
    if (!rc)
        rc = le_pipeline_board(&po, &geom, &lim, &err);
    if (!rc && (o->chips > geom.n_chips || o->cores > geom.cores_per_chip))
        rc = le_fail(&err, LE_ERR_USAGE, "%u chips x %u cores: the board has %u x %u", o->chips, o->cores,
                     geom.n_chips, geom.cores_per_chip);
    rc = le_mpi_agree(rc, &err);
    if (rc) {
        if (le_mpi_rank() == 0)
            fprintf(stderr, "bench_mpi: %s\n", err.msg);
        return 1;
    }
    /* The ranks' chips: the board mode's own split (balanced on cores in use = contiguous
     * equal shares of the chips in use here). */
    uint32_t R = le_mpi_size(), r = le_mpi_rank();
    uint32_t lo = (uint32_t)((uint64_t)o->chips * r / R), hi = (uint32_t)((uint64_t)o->chips * (r + 1) / R);
    if (r + 1 == R)
        hi = geom.n_chips; /* the unused chips go to the last rank */
    char spec[8192] = "", *q = spec;
    for (uint32_t k = 1; k < R; k++)
        q += snprintf(q, sizeof spec - (size_t)(q - spec), "%s%u", k > 1 ? "," : "",
                      (uint32_t)((uint64_t)o->chips * k / R));
    double t0 = le_mpi_wtime();
    uint64_t synapses = 0;
    rc = build(o, &geom, lo, hi, &net, &synapses, &err);
    long net_kb = hwm_kb();
    if (!rc && R > 1 && !(rc = le_board_mpi_new(spec, &bm, &err)))
        le_board_mpi_options(bm, &po);
    po.consume = &net; /* each connection's synapses go once the configuration holds them */
    if (!rc)
        rc = le_pipeline_open(&net, &po, &pipe, &err);
    if (!rc && !costed) {
        /* Functional only: the board's geometry came from its cost model, which then goes. */
        le_costmodel_free(pipe.cm);
        pipe.cm = NULL;
        le_sim_set_cost_sink(pipe.sim, NULL);
    }
    if (!rc)
        le_network_drop_conns(&net); /* the chip configuration holds the synapses now */
    if (!rc && bm)
        rc = le_board_mpi_attach(bm, &pipe, &net, NULL, 0, &err);
    rc = le_mpi_agree(rc, &err);
    if (rc) {
        if (r == 0)
            fprintf(stderr, "bench_mpi: %s\n", err.msg);
        return 1;
    }
    double t1 = le_mpi_wtime();
    long cfg_kb = hwm_kb();
    rc = le_sim_run(pipe.sim, o->steps, NULL, &err);
    if (rc)
        le_mpi_abort(&err);
    double t2 = le_mpi_wtime();
    rank_row row;
    memset(&row, 0, sizeof row);
    row.config_s = t1 - t0;
    row.run_s = t2 - t1;
    row.steps_s = o->steps / (t2 - t1);
    if (bm) {
        le_board_mpi_stats(bm, &row.bytes, &row.exch_s);
        row.cost_s = le_board_mpi_cost_seconds(bm);
        row.exch_s -= row.cost_s; /* rank 0 costs the step inside the gather */
    } else
        row.cost_s = pipe.cm ? -1.0 : 0.0; /* one process: the cost model runs inside the step */
    row.cores = le_sim_n_cores(pipe.sim);
    row.synapses = synapses;
    row.spikes = le_sim_total_spikes(pipe.sim);
    row.rss_kb = hwm_kb();
    row.net_kb = net_kb;
    row.cfg_kb = cfg_kb;
    row.lo = lo;
    row.hi = hi;
    const le_chipcfg *cfg = le_sim_config(pipe.sim);
    for (size_t c = 0; c < cfg->cx_base[cfg->n_cores]; c++)
        row.neurons += cfg->cx_nrn[c] != LE_CFG_NONE && !(cfg->cx_nrn[c] & LE_CFG_AUX);
    row.slots = (uint64_t)cfg->nrn_n + cfg->n_ext;
    uint32_t *gids = malloc(((size_t)cfg->n_cores + 1) * sizeof *gids);
    if (!gids)
        le_mpi_abort(&err);
    for (uint32_t i = 0; i < cfg->n_cores; i++)
        gids[i] = cfg->cores[i].gid;
    void *all = NULL;
    size_t *lens = NULL;
    if ((rc = le_mpi_allgatherv(&row, sizeof row, &all, &lens, &err)))
        le_mpi_abort(&err);
    void *all_gids = NULL;
    size_t *gid_lens = NULL;
    if (o->check && (rc = le_mpi_gatherv(gids, (size_t)cfg->n_cores * sizeof *gids, &all_gids, &gid_lens, &err)))
        le_mpi_abort(&err);
    free(gids);
    int bad = 0;
    if (r == 0) {
        const rank_row *rows = all;
        uint64_t neurons = (uint64_t)o->chips * o->cores * o->per_core, spikes = 0;
        for (uint32_t k = 0; k < R; k++)
            spikes += rows[k].spikes;
        printf("bench_mpi: %u chips x %u cores x %u neurons = %llu neurons, fan-in %u, %u steps, noc %s, %u rank%s\n",
               o->chips, o->cores, o->per_core, (unsigned long long)neurons, o->fanin, o->steps, o->noc, R,
               R > 1 ? "s" : "");
        printf("  spikes per neuron per step: %.4f\n", (double)spikes / (double)neurons / o->steps);
        printf("  %-5s %-9s %8s %10s %12s %10s %8s %8s %8s %10s %9s %9s %9s %10s\n", "rank", "chips", "cores", "neurons",
               "synapses gen", "table slots", "net MB", "cfg MB", "peak MB", "config s", "steps/s", "exch %", "cost %",
               "sent MB");
        for (uint32_t k = 0; k < R; k++) {
            char cost[16] = "-";
            if (rows[k].cost_s >= 0 && rows[k].run_s > 0)
                snprintf(cost, sizeof cost, "%.1f%%", 100.0 * rows[k].cost_s / rows[k].run_s);
            printf("  %-5u %3u..%-4u %8llu %10llu %12llu %10llu %8.0f %8.0f %8.0f %10.2f %9.3f %8.1f%% %9s %10.1f\n", k,
                   rows[k].lo, rows[k].hi - 1, (unsigned long long)rows[k].cores, (unsigned long long)rows[k].neurons,
                   (unsigned long long)rows[k].synapses, (unsigned long long)rows[k].slots, rows[k].net_kb / 1024.0,
                   rows[k].cfg_kb / 1024.0, rows[k].rss_kb / 1024.0, rows[k].config_s, rows[k].steps_s,
                   rows[k].run_s > 0 ? 100.0 * rows[k].exch_s / rows[k].run_s : 0.0, cost, rows[k].bytes / 1e6);
        }
        if (o->check)
            bad = check_shares(o, geom.cores_per_chip, rows, R, all_gids, gid_lens);
    }
    free(all);
    free(lens);
    free(all_gids);
    free(gid_lens);
    le_board_mpi_free(bm);
    le_pipeline_close(&pipe);
    le_network_free(&net);
    uint64_t b = (uint64_t)bad; /* every rank exits with rank 0's verdict */
    if (le_mpi_allreduce_sum_u64(&b, 1, &err))
        le_mpi_abort(&err);
    return b ? 1 : 0;
}

int main(int argc, char **argv)
{
    le_mpi_init(&argc, &argv);
    options o = {768, 128, 512, 64, 20, "load", "pohoiki-springs", 0};
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--chips"))
            o.chips = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--cores"))
            o.cores = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--per-core"))
            o.per_core = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--fanin"))
            o.fanin = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--steps"))
            o.steps = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--noc"))
            o.noc = v;
        else if (!strcmp(a, "--board"))
            o.board = v;
        else if (!strcmp(a, "--check"))
            o.check = strcmp(v, "0") != 0;
        else {
            fprintf(stderr, "usage: bench_mpi [--chips C] [--cores K] [--per-core N] [--fanin F] [--steps T] "
                            "[--noc load|packet|none] [--board NAME] [--check 1]\n");
            return le_mpi_finalize(2);
        }
    }
    if (!o.chips || !o.cores || !o.per_core || !o.steps) {
        fprintf(stderr, "bench_mpi: sizes must be positive\n");
        return le_mpi_finalize(2);
    }
    return le_mpi_finalize(run(&o));
}
