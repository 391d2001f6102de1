/* `loihi-emu sweep`: one command of this program over a grid of parameters (cost figures,
 * board, network mode, placement options), each point a child process with its own
 * simulation state, several at once; one row per point in CSV and JSON, each row carrying
 * the full command that reproduces it, and a plot of EDP and time per step. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "emu/cli.h"
#include "report/report.h"
#include "emu/study.h"
#include "util/json.h"

#define MAX_PARAMS 8
#define MAX_VALUES 256
#define MAX_POINTS 100000

static void usage(FILE *f)
{
    fprintf(f, "usage: loihi-emu sweep [options] -- COMMAND [ARGS...]\n"
               "\n"
               "Runs COMMAND (run, relnet, smnist with their options) once per point of a grid and\n"
               "writes one row per point: the parameters, time per step (mean, p99), latency, energy\n"
               "and EDP per inference, and the full command that reproduces the row. E.g.\n"
               "  loihi-emu sweep --set noc.chip_link.latency_ns=20,40,75,150 --set noc=load,packet \\\n"
               "      -- run models/examples/congestion/hotspot.yaml --steps 50 --board kapoho-bay\n"
               "\n"
               "options:\n"
               "  --set KEY=V1,V2,..  a parameter and its values (repeatable; the grid is every\n"
               "                      combination). KEY with a dot is a figure of the architecture\n"
               "                      and cost file (network.chip_link.latency_ns; noc.X means\n"
               "                      network.X), passed as --set KEY=V; any other KEY is an option\n"
               "                      of COMMAND, passed as --KEY V (board, noc, seed, placement, ...)\n"
               "  --grid FILE.yaml    parameters from a file: a mapping of KEY to a list of values\n"
               "  --jobs N            points run at once (default: the machine's cores)\n"
               "  --out DIR           output folder (default sweep): sweep.csv, sweep.json, points/\n"
               "  --no-plot           no sweep.png/.svg\n"
               "  --help              this text\n");
}

#define usage_error(fmt, arg) le_cli_usage_error("sweep", fmt, arg)

typedef struct {
    char key[128];
    char *val[MAX_VALUES];
    uint32_t n;
} param;

static le_code add_value(param *p, const char *v, size_t len, le_error *err)
{
    if (p->n == MAX_VALUES)
        return le_fail(err, LE_ERR_USAGE, "--set %s: at most %d values", p->key, MAX_VALUES);
    if (!len)
        return le_fail(err, LE_ERR_USAGE, "--set %s: an empty value", p->key);
    if (!(p->val[p->n] = strndup(v, len)))
        return le_fail(err, LE_ERR_NOMEM, "out of memory");
    p->n++;
    return LE_OK;
}

static le_code add_key(param *ps, uint32_t *np, const char *key, size_t len, param **out, le_error *err)
{
    if (*np == MAX_PARAMS)
        return le_fail(err, LE_ERR_USAGE, "at most %d parameters", MAX_PARAMS);
    if (!len || len >= sizeof ps->key)
        return le_fail(err, LE_ERR_USAGE, "a parameter name of %zu characters", len);
    for (uint32_t i = 0; i < *np; i++)
        if (strlen(ps[i].key) == len && !strncmp(ps[i].key, key, len))
            return le_fail(err, LE_ERR_USAGE, "parameter %.*s given twice", (int)len, key);
    param *p = &ps[(*np)++];
    memset(p, 0, sizeof *p);
    memcpy(p->key, key, len);
    *out = p;
    return LE_OK;
}

static le_code parse_set(param *ps, uint32_t *np, const char *kv, le_error *err)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return le_fail(err, LE_ERR_USAGE, "--set: expected KEY=V1,V2,..., got '%s'", kv);
    param *p;
    le_code rc = add_key(ps, np, kv, (size_t)(eq - kv), &p, err);
    for (const char *s = eq + 1; !rc;) {
        size_t n = strcspn(s, ",");
        rc = add_value(p, s, n, err);
        if (!s[n])
            break;
        s += n + 1;
    }
    return rc;
}

static le_code parse_grid(param *ps, uint32_t *np, const char *path, le_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_IO, "--grid %s: cannot read: %s", path, strerror(errno));
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &doc);
    le_code rc = LE_OK;
    if (!ok)
        rc = le_fail(err, LE_ERR_PARSE, "%s:%zu: not valid YAML (%s)", path, parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc)
        return rc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        rc = le_fail(err, LE_ERR_PARSE, "%s: expected a mapping of parameter -> list of values", path);
    for (yaml_node_pair_t *pr = root ? root->data.mapping.pairs.start : NULL; !rc && pr && pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key), *v = yaml_document_get_node(&doc, pr->value);
        if (k->type != YAML_SCALAR_NODE) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%zu: a parameter name must be a plain key", path, k->start_mark.line + 1);
            break;
        }
        param *p;
        rc = add_key(ps, np, (const char *)k->data.scalar.value, k->data.scalar.length, &p, err);
        if (!rc && v->type == YAML_SCALAR_NODE)
            rc = add_value(p, (const char *)v->data.scalar.value, v->data.scalar.length, err);
        else if (!rc && v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start; !rc && it < v->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(&doc, *it);
                if (e->type != YAML_SCALAR_NODE)
                    rc = le_fail(err, LE_ERR_PARSE, "%s:%zu: %s: values must be scalars", path, e->start_mark.line + 1,
                                 p->key);
                else
                    rc = add_value(p, (const char *)e->data.scalar.value, e->data.scalar.length, err);
            }
        } else if (!rc)
            rc = le_fail(err, LE_ERR_PARSE, "%s:%zu: %s: expected a value or a list", path, v->start_mark.line + 1, p->key);
    }
    yaml_document_delete(&doc);
    return rc;
}

typedef struct {
    double mean_s, p99_s, latency_s, energy_j, edp_js, traversals;
    int ok;
} figures;

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else
        fputs(s, f);
}

int le_cmd_sweep(int argc, char **argv)
{
    param ps[MAX_PARAMS];
    uint32_t np = 0, jobs_n = le_study_cores();
    const char *out = "sweep";
    int plot = 1, cmd_at = -1;
    le_error err;
    le_error_clear(&err);
    le_code rc = LE_OK;
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            cmd_at = i + 1;
            break;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--no-plot")) {
            plot = 0;
            continue;
        }
        if (!strcmp(a, "--set") || !strcmp(a, "--grid") || !strcmp(a, "--jobs") || !strcmp(a, "--out")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--set"))
                rc = parse_set(ps, &np, v, &err);
            else if (!strcmp(a, "--grid"))
                rc = parse_grid(ps, &np, v, &err);
            else if (!strcmp(a, "--out"))
                out = v;
            else {
                char *e;
                unsigned long n = strtoul(v, &e, 10);
                if (*e || !*v || n == 0 || n > 1024)
                    return usage_error("--jobs: expected 1..1024, got '%s'", v);
                jobs_n = (uint32_t)n;
            }
            continue;
        }
        return usage_error("unknown option '%s' (the command to sweep follows --)", a);
    }
    if (rc) {
        for (uint32_t k = 0; k < np; k++)
            for (uint32_t v = 0; v < ps[k].n; v++)
                free(ps[k].val[v]);
        return le_cli_report_error(&err);
    }
    if (cmd_at < 0 || cmd_at >= argc)
        return usage_error("%s", "no command: give it after --, e.g. -- run NET.yaml --steps 100");
    if (!np)
        return usage_error("%s", "no parameter: --set KEY=V1,V2 or --grid FILE.yaml");
    uint64_t n_points = 1;
    for (uint32_t k = 0; k < np; k++)
        n_points *= ps[k].n;
    if (n_points > MAX_POINTS)
        return usage_error("%s", "more than 100000 points");
    char dir[1200];
    snprintf(dir, sizeof dir, "%.1000s/points", out);
    if ((mkdir(out, 0777) != 0 && errno != EEXIST) || (mkdir(dir, 0777) != 0 && errno != EEXIST))
        rc = le_fail(&err, LE_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
    le_study_job *jobs = rc ? NULL : calloc(n_points, sizeof *jobs);
    figures *fig = rc ? NULL : calloc(n_points, sizeof *fig);
    if (!rc && (!jobs || !fig))
        rc = le_fail(&err, LE_ERR_NOMEM, "sweep: out of memory for %llu points", (unsigned long long)n_points);
    /* point p: parameter k takes value (p / stride_k) % n_k, the last parameter varying fastest */
    for (uint64_t p = 0; p < n_points && !rc; p++) {
        le_study_job *j = &jobs[p];
        rc = le_study_arg(j, "loihi-emu", &err);
        for (int i = cmd_at; i < argc && !rc; i++)
            rc = le_study_arg(j, argv[i], &err);
        uint64_t rest = p;
        char buf[1200];
        for (int k = (int)np - 1; k >= 0 && !rc; k--) {
            const char *v = ps[k].val[rest % ps[k].n];
            rest /= ps[k].n;
            if (strchr(ps[k].key, '.')) {
                snprintf(buf, sizeof buf, "%s=%s", ps[k].key, v);
                if (!(rc = le_study_arg(j, "--set", &err)))
                    rc = le_study_arg(j, buf, &err);
            } else {
                snprintf(buf, sizeof buf, "--%s", ps[k].key);
                if (!(rc = le_study_arg(j, buf, &err)))
                    rc = le_study_arg(j, v, &err);
            }
        }
        snprintf(buf, sizeof buf, "%.1000s/%06llu.json", dir, (unsigned long long)p);
        if (!rc && !(rc = le_study_arg(j, "--report", &err)))
            rc = le_study_arg(j, buf, &err);
        snprintf(j->log, sizeof j->log, "%.1000s/%06llu.txt", dir, (unsigned long long)p);
    }
    if (!rc) {
        fprintf(stderr, "loihi-emu sweep: %llu points, %u at a time, into %s\n", (unsigned long long)n_points, jobs_n, out);
        rc = le_study_run(jobs, (uint32_t)n_points, jobs_n, &err);
    }
    uint64_t failed = 0;
    for (uint64_t p = 0; p < n_points && !rc; p++) {
        figures *f = &fig[p];
        char *text = NULL;
        le_error e2;
        if (jobs[p].status != 0 || le_study_slurp(jobs[p].argv[jobs[p].argc - 1], &text, &e2)) {
            failed++;
            continue;
        }
        f->ok = !le_study_json_num(text, "step_time_s", "mean", &f->mean_s) &&
                !le_study_json_num(text, "step_time_s", "p99", &f->p99_s) &&
                !le_study_json_num(text, NULL, "latency_per_inference_s", &f->latency_s) &&
                !le_study_json_num(text, NULL, "energy_per_inference_j", &f->energy_j) &&
                !le_study_json_num(text, NULL, "edp_js", &f->edp_js);
        le_study_json_num(text, "events", "link_traversals", &f->traversals);
        failed += !f->ok;
        free(text);
    }
    char path[1300];
    if (!rc) {
        snprintf(path, sizeof path, "%s/sweep.csv", out);
        FILE *c = fopen(path, "w");
        snprintf(path + strlen(path) - 3, 5, "json");
        FILE *jf = fopen(path, "w");
        if (!c || !jf)
            rc = le_fail(&err, LE_ERR_IO, "%s: cannot write the results: %s", out, strerror(errno));
        if (!rc) {
            fprintf(c, "point");
            for (uint32_t k = 0; k < np; k++) {
                fputc(',', c);
                csv_field(c, ps[k].key);
            }
            fprintf(c, ",status,step_mean_us,step_p99_us,latency_us,energy_uj,edp_ujs,link_traversals,command\n");
            le_json j;
            le_json_init(&j, jf);
            le_json_object(&j, LE_JSON_LINES);
            le_json_key(&j, "parameters");
            le_json_array(&j, LE_JSON_INLINE);
            for (uint32_t k = 0; k < np; k++)
                le_json_string(&j, ps[k].key);
            le_json_end(&j);
            le_json_key(&j, "points");
            le_json_array(&j, LE_JSON_LINES);
            char cmdline[8192];
            for (uint64_t p = 0; p < n_points; p++) {
                const figures *f = &fig[p];
                le_study_command(&jobs[p], 2, cmdline, sizeof cmdline); /* without --report FILE */
                fprintf(c, "%llu", (unsigned long long)p);
                le_json_object(&j, LE_JSON_INLINE);
                le_json_kuint(&j, "point", p);
                uint64_t rest = p;
                const char *vals[MAX_PARAMS];
                for (int k = (int)np - 1; k >= 0; k--) {
                    vals[k] = ps[k].val[rest % ps[k].n];
                    rest /= ps[k].n;
                }
                for (uint32_t k = 0; k < np; k++) {
                    fputc(',', c);
                    csv_field(c, vals[k]);
                    le_json_kstring(&j, ps[k].key, vals[k]);
                }
                le_json_kuint(&j, "status", jobs[p].status < 0 ? 255u : (uint32_t)jobs[p].status);
                if (f->ok) {
                    fprintf(c, ",%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.0f,", jobs[p].status, f->mean_s * 1e6, f->p99_s * 1e6,
                            f->latency_s * 1e6, f->energy_j * 1e6, f->edp_js * 1e6, f->traversals);
                    le_json_kdouble(&j, "step_mean_us", f->mean_s * 1e6);
                    le_json_kdouble(&j, "step_p99_us", f->p99_s * 1e6);
                    le_json_kdouble(&j, "latency_us", f->latency_s * 1e6);
                    le_json_kdouble(&j, "energy_uj", f->energy_j * 1e6);
                    le_json_kdouble(&j, "edp_ujs", f->edp_js * 1e6);
                    le_json_kdouble(&j, "link_traversals", f->traversals);
                } else
                    fprintf(c, ",%d,,,,,,,", jobs[p].status);
                csv_field(c, cmdline);
                fputc('\n', c);
                le_json_kstring(&j, "command", cmdline);
                le_json_end(&j);
            }
            le_json_end(&j);
            le_json_end(&j);
            rc = le_json_finish(&j, path, &err);
        }
        if (c && fclose(c) != 0 && !rc)
            rc = le_fail(&err, LE_ERR_IO, "%s/sweep.csv: write error", out);
        if (jf && fclose(jf) != 0 && !rc)
            rc = le_fail(&err, LE_ERR_IO, "%s: write error", path);
    }
    if (!rc) {
        printf("sweep: %llu points (%llu failed): %s/sweep.csv, %s/sweep.json\n", (unsigned long long)n_points,
               (unsigned long long)failed, out, out);
        for (uint64_t p = 0; p < n_points; p++) {
            uint64_t rest = p;
            char line[1024] = "";
            const char *vals[MAX_PARAMS];
            for (int k = (int)np - 1; k >= 0; k--) {
                vals[k] = ps[k].val[rest % ps[k].n];
                rest /= ps[k].n;
            }
            size_t u = 0;
            for (uint32_t k = 0; k < np && u < sizeof line; k++)
                u += (size_t)snprintf(line + u, sizeof line - u, "%s%s=%s", k ? " " : "", ps[k].key, vals[k]);
            if (fig[p].ok)
                printf("  %-48s %10.3f us/step  EDP %.6g uJs\n", line, fig[p].mean_s * 1e6, fig[p].edp_js * 1e6);
            else
                printf("  %-48s failed (exit %d): %s\n", line, jobs[p].status, jobs[p].log);
        }
        printf("  %s\n", LE_REPORT_CALIBRATED);
    }
    if (!rc && plot && failed < n_points) {
        char csvp[1300];
        snprintf(csvp, sizeof csvp, "%s/sweep.csv", out);
        const char *args[] = {LE_SOURCE_DIR "/tools/plot_sweep.py", csvp, "--out", out, NULL};
        if (!(rc = le_study_python(args, &err)))
            printf("plot: %s/sweep.png, %s/sweep.svg\n", out, out);
    }
    if (!rc && failed)
        rc = le_fail(&err, LE_ERR_CONFIG, "sweep: %llu of %llu points failed (their output is in %s/points/)",
                     (unsigned long long)failed, (unsigned long long)n_points, out);
    for (uint64_t p = 0; jobs && p < n_points; p++)
        le_study_job_free(&jobs[p]);
    free(jobs);
    free(fig);
    for (uint32_t k = 0; k < np; k++)
        for (uint32_t v = 0; v < ps[k].n; v++)
            free(ps[k].val[v]);
    return rc ? le_cli_report_error(&err) : 0;
}
