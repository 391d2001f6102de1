/* `loihi-emu relnet`: the seed paper's Spiking RelNet on bAbI, per story size M: the network
 * built from a weight directory, mapped as the authors' code maps it (the compiled
 * 20-sentence layout, instantiated for M), placed by a named strategy, run story by story
 * with the authors' x86 schedule, scored, costed, and compared with Table S2. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cost/costmodel_internal.h"
#include "emu/cli.h"
#include "emu/relnet_map.h"
#include "emu/arch_set.h"
#include "emu/relnet_run.h"
#include "emu/trace_cli.h"
#include "models/relnet/babi.h"
#include "models/relnet/build.h"
#include "models/relnet/snips.h"
#include "models/relnet/strategy.h"
#include "models/relnet/table_s2.h"
#include "models/relnet/weights.h"
#include "place/hints.h"
#include "report/report.h"
#include "run/jobs.h"
#include "run/batch.h"
#include "run/mpi.h"
#include "run/pipeline.h"
#include "util/json.h"
#include "util/outfile.h"
#include "util/path.h"
#include "util/progress.h"

#define MAX_SIZES 20
#define MAX_STRATEGIES 2

typedef struct {
    uint32_t sizes[MAX_SIZES], n_sizes;
    int strategies[MAX_STRATEGIES], n_strategies;
    const char *placement_file; /* a user's placement (hints file) instead of a strategy */
    const char *weights, *board, *noc, *data, *json, *pred, *mapping, *arch;
    uint32_t tasks;             /* mask */
    uint32_t stories;           /* per size; 0 = the paper's 250 (100 at M = 16) */
    const char *questions;      /* a CSV of task,line: exactly these stories */
    int sizes_given, stories_given;
    uint64_t seed;
    int ledger;
    le_trace_cli tc;            /* congestion traces (docs/traces.md) */
    const char *report;         /* the cost model's report of the (one) run, JSON */
    le_arch_set as;             /* --set KEY=VALUE */
    uint32_t jobs;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loihi-emu relnet [options]\n"
            "\n"
            "Runs the seed paper's Spiking RelNet (bAbI question answering; 21 LSNNs, relays,\n"
            "M(M+1)/2 g_theta instances, aggregation, f_phi, readout) per story size M on an\n"
            "emulated board, with the authors' x86 schedule (143 steps per story), and compares\n"
            "cores, time per step, latency, power, energy and EDP with the paper's Table S2.\n"
            "\n"
            "options:\n"
            "  --sentences M|all    story sizes, comma-separated (default all: 2,6,10,16,20)\n"
            "  --placement P        optimised (default), naive, both, or a placement file\n"
            "                       (docs/placement-file.md)\n"
            "  --weights W          trained (default: the weights trained on bAbI that the source\n"
            "                       tree ships, " LE_RELNET_TRAINED_WEIGHTS "), generated (weights generated\n"
            "                       with --seed into <data>/relnet-weights/generated-<seed>, tuned to\n"
            "                       the paper's firing targets: the chip-link calibration's), or a weight\n"
            "                       directory (docs/relnet-weights.md)\n"
            "  --tasks LIST         bAbI tasks, comma-separated (default the paper's 17 among the\n"
            "                       weight directory's task_list)\n"
            "  --stories N          stories per size (default 25; 0 = the paper's 250, 100 at M = 16)\n"
            "  --questions FILE     run exactly these test questions: a CSV whose header names the\n"
            "                       columns task and line (a --predictions file is one); the sizes\n"
            "                       default to the questions' own\n"
            "  --board NAME|FILE    board (default nahuku32, the paper's; see `loihi-emu boards`)\n"
            "  --noc MODE           network mode of the cost model: load (default), packet, systemc\n"
            "  --mapping FILE       mapping parameters (default config/relnet/mapping.yaml)\n"
            "  --arch FILE          architecture and cost figures instead of config/loihi.yaml\n"
            "  --data DIR           data folder with babi/ (default $LE_DATA_DIR or <repo>/data)\n"
            "  --seed N             seed of --weights generated (default 1)\n"
            "  --json FILE          write every row, ours and the paper's, as JSON\n"
            "  --predictions FILE   write M,placement,task,line,answer,predicted per story as CSV\n"
            "  --ledger             also print the cost model's report of every run (phases, chips, links)\n"
            "  --report FILE.json   the cost model's report as JSON (one size, one placement)\n"
            "  --set KEY=VALUE      change one figure of the architecture file (repeatable), e.g.\n"
            "                       network.chip_link.latency_ns=40\n"
            LE_TRACE_CLI_HELP
            "                     (several sizes or placements: one trace folder each, DIR/M<m>-<placement>)\n"
            "  --jobs N             worker threads, one story each at a time (default: the machine's\n"
            "                       cores, 1 per rank under mpirun); same bytes whatever N (docs/mpi.md)\n"
            "  --help               this text\n");
}

#define usage_error(fmt, arg) le_cli_usage_error("relnet", fmt, arg)

/* A comma-separated list of numbers in [lo, hi]; 0 on a malformed list. */
static int parse_list(const char *s, uint32_t lo, uint32_t hi, uint32_t *out, uint32_t cap, uint32_t *n)
{
    *n = 0;
    while (*s) {
        char *e;
        errno = 0;
        unsigned long v = strtoul(s, &e, 10);
        if (e == s || errno || v < lo || v > hi || *n >= cap || s[0] == '-')
            return 0;
        out[(*n)++] = (uint32_t)v;
        if (*e == ',')
            e++;
        else if (*e)
            return 0;
        s = e;
    }
    return *n > 0;
}

static int parse_args(int argc, char **argv, options *o, int *help)
{
    memset(o, 0, sizeof *o);
    static const uint32_t all[5] = {2, 6, 10, 16, 20};
    memcpy(o->sizes, all, sizeof all);
    o->n_sizes = 5;
    o->strategies[0] = LE_RN_OPTIMISED;
    o->n_strategies = 1;
    o->board = "nahuku32";
    o->noc = "load";
    o->tasks = 0; /* the weights' tasks, once they are loaded */
    o->stories = 25;
    o->seed = 1;
    le_trace_cli_init(&o->tc);
    o->jobs = le_mpi_active() ? 1 : le_jobs_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            return 0;
        }
        le_error oe;
        int used = le_trace_cli_option(&o->tc, argc, argv, &i, &oe);
        if (used < 0)
            return usage_error("%s", oe.msg);
        if (used)
            continue;
        if (!strcmp(a, "--report") || !strcmp(a, "--set")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            if (!strcmp(a, "--report"))
                o->report = argv[++i];
            else if (le_arch_set_add(&o->as, argv[++i], &oe))
                return usage_error("%s", oe.msg);
            continue;
        }
        static const char *const valued[] = {"--sentences", "--placement", "--tasks", "--stories", "--seed",
                                             "--weights",   "--board",     "--noc",   "--arch",    "--mapping",
                                             "--data",      "--json",      "--predictions", "--jobs",
                                             "--questions"};
        if (a[0] != '-')
            return usage_error("unexpected argument '%s'", a);
        int known = !strcmp(a, "--ledger");
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !known; k++)
            known = !strcmp(a, valued[k]);
        if (!known)
            return usage_error("unknown option '%s'", a);
        if (!strcmp(a, "--ledger")) {
            o->ledger = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("%s needs a value", a);
        const char *v = argv[++i];
        uint32_t tmp[20], n;
        if (!strcmp(a, "--sentences")) {
            if (strcmp(v, "all") && !parse_list(v, 1, 20, o->sizes, MAX_SIZES, &o->n_sizes))
                return usage_error("--sentences: expected 'all' or sizes 1..20 separated by commas, got '%s'", v);
            o->sizes_given = 1;
        } else if (!strcmp(a, "--placement")) {
            int s = le_relnet_strategy_parse(v);
            if (!strcmp(v, "both")) {
                o->strategies[0] = LE_RN_OPTIMISED;
                o->strategies[1] = LE_RN_NAIVE;
                o->n_strategies = 2;
            } else if (s >= 0) {
                o->strategies[0] = s;
                o->n_strategies = 1;
            } else if (!strchr(v, '/') && !strchr(v, '.')) {
                return usage_error("--placement: expected optimised, naive, both or a placement file (a path), "
                                   "got '%s'", v);
            } else {
                o->placement_file = v;
                o->strategies[0] = LE_RN_OPTIMISED; /* the relay plan the file's layout uses */
                o->n_strategies = 1;
            }
        } else if (!strcmp(a, "--tasks")) {
            if (!parse_list(v, 1, 20, tmp, 20, &n))
                return usage_error("--tasks: expected bAbI task numbers 1..20 separated by commas, got '%s'", v);
            o->tasks = 0;
            for (uint32_t k = 0; k < n; k++)
                o->tasks |= LE_BABI_TASK_BIT(tmp[k]);
        } else if (!strcmp(a, "--stories")) {
            if (!parse_list(v, 0, 100000, tmp, 1, &n) || n != 1)
                return usage_error("--stories: expected a number of stories, got '%s'", v);
            o->stories = tmp[0];
            o->stories_given = 1;
        } else if (!strcmp(a, "--seed")) {
            if (!parse_list(v, 0, 0xffffffffu, tmp, 1, &n))
                return usage_error("--seed: expected a non-negative integer, got '%s'", v);
            o->seed = tmp[0];
        } else if (!strcmp(a, "--weights"))
            o->weights = v;
        else if (!strcmp(a, "--board"))
            o->board = v;
        else if (!strcmp(a, "--noc"))
            o->noc = v;
        else if (!strcmp(a, "--arch"))
            o->arch = v;
        else if (!strcmp(a, "--mapping"))
            o->mapping = v;
        else if (!strcmp(a, "--data"))
            o->data = v;
        else if (!strcmp(a, "--json"))
            o->json = v;
        else if (!strcmp(a, "--predictions"))
            o->pred = v;
        else if (!strcmp(a, "--questions"))
            o->questions = v;
        else if (!strcmp(a, "--jobs")) {
            le_error e;
            if (le_jobs_parse(a, v, &o->jobs, &e))
                return usage_error("%s", e.msg);
        } else
            return usage_error("unknown option '%s'", a);
    }
    if (o->questions && o->stories_given)
        return usage_error("%s", "--stories and --questions: give one (--questions runs exactly its questions)");
    return 0;
}

/* The --questions list against the corpus and the run: each question a test question of one
 * of the run's tasks, and the sizes the questions' own (or, with --sentences, each question's
 * size among them and each size with a question). */
static le_code use_questions(options *o, const le_babi_corpus *c, le_babi_qid *q, uint32_t n, le_error *err)
{
    uint32_t count[LE_BABI_MAX_CONTEXT + 1] = {0};
    for (uint32_t i = 0; i < n; i++) {
        le_babi_ref ref;
        if (!(o->tasks & LE_BABI_TASK_BIT(q[i].task)))
            return le_fail(err, LE_ERR_CONFIG, "--questions %s: task %u line %u: task %u is not among the run's tasks "
                           "(--tasks, or the weights' task_list)", o->questions, q[i].task, q[i].line, q[i].task);
        if (!le_babi_qid_find(c, LE_BABI_TEST, q[i], &ref))
            return le_fail(err, LE_ERR_CONFIG, "--questions %s: task %u line %u is not a question of the task's test "
                           "file", o->questions, q[i].task, q[i].line);
        uint32_t M = c->file[ref.file].question[ref.question].n_context;
        int listed = !o->sizes_given || M == 0;
        for (uint32_t k = 0; k < o->n_sizes && !listed; k++)
            listed = o->sizes[k] == M;
        if (M == 0 || !listed)
            return le_fail(err, LE_ERR_CONFIG, "--questions %s: task %u line %u has %u sentences of context, %s",
                           o->questions, q[i].task, q[i].line, M,
                           M ? "not among --sentences" : "and the RelNet needs at least one");
        count[M]++;
    }
    if (!o->sizes_given) {
        o->n_sizes = 0;
        for (uint32_t M = 1; M <= LE_BABI_MAX_CONTEXT; M++)
            if (count[M])
                o->sizes[o->n_sizes++] = M;
    }
    for (uint32_t k = 0; k < o->n_sizes; k++)
        if (!count[o->sizes[k]])
            return le_fail(err, LE_ERR_CONFIG, "--questions %s: none of its questions has %u sentences of context "
                           "(--sentences)", o->questions, o->sizes[k]);
    return LE_OK;
}

typedef struct {
    const options *o;
    le_babi_corpus corpus;
    le_babi_dict dict;
    le_relnet_weights w;
    le_hints mapping;
    le_hints file;
    le_table_s2 s2;
    le_pipeline_opts po;
    le_board_geom geom;
    le_limits lim;
    FILE *pred;
} job;

static le_code make_weights(job *j, char *dir, size_t cap, le_error *err)
{
    const options *o = j->o;
    int generated = 0;
    le_code rc = le_relnet_weights_dir(o->weights, le_data_dir(o->data), o->seed, &j->dict, dir, cap, &generated, err);
    if (!rc && generated)
        fprintf(stderr, "loihi-emu relnet: generated weights (seed %llu) into %s\n", (unsigned long long)o->seed, dir);
    return rc;
}

static double pct(double ours, double paper) { return paper != 0 ? 100.0 * (ours - paper) / paper : 0; }

static void print_rows(const job *j, const le_relnet_result *res, uint32_t n)
{
    printf("\nTable S2 (seed 002), Spiking RelNet on %s, %s network: ours vs the paper\n", j->geom.name, j->o->noc);
    printf("%-3s %-10s %5s %5s %4s %9s %8s %7s %8s %8s %7s %9s %8s %7s %9s %8s %7s  %s\n", "M", "placement", "cores",
           "paper", "chip", "us/step", "paper", "diff", "power W", "paper", "diff", "energy mJ", "paper", "diff",
           "EDP uJs", "paper", "diff", "row");
    for (uint32_t i = 0; i < n; i++) {
        const le_relnet_result *r = &res[i];
        const le_table_s2_row *p = le_table_s2_find(&j->s2, r->M);
        double us = r->sum.step_mean_s * 1e6, e = r->sum.energy_per_inference_j * 1e3, edp = r->sum.edp_js * 1e6;
        if (p)
            printf("%-3u %-10.10s %5u %5u %4u %9.2f %8.2f %+6.1f%% %8.3f %8.2f %+6.1f%% %9.3f %8.2f %+6.1f%% %9.2f "
                   "%8.2f %+6.1f%%  %s\n",
                   r->M, r->placement, r->cores, p->cores, r->chips, us, p->us_per_step, pct(us, p->us_per_step),
                   r->power_w, p->power_w, pct(r->power_w, p->power_w), e, p->energy_mj, pct(e, p->energy_mj), edp,
                   p->edp_ujs, pct(edp, p->edp_ujs), le_relnet_row_role(r->M, r->placement, j->w.origin, 1));
        else
            printf("%-3u %-10.10s %5u %5s %4u %9.2f %8s %7s %8.3f %8s %7s %9.3f %8s %7s %9.2f %8s %7s  %s\n", r->M,
                   r->placement, r->cores, "-", r->chips, us, "-", "", r->power_w, "-", "", e, "-", "", edp, "-", "",
                   "not in Table S2");
    }
    for (uint32_t i = 0; i < n; i++) {
        const le_relnet_result *r = &res[i];
        printf("\ncores per layer, M = %u, %s%s:", r->M, r->placement, r->M == 20 ? " (Table S5 in brackets)" : "");
        for (int g = 0; g < 12; g++) {
            if (r->M == 20)
                printf("%s %s %u [%u]", g ? "," : "", le_relnet_group_name[g], r->layer_cores[g], le_relnet_table_s5[g]);
            else
                printf("%s %s %u", g ? "," : "", le_relnet_group_name[g], r->layer_cores[g]);
        }
        printf("\n");
    }
    printf("\nper story: latency, power split, traffic, firing (spikes per neuron per step), accuracy\n");
    printf("%-3s %-10s %8s %8s %8s %8s %8s %10s %7s %7s %7s %s\n", "M", "placement", "lat ms", "nc st W", "nc dyn W",
           "x86 st W", "x86 dy W", "chip msgs", "lsnn", "g", "f_phi", "accuracy");
    for (uint32_t i = 0; i < n; i++) {
        const le_relnet_result *r = &res[i];
        double lat = r->sum.latency_per_inference_s;
        printf("%-3u %-10.10s %8.3f %8.4f %8.4f %8.4f %8.4f %10.0f %7.4f %7.4f %7.4f %.1f %% (%u of %u; %u with M = %u)\n",
               r->M, r->placement, lat * 1e3, r->split_j[0] / lat, r->split_j[1] / lat, r->split_j[2] / lat,
               r->split_j[3] / lat, r->chip_msgs, r->rate_lsnn, r->rate_g, r->rate_ff,
               r->stories ? 100.0 * r->correct / r->stories : 0, r->correct, r->stories, r->available, r->M);
        for (uint32_t k = 0; k < r->n_links; k++)
            printf("      busiest chip link %u: %s, %.0f packets per story\n", k + 1, r->link[k],
                   (double)r->link_pk[k] / r->stories);
        printf("      accuracy per task:");
        for (uint32_t t = 1; t <= 20; t++)
            if (r->task_n[t])
                printf(" %u: %u/%u", t, r->task_ok[t], r->task_n[t]);
        printf("\n");
    }
    printf("\nfiring per layer: LSNNs %% of neurons per step of the 110 input steps; g_theta Hz per unit summed over "
           "instances over steps 98..143\n(the paper's regulariser target: 300 Hz); aggregation and f_phi %% per step "
           "of steps 98..143\n");
    static const char *const head[LE_RN_RATES] = {"LSNN s %", "LSNN q %", "g1 Hz", "g2 Hz", "g3 Hz",
                                                  "g4 Hz",    "agg %",    "f1 %",  "f2 %",  "f3 %"};
    printf("%-3s %-10s", "M", "placement");
    for (int k = 0; k < LE_RN_RATES; k++)
        printf(" %8s", head[k]);
    printf("\n");
    for (uint32_t i = 0; i < n; i++) {
        printf("%-3u %-10.10s", res[i].M, res[i].placement);
        for (int k = 0; k < LE_RN_RATES; k++)
            printf(le_relnet_rate_is_hz(k) ? " %8.1f" : " %8.3f", res[i].rate[k] * (le_relnet_rate_is_hz(k) ? 1 : 100));
        printf("\n");
    }
    /* Spikes after the resets count above; how many there are says whether a rate is the
     * window's or the resets' leftovers (trained f_phi layers driven far above threshold keep
     * firing into the next story). */
    printf("share of those spikes outside the window (%%: LSNNs after step 110, the rest in steps 1..97 of the next "
           "story)\n");
    for (uint32_t i = 0; i < n; i++) {
        printf("%-3u %-10.10s", res[i].M, res[i].placement);
        for (int k = 0; k < LE_RN_RATES; k++)
            printf(" %8.1f", 100.0 * res[i].outside[k]);
        printf("\n");
    }
}

/* The bAbI task numbers of a mask, ascending, with sep between them. */
static void put_tasks(FILE *f, uint32_t mask, const char *sep)
{
    const char *s = "";
    for (uint32_t t = 1; t <= LE_BABI_TASKS; t++)
        if (mask & LE_BABI_TASK_BIT(t)) {
            fprintf(f, "%s%u", s, t);
            s = sep;
        }
}

static le_code write_json(const job *j, const char *wdir, const le_relnet_result *res, uint32_t n, le_error *err)
{
    le_outfile out;
    le_code rc = le_outfile_open_path(&out, "--json", j->o->json, err);
    if (rc)
        return rc;
    le_json js;
    le_json_init(&js, out.f);
    le_json_object(&js, LE_JSON_LINES);
    le_json_kstring(&js, "model", "Spiking RelNet (seed 002)");
    le_json_kstring(&js, "board", j->geom.name);
    le_json_kstring(&js, "network", j->o->noc);
    le_json_kstring(&js, "weights", wdir);
    le_json_kstring(&js, "weights_manifest_sha256", j->w.manifest_sha256);
    if (j->o->questions)
        le_json_kstring(&js, "questions", j->o->questions);
    /* the tasks the stories came from, and those the weights were made for */
    const uint32_t masks[2] = {j->o->tasks, le_relnet_weights_task_mask(&j->w)};
    for (int k = 0; k < 2; k++) {
        le_json_key(&js, k ? "weights_tasks" : "tasks");
        le_json_array(&js, LE_JSON_INLINE);
        for (uint32_t t = 1; t <= LE_BABI_TASKS; t++)
            if (masks[k] & LE_BABI_TASK_BIT(t))
                le_json_uint(&js, t);
        le_json_end(&js);
    }
    le_json_key(&js, "rows");
    le_json_array(&js, LE_JSON_LINES);
    for (uint32_t i = 0; i < n; i++) {
        const le_relnet_result *r = &res[i];
        const le_table_s2_row *p = le_table_s2_find(&j->s2, r->M);
        le_json_object(&js, LE_JSON_INLINE);
        le_json_kuint(&js, "sentences", r->M);
        le_json_kstring(&js, "placement", r->placement);
        le_json_kstring(&js, "row", le_relnet_row_role(r->M, r->placement, j->w.origin, p != NULL));
        le_json_kuint(&js, "cores", r->cores);
        le_json_kuint(&js, "chips", r->chips);
        le_json_kuint(&js, "stories", r->stories);
        le_json_kuint(&js, "correct", r->correct);
        le_json_kdouble(&js, "us_per_step", r->sum.step_mean_s * 1e6);
        le_json_kdouble(&js, "latency_ms", r->sum.latency_per_inference_s * 1e3);
        le_json_kdouble(&js, "power_w", r->power_w);
        le_json_kdouble(&js, "energy_mj", r->sum.energy_per_inference_j * 1e3);
        le_json_kdouble(&js, "edp_ujs", r->sum.edp_js * 1e6);
        le_json_kdouble(&js, "nc_static_mj", r->split_j[0] * 1e3);
        le_json_kdouble(&js, "nc_dynamic_mj", r->split_j[1] * 1e3);
        le_json_kdouble(&js, "x86_static_mj", r->split_j[2] * 1e3);
        le_json_kdouble(&js, "x86_dynamic_mj", r->split_j[3] * 1e3);
        le_json_kdouble(&js, "chip_messages_per_story", r->chip_msgs);
        le_json_kdouble(&js, "rate_lsnn", r->rate_lsnn);
        le_json_kdouble(&js, "rate_g_theta", r->rate_g);
        le_json_kdouble(&js, "rate_f_phi", r->rate_ff);
        le_json_key(&js, "rates");
        le_json_object(&js, LE_JSON_INLINE);
        for (int k = 0; k < LE_RN_RATES; k++)
            le_json_kdouble(&js, le_relnet_rate_name[k], r->rate[k]);
        le_json_end(&js);
        le_json_key(&js, "rates_outside");
        le_json_object(&js, LE_JSON_INLINE);
        for (int k = 0; k < LE_RN_RATES; k++)
            le_json_kdouble(&js, le_relnet_rate_name[k], r->outside[k]);
        le_json_end(&js);
        le_json_key(&js, "tasks");
        le_json_object(&js, LE_JSON_INLINE);
        for (uint32_t t = 1; t <= 20; t++)
            if (r->task_n[t]) {
                char key[8];
                snprintf(key, sizeof key, "%u", t);
                le_json_key(&js, key);
                le_json_array(&js, LE_JSON_INLINE);
                le_json_uint(&js, r->task_ok[t]);
                le_json_uint(&js, r->task_n[t]);
                le_json_end(&js);
            }
        le_json_end(&js);
        if (p) {
            le_json_key(&js, "paper");
            le_json_object(&js, LE_JSON_INLINE);
            le_json_kuint(&js, "cores", p->cores);
            le_json_kdouble(&js, "us_per_step", p->us_per_step);
            le_json_kdouble(&js, "latency_ms", p->latency_ms);
            le_json_kdouble(&js, "power_w", p->power_w);
            le_json_kdouble(&js, "energy_mj", p->energy_mj);
            le_json_kdouble(&js, "edp_ujs", p->edp_ujs);
            le_json_end(&js);
        }
        le_json_end(&js);
    }
    le_json_end(&js);
    le_json_end(&js);
    if ((rc = le_json_finish(&js, j->o->json, err))) {
        le_outfile_discard(&out);
        return rc;
    }
    return le_outfile_commit(&out, err);
}

/* Traces and the report of one size's run: a folder per run when there are several. */
static le_code trace_before(void *ctx, le_pipeline *p, uint32_t M, const char *placement, uint64_t steps, le_error *err)
{
    options *o = ctx;
    le_trace_cli *tc = &o->tc;
    if (!le_trace_cli_wanted(tc))
        return LE_OK;
    static int first = 1;
    static const char *base, *pbase;
    static char dir[1200], pdir[1200];
    if (first) {
        base = tc->o.dir;
        pbase = tc->plot;
        first = 0;
    }
    tc->o.dir = base;
    tc->plot = pbase;
    if (o->n_sizes * (uint32_t)o->n_strategies > 1) {
        if (base) {
            snprintf(dir, sizeof dir, "%.1000s/M%u-%.100s", base, M, placement);
            tc->o.dir = dir;
        }
        if (pbase) {
            snprintf(pdir, sizeof pdir, "%.1000s/M%u-%.100s", pbase, M, placement);
            tc->plot = pdir;
        }
    }
    return le_trace_cli_begin(tc, p->cm, p->sim, steps, stderr, err);
}

static le_code trace_after(void *ctx, le_pipeline *p, le_error *err)
{
    options *o = ctx;
    le_code rc = LE_OK;
    if (o->report)
        rc = le_report_costmodel(p->cm, NULL, o->report, err);
    if (!rc)
        rc = le_trace_cli_end(&o->tc, stderr, err);
    le_trace_cli_free(&o->tc);
    return rc;
}

/* One (placement, size) of the run as a farm task: its row, its --ledger report and its
 * --predictions rows travel as bytes to rank 0, which prints them in task order. */
typedef struct {
    job *j;
    const le_relnet_runner *rr;
    const le_relnet_layout *lays;
    le_relnet_result *res;
    uint32_t n_res, jobs;
} size_task;

static int put(le_vec *out, const void *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!le_vec_push(out, (const char *)a + i))
            return 0;
    return 1;
}

static le_code size_work(void *ctx, uint32_t w, uint32_t t, le_vec *out, le_error *err)
{
    (void)w;
    size_task *ft = ctx;
    const options *o = ft->j->o;
    uint32_t s = t / o->n_sizes, M = o->sizes[t % o->n_sizes];
    le_relnet_runner rr = *ft->rr;
    char *led = NULL, *pred = NULL;
    size_t n_led = 0, n_pred = 0;
    FILE *fl = NULL, *fp = NULL;
    /* One thread in one process writes straight through, as ever; tasks that may finish out of
     * order write into memory first. */
    int direct = ft->jobs <= 1 && !le_mpi_active();
    if (!direct) {
        if (!(fl = open_memstream(&led, &n_led)) || (o->pred && !(fp = open_memstream(&pred, &n_pred)))) {
            if (fl)
                fclose(fl);
            free(led);
            return le_fail(err, LE_ERR_NOMEM, "relnet: out of memory for the output of M = %u", M);
        }
        rr.out = fl;
        rr.pred = fp; /* ranks other than 0 have no file of their own */
    }
    le_relnet_result r;
    le_code rc = le_relnet_run_size(&rr, &ft->lays[s], M, &r, err);
    if (fl)
        fclose(fl);
    if (fp)
        fclose(fp);
    uint64_t nl = n_led, np = n_pred;
    if (!rc && !(put(out, &r, sizeof r) && put(out, &nl, sizeof nl) && put(out, led, n_led) &&
                 put(out, &np, sizeof np) && put(out, pred, n_pred)))
        rc = le_fail(err, LE_ERR_NOMEM, "relnet: out of memory for the results of M = %u", M);
    free(led);
    free(pred);
    return rc;
}

static le_code size_commit(void *ctx, uint32_t t, const void *bytes, size_t len, le_error *err)
{
    size_task *ft = ctx;
    const options *o = ft->j->o;
    const char *q = bytes;
    le_relnet_result *r = &ft->res[ft->n_res];
    uint64_t nl = 0, np = 0;
    if (len >= sizeof *r + sizeof nl) {
        memcpy(r, q, sizeof *r);
        memcpy(&nl, q + sizeof *r, sizeof nl);
    }
    if (len >= sizeof *r + 2 * sizeof nl + nl)
        memcpy(&np, q + sizeof *r + sizeof nl + nl, sizeof np);
    if (len != sizeof *r + 2 * sizeof nl + nl + np)
        return le_fail(err, LE_ERR_IO, "relnet: task %u: %zu bytes of results", t, len);
    /* The name is a pointer: the one this process has. */
    r->placement = o->placement_file ? o->placement_file
                                     : le_relnet_strategy_name((le_relnet_strategy)o->strategies[t / o->n_sizes]);
    ft->n_res++;
    fwrite(q + sizeof *r + sizeof nl, 1, nl, stdout);
    if (ft->j->pred)
        fwrite(q + sizeof *r + 2 * sizeof nl + nl, 1, np, ft->j->pred);
    fprintf(stderr, "loihi-emu relnet: M = %u, %s: %u cores on %u chips, %.2f us per step, %.3f mJ per story\n", r->M,
            r->placement, r->cores, r->chips, r->sum.step_mean_s * 1e6, r->sum.energy_per_inference_j * 1e3);
    return LE_OK;
}

static int run(options *o, le_error *err)
{
    job j;
    memset(&j, 0, sizeof j);
    j.o = o;
    le_babi_corpus_init(&j.corpus);
    /* room for every size: --questions may set the sizes after the data is read */
    le_relnet_result *res = calloc((size_t)MAX_SIZES * MAX_STRATEGIES + 1, sizeof *res);
    uint32_t n_res = 0;
    char wdir[1100];
    const char *data = le_data_dir(o->data);
    char babi[1200];
    snprintf(babi, sizeof babi, "%s/%s", data, LE_BABI_EN10K);
    char mapping[1200];
    snprintf(mapping, sizeof mapping, "%s", o->mapping ? o->mapping : LE_SOURCE_DIR "/config/relnet/mapping.yaml");
    le_code rc = res ? LE_OK : le_fail(err, LE_ERR_NOMEM, "relnet: out of memory");
    /* the dictionary covers all 20 tasks (train and test), the stories come from o->tasks */
    if (!rc)
        rc = le_babi_read_tasks(&j.corpus, babi, LE_BABI_ALL_TASKS, 1, 0, err);
    if (!rc)
        rc = le_babi_dict_build(&j.corpus, &j.dict, err);
    if (!rc)
        rc = make_weights(&j, wdir, sizeof wdir, err);
    if (!rc)
        rc = le_relnet_weights_load(wdir, &j.w, err);
    if (!rc)
        rc = le_relnet_weights_check_dict(&j.w, &j.dict, babi, err);
    if (!rc)
        rc = le_hints_load(mapping, &j.mapping, err);
    if (!rc && o->placement_file)
        rc = le_hints_load(o->placement_file, &j.file, err);
    if (!rc)
        rc = le_table_s2_load(le_table_s2_default_path(), &j.s2, err);
    if (!rc) {
        j.po = le_pipeline_defaults();
        j.po.board = o->board;
        rc = le_noc_mode_lookup(o->noc, &j.po.noc, err);
        j.po.seed = o->seed;
        j.po.arch_file = o->arch;
        if (!rc)
            rc = le_pipeline_board(&j.po, &j.geom, &j.lim, err);
    }
    le_outfile pred_out;
    memset(&pred_out, 0, sizeof pred_out);
    /* Every rank set up alike (or all stop with the first rank's error); rank 0 writes. */
    rc = le_mpi_agree(rc, err);
    if (!rc && o->pred && le_mpi_rank() == 0 && !(rc = le_outfile_open_path(&pred_out, "--predictions", o->pred, err))) {
        j.pred = pred_out.f;
        fprintf(j.pred, "sentences,placement,task,line,answer,predicted\n");
    }
    if (!rc && !o->tasks)
        o->tasks = le_relnet_default_tasks(&j.w);
    le_babi_qid *qids = NULL;
    uint32_t n_qids = 0;
    if (!rc && o->questions && !(rc = le_babi_qids_read(o->questions, &qids, &n_qids, err)))
        rc = use_questions(o, &j.corpus, qids, n_qids, err);
    uint32_t untrained = rc ? 0 : o->tasks & ~le_relnet_weights_task_mask(&j.w);
    if (untrained && le_mpi_rank() == 0) {
        /* asked for, so run, but answers there say nothing about the weights */
        fprintf(stderr, "loihi-emu relnet: note: task(s) ");
        put_tasks(stderr, untrained, " ");
        fprintf(stderr, " are not in the task_list of %s: their accuracy is not the weights'\n", wdir);
    }
    if (!rc) {
        printf("RelNet: board %s, network %s, weights %s (manifest sha256 %.16s...), tasks ", j.geom.name, o->noc, wdir,
               j.w.manifest_sha256);
        put_tasks(stdout, o->tasks, ",");
        printf("\n");
    }
    le_relnet_runner rr;
    memset(&rr, 0, sizeof rr);
    rr.corpus = &j.corpus;
    rr.dict = &j.dict;
    rr.w = &j.w;
    rr.po = j.po;
    rr.geom = j.geom;
    rr.tasks = o->tasks;
    rr.stories = o->stories;
    rr.only = qids;
    rr.n_only = n_qids;
    rr.placement = o->placement_file;
    rr.ledger = o->ledger;
    rr.progress = isatty(2);
    rr.pred = j.pred;
    rr.before = trace_before;
    rr.after = trace_after;
    rr.hook_ctx = o;
    o->tc.report = o->report;
    if (!rc && o->report && o->n_sizes * (uint32_t)o->n_strategies > 1)
        rc = le_fail(err, LE_ERR_USAGE, "--report: one size and one placement only (--sentences M --placement P)");
    if (!rc && le_mpi_active() && (le_trace_cli_wanted(&o->tc) || o->report))
        rc = le_fail(err, LE_ERR_USAGE, "relnet: --trace-dir, --vcd, --plot and --report under mpirun: the sizes are "
                                        "split over ranks; run the congestion traces in one process");
    /* The placed layouts, then one task per (placement, size) in the worker pool and over the
     * ranks (run/batch.h): each task runs its stories in order on its own pipeline, exactly as
     * one thread does, and the rows come back in task order. The stories of one size are not
     * independent (state carries from story to story), so a size is never split. */
    le_relnet_layout lays[MAX_STRATEGIES];
    int n_lays = 0;
    for (int s = 0; s < o->n_strategies && !rc; s++) {
        rc = le_relnet_layout_place(&j.w, (le_relnet_strategy)o->strategies[s], &j.mapping,
                                    o->placement_file ? &j.file : NULL, &j.geom, &j.lim, &lays[s], err);
        if (!rc)
            n_lays++;
    }
    rc = le_mpi_agree(rc, err);
    uint32_t jobs = o->jobs;
    if (!strncmp(o->noc, "systemc", 7))
        jobs = 1; /* one SystemC elaboration per process */
    if (le_trace_cli_wanted(&o->tc) || o->report)
        jobs = 1; /* the traces and the report follow one simulation at a time */
    if (jobs > 1 || le_mpi_active())
        rr.progress = 0; /* the rows come back whole; a bar per size would interleave */
    size_task ft = {&j, &rr, lays, res, 0, jobs};
    if (!rc)
        rc = le_farm_run((uint32_t)o->n_strategies * o->n_sizes, jobs, size_work, size_commit, &ft, err);
    n_res = ft.n_res;
    for (int s = 0; s < n_lays; s++)
        le_relnet_layout_free(&lays[s]);
    if (!rc) {
        print_rows(&j, res, n_res);
        printf("\nCalibrated, not reproduced: the time per step rests on the chip-link latency fitted on the\n"
               "optimised rows M = 2 and M = 20 %s, and the x86\n"
               "snip base and the static powers are Table S1's calibrated figures (config/loihi.yaml). The paper\n"
               "measured the optimised placement only, so other placements are comparisons. Cores follow the\n"
               "authors' mapping code (config/relnet/mapping.yaml):\n"
               "the aggregation takes 16 cores where Table S5's arithmetic gives 14, and the 10 mask relays are\n"
               "counted, as in Table S2. Accuracy is meaningful only with trained weights.\n",
               j.w.origin == LE_RN_GENERATED ? "(the calibration rows; M = 6, 10, 16 are validation)"
                                             : "with the generated weights' traffic (with these weights every row\n"
                                               "is a validation)");
    }
    if (!rc && o->json && le_mpi_rank() == 0)
        rc = write_json(&j, wdir, res, n_res, err);
    if (rc)
        le_outfile_discard(&pred_out);
    else
        rc = le_outfile_commit(&pred_out, err);
    le_babi_corpus_free(&j.corpus);
    free(qids);
    le_relnet_weights_free(&j.w);
    le_hints_free(&j.mapping);
    le_hints_free(&j.file);
    free(res);
    return rc ? le_cli_report_error(err) : 0;
}

int le_cmd_relnet(int argc, char **argv)
{
    le_error err;
    le_error_clear(&err);
    options o;
    int help = 0;
    int st = parse_args(argc, argv, &o, &help);
    if (st)
        return st;
    if (help) {
        usage(stdout);
        return 0;
    }
    /* The outputs are checked before the run, not found unwritable after it (util/outfile.h). */
    le_io io;
    le_io_init(&io);
    le_io_input(&io, "board file", o.board);
    le_io_input(&io, "architecture file", o.arch);
    le_io_input(&io, "mapping file", o.mapping);
    le_io_input(&io, "placement file", o.placement_file);
    le_io_input(&io, "questions file", o.questions);
    le_io_output(&io, "--json", o.json);
    le_io_output(&io, "--predictions", o.pred);
    le_io_output(&io, "--report", o.report);
    if (le_io_check(&io, &err))
        return le_cli_report_error(&err);
    if (le_arch_set_apply(&o.as, o.arch, &o.arch, &err))
        return le_cli_report_error(&err);
    st = run(&o, &err);
    le_trace_cli_free(&o.tc); /* after a failed run: the traces it had opened */
    le_arch_set_cleanup(&o.as);
    return st;
}
