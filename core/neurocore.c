#include "core/neurocore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- weights and synapse memory --- */

int32_t le_actual_weight(int32_t mant, int32_t wexp)
{
    /* The chip shifts in two parts [spec §3.1: Brian2Loihi calcActualWeights, nengo-loihi
     * discretize_weights lossy_shift]: the mantissa by wexp, then by 6. A negative wexp
     * drops the low bits of the mantissa (floor, as Brian2Loihi, which claims to match
     * the chip), so every actual weight is a multiple of 64. The result is clipped to
     * +-(2^21 - 2^6) [spec §3.1, Brian2Loihi __getWeightLimit]: only mantissa -256 with
     * wexp 7 reaches the clip. */
    const int64_t lim = ((int64_t)1 << 21) - ((int64_t)1 << LE_WEIGHT_SHIFT);
    int64_t w;
    if (wexp >= 0) {
        w = (int64_t)mant * ((int64_t)1 << (LE_WEIGHT_SHIFT + wexp));
    } else {
        int64_t d = (int64_t)1 << (-wexp);
        int64_t q = (int64_t)mant / d;
        if ((int64_t)mant % d != 0 && mant < 0)
            q -= 1; /* floor, written out so that it does not depend on how C shifts negatives */
        w = q * ((int64_t)1 << LE_WEIGHT_SHIFT);
    }
    return (int32_t)(w > lim ? lim : (w < -lim ? -lim : w));
}

/* 6..12: ceil(log2(n_cx)) clamped. Placement asks for every synapse it tries: no loop. */
static uint32_t index_bits(uint32_t n_cx)
{
    if (n_cx <= 64)
        return 6;
    if (n_cx > 2048)
        return 12;
    return 32u - (uint32_t)__builtin_clz(n_cx - 1u);
}

/* The format of an axon given without one: 8-bit sparse with just enough delay bits. */
static le_axon_fmt default_fmt(uint32_t dmax)
{
    return le_axon_fmt_for(8, dmax);
}

/* n synapses of bps bits each, stored in blocks of synapses_per_block behind a header,
 * each block rounded up to whole SRAM words; closed form, because placement asks this for
 * every synapse it tries on a core. */
static uint64_t blocks_bits(const le_limits *lim, uint64_t bps, uint64_t n)
{
    const uint64_t per = lim->synapses_per_block, word = lim->sram_word_bits, hdr = lim->block_header_bits;
    if (!(per & (per - 1)) && !(word & (word - 1))) {
        /* Loihi's 64 and 64: shifts and masks in place of four divisions. */
        const unsigned ps = (unsigned)__builtin_ctzll(per), ws = (unsigned)__builtin_ctzll(word);
        const uint64_t full = n >> ps, rest = n & (per - 1);
        uint64_t total = full * (((per * bps + hdr + word - 1) >> ws) << ws);
        if (rest)
            total += ((rest * bps + hdr + word - 1) >> ws) << ws;
        return total;
    }
    const uint64_t full = n / per, rest = n % per;
    uint64_t total = full * ((per * bps + hdr + word - 1) / word * word);
    if (rest)
        total += (rest * bps + hdr + word - 1) / word * word;
    return total;
}

/* Bits of one synapse in format fmt, its index field sized for n_idx targets. */
static uint64_t synapse_bits(const le_axon_fmt *fmt, uint32_t n_idx)
{
    return (uint64_t)fmt->weight_bits + fmt->delay_bits + (fmt->dense ? 0u : index_bits(n_idx));
}

uint64_t le_axon_sram_bits(const le_limits *lim, const le_axon_fmt *fmt, uint32_t n, uint32_t n_cx)
{
    return n ? blocks_bits(lim, synapse_bits(fmt, n_cx), n) : 0;
}

uint64_t le_set_sram_bits(const le_limits *lim, const le_axon_fmt *fmt, uint64_t n, uint32_t max_idx)
{
    return n ? blocks_bits(lim, synapse_bits(fmt, max_idx + 1u), n) : 0;
}

/* --- build --- */

static void name_core(char *buf, size_t cap, uint32_t gid, const le_limits *lim)
{
    uint32_t cpc = lim->cores_per_chip ? lim->cores_per_chip : 1;
    /* Two short numbers: cannot overflow the caller's 64-byte buffer. */
    snprintf(buf, cap, "core %u of chip %u", (unsigned)(gid % cpc), (unsigned)(gid / cpc));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static void *alloc_zero(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* Population axons: each names a set and a base that keep every row inside the core; the
 * base fits its field (pop16: a multiple of 4); atoms fit the spike; each set is stored once. */
static le_code check_pop_axons(const le_core_spec *s, const le_limits *lim, const char *cn, uint64_t *bits,
                               uint32_t *dmax_all, le_error *err)
{
    if (s->n_pop_axons == 0)
        return LE_OK;
    if (!s->pop_set || !s->pop_base || !s->sets || !s->row_start)
        return le_fail(err, LE_ERR_CONFIG, "%s: %u population axons but no synapse sets", cn,
                       (unsigned)s->n_pop_axons);
    uint32_t *span = calloc((size_t)s->n_sets + 1, sizeof *span); /* highest relative index + 1 per set */
    if (!span)
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory checking the synapse sets", cn);
    le_code rc = LE_OK;
    uint32_t rows = 0;
    for (uint32_t k = 0; k < s->n_sets && !rc; k++) {
        const le_syn_set *st = &s->sets[k];
        if (st->row0 != rows)
            rc = le_fail(err, LE_ERR_CONFIG, "%s: synapse set %u starts at row %u, expected %u", cn, (unsigned)k,
                         (unsigned)st->row0, (unsigned)rows);
        else if (st->pop_type != 16 && st->pop_type != 32)
            rc = le_fail(err, LE_ERR_CONFIG, "%s: synapse set %u has population type %u, expected 16 or 32", cn,
                         (unsigned)k, (unsigned)st->pop_type);
        else if (st->fmt.weight_bits < 1 || st->fmt.weight_bits > 8)
            rc = le_fail(err, LE_ERR_RANGE, "%s: synapse set %u has weight_bits %u, outside 1..8", cn, (unsigned)k,
                         (unsigned)st->fmt.weight_bits);
        else if (st->pop_type == 16 && st->n_atoms > (1u << lim->pop16_atom_bits_max))
            rc = le_fail(err, LE_ERR_LIMIT, "%s: synapse set %u has %u atoms, more than a pop16 axon addresses (%u)",
                         cn, (unsigned)k, (unsigned)st->n_atoms, 1u << lim->pop16_atom_bits_max);
        if (rc)
            break;
        uint32_t mx = 0, dmax = 0;
        for (uint32_t r = st->row0; r < st->row0 + st->n_atoms; r++)
            for (uint32_t i = s->row_start[r]; i < s->row_start[r + 1]; i++) {
                const le_synapse *y = &s->set_syn[i];
                if ((uint32_t)y->cx + 1 > mx)
                    mx = (uint32_t)y->cx + 1;
                if (y->delay > dmax)
                    dmax = y->delay;
            }
        if (mx > (1u << lim->pop_idx_bits_max)) {
            rc = le_fail(err, LE_ERR_LIMIT, "%s: synapse set %u indexes compartment %u past its base, beyond the "
                         "%u-bit index field", cn, (unsigned)k, (unsigned)(mx - 1), (unsigned)lim->pop_idx_bits_max);
            break;
        }
        if (dmax > lim->max_delay || le_delay_bits(dmax) > st->fmt.delay_bits) {
            rc = le_fail(err, LE_ERR_CONFIG, "%s: synapse set %u has a delay of %u, its format stores %u bits", cn,
                         (unsigned)k, (unsigned)dmax, (unsigned)st->fmt.delay_bits);
            break;
        }
        if (dmax > *dmax_all)
            *dmax_all = dmax;
        span[k] = mx;
        uint64_t n = s->row_start[st->row0 + st->n_atoms] - s->row_start[st->row0];
        *bits += le_set_sram_bits(lim, &st->fmt, n, mx ? mx - 1 : 0);
        rows += st->n_atoms;
    }
    for (uint32_t j = 0; j < s->n_pop_axons && !rc; j++) {
        uint32_t k = s->pop_set[j], b = s->pop_base[j], a = s->n_in_axons + j;
        if (k >= s->n_sets)
            rc = le_fail(err, LE_ERR_CONFIG, "%s: input axon %u reads synapse set %u but the core has %u", cn,
                         (unsigned)a, (unsigned)k, (unsigned)s->n_sets);
        else if (b > lim->pop_cx_base_max)
            rc = le_fail(err, LE_ERR_LIMIT, "%s: input axon %u has compartment base %u, exceeding the maximum of %u",
                         cn, (unsigned)a, (unsigned)b, (unsigned)lim->pop_cx_base_max);
        else if (s->sets[k].pop_type == 16 && b % lim->pop16_base_align)
            rc = le_fail(err, LE_ERR_LIMIT, "%s: input axon %u (pop16) has compartment base %u, not a multiple of %u",
                         cn, (unsigned)a, (unsigned)b, (unsigned)lim->pop16_base_align);
        else if ((uint64_t)b + span[k] > s->n_cx)
            rc = le_fail(err, LE_ERR_CONFIG,
                         "%s: input axon %u reaches compartment %u (base %u + set %u) but the core has %u", cn,
                         (unsigned)a, (unsigned)(b + span[k] - 1), (unsigned)b, (unsigned)k, (unsigned)s->n_cx);
    }
    free(span);
    return rc;
}

static le_code check_spec(const le_core_spec *s, const le_limits *lim, const char *cn, uint64_t *syn_bits,
                          uint32_t *max_delay_used, le_error *err)
{
    if (s->n_cx > lim->cx_per_core)
        return le_fail(err, LE_ERR_LIMIT, "%s: compartments %u exceed the limit of %u per core", cn,
                       (unsigned)s->n_cx, (unsigned)lim->cx_per_core);
    if (s->n_cx > 0 && (!s->cx_profile || !s->profiles || s->n_profiles == 0))
        return le_fail(err, LE_ERR_CONFIG, "%s: %u compartments but no compartment profiles", cn,
                       (unsigned)s->n_cx);
    for (uint32_t i = 0; i < s->n_profiles; i++) {
        if (le_profile_check(&s->profiles[i], err) != LE_OK) {
            le_error_prefix(err, "%s: profile %u", cn, (unsigned)i);
            return err ? err->code : LE_ERR_RANGE;
        }
    }
    for (uint32_t c = 0; c < s->n_cx; c++) {
        if (s->cx_profile[c] >= s->n_profiles)
            return le_fail(err, LE_ERR_CONFIG, "%s: compartment %u uses profile %u but the core has %u profiles", cn,
                           (unsigned)c, (unsigned)s->cx_profile[c], (unsigned)s->n_profiles);
    }
    /* A pushed v must have a compartment that adds it: otherwise the AHP current is lost. */
    for (uint32_t c = 0; c < s->n_cx; c++) {
        if (!s->profiles[s->cx_profile[c]].stack_out)
            continue;
        if (c + 1 == s->n_cx)
            return le_fail(err, LE_ERR_CONFIG,
                           "%s: compartment %u is the last one on the core and cannot push its v (stack_out)", cn,
                           (unsigned)c);
        if (s->profiles[s->cx_profile[c + 1]].join_op != LE_JOIN_ADD)
            return le_fail(err, LE_ERR_CONFIG,
                           "%s: compartment %u pushes its v (stack_out) but compartment %u does not join it (join_op ADD)",
                           cn, (unsigned)c, (unsigned)(c + 1));
    }

    /* Input axons and synapse memory. */
    if ((uint64_t)s->n_in_axons + s->n_pop_axons > lim->in_axons_per_core) {
        if (s->n_pop_axons)
            return le_fail(err, LE_ERR_LIMIT,
                           "%s: input axons %u (%u discrete + %u population) exceed the limit of %u per core", cn,
                           (unsigned)(s->n_in_axons + s->n_pop_axons), (unsigned)s->n_in_axons,
                           (unsigned)s->n_pop_axons, (unsigned)lim->in_axons_per_core);
        return le_fail(err, LE_ERR_LIMIT, "%s: input axons %u exceed the limit of %u per core", cn,
                       (unsigned)s->n_in_axons, (unsigned)lim->in_axons_per_core);
    }
    if (s->n_in_axons > 0 && !s->in_start)
        return le_fail(err, LE_ERR_CONFIG, "%s: %u input axons but no synapse list", cn, (unsigned)s->n_in_axons);
    int32_t acc_max = (int32_t)((1u << (lim->dendrite_acc_bits - 1)) - 1u);
    int32_t acc_min = -acc_max - 1;
    uint64_t bits = 0;
    uint32_t dmax_all = 0;
    if (s->n_in_axons > 0 && s->in_start[0] != 0)
        return le_fail(err, LE_ERR_CONFIG, "%s: the synapse list of input axon 0 starts at %u, not 0", cn,
                       (unsigned)s->in_start[0]);
    for (uint32_t a = 0; a < s->n_in_axons; a++) {
        uint32_t b = s->in_start[a], e = s->in_start[a + 1];
        if (e < b)
            return le_fail(err, LE_ERR_CONFIG, "%s: input axon %u ends (%u) before it starts (%u)", cn, (unsigned)a,
                           (unsigned)e, (unsigned)b);
        if (e > b && !s->syn)
            return le_fail(err, LE_ERR_CONFIG, "%s: input axon %u has synapses but the synapse array is missing", cn,
                           (unsigned)a);
        uint32_t dmax = 0;
        for (uint32_t i = b; i < e; i++) {
            const le_synapse *y = &s->syn[i];
            if (y->cx >= s->n_cx)
                return le_fail(err, LE_ERR_CONFIG,
                               "%s: input axon %u synapse %u targets compartment %u but the core has %u", cn,
                               (unsigned)a, (unsigned)(i - b), (unsigned)y->cx, (unsigned)s->n_cx);
            if (y->delay > lim->max_delay)
                return le_fail(err, LE_ERR_LIMIT, "%s: input axon %u synapse %u has delay %u, exceeding the maximum of %u",
                               cn, (unsigned)a, (unsigned)(i - b), (unsigned)y->delay, (unsigned)lim->max_delay);
            if (y->weight < acc_min || y->weight > acc_max)
                return le_fail(err, LE_ERR_RANGE,
                               "%s: input axon %u synapse %u has weight %d outside the %u-bit accumulator range %d..%d",
                               cn, (unsigned)a, (unsigned)(i - b), (int)y->weight, (unsigned)lim->dendrite_acc_bits,
                               (int)acc_min, (int)acc_max);
            if (y->delay > dmax)
                dmax = y->delay;
        }
        le_axon_fmt f;
        if (s->in_fmt) {
            f = s->in_fmt[a];
            if (f.weight_bits < 1 || f.weight_bits > 8)
                return le_fail(err, LE_ERR_RANGE, "%s: input axon %u has weight_bits %u, outside 1..8", cn, (unsigned)a,
                               (unsigned)f.weight_bits);
            if (le_delay_bits(dmax) > f.delay_bits)
                return le_fail(err, LE_ERR_CONFIG,
                               "%s: input axon %u stores delays in %u bits but has a delay of %u (needs %u bits)", cn,
                               (unsigned)a, (unsigned)f.delay_bits, (unsigned)dmax,
                               (unsigned)le_delay_bits(dmax));
        } else {
            f = default_fmt(dmax);
        }
        bits += le_axon_sram_bits(lim, &f, e - b, s->n_cx);
        if (dmax > dmax_all)
            dmax_all = dmax;
    }
    le_code prc = check_pop_axons(s, lim, cn, &bits, &dmax_all, err);
    if (prc)
        return prc;
    if (bits > lim->synapse_bits_per_core)
        return le_fail(err, LE_ERR_LIMIT, "%s: synapse memory %llu bits exceeds the limit of %llu bits per core", cn,
                       (unsigned long long)bits, (unsigned long long)lim->synapse_bits_per_core);

    /* Output axons: the seed's rule, 2048 unless every target is on this core's chip. */
    if (s->n_cx > 0 && s->out_start) {
        if (s->out_start[0] != 0)
            return le_fail(err, LE_ERR_CONFIG, "%s: the output axons of compartment 0 start at %u, not 0", cn,
                           (unsigned)s->out_start[0]);
        uint32_t cpc = lim->cores_per_chip ? lim->cores_per_chip : 1;
        uint32_t chip = s->gid / cpc;
        int off_chip = 0;
        uint32_t widest = 0;
        for (uint32_t c = 0; c < s->n_cx; c++) {
            uint32_t b = s->out_start[c], e = s->out_start[c + 1];
            if (e < b)
                return le_fail(err, LE_ERR_CONFIG, "%s: output axons of compartment %u end (%u) before they start (%u)",
                               cn, (unsigned)c, (unsigned)e, (unsigned)b);
            if (e > b && !s->out)
                return le_fail(err, LE_ERR_CONFIG, "%s: compartment %u has output axons but the array is missing", cn,
                               (unsigned)c);
            for (uint32_t i = b; i < e; i++)
                if (s->out[i].core / cpc != chip)
                    off_chip = 1;
            if (e - b > widest)
                widest = e - b;
        }
        uint32_t n_out = s->out_start[s->n_cx];
        if (s->out_pop32)
            for (uint32_t i = 0; i < s->out_start[s->n_cx]; i++)
                n_out += s->out_pop32[i]; /* a pop32 axon takes a second slot */
        uint32_t lim_out = le_out_axon_limit(lim, off_chip);
        if (n_out > lim_out) {
            if (off_chip)
                return le_fail(err, LE_ERR_LIMIT,
                               "%s: output axons %u exceed the limit of %u per core (some targets are on another chip; "
                               "%u applies only when all targets are on chip %u)",
                               cn, (unsigned)n_out, (unsigned)lim_out, (unsigned)lim->out_axons_per_core_onchip,
                               (unsigned)chip);
            return le_fail(err, LE_ERR_LIMIT,
                           "%s: output axons %u exceed the limit of %u per core (all targets on chip %u)", cn,
                           (unsigned)n_out, (unsigned)lim_out, (unsigned)chip);
        }
        /* Fan-out counts distinct destination cores; only sort when the entries alone could exceed it. */
        if (widest > lim->dest_cores_per_neuron) {
            uint32_t *tmp = malloc(sizeof *tmp * widest);
            if (!tmp)
                return le_fail(err, LE_ERR_NOMEM, "%s: out of memory checking fan-out", cn);
            for (uint32_t c = 0; c < s->n_cx; c++) {
                uint32_t b = s->out_start[c], e = s->out_start[c + 1];
                if (e - b <= lim->dest_cores_per_neuron)
                    continue;
                for (uint32_t i = b; i < e; i++)
                    tmp[i - b] = s->out[i].core;
                qsort(tmp, e - b, sizeof *tmp, cmp_u32);
                uint32_t distinct = 0;
                for (uint32_t i = 0; i < e - b; i++)
                    if (i == 0 || tmp[i] != tmp[i - 1])
                        distinct++;
                if (distinct > lim->dest_cores_per_neuron) {
                    free(tmp);
                    return le_fail(err, LE_ERR_LIMIT,
                                   "%s: compartment %u sends to %u destination cores, exceeding the fan-out limit of %u",
                                   cn, (unsigned)c, (unsigned)distinct, (unsigned)lim->dest_cores_per_neuron);
                }
            }
            free(tmp);
        }
    }
    *syn_bits = bits;
    *max_delay_used = dmax_all;
    return LE_OK;
}

/* Segments are made of blocks of SEG_LANES compartments starting at a multiple of SEG_LANES,
 * so that the accumulation loop has no remainder (the accumulators have SEG_LANES - 1 spare
 * entries past the core's last compartment, and a zero weight leaves an accumulator as it is). */
#define SEG_LANES 8
/* Largest run of empty blocks a segment takes to join its neighbour: a new segment costs about
 * as much as this many blocks of the vector loop. */
#define SEG_GAP_BLOCKS 2

static int cmp_syn_cx(const void *a, const void *b)
{
    const le_synapse *x = a, *y = b;
    return x->cx < y->cx ? -1 : x->cx > y->cx;
}

/* Builds the segments of every synapse list (le_neurocore.seg_start); only for a core without
 * delays (one accumulator slot). A list keeps them when they cost fewer instructions than its
 * synapses one by one (about 8 a synapse, 1 a block, 10 a segment). Returns -1 when out of memory. */
static int build_segments(le_neurocore *core, uint32_t n_rows)
{
    const uint32_t n_lists = core->n_in_axons + n_rows;
    const uint32_t *ls = core->in_start;
    core->seg_start = calloc((size_t)n_lists + 1, sizeof *core->seg_start);
    size_t scap = 1024, wcap = 1024 * SEG_LANES, nw = 0, ns = 0;
    core->segs = malloc(scap * sizeof *core->segs);
    core->seg_w = malloc(wcap * sizeof *core->seg_w);
    le_synapse *tmp = NULL; /* one list, sorted by compartment */
    uint32_t tcap = 0;
    int rc = -1;
    if (!core->seg_start || !core->segs || !core->seg_w)
        goto out;
    for (uint32_t l = 0; l < n_lists; l++) {
        const uint32_t b = l < core->n_in_axons ? ls[l] : core->row_start[l - core->n_in_axons];
        const uint32_t e = l < core->n_in_axons ? ls[l + 1] : core->row_start[l - core->n_in_axons + 1];
        const uint32_t n = e - b;
        core->seg_start[l] = (uint32_t)ns;
        if (n == 0)
            continue;
        if (n > tcap) {
            le_synapse *tt = realloc(tmp, n * sizeof *tt);
            if (!tt)
                goto out;
            tmp = tt;
            tcap = n;
        }
        /* Each compartment at most once: then the order of the adds changes neither the sums
         * (wrapping is arithmetic modulo 2^bits) nor which adds wrap. */
        memcpy(tmp, core->syn + b, n * sizeof *tmp);
        int in_order = 1;
        for (uint32_t i = 1; i < n && in_order; i++)
            in_order = tmp[i].cx >= tmp[i - 1].cx;
        if (!in_order) /* the configuration usually lists them in compartment order already */
            qsort(tmp, n, sizeof *tmp, cmp_syn_cx);
        int distinct = 1;
        for (uint32_t i = 1; i < n && distinct; i++)
            distinct = tmp[i].cx > tmp[i - 1].cx;
        if (!distinct)
            continue;
        /* Count the blocks and segments first: most scattered lists stay synapse by synapse. */
        uint32_t blocks = 0, segs = 0, last = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t blk = tmp[i].cx / SEG_LANES;
            if (blk == last)
                continue;
            if (last == UINT32_MAX || blk - last > SEG_GAP_BLOCKS + 1) {
                segs++;
                blocks++;
            } else
                blocks += blk - last;
            last = blk;
        }
        if ((uint64_t)blocks + 10ull * segs >= 8ull * n)
            continue;
        if (ns + segs > scap || nw + (size_t)blocks * SEG_LANES > wcap) {
            while (ns + segs > scap)
                scap *= 2;
            while (nw + (size_t)blocks * SEG_LANES > wcap)
                wcap *= 2;
            le_syn_seg *sg = realloc(core->segs, scap * sizeof *sg);
            if (sg)
                core->segs = sg;
            int32_t *sw = realloc(core->seg_w, wcap * sizeof *sw);
            if (sw)
                core->seg_w = sw;
            if (!sg || !sw)
                goto out;
        }
        last = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t blk = tmp[i].cx / SEG_LANES;
            if (blk != last) {
                if (last == UINT32_MAX || blk - last > SEG_GAP_BLOCKS + 1) {
                    core->segs[ns++] = (le_syn_seg){(uint16_t)(blk * SEG_LANES), 0, (uint32_t)nw};
                    memset(core->seg_w + nw, 0, SEG_LANES * sizeof *core->seg_w);
                    nw += SEG_LANES;
                    core->segs[ns - 1].n = 1;
                } else {
                    uint32_t add = blk - last;
                    memset(core->seg_w + nw, 0, (size_t)add * SEG_LANES * sizeof *core->seg_w);
                    nw += (size_t)add * SEG_LANES;
                    core->segs[ns - 1].n = (uint16_t)(core->segs[ns - 1].n + add);
                }
                last = blk;
            }
            const le_syn_seg *g = &core->segs[ns - 1];
            core->seg_w[g->w + (tmp[i].cx - g->cx)] = tmp[i].weight;
        }
    }
    core->seg_start[n_lists] = (uint32_t)ns;
    /* Give back what the scattered lists did not use. */
    le_syn_seg *sg = realloc(core->segs, (ns ? ns : 1) * sizeof *sg);
    if (sg)
        core->segs = sg;
    int32_t *sw = realloc(core->seg_w, (nw ? nw : 1) * sizeof *sw);
    if (sw)
        core->seg_w = sw;
    rc = 0;
out:
    free(tmp);
    return rc;
}

/* Splits a core with joins into runs of one profile and runs of (stack_out, join) pairs. A
 * compartment that joins one that does not push, or one that both pushes and joins (a chain of
 * more than two), leaves the core on the compartment-by-compartment path (runs stay NULL), as
 * does a stack_out compartment whose next one does not join. Returns -1 when out of memory. */
static int find_runs(le_neurocore *core)
{
    const uint32_t n = core->n_cx;
    le_cx_run *r = calloc(n ? n : 1, sizeof *r);
    if (!r)
        return -1;
    uint32_t nr = 0;
    for (uint32_t c = 0; c < n;) {
        const uint16_t p = core->cx_profile[c];
        const le_profile *pp = &core->profiles[p];
        if (pp->stack_out) {
            const uint16_t q = c + 1 < n ? core->cx_profile[c + 1] : 0;
            const le_profile *pq = &core->profiles[q];
            if (pp->join_op != LE_JOIN_NONE || c + 1 >= n || pq->join_op != LE_JOIN_ADD || pq->stack_out) {
                free(r);
                return 0;
            }
            if (nr && r[nr - 1].pair && r[nr - 1].prof == p && r[nr - 1].prof_join == q)
                r[nr - 1].n++;
            else
                r[nr++] = (le_cx_run){c, 1, p, q, 1, {0, 0, 0}};
            c += 2;
            continue;
        }
        /* Not after a stack_out compartment (that one would have made a pair): joins nothing. */
        if (nr && !r[nr - 1].pair && r[nr - 1].prof == p)
            r[nr - 1].n++;
        else
            r[nr++] = (le_cx_run){c, 1, p, 0, 0, {0, 0, 0}};
        c++;
    }
    core->runs = r;
    core->n_runs = nr;
    return 0;
}

le_code le_core_build(le_neurocore *core, const le_core_spec *spec, const le_limits *lim, le_error *err)
{
    memset(core, 0, sizeof *core);
    char cn[64];
    name_core(cn, sizeof cn, spec->gid, lim);
    if (lim->dendrite_acc_bits < 2 || lim->dendrite_acc_bits > 31)
        return le_fail(err, LE_ERR_CONFIG, "%s: dendritic accumulator width %u bits is outside 2..31", cn,
                       (unsigned)lim->dendrite_acc_bits);
    uint64_t bits = 0;
    uint32_t dmax = 0;
    le_code rc = check_spec(spec, lim, cn, &bits, &dmax, err);
    if (rc != LE_OK)
        return rc;

    uint32_t n = spec->n_cx;
    uint32_t n_dsyn = spec->n_in_axons ? spec->in_start[spec->n_in_axons] : 0;
    uint32_t n_rows = spec->n_sets ? spec->sets[spec->n_sets - 1].row0 + spec->sets[spec->n_sets - 1].n_atoms : 0;
    uint32_t n_psyn = n_rows ? spec->row_start[n_rows] : 0;
    uint32_t n_syn = n_dsyn + n_psyn;
    uint32_t n_out = (n && spec->out_start) ? spec->out_start[n] : 0;
    core->gid = spec->gid;
    core->n_cx = n;
    core->n_profiles = spec->n_profiles;
    core->n_slots = dmax + 1;
    core->n_in_axons = spec->n_in_axons;
    core->n_out_axons = n_out;
    core->syn_bits = bits;
    core->acc_bits = lim->dendrite_acc_bits;
    core->acc_max = (int32_t)((1u << (lim->dendrite_acc_bits - 1)) - 1u);
    core->acc_min = -core->acc_max - 1;

    core->profiles = alloc_zero(spec->n_profiles, sizeof *core->profiles);
    core->consts = alloc_zero(spec->n_profiles, sizeof *core->consts);
    core->cx_profile = alloc_zero(n, sizeof *core->cx_profile);
    core->u = alloc_zero(n, sizeof *core->u);
    core->v = alloc_zero(n, sizeof *core->v);
    core->ref = alloc_zero(n, sizeof *core->ref);
    /* SEG_LANES - 1 spare accumulators: the last block of a segment may reach past the last compartment. */
    core->acc = alloc_zero((size_t)core->n_slots * n + SEG_LANES - 1, sizeof *core->acc);
    core->slot_dirty = alloc_zero(core->n_slots, sizeof *core->slot_dirty);
    core->in_start = alloc_zero((size_t)spec->n_in_axons + 1, sizeof *core->in_start);
    core->syn = alloc_zero(n_syn, sizeof *core->syn);
    core->in_fmt = alloc_zero(spec->n_in_axons, sizeof *core->in_fmt);
    core->out_start = alloc_zero((size_t)n + 1, sizeof *core->out_start);
    core->out = alloc_zero(n_out, sizeof *core->out);
    core->n_pop_axons = spec->n_pop_axons;
    core->n_sets = spec->n_sets;
    core->pop_set = alloc_zero(spec->n_pop_axons, sizeof *core->pop_set);
    core->pop_base = alloc_zero(spec->n_pop_axons, sizeof *core->pop_base);
    core->sets = alloc_zero(spec->n_sets, sizeof *core->sets);
    core->row_start = alloc_zero((size_t)n_rows + 1, sizeof *core->row_start);
    if (!core->profiles || !core->consts || !core->cx_profile || !core->u || !core->v || !core->ref || !core->acc ||
        !core->slot_dirty || !core->in_start || !core->syn || !core->in_fmt || !core->out_start || !core->out ||
        !core->pop_set || !core->pop_base || !core->sets || !core->row_start) {
        le_core_free(core);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory building the core", cn);
    }
    if (spec->n_profiles)
        memcpy(core->profiles, spec->profiles, sizeof *core->profiles * spec->n_profiles);
    for (uint32_t i = 0; i < spec->n_profiles; i++) {
        const le_profile *p = &core->profiles[i];
        le_cx_consts *k = &core->consts[i];
        k->keep_u = LE_DECAY_ONE - p->decay_u;
        k->keep_v = LE_DECAY_ONE - p->decay_v;
        k->bias = p->bias_mant * (1 << p->bias_exp); /* |bias| <= 4096 * 128: int32 */
        k->vmin = le_vmin(p);
        k->vmax = le_vmax(p);
        k->vth = p->vth_mant << LE_VTH_SHIFT;
        k->refract = (uint8_t)p->refract;
        k->stack_out = p->stack_out;
        k->join_add = p->join_op == LE_JOIN_ADD;
    }
    if (n)
        memcpy(core->cx_profile, spec->cx_profile, sizeof *core->cx_profile * n);
    if (spec->n_in_axons)
        memcpy(core->in_start, spec->in_start, sizeof *core->in_start * (spec->n_in_axons + 1));
    if (n_dsyn)
        memcpy(core->syn, spec->syn, sizeof *core->syn * n_dsyn);
    if (n_psyn)
        memcpy(core->syn + n_dsyn, spec->set_syn, sizeof *core->syn * n_psyn);
    if (spec->n_pop_axons) {
        memcpy(core->pop_set, spec->pop_set, sizeof *core->pop_set * spec->n_pop_axons);
        memcpy(core->pop_base, spec->pop_base, sizeof *core->pop_base * spec->n_pop_axons);
    }
    if (spec->n_sets)
        memcpy(core->sets, spec->sets, sizeof *core->sets * spec->n_sets);
    for (uint32_t r = 0; r <= n_rows && spec->n_sets; r++)
        core->row_start[r] = spec->row_start[r] + n_dsyn;
    for (uint32_t a = 0; a < spec->n_in_axons; a++) {
        if (spec->in_fmt) {
            core->in_fmt[a] = spec->in_fmt[a];
        } else {
            uint32_t dm = 0;
            for (uint32_t i = spec->in_start[a]; i < spec->in_start[a + 1]; i++)
                if (spec->syn[i].delay > dm)
                    dm = spec->syn[i].delay;
            core->in_fmt[a] = default_fmt(dm);
        }
    }
    if (n && spec->out_start)
        memcpy(core->out_start, spec->out_start, sizeof *core->out_start * (n + 1));
    if (n_out)
        memcpy(core->out, spec->out, sizeof *core->out * n_out);
    core->out_slots = n_out;
    if (n_out && spec->out_atom) {
        core->out_atom = malloc(sizeof *core->out_atom * n_out);
        if (!core->out_atom) {
            le_core_free(core);
            return le_fail(err, LE_ERR_NOMEM, "%s: out of memory building the core", cn);
        }
        memcpy(core->out_atom, spec->out_atom, sizeof *core->out_atom * n_out);
    }
    if (n_out && spec->out_pop32)
        for (uint32_t i = 0; i < n_out; i++)
            core->out_slots += spec->out_pop32[i];

    for (uint32_t c = 0; c < n; c++) {
        const le_profile *p = &core->profiles[core->cx_profile[c]];
        if (p->bias_mant != 0)
            core->has_bias = 1;
        if (p->stack_out || p->join_op != LE_JOIN_NONE)
            core->joins = 1;
    }
    core->uniform = n > 0 && !core->joins;
    for (uint32_t c = 0; c < n && core->uniform; c++)
        if (core->cx_profile[c] != core->cx_profile[0])
            core->uniform = 0;
    if (core->uniform && core->cx_profile[0] != 0) {
        /* update_uniform reads the constants of profile 0 */
        core->uniform = 0;
    }
    if (core->n_slots == 1 && build_segments(core, n_rows) < 0) {
        le_core_free(core);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory building the core", cn);
    }
    if (core->joins && find_runs(core) < 0) {
        le_core_free(core);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory building the core", cn);
    }
    core->spk = core->uniform || core->runs ? alloc_zero(n, 1) : NULL;
    if ((core->uniform || core->runs) && !core->spk) {
        le_core_free(core);
        return le_fail(err, LE_ERR_NOMEM, "%s: out of memory building the core", cn);
    }
    core->awake = core->has_bias;
    return LE_OK;
}

void le_core_free(le_neurocore *core)
{
    if (!core)
        return;
    free(core->profiles);
    free(core->consts);
    free(core->spk);
    free(core->runs);
    free(core->seg_start);
    free(core->segs);
    free(core->seg_w);
    free(core->cx_profile);
    free(core->u);
    free(core->v);
    free(core->ref);
    free(core->acc);
    free(core->slot_dirty);
    free(core->in_start);
    free(core->syn);
    free(core->in_fmt);
    free(core->out_start);
    free(core->out);
    free(core->out_atom);
    free(core->pop_set);
    free(core->pop_base);
    free(core->sets);
    free(core->row_start);
    memset(core, 0, sizeof *core);
}

/* --- run time --- */

/* Segments [g, ge) into the accumulators acc (already offset by the axon's base). The loop
 * only notes whether some sum left the accumulator's range (bits wide: as an unsigned number,
 * sum + 2^(bits-1) has no bit at or above `bits` when in range); then, rarely, the segments are
 * read again to wrap those sums: the accumulators were in range before, and each compartment
 * appears once, so a sum out of range is one wrap. Returns the number of wraps. */
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) static uint32_t accumulate_segs(int32_t *restrict acc, const le_syn_seg *g, const le_syn_seg *ge,
                                                                                                const int32_t *restrict w, uint32_t bits)
{
    const uint32_t half = 1u << (bits - 1);
    uint32_t out = 0;
    for (const le_syn_seg *s = g; s < ge; s++) {
        int32_t *restrict a = acc + s->cx;
        const int32_t *restrict ww = w + s->w;
        const uint32_t n = (uint32_t)s->n * SEG_LANES;
        for (uint32_t k = 0; k < n; k++) {
            int32_t sum = a[k] + ww[k]; /* |acc|, |w| < 2^21: no int32 overflow */
            out |= (uint32_t)sum + half;
            a[k] = sum;
        }
    }
    if (!(out >> bits))
        return 0;
    const uint32_t sh = 32 - bits;
    uint32_t over = 0;
    for (const le_syn_seg *s = g; s < ge; s++) {
        int32_t *a = acc + s->cx;
        for (uint32_t k = 0; k < (uint32_t)s->n * SEG_LANES; k++) {
            int32_t wrapped = (int32_t)((uint32_t)a[k] << sh) >> sh;
            over += wrapped != a[k];
            a[k] = wrapped;
        }
    }
    return over;
}

/* Accumulates synapses [y, e) into the ring, compartments offset by base; list l of the
 * segments when the core has them. */
static inline void accumulate(le_neurocore *core, const le_synapse *y, const le_synapse *e, uint32_t base, uint32_t t,
                              uint32_t l)
{
    if (core->seg_start && (core->seg_start[l] < core->seg_start[l + 1] || y == e)) {
        core->ctr.acc_overflow += accumulate_segs(core->acc + base, core->segs + core->seg_start[l],
                                                  core->segs + core->seg_start[l + 1], core->seg_w, core->acc_bits);
        core->slot_dirty[0] = 1;
        return;
    }
    const int32_t lo = core->acc_min, hi = core->acc_max;
    const uint32_t ns = core->n_slots;
    uint32_t over = 0;
    if (ns == 1) {
        /* No delays on the core: one slot, no per-synapse slot arithmetic. */
        int32_t *acc = core->acc + base;
        const uint32_t span = (uint32_t)hi - (uint32_t)lo;
        for (; y < e; y++) {
            int32_t sum = acc[y->cx] + y->weight; /* |acc|, |w| < 2^21: no int32 overflow */
            if (__builtin_expect((uint32_t)sum - (uint32_t)lo > span, 0)) { /* sum < lo or sum > hi */
                sum = le_wrap(sum, (int)core->acc_bits);
                over++;
            }
            acc[y->cx] = sum;
        }
        core->slot_dirty[0] = 1;
    } else {
        const uint32_t n = core->n_cx, s0 = t % ns;
        for (; y < e; y++) {
            uint32_t slot = s0 + y->delay; /* delay < n_slots, so one subtraction wraps it */
            if (slot >= ns)
                slot -= ns;
            int32_t *a = &core->acc[(size_t)slot * n + base + y->cx];
            int32_t sum = *a + y->weight;
            if (__builtin_expect(sum < lo || sum > hi, 0)) {
                sum = le_wrap(sum, (int)core->acc_bits);
                over++;
            }
            *a = sum;
            core->slot_dirty[slot] = 1;
        }
    }
    core->ctr.acc_overflow += over;
}

void le_core_deliver_atom(le_neurocore *core, uint32_t axon, uint32_t atom, uint32_t t)
{
    const le_synapse *b, *e;
    uint32_t base = 0, list = axon; /* list: the synapse list's index among the segments' */
    if (axon < core->n_in_axons) {
        b = core->syn + core->in_start[axon];
        e = core->syn + core->in_start[axon + 1];
    } else {
        /* The run loop only addresses axons and atoms of tables le_core_build validated;
         * anything else is counted rather than dropped silently. */
        uint32_t j = axon - core->n_in_axons;
        if (axon - core->n_in_axons >= core->n_pop_axons) {
            core->ctr.bad_axons++;
            return;
        }
        const le_syn_set *st = &core->sets[core->pop_set[j]];
        if (atom >= st->n_atoms) {
            core->ctr.bad_axons++;
            return;
        }
        b = core->syn + core->row_start[st->row0 + atom];
        e = core->syn + core->row_start[st->row0 + atom + 1];
        base = core->pop_base[j];
        list = core->n_in_axons + st->row0 + atom;
    }
    accumulate(core, b, e, base, t, list);
    core->ctr.synops += (uint64_t)(e - b);
    core->ctr.axons_in++;
    core->awake = 1;
}

void le_core_deliver(le_neurocore *core, uint32_t axon, uint32_t t) { le_core_deliver_atom(core, axon, 0, t); }

/* le_cx_step with the profile's constants precomputed and 32-bit arithmetic where the
 * register widths allow it: |u|, |v| < 2^23, |q| < 2^21, |bias| <= 2^19, so every sum fits.
 * A signed division by 4096 truncates toward zero, as the chip's sign-magnitude decay does. */
static inline int cx_step_fast(const le_cx_consts *k, int32_t *u, int32_t *v, uint8_t *ref, int32_t q, int32_t join)
{
    int32_t du = (int32_t)((int64_t)*u * k->keep_u / LE_DECAY_ONE);
    int32_t nu = (int32_t)((uint32_t)(du + q + join) << (32 - LE_U_BITS)) >> (32 - LE_U_BITS);
    int32_t dv = (int32_t)((int64_t)*v * k->keep_v / LE_DECAY_ONE);
    int32_t vv = dv + nu + k->bias;
    vv = vv < k->vmin ? k->vmin : (vv > k->vmax ? k->vmax : vv);
    int spike = 0;
    uint8_t r = *ref;
    if (r > 0)
        vv = 0;
    else if (!k->stack_out && vv > k->vth) {
        spike = 1;
        vv = 0;
        r = k->refract;
    }
    if (r > 0)
        r--;
    *ref = r;
    *u = nu;
    *v = vv;
    return spike;
}

/* floor(m * keep / 4096) for 0 <= m < 2^24, keep <= 4096, in 32-bit lanes: m = hi * 4096 + lo. */
static inline int32_t scale_mag(int32_t m, int32_t keep)
{
    return (m >> 12) * keep + (((m & 4095) * keep) >> 12);
}

/* The decay of x by keep/4096 as the chip computes it (sign-magnitude, truncating toward
 * zero), in 32-bit lanes. */
static inline __attribute__((always_inline)) int32_t decay_lane(int32_t x, int32_t keep)
{
    int32_t ax = x < 0 ? -x : x;
    int32_t r = scale_mag(ax, keep);
    return x < 0 ? -r : r;
}

/* One compartment of cx_step_fast without branches. plain_u: keep_u == 0 (u holds only this
 * step's input); no_ref: refract == 1, so the counter loads and expires in the spiking step
 * and stays zero (it starts at zero and only a spike loads it): it is neither read nor
 * written. The callers pass both as constants, so each combination compiles to its own loop. */
static inline __attribute__((always_inline)) int32_t cx_lane(int32_t ku, int32_t kv, int32_t bias, int32_t vmin,
                                                             int32_t vmax, int32_t vth, int32_t refract, int32_t uc,
                                                             int32_t vc, int32_t in, int32_t *r, int32_t *nu_out,
                                                             int32_t *vv_out, const int plain_u, const int no_ref,
                                                             const int can_fire)
{
    int32_t du = plain_u ? 0 : decay_lane(uc, ku);
    int32_t nu = (int32_t)((uint32_t)(du + in) << (32 - LE_U_BITS)) >> (32 - LE_U_BITS);
    int32_t vv = decay_lane(vc, kv) + nu + bias;
    vv = vv < vmin ? vmin : vv;
    vv = vv > vmax ? vmax : vv;
    int32_t fire = 0;
    if (no_ref) {
        if (can_fire) {
            fire = vv > vth;
            vv = fire ? 0 : vv;
        }
    } else {
        int32_t rr = *r;
        fire = can_fire ? (rr == 0) & (vv > vth) : 0;
        vv = ((rr != 0) | fire) ? 0 : vv;
        rr = fire ? refract : rr;
        *r = rr > 0 ? rr - 1 : 0;
    }
    *nu_out = nu;
    *vv_out = vv;
    return fire;
}

/* One profile over n compartments with no joins (a layer's core, or a run of a core with
 * joins): spk[c] = 1 where compartment c fired, q (this step's accumulators) cleared as it is
 * read. Returns how many are active; *busy: some refractory. */
static inline __attribute__((always_inline)) uint32_t uniform_body(const le_cx_consts *k, int32_t *restrict u,
                                                                   int32_t *restrict v, uint8_t *restrict ref,
                                                                   int32_t *restrict q, uint8_t *restrict spk,
                                                                   uint32_t n, int *busy, const int plain_u,
                                                                   const int no_ref)
{
    const int32_t ku = k->keep_u, kv = k->keep_v, bias = k->bias, vmin = k->vmin, vmax = k->vmax, vth = k->vth;
    const int32_t refract = k->refract;
    int32_t active = 0, anyref = 0;
    for (uint32_t c = 0; c < n; c++) {
        int32_t r = no_ref ? 0 : ref[c], nu, vv;
        int32_t fire = cx_lane(ku, kv, bias, vmin, vmax, vth, refract, u[c], v[c], q[c], &r, &nu, &vv, plain_u, no_ref, 1);
        q[c] = 0;
        if (!no_ref) {
            ref[c] = (uint8_t)r;
            anyref = anyref > r ? anyref : r; /* a max, not an or: gcc vectorizes this reduction */
        }
        u[c] = nu;
        v[c] = vv;
        spk[c] = (uint8_t)fire;
        active += (nu | vv) != 0;
    }
    *busy = anyref != 0;
    return (uint32_t)active;
}

/* Built for three CPU levels, picked at load time: with AVX2 the lanes are eight wide, with
 * AVX-512 sixteen, and the 32-bit multiplies, minima and blends are single instructions. */
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) static uint32_t update_uniform(const le_cx_consts *k, int32_t *restrict u, int32_t *restrict v, uint8_t *restrict ref,
                               int32_t *restrict q, uint8_t *restrict spk, uint32_t n, int *busy)
{
    if (k->refract == 1)
        return k->keep_u == 0 ? uniform_body(k, u, v, ref, q, spk, n, busy, 1, 1)
                              : uniform_body(k, u, v, ref, q, spk, n, busy, 0, 1);
    return k->keep_u == 0 ? uniform_body(k, u, v, ref, q, spk, n, busy, 1, 0)
                          : uniform_body(k, u, v, ref, q, spk, n, busy, 0, 0);
}

/* Pairs of an auxiliary compartment (stack_out: it never fires, so its refractory counter
 * stays zero; its v goes to the next compartment's u) and the compartment that joins it,
 * a = 2i and m = 2i + 1, as uniform_body. */
static inline __attribute__((always_inline)) uint32_t pairs_body(const le_cx_consts *ka, const le_cx_consts *km,
                                                                 int32_t *restrict u, int32_t *restrict v,
                                                                 uint8_t *restrict ref, int32_t *restrict q,
                                                                 uint8_t *restrict spk, uint32_t np, int *busy,
                                                                 const int plain_ua, const int plain_um,
                                                                 const int no_ref)
{
    const int32_t kua = ka->keep_u, kva = ka->keep_v, biasa = ka->bias, vmina = ka->vmin, vmaxa = ka->vmax;
    const int32_t kum = km->keep_u, kvm = km->keep_v, biasm = km->bias, vminm = km->vmin, vmaxm = km->vmax;
    const int32_t vth = km->vth, refract = km->refract;
    int32_t active = 0, anyref = 0;
    for (size_t i = 0; i < np; i++) {
        const size_t a = 2 * i, m = 2 * i + 1; /* size_t: no wrap, so the compiler sees two interleaved streams */
        int32_t ra = 0, nua, vva, num, vvm;
        cx_lane(kua, kva, biasa, vmina, vmaxa, 0, 1, u[a], v[a], q[a], &ra, &nua, &vva, plain_ua, 1, 0);
        int32_t rm = no_ref ? 0 : ref[m];
        int32_t fire = cx_lane(kum, kvm, biasm, vminm, vmaxm, vth, refract, u[m], v[m], q[m] + vva, &rm, &num, &vvm,
                               plain_um, no_ref, 1);
        q[a] = q[m] = 0;
        u[a] = nua;
        v[a] = vva;
        spk[a] = 0;
        u[m] = num;
        v[m] = vvm;
        spk[m] = (uint8_t)fire;
        if (!no_ref) {
            ref[m] = (uint8_t)rm;
            anyref = anyref > rm ? anyref : rm;
        }
        active += ((nua | vva) != 0) + ((num | vvm) != 0);
    }
    *busy = anyref != 0;
    return (uint32_t)active;
}

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) static uint32_t update_pairs(const le_cx_consts *ka, const le_cx_consts *km, int32_t *restrict u, int32_t *restrict v,
                             uint8_t *restrict ref, int32_t *restrict q, uint8_t *restrict spk, uint32_t np,
                             int *busy)
{
    if (km->refract == 1) {
        if (ka->keep_u == 0 && km->keep_u == 0)
            return pairs_body(ka, km, u, v, ref, q, spk, np, busy, 1, 1, 1);
        return pairs_body(ka, km, u, v, ref, q, spk, np, busy, 0, 0, 1);
    }
    return pairs_body(ka, km, u, v, ref, q, spk, np, busy, 0, 0, 0);
}

/* The compartments whose spike flag is set, in index order, and their output axons. */
static uint32_t collect_spikes(const le_neurocore *core, const uint8_t *spk, uint32_t n, uint16_t *fired, uint32_t *out)
{
    uint32_t nf = 0, c = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Eight flags (bytes of 0 or 1) a word: flag j is bit 8j, so the set bits name the spikes;
     * spikes are rare, so 32 flags are tested at once first. */
    for (; c + 32 <= n; c += 32) {
        uint64_t w[4];
        memcpy(w, spk + c, 32);
        if (!(w[0] | w[1] | w[2] | w[3]))
            continue;
        for (uint32_t k = 0; k < 4; k++)
            for (uint64_t x = w[k]; x; x &= x - 1) {
                uint32_t j = c + 8 * k + ((uint32_t)__builtin_ctzll(x) >> 3);
                fired[nf++] = (uint16_t)j;
                *out += core->out_start[j + 1] - core->out_start[j];
            }
    }
    for (; c + 8 <= n; c += 8) {
        uint64_t w;
        memcpy(&w, spk + c, 8);
        for (; w; w &= w - 1) {
            uint32_t j = c + ((uint32_t)__builtin_ctzll(w) >> 3);
            fired[nf++] = (uint16_t)j;
            *out += core->out_start[j + 1] - core->out_start[j];
        }
    }
#endif
    for (; c < n; c++)
        if (spk[c]) {
            fired[nf++] = (uint16_t)c;
            *out += core->out_start[c + 1] - core->out_start[c];
        }
    return nf;
}

uint32_t le_core_update(le_neurocore *core, uint32_t t, uint16_t *fired)
{
    if (!core->awake)
        return 0;
    uint32_t n = core->n_cx;
    uint32_t s = t % core->n_slots;
    int32_t *q = core->acc + (size_t)s * n;
    int dirty = core->slot_dirty[s];
    int32_t *u = core->u, *v = core->v;
    uint8_t *ref = core->ref;
    const le_cx_consts *kc = core->consts;
    const uint16_t *cxp = core->cx_profile;
    uint32_t nf = 0, active = 0, out = 0;
    int busy = 0;
    if (core->runs) {
        /* q is all zero when the slot is clean: accumulators are cleared as they are read. */
        for (uint32_t j = 0; j < core->n_runs; j++) {
            const le_cx_run *r = &core->runs[j];
            const uint32_t b = r->start;
            int bz = 0;
            if (r->pair)
                active += update_pairs(&kc[r->prof], &kc[r->prof_join], u + b, v + b, ref + b, q + b, core->spk + b,
                                       r->n, &bz);
            else
                active += update_uniform(&kc[r->prof], u + b, v + b, ref + b, q + b, core->spk + b, r->n, &bz);
            busy |= bz;
        }
        nf = collect_spikes(core, core->spk, n, fired, &out);
    } else if (core->joins) {
        int32_t pushed = 0; /* v of the previous compartment when it was stack_out */
        for (uint32_t c = 0; c < n; c++) {
            const le_cx_consts *p = &kc[cxp[c]];
            int32_t qc = dirty ? q[c] : 0;
            int32_t join = p->join_add ? pushed : 0;
            if (cx_step_fast(p, &u[c], &v[c], &ref[c], qc, join)) {
                fired[nf++] = (uint16_t)c;
                out += core->out_start[c + 1] - core->out_start[c];
            }
            pushed = p->stack_out ? v[c] : 0;
            if (u[c] != 0 || v[c] != 0)
                active++;
            if (ref[c] != 0)
                busy = 1;
        }
    } else if (core->uniform) {
        /* q is all zero when the slot is clean: accumulators are cleared as they are read. */
        (void)dirty;
        uint8_t *spk = core->spk;
        active = update_uniform(&kc[0], u, v, ref, q, spk, n, &busy);
        nf = collect_spikes(core, spk, n, fired, &out);
    } else {
        /* No compartment joins another. Without bias, a compartment with zero state, no
         * input and no refractory count stays zero and cannot fire (thresholds are >= 0), so
         * its update is skipped; the chip still spends the update (cx_updates counts it). */
        const int skip_idle = !core->has_bias;
        for (uint32_t c = 0; c < n; c++) {
            int32_t qc = dirty ? q[c] : 0;
            if (skip_idle && (u[c] | v[c] | qc | (int32_t)ref[c]) == 0)
                continue;
            if (cx_step_fast(&kc[cxp[c]], &u[c], &v[c], &ref[c], qc, 0)) {
                fired[nf++] = (uint16_t)c;
                out += core->out_start[c + 1] - core->out_start[c];
            }
            active += (u[c] | v[c]) != 0;
            busy |= ref[c] != 0;
        }
    }
    if (dirty && !core->uniform && !core->runs) /* the vector updates clear q as they read it */
        memset(q, 0, sizeof *q * n);
    core->slot_dirty[s] = 0;
    core->ctr.cx_updates += n;
    core->ctr.cx_active += active;
    core->ctr.spikes += nf;
    core->ctr.axons_out += out;

    /* Sleep when nothing can change without new input: zero state, empty ring, no bias. */
    int pending = 0;
    for (uint32_t k = 0; k < core->n_slots; k++)
        pending |= core->slot_dirty[k];
    core->awake = active > 0 || busy || pending || core->has_bias;
    return nf;
}

void le_core_set_decay_v(le_neurocore *core, uint32_t p, int32_t decay_v)
{
    if (p >= core->n_profiles)
        return;
    core->profiles[p].decay_v = decay_v;
    core->consts[p].keep_v = LE_DECAY_ONE - decay_v;
}

void le_core_reset(le_neurocore *core)
{
    size_t n = core->n_cx;
    if (n) {
        memset(core->u, 0, sizeof *core->u * n);
        memset(core->v, 0, sizeof *core->v * n);
        memset(core->ref, 0, sizeof *core->ref * n);
        memset(core->acc, 0, sizeof *core->acc * n * core->n_slots);
    }
    memset(core->slot_dirty, 0, core->n_slots);
    core->awake = core->has_bias;
}

void le_core_clear_dendrites(le_neurocore *core)
{
    if (core->n_cx)
        memset(core->acc, 0, sizeof *core->acc * core->n_cx * core->n_slots);
    memset(core->slot_dirty, 0, core->n_slots);
}
