/* The functional time-step loop (run/sim.h). */
#include <stdlib.h>
#include <string.h>

#include "run/sim_internal.h"
#include "util/interrupt.h"

#define NONE LE_CFG_NONE
#define AUX_FLAG LE_CFG_AUX

static le_code nomem(le_error *err, const char *what)
{
    return le_fail(err, LE_ERR_NOMEM, "chip configuration: out of memory for %s", what);
}

static le_code create(const le_network *net, le_network *consume, const le_placement *pl, const le_board_geom *geom,
                      const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records, le_sim **out,
                      le_error *err)
{
    *out = NULL;
    le_sim *s = calloc(1, sizeof *s);
    if (!s)
        return nomem(err, "the simulator");
    le_code rc = consume ? le_chipcfg_build_consume(consume, pl, geom, lim, part, chip_lo, chip_hi, records, &s->c, err)
                 : part  ? le_chipcfg_build_part(net, pl, geom, lim, chip_lo, chip_hi, records, &s->c, err)
                         : le_chipcfg_build(net, pl, geom, lim, &s->c, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->pend = s->pend_next = s->inj_now = LE_VEC(le_delivery);
    s->inj_next = s->inj_arrive = LE_VEC(le_delivery);
    s->packets = s->injected = LE_VEC(le_packet);
    s->exported = LE_VEC(uint32_t);
    s->inject_latency = 1;
    const uint32_t NC = s->c.n_cores, nch = geom->n_chips;
    s->fired = malloc(((size_t)s->c.max_cx + 1) * sizeof *s->fired);
    s->spiked_at = calloc((size_t)s->c.nrn_n + 1, sizeof *s->spiked_at);
    s->awake = malloc((NC + 1) * sizeof *s->awake);
    s->disabled = calloc(NC + 1, 1);
    s->in_awake = calloc(NC + 1, 1);
    s->touched = malloc((NC + 1) * sizeof *s->touched);
    s->is_touched = calloc(NC + 1, 1);
    s->act_cores = calloc(NC + 1, sizeof *s->act_cores);
    s->x86 = calloc(nch + 1, sizeof *s->x86);
    s->x86_dirty = calloc(nch + 1, 1);
    s->x86_list = calloc(nch + 1, sizeof *s->x86_list);
    s->act_x86 = calloc(nch + 1, sizeof *s->act_x86);
    if (!s->fired || !s->spiked_at || !s->awake || !s->disabled || !s->in_awake || !s->touched || !s->is_touched || !s->act_cores ||
        !s->x86 || !s->x86_dirty || !s->x86_list || !s->act_x86) {
        le_sim_free(s);
        return nomem(err, "the step state");
    }
    for (uint32_t c = 0; c < nch; c++)
        s->x86[c].chip = c;
    for (uint32_t i = 0; i < NC; i++)
        if (s->c.cores[i].awake) {
            s->awake[s->n_awake++] = i;
            s->in_awake[i] = 1;
        }
    s->cur_t = 1;
    s->x86_services = le_sim_x86_table(s);
    *out = s;
    return LE_OK;
}

le_code le_sim_create(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                      const le_limits *lim, le_sim **out, le_error *err)
{
    return create(net, NULL, pl, geom, lim, 0, 0, 0, 1, out, err);
}

le_code le_sim_create_part(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                           const le_limits *lim, uint32_t chip_lo, uint32_t chip_hi, int records, le_sim **out,
                           le_error *err)
{
    return create(net, NULL, pl, geom, lim, 1, chip_lo, chip_hi, records, out, err);
}

le_code le_sim_create_consume(le_network *net, const le_placement *pl, const le_board_geom *geom,
                              const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records,
                              le_sim **out, le_error *err)
{
    return create(net, net, pl, geom, lim, part, chip_lo, chip_hi, records, out, err);
}

void le_sim_set_exchange(le_sim *s, le_sim_exchange fn, void *ctx)
{
    s->exchange = fn;
    s->exchange_ctx = ctx;
}

le_code le_sim_deliver_remote(le_sim *s, const uint32_t *gids, uint32_t n, le_error *err)
{
    for (uint32_t j = 0; j < n; j++) {
        uint32_t g = gids[j], q = le_chipcfg_slot(&s->c, g);
        if (g >= s->c.n_neurons || le_chipcfg_core_of(&s->c, g) != NONE)
            return le_fail(err, LE_ERR_CONFIG, "remote spike of neuron %u: not a neuron of another part", g);
        if (q == NONE) /* it reaches no core of this part */
            continue;
        for (size_t k = s->c.inj_start[q]; k < s->c.inj_start[q + 1]; k++)
            if (!le_vec_push(&s->pend, &s->c.inj[k]))
                return le_fail(err, LE_ERR_NOMEM, "out of memory for remote spikes");
    }
    return LE_OK;
}

void le_sim_free(le_sim *s)
{
    if (!s)
        return;
    le_chipcfg_free(&s->c);
    free(s->fired);
    le_vec_free(&s->pend);
    le_vec_free(&s->pend_next);
    le_vec_free(&s->inj_now);
    le_vec_free(&s->inj_next);
    le_vec_free(&s->inj_arrive);
    le_vec_free(&s->packets);
    le_vec_free(&s->injected);
    le_vec_free(&s->exported);
    free(s->awake);
    free(s->disabled);
    free(s->in_awake);
    free(s->touched);
    free(s->is_touched);
    free(s->act_cores);
    free(s->x86);
    free(s->x86_dirty);
    free(s->x86_list);
    free(s->act_x86);
    free(s->spiked_at);
    free(s);
}

void le_sim_set_cost_sink(le_sim *s, const le_cost_sink *sink)
{
    if (sink && sink->step) {
        s->sink = *sink;
        s->has_sink = 1;
    } else
        s->has_sink = 0;
}

void le_sim_set_observer(le_sim *s, le_step_observer fn, void *ctx)
{
    s->observer = fn;
    s->observer_ctx = ctx;
}

le_code le_sim_set_inject_latency(le_sim *s, uint32_t steps, le_error *err)
{
    if (steps > 1)
        return le_fail(err, LE_ERR_RANGE, "x86 injection latency %u steps: must be 0 or 1", steps);
    s->inject_latency = steps;
    return LE_OK;
}

uint32_t le_sim_step_now(const le_sim *s) { return s->t; }
const le_x86 *le_sim_x86(le_sim *s) { return &s->x86_services; }
const le_chipcfg *le_sim_config(const le_sim *s) { return &s->c; }
uint32_t le_sim_n_cores(const le_sim *s) { return s->c.n_cores; }
const le_neurocore *le_sim_core(const le_sim *s, uint32_t i) { return i < s->c.n_cores ? &s->c.cores[i] : NULL; }
uint64_t le_sim_total_spikes(const le_sim *s) { return s->total_spikes; }
int le_sim_fired(const le_sim *s, uint32_t g, uint32_t t)
{
    return g - s->c.nrn_lo < s->c.nrn_n && s->spiked_at[g - s->c.nrn_lo] == t;
}

static void touch(le_sim *s, uint32_t i)
{
    if (!s->is_touched[i]) {
        s->is_touched[i] = 1;
        s->touched[s->n_touched++] = i;
    }
}

static void wake(le_sim *s, uint32_t i)
{
    if (!s->in_awake[i]) {
        s->in_awake[i] = 1;
        s->awake[s->n_awake++] = i;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts the step's lists of cores and chips: usually a few entries, often already in order,
 * where qsort's setup costs more than the sort. */
static void sort_u32(uint32_t *a, uint32_t n)
{
    uint32_t i = 1;
    while (i < n && a[i - 1] <= a[i])
        i++;
    if (i >= n)
        return; /* the awake cores stay in order from step to step unless one wakes */
    if (n > 32) {
        qsort(a, n, sizeof *a, cmp_u32);
        return;
    }
    for (; i < n; i++) {
        uint32_t x = a[i], j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Hands the step's activity to the cost sink, then clears the per-step counters. */
static le_code report_activity(le_sim *s, uint32_t t, le_error *err)
{
    sort_u32(s->touched, s->n_touched);
    for (uint32_t j = 0; j < s->n_touched; j++) {
        le_neurocore *c = &s->c.cores[s->touched[j]];
        le_core_activity *a = &s->act_cores[j];
        a->core = c->gid;
        a->synops = (uint32_t)c->ctr.synops;
        a->axons_in = c->ctr.axons_in;
        a->cx_updates = c->ctr.cx_updates;
        a->cx_active = c->ctr.cx_active;
        a->spikes = c->ctr.spikes;
        a->axons_out = c->ctr.axons_out;
    }
    sort_u32(s->x86_list, s->n_x86_dirty);
    for (uint32_t j = 0; j < s->n_x86_dirty; j++)
        s->act_x86[j] = s->x86[s->x86_list[j]];
    le_code rc = LE_OK;
    if (s->has_sink) {
        le_step_activity act;
        act.step = t;
        act.cores = s->act_cores;
        act.n_cores = s->n_touched;
        act.packets = s->packets.a;
        act.n_packets = (uint32_t)s->packets.n;
        act.injected = s->injected.a;
        act.n_injected = (uint32_t)s->injected.n;
        act.x86 = s->act_x86;
        act.n_x86 = s->n_x86_dirty;
        rc = s->sink.step(s->sink.ctx, &act, err);
    }
    for (uint32_t j = 0; j < s->n_touched; j++) {
        uint32_t i = s->touched[j];
        memset(&s->c.cores[i].ctr, 0, sizeof s->c.cores[i].ctr);
        s->is_touched[i] = 0;
    }
    s->n_touched = 0;
    for (uint32_t j = 0; j < s->n_x86_dirty; j++) {
        uint32_t chip = s->x86_list[j];
        memset(&s->x86[chip], 0, sizeof s->x86[chip]);
        s->x86[chip].chip = chip;
        s->x86_dirty[chip] = 0;
    }
    s->n_x86_dirty = 0;
    s->packets.n = 0;
    s->injected.n = 0;
    return rc;
}

/* Synaptic phase for one queue of spike messages: each lands on its core's input axon. */
static void deliver_all(le_sim *s, le_vec *q, uint32_t t)
{
    const le_delivery *d = q->a;
    for (size_t j = 0; j < q->n; j++) {
        le_core_deliver_atom(&s->c.cores[d[j].core], d[j].axon, d[j].atom, t);
        touch(s, d[j].core);
        wake(s, d[j].core);
    }
    q->n = 0;
}

static void swap_vec(le_vec *a, le_vec *b)
{
    le_vec tmp = *a;
    *a = *b;
    *b = tmp;
}

/* Compartment phase on the awake cores, in core order; the spikes become packets. */
static le_code compartments(le_sim *s, uint32_t t, le_error *err)
{
    sort_u32(s->awake, s->n_awake);
    uint32_t keep = 0;
    for (uint32_t j = 0; j < s->n_awake; j++) {
        const uint32_t i = s->awake[j];
        le_neurocore *c = &s->c.cores[i];
        if (s->disabled[i]) { /* stays awake: its input waits in the accumulators */
            s->awake[keep++] = i;
            continue;
        }
        uint32_t nf = le_core_update(c, t, s->fired);
        touch(s, i);
        const size_t base = s->c.cx_base[i];
        for (uint32_t f = 0; f < nf; f++) {
            const uint16_t cx = s->fired[f];
            const uint32_t g = s->c.cx_nrn[base + cx];
            s->total_spikes++;
            if (g != NONE && !(g & AUX_FLAG))
                s->spiked_at[g - s->c.nrn_lo] = t;
            for (uint32_t o = c->out_start[cx]; o < c->out_start[cx + 1]; o++) {
                const le_axon_dst *od = &c->out[o];
                le_packet pk = {c->gid, od->core, cx, 0};
                le_delivery dv = {s->c.gid_local[od->core], od->axon, c->out_atom ? c->out_atom[o] : 0u};
                /* A core of another part (board mode): the packet is sent, that part delivers it. */
                if (!le_vec_room(&s->packets) || (dv.core != NONE && !le_vec_room(&s->pend_next)))
                    return le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for spike packets", t);
                ((le_packet *)s->packets.a)[s->packets.n++] = pk;
                if (dv.core != NONE)
                    ((le_delivery *)s->pend_next.a)[s->pend_next.n++] = dv;
            }
            if (s->c.part && g != NONE && !(g & AUX_FLAG) && s->c.remote_out[g - s->c.nrn_lo] && !le_vec_push(&s->exported, &g))
                return le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for spikes to other parts", t);
        }
        if (c->awake)
            s->awake[keep++] = i;
        else
            s->in_awake[i] = 0;
    }
    s->n_awake = keep;
    swap_vec(&s->pend, &s->pend_next);
    s->pend_next.n = 0;
    return LE_OK;
}

le_code le_sim_run(le_sim *s, uint32_t steps, const le_snips *snips, le_error *err)
{
    le_code rc;
    const le_x86 *x86 = &s->x86_services;
    for (uint32_t k = 0; k < steps; k++) {
        /* SIGINT/SIGTERM stop the run between whole steps (util/interrupt.h). */
        if (le_interrupt_pending())
            return le_fail(err, LE_ERR_INTERRUPTED, "interrupted by %s after step %u",
                           le_interrupt_name(le_interrupt_pending()), s->t);
        const uint32_t t = s->t + 1;
        s->cur_t = t;
        if (t == UINT32_MAX)
            return le_fail(err, LE_ERR_LIMIT, "step %u: the step counter is exhausted", t);

        /* Injections sent in the last step arrive now. */
        swap_vec(&s->inj_arrive, &s->inj_next);
        s->inj_next.n = 0;

        /* x86 spiking phase. */
        if (snips && snips->spiking && (rc = snips->spiking(snips->user, x86, t, err)))
            return rc;
        while (s->next_input < s->c.n_inputs && s->c.inputs[s->next_input].step <= t) {
            const le_input_spike *in = &s->c.inputs[s->next_input++];
            if (in->step == t && (rc = le_sim_inject_into(s, in->pop, in->neuron, &s->inj_now, err)))
                return rc;
        }

        /* Synaptic phase: last step's packets and x86 injections, then this step's network-file inputs. */
        deliver_all(s, &s->pend, t);
        deliver_all(s, &s->inj_arrive, t);
        deliver_all(s, &s->inj_now, t);

        if ((rc = compartments(s, t, err)))
            return rc;
        if (s->exchange) {
            rc = s->exchange(s->exchange_ctx, s, t, s->exported.a, (uint32_t)s->exported.n, err);
            s->exported.n = 0;
            if (rc)
                return rc;
        }
        if (s->observer && (rc = s->observer(s->observer_ctx, s, t, err)))
            return rc;

        /* Barrier, then the x86 management phase. */
        if (snips && snips->management && (rc = snips->management(snips->user, x86, t, err)))
            return rc;
        if ((rc = report_activity(s, t, err)))
            return rc;
        s->t = t;
        s->cur_t = t + 1;
    }
    return LE_OK;
}
