#include "emu/trace_cli.h"

#include "emu/study.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cost/costmodel_internal.h"
#include "run/sim_internal.h"

void le_trace_cli_init(le_trace_cli *c)
{
    memset(c, 0, sizeof *c);
    c->o = le_trace_net_defaults();
    c->limit = 1000000000ull;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (!*s || *e || errno || s[0] == '-' || v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

static int parse_bytes(const char *s, uint64_t *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || errno || v < 0)
        return 0;
    double m = 1;
    if (*e == 'K' || *e == 'k')
        m = 1e3, e++;
    else if (*e == 'M' || *e == 'm')
        m = 1e6, e++;
    else if (*e == 'G' || *e == 'g')
        m = 1e9, e++;
    if (*e == 'B')
        e++;
    if (*e)
        return 0;
    *out = (uint64_t)(v * m);
    return 1;
}

int le_trace_cli_option(le_trace_cli *c, int argc, char **argv, int *i, le_error *err)
{
    const char *a = argv[*i];
    static const char *const valued[] = {"--trace-dir", "--from", "--to", "--every", "--links", "--chips",
                                         "--cores", "--vcd", "--trace-limit", "--plot"};
    if (!strcmp(a, "--no-raster")) {
        c->o.raster = 0;
        return 1;
    }
    int known = 0;
    for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
        known |= !strcmp(a, valued[k]);
    if (!known)
        return 0;
    if (*i + 1 >= argc) {
        le_fail(err, LE_ERR_USAGE, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "--trace-dir"))
        c->o.dir = v;
    else if (!strcmp(a, "--links"))
        c->links = v;
    else if (!strcmp(a, "--chips"))
        c->o.chips = v;
    else if (!strcmp(a, "--cores"))
        c->o.cores = v;
    else if (!strcmp(a, "--vcd"))
        c->o.vcd = v;
    else if (!strcmp(a, "--plot"))
        c->plot = v;
    else if (!strcmp(a, "--trace-limit")) {
        if (!parse_bytes(v, &c->limit)) {
            le_fail(err, LE_ERR_USAGE, "--trace-limit: expected bytes like 500M or 2G, got '%s'", v);
            return -1;
        }
    } else {
        uint32_t *slot = !strcmp(a, "--from") ? &c->o.from : !strcmp(a, "--to") ? &c->o.to : &c->o.every;
        if (!parse_u32(v, slot) || (slot == &c->o.every && !*slot)) {
            le_fail(err, LE_ERR_USAGE, "%s: expected a positive step number, got '%s'", a, v);
            return -1;
        }
    }
    return 1;
}

int le_trace_cli_wanted(const le_trace_cli *c) { return c->o.dir || c->o.vcd || c->plot; }

le_code le_trace_cli_begin(le_trace_cli *c, le_costmodel *cm, le_sim *sim, uint64_t steps, FILE *f, le_error *err)
{
    if (!le_trace_cli_wanted(c))
        return LE_OK;
    if (!c->o.dir) {
        /* --plot or --vcd alone: the traces go beside the plots */
        snprintf(c->plot_dir, sizeof c->plot_dir, "%s/trace", c->plot ? c->plot : ".");
        c->o.dir = c->plot_dir;
    }
    le_code rc = LE_OK;
    if (c->links && (rc = le_trace_link_classes(c->links, &c->o.link_classes, err)))
        return rc;
    c->o.steps = steps;
    if ((rc = le_trace_net_create(&c->o, cm, sim, &c->t, err)))
        return rc;
    const le_trace_plan *p = le_trace_net_plan(c->t);
    fprintf(f, "loihi-emu: traces into %s: at most %.1f MB (%llu steps; %u links can carry traffic; %llu link, %llu core, "
               "%llu raster rows at most)\n",
            c->o.dir, p->bytes_max / 1e6, (unsigned long long)p->steps_written, p->links_reachable,
            (unsigned long long)p->link_rows_max, (unsigned long long)p->core_rows_max,
            (unsigned long long)p->raster_rows_max);
    if ((rc = le_trace_net_check_limit(c->t, c->limit, err)))
        return rc;
    le_cost_sink inner = sim->sink, out;
    if ((rc = le_trace_net_start(c->t, &inner, &out, err)))
        return rc;
    le_sim_set_cost_sink(sim, &out);
    return LE_OK;
}

le_code le_trace_cli_end(le_trace_cli *c, FILE *f, le_error *err)
{
    if (!c->t)
        return LE_OK;
    uint64_t bytes = 0;
    le_code rc = le_trace_net_finish(c->t, &bytes, err);
    if (rc)
        return rc;
    fprintf(f, "loihi-emu: traces written: %s, %.2f MB\n", c->o.dir, bytes / 1e6);
    if (c->plot)
        rc = le_trace_plot(c->o.dir, c->plot, c->report, err);
    return rc;
}

void le_trace_cli_free(le_trace_cli *c)
{
    le_trace_net_free(c->t);
    c->t = NULL;
}

le_code le_trace_plot(const char *dir, const char *out, const char *report, le_error *err)
{
    const char *args[] = {LE_SOURCE_DIR "/tools/plot_traces.py", dir, "--out", out, report ? "--report" : NULL,
                          report, NULL};
    le_code rc = le_study_python(args, err);
    if (rc)
        le_error_prefix(err, "--plot");
    return rc;
}
