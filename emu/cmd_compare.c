/* `loihi-emu compare A B`: two runs of the same network (two placements, two boards, two
 * cost files) in one command; each runs as a child process with the congestion traces and
 * the cost report, then one table of differences and the plots of both. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "emu/cli.h"
#include "report/report.h"
#include "emu/study.h"
#include "emu/trace_cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: loihi-emu compare A B [options]\n"
               "\n"
               "Runs two commands of this program, each given as one argument, and prints what differs:\n"
               "time per step (mean, p99), latency and energy per inference and its split, EDP, chip-to-chip\n"
               "messages, the 10 hottest links of each and the links whose load changed most. E.g.\n"
               "  loihi-emu compare \"run hotspot.yaml --steps 50 --board kapoho-bay\" \\\n"
               "                    \"run hotspot_near.yaml --steps 50 --board kapoho-bay\"\n"
               "  loihi-emu compare \"relnet --sentences 20 --placement naive --stories 2\" \\\n"
               "                    \"relnet --sentences 20 --placement optimised --stories 2\"\n"
               "Each command must run one network once (run, or relnet/smnist with one size and one\n"
               "placement); it is given --trace-dir OUT/NAME/trace and --report OUT/NAME/report.json.\n"
               "\n"
               "options:\n"
               "  --out DIR          where both runs, the table (compare.txt) and the plots go (default compare)\n"
               "  --names a,b        names of the two runs (default A,B)\n"
               "  --top N            hottest and most changed links listed (default 10)\n"
               "  --trace-limit N    passed to both runs (default 1G)\n"
               "  --no-plot          no pictures\n"
               "  --help             this text\n");
}

#define usage_error(fmt, arg) le_cli_usage_error("compare", fmt, arg)

typedef struct {
    char name[64], dir[1100], trace[1200], report[1200];
    char *json;
    le_study_link *links;
    uint32_t n_links;
    double chip_msgs, traversals;
} side;

static int by_packets(const void *a, const void *b)
{
    const le_study_link *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets < y->packets ? 1 : -1;
    return x->link < y->link ? -1 : x->link > y->link;
}

static double num(const side *s, const char *obj, const char *key)
{
    double v = 0;
    if (le_study_json_num(s->json, obj, key, &v))
        return 0;
    return v;
}

static void row(FILE *f, const char *what, double a, double b, double scale)
{
    a *= scale;
    b *= scale;
    char pct[32] = "";
    if (a != 0)
        snprintf(pct, sizeof pct, "%+.1f %%", (b / a - 1) * 100);
    fprintf(f, "  %-34s %14.6g %14.6g %14.6g %10s\n", what, a, b, b - a, pct);
}

typedef struct {
    uint32_t link;
    const le_study_link *a, *b;
    int64_t diff;
} change;

static int by_change(const void *p, const void *q)
{
    const change *x = p, *y = q;
    int64_t ax = x->diff < 0 ? -x->diff : x->diff, ay = y->diff < 0 ? -y->diff : y->diff;
    if (ax != ay)
        return ax < ay ? 1 : -1;
    return x->link < y->link ? -1 : x->link > y->link;
}

static int by_id(const void *a, const void *b)
{
    const le_study_link *x = a, *y = b;
    return x->link < y->link ? -1 : x->link > y->link;
}

static le_code table(FILE *f, side *s, uint32_t top, le_error *err)
{
    fprintf(f, "compare: %s vs %s\n\n", s[0].name, s[1].name);
    fprintf(f, "  %-34s %14s %14s %14s %10s\n", "", s[0].name, s[1].name, "B - A", "change");
    row(f, "time per step, mean (us)", num(&s[0], "step_time_s", "mean"), num(&s[1], "step_time_s", "mean"), 1e6);
    row(f, "time per step, p99 (us)", num(&s[0], "step_time_s", "p99"), num(&s[1], "step_time_s", "p99"), 1e6);
    row(f, "latency per inference (us)", num(&s[0], NULL, "latency_per_inference_s"),
        num(&s[1], NULL, "latency_per_inference_s"), 1e6);
    row(f, "energy per inference (uJ)", num(&s[0], NULL, "energy_per_inference_j"),
        num(&s[1], NULL, "energy_per_inference_j"), 1e6);
    static const char *const split[4][2] = {{"neurocores_static", "  neuro-cores static (uJ)"},
                                            {"neurocores_dynamic", "  neuro-cores dynamic (uJ)"},
                                            {"x86_static", "  x86 static (uJ)"},
                                            {"x86_dynamic", "  x86 dynamic (uJ)"}};
    for (int k = 0; k < 4; k++)
        row(f, split[k][1], num(&s[0], "energy_per_inference_split_j", split[k][0]),
            num(&s[1], "energy_per_inference_split_j", split[k][0]), 1e6);
    row(f, "EDP per inference (uJs)", num(&s[0], NULL, "edp_js"), num(&s[1], NULL, "edp_js"), 1e6);
    row(f, "chip-to-chip messages (run)", s[0].chip_msgs, s[1].chip_msgs, 1);
    row(f, "link traversals (run)", num(&s[0], "events", "link_traversals"), num(&s[1], "events", "link_traversals"), 1);
    row(f, "packets (run)", num(&s[0], "events", "packets"), num(&s[1], "events", "packets"), 1);
    char name[96];
    for (int k = 0; k < 2; k++) {
        fprintf(f, "\n  %u hottest links of %s (packets and queueing delay, summed over the traced steps)\n", top,
                s[k].name);
        for (uint32_t i = 0; i < top && i < s[k].n_links; i++) {
            le_study_link_name(&s[k].links[i], name, sizeof name);
            fprintf(f, "    %-32s %12llu %14.3f us\n", name, (unsigned long long)s[k].links[i].packets,
                    s[k].links[i].wait_ps / 1e6);
        }
    }
    /* both lists by link id: a merge */
    uint32_t na = s[0].n_links, nb = s[1].n_links;
    change *ch = calloc((size_t)na + nb + 1, sizeof *ch);
    le_study_link *la = malloc(((size_t)na + 1) * sizeof *la), *lb = malloc(((size_t)nb + 1) * sizeof *lb);
    if (!ch || !la || !lb) {
        free(ch);
        free(la);
        free(lb);
        return le_fail(err, LE_ERR_NOMEM, "compare: out of memory");
    }
    memcpy(la, s[0].links, na * sizeof *la);
    memcpy(lb, s[1].links, nb * sizeof *lb);
    uint32_t nc = 0, i = 0, j = 0;
    qsort(la, na, sizeof *la, by_id);
    qsort(lb, nb, sizeof *lb, by_id);
    while (i < na || j < nb) {
        change c = {0, NULL, NULL, 0};
        if (j >= nb || (i < na && la[i].link < lb[j].link))
            c.a = &la[i++];
        else if (i >= na || lb[j].link < la[i].link)
            c.b = &lb[j++];
        else {
            c.a = &la[i++];
            c.b = &lb[j++];
        }
        c.link = c.a ? c.a->link : c.b->link;
        c.diff = (int64_t)(c.b ? c.b->packets : 0) - (int64_t)(c.a ? c.a->packets : 0);
        ch[nc++] = c;
    }
    qsort(ch, nc, sizeof *ch, by_change);
    fprintf(f, "\n  %u links whose load changed most (packets: %s -> %s)\n", top, s[0].name, s[1].name);
    for (uint32_t k = 0; k < top && k < nc && ch[k].diff; k++) {
        le_study_link_name(ch[k].a ? ch[k].a : ch[k].b, name, sizeof name);
        fprintf(f, "    %-32s %12llu -> %-12llu %+lld\n", name, (unsigned long long)(ch[k].a ? ch[k].a->packets : 0),
                (unsigned long long)(ch[k].b ? ch[k].b->packets : 0), (long long)ch[k].diff);
    }
    fprintf(f, "\n  %s\n", LE_REPORT_CALIBRATED);
    free(ch);
    free(la);
    free(lb);
    return LE_OK;
}

int le_cmd_compare(int argc, char **argv)
{
    const char *cmd[2] = {NULL, NULL}, *out = "compare", *names = NULL, *limit = "1G";
    uint32_t top = 10;
    int plot = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--no-plot")) {
            plot = 0;
            continue;
        }
        if (!strcmp(a, "--out") || !strcmp(a, "--names") || !strcmp(a, "--top") || !strcmp(a, "--trace-limit")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--out"))
                out = v;
            else if (!strcmp(a, "--names"))
                names = v;
            else if (!strcmp(a, "--trace-limit"))
                limit = v;
            else {
                char *e;
                unsigned long t = strtoul(v, &e, 10);
                if (*e || !*v || t == 0 || t > 1000)
                    return usage_error("--top: expected 1..1000, got '%s'", v);
                top = (uint32_t)t;
            }
            continue;
        }
        if (a[0] == '-' && a[1] == '-')
            return usage_error("unknown option '%s'", a);
        if (cmd[1])
            return usage_error("more than two commands ('%s')", a);
        cmd[cmd[0] ? 1 : 0] = a;
    }
    if (!cmd[1])
        return usage_error("%s", "needs two commands, A and B (each one quoted argument)");
    le_error err;
    le_error_clear(&err);
    side s[2];
    memset(s, 0, sizeof s);
    snprintf(s[0].name, sizeof s[0].name, "A");
    snprintf(s[1].name, sizeof s[1].name, "B");
    if (names) {
        const char *c = strchr(names, ',');
        if (!c || c == names || !c[1] || strchr(c + 1, ',') || (size_t)(c - names) >= sizeof s[0].name)
            return usage_error("--names: expected two names 'a,b', got '%s'", names);
        snprintf(s[0].name, sizeof s[0].name, "%.*s", (int)(c - names), names);
        snprintf(s[1].name, sizeof s[1].name, "%s", c + 1);
    }
    le_study_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    le_code rc = LE_OK;
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        rc = le_fail(&err, LE_ERR_IO, "%s: cannot create: %s", out, strerror(errno));
    for (int k = 0; k < 2 && !rc; k++) {
        snprintf(s[k].dir, sizeof s[k].dir, "%.900s/%.60s", out, s[k].name);
        snprintf(s[k].trace, sizeof s[k].trace, "%s/trace", s[k].dir);
        snprintf(s[k].report, sizeof s[k].report, "%s/report.json", s[k].dir);
        if (mkdir(s[k].dir, 0777) != 0 && errno != EEXIST) {
            rc = le_fail(&err, LE_ERR_IO, "%s: cannot create: %s", s[k].dir, strerror(errno));
            break;
        }
        char *words[LE_STUDY_MAX_ARGS];
        int n = 0;
        rc = le_study_split(cmd[k], words, LE_STUDY_MAX_ARGS - 8, &n, &err);
        if (!rc && n == 0)
            rc = le_fail(&err, LE_ERR_USAGE, "compare: command %s is empty", s[k].name);
        if (!rc)
            rc = le_study_arg(&jobs[k], "loihi-emu", &err);
        for (int w = 0; w < n; w++) {
            if (!rc)
                rc = le_study_arg(&jobs[k], words[w], &err);
            free(words[w]);
        }
        const char *extra[] = {"--trace-dir", s[k].trace, "--report", s[k].report, "--trace-limit", limit};
        for (size_t w = 0; w < 6 && !rc; w++)
            rc = le_study_arg(&jobs[k], extra[w], &err);
        snprintf(jobs[k].log, sizeof jobs[k].log, "%s/output.txt", s[k].dir);
    }
    if (!rc)
        rc = le_study_run(jobs, 2, 2, &err);
    for (int k = 0; k < 2 && !rc; k++)
        if (jobs[k].status != 0)
            rc = le_fail(&err, jobs[k].status == 3 ? LE_ERR_LIMIT : LE_ERR_CONFIG,
                         "compare: %s (%s) failed with exit status %d; its output is in %s", s[k].name, cmd[k],
                         jobs[k].status, jobs[k].log);
    for (int k = 0; k < 2 && !rc; k++) {
        if (!(rc = le_study_slurp(s[k].report, &s[k].json, &err)))
            rc = le_study_links(s[k].trace, &s[k].links, &s[k].n_links, &err);
        if (!rc)
            rc = le_study_steps_sum(s[k].trace, "chip_hops", &s[k].chip_msgs, &err);
        if (!rc) {
            qsort(s[k].links, s[k].n_links, sizeof *s[k].links, by_packets);
        }
    }
    if (!rc) {
        rc = table(stdout, s, top, &err);
        char path[1200];
        snprintf(path, sizeof path, "%s/compare.txt", out);
        FILE *f = fopen(path, "w");
        if (!rc && f) {
            fprintf(f, "A: %s\nB: %s\n\n", cmd[0], cmd[1]);
            rc = table(f, s, top, &err);
        }
        if (!f || fclose(f) != 0)
            rc = rc ? rc : le_fail(&err, LE_ERR_IO, "%s: cannot write", path);
    }
    for (int k = 0; k < 2 && !rc && plot; k++) {
        char pdir[1200];
        snprintf(pdir, sizeof pdir, "%s/plots", s[k].dir);
        rc = le_trace_plot(s[k].trace, pdir, NULL, &err);
    }
    if (!rc && plot) {
        char nm[140];
        snprintf(nm, sizeof nm, "%s,%s", s[0].name, s[1].name);
        const char *args[] = {LE_SOURCE_DIR "/tools/plot_energy.py", "--out", out, "--names", nm, s[0].report,
                              s[1].report, NULL};
        rc = le_study_python(args, &err);
        if (!rc)
            printf("\nplots: %s/energy.png, %s/%s/plots/, %s/%s/plots/; table: %s/compare.txt\n", out, out, s[0].name,
                   out, s[1].name, out);
    }
    for (int k = 0; k < 2; k++) {
        le_study_job_free(&jobs[k]);
        free(s[k].json);
        free(s[k].links);
    }
    return rc ? le_cli_report_error(&err) : 0;
}
