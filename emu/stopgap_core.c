/* STOPGAP, to be deleted when developer A's core/compartment + core/neurocore land on main:
 * a plain implementation of the core/neurocore.h and le_profile_* contracts so that the run
 * loop, placement and their tests can be built and exercised meanwhile. */
#include <stdlib.h>
#include <string.h>

#include "core/neurocore.h"

le_profile le_profile_default(void)
{
    le_profile p;
    memset(&p, 0, sizeof p);
    p.decay_u = LE_DECAY_ONE;
    p.vth_mant = 1;
    p.refract = 1;
    p.vmin_exp = 23;
    p.vmax_exp = 7;
    return p;
}

#define CHECK(field, lo, hi)                                                                             \
    if (p->field < (lo) || p->field > (hi))                                                              \
        return le_fail(err, LE_ERR_RANGE, #field " = %ld outside %ld..%ld", (long)p->field, (long)(lo), \
                       (long)(hi));

le_code le_profile_check(const le_profile *p, le_error *err)
{
    CHECK(decay_u, 0, 4096);
    CHECK(decay_v, 0, 4095);
    CHECK(bias_mant, -4096, 4095);
    CHECK(bias_exp, 0, 7);
    CHECK(vth_mant, 0, 131071);
    CHECK(refract, 1, 64);
    CHECK(vmin_exp, 0, 23);
    CHECK(vmax_exp, 0, 7);
    return LE_OK;
}

int32_t le_actual_weight(int32_t mant, int32_t wexp)
{
    int s = LE_WEIGHT_SHIFT + wexp;
    return s >= 0 ? mant * (1 << s) : mant >> (-s);
}

uint64_t le_axon_sram_bits(const le_limits *lim, const le_axon_fmt *fmt, uint32_t n, uint32_t n_cx)
{
    uint32_t idx = 0;
    if (!fmt->dense) {
        idx = 6;
        while (idx < 12 && (1u << idx) < n_cx)
            idx++;
    }
    uint64_t per = (uint64_t)fmt->weight_bits + fmt->delay_bits + idx, bits = 0;
    for (uint32_t i = 0; i < n; i += lim->synapses_per_block) {
        uint32_t k = n - i < lim->synapses_per_block ? n - i : lim->synapses_per_block;
        uint64_t b = k * per + lim->block_header_bits;
        bits += (b + lim->sram_word_bits - 1) / lim->sram_word_bits * lim->sram_word_bits;
    }
    return bits;
}

le_code le_core_build(le_neurocore *c, const le_core_spec *s, const le_limits *lim, le_error *err)
{
    memset(c, 0, sizeof *c);
    uint32_t chip = s->gid / lim->cores_per_chip, cc = s->gid % lim->cores_per_chip;
    if (s->n_cx > lim->cx_per_core)
        return le_fail(err, LE_ERR_LIMIT, "core %u of chip %u: compartments %u > %u", cc, chip, s->n_cx,
                       lim->cx_per_core);
    if (s->n_in_axons > lim->in_axons_per_core)
        return le_fail(err, LE_ERR_LIMIT, "core %u of chip %u: input axons %u > %u", cc, chip, s->n_in_axons,
                       lim->in_axons_per_core);
    uint32_t nsyn = s->in_start[s->n_in_axons], nout = s->out_start[s->n_cx], maxd = 0;
    uint64_t bits = 0;
    for (uint32_t a = 0; a < s->n_in_axons; a++)
        bits += le_axon_sram_bits(lim, &s->in_fmt[a], s->in_start[a + 1] - s->in_start[a], s->n_cx);
    if (bits > lim->synapse_bits_per_core)
        return le_fail(err, LE_ERR_LIMIT, "core %u of chip %u: synapse memory %llu bits > %llu", cc, chip,
                       (unsigned long long)bits, (unsigned long long)lim->synapse_bits_per_core);
    for (uint32_t i = 0; i < nsyn; i++)
        if (s->syn[i].delay > maxd)
            maxd = s->syn[i].delay;
    c->gid = s->gid;
    c->n_cx = s->n_cx;
    c->n_profiles = s->n_profiles;
    c->profiles = malloc(sizeof(le_profile) * (s->n_profiles + 1));
    c->cx_profile = calloc(s->n_cx + 1, sizeof(uint16_t));
    c->u = calloc(s->n_cx + 1, sizeof(int32_t));
    c->v = calloc(s->n_cx + 1, sizeof(int32_t));
    c->ref = calloc(s->n_cx + 1, 1);
    c->n_slots = maxd + 1;
    c->acc = calloc((size_t)c->n_slots * (s->n_cx + 1), sizeof(int32_t));
    c->slot_dirty = calloc(c->n_slots, 1);
    c->n_in_axons = s->n_in_axons;
    c->in_start = malloc(sizeof(uint32_t) * (s->n_in_axons + 1));
    c->syn = malloc(sizeof(le_synapse) * (nsyn + 1));
    c->in_fmt = malloc(sizeof(le_axon_fmt) * (s->n_in_axons + 1));
    c->out_start = malloc(sizeof(uint32_t) * (s->n_cx + 1));
    c->out = malloc(sizeof(le_axon_dst) * (nout + 1));
    if (!c->profiles || !c->cx_profile || !c->u || !c->v || !c->ref || !c->acc || !c->slot_dirty ||
        !c->in_start || !c->syn || !c->in_fmt || !c->out_start || !c->out) {
        le_core_free(c);
        return le_fail(err, LE_ERR_NOMEM, "core %u of chip %u: out of memory", cc, chip);
    }
    memcpy(c->profiles, s->profiles, sizeof(le_profile) * s->n_profiles);
    memcpy(c->cx_profile, s->cx_profile, sizeof(uint16_t) * s->n_cx);
    memcpy(c->in_start, s->in_start, sizeof(uint32_t) * (s->n_in_axons + 1));
    memcpy(c->syn, s->syn, sizeof(le_synapse) * nsyn);
    memcpy(c->in_fmt, s->in_fmt, sizeof(le_axon_fmt) * s->n_in_axons);
    memcpy(c->out_start, s->out_start, sizeof(uint32_t) * (s->n_cx + 1));
    memcpy(c->out, s->out, sizeof(le_axon_dst) * nout);
    c->syn_bits = bits;
    c->n_out_axons = nout;
    for (uint32_t i = 0; i < s->n_profiles; i++)
        if (s->profiles[i].bias_mant != 0)
            c->has_bias = 1;
    c->awake = c->has_bias;
    c->acc_bits = lim->dendrite_acc_bits;
    c->acc_max = (1 << (lim->dendrite_acc_bits - 1)) - 1;
    c->acc_min = -c->acc_max - 1;
    return LE_OK;
}

void le_core_free(le_neurocore *c)
{
    free(c->profiles);
    free(c->cx_profile);
    free(c->u);
    free(c->v);
    free(c->ref);
    free(c->acc);
    free(c->slot_dirty);
    free(c->in_start);
    free(c->syn);
    free(c->in_fmt);
    free(c->out_start);
    free(c->out);
    memset(c, 0, sizeof *c);
}

void le_core_deliver(le_neurocore *c, uint32_t axon, uint32_t t)
{
    c->ctr.axons_in++;
    for (uint32_t i = c->in_start[axon]; i < c->in_start[axon + 1]; i++) {
        const le_synapse *s = &c->syn[i];
        uint32_t slot = (t + s->delay) % c->n_slots;
        int32_t *a = &c->acc[(size_t)slot * c->n_cx + s->cx];
        int64_t x = (int64_t)*a + s->weight;
        if (x > c->acc_max || x < c->acc_min)
            c->ctr.acc_overflow++;
        *a = le_wrap(x, (int)c->acc_bits);
        c->slot_dirty[slot] = 1;
        c->ctr.synops++;
    }
    c->awake = 1;
}

uint32_t le_core_update(le_neurocore *c, uint32_t t, uint16_t *fired)
{
    uint32_t slot = t % c->n_slots, nf = 0;
    int32_t *acc = &c->acc[(size_t)slot * c->n_cx];
    int32_t join = 0, any = c->has_bias;
    for (uint32_t i = 0; i < c->n_cx; i++) {
        const le_profile *p = &c->profiles[c->cx_profile[i]];
        int32_t in = p->join_op == LE_JOIN_ADD ? join : 0;
        join = 0;
        int s = le_cx_step(p, &c->u[i], &c->v[i], &c->ref[i], acc[i], in);
        acc[i] = 0;
        if (p->stack_out)
            join = c->v[i];
        if (s)
            fired[nf++] = (uint16_t)i;
        if (c->u[i] || c->v[i] || c->ref[i]) {
            c->ctr.cx_active++;
            any = 1;
        }
    }
    c->slot_dirty[slot] = 0;
    for (uint32_t k = 0; k < c->n_slots; k++)
        if (c->slot_dirty[k])
            any = 1;
    c->ctr.cx_updates += c->n_cx;
    c->ctr.spikes += nf;
    c->awake = any;
    return nf;
}

void le_core_reset(le_neurocore *c)
{
    memset(c->u, 0, sizeof(int32_t) * c->n_cx);
    memset(c->v, 0, sizeof(int32_t) * c->n_cx);
    memset(c->ref, 0, c->n_cx);
    memset(c->acc, 0, sizeof(int32_t) * c->n_cx * c->n_slots);
    memset(c->slot_dirty, 0, c->n_slots);
    c->awake = c->has_bias;
}
