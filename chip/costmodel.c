/* The board's cost model (emu/costmodel.h): turns each step's activity into time and energy.
 *
 * Step time (docs/architecture.md gives the derivation):
 *   total = inject + max(cores, net) + barrier + mgmt
 *   inject  : the x86 spiking phase; chip c's k-th injected packet leaves its x86 at
 *             k * t_inject and the phase ends when the last one is in its core;
 *   cores   : slowest core's synops * t_synop + axons_in * t_axon_in + cx_updates * t_cx
 *             + axons_out * t_axon_out;
 *   net     : latest arrival of the cores' packets; a packet of compartment cx leaves when
 *             the sweep has reached cx and the output unit is free (the sweep stalls one
 *             t_axon_out per message sent), then crosses the network (noc/noc.h);
 *   barrier : le_arch_barrier_ps(chips in use);
 *   mgmt    : slowest x86's snip base + per-event management time (not the injections).
 * Energy: per event (neuro-cores, network traversals, x86 work, barrier) plus static power
 * times elapsed time for the chips and cores in use. Work per step is proportional to the
 * activity; statics are one multiply per step. */
#include <stdlib.h>
#include <string.h>

#include "chip/costmodel_access.h"
#include "emu/report.h"

struct le_costmodel {
    le_arch arch;
    le_board_spec board;
    le_topo topo;
    le_noc *noc;
    const le_noc_mode *mode;
    uint64_t seed;
    le_ledger led;
    uint32_t top_n;
    /* per core gid: this step's scratch, reset through c_dirty */
    int64_t *c_tsyn;  /* synaptic phase time */
    uint32_t *c_cx;   /* compartments updated */
    uint32_t *c_aout; /* packets the activity says it sent */
    uint32_t *c_sent; /* packets placed on the network so far */
    int64_t *c_last;  /* when its output unit sent the last one */
    uint8_t *c_mark;
    uint32_t *c_dirty;
    uint32_t n_c_dirty;
    uint8_t *c_used; /* in use (declared or seen) */
    int64_t *c_busy_ps; /* all-time busy time per core (for the SystemC NeuroCore modules) */
    double *c_dyn_pj;   /* all-time dynamic energy per core */
    int declared;
    /* per chip: x86 injections of this phase */
    uint32_t *x_inj;
    uint32_t *x_dirty;
    uint32_t n_x_dirty;
    uint32_t chips_used;
    uint64_t cores_used;
    int64_t barrier_ps;
    /* valid packets of a phase and their send times */
    le_packet *pk;
    int64_t *send;
    uint32_t pk_cap;
    le_step_cost last;
    le_error first_bad;
    int alloc_failed;
    le_error net_err; /* the network's first failure (the sink cannot return it) */
};

const le_arch *le_costmodel_arch(const le_costmodel *cm) { return &cm->arch; }
const le_board_spec *le_costmodel_board(const le_costmodel *cm) { return &cm->board; }
const le_topo *le_costmodel_topo(const le_costmodel *cm) { return &cm->topo; }
const le_noc *le_costmodel_noc(const le_costmodel *cm) { return cm->noc; }
const le_ledger *le_costmodel_ledger(const le_costmodel *cm) { return &cm->led; }
const le_noc_mode *le_costmodel_mode(const le_costmodel *cm) { return cm->mode; }
const le_board_geom *le_costmodel_geom(const le_costmodel *cm) { return &cm->board.geom; }
uint32_t le_costmodel_chips_in_use(const le_costmodel *cm) { return cm->chips_used; }
int le_costmodel_core_in_use(const le_costmodel *cm, uint32_t gid) { return gid < cm->topo.n_cores && cm->c_used[gid]; }
int64_t le_costmodel_core_busy_ps(const le_costmodel *cm, uint32_t gid)
{
    return gid < cm->topo.n_cores ? cm->c_busy_ps[gid] : 0;
}
double le_costmodel_core_energy_pj(const le_costmodel *cm, uint32_t gid)
{
    return gid < cm->topo.n_cores ? cm->c_dyn_pj[gid] : 0;
}
void le_costmodel_set_report_links(le_costmodel *cm, uint32_t top_n) { cm->top_n = top_n; }
void le_costmodel_last_step(const le_costmodel *cm, le_step_cost *out) { *out = cm->last; }

static void update_barrier(le_costmodel *cm)
{
    cm->barrier_ps = le_arch_barrier_ps(&cm->arch, cm->chips_used ? cm->chips_used : 1);
}

le_code le_costmodel_open(const char *board, const char *arch_file, const le_noc_mode *mode, uint64_t seed,
                          le_costmodel **out, le_error *err)
{
    *out = NULL;
    if (!mode)
        return le_fail(err, LE_ERR_USAGE, "cost model: no network mode given");
    le_costmodel *cm = calloc(1, sizeof *cm);
    if (!cm)
        return le_fail(err, LE_ERR_NOMEM, "cost model: out of memory");
    cm->mode = mode;
    cm->seed = seed;
    cm->top_n = 10;
    le_code rc = le_arch_load(arch_file ? arch_file : le_arch_default_path(), &cm->arch, err);
    if (rc)
        goto fail;
    le_board_geom chip = le_board_geom_single_chip();
    chip.tiles_x = cm->arch.tiles_x;
    chip.tiles_y = cm->arch.tiles_y;
    chip.cores_per_tile = cm->arch.cores_per_tile; /* le_board_load derives cores_per_chip */
    chip.x86_per_chip = cm->arch.x86_per_chip;
    if ((rc = le_board_load(board, &chip, &cm->board, err)) || (rc = le_topo_init(&cm->topo, &cm->board, &cm->arch, err)) ||
        (rc = le_noc_create(&cm->topo, mode, seed, &cm->noc, err)) ||
        (rc = le_ledger_init(&cm->led, cm->board.geom.n_chips, err)))
        goto fail;
    size_t nc = cm->topo.n_cores, nch = cm->board.geom.n_chips;
    cm->c_tsyn = calloc(nc, sizeof *cm->c_tsyn);
    cm->c_cx = calloc(nc, sizeof *cm->c_cx);
    cm->c_aout = calloc(nc, sizeof *cm->c_aout);
    cm->c_sent = calloc(nc, sizeof *cm->c_sent);
    cm->c_last = calloc(nc, sizeof *cm->c_last);
    cm->c_mark = calloc(nc, 1);
    cm->c_dirty = malloc(nc * sizeof *cm->c_dirty);
    cm->c_used = calloc(nc, 1);
    cm->c_busy_ps = calloc(nc, sizeof *cm->c_busy_ps);
    cm->c_dyn_pj = calloc(nc, sizeof *cm->c_dyn_pj);
    cm->x_inj = calloc(nch, sizeof *cm->x_inj);
    cm->x_dirty = malloc(nch * sizeof *cm->x_dirty);
    if (!cm->c_tsyn || !cm->c_cx || !cm->c_aout || !cm->c_sent || !cm->c_last || !cm->c_mark || !cm->c_dirty ||
        !cm->c_used || !cm->c_busy_ps || !cm->c_dyn_pj || !cm->x_inj || !cm->x_dirty) {
        rc = le_fail(err, LE_ERR_NOMEM, "cost model: out of memory for %zu cores", nc);
        goto fail;
    }
    update_barrier(cm);
    le_error_clear(&cm->first_bad);
    le_error_clear(&cm->net_err);
    *out = cm;
    return LE_OK;
fail:
    le_costmodel_free(cm);
    return rc;
}

void le_costmodel_free(le_costmodel *cm)
{
    if (!cm)
        return;
    le_noc_free(cm->noc);
    le_ledger_free(&cm->led);
    free(cm->c_tsyn);
    free(cm->c_cx);
    free(cm->c_aout);
    free(cm->c_sent);
    free(cm->c_last);
    free(cm->c_mark);
    free(cm->c_dirty);
    free(cm->c_used);
    free(cm->c_busy_ps);
    free(cm->c_dyn_pj);
    free(cm->x_inj);
    free(cm->x_dirty);
    free(cm->pk);
    free(cm->send);
    free(cm);
}

static void bad(le_costmodel *cm, const char *what, uint32_t id, uint64_t step)
{
    if (cm->led.bad_entries++ == 0)
        le_fail(&cm->first_bad, LE_ERR_CONFIG, "step %llu: %s %u outside board %s (%u chips, %u cores)",
                (unsigned long long)step, what, id, cm->board.geom.name, cm->board.geom.n_chips, cm->topo.n_cores);
}

le_code le_costmodel_check(const le_costmodel *cm, le_error *err)
{
    if (cm->net_err.code != LE_OK)
        return le_fail(err, cm->net_err.code, "%s", cm->net_err.msg);
    if (cm->led.bad_entries == 0)
        return LE_OK;
    return le_fail(err, cm->first_bad.code, "%s (%llu such entries skipped)", cm->first_bad.msg,
                   (unsigned long long)cm->led.bad_entries);
}

static void chip_in_use(le_costmodel *cm, uint32_t chip, int64_t now)
{
    if (cm->led.chip[chip].in_use)
        return;
    le_ledger_chip_in_use(&cm->led, chip, now);
    cm->chips_used++;
    update_barrier(cm);
}

static void core_in_use(le_costmodel *cm, uint32_t gid, int64_t now)
{
    if (cm->c_used[gid])
        return;
    cm->c_used[gid] = 1;
    cm->cores_used++;
    chip_in_use(cm, gid / cm->board.geom.cores_per_chip, now);
    le_ledger_core_in_use(&cm->led, gid / cm->board.geom.cores_per_chip, now);
}

le_code le_costmodel_set_cores_used(le_costmodel *cm, const uint32_t *gids, uint32_t n, le_error *err)
{
    if (cm->led.steps)
        return le_fail(err, LE_ERR_USAGE, "cost model: cores in use must be declared before the first step");
    for (uint32_t i = 0; i < n; i++)
        if (gids[i] >= cm->topo.n_cores)
            return le_fail(err, LE_ERR_CONFIG, "core gid %u outside board %s (%u cores)", gids[i],
                           cm->board.geom.name, cm->topo.n_cores);
    for (uint32_t i = 0; i < n; i++)
        core_in_use(cm, gids[i], 0);
    cm->declared = 1;
    return LE_OK;
}

static int reserve(le_costmodel *cm, uint32_t n)
{
    if (n <= cm->pk_cap)
        return 1;
    uint32_t cap = cm->pk_cap ? cm->pk_cap : 1024;
    while (cap < n)
        cap *= 2;
    le_packet *pk = realloc(cm->pk, (size_t)cap * sizeof *pk);
    if (!pk)
        return 0;
    cm->pk = pk;
    int64_t *s = realloc(cm->send, (size_t)cap * sizeof *s);
    if (!s)
        return 0;
    cm->send = s;
    cm->pk_cap = cap;
    return 1;
}

static inline void touch_core(le_costmodel *cm, uint32_t gid)
{
    if (cm->c_mark[gid])
        return;
    cm->c_mark[gid] = 1;
    cm->c_tsyn[gid] = 0;
    cm->c_cx[gid] = 0;
    cm->c_aout[gid] = 0;
    cm->c_sent[gid] = 0;
    cm->c_last[gid] = 0;
    cm->c_dirty[cm->n_c_dirty++] = gid;
}

/* Send time of x86 chip's next message: k-th at k * t_inject. */
static int64_t x86_send(le_costmodel *cm, uint32_t chip)
{
    if (cm->x_inj[chip]++ == 0)
        cm->x_dirty[cm->n_x_dirty++] = chip;
    return (int64_t)cm->x_inj[chip] * cm->arch.x86_inject.t_ps;
}

static void x86_reset(le_costmodel *cm)
{
    for (uint32_t i = 0; i < cm->n_x_dirty; i++)
        cm->x_inj[cm->x_dirty[i]] = 0;
    cm->n_x_dirty = 0;
}

static int64_t deliver(le_costmodel *cm, uint32_t n, uint64_t step)
{
    int64_t t = 0;
    le_error e;
    if (le_noc_deliver(cm->noc, cm->pk, cm->send, n, &t, &e) != LE_OK) {
        if (cm->net_err.code == LE_OK) {
            cm->net_err = e;
            le_error_prefix(&cm->net_err, "step %llu", (unsigned long long)step);
        }
        return 0;
    }
    return t;
}

void le_costmodel_step(le_costmodel *cm, const le_step_activity *a)
{
    const le_arch *ar = &cm->arch;
    const le_topo *tp = &cm->topo;
    le_ledger *L = &cm->led;
    const uint32_t cpc = cm->board.geom.cores_per_chip;
    const int64_t now = L->time_ps;
    const uint64_t step = L->steps + 1;
    le_step_cost sc;
    memset(&sc, 0, sizeof sc);
    uint32_t most = a->n_packets > a->n_injected ? a->n_packets : a->n_injected;
    if (!reserve(cm, most)) {
        cm->alloc_failed = 1;
        return;
    }

    /* Phase 1: x86 spiking snip, injections. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->n_injected; i++) {
        le_packet p = a->injected[i];
        int src_ok = (p.src & LE_SRC_X86_FLAG) && le_topo_valid_src(tp, p.src);
        if (!src_ok || !le_topo_valid_dst(tp, p.dst)) {
            bad(cm, src_ok ? "injected packet to core" : "injected packet from x86 source", src_ok ? p.dst : p.src,
                step);
            continue;
        }
        uint32_t chip = p.src & ~LE_SRC_X86_FLAG;
        chip_in_use(cm, chip, now);
        core_in_use(cm, p.dst, now);
        cm->send[n] = x86_send(cm, chip);
        cm->pk[n++] = p;
    }
    x86_reset(cm);
    sc.inject_ps = deliver(cm, n, step);
    L->injected += n;

    /* Phase 2: neuro-cores (synaptic, compartment, output) and their packets. */
    for (uint32_t i = 0; i < a->n_cores; i++) {
        const le_core_activity *c = &a->cores[i];
        if (c->core >= tp->n_cores) {
            bad(cm, "core", c->core, step);
            continue;
        }
        uint32_t gid = c->core, chip = gid / cpc;
        core_in_use(cm, gid, now);
        touch_core(cm, gid);
        int64_t tsyn = (int64_t)c->synops * ar->synop.t_ps + (int64_t)c->axons_in * ar->axon_in.t_ps;
        cm->c_tsyn[gid] += tsyn;
        cm->c_cx[gid] += c->cx_updates;
        cm->c_aout[gid] += c->axons_out;
        uint32_t act = c->cx_active < c->cx_updates ? c->cx_active : c->cx_updates;
        double e = (double)c->synops * ar->synop.e_pj + (double)c->axons_in * ar->axon_in.e_pj +
                   (double)act * ar->e_cx_active_pj + (double)(c->cx_updates - act) * ar->e_cx_inactive_pj +
                   (double)c->axons_out * ar->axon_out.e_pj;
        int64_t busy = tsyn + (int64_t)c->cx_updates * ar->t_cx_ps + (int64_t)c->axons_out * ar->axon_out.t_ps;
        L->chip[chip].nc_dyn_pj += e;
        L->nc_dyn_pj += e;
        L->chip[chip].nc_busy_ps += busy;
        cm->c_busy_ps[gid] += busy;
        cm->c_dyn_pj[gid] += e;
        L->synops += c->synops;
        L->axons_in += c->axons_in;
        L->axons_out += c->axons_out;
        L->cx_updates += c->cx_updates;
        L->cx_active += act;
        L->spikes += c->spikes;
        L->core_steps++;
    }
    for (uint32_t i = 0; i < cm->n_c_dirty; i++) {
        uint32_t g = cm->c_dirty[i];
        int64_t end = cm->c_tsyn[g] + (int64_t)cm->c_cx[g] * ar->t_cx_ps + (int64_t)cm->c_aout[g] * ar->axon_out.t_ps;
        if (end > sc.cores_ps)
            sc.cores_ps = end;
    }
    n = 0;
    for (uint32_t i = 0; i < a->n_packets; i++) {
        le_packet p = a->packets[i];
        int src_ok = le_topo_valid_src(tp, p.src);
        if (!src_ok || !le_topo_valid_dst(tp, p.dst)) {
            bad(cm, src_ok ? "packet to core" : "packet from source", src_ok ? p.dst : p.src, step);
            continue;
        }
        if (p.src & LE_SRC_X86_FLAG) {
            uint32_t chip = p.src & ~LE_SRC_X86_FLAG;
            chip_in_use(cm, chip, now);
            cm->send[n] = x86_send(cm, chip);
        } else {
            uint32_t g = p.src;
            core_in_use(cm, g, now);
            touch_core(cm, g);
            int64_t pos = (int64_t)p.src_cx + 1;
            if (cm->c_cx[g] && pos > cm->c_cx[g])
                pos = cm->c_cx[g];
            int64_t ready = cm->c_tsyn[g] + pos * ar->t_cx_ps + (int64_t)cm->c_sent[g] * ar->axon_out.t_ps;
            int64_t s = (ready > cm->c_last[g] ? ready : cm->c_last[g]) + ar->axon_out.t_ps;
            cm->c_last[g] = s;
            cm->c_sent[g]++;
            cm->send[n] = s;
        }
        core_in_use(cm, p.dst, now); /* a core that receives spikes is configured */
        cm->pk[n++] = p;
    }
    x86_reset(cm);
    sc.net_ps = deliver(cm, n, step);
    L->packets += n;
    for (uint32_t i = 0; i < cm->n_c_dirty; i++)
        cm->c_mark[cm->c_dirty[i]] = 0;
    cm->n_c_dirty = 0;
    sc.cores_net_ps = sc.cores_ps > sc.net_ps ? sc.cores_ps : sc.net_ps;

    /* Phase 4 (x86 management) marks its chips in use before the barrier's span is read. */
    for (uint32_t i = 0; i < a->n_x86; i++) {
        const le_x86_activity *x = &a->x86[i];
        if (x->chip >= cm->board.geom.n_chips) {
            bad(cm, "x86 of chip", x->chip, step);
            continue;
        }
        chip_in_use(cm, x->chip, now);
        int64_t t = ar->x86_base.t_ps + (int64_t)x->reg_reads * ar->x86_reg_read.t_ps +
                    (int64_t)x->reg_writes * ar->x86_reg_write.t_ps + (int64_t)x->host_words_in * ar->x86_word_in.t_ps +
                    (int64_t)x->host_words_out * ar->x86_word_out.t_ps + (int64_t)x->snip_ops * ar->x86_op.t_ps;
        if (t > sc.mgmt_ps)
            sc.mgmt_ps = t;
        double e = ar->x86_base.e_pj + (double)x->spikes_injected * ar->x86_inject.e_pj +
                   (double)x->reg_reads * ar->x86_reg_read.e_pj + (double)x->reg_writes * ar->x86_reg_write.e_pj +
                   (double)x->host_words_in * ar->x86_word_in.e_pj + (double)x->host_words_out * ar->x86_word_out.e_pj +
                   (double)x->snip_ops * ar->x86_op.e_pj;
        L->chip[x->chip].x86_dyn_pj += e;
        L->x86_dyn_pj += e;
        L->chip[x->chip].x86_busy_ps += t + (int64_t)x->spikes_injected * ar->x86_inject.t_ps;
        L->x86_snips++;
    }

    /* Phase 3: barrier over the chips in use. */
    sc.barrier_ps = cm->barrier_ps;
    sc.barrier_chips = cm->chips_used ? cm->chips_used : 1;
    sc.total_ps = sc.inject_ps + sc.cores_net_ps + sc.barrier_ps + sc.mgmt_ps;
    sc.step = step;

    /* Static power of what is in use, over this step. mW * ps = 1e-3 pJ. */
    double p_nc = ar->p_nc_static_chip_mw * cm->chips_used + ar->p_nc_static_core_mw * (double)cm->cores_used;
    double p_x86 = ar->p_x86_static_chip_mw * cm->chips_used;
    L->nc_static_pj += p_nc * (double)sc.total_ps * 1e-3;
    L->x86_static_pj += p_x86 * (double)sc.total_ps * 1e-3;
    L->barrier_pj += ar->e_barrier_pj_per_chip * cm->chips_used;
    L->inject_ps += sc.inject_ps;
    L->cores_net_ps += sc.cores_net_ps;
    L->barrier_ps += sc.barrier_ps;
    L->mgmt_ps += sc.mgmt_ps;
    le_hist_add(L->hist, sc.total_ps);
    L->steps = step;
    L->time_ps += sc.total_ps;
    cm->last = sc;
}

static void sink_step(void *ctx, const le_step_activity *act) { le_costmodel_step((le_costmodel *)ctx, act); }

le_cost_sink le_costmodel_sink(le_costmodel *cm)
{
    le_cost_sink s = {sink_step, cm};
    return s;
}

/* Energy so far per report category: neuro-core static, neuro-core dynamic (compute, mesh,
 * barrier), x86 static, x86 dynamic. */
static void categories_pj(const le_costmodel *cm, double cat[4])
{
    const le_ledger *L = &cm->led;
    cat[0] = L->nc_static_pj;
    cat[1] = L->nc_dyn_pj + L->barrier_pj + le_noc_energy_pj(cm->noc);
    cat[2] = L->x86_static_pj;
    cat[3] = L->x86_dyn_pj;
}

static double sum_pj(const double cat[4]) { return cat[0] + cat[1] + cat[2] + cat[3]; }

void le_costmodel_end_inference(le_costmodel *cm)
{
    le_ledger *L = &cm->led;
    double c[4];
    categories_pj(cm, c);
    double e = sum_pj(c);
    L->inferences++;
    L->inf_time_ps += L->time_ps - L->mark_time_ps;
    L->inf_energy_pj += e - L->mark_energy_pj;
    L->mark_time_ps = L->time_ps;
    L->mark_energy_pj = e;
    for (int i = 0; i < 4; i++) {
        L->inf_cat_pj[i] += c[i] - L->mark_cat_pj[i];
        L->mark_cat_pj[i] = c[i];
    }
}

void le_costmodel_inference_split(const le_costmodel *cm, double out_j[4])
{
    const le_ledger *L = &cm->led;
    double c[4];
    categories_pj(cm, c);
    for (int i = 0; i < 4; i++)
        out_j[i] = (L->inferences ? L->inf_cat_pj[i] / (double)L->inferences : c[i]) * 1e-12;
}

void le_costmodel_summary(const le_costmodel *cm, le_cost_summary *s)
{
    const le_ledger *L = &cm->led;
    memset(s, 0, sizeof *s);
    s->steps = L->steps;
    s->inferences = L->inferences;
    s->time_s = (double)L->time_ps * 1e-12;
    s->step_mean_s = L->steps ? (double)L->time_ps / (double)L->steps * 1e-12 : 0;
    s->step_p50_s = (double)le_hist_quantile(L->hist, 0.50) * 1e-12;
    s->step_p99_s = (double)le_hist_quantile(L->hist, 0.99) * 1e-12;
    s->step_max_s = (double)L->hist->max_ps * 1e-12;
    double c[4];
    categories_pj(cm, c);
    s->e_nc_static_j = c[0] * 1e-12;
    s->e_nc_dynamic_j = c[1] * 1e-12;
    s->e_x86_static_j = c[2] * 1e-12;
    s->e_x86_dynamic_j = c[3] * 1e-12;
    s->e_total_j = sum_pj(c) * 1e-12;
    if (L->inferences) {
        s->latency_per_inference_s = (double)L->inf_time_ps / (double)L->inferences * 1e-12;
        s->energy_per_inference_j = L->inf_energy_pj / (double)L->inferences * 1e-12;
    } else { /* no marks: the whole run is one inference */
        s->latency_per_inference_s = s->time_s;
        s->energy_per_inference_j = s->e_total_j;
    }
    s->edp_js = s->energy_per_inference_j * s->latency_per_inference_s;
}


typedef struct {
    uint32_t id;
    uint64_t count;
} link_row;

static int cmp_link_rows(const void *pa, const void *pb)
{
    const link_row *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->id < b->id ? -1 : (a->id > b->id);
}

le_code le_costmodel_report(const le_costmodel *cm, FILE *table, const char *json_path, le_error *err)
{
    const le_ledger *L = &cm->led;
    const le_topo *tp = &cm->topo;
    const le_arch *ar = &cm->arch;
    uint32_t nch = cm->board.geom.n_chips;
    le_report r;
    memset(&r, 0, sizeof r);
    r.board = cm->board.geom.name;
    r.board_file = cm->board.path;
    r.arch_file = ar->path;
    r.mode = le_noc_mode_name(cm->mode);
    r.chips = nch;
    r.chip_rows = cm->board.geom.chip_rows;
    r.chip_cols = cm->board.geom.chip_cols;
    r.cores = tp->n_cores;
    r.seed = cm->seed;
    le_costmodel_summary(cm, &r.sum);
    r.power_w = r.sum.time_s > 0 ? r.sum.e_total_j / r.sum.time_s : 0;
    le_costmodel_inference_split(cm, r.inf_split_j);
    r.nc_compute_dyn_j = L->nc_dyn_pj * 1e-12;
    r.mesh_dyn_j = le_noc_energy_pj(cm->noc) * 1e-12;
    r.barrier_dyn_j = L->barrier_pj * 1e-12;
    double st = L->steps ? 1e-12 / (double)L->steps : 0;
    r.phase_inject_s = (double)L->inject_ps * st;
    r.phase_cores_net_s = (double)L->cores_net_ps * st;
    r.phase_barrier_s = (double)L->barrier_ps * st;
    r.phase_mgmt_s = (double)L->mgmt_ps * st;
    r.synops = L->synops;
    r.axons_in = L->axons_in;
    r.axons_out = L->axons_out;
    r.cx_updates = L->cx_updates;
    r.spikes = L->spikes;
    r.packets = L->packets;
    r.injected = L->injected;
    for (int c = 0; c < LE_LC_N; c++)
        r.hops += le_noc_class_hops(cm->noc, c);
    r.x86_snips = L->x86_snips;
    r.bad_entries = L->bad_entries;

    /* Per-chip mesh energy and busy time from the links each chip owns (O(links touched)). */
    uint32_t n_touched;
    const uint32_t *touched = le_noc_touched(cm->noc, &n_touched);
    double *mesh_e = calloc(nch, sizeof *mesh_e), *mesh_b = calloc(nch, sizeof *mesh_b);
    le_report_chip *rows = calloc(nch, sizeof *rows);
    link_row *lr = malloc((n_touched ? n_touched : 1) * sizeof *lr);
    uint32_t top = cm->top_n < n_touched ? cm->top_n : n_touched;
    le_report_link *links = calloc(top ? top : 1, sizeof *links);
    le_code rc = LE_OK;
    if (!mesh_e || !mesh_b || !rows || !lr || !links) {
        rc = le_fail(err, LE_ERR_NOMEM, "report: out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < n_touched; i++) {
        uint32_t l = touched[i];
        const le_link_cost *lc = &tp->cls[le_link_class(tp, l)];
        uint64_t cnt = le_noc_link_packets(cm->noc, l);
        mesh_e[le_link_chip(tp, l)] += (double)cnt * lc->e_pj;
        mesh_b[le_link_chip(tp, l)] += (double)cnt * (double)lc->ser_ps;
        lr[i].id = l;
        lr[i].count = cnt;
    }
    uint32_t nr = 0;
    for (uint32_t c = 0; c < nch; c++) {
        const le_chip_ledger *cl = &L->chip[c];
        if (!cl->in_use && cl->nc_dyn_pj == 0 && cl->x86_dyn_pj == 0 && mesh_e[c] == 0 && mesh_b[c] == 0)
            continue;
        le_report_chip *row = &rows[nr++];
        row->chip = c;
        row->cores_in_use = cl->cores_in_use;
        double up_ps = cl->in_use ? (double)(L->time_ps - cl->in_use_ps) : 0;
        double core_ps = cl->in_use ? (double)le_ledger_core_ps(L, c, L->time_ps) : 0;
        uint64_t bar_steps = cl->in_use ? L->steps - cl->in_use_step : 0;
        row->nc_static_j = (ar->p_nc_static_chip_mw * up_ps + ar->p_nc_static_core_mw * core_ps) * 1e-3 * 1e-12;
        row->x86_static_j = ar->p_x86_static_chip_mw * up_ps * 1e-3 * 1e-12;
        row->nc_dyn_j = cl->nc_dyn_pj * 1e-12;
        row->mesh_dyn_j = (mesh_e[c] + ar->e_barrier_pj_per_chip * (double)bar_steps) * 1e-12;
        row->x86_dyn_j = cl->x86_dyn_pj * 1e-12;
        row->nc_busy_s = (double)cl->nc_busy_ps * 1e-12;
        row->mesh_busy_s = mesh_b[c] * 1e-12;
        row->x86_busy_s = (double)cl->x86_busy_ps * 1e-12;
    }
    qsort(lr, n_touched, sizeof *lr, cmp_link_rows);
    for (uint32_t i = 0; i < top; i++) {
        const le_link_cost *lc = &tp->cls[le_link_class(tp, lr[i].id)];
        le_link_name(tp, lr[i].id, links[i].name, sizeof links[i].name);
        links[i].packets = lr[i].count;
        links[i].busy_s = (double)lr[i].count * (double)lc->ser_ps * 1e-12;
        links[i].energy_j = (double)lr[i].count * lc->e_pj * 1e-12;
    }
    r.chip_rows_ = rows;
    r.n_chip_rows = nr;
    r.links = links;
    r.n_links = top;
    r.links_touched = n_touched;
    if (cm->alloc_failed)
        rc = le_fail(err, LE_ERR_NOMEM, "cost model: ran out of memory during the run; the figures are incomplete");
    else if (cm->net_err.code != LE_OK)
        rc = le_fail(err, cm->net_err.code, "%s; the figures are incomplete", cm->net_err.msg);
    else
        rc = le_report_write(&r, table, json_path, err);
done:
    free(mesh_e);
    free(mesh_b);
    free(rows);
    free(lr);
    free(links);
    return rc;
}
