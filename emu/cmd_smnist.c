/* `loihi-emu smnist`: the seed paper's sMNIST LSNN with the authors' weights on MNIST t10k,
 * run image by image through the emulated chip with the authors' x86 snips; prints the
 * accuracy and the Table S1 comparison (time per step, latency, power, energy, EDP). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/cli.h"
#include "emu/arch_set.h"
#include "emu/trace_cli.h"
#include "report/report.h"
#include "util/csv.h"
#include "util/json.h"
#include "util/outfile.h"
#include "util/progress.h"
#include "run/batch.h"
#include "run/jobs.h"
#include "run/mpi.h"
#include "run/pipeline.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "models/smnist/snips.h"
#include "models/smnist/table_s1.h"

#ifndef LE_SOURCE_DIR
#define LE_SOURCE_DIR "."
#endif

#define DEFAULT_IMAGES 200u
#define DEFAULT_BOARD "nahuku32"
#define AUTHORS_SAMPLE "models/smnist/authors_sample.csv"
#define AUTHORS_N 100u
#define NOTEBOOK_SAMPLE "models/smnist/notebook_sample.csv"
#define NOTEBOOK_N 200u

enum { SAMPLE_RANGE = 0, SAMPLE_AUTHORS = 1, SAMPLE_NOTEBOOK = 2 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loihi-emu smnist [options]\n"
            "\n"
            "Runs the seed paper's sMNIST LSNN (80 inputs, 140 LIF + 100 AHP neurons, 10 outputs on one\n"
            "neuro-core) with the authors' weights on the MNIST test set, 840 steps per image, with the\n"
            "authors' x86 snips, and compares accuracy, time and energy with the paper's Table S1.\n"
            "\n"
            "options:\n"
            "  --images N         images to classify (default %u; 1..10000-K)\n"
            "  --first K          start at test image K (default 0)\n"
            "  --sample authors   the 100 images of the authors' unit test (np.random.seed(0)), with the\n"
            "                     agreement between our classes and the chip's\n"
            "  --sample notebook  the 200 images of the authors' power/performance notebook (same seed)\n"
            "  --board NAME|FILE  board (default %s, the paper's Nahuku board; see `loihi-emu boards`)\n"
            "  --noc MODE         network-on-chip model (default load; see loihi-emu run --help)\n"
            "  --arch FILE        architecture/cost YAML instead of the shipped one\n"
            "  --data DIR         data folder with mnist/ and smnist-weights/ (default $LE_DATA_DIR,\n"
            "                     else <repo>/data filled by tools/fetch-data.sh)\n"
            "  --json FILE        write the results and the comparison as JSON\n"
            "  --predictions FILE write index,label,predicted for every image as CSV\n"
            "  --ledger           also print the cost model's ledger (per chip, per kind of work)\n"
            "  --report FILE.json the cost model's report as JSON\n"
            "  --set KEY=VALUE    change one figure of the architecture file (e.g.\n"
            "                     x86.snip_base.time_ns=5600); repeatable\n"
            LE_TRACE_CLI_HELP
            "  --inject-latency L steps from an x86 spike injection to its integration, 0 or 1\n"
            "                     (default 1, which reproduces the chip; see docs/smnist.md)\n"
            "  --jobs N           worker threads, each classifying its own batches of 10 images\n"
            "                     (default: the machine's cores, 1 per rank under mpirun); the\n"
            "                     results are the same bytes whatever N (docs/mpi.md)\n"
            "  --help             this text\n",
            DEFAULT_IMAGES, DEFAULT_BOARD);
}

typedef struct {
    uint32_t images, first;
    int images_set, first_set, sample, ledger;
    const char *board, *arch, *data, *json, *pred;
    const le_noc_mode *noc;
    uint32_t inject_latency;
    le_trace_cli tc;    /* congestion traces (docs/traces.md) */
    const char *report; /* the cost model's report, JSON */
    le_arch_set as;     /* --set KEY=VALUE */
    uint32_t jobs;
} options;

static const char *noc_name(const le_noc_mode *m)
{
    return le_noc_mode_name(m);
}

static const char *sample_name(int sample)
{
    return sample == SAMPLE_AUTHORS ? "authors" : sample == SAMPLE_NOTEBOOK ? "notebook" : "range";
}

static le_code parse_u32(const char *opt, const char *s, uint32_t *out, le_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = (s && *s && *s != '-') ? strtoul(s, &end, 10) : 0;
    if (!s || !*s || *s == '-' || errno || !end || *end || v > 0xFFFFFFFFul)
        return le_fail(err, LE_ERR_USAGE, "%s '%s': expected a non-negative integer", opt, s ? s : "");
    *out = (uint32_t)v;
    return LE_OK;
}

static le_code parse_args(int argc, char **argv, options *o, int *help, le_error *err)
{
    memset(o, 0, sizeof *o);
    o->images = DEFAULT_IMAGES;
    o->board = DEFAULT_BOARD;
    o->noc = LE_NOC_LOAD;
    o->inject_latency = le_smnist_options_default().inject_latency;
    le_trace_cli_init(&o->tc);
    o->jobs = le_mpi_active() ? 1 : le_jobs_default();
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            return LE_OK;
        }
        if (!strcmp(a, "--ledger")) {
            o->ledger = 1;
            continue;
        }
        int used = le_trace_cli_option(&o->tc, argc, argv, &i, err);
        if (used < 0)
            return LE_ERR_USAGE;
        if (used)
            continue;
        if (!strcmp(a, "--report") && i + 1 < argc) {
            o->report = argv[++i];
            continue;
        }
        if (!strcmp(a, "--set") && i + 1 < argc) {
            if (le_arch_set_add(&o->as, argv[++i], err))
                return LE_ERR_USAGE;
            continue;
        }
        if (strncmp(a, "--", 2) != 0)
            return le_fail(err, LE_ERR_USAGE, "smnist: unexpected argument '%s' (see loihi-emu smnist --help)", a);
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        static const char *const known[] = {"--images", "--first", "--sample", "--board", "--arch", "--data",
                                            "--json", "--predictions", "--noc", "--inject-latency", "--jobs"};
        int is_known = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            is_known |= !strcmp(a, known[k]);
        if (!is_known)
            return le_fail(err, LE_ERR_USAGE, "smnist: unknown option '%s' (see loihi-emu smnist --help)", a);
        if (!val)
            return le_fail(err, LE_ERR_USAGE, "%s needs a value (see loihi-emu smnist --help)", a);
        le_code rc = LE_OK;
        if (!strcmp(a, "--images")) {
            rc = parse_u32(a, val, &o->images, err);
            o->images_set = 1;
        } else if (!strcmp(a, "--first")) {
            rc = parse_u32(a, val, &o->first, err);
            o->first_set = 1;
        } else if (!strcmp(a, "--sample")) {
            if (!strcmp(val, "authors"))
                o->sample = SAMPLE_AUTHORS;
            else if (!strcmp(val, "notebook"))
                o->sample = SAMPLE_NOTEBOOK;
            else
                rc = le_fail(err, LE_ERR_USAGE, "--sample '%s': expected authors or notebook", val);
        } else if (!strcmp(a, "--board"))
            o->board = val;
        else if (!strcmp(a, "--arch"))
            o->arch = val;
        else if (!strcmp(a, "--data"))
            o->data = val;
        else if (!strcmp(a, "--json"))
            o->json = val;
        else if (!strcmp(a, "--predictions"))
            o->pred = val;
        else if (!strcmp(a, "--noc")) {
            if ((rc = le_noc_mode_lookup(val, &o->noc, err)))
                le_error_prefix(err, "--noc '%s'", val);
        } else if (!strcmp(a, "--jobs")) {
            rc = le_jobs_parse(a, val, &o->jobs, err);
        } else if (!strcmp(a, "--inject-latency")) {
            rc = parse_u32(a, val, &o->inject_latency, err);
            if (!rc && o->inject_latency > 1)
                rc = le_fail(err, LE_ERR_USAGE, "--inject-latency %u: must be 0 or 1 (steps from an x86 injection to its integration)", o->inject_latency);
        }
        if (rc)
            return rc;
        i++;
    }
    if (o->sample && (o->images_set || o->first_set))
        return le_fail(err, LE_ERR_USAGE, "--sample %s runs the authors' %u images; --images and --first do not apply",
                       sample_name(o->sample),
                       o->sample == SAMPLE_AUTHORS ? AUTHORS_N : NOTEBOOK_N);
    if (!o->sample) {
        if (o->first >= LE_MNIST_T10K_N)
            return le_fail(err, LE_ERR_USAGE, "--first %u: out of range, the test set has images 0..%u", o->first,
                           LE_MNIST_T10K_N - 1);
        if (o->images == 0 || o->images > LE_MNIST_T10K_N - o->first)
            return le_fail(err, LE_ERR_USAGE, "--images %u: out of range, must be 1..%u (10000 - --first %u)", o->images,
                           LE_MNIST_T10K_N - o->first, o->first);
    }
    return LE_OK;
}

/* A file shipped with the source tree ($LE_SOURCE_DIR overrides where that is). */
static void source_path(const char *file, char *path, size_t cap)
{
    const char *src = getenv("LE_SOURCE_DIR");
    snprintf(path, cap, "%s/%s", src && *src ? src : LE_SOURCE_DIR, file);
}

/* models/smnist/{authors,notebook}_sample.csv: position,index[,chip_prediction] after '#'
 * comment lines and a header; chip may be NULL when the file has no chip column. */
static le_code read_sample(const char *file, uint32_t expect_n, uint32_t *index, uint8_t *chip, le_error *err)
{
    char path[4096];
    source_path(file, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return le_fail(err, LE_ERR_IO, "cannot open %s: %s (the fixture ships with the source tree)", path,
                       strerror(errno));
    le_csv_reader csv;
    le_csv_init(&csv, f, path);
    uint32_t n = 0;
    int header = 0, have;
    le_code rc;
    while (!(rc = le_csv_next(&csv, &have, err)) && have) {
        if (!header) {
            header = 1;
            continue;
        }
        uint32_t pos, idx, cls = 0;
        if (csv.n_fields != (chip ? 3u : 2u) || !le_csv_uint(&csv, 0, 0, UINT32_MAX, &pos) ||
            !le_csv_uint(&csv, 1, 0, LE_MNIST_T10K_N - 1, &idx) || (chip && !le_csv_uint(&csv, 2, 0, 9, &cls)) ||
            pos != n || n >= expect_n) {
            rc = le_fail(err, LE_ERR_PARSE, "%s line %u: expected position %u,index 0..9999%s", path, csv.line, n,
                         chip ? ",class 0..9" : "");
            break;
        }
        index[n] = idx;
        if (chip)
            chip[n] = (uint8_t)cls;
        n++;
    }
    le_csv_close(&csv);
    fclose(f);
    if (!rc && n != expect_n)
        rc = le_fail(err, LE_ERR_PARSE, "%s: %u images, expected %u", path, n, expect_n);
    return rc;
}

/* The images as a batch (run/batch.h): chunks of 10 images, the host's batches, so that each
 * chunk's snip state counts the host transfers exactly as one state over all images does. */
typedef struct {
    const le_mnist *mnist;
    const uint32_t *index;
    const le_smnist_pops *pops;
    uint8_t *pred;
    le_smnist_snip_state *st; /* [jobs] */
    le_progress bar;
    uint32_t correct;
    uint32_t committed; /* images folded in so far, in order (what an interrupted run reports) */
} image_batch;

static le_code images_begin(void *ctx, uint32_t w, le_sim *sim, uint32_t first, uint32_t n, le_snips *sn,
                            le_error *err)
{
    (void)err;
    image_batch *b = ctx;
    le_smnist_snip_init(&b->st[w], b->mnist, b->index + first, n, b->pops, b->pred + first, NULL,
                        le_sim_step_now(sim));
    *sn = le_smnist_snips(&b->st[w]);
    return LE_OK;
}

static le_code images_end(void *ctx, uint32_t w, uint32_t first, uint32_t n, le_vec *out, le_error *err)
{
    image_batch *b = ctx;
    if (b->st[w].done != n)
        return le_fail(err, LE_ERR_CONFIG, "sMNIST: images %u..%u: %u decided", first, first + n - 1, b->st[w].done);
    for (uint32_t k = 0; k < n; k++)
        if (!le_vec_push(out, &b->pred[first + k]))
            return le_fail(err, LE_ERR_NOMEM, "sMNIST: out of memory for predictions");
    return LE_OK;
}

static le_code images_commit(void *ctx, uint32_t first, uint32_t n, const void *bytes, size_t len, le_error *err)
{
    image_batch *b = ctx;
    if (len != n)
        return le_fail(err, LE_ERR_CONFIG, "sMNIST: images %u..%u: %zu predictions", first, first + n - 1, len);
    memmove(b->pred + first, bytes, n);
    for (uint32_t k = first; k < first + n; k++) {
        if (b->pred[k] == b->mnist->labels[b->index[k]])
            b->correct++;
        le_progress_update(&b->bar, k + 1, "accuracy %.1f %%", 100.0 * b->correct / (k + 1));
    }
    b->committed = first + n;
    return LE_OK;
}

/* One row of the Table S1 comparison: the paper's side from table_s1.yaml, ours computed. */
typedef struct {
    const char *name, *unit, *key;
    double ours, paper;
    const char *note;
    int calibrated;
} row;

#define NOTE_CAL "calibrated, not reproduced"

/* Our value of the Table S1 figure `key` (table_s1.yaml); 0 when the key is not one we compute. */
static int our_value(const char *key, const le_cost_summary *s, double accuracy, double *out)
{
    double t = s->time_s > 0 ? s->time_s : 1;
    double x86_s = s->e_x86_static_j / t, x86_d = s->e_x86_dynamic_j / t;
    double nc_s = s->e_nc_static_j / t, nc_d = s->e_nc_dynamic_j / t;
    const struct {
        const char *key;
        double v;
    } ours[] = {
        {"accuracy_pct", accuracy},
        {"time_per_step_us", s->step_mean_s * 1e6},
        {"latency_ms", s->latency_per_inference_s * 1e3},
        {"x86_static_mw", x86_s * 1e3},
        {"x86_dynamic_mw", x86_d * 1e3},
        {"x86_total_mw", (x86_s + x86_d) * 1e3},
        {"nc_static_mw", nc_s * 1e3},
        {"nc_dynamic_mw", nc_d * 1e3},
        {"nc_total_mw", (nc_s + nc_d) * 1e3},
        {"total_mw", (x86_s + x86_d + nc_s + nc_d) * 1e3},
        {"energy_mj", s->energy_per_inference_j * 1e3},
        {"edp_ujs", s->edp_js * 1e6},
    };
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (!strcmp(key, ours[i].key)) {
            *out = ours[i].v;
            return 1;
        }
    return 0;
}

/* Fills r[0..tab->n) (the table's order); derived (derived_len bytes) holds the note of the
 * derived figures: the share of the total power that comes from calibrated figures. */
static le_code table_rows(const le_s1_table *tab, const le_cost_summary *s, double accuracy, row *r, char *derived,
                          size_t derived_len, le_error *err)
{
    double t = s->time_s > 0 ? s->time_s : 1;
    double x86_s = s->e_x86_static_j / t, x86_d = s->e_x86_dynamic_j / t;
    double nc_s = s->e_nc_static_j / t, nc_d = s->e_nc_dynamic_j / t;
    double total = x86_s + x86_d + nc_s + nc_d;
    snprintf(derived, derived_len, "derived: %.0f %% from calibrated figures",
             total > 0 ? 100.0 * (x86_s + x86_d + nc_s) / total : 0.0);
    for (uint32_t i = 0; i < tab->n; i++) {
        const le_s1_figure *f = &tab->fig[i];
        r[i] = (row){f->figure, f->unit, f->key, 0, f->paper, f->note, f->ours == LE_S1_CALIBRATED};
        if (!our_value(f->key, s, accuracy, &r[i].ours))
            return le_fail(err, LE_ERR_CONFIG, "%s: figure '%s': key '%s' is not one smnist computes", LE_TABLE_S1_FILE,
                           f->figure, f->key);
        if (f->ours == LE_S1_CALIBRATED)
            r[i].note = NOTE_CAL;
        else if (f->ours == LE_S1_DERIVED)
            r[i].note = derived;
    }
    return LE_OK;
}

static double diff_pct(double ours, double paper)
{
    return paper != 0 ? 100.0 * (ours - paper) / paper : 0;
}

static le_code write_json(const char *path, const options *o, const le_smnist_snip_state *st, uint32_t correct,
                          int have_chip, uint32_t agree, const row *r, uint32_t nr, const le_cost_summary *s,
                          const char *incomplete, le_error *err)
{
    le_outfile out;
    le_code rc = le_outfile_open_path(&out, "--json", path, err);
    if (rc)
        return rc;
    le_json j;
    le_json_init(&j, out.f);
    le_json_object(&j, LE_JSON_LINES);
    if (incomplete)
        le_json_kstring(&j, "incomplete", incomplete);
    le_json_kstring(&j, "command", "smnist");
    le_json_kstring(&j, "board", o->board);
    le_json_kstring(&j, "noc", noc_name(o->noc));
    le_json_kstring(&j, "sample", sample_name(o->sample));
    le_json_kuint(&j, "first", o->sample ? 0 : o->first);
    le_json_kuint(&j, "images", st->done); /* all of them unless interrupted */
    le_json_kuint(&j, "correct", correct);
    if (have_chip)
        le_json_kuint(&j, "chip_agreement", agree);
    le_json_kuint(&j, "inject_latency", o->inject_latency);
    le_json_kuint(&j, "steps", s->steps);
    le_json_kdouble(&j, "simulated_time_s", s->time_s);
    le_json_key(&j, "step_p50_us");
    le_json_double_g(&j, s->step_p50_s * 1e6, 6);
    le_json_key(&j, "step_p99_us");
    le_json_double_g(&j, s->step_p99_s * 1e6, 6);
    le_json_key(&j, "step_max_us");
    le_json_double_g(&j, s->step_max_s * 1e6, 6);
    le_json_key(&j, "table_s1");
    le_json_array(&j, LE_JSON_LINES);
    for (uint32_t i = 0; i < nr; i++) {
        le_json_object(&j, LE_JSON_INLINE);
        le_json_kstring(&j, "figure", r[i].name);
        le_json_kstring(&j, "key", r[i].key);
        le_json_kstring(&j, "unit", r[i].unit);
        le_json_kdouble(&j, "ours", r[i].ours);
        le_json_kdouble(&j, "paper", r[i].paper);
        le_json_key(&j, "diff_pct");
        le_json_double_g(&j, diff_pct(r[i].ours, r[i].paper), 4);
        le_json_key(&j, "calibrated");
        le_json_bool(&j, r[i].calibrated);
        le_json_end(&j);
    }
    le_json_end(&j);
    le_json_end(&j);
    char what[4200];
    snprintf(what, sizeof what, "--json %s", path);
    if ((rc = le_json_finish(&j, what, err))) {
        le_outfile_discard(&out);
        return rc;
    }
    return le_outfile_commit(&out, err);
}

static le_code write_predictions(const char *path, const le_smnist_snip_state *st, const char *incomplete,
                                 le_error *err)
{
    le_outfile out;
    le_code rc = le_outfile_open_path(&out, "--predictions", path, err);
    if (rc)
        return rc;
    fprintf(out.f, "index,label,predicted\n");
    for (uint32_t k = 0; k < st->done; k++)
        fprintf(out.f, "%u,%u,%u\n", st->index[k], st->mnist->labels[st->index[k]], st->predicted[k]);
    if (incomplete)
        fprintf(out.f, "# incomplete: %s\n", incomplete);
    return le_outfile_commit(&out, err);
}

static int run(const options *o, le_error *err)
{
    le_mnist mnist;
    le_smnist_weights w;
    le_network net;
    le_smnist_pops pops;
    le_pipeline pipe;
    uint32_t *index = NULL;
    uint8_t *pred = NULL, chip_pred[AUTHORS_N];
    le_s1_table tab = {0};
    row *r = NULL;
    le_trace_cli tc = o->tc;
    memset(&mnist, 0, sizeof mnist);
    memset(&w, 0, sizeof w);
    memset(&pipe, 0, sizeof pipe);
    le_network_init(&net);
    int status = 0, agreed = 0;
    le_code rc;
    const char *data = le_data_dir(o->data);
    char wdir[4096];
    snprintf(wdir, sizeof wdir, "%s/%s", data, LE_SMNIST_WEIGHTS);

    /* The paper's table first: a broken table_s1.yaml should not cost a whole run. */
    char tab_path[4096];
    source_path(LE_TABLE_S1_FILE, tab_path, sizeof tab_path);
    if ((rc = le_table_s1_load(tab_path, &tab, err)))
        goto done;
    r = malloc(tab.n * sizeof *r);
    if (!r) {
        rc = le_fail(err, LE_ERR_NOMEM, "smnist: no memory for %u Table S1 rows", tab.n);
        goto done;
    }
    uint32_t n = o->sample == SAMPLE_AUTHORS ? AUTHORS_N : o->sample == SAMPLE_NOTEBOOK ? NOTEBOOK_N : o->images;
    index = malloc(n * sizeof *index);
    pred = malloc(n);
    if (!index || !pred) {
        rc = le_fail(err, LE_ERR_NOMEM, "smnist: no memory for %u images", n);
        goto done;
    }
    if (o->sample == SAMPLE_AUTHORS) {
        if ((rc = read_sample(AUTHORS_SAMPLE, AUTHORS_N, index, chip_pred, err)))
            goto done;
    } else if (o->sample == SAMPLE_NOTEBOOK) {
        if ((rc = read_sample(NOTEBOOK_SAMPLE, NOTEBOOK_N, index, NULL, err)))
            goto done;
    } else {
        for (uint32_t k = 0; k < n; k++)
            index[k] = o->first + k;
    }
    if ((rc = le_mnist_load_t10k(data, &mnist, err)) || (rc = le_smnist_weights_load(wdir, &w, err)))
        goto done;
    le_smnist_options so = le_smnist_options_default();
    so.inject_latency = o->inject_latency;
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = o->board;
    po.arch_file = o->arch;
    po.noc = o->noc;
    po.seed = 0;
    po.inject_latency = so.inject_latency;
    if ((rc = le_smnist_network(&w, &so, &net, &pops, err)) || (rc = le_pipeline_open(&net, &po, &pipe, err)))
        goto done;
    le_costmodel *cm = pipe.cm;

    /* Every rank set up alike; from here on they run the batch together. */
    agreed = 1;
    if ((rc = le_mpi_agree(LE_OK, err)))
        goto done;
    /* The congestion traces follow one simulation step by step: the images run on one thread. */
    const uint32_t jobs = le_trace_cli_wanted(&tc) ? 1 : o->jobs;
    if (le_mpi_active() && le_trace_cli_wanted(&tc)) {
        rc = le_fail(err, LE_ERR_USAGE, "smnist: --trace-dir, --vcd and --plot under mpirun: the images are split "
                                        "over ranks; run the congestion traces in one process");
        goto done;
    }
    tc.report = o->report;
    if ((rc = le_trace_cli_begin(&tc, cm, pipe.sim, (uint64_t)n * LE_SMNIST_STEPS_PER_IMAGE, stderr, err)))
        goto done;
    image_batch ib = {&mnist, index, &pops, pred, NULL, {0}, 0, 0};
    if (!(ib.st = calloc(jobs, sizeof *ib.st))) {
        rc = le_fail(err, LE_ERR_NOMEM, "smnist: out of memory for %u workers", jobs);
        goto done;
    }
    le_progress_init(&ib.bar, stderr, n, "images");
    if (le_mpi_rank() != 0)
        ib.bar.on = 0;
    le_batch_model bm = {images_begin, images_end, images_commit, &ib};
    le_batch_opts bo = {n, LE_SMNIST_STEPS_PER_IMAGE, LE_SMNIST_BATCH, jobs, so.inject_latency};
    rc = le_batch_run(&net, &pipe, &bo, &bm, err);
    free(ib.st);
    /* A signal (SIGINT/SIGTERM) stops the run between steps: the images decided so far are
     * reported, marked incomplete, and the command exits 130/143 (docs/errors.md). */
    const uint32_t total = n;
    le_error stop;
    char incomplete[96] = "";
    if (rc == LE_ERR_INTERRUPTED && ib.committed > 0 && le_mpi_rank() == 0) {
        stop = *err;
        le_error_clear(err);
        rc = LE_OK;
        n = ib.committed;
        snprintf(incomplete, sizeof incomplete, "interrupted after image %u of %u", n, total);
        fprintf(stderr, "\n");
    }
    if (rc || le_mpi_rank() != 0)
        goto done; /* rank 0 alone reports */
    if (o->report && (rc = le_report_costmodel_note(cm, NULL, o->report, incomplete[0] ? incomplete : NULL, err)))
        goto done;
    if ((rc = le_trace_cli_end(&tc, stderr, err)))
        goto done;
    le_smnist_snip_state st;
    le_smnist_snip_init(&st, &mnist, index, n, &pops, pred, NULL, 0);
    st.done = n;
    struct {
        uint32_t correct;
    } rctx = {ib.correct};

    le_cost_summary s;
    le_costmodel_summary(cm, &s);
    double acc = 100.0 * rctx.correct / n;
    uint32_t agree = 0;
    if (o->sample == SAMPLE_AUTHORS)
        for (uint32_t k = 0; k < n; k++)
            agree += pred[k] == chip_pred[k];

    if (o->sample == SAMPLE_AUTHORS)
        printf("sMNIST: the authors' %u-image sample (tests/test_seq_mnist.py), board %s, network %s\n", total,
               o->board, noc_name(o->noc));
    else if (o->sample == SAMPLE_NOTEBOOK)
        printf("sMNIST: the authors' %u-image measurement sample (sMNIST_Loihi_performance_measurements.ipynb; "
               "the chip: 94.50 %%), board %s, network %s\n",
               total, o->board, noc_name(o->noc));
    else
        printf("sMNIST: t10k images %u..%u, board %s, network %s\n", o->first, o->first + n - 1, o->board,
               noc_name(o->noc));
    if (incomplete[0])
        printf("INCOMPLETE: %s; the figures cover the images decided\n", incomplete);
    printf("accuracy: %.2f %% (%u of %u)\n", acc, rctx.correct, n);
    if (o->sample == SAMPLE_AUTHORS) {
        printf("agreement with the chip's classes: %u of %u\n", agree, n);
        for (uint32_t k = 0; k < n; k++)
            if (pred[k] != chip_pred[k])
                printf("  position %u, image %u (label %u): chip %u, ours %u\n", k, index[k], mnist.labels[index[k]],
                       chip_pred[k], pred[k]);
    }
    char derived[96];
    uint32_t nr = tab.n;
    if ((rc = table_rows(&tab, &s, acc, r, derived, sizeof derived, err)))
        goto done;
    printf("\nTable S1 (seed 002), Loihi, sMNIST, 1 neuro-core: ours vs. the paper\n");
    printf("%-26s %-4s %12s %12s %9s  %s\n", "figure", "unit", "ours", "paper", "diff", "note");
    for (uint32_t i = 0; i < nr; i++)
        printf("%-26s %-4s %12.5g %12.5g %+8.1f%%  %s\n", r[i].name, r[i].unit, r[i].ours, r[i].paper,
               diff_pct(r[i].ours, r[i].paper), r[i].note);
    printf("(%llu steps, simulated %.4g s; step time p50 %.4g us, p99 %.4g us, max %.4g us)\n",
           (unsigned long long)s.steps, s.time_s, s.step_p50_s * 1e6, s.step_p99_s * 1e6, s.step_max_s * 1e6);
    if (o->ledger) {
        printf("\n");
        if ((rc = le_report_costmodel(cm, stdout, NULL, err)))
            goto done;
    }
    if (o->json && (rc = write_json(o->json, o, &st, rctx.correct, o->sample == SAMPLE_AUTHORS, agree, r, nr, &s,
                                    incomplete[0] ? incomplete : NULL, err)))
        goto done;
    if (o->pred && (rc = write_predictions(o->pred, &st, incomplete[0] ? incomplete : NULL, err)))
        goto done;
    if (incomplete[0]) {
        *err = stop;
        rc = stop.code;
    }
done:
    if (!agreed) /* a rank that failed in its set-up tells the others, which wait for it */
        rc = le_mpi_agree(rc, err);
    if (rc)
        status = le_cli_report_error(err);
    le_trace_cli_free(&tc);
    le_pipeline_close(&pipe);
    le_network_free(&net);
    le_smnist_weights_free(&w);
    le_mnist_free(&mnist);
    free(index);
    free(pred);
    free(r);
    le_table_s1_free(&tab);
    return status;
}

int le_cmd_smnist(int argc, char **argv)
{
    le_error err;
    le_error_clear(&err);
    options o;
    int help = 0;
    if (parse_args(argc, argv, &o, &help, &err))
        return le_cli_report_error(&err);
    if (help) {
        usage(stdout);
        return 0;
    }
    /* The outputs are checked before the run, not found unwritable after it (util/outfile.h). */
    le_io io;
    le_io_init(&io);
    le_io_input(&io, "board file", o.board);
    le_io_input(&io, "architecture file", o.arch);
    le_io_output(&io, "--json", o.json);
    le_io_output(&io, "--predictions", o.pred);
    le_io_output(&io, "--report", o.report);
    if (le_io_check(&io, &err))
        return le_cli_report_error(&err);
    if (le_arch_set_apply(&o.as, o.arch, &o.arch, &err))
        return le_cli_report_error(&err);
    int st = run(&o, &err);
    le_arch_set_cleanup(&o.as);
    return st;
}
