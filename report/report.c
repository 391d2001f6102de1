#include "report/report.h"

#include <errno.h>
#include <string.h>

/* A JSON string: the names here are plain ASCII, but escape what JSON requires anyway. */
static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Numbers: 9 significant digits, the same bytes for the same double on every run. */
#define G "%.9g"

static void write_json(const le_report *r, FILE *f)
{
    const le_cost_summary *s = &r->sum;
    fprintf(f, "{\n  \"board\": {\"name\": ");
    jstr(f, r->board);
    fprintf(f, ", \"file\": ");
    jstr(f, r->board_file);
    fprintf(f, ", \"chips\": %u, \"chip_rows\": %u, \"chip_cols\": %u, \"cores\": %u},\n", r->chips, r->chip_rows,
            r->chip_cols, r->cores);
    fprintf(f, "  \"architecture\": ");
    jstr(f, r->arch_file);
    fprintf(f, ",\n  \"noc_mode\": ");
    jstr(f, r->mode);
    fprintf(f, ",\n  \"seed\": %llu,\n", (unsigned long long)r->seed);
    fprintf(f, "  \"steps\": %llu,\n  \"inferences\": %llu,\n  \"time_s\": " G ",\n", (unsigned long long)s->steps,
            (unsigned long long)s->inferences, s->time_s);
    fprintf(f, "  \"step_time_s\": {\"mean\": " G ", \"p50\": " G ", \"p99\": " G ", \"max\": " G "},\n",
            s->step_mean_s, s->step_p50_s, s->step_p99_s, s->step_max_s);
    fprintf(f,
            "  \"step_phases_mean_s\": {\"x86_inject\": " G ", \"cores_network\": " G ", \"barrier\": " G
            ", \"x86_management\": " G "},\n",
            r->phase_inject_s, r->phase_cores_net_s, r->phase_barrier_s, r->phase_mgmt_s);
    fprintf(f, "  \"latency_per_inference_s\": " G ",\n  \"energy_per_inference_j\": " G ",\n  \"edp_js\": " G
               ",\n  \"average_power_w\": " G ",\n",
            s->latency_per_inference_s, s->energy_per_inference_j, s->edp_js, r->power_w);
    fprintf(f,
            "  \"energy_per_inference_split_j\": {\"neurocores_static\": " G ", \"neurocores_dynamic\": " G
            ", \"x86_static\": " G ", \"x86_dynamic\": " G "},\n",
            r->inf_split_j[0], r->inf_split_j[1], r->inf_split_j[2], r->inf_split_j[3]);
    fprintf(f,
            "  \"energy_j\": {\"neurocores_static\": " G ", \"neurocores_dynamic\": " G ", \"x86_static\": " G
            ", \"x86_dynamic\": " G ", \"total\": " G "},\n",
            s->e_nc_static_j, s->e_nc_dynamic_j, s->e_x86_static_j, s->e_x86_dynamic_j, s->e_total_j);
    fprintf(f, "  \"neurocores_dynamic_split\": {\"compute_j\": " G ", \"mesh_j\": " G ", \"barrier_j\": " G "},\n",
            r->nc_compute_dyn_j, r->mesh_dyn_j, r->barrier_dyn_j);
    fprintf(f,
            "  \"events\": {\"synops\": %llu, \"axons_in\": %llu, \"axons_out\": %llu, \"cx_updates\": %llu, "
            "\"spikes\": %llu, \"packets\": %llu, \"injected\": %llu, \"link_traversals\": %llu, \"x86_snips\": %llu},\n",
            (unsigned long long)r->synops, (unsigned long long)r->axons_in, (unsigned long long)r->axons_out,
            (unsigned long long)r->cx_updates, (unsigned long long)r->spikes, (unsigned long long)r->packets,
            (unsigned long long)r->injected, (unsigned long long)r->hops, (unsigned long long)r->x86_snips);
    fprintf(f, "  \"chips\": [");
    for (uint32_t i = 0; i < r->n_chip_rows; i++) {
        const le_report_chip *c = &r->chip_rows_[i];
        fprintf(f,
                "%s\n    {\"chip\": %u, \"cores_in_use\": %u, \"neurocores_static_j\": " G
                ", \"neurocores_dynamic_j\": " G ", \"mesh_dynamic_j\": " G ", \"x86_static_j\": " G
                ", \"x86_dynamic_j\": " G ", \"neurocores_busy_s\": " G ", \"mesh_busy_s\": " G
                ", \"x86_busy_s\": " G "}",
                i ? "," : "", c->chip, c->cores_in_use, c->nc_static_j, c->nc_dyn_j, c->mesh_dyn_j, c->x86_static_j,
                c->x86_dyn_j, c->nc_busy_s, c->mesh_busy_s, c->x86_busy_s);
    }
    fprintf(f, "%s],\n", r->n_chip_rows ? "\n  " : "");
    fprintf(f, "  \"links\": {\"touched\": %u, \"busiest\": [", r->links_touched);
    for (uint32_t i = 0; i < r->n_links; i++) {
        const le_report_link *l = &r->links[i];
        fprintf(f, "%s\n    {\"link\": ", i ? "," : "");
        jstr(f, l->name);
        fprintf(f, ", \"packets\": %llu, \"busy_s\": " G ", \"energy_j\": " G "}", (unsigned long long)l->packets,
                l->busy_s, l->energy_j);
    }
    fprintf(f, "%s]}\n}\n", r->n_links ? "\n  " : "");
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
}

le_code le_report_write(const le_report *r, FILE *table, const char *json_path, le_error *err)
{
    if (table)
        write_table(r, table);
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f)
            return le_fail(err, LE_ERR_IO, "%s: cannot write the JSON report: %s", json_path, strerror(errno));
        write_json(r, f);
        if (fclose(f) != 0)
            return le_fail(err, LE_ERR_IO, "%s: cannot write the JSON report: %s", json_path, strerror(errno));
    }
    return LE_OK;
}
