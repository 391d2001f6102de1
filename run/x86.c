/* The x86 services a snip uses (core/snip.h) on a running simulation: injections, register
 * reads and resets over the mesh, plain snip work. Each is counted as x86 work of the chip
 * concerned, which the cost model turns into time and energy. */
#include <string.h>

#include "run/sim_internal.h"

static le_x86_activity *x86_of(le_sim *s, uint32_t chip)
{
    if (!s->x86_dirty[chip]) {
        s->x86_dirty[chip] = 1;
        s->x86_list[s->n_x86_dirty++] = chip;
    }
    return &s->x86[chip];
}

le_code le_sim_inject_into(le_sim *s, uint32_t pop, uint32_t neuron, le_vec *queue, le_error *err)
{
    const le_chipcfg *c = &s->c;
    if (pop >= c->n_pops || neuron >= c->pops[pop].size)
        return le_fail(err, LE_ERR_CONFIG, "x86 inject: population %u neuron %u does not exist", pop, neuron);
    const le_cfg_pop *p = &c->pops[pop];
    if (p->kind != LE_POP_INPUT)
        return le_fail(err, LE_ERR_CONFIG, "x86 inject: population %u is not an input population (neuron %u)", pop,
                       neuron);
    uint32_t g = p->base + neuron, chip = (uint32_t)(p->input_chip < 0 ? 0 : p->input_chip);
    uint32_t q = le_chipcfg_slot(c, g); /* every input neuron has one */
    if (c->part) {
        /* Board mode: this part's deliveries; one part records the x86's packets to every core. */
        for (size_t j = c->inj_start[q]; j < c->inj_start[q + 1]; j++)
            if (!le_vec_push(queue, &c->inj[j]))
                return le_fail(err, LE_ERR_NOMEM, "x86 inject: out of memory (population %u neuron %u)", pop, neuron);
        if (!c->part_records)
            return LE_OK;
        le_x86_activity *x = x86_of(s, chip);
        for (size_t j = c->inj_gid_start[q]; j < c->inj_gid_start[q + 1]; j++) {
            le_packet pk = {LE_SRC_X86(chip), c->inj_gid[j], 0, 0};
            if (!le_vec_push(&s->injected, &pk))
                return le_fail(err, LE_ERR_NOMEM, "x86 inject: out of memory (population %u neuron %u)", pop, neuron);
            x->spikes_injected++;
        }
        return LE_OK;
    }
    le_x86_activity *x = x86_of(s, chip);
    for (size_t j = c->inj_start[q]; j < c->inj_start[q + 1]; j++) {
        const le_delivery *d = &c->inj[j];
        le_packet pk = {LE_SRC_X86(chip), c->cores[d->core].gid, 0, 0};
        if (!le_vec_push(queue, d) || !le_vec_push(&s->injected, &pk))
            return le_fail(err, LE_ERR_NOMEM, "x86 inject: out of memory (population %u neuron %u)", pop, neuron);
        x->spikes_injected++;
    }
    return LE_OK;
}

static le_code inject(void *ctx, uint32_t pop, uint32_t neuron, le_error *err)
{
    le_sim *s = ctx;
    return le_sim_inject_into(s, pop, neuron, s->inject_latency ? &s->inj_next : &s->inj_now, err);
}

/* One register of a neuron's main compartment, billed as one register read. */
static le_code read_reg(void *ctx, uint32_t pop, uint32_t neuron, le_reg reg, int32_t *out, le_error *err)
{
    le_sim *s = ctx;
    const le_chipcfg *c = &s->c;
    const char *what = reg == LE_REG_V ? "v" : "u";
    if (pop >= c->n_pops || neuron >= c->pops[pop].size)
        return le_fail(err, LE_ERR_CONFIG, "x86 read %s: population %u neuron %u does not exist", what, pop, neuron);
    uint32_t g = c->pops[pop].base + neuron;
    if (le_chipcfg_core_of(c, g) == LE_CFG_NONE)
        return le_fail(err, LE_ERR_CONFIG, "x86 read %s: population %u neuron %u has no compartment", what, pop,
                       neuron);
    const le_neurocore *core = &c->cores[le_chipcfg_core_of(c, g)];
    x86_of(s, core->gid / c->geom.cores_per_chip)->reg_reads++;
    *out = reg == LE_REG_V ? core->v[le_chipcfg_cx_of(c, g)] : core->u[le_chipcfg_cx_of(c, g)];
    return LE_OK;
}

static le_code reset_all(void *ctx, le_error *err)
{
    (void)err;
    le_sim *s = ctx;
    s->n_awake = 0;
    for (uint32_t i = 0; i < s->c.n_cores; i++) {
        le_neurocore *c = &s->c.cores[i];
        le_core_reset(c);
        /* u, v and the refractory state of every compartment. */
        x86_of(s, c->gid / s->c.geom.cores_per_chip)->reg_writes += 3u * c->n_cx;
        s->in_awake[i] = 0;
        if (c->awake) {
            s->awake[s->n_awake++] = i;
            s->in_awake[i] = 1;
        }
    }
    /* Spikes sent in this step (by neuro-cores or x86 injections) already sit in the
     * dendritic accumulators that the reset clears. */
    s->pend.n = 0;
    s->inj_next.n = 0;
    return LE_OK;
}

static le_code count(void *ctx, uint32_t chip, uint32_t snip_ops, uint32_t words_in, uint32_t words_out,
                     le_error *err)
{
    le_sim *s = ctx;
    if (chip >= s->c.geom.n_chips)
        return le_fail(err, LE_ERR_CONFIG, "x86 count: chip %u does not exist (%u chips)", chip, s->c.geom.n_chips);
    le_x86_activity *x = x86_of(s, chip);
    x->snip_ops += snip_ops;
    x->host_words_in += words_in;
    x->host_words_out += words_out;
    return LE_OK;
}

/* Calls fn on every configured core that holds a neuron of pop, once each, in order. The
 * chip's x86 switches and resets whole cores, so a core that also holds another population is
 * an error: the service would act on that population too. */
static le_code for_pop_cores(le_sim *s, uint32_t pop, const char *what, le_error *err,
                             void (*fn)(le_sim *s, uint32_t core, void *arg), void *arg)
{
    const le_chipcfg *c = &s->c;
    if (pop >= c->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "x86 %s: population %u does not exist", what, pop);
    if (c->pops[pop].kind == LE_POP_INPUT)
        return le_fail(err, LE_ERR_CONFIG, "x86 %s: population '%s' has no compartments", what, c->pops[pop].name);
    uint32_t last = LE_CFG_NONE;
    for (uint32_t g = c->pops[pop].base; g < c->pops[pop].base + c->pops[pop].size; g++) {
        uint32_t core = le_chipcfg_core_of(c, g);
        if (core == last || core == LE_CFG_NONE) /* NONE: a core of another part */
            continue; /* a population's neurons fill its cores one after the other */
        last = core;
        for (size_t x = c->cx_base[core]; x < c->cx_base[core + 1]; x++) {
            uint32_t o = c->cx_nrn[x];
            if (o == LE_CFG_NONE)
                continue;
            uint32_t op = le_chipcfg_pop_of(c, o & ~LE_CFG_AUX);
            if (op != pop) {
                uint32_t gid = c->cores[core].gid;
                return le_fail(err, LE_ERR_CONFIG,
                               "x86 %s: population '%s' shares core %u of chip %u with population '%s', and the x86 "
                               "acts on whole cores (give it cores of its own: own_cores)",
                               what, c->pops[pop].name, gid % c->geom.cores_per_chip, gid / c->geom.cores_per_chip,
                               c->pops[op].name);
            }
        }
        fn(s, core, arg);
    }
    return LE_OK;
}

static void enable_core(le_sim *s, uint32_t i, void *arg)
{
    int on = *(const int *)arg;
    le_neurocore *c = &s->c.cores[i];
    if (on && s->disabled[i]) {
        le_core_clear_dendrites(c);
        s->disabled[i] = 0;
    } else if (!on) {
        s->disabled[i] = 1;
    }
    x86_of(s, c->gid / s->c.geom.cores_per_chip)->reg_writes++;
}

static le_code enable(void *ctx, uint32_t pop, int on, le_error *err)
{
    return for_pop_cores(ctx, pop, "enable", err, enable_core, &on);
}

/* The fast multicore initialisation: compartment state, meta state and dendritic
 * accumulators of a whole core, one register write each. */
static void reset_core(le_sim *s, uint32_t i, void *arg)
{
    (void)arg;
    le_neurocore *c = &s->c.cores[i];
    le_core_reset(c);
    x86_of(s, c->gid / s->c.geom.cores_per_chip)->reg_writes += 3u;
}

static le_code reset_pop(void *ctx, uint32_t pop, le_error *err)
{
    return for_pop_cores(ctx, pop, "reset", err, reset_core, NULL);
}

typedef struct {
    uint32_t pop;
    int32_t decay_v;
} decay_arg;

/* Every profile a compartment of the population uses on this core takes the new decay (the
 * population's compartments may share a profile with other populations' only when all
 * their fields are equal; the RelNet's readout core holds the readout alone). */
static void decay_core(le_sim *s, uint32_t i, void *arg)
{
    const decay_arg *d = arg;
    const le_chipcfg *c = &s->c;
    le_neurocore *core = &c->cores[i];
    uint8_t seen[256] = {0};
    uint32_t writes = 0;
    for (uint32_t x = 0; x < core->n_cx; x++) {
        uint32_t g = c->cx_nrn[c->cx_base[i] + x];
        if (g == LE_CFG_NONE || (g & LE_CFG_AUX) || le_chipcfg_pop_of(c, g) != d->pop)
            continue;
        uint16_t p = core->cx_profile[x];
        if (p < 256 && !seen[p]) {
            seen[p] = 1;
            le_core_set_decay_v(core, p, d->decay_v);
            writes++;
        }
    }
    x86_of(s, core->gid / c->geom.cores_per_chip)->reg_writes += writes;
}

static le_code set_decay_v(void *ctx, uint32_t pop, int32_t decay_v, le_error *err)
{
    if (decay_v < 0 || decay_v > 4095)
        return le_fail(err, LE_ERR_RANGE, "x86 set decay_v: %d outside 0..4095", decay_v);
    decay_arg a = {pop, decay_v};
    return for_pop_cores(ctx, pop, "set decay_v", err, decay_core, &a);
}

le_x86 le_sim_x86_table(le_sim *s)
{
    le_x86 x;
    x.ctx = s;
    x.inject = inject;
    x.read = read_reg;
    x.reset_all = reset_all;
    x.count = count;
    x.enable = enable;
    x.reset_pop = reset_pop;
    x.set_decay_v = set_decay_v;
    return x;
}
