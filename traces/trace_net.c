/* Congestion traces (traces/trace_net.h, docs/traces.md). */
#include "traces/trace_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cost/costmodel_internal.h"
#include "traces/trace_vcd.h"
#include "util/csv.h"
#include "util/json.h"

/* Bytes per row, generous (a field's digits at their usual widths), for the size bound. */
enum { B_STEP = 120, B_LINK = 72, B_CORE = 64, B_CHIP = 48, B_RASTER = 16, B_VCD = 16 };

enum { F_STEPS, F_LINKS, F_CORES, F_CHIPS, F_RASTER, F_N };
static const char *const file_name[F_N] = {"steps.csv", "links.csv", "cores.csv", "chips.csv", "raster.csv"};
static const char *const file_header[F_N] = {LE_TRACE_STEPS_HEADER, LE_TRACE_LINKS_HEADER, LE_TRACE_CORES_HEADER,
                                             LE_TRACE_CHIPS_HEADER, LE_TRACE_RASTER_HEADER};
static const char *const class_name[LE_LC_N] = {"local", "ew", "ns", "chip", "board"};
static const char dir_name[4] = {'E', 'W', 'N', 'S'};

struct le_trace_net {
    le_trace_net_opts o;
    char dir[1024];
    le_costmodel *cm;
    le_sim *sim;
    const le_topo *topo;
    le_noc *noc;
    uint8_t *chip_ok;   /* [n_chips] */
    uint8_t *core_ok;   /* [n_cores on the board] */
    uint8_t *link_ok;   /* [n_links]: in the filter and reachable */
    le_trace_plan plan;
    le_cost_sink inner;
    FILE *f[F_N];
    le_trace_vcd *vcd;
    int sampled;        /* the step under way is traced */
    uint64_t steps_seen;
    /* per chip this step: the slowest core's busy time and active cores (dirty list) */
    int64_t *chip_busy;
    uint32_t *chip_active;
    uint32_t *chip_dirty;
    uint32_t n_chip_dirty;
};

le_trace_net_opts le_trace_net_defaults(void)
{
    le_trace_net_opts o;
    memset(&o, 0, sizeof o);
    o.every = 1;
    o.raster = 1;
    return o;
}

le_code le_trace_link_classes(const char *list, uint32_t *bits, le_error *err)
{
    *bits = 0;
    const char *s = list;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        if (n == 3 && !strncmp(s, "all", 3))
            *bits |= LE_TRACE_LINKS_ALL;
        else if (n == 5 && !strncmp(s, "local", 5))
            *bits |= 1u << LE_LC_LOCAL;
        else if (n == 4 && !strncmp(s, "mesh", 4))
            *bits |= (1u << LE_LC_EW) | (1u << LE_LC_NS);
        else if (n == 4 && !strncmp(s, "chip", 4))
            *bits |= (1u << LE_LC_CHIP) | (1u << LE_LC_BOARD);
        else
            return le_fail(err, LE_ERR_USAGE, "--links: expected local, mesh, chip or all separated by commas, got '%s'",
                           list);
        s += n;
        if (*s == ',')
            s++;
    }
    if (!*bits)
        return le_fail(err, LE_ERR_USAGE, "--links: empty list");
    return LE_OK;
}

/* "0,3-5" -> ok[i] = 1 for the listed ids below n. */
static le_code parse_ids(const char *what, const char *list, uint32_t n, uint8_t *ok, le_error *err)
{
    if (!list) {
        memset(ok, 1, n);
        return LE_OK;
    }
    memset(ok, 0, n);
    const char *s = list;
    while (*s) {
        char *e;
        errno = 0;
        unsigned long a = strtoul(s, &e, 10), b = a;
        if (e == s || errno || *s == '-')
            return le_fail(err, LE_ERR_USAGE, "%s: expected ids or ranges like 0,3-5, got '%s'", what, list);
        if (*e == '-') {
            const char *s2 = e + 1;
            b = strtoul(s2, &e, 10);
            if (e == s2 || errno || b < a)
                return le_fail(err, LE_ERR_USAGE, "%s: bad range in '%s'", what, list);
        }
        if (b >= n)
            return le_fail(err, LE_ERR_USAGE, "%s: id %lu outside the board (0..%u)", what, b, n - 1);
        for (unsigned long i = a; i <= b; i++)
            ok[i] = 1;
        if (*e == ',')
            e++;
        else if (*e)
            return le_fail(err, LE_ERR_USAGE, "%s: expected ids or ranges like 0,3-5, got '%s'", what, list);
        s = e;
    }
    return LE_OK;
}

void le_trace_net_free(le_trace_net *t)
{
    if (!t)
        return;
    for (int i = 0; i < F_N; i++)
        if (t->f[i])
            fclose(t->f[i]);
    le_trace_vcd_free(t->vcd);
    if (t->noc)
        le_noc_set_hop_observer(t->noc, NULL, NULL);
    free(t->chip_ok);
    free(t->core_ok);
    free(t->link_ok);
    free(t->chip_busy);
    free(t->chip_active);
    free(t->chip_dirty);
    free(t);
}

static int link_in_filter(const le_trace_net *t, uint32_t l)
{
    return ((t->o.link_classes >> le_link_class(t->topo, l)) & 1u) && t->chip_ok[le_link_chip(t->topo, l)];
}

/* Routes every configured source to each destination core it can send to once, marking the
 * links in the filter; counts the hops a step can carry at most (each compartment fires at
 * most once per step, each input neuron is injected at most once). */
static le_code plan_routes(le_trace_net *t, uint64_t *max_hops, le_error *err)
{
    const le_topo *tp = t->topo;
    const le_chipcfg *c = le_sim_config(t->sim);
    uint32_t *stamp = calloc((size_t)tp->n_cores + 1, sizeof *stamp);
    uint32_t *mult = calloc((size_t)tp->n_cores + 1, sizeof *mult);
    uint32_t *dsts = malloc(((size_t)tp->n_cores + 1) * sizeof *dsts);
    uint32_t *rl = malloc((size_t)tp->max_route * sizeof *rl);
    uint8_t *rc = malloc(tp->max_route);
    le_code res = LE_OK;
    if (!stamp || !mult || !dsts || !rl || !rc)
        res = le_fail(err, LE_ERR_NOMEM, "trace: out of memory for the size bound");
    uint64_t hops = 0;
    /* sources: configured cores (index i + 1 as the stamp), then each input chip's x86 */
    for (uint32_t i = 0; !res && i <= c->n_cores + c->n_pops; i++) {
        uint32_t src, nd = 0, id = i + 1;
        if (i < c->n_cores) {
            const le_neurocore *core = &c->cores[i];
            src = core->gid;
            if (!core->out_start)
                continue;
            for (uint32_t o = 0; o < core->out_start[core->n_cx]; o++) {
                uint32_t d = core->out[o].core;
                if (d >= tp->n_cores)
                    continue;
                if (stamp[d] != id) {
                    stamp[d] = id;
                    mult[d] = 0;
                    dsts[nd++] = d;
                }
                mult[d]++;
            }
        } else if (i < c->n_cores + c->n_pops) {
            const le_cfg_pop *p = &c->pops[i - c->n_cores];
            if (p->input_chip < 0)
                continue;
            src = LE_SRC_X86((uint32_t)p->input_chip);
            for (uint32_t g = p->base; g < p->base + p->size; g++) {
                const uint32_t q = le_chipcfg_slot(c, g);
                if (q == LE_CFG_NONE)
                    continue;
                for (size_t k = c->inj_start[q]; k < c->inj_start[q + 1]; k++) {
                    uint32_t d = c->cores[c->inj[k].core].gid;
                    if (stamp[d] != id) {
                        stamp[d] = id;
                        mult[d] = 0;
                        dsts[nd++] = d;
                    }
                    mult[d]++;
                }
            }
        } else
            break;
        if (!le_topo_valid_src(tp, src))
            continue;
        for (uint32_t k = 0; k < nd; k++) {
            uint32_t len = le_route(tp, src, dsts[k], rl, rc);
            hops += (uint64_t)len * mult[dsts[k]];
            for (uint32_t h = 0; h < len; h++)
                if (!t->link_ok[rl[h]] && link_in_filter(t, rl[h])) {
                    t->link_ok[rl[h]] = 1;
                    t->plan.links_reachable++;
                }
        }
    }
    free(stamp);
    free(mult);
    free(dsts);
    free(rl);
    free(rc);
    *max_hops = hops;
    return res;
}

static uint64_t sampled_steps(const le_trace_net_opts *o)
{
    uint64_t last = o->to && o->to < o->steps ? o->to : o->steps;
    uint64_t first = o->from ? o->from : 1;
    if (last < first)
        return 0;
    return (last - first) / o->every + 1;
}

le_code le_trace_net_create(const le_trace_net_opts *o, le_costmodel *cm, le_sim *sim, le_trace_net **out,
                            le_error *err)
{
    *out = NULL;
    if (!cm)
        return le_fail(err, LE_ERR_USAGE, "trace: the congestion traces need the cost model (a board or --noc)");
    if (!o->dir || !*o->dir)
        return le_fail(err, LE_ERR_USAGE, "trace: no output folder");
    if (o->every == 0)
        return le_fail(err, LE_ERR_USAGE, "--every: must be at least 1");
    if (o->to && o->to < o->from)
        return le_fail(err, LE_ERR_USAGE, "--to %u is before --from %u", o->to, o->from);
    if (o->vcd && !strcmp(le_noc_mode_name(cm->mode), "load"))
        return le_fail(err, LE_ERR_USAGE, "--vcd needs per-packet timing: --noc packet or a systemc mode (load mode "
                                          "only estimates each link's queue)");
    le_trace_net *t = calloc(1, sizeof *t);
    if (!t)
        return le_fail(err, LE_ERR_NOMEM, "trace: out of memory");
    t->o = *o;
    if (!t->o.link_classes)
        t->o.link_classes = LE_TRACE_LINKS_ALL;
    snprintf(t->dir, sizeof t->dir, "%s", o->dir);
    t->o.dir = t->dir;
    t->cm = cm;
    t->sim = sim;
    t->topo = &cm->topo;
    t->noc = cm->noc;
    const le_topo *tp = t->topo;
    const uint32_t nch = tp->g.n_chips;
    t->chip_ok = malloc(nch + 1);
    t->core_ok = malloc(tp->n_cores + 1);
    t->link_ok = calloc(tp->n_links + 1, 1);
    t->chip_busy = calloc(nch + 1, sizeof *t->chip_busy);
    t->chip_active = calloc(nch + 1, sizeof *t->chip_active);
    t->chip_dirty = malloc((nch + 1) * sizeof *t->chip_dirty);
    le_code rc = LE_OK;
    if (!t->chip_ok || !t->core_ok || !t->link_ok || !t->chip_busy || !t->chip_active || !t->chip_dirty)
        rc = le_fail(err, LE_ERR_NOMEM, "trace: out of memory for %u links", tp->n_links);
    if (!rc)
        rc = parse_ids("--chips", o->chips, nch, t->chip_ok, err);
    if (!rc)
        rc = parse_ids("--cores", o->cores, tp->n_cores, t->core_ok, err);
    uint64_t max_hops = 0;
    if (!rc)
        rc = plan_routes(t, &max_hops, err);
    if (rc) {
        le_trace_net_free(t);
        return rc;
    }
    /* the size bound */
    const le_chipcfg *c = le_sim_config(sim);
    le_trace_plan *p = &t->plan;
    p->steps_written = sampled_steps(&t->o);
    uint64_t cores = 0, chips = 0, neurons = 0, name_len = 0;
    uint8_t *seen = calloc(nch + 1, 1);
    for (uint32_t i = 0; i < c->n_cores; i++) {
        uint32_t g = c->cores[i].gid, ch = g / tp->g.cores_per_chip;
        cores += t->core_ok[g] && t->chip_ok[ch];
        if (seen && !seen[ch]++)
            chips += t->chip_ok[ch];
    }
    free(seen);
    for (uint32_t q = 0; q < c->n_pops; q++)
        if (c->pops[q].kind != LE_POP_INPUT) {
            neurons += c->pops[q].size;
            name_len += (uint64_t)c->pops[q].size * strlen(c->pops[q].name);
        }
    uint64_t n = p->steps_written;
    p->link_rows_max = n * p->links_reachable;
    p->core_rows_max = n * cores;
    p->chip_rows_max = n * chips;
    p->raster_rows_max = o->raster ? n * neurons : 0;
    p->vcd_changes_max = o->vcd ? n * (2 * max_hops + 1) : 0;
    p->bytes_max = o->steps * B_STEP + p->link_rows_max * B_LINK + p->core_rows_max * B_CORE + p->chip_rows_max * B_CHIP +
                   p->raster_rows_max * B_RASTER + (o->raster ? n * name_len : 0) + p->vcd_changes_max * B_VCD +
                   (uint64_t)p->links_reachable * 48 + 4096;
    *out = t;
    return LE_OK;
}

const le_trace_plan *le_trace_net_plan(const le_trace_net *t) { return &t->plan; }

le_code le_trace_net_check_limit(const le_trace_net *t, uint64_t limit, le_error *err)
{
    if (t->plan.bytes_max <= limit)
        return LE_OK;
    return le_fail(err, LE_ERR_LIMIT,
                   "trace: would write up to %.1f MB into %s (%llu steps, %u links, %llu core rows), more than "
                   "--trace-limit %.1f MB: narrow it with --from/--to, --every, --links, --chips or --cores",
                   t->plan.bytes_max / 1e6, t->dir, (unsigned long long)t->plan.steps_written, t->plan.links_reachable,
                   (unsigned long long)t->plan.core_rows_max, limit / 1e6);
}

static le_code mkdirs(const char *dir, le_error *err)
{
    char p[1024];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char keep = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                return le_fail(err, LE_ERR_IO, "%s: cannot create the trace folder: %s", p, strerror(errno));
            *s = keep;
            if (!keep)
                break;
        }
    }
    return LE_OK;
}

static void on_hop(void *ctx, uint32_t phase, uint32_t packet, uint32_t link, int64_t arrive_ps, int64_t start_ps,
                   int64_t ser_ps)
{
    (void)packet;
    le_trace_net *t = ctx;
    if (t->sampled && t->link_ok[link])
        le_trace_vcd_hop(t->vcd, phase, link, arrive_ps, start_ps + ser_ps);
}

static int sampled(const le_trace_net *t, uint32_t step)
{
    const le_trace_net_opts *o = &t->o;
    uint32_t first = o->from ? o->from : 1;
    return step >= first && (!o->to || step <= o->to) && (step - first) % o->every == 0;
}

/* Router coordinates and direction, or core, of a link (le_topo's flat ids). */
static void link_place(const le_topo *tp, uint32_t l, uint32_t *x, uint32_t *y, char *dir, int32_t *core)
{
    uint32_t off = l % tp->links_per_chip, chip = l / tp->links_per_chip;
    *core = -1;
    if (off < 4 * tp->n_routers) {
        uint32_t r = off / 4;
        *x = r % tp->g.tiles_x;
        *y = r / tp->g.tiles_x;
        *dir = dir_name[off % 4];
    } else if (off < 4 * tp->n_routers + tp->g.cores_per_chip) {
        uint32_t k = off - 4 * tp->n_routers, r = k / tp->g.cores_per_tile;
        *x = r % tp->g.tiles_x;
        *y = r / tp->g.tiles_x;
        *dir = 'L';
        *core = (int32_t)k;
    } else {
        *x = chip % tp->g.chip_cols;
        *y = chip / tp->g.chip_cols;
        *dir = dir_name[(off - 4 * tp->n_routers - tp->g.cores_per_chip) % 4];
    }
}

/* steps.csv has every step (one short row each): the time per step over the whole run and
 * the exact chip-to-chip totals, whatever the window and sampling of the other files. */
static void write_steps_row(le_trace_net *t, const le_step_activity *a, int64_t start_ps)
{
    const le_topo *tp = t->topo;
    const le_step_cost *sc = &t->cm->last;
    uint32_t n_st;
    const le_noc_link_stat *st = le_noc_stats(t->noc, &n_st);
    uint64_t chip_hops = 0;
    for (uint32_t i = 0; i < n_st; i++) {
        int cls = le_link_class(tp, st[i].link);
        if (cls == LE_LC_CHIP || cls == LE_LC_BOARD)
            chip_hops += st[i].packets;
    }
    fprintf(t->f[F_STEPS], "%u,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%u,%u,%llu\n", a->step, (long long)start_ps,
            (long long)sc->total_ps, (long long)sc->inject_ps, (long long)sc->cores_ps, (long long)sc->net_ps,
            (long long)sc->cores_net_ps, (long long)sc->barrier_ps, (long long)sc->mgmt_ps, a->n_packets, a->n_injected,
            (unsigned long long)chip_hops);
}

static le_code write_step(le_trace_net *t, const le_step_activity *a, int64_t start_ps)
{
    const le_topo *tp = t->topo;
    const le_arch *ar = &t->cm->arch;
    const le_step_cost *sc = &t->cm->last;
    const uint32_t cpc = tp->g.cores_per_chip;
    uint32_t n_st;
    const le_noc_link_stat *st = le_noc_stats(t->noc, &n_st);
    for (uint32_t i = 0; i < n_st; i++) {
        int cls = le_link_class(tp, st[i].link);
        if (!t->link_ok[st[i].link])
            continue;
        uint32_t x, y;
        char d;
        int32_t core;
        link_place(tp, st[i].link, &x, &y, &d, &core);
        fprintf(t->f[F_LINKS], "%u,%u,%u,%s,%u,%u,%c,%d,%u,%lld,%lld,%lld\n", a->step, st[i].link,
                le_link_chip(tp, st[i].link), class_name[cls], x, y, d, core, st[i].packets, (long long)st[i].busy_ps,
                (long long)st[i].wait_ps, (long long)st[i].max_wait_ps);
    }
    for (uint32_t i = 0; i < a->n_cores; i++) {
        const le_core_activity *c = &a->cores[i];
        uint32_t chip = c->core / cpc;
        int64_t busy = (int64_t)c->synops * ar->synop.t_ps + (int64_t)c->axons_in * ar->axon_in.t_ps +
                       (int64_t)c->cx_updates * ar->t_cx_ps + (int64_t)c->axons_out * ar->axon_out.t_ps;
        if (!t->chip_active[chip]++)
            t->chip_dirty[t->n_chip_dirty++] = chip;
        if (busy > t->chip_busy[chip])
            t->chip_busy[chip] = busy;
        if (!t->core_ok[c->core] || !t->chip_ok[chip])
            continue;
        uint32_t k = c->core % cpc, tile = k / tp->g.cores_per_tile;
        fprintf(t->f[F_CORES], "%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%lld\n", a->step, c->core, chip, tile % tp->g.tiles_x,
                tile / tp->g.tiles_x, c->axons_in, c->axons_out, c->spikes, c->synops, c->cx_updates, (long long)busy);
    }
    /* Chips in use: the barrier spans them; a chip waits there from the end of its slowest
     * core until the step's cores-and-network phase is over. */
    const le_ledger *L = &t->cm->led;
    for (uint32_t ch = 0; ch < L->n_chips; ch++) {
        if (!L->chip[ch].in_use || !t->chip_ok[ch])
            continue;
        int64_t busy = t->chip_busy[ch];
        fprintf(t->f[F_CHIPS], "%u,%u,%u,%lld,%lld,%lld\n", a->step, ch, t->chip_active[ch], (long long)busy,
                (long long)(sc->cores_net_ps - busy), (long long)sc->barrier_ps);
    }
    for (uint32_t i = 0; i < t->n_chip_dirty; i++) {
        t->chip_busy[t->chip_dirty[i]] = 0;
        t->chip_active[t->chip_dirty[i]] = 0;
    }
    t->n_chip_dirty = 0;
    if (t->f[F_RASTER]) {
        /* only the cores that fired: the raster costs what the spikes cost */
        const le_chipcfg *cfg = le_sim_config(t->sim);
        for (uint32_t i = 0; i < a->n_cores; i++) {
            if (!a->cores[i].spikes)
                continue;
            uint32_t li = cfg->gid_local[a->cores[i].core];
            for (size_t k = cfg->cx_base[li]; k < cfg->cx_base[li + 1]; k++) {
                uint32_t g = cfg->cx_nrn[k];
                if (g == LE_CFG_NONE || (g & LE_CFG_AUX) || !le_sim_fired(t->sim, g, a->step))
                    continue;
                uint32_t p = le_chipcfg_pop_of(cfg, g);
                fprintf(t->f[F_RASTER], "%u,", a->step);
                le_csv_put_field(t->f[F_RASTER], cfg->pops[p].name);
                fprintf(t->f[F_RASTER], ",%u\n", g - cfg->pops[p].base);
            }
        }
    }
    if (t->vcd)
        le_trace_vcd_step(t->vcd, a->step, start_ps, sc->inject_ps);
    for (int i = 0; i < F_N; i++)
        if (t->f[i] && ferror(t->f[i]))
            return LE_ERR_IO;
    return LE_OK;
}

static le_code trace_step(void *ctx, const le_step_activity *a, le_error *err)
{
    le_trace_net *t = ctx;
    int64_t start_ps = t->cm->led.time_ps;
    t->sampled = sampled(t, a->step);
    le_code rc = t->inner.step(t->inner.ctx, a, err);
    if (rc)
        return rc;
    t->steps_seen++;
    write_steps_row(t, a, start_ps);
    if ((t->sampled && write_step(t, a, start_ps)) || ferror(t->f[F_STEPS]))
        rc = le_fail(err, LE_ERR_IO, "trace %s: write error at step %u: %s", t->dir, a->step, strerror(errno));
    le_noc_stats_clear(t->noc);
    return rc;
}

le_code le_trace_net_start(le_trace_net *t, const le_cost_sink *inner, le_cost_sink *out, le_error *err)
{
    le_code rc = mkdirs(t->dir, err);
    if (rc)
        return rc;
    if ((rc = le_noc_stats_enable(t->noc, err)))
        return rc;
    for (int i = 0; i < F_N; i++) {
        if (i == F_RASTER && !t->o.raster)
            continue;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", t->dir, file_name[i]);
        if (!(t->f[i] = fopen(path, "w")))
            return le_fail(err, LE_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        fputs(file_header[i], t->f[i]);
    }
    if (t->o.vcd) {
        if ((rc = le_trace_vcd_open(t->o.vcd, t->topo, t->link_ok, &t->vcd, err)))
            return rc;
        le_noc_set_hop_observer(t->noc, on_hop, t);
    }
    t->inner = *inner;
    out->step = trace_step;
    out->ctx = t;
    return LE_OK;
}

static uint64_t file_size(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 ? (uint64_t)s.st_size : 0;
}

le_code le_trace_net_finish(le_trace_net *t, uint64_t *bytes, le_error *err)
{
    le_code rc = LE_OK;
    uint64_t total = 0;
    for (int i = 0; i < F_N; i++) {
        if (!t->f[i])
            continue;
        if (fclose(t->f[i]) != 0 && !rc)
            rc = le_fail(err, LE_ERR_IO, "%s/%s: write error", t->dir, file_name[i]);
        t->f[i] = NULL;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", t->dir, file_name[i]);
        total += file_size(path);
    }
    if (t->vcd) {
        le_noc_set_hop_observer(t->noc, NULL, NULL);
        le_code r2 = le_trace_vcd_close(t->vcd, err);
        t->vcd = NULL;
        if (r2 && !rc)
            rc = r2;
        total += file_size(t->o.vcd);
    }
    if (rc)
        return rc;
    char path[1100];
    snprintf(path, sizeof path, "%s/meta.json", t->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return le_fail(err, LE_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    const le_topo *tp = t->topo;
    le_json j;
    le_json_init(&j, f);
    le_json_object(&j, LE_JSON_LINES);
    le_json_kstring(&j, "board", tp->g.name);
    le_json_kuint(&j, "chip_rows", tp->g.chip_rows);
    le_json_kuint(&j, "chip_cols", tp->g.chip_cols);
    le_json_kuint(&j, "tiles_x", tp->g.tiles_x);
    le_json_kuint(&j, "tiles_y", tp->g.tiles_y);
    le_json_kuint(&j, "cores_per_tile", tp->g.cores_per_tile);
    le_json_kuint(&j, "cores_per_chip", tp->g.cores_per_chip);
    le_json_kuint(&j, "links_per_chip", tp->links_per_chip);
    le_json_kstring(&j, "noc", le_noc_mode_name(t->cm->mode));
    le_json_kuint(&j, "from", t->o.from ? t->o.from : 1);
    le_json_kuint(&j, "to", t->o.to);
    le_json_kuint(&j, "every", t->o.every);
    le_json_kuint(&j, "steps_run", t->steps_seen);
    le_json_kstring(&j, "chips", t->o.chips ? t->o.chips : "all");
    le_json_kstring(&j, "cores", t->o.cores ? t->o.cores : "all");
    le_json_key(&j, "link_classes");
    le_json_array(&j, LE_JSON_INLINE);
    for (int c = 0; c < LE_LC_N; c++)
        if ((t->o.link_classes >> c) & 1u)
            le_json_string(&j, class_name[c]);
    le_json_end(&j);
    le_json_key(&j, "serialisation_ps");
    le_json_object(&j, LE_JSON_INLINE);
    for (int c = 0; c < LE_LC_N; c++) {
        le_json_key(&j, class_name[c]);
        le_json_int(&j, tp->cls[c].ser_ps);
    }
    le_json_end(&j);
    le_json_kuint(&j, "bytes_bound", t->plan.bytes_max);
    le_json_kuint(&j, "bytes", total);
    le_json_end(&j);
    rc = le_json_finish(&j, path, err);
    if (fclose(f) != 0 && !rc)
        rc = le_fail(err, LE_ERR_IO, "%s: write error", path);
    *bytes = total + file_size(path);
    return rc;
}
