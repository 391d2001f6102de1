/* Spiking RelNet benchmark: wall time and peak memory per inference (one bAbI story, 143
 * steps) at story size M on one core, the way `loihi-emu relnet` runs it (emu/cmd_relnet.c):
 * functional only (no cost model), then with the cost model and ledger in `load` and `packet`
 * network modes; plus the one-off costs (bAbI corpus, weights, 20-sentence layout, the
 * network of size M, its placement and chip configuration). Target (issue 8): at most 1 s per
 * inference in load mode.
 * usage: bench_relnet [--stories N] [--sentences M] [--weights DIR] [--data DIR]
 *                     [--board NAME] [--placement optimised|naive] [--modes LIST]
 *
 * Each mode runs in its own child process (fork) after the shared one-off work, so that
 * getrusage's peak RSS is that mode's own peak: a single process would only ever report the
 * largest mode run so far. The child inherits the loaded corpus and layout, so its peak is
 * the whole footprint of a `loihi-emu relnet` run of that mode. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "emu/relnet_map.h"
#include "emu/relnet_run.h"
#include "models/relnet/babi.h"
#include "models/relnet/build.h"
#include "models/relnet/snips.h"
#include "models/relnet/strategy.h"
#include "models/relnet/weights.h"
#include "models/smnist/mnist.h"
#include "noc/noc.h"
#include "place/hints.h"
#include "run/pipeline.h"

#define TARGET_S 1.0 /* issue 8: per inference in load mode */
#define MAX_MODES 3

static double rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Resident memory now, not the peak: the chip configuration's build needs temporary arrays
 * that the run does not, so the two differ. Linux only; -1 elsewhere. */
static double rss_now_mib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, res = 0;
    int ok = f && fscanf(f, "%lu %lu", &size, &res) == 2;
    if (f)
        fclose(f);
    return ok ? (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0) : -1;
}

/* CPU time of this process: on a shared machine the wall time also counts the others' load,
 * the CPU time much less so. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What one mode's child sends back through its pipe. */
typedef struct {
    le_code code;
    char msg[LE_ERROR_MSG_MAX];
    double build_s, place_s, config_s, open_s; /* open_s: the whole le_pipeline_open (costed) */
    double run_s, run_cpu_s;
    double rss_before_mib, rss_peak_mib, rss_run_mib;
    uint64_t synapses;
    uint32_t cores, stories, correct;
    uint64_t pred_hash;
    double us_per_step, edp_ujs; /* emulated, costed modes only */
} mode_result;

/* The work every mode shares, done once in the parent. */
typedef struct {
    le_babi_corpus corpus;
    le_babi_dict dict;
    le_relnet_weights w;
    le_hints mapping;
    le_relnet_layout lay;
    int have_layout;
    le_relnet_sample *samples;
    uint32_t n;
    le_pipeline_opts po;
    le_board_geom geom;
    le_limits lim;
    double corpus_s, weights_s, layout_s, rss_mib;
} shared;

static le_code setup(shared *sh, const char *data, const char *weights, const char *board, le_relnet_strategy strat,
                     uint32_t M, uint32_t stories, le_error *err)
{
    char path[1200];
    double t0 = now_s();
    snprintf(path, sizeof path, "%s/%s", data, LE_BABI_EN10K);
    le_code rc = le_babi_read_tasks(&sh->corpus, path, LE_BABI_ALL_TASKS, 1, 0, err);
    if (!rc)
        rc = le_babi_dict_build(&sh->corpus, &sh->dict, err);
    sh->corpus_s = now_s() - t0;
    t0 = now_s();
    if (!rc)
        rc = le_relnet_weights_load(weights, &sh->w, err);
    if (!rc)
        rc = le_relnet_weights_check_dict(&sh->w, &sh->dict, path, err);
    sh->weights_s = now_s() - t0;
    if (!rc)
        rc = le_hints_load(LE_SOURCE_DIR "/config/relnet/mapping.yaml", &sh->mapping, err);
    if (!rc) {
        sh->po = le_pipeline_defaults();
        sh->po.board = board;
        rc = le_pipeline_board(&sh->po, &sh->geom, &sh->lim, err);
    }
    t0 = now_s();
    if (!rc && !(rc = le_relnet_layout_place(&sh->w, strat, &sh->mapping, NULL, &sh->geom, &sh->lim, &sh->lay, err)))
        sh->have_layout = 1;
    sh->layout_s = now_s() - t0;
    le_babi_selection sel;
    memset(&sel, 0, sizeof sel);
    if (!rc) {
        le_babi_filter f = {LE_BABI_PAPER_TASKS, LE_BABI_TEST, (int32_t)M, NULL, 0};
        le_babi_pick pk = {stories, 1, LE_BABI_BENCH_SEED};
        rc = le_babi_select(&sh->corpus, &f, &pk, &sel, err);
    }
    if (!rc && sel.n == 0)
        rc = le_fail(err, LE_ERR_DATA, "no test story of the paper's tasks has exactly %u sentences", M);
    if (!rc && !(sh->samples = calloc(sel.n, sizeof *sh->samples)))
        rc = le_fail(err, LE_ERR_NOMEM, "out of memory for %u stories", sel.n);
    for (uint32_t k = 0; k < sel.n && !rc; k++) {
        le_babi_example e;
        if (!(rc = le_babi_encode(&sh->corpus, &sh->dict, sel.ref[k], &e, err)))
            le_relnet_sample_from_babi(&e, &sh->samples[k]);
    }
    sh->n = sel.n;
    le_babi_selection_free(&sel);
    sh->rss_mib = rss_mib();
    return rc;
}

static void shared_free(shared *sh)
{
    if (sh->have_layout)
        le_relnet_layout_free(&sh->lay);
    le_babi_corpus_free(&sh->corpus);
    le_relnet_weights_free(&sh->w);
    le_hints_free(&sh->mapping);
    free(sh->samples);
}

/* One mode, in the child. noc NULL: functional only. The functional pipeline is the costed
 * one less its cost model (same board geometry, placement and chip configuration), built by
 * hand because le_pipeline_open attaches the cost model whenever a board is named. */
static le_code run_mode(const shared *sh, uint32_t M, const le_noc_mode *noc, mode_result *r, le_error *err)
{
    le_network net;
    le_network_init(&net);
    le_relnet_pops pops;
    le_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    uint16_t *pred = calloc(sh->n, sizeof *pred);
    uint32_t chips[4096], chips_n = 0;
    r->rss_before_mib = rss_mib();
    double t0 = now_s();
    le_code rc = pred ? le_relnet_instantiate(&sh->w, &sh->lay, M, &net, &pops, err)
                      : le_fail(err, LE_ERR_NOMEM, "out of memory for %u predictions", sh->n);
    r->build_s = now_s() - t0;
    if (!rc && noc) {
        le_pipeline_opts po = sh->po;
        po.noc = noc;
        t0 = now_s();
        rc = le_pipeline_open(&net, &po, &pipe, err);
        r->open_s = now_s() - t0;
    } else if (!rc) {
        pipe.geom = sh->geom;
        pipe.lim = sh->lim;
        t0 = now_s();
        if (!(rc = le_place_with(&net, &pipe.geom, &pipe.lim, sh->po.place, &pipe.pl, err)))
            pipe.placed = 1;
        r->place_s = now_s() - t0;
        t0 = now_s();
        if (!rc)
            rc = le_sim_create(&net, &pipe.pl, &pipe.geom, &pipe.lim, &pipe.sim, err);
        if (!rc)
            rc = le_sim_set_inject_latency(pipe.sim, sh->po.inject_latency, err);
        r->config_s = now_s() - t0;
        r->open_s = r->place_s + r->config_s;
    }
    if (!rc) {
        le_relnet_snip_state st;
        le_relnet_snip_init(&st, &pops, sh->samples, sh->n, pred, le_sim_step_now(pipe.sim));
        st.readout_chip = pipe.pl.core[le_place_gid(&pipe.pl, pops.readout, 0)] / sh->geom.cores_per_chip;
        for (uint32_t i = 0; i < le_sim_n_cores(pipe.sim); i++) {
            uint32_t chip = le_sim_core(pipe.sim, i)->gid / sh->geom.cores_per_chip;
            if (!chips_n || chips[chips_n - 1] != chip) /* cores come in gid order */
                chips[chips_n++] = chip;
        }
        st.chips = chips;
        st.n_chips = chips_n;
        le_snips sn = le_relnet_snips(&st);
        r->cores = le_sim_n_cores(pipe.sim);
        for (uint32_t i = 0; i < r->cores; i++) {
            const le_neurocore *c = le_sim_core(pipe.sim, i);
            r->synapses += c->in_start[c->n_in_axons];
        }
        t0 = now_s();
        double c0 = cpu_s();
        rc = le_pipeline_run_inferences(&pipe, sh->n, LE_RN_STEPS, &sn, NULL, NULL, err);
        if (!rc && pipe.cm) {
            /* part of every costed run: the totals the command prints */
            le_cost_summary s;
            le_costmodel_summary(pipe.cm, &s);
            r->us_per_step = s.step_mean_s * 1e6;
            r->edp_ujs = s.edp_js * 1e6;
        }
        r->run_s = now_s() - t0;
        r->run_cpu_s = cpu_s() - c0;
        r->rss_run_mib = rss_now_mib();
    }
    if (!rc) {
        r->stories = sh->n;
        r->pred_hash = 1469598103934665603ULL; /* FNV-1a: modes must agree on every answer */
        for (uint32_t k = 0; k < sh->n; k++) {
            r->correct += pred[k] == sh->samples[k].answer;
            r->pred_hash = (r->pred_hash ^ pred[k]) * 1099511628211ULL;
        }
    }
    r->rss_peak_mib = rss_mib();
    le_pipeline_close(&pipe);
    le_network_free(&net);
    free(pred);
    return rc;
}

/* Runs one mode in a child and reads its result; a child that dies is an error here. */
static le_code fork_mode(const shared *sh, uint32_t M, const le_noc_mode *noc, mode_result *r, le_error *err)
{
    int fd[2];
    memset(r, 0, sizeof *r);
    if (pipe(fd) != 0)
        return le_fail(err, LE_ERR_IO, "pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return le_fail(err, LE_ERR_NOMEM, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fd[0]);
        le_error e;
        le_error_clear(&e);
        r->code = run_mode(sh, M, noc, r, &e);
        memcpy(r->msg, e.msg, sizeof r->msg);
        ssize_t w = write(fd[1], r, sizeof *r);
        _exit(w == (ssize_t)sizeof *r ? 0 : 1);
    }
    close(fd[1]);
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t k = read(fd[0], (char *)r + got, sizeof *r - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof *r)
        return le_fail(err, LE_ERR_IO, "%s mode: the child process died (status %d)",
                       noc ? le_noc_mode_name(noc) : "functional", status);
    if (r->code)
        return le_fail(err, r->code, "%s", r->msg);
    return LE_OK;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_relnet [--stories N] [--sentences M] [--weights DIR] [--data DIR] [--board NAME]\n"
                    "                    [--placement optimised|naive] [--modes functional,load,packet]\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint32_t stories = 10, M = 20;
    const char *data = NULL, *weights = NULL, *board = "nahuku32", *modes = "functional,load,packet";
    le_relnet_strategy strat = LE_RN_OPTIMISED;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage();
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--stories"))
            stories = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--sentences"))
            M = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--weights"))
            weights = v;
        else if (!strcmp(a, "--data"))
            data = v;
        else if (!strcmp(a, "--board"))
            board = v;
        else if (!strcmp(a, "--modes"))
            modes = v;
        else if (!strcmp(a, "--placement")) {
            int s = le_relnet_strategy_parse(v);
            if (s < 0)
                return usage();
            strat = (le_relnet_strategy)s;
        } else
            return usage();
    }
    if (stories == 0 || M < 1 || M > LE_RN_LAYOUT) {
        fprintf(stderr, "bench_relnet: --stories must be at least 1 and --sentences 1..20\n");
        return 2;
    }
    /* the modes, in order; NULL stands for functional only */
    const le_noc_mode *mode[MAX_MODES];
    int n_modes = 0;
    le_error err;
    le_error_clear(&err);
    le_code rc = LE_OK;
    char list[256];
    snprintf(list, sizeof list, "%s", modes);
    for (char *tok = strtok(list, ","); tok && !rc; tok = strtok(NULL, ",")) {
        if (n_modes == MAX_MODES)
            rc = le_fail(&err, LE_ERR_USAGE, "--modes: at most %d modes", MAX_MODES);
        else if (!strcmp(tok, "functional"))
            mode[n_modes++] = NULL;
        else if (!strcmp(tok, "load") || !strcmp(tok, "packet"))
            rc = le_noc_mode_lookup(tok, &mode[n_modes++], &err);
        else /* SystemC modes need the SystemC library, which this C bench does not link */
            rc = le_fail(&err, LE_ERR_USAGE, "--modes: '%s' is not functional, load or packet", tok);
    }
    char wdir[1200];
    const char *dir = le_data_dir(data);
    if (weights)
        snprintf(wdir, sizeof wdir, "%s", weights);
    else
        snprintf(wdir, sizeof wdir, "%s/relnet-weights/generated-1", dir);
    struct stat stt;
    char manifest[1300];
    snprintf(manifest, sizeof manifest, "%s/manifest.yaml", wdir);
    if (!rc && !weights && stat(manifest, &stt) != 0)
        rc = le_fail(&err, LE_ERR_DATA,
                     "%s: no generated weights; create them once with `loihi-emu relnet --sentences 2 --stories 1`",
                     wdir);
    shared sh;
    memset(&sh, 0, sizeof sh);
    le_babi_corpus_init(&sh.corpus);
    if (!rc)
        rc = setup(&sh, dir, wdir, board, strat, M, stories, &err);
    mode_result res[MAX_MODES];
    for (int m = 0; m < n_modes && !rc; m++)
        rc = fork_mode(&sh, M, mode[m], &res[m], &err);
    if (rc) {
        fprintf(stderr, "bench_relnet: %s\n", err.msg);
        shared_free(&sh);
        return le_exit_status(rc);
    }

    printf("bench_relnet: Spiking RelNet, M = %u, %s placement, board %s, %u stories of %u steps, weights %s\n", M,
           le_relnet_strategy_name(strat), sh.geom.name, sh.n, LE_RN_STEPS, wdir);
    printf("\none-off costs (once per process)\n");
    printf("  %-44s %9.3f s\n", "bAbI corpus read + dictionary (20 tasks)", sh.corpus_s);
    printf("  %-44s %9.3f s\n", "weights load", sh.weights_s);
    printf("  %-44s %9.3f s\n", "20-sentence layout: build + place", sh.layout_s);
    printf("  %-44s %9.1f MiB\n", "peak RSS after the above", sh.rss_mib);
    printf("once per story size and mode (the network of size M: %u cores, %.1f M synapses)\n", res[0].cores,
           (double)res[0].synapses / 1e6);
    for (int m = 0; m < n_modes; m++) {
        const mode_result *r = &res[m];
        const char *name = mode[m] ? le_noc_mode_name(mode[m]) : "functional";
        printf("  %-10s network build %7.3f s", name, r->build_s);
        if (mode[m])
            printf(", cost model + placement + chip configuration %7.3f s\n", r->open_s);
        else
            printf(", placement %7.3f s, chip configuration %7.3f s\n", r->place_s, r->config_s);
    }
    printf("\nper inference (one story, %u steps); RSS: at the child's start, while running, peak (getrusage)\n",
           LE_RN_STEPS);
    printf("  %-11s %9s %9s %9s %9s %9s %9s %10s %9s  %s\n", "mode", "wall ms", "CPU ms", "us/step", "RSS0 MiB",
           "run MiB", "peak MiB", "emu us/st", "EDP uJs", "target");
    double load_s = -1;
    for (int m = 0; m < n_modes; m++) {
        const mode_result *r = &res[m];
        double per = r->run_s / r->stories;
        const char *name = mode[m] ? le_noc_mode_name(mode[m]) : "functional";
        int is_load = mode[m] && !strcmp(name, "load");
        if (is_load)
            load_s = per;
        printf("  %-11s %9.1f %9.1f %9.1f %9.0f %9.0f %9.0f", name, per * 1e3, r->run_cpu_s / r->stories * 1e3,
               per / LE_RN_STEPS * 1e6, r->rss_before_mib, r->rss_run_mib, r->rss_peak_mib);
        if (mode[m])
            printf(" %10.2f %9.2f", r->us_per_step, r->edp_ujs);
        else
            printf(" %10s %9s", "-", "-");
        printf("  %s\n", is_load ? (per <= TARGET_S ? "<= 1 s: met" : "<= 1 s: MISSED") : "");
    }
    int same = 1;
    for (int m = 1; m < n_modes; m++)
        same &= res[m].pred_hash == res[0].pred_hash;
    printf("\nanswers identical in every mode: %s (%u of %u correct; meaningful only with trained weights)\n",
           same ? "yes" : "NO", res[0].correct, res[0].stories);
    for (int m = 0; m < n_modes; m++)
        printf("bench_relnet mode=%s M=%u stories=%u cores=%u ms_per_inference=%.2f cpu_ms_per_inference=%.2f "
               "peak_rss_mib=%.1f\n",
               mode[m] ? le_noc_mode_name(mode[m]) : "functional", M, res[m].stories, res[m].cores,
               res[m].run_s / res[m].stories * 1e3, res[m].run_cpu_s / res[m].stories * 1e3, res[m].rss_peak_mib);
    if (load_s >= 0)
        printf("bench_relnet target_s=%.1f load_s=%.3f meets_target=%s\n", TARGET_S, load_s,
               load_s <= TARGET_S ? "yes" : "no");
    shared_free(&sh);
    return same ? 0 : 1;
}
