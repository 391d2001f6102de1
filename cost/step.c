/* The step formula of the cost model (docs/architecture.md gives the derivation):
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

#include "cost/costmodel_internal.h"

static le_code bad(const le_costmodel *cm, le_error *err, const char *what, uint32_t id, uint64_t step)
{
    return le_fail(err, LE_ERR_CONFIG, "step %llu: %s %u outside board %s (%u chips, %u cores)",
                   (unsigned long long)step, what, id, cm->board.geom.name, cm->board.geom.n_chips, cm->topo.n_cores);
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

/* Use tracking (cost/costmodel.c) for cores and chips not yet in use: after the first steps
 * every packet names ones that are. */
static inline void use_core(le_costmodel *cm, uint32_t gid, int64_t now)
{
    if (!cm->c_used[gid])
        le_costmodel_use_core(cm, gid, now);
}

static inline void use_chip(le_costmodel *cm, uint32_t chip, int64_t now)
{
    if (!cm->led.chip[chip].in_use)
        le_costmodel_use_chip(cm, chip, now);
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

static le_code deliver(le_costmodel *cm, uint32_t n, int64_t *done, uint64_t step, le_error *err)
{
    le_code rc = le_noc_deliver(cm->noc, cm->pk, cm->send, n, done, err);
    if (rc)
        le_error_prefix(err, "step %llu", (unsigned long long)step);
    return rc;
}

le_code le_costmodel_step(le_costmodel *cm, const le_step_activity *a, le_error *err)
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
    if (!reserve(cm, most))
        return le_fail(err, LE_ERR_NOMEM, "step %llu: out of memory for %u packets", (unsigned long long)step, most);

    /* Phase 1: x86 spiking snip, injections. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->n_injected; i++) {
        le_packet p = a->injected[i];
        int src_ok = (p.src & LE_SRC_X86_FLAG) && le_topo_valid_src(tp, p.src);
        if (!src_ok || !le_topo_valid_dst(tp, p.dst)) {
            return bad(cm, err, src_ok ? "injected packet to core" : "injected packet from x86 source", src_ok ? p.dst : p.src,
                step);
        }
        uint32_t chip = p.src & ~LE_SRC_X86_FLAG;
        use_chip(cm, chip, now);
        use_core(cm, p.dst, now);
        cm->send[n] = x86_send(cm, chip);
        cm->pk[n++] = p;
    }
    x86_reset(cm);
    le_code rc = deliver(cm, n, &sc.inject_ps, step, err);
    if (rc)
        return rc;
    L->injected += n;

    /* Phase 2: neuro-cores (synaptic, compartment, output) and their packets. */
    for (uint32_t i = 0; i < a->n_cores; i++) {
        const le_core_activity *c = &a->cores[i];
        if (c->core >= tp->n_cores) {
            return bad(cm, err, "core", c->core, step);
        }
        uint32_t gid = c->core, chip = gid / cpc;
        use_core(cm, gid, now);
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
            return bad(cm, err, src_ok ? "packet to core" : "packet from source", src_ok ? p.dst : p.src, step);
        }
        if (p.src & LE_SRC_X86_FLAG) {
            uint32_t chip = p.src & ~LE_SRC_X86_FLAG;
            use_chip(cm, chip, now);
            cm->send[n] = x86_send(cm, chip);
        } else {
            uint32_t g = p.src;
            use_core(cm, g, now);
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
        use_core(cm, p.dst, now); /* a core that receives spikes is configured */
        cm->pk[n++] = p;
    }
    x86_reset(cm);
    if ((rc = deliver(cm, n, &sc.net_ps, step, err)))
        return rc;
    L->packets += n;
    for (uint32_t i = 0; i < cm->n_c_dirty; i++)
        cm->c_mark[cm->c_dirty[i]] = 0;
    cm->n_c_dirty = 0;
    sc.cores_net_ps = sc.cores_ps > sc.net_ps ? sc.cores_ps : sc.net_ps;

    /* Phase 4 (x86 management) marks its chips in use before the barrier's span is read. */
    for (uint32_t i = 0; i < a->n_x86; i++) {
        const le_x86_activity *x = &a->x86[i];
        if (x->chip >= cm->board.geom.n_chips) {
            return bad(cm, err, "x86 of chip", x->chip, step);
        }
        le_costmodel_use_chip(cm, x->chip, now);
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
    return LE_OK;
}

