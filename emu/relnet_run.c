#include "emu/relnet_run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cost/costmodel_internal.h"
#include "models/relnet/snips.h"
#include "report/report.h"
#include "util/csv.h"
#include "util/path.h"
#include "util/progress.h"

void le_relnet_sample_from_babi(const le_babi_example *e, le_relnet_sample *s)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < e->n_context && i < LE_RN_LAYOUT; i++) {
        s->n_words[i] = e->n_words[i];
        memcpy(s->word[i], e->word[i], sizeof s->word[i]);
    }
    s->n_words[LE_RN_QUESTION] = e->q_words;
    memcpy(s->word[LE_RN_QUESTION], e->q, sizeof e->q);
    s->answer = e->answer;
}

/* Spikes per neuron per step of the populations whose names start with prefix. */
static double rate_of(const le_network *net, const uint64_t *spikes, const char *prefix, uint64_t steps)
{
    uint64_t s = 0, n = 0;
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].kind != LE_POP_INPUT && !strncmp(net->pops[p].name, prefix, strlen(prefix))) {
            s += spikes[p];
            n += net->pops[p].size;
        }
    return n && steps ? (double)s / (double)n / (double)steps : 0;
}

typedef struct {
    le_progress bar;
    int show;
    const le_relnet_snip_state *st;
    const le_relnet_sample *samples;
    uint32_t correct;
} progress_ctx;

static le_code on_story(void *ctx, uint32_t k, le_error *err)
{
    (void)err;
    progress_ctx *c = ctx;
    c->correct += c->st->predicted[k] == c->samples[k].answer;
    if (c->show)
        le_progress_update(&c->bar, k + 1, "accuracy %.1f %%", 100.0 * c->correct / (k + 1));
    return LE_OK;
}

/* Counts every population's spikes, and those outside the population's window: an observer
 * of the run loop. */
typedef struct {
    const le_network *net;
    const le_placement *pl;
    uint64_t *spikes, *outside;
    uint32_t *pop_of;
    int8_t *layer;    /* per population: its LE_RN_RATE_* layer, -1 none (relays, inputs) */
    uint32_t t0;      /* the last step before the first story */
} spike_count;

static le_code count_spikes(void *ctx, const le_sim *sim, uint32_t t, le_error *err)
{
    (void)err;
    spike_count *sc = ctx;
    uint32_t s = (t - sc->t0 - 1) % LE_RN_STEPS + 1; /* the step within the story */
    for (uint32_t g = 0; g < sc->pl->pop_base[sc->net->n_pops]; g++)
        if (le_sim_fired(sim, g, t)) {
            uint32_t p = sc->pop_of[g];
            sc->spikes[p]++;
            int k = sc->layer[p];
            sc->outside[p] += k >= 0 && (k <= LE_RN_RATE_LSNN_Q ? s > LE_RN_LSNN_WINDOW
                                                                : s <= LE_RN_STEPS - LE_RN_FF_WINDOW);
        }
    return LE_OK;
}

/* Layer groups of Table S5 (per M = 20; the mask relays are the authors' code only). */
const char *const le_relnet_group_name[LE_RN_GROUPS] = {"sentence LSNN", "question LSNN", "sentence relays", "question relays",
                                           "mask relays",   "g_theta L1",    "g_theta L2-L4",   "aggregation",
                                           "f_phi L1",      "f_phi L2",      "f_phi L3",        "readout"};
const uint32_t le_relnet_table_s5[LE_RN_GROUPS] = {40, 2, 100, 42, 0, 840, 1260, 14, 2, 4, 3, 1};

int le_relnet_layer_group(const char *name)
{
    if (!strncmp(name, "q.lsnn", 6))
        return 1;
    if (strstr(name, ".lsnn."))
        return 0;
    if (!strncmp(name, "q.relay", 7))
        return 3;
    if (strstr(name, ".relay.") && name[0] == 's')
        return 2;
    if (!strncmp(name, "mask.relay", 10))
        return 4;
    if (!strncmp(name, "g.", 2))
        return strstr(name, ".l1") ? 5 : 6;
    if (!strcmp(name, "agg"))
        return 7;
    if (!strcmp(name, "f1"))
        return 8;
    if (!strcmp(name, "f2"))
        return 9;
    if (!strcmp(name, "f3"))
        return 10;
    if (!strcmp(name, "readout"))
        return 11;
    return -1;
}

const char *const le_relnet_rate_name[LE_RN_RATES] = {"lsnn_sentence", "lsnn_question", "g1", "g2", "g3",
                                                      "g4", "agg", "f1", "f2", "f3"};

int le_relnet_rate_layer(const char *name)
{
    if (strstr(name, ".lsnn."))
        return name[0] == 'q' ? LE_RN_RATE_LSNN_Q : LE_RN_RATE_LSNN_S;
    if (!strncmp(name, "g.", 2)) {
        const char *l = strrchr(name, 'l');
        return l && l[1] >= '1' && l[1] <= '4' && !l[2] ? LE_RN_RATE_G1 + (l[1] - '1') : -1;
    }
    if (!strcmp(name, "agg"))
        return LE_RN_RATE_AGG;
    if (name[0] == 'f' && name[1] >= '1' && name[1] <= '3' && !name[2])
        return LE_RN_RATE_F1 + (name[1] - '1');
    return -1;
}

/* Per-layer firing (relnet_run.h): spikes over neurons and stories, per step of the layer's
 * window; a g_theta layer's neurons are one instance's (the sum over instances is the paper's R). */
static void layer_rates(const le_network *net, const spike_count *sc, uint32_t stories, double *rate, double *share)
{
    uint64_t sp[LE_RN_RATES] = {0}, n[LE_RN_RATES] = {0}, out[LE_RN_RATES] = {0};
    for (uint32_t p = 0; p < net->n_pops; p++) {
        int k = sc->layer[p];
        if (k < 0)
            continue;
        sp[k] += sc->spikes[p];
        out[k] += sc->outside[p];
        if (le_relnet_rate_is_hz(k))
            n[k] = net->pops[p].size;
        else
            n[k] += net->pops[p].size;
    }
    for (int k = 0; k < LE_RN_RATES; k++) {
        double window = k <= LE_RN_RATE_LSNN_Q ? LE_RN_LSNN_WINDOW : LE_RN_FF_WINDOW;
        rate[k] = n[k] && stories ? (double)sp[k] / (double)n[k] / (double)stories / window : 0;
        share[k] = sp[k] ? (double)out[k] / (double)sp[k] : 0;
        if (le_relnet_rate_is_hz(k))
            rate[k] *= 1000.0;
    }
}

uint32_t le_relnet_weights_task_mask(const le_relnet_weights *w)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < w->n_tasks && i < 20; i++)
        if (w->tasks[i] >= 1 && w->tasks[i] <= LE_BABI_TASKS)
            m |= LE_BABI_TASK_BIT(w->tasks[i]);
    return m;
}

uint32_t le_relnet_default_tasks(const le_relnet_weights *w)
{
    uint32_t m = le_relnet_weights_task_mask(w);
    return (m & LE_BABI_PAPER_TASKS) ? (m & LE_BABI_PAPER_TASKS) : m;
}

const char *le_relnet_row_role(uint32_t M, const char *placement, le_relnet_origin origin, int in_paper)
{
    if (!in_paper)
        return "not in Table S2";
    if (strcmp(placement, "optimised"))
        return "comparison";
    return origin == LE_RN_GENERATED && (M == 2 || M == 20) ? "calibration" : "validation";
}

le_code le_relnet_run_size(const le_relnet_runner *rr, const le_relnet_layout *lay, uint32_t M, le_relnet_result *r,
                           le_error *err)
{
    le_relnet_strategy s = lay->strategy;
    memset(r, 0, sizeof *r);
    r->M = M;
    r->placement = rr->placement ? rr->placement : le_relnet_strategy_name(s);
    le_network net;
    le_network_init(&net);
    le_relnet_pops pops;
    le_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    le_babi_selection sel;
    memset(&sel, 0, sizeof sel);
    le_relnet_sample *samples = NULL;
    uint16_t *pred = NULL;
    uint16_t *task_of = NULL;
    uint32_t *line_of = NULL;
    spike_count sc;
    memset(&sc, 0, sizeof sc);
    uint32_t chips[4096], chips_n = 0;

    le_code rc = le_relnet_instantiate(rr->w, lay, M, &net, &pops, err);
    if (!rc)
        rc = le_pipeline_open(&net, &rr->po, &pipe, err);
    if (!rc) {
        le_babi_filter f = {rr->tasks, LE_BABI_TEST, (int32_t)M, rr->only, rr->n_only};
        le_babi_pick pk = {rr->only ? 0 : rr->stories ? rr->stories : le_babi_bench_count(M), 1, LE_BABI_BENCH_SEED};
        rc = le_babi_select(rr->corpus, &f, &pk, &sel, err);
    }
    if (!rc && sel.n == 0)
        rc = le_fail(err, LE_ERR_DATA, "RelNet M = %u: no test story of the chosen tasks has exactly %u sentences", M,
                     M);
    if (!rc) {
        samples = calloc(sel.n, sizeof *samples);
        pred = calloc(sel.n, sizeof *pred);
        task_of = calloc(sel.n, sizeof *task_of);
        line_of = calloc(sel.n, sizeof *line_of);
        sc.spikes = calloc(net.n_pops + 1, sizeof *sc.spikes);
        sc.outside = calloc(net.n_pops + 1, sizeof *sc.outside);
        sc.layer = calloc(net.n_pops + 1, sizeof *sc.layer);
        sc.pop_of = malloc(((size_t)pipe.pl.pop_base[net.n_pops] + 1) * sizeof *sc.pop_of);
        if (!samples || !pred || !task_of || !line_of || !sc.spikes || !sc.outside || !sc.layer || !sc.pop_of)
            rc = le_fail(err, LE_ERR_NOMEM, "RelNet: out of memory for %u stories", sel.n);
    }
    for (uint32_t k = 0; k < sel.n && !rc; k++) {
        le_babi_example e;
        rc = le_babi_encode(rr->corpus, rr->dict, sel.ref[k], &e, err);
        if (!rc) {
            le_relnet_sample_from_babi(&e, &samples[k]);
            task_of[k] = (uint16_t)e.task;
            line_of[k] = e.line;
        }
    }
    if (!rc) {
        r->stories = sel.n;
        r->available = sel.available;
        for (uint32_t p = 0; p < net.n_pops; p++)
            for (uint32_t k = 0; k < net.pops[p].size; k++)
                sc.pop_of[le_place_gid(&pipe.pl, p, k)] = p;
        for (uint32_t p = 0; p < net.n_pops; p++)
            sc.layer[p] = (int8_t)(net.pops[p].kind == LE_POP_INPUT ? -1 : le_relnet_rate_layer(net.pops[p].name));
        sc.net = &net;
        sc.pl = &pipe.pl;
        sc.t0 = le_sim_step_now(pipe.sim);
        le_sim_set_observer(pipe.sim, count_spikes, &sc);
        le_relnet_snip_state st;
        le_relnet_snip_init(&st, &pops, samples, sel.n, pred, le_sim_step_now(pipe.sim));
        st.readout_chip = pipe.pl.core[le_place_gid(&pipe.pl, pops.readout, 0)] / rr->geom.cores_per_chip;
        for (uint32_t i = 0; i < le_sim_n_cores(pipe.sim); i++) {
            uint32_t chip = le_sim_core(pipe.sim, i)->gid / rr->geom.cores_per_chip;
            if (!chips_n || chips[chips_n - 1] != chip) /* cores come in gid order */
                chips[chips_n++] = chip;
        }
        st.chips = chips;
        st.n_chips = chips_n;
        le_snips sn = le_relnet_snips(&st);
        progress_ctx pc;
        memset(&pc, 0, sizeof pc);
        pc.show = rr->progress;
        pc.st = &st;
        pc.samples = samples;
        char unit[64];
        snprintf(unit, sizeof unit, "stories (M = %u, %s)", M, r->placement);
        le_progress_init(&pc.bar, stderr, sel.n, unit);
        if (rr->before)
            rc = rr->before(rr->hook_ctx, &pipe, M, r->placement, (uint64_t)sel.n * LE_RN_STEPS, err);
        if (!rc)
            rc = le_pipeline_run_inferences(&pipe, sel.n, LE_RN_STEPS, &sn, on_story, &pc, err);
        if (!rc && rr->after)
            rc = rr->after(rr->hook_ctx, &pipe, err);
        r->correct = pc.correct;
    }
    if (!rc) {
        for (uint32_t k = 0; k < sel.n; k++) {
            r->task_n[task_of[k]]++;
            r->task_ok[task_of[k]] += pred[k] == samples[k].answer;
            if (rr->pred) {
                /* Names and words go through the one CSV field writer (quoted when they must be). */
                fprintf(rr->pred, "%u,", M);
                le_csv_put_field(rr->pred, r->placement);
                fprintf(rr->pred, ",%u,%u,", task_of[k], line_of[k]);
                le_csv_put_field(rr->pred, rr->dict->text[samples[k].answer]);
                fputc(',', rr->pred);
                le_csv_put_field(rr->pred, rr->dict->text[pred[k]]);
                fputc('\n', rr->pred);
            }
        }
        r->cores = le_sim_n_cores(pipe.sim);
        for (uint32_t p = 0; p < net.n_pops; p++) {
            int g = le_relnet_layer_group(net.pops[p].name);
            uint32_t last = LE_NO_CORE;
            for (uint32_t k = 0; g >= 0 && k < net.pops[p].size; k++) {
                uint32_t c = pipe.pl.core[le_place_gid(&pipe.pl, p, k)];
                r->layer_cores[g] += c != last;
                last = c;
            }
        }
        uint8_t used[4096] = {0};
        for (uint32_t i = 0; i < r->cores; i++) {
            uint32_t chip = le_sim_core(pipe.sim, i)->gid / rr->geom.cores_per_chip;
            if (chip < sizeof used && !used[chip]++)
                r->chips++;
        }
        le_costmodel_summary(pipe.cm, &r->sum);
        if (rr->ledger) {
            FILE *out = rr->out ? rr->out : stdout;
            fprintf(out, "\ncost model, M = %u, %s:\n", M, r->placement);
            rc = le_report_costmodel(pipe.cm, out, NULL, err);
        }
        le_costmodel_inference_split(pipe.cm, r->split_j);
        r->power_w = r->sum.latency_per_inference_s > 0 ? r->sum.energy_per_inference_j / r->sum.latency_per_inference_s
                                                        : 0;
        const le_noc *noc = le_costmodel_noc(pipe.cm);
        r->chip_msgs = (double)(le_noc_class_hops(noc, LE_LC_CHIP) + le_noc_class_hops(noc, LE_LC_BOARD)) / sel.n;
        uint64_t steps = (uint64_t)sel.n * LE_RN_STEPS;
        {
            /* LSNNs: every sentence and the question */
            uint64_t sp = 0, n = 0;
            for (uint32_t p = 0; p < net.n_pops; p++)
                if (strstr(net.pops[p].name, ".lsnn.")) {
                    sp += sc.spikes[p];
                    n += net.pops[p].size;
                }
            r->rate_lsnn = n ? (double)sp / (double)n / (double)steps : 0;
        }
        r->rate_g = rate_of(&net, sc.spikes, "g.", steps);
        r->rate_ff = rate_of(&net, sc.spikes, "f", steps);
        layer_rates(&net, &sc, sel.n, r->rate, r->outside);
        /* the busiest chip-to-chip links */
        const le_topo *tp = le_costmodel_topo(pipe.cm);
        uint32_t nt;
        const uint32_t *touched = le_noc_touched(noc, &nt);
        for (uint32_t i = 0; i < nt; i++) {
            uint32_t l = touched[i];
            int cls = le_link_class(tp, l);
            if (cls != LE_LC_CHIP && cls != LE_LC_BOARD)
                continue;
            uint64_t pk = le_noc_link_packets(noc, l);
            uint32_t at = r->n_links < LE_RN_TOP_LINKS ? r->n_links++ : LE_RN_TOP_LINKS - 1;
            if (at == LE_RN_TOP_LINKS - 1 && r->n_links == LE_RN_TOP_LINKS && pk <= r->link_pk[at])
                continue;
            r->link_pk[at] = pk;
            le_link_name(tp, l, r->link[at], sizeof r->link[at]);
            for (uint32_t q = at; q > 0 && r->link_pk[q] > r->link_pk[q - 1]; q--) {
                uint64_t t = r->link_pk[q];
                r->link_pk[q] = r->link_pk[q - 1];
                r->link_pk[q - 1] = t;
                char tmp[96];
                memcpy(tmp, r->link[q], sizeof tmp);
                memcpy(r->link[q], r->link[q - 1], sizeof tmp);
                memcpy(r->link[q - 1], tmp, sizeof tmp);
            }
        }
    }
    le_babi_selection_free(&sel);
    free(samples);
    free(pred);
    free(task_of);
    free(line_of);
    free(sc.spikes);
    free(sc.outside);
    free(sc.layer);
    free(sc.pop_of);
    le_pipeline_close(&pipe);
    le_network_free(&net);
    return rc;
}

/* Removes a flat folder and its files (a generation that lost the race, or failed). */
static void remove_flat(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        char f[2048];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(f, sizeof f, "%s/%s", path, e->d_name);
                unlink(f);
            }
        closedir(d);
    }
    rmdir(path);
}

le_code le_relnet_weights_dir(const char *w, const char *data, uint64_t seed, const le_babi_dict *dict, char *dir,
                              size_t cap, int *generated, le_error *err)
{
    *generated = 0;
    if (w && !strcmp(w, "generated"))
        return le_relnet_default_weights(data, seed, dict, dir, cap, generated, err);
    if (w && strcmp(w, "trained")) {
        snprintf(dir, cap, "%s", w);
        return LE_OK;
    }
    le_source_path(LE_RELNET_TRAINED_WEIGHTS, dir, cap);
    char manifest[1200];
    snprintf(manifest, sizeof manifest, "%s/manifest.yaml", dir);
    struct stat st;
    if (stat(manifest, &st) != 0)
        return le_fail(err, LE_ERR_IO, "%s: the trained weights are missing (no manifest.yaml; the source tree ships "
                       "them): give --weights generated or a weight directory", dir);
    return LE_OK;
}

le_code le_relnet_default_weights(const char *data, uint64_t seed, const le_babi_dict *dict, char *dir, size_t cap,
                                  int *generated, le_error *err)
{
    *generated = 0;
    char base[1024], manifest[1200], tmp[1200], vocab[1300], wtmp[1300];
    snprintf(base, sizeof base, "%s/relnet-weights", data);
    snprintf(dir, cap, "%s/generated-%llu", base, (unsigned long long)seed);
    snprintf(manifest, sizeof manifest, "%s/manifest.yaml", dir);
    struct stat st;
    if (stat(manifest, &st) == 0)
        return LE_OK;
    if (mkdir(base, 0777) != 0 && errno != EEXIST)
        return le_fail(err, LE_ERR_IO, "%s: cannot create: %s", base, strerror(errno));
    snprintf(tmp, sizeof tmp, "%s/.generating-%llu-%ld", base, (unsigned long long)seed, (long)getpid());
    snprintf(vocab, sizeof vocab, "%s/vocab-source.txt", tmp);
    snprintf(wtmp, sizeof wtmp, "%s/weights", tmp);
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return le_fail(err, LE_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    le_code rc = le_babi_dict_write(dict, vocab, err);
    if (!rc) {
        le_relnet_gen_params gp = le_relnet_gen_params_default();
        gp.vocab_file = vocab;
        gp.answers_file = vocab; /* answers are lines of the one dictionary */
        rc = le_relnet_weights_generate(wtmp, seed, &gp, err);
    }
    if (!rc) {
        if (rename(wtmp, dir) == 0)
            *generated = 1;
        else if (stat(manifest, &st) != 0) /* not another process's complete directory */
            rc = le_fail(err, LE_ERR_IO, "%s: cannot move the generated weights into place: %s", dir, strerror(errno));
    }
    remove_flat(wtmp);
    remove_flat(tmp);
    return rc;
}
