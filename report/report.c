#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "util/json.h"
#include "util/outfile.h"

/* Numbers are %.9g (le_json_double): the same bytes for the same double on every run. */
static void write_json(const le_report *r, le_json *j)
{
    const le_cost_summary *s = &r->sum;
    le_json_object(j, LE_JSON_LINES);
    if (r->incomplete)
        le_json_kstring(j, "incomplete", r->incomplete);
    le_json_key(j, "board");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kstring(j, "name", r->board);
    le_json_kstring(j, "file", r->board_file);
    le_json_kuint(j, "chips", r->chips);
    le_json_kuint(j, "chip_rows", r->chip_rows);
    le_json_kuint(j, "chip_cols", r->chip_cols);
    le_json_kuint(j, "cores", r->cores);
    le_json_end(j);
    le_json_kstring(j, "architecture", r->arch_file);
    le_json_kstring(j, "noc_mode", r->mode);
    le_json_kuint(j, "seed", r->seed);
    le_json_kuint(j, "steps", s->steps);
    le_json_kuint(j, "inferences", s->inferences);
    le_json_kdouble(j, "time_s", s->time_s);

    le_json_key(j, "step_time_s");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kdouble(j, "mean", s->step_mean_s);
    le_json_kdouble(j, "p50", s->step_p50_s);
    le_json_kdouble(j, "p99", s->step_p99_s);
    le_json_kdouble(j, "max", s->step_max_s);
    le_json_end(j);

    le_json_key(j, "step_phases_mean_s");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kdouble(j, "x86_inject", r->phase_inject_s);
    le_json_kdouble(j, "cores_network", r->phase_cores_net_s);
    le_json_kdouble(j, "barrier", r->phase_barrier_s);
    le_json_kdouble(j, "x86_management", r->phase_mgmt_s);
    le_json_end(j);

    le_json_kdouble(j, "latency_per_inference_s", s->latency_per_inference_s);
    le_json_kdouble(j, "energy_per_inference_j", s->energy_per_inference_j);
    le_json_kdouble(j, "edp_js", s->edp_js);
    le_json_kdouble(j, "average_power_w", r->power_w);

    le_json_key(j, "energy_per_inference_split_j");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kdouble(j, "neurocores_static", r->inf_split_j[0]);
    le_json_kdouble(j, "neurocores_dynamic", r->inf_split_j[1]);
    le_json_kdouble(j, "x86_static", r->inf_split_j[2]);
    le_json_kdouble(j, "x86_dynamic", r->inf_split_j[3]);
    le_json_end(j);

    le_json_key(j, "energy_j");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kdouble(j, "neurocores_static", s->e_nc_static_j);
    le_json_kdouble(j, "neurocores_dynamic", s->e_nc_dynamic_j);
    le_json_kdouble(j, "x86_static", s->e_x86_static_j);
    le_json_kdouble(j, "x86_dynamic", s->e_x86_dynamic_j);
    le_json_kdouble(j, "total", s->e_total_j);
    le_json_end(j);

    le_json_key(j, "neurocores_dynamic_split");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kdouble(j, "compute_j", r->nc_compute_dyn_j);
    le_json_kdouble(j, "mesh_j", r->mesh_dyn_j);
    le_json_kdouble(j, "barrier_j", r->barrier_dyn_j);
    le_json_end(j);

    le_json_key(j, "events");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kuint(j, "synops", r->synops);
    le_json_kuint(j, "axons_in", r->axons_in);
    le_json_kuint(j, "axons_out", r->axons_out);
    le_json_kuint(j, "cx_updates", r->cx_updates);
    le_json_kuint(j, "spikes", r->spikes);
    le_json_kuint(j, "packets", r->packets);
    le_json_kuint(j, "injected", r->injected);
    le_json_kuint(j, "link_traversals", r->hops);
    le_json_kuint(j, "x86_snips", r->x86_snips);
    le_json_end(j);

    le_json_key(j, "chips");
    le_json_array(j, LE_JSON_LINES);
    for (uint32_t i = 0; i < r->n_chip_rows; i++) {
        const le_report_chip *c = &r->chip_rows_[i];
        le_json_object(j, LE_JSON_INLINE);
        le_json_kuint(j, "chip", c->chip);
        le_json_kuint(j, "cores_in_use", c->cores_in_use);
        le_json_kdouble(j, "neurocores_static_j", c->nc_static_j);
        le_json_kdouble(j, "neurocores_dynamic_j", c->nc_dyn_j);
        le_json_kdouble(j, "mesh_dynamic_j", c->mesh_dyn_j);
        le_json_kdouble(j, "x86_static_j", c->x86_static_j);
        le_json_kdouble(j, "x86_dynamic_j", c->x86_dyn_j);
        le_json_kdouble(j, "neurocores_busy_s", c->nc_busy_s);
        le_json_kdouble(j, "mesh_busy_s", c->mesh_busy_s);
        le_json_kdouble(j, "x86_busy_s", c->x86_busy_s);
        le_json_end(j);
    }
    le_json_end(j);

    le_json_key(j, "links");
    le_json_object(j, LE_JSON_INLINE);
    le_json_kuint(j, "touched", r->links_touched);
    le_json_key(j, "busiest");
    le_json_array(j, LE_JSON_LINES);
    for (uint32_t i = 0; i < r->n_links; i++) {
        const le_report_link *l = &r->links[i];
        le_json_object(j, LE_JSON_INLINE);
        le_json_kstring(j, "link", l->name);
        le_json_kuint(j, "packets", l->packets);
        le_json_kdouble(j, "busy_s", l->busy_s);
        le_json_kdouble(j, "energy_j", l->energy_j);
        le_json_end(j);
    }
    le_json_end(j);
    le_json_end(j);
    le_json_end(j);
}

/* Engineering notation with a unit prefix, e.g. "16.790 us". */
static const char *eng(char *buf, size_t cap, double v, const char *unit)
{
    static const char *pre[] = {"f", "p", "n", "u", "m", "", "k", "M", "G"};
    double a = v < 0 ? -v : v;
    int i = 5;
    if (a == 0) {
        snprintf(buf, cap, "0 %s", unit);
        return buf;
    }
    while (a < 1 && i > 0) {
        a *= 1e3;
        v *= 1e3;
        i--;
    }
    while (a >= 1e3 && i < 8) {
        a /= 1e3;
        v /= 1e3;
        i++;
    }
    snprintf(buf, cap, "%.3f %s%s", v, pre[i], unit);
    return buf;
}

static void write_table(const le_report *r, FILE *f)
{
    const le_cost_summary *s = &r->sum;
    char a[32], b[32], c[32], d[32], e[32], g[32], h[32], k[32];
    fprintf(f, "cost report: board %s (%u chips, %u x %u, %u cores), network mode %s, seed %llu\n", r->board, r->chips,
            r->chip_rows, r->chip_cols, r->cores, r->mode, (unsigned long long)r->seed);
    if (r->incomplete)
        fprintf(f, "  INCOMPLETE: %s; the figures cover the steps done\n", r->incomplete);
    fprintf(f, "  %-28s %llu steps, %llu inferences, %s simulated\n", "run", (unsigned long long)s->steps,
            (unsigned long long)s->inferences, eng(a, sizeof a, s->time_s, "s"));
    fprintf(f, "  %-28s mean %s  p50 %s  p99 %s  max %s\n", "time per step", eng(a, sizeof a, s->step_mean_s, "s"),
            eng(b, sizeof b, s->step_p50_s, "s"), eng(c, sizeof c, s->step_p99_s, "s"),
            eng(d, sizeof d, s->step_max_s, "s"));
    fprintf(f, "  %-28s x86 inject %s  cores+network %s  barrier %s  x86 management %s\n", "  mean per phase",
            eng(a, sizeof a, r->phase_inject_s, "s"), eng(b, sizeof b, r->phase_cores_net_s, "s"),
            eng(c, sizeof c, r->phase_barrier_s, "s"), eng(d, sizeof d, r->phase_mgmt_s, "s"));
    fprintf(f, "  %-28s %s\n", "latency per inference", eng(a, sizeof a, s->latency_per_inference_s, "s"));
    fprintf(f, "  %-28s %s\n", "energy per inference", eng(a, sizeof a, s->energy_per_inference_j, "J"));
    const double *in = r->inf_split_j;
    fprintf(f, "  %-28s %14s %14s %14s\n", "", "static", "dynamic", "total");
    fprintf(f, "  %-28s %14s %14s %14s\n", "  neuro-cores (incl. mesh)", eng(a, sizeof a, in[0], "J"),
            eng(b, sizeof b, in[1], "J"), eng(c, sizeof c, in[0] + in[1], "J"));
    fprintf(f, "  %-28s %14s %14s %14s\n", "  x86 cores", eng(a, sizeof a, in[2], "J"), eng(b, sizeof b, in[3], "J"),
            eng(c, sizeof c, in[2] + in[3], "J"));
    double t = s->time_s > 0 ? s->time_s : 1;
    fprintf(f, "  %-28s %14s %14s %14s\n", "average power, neuro-cores", eng(a, sizeof a, s->e_nc_static_j / t, "W"),
            eng(b, sizeof b, s->e_nc_dynamic_j / t, "W"), eng(c, sizeof c, (s->e_nc_static_j + s->e_nc_dynamic_j) / t, "W"));
    fprintf(f, "  %-28s %14s %14s %14s\n", "average power, x86", eng(a, sizeof a, s->e_x86_static_j / t, "W"),
            eng(b, sizeof b, s->e_x86_dynamic_j / t, "W"),
            eng(c, sizeof c, (s->e_x86_static_j + s->e_x86_dynamic_j) / t, "W"));
    fprintf(f, "  %-28s %s\n", "average power, total", eng(a, sizeof a, r->power_w, "W"));
    fprintf(f, "  %-28s %s\n", "EDP per inference", eng(a, sizeof a, s->edp_js, "Js"));
    fprintf(f, "  %-28s %llu synops, %llu compartment updates, %llu spikes, %llu packets (%llu injected), %llu link traversals\n",
            "events", (unsigned long long)r->synops, (unsigned long long)r->cx_updates, (unsigned long long)r->spikes,
            (unsigned long long)r->packets, (unsigned long long)r->injected, (unsigned long long)r->hops);
    fprintf(f, "\n  per chip, whole run (chips in use or with traffic):\n");
    fprintf(f, "  %5s %5s %13s %13s %13s %13s %13s %13s %13s\n", "chip", "cores", "nc static", "nc dynamic",
            "mesh dynamic", "x86 static", "x86 dynamic", "nc busy", "x86 busy");
    for (uint32_t i = 0; i < r->n_chip_rows; i++) {
        const le_report_chip *ch = &r->chip_rows_[i];
        fprintf(f, "  %5u %5u %13s %13s %13s %13s %13s %13s %13s\n", ch->chip, ch->cores_in_use,
                eng(a, sizeof a, ch->nc_static_j, "J"), eng(b, sizeof b, ch->nc_dyn_j, "J"),
                eng(c, sizeof c, ch->mesh_dyn_j, "J"), eng(d, sizeof d, ch->x86_static_j, "J"),
                eng(e, sizeof e, ch->x86_dyn_j, "J"), eng(g, sizeof g, ch->nc_busy_s, "s"),
                eng(h, sizeof h, ch->x86_busy_s, "s"));
    }
    fprintf(f, "\n  busiest links (%u of %u touched)\n", r->n_links, r->links_touched);
    for (uint32_t i = 0; i < r->n_links; i++) {
        const le_report_link *l = &r->links[i];
        fprintf(f, "  %-36s %12llu packets %13s busy %13s\n", l->name, (unsigned long long)l->packets,
                eng(a, sizeof a, l->busy_s, "s"), eng(k, sizeof k, l->energy_j, "J"));
    }
    fprintf(f, "\n  %s\n", LE_REPORT_CALIBRATED);
}

static le_code json_writer(void *ctx, FILE *f, const char *name, le_error *err)
{
    le_json j;
    le_json_init(&j, f);
    write_json(ctx, &j);
    return le_json_finish(&j, name, err);
}

le_code le_report_write(const le_report *r, FILE *table, const char *json_path, le_error *err)
{
    if (table) {
        write_table(r, table);
        if (ferror(table))
            return le_fail(err, LE_ERR_IO, "%s: write failed (the report table)",
                           table == stdout ? "<stdout>" : table == stderr ? "<stderr>" : "report table");
    }
    if (json_path)
        return le_outfile_write("JSON report", json_path, json_writer, (void *)r, err);
    return LE_OK;
}
