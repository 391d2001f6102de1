/* Placement of neurons onto neuro-cores.
 *
 * Explicit populations (first_core >= 0) are placed first, in population order, from their
 * first core on: per_core > 0 puts exactly that many neurons on each core (whatever the
 * limits say: le_core_build rejects what does not fit, with its precise message); per_core
 * 0 fills each core up to the compartment limit. Several explicit populations may share a
 * core. Automatic populations then fill the cores no explicit population claimed, in gid
 * order, packing consecutive populations into the same core while the compartments, the
 * input axons (distinct source neurons) and the synapse memory of the core stay within the
 * limits; the estimate is the one le_core_build makes, with the same axon format rules as
 * the chip configuration in emu/run.c (one axon per (source neuron, core), weight bits the
 * largest of its synapses, delay bits for its largest delay, sparse format).
 * Input populations get no core; their x86 is on input_chip. */
#include "place/placement.h"

#include <stdlib.h>
#include <string.h>

#include "core/neurocore.h"

void le_placement_free(le_placement *pl)
{
    free(pl->pop_base);
    free(pl->core);
    free(pl->cx);
    free(pl->input_chip);
    memset(pl, 0, sizeof *pl);
}

/* Incoming synapses of every neuron, grouped by destination (CSR), for the estimates. */
typedef struct {
    size_t *start; /* [n_neurons + 1] */
    uint32_t *src; /* source neuron gid */
    uint8_t *wb;   /* weight bits */
    uint8_t *dly;  /* delay */
} in_edges;

static void in_edges_free(in_edges *e)
{
    free(e->start);
    free(e->src);
    free(e->wb);
    free(e->dly);
}

static le_code in_edges_build(const le_network *net, const uint32_t *base, uint32_t total, const uint8_t *want_pop,
                              in_edges *e, le_error *err)
{
    memset(e, 0, sizeof *e);
    e->start = calloc((size_t)total + 2, sizeof *e->start);
    if (!e->start)
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
    size_t *cnt = e->start + 1;
    size_t n = 0;
    for (uint32_t c = 0; c < net->n_conns; c++) {
        const le_connection *cn = &net->conns[c];
        if (!want_pop[cn->dst_pop])
            continue;
        for (uint32_t k = 0; k < cn->n; k++)
            cnt[base[cn->dst_pop] + cn->dst[k]]++;
        n += cn->n;
    }
    for (uint32_t i = 0; i < total; i++)
        e->start[i + 1] += e->start[i];
    e->src = malloc((n ? n : 1) * sizeof *e->src);
    e->wb = malloc(n ? n : 1);
    e->dly = malloc(n ? n : 1);
    size_t *fill = malloc(((size_t)total + 1) * sizeof *fill);
    if (!e->src || !e->wb || !e->dly || !fill) {
        free(fill);
        in_edges_free(e);
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory for %zu synapses", n);
    }
    memcpy(fill, e->start, ((size_t)total + 1) * sizeof *fill);
    for (uint32_t c = 0; c < net->n_conns; c++) {
        const le_connection *cn = &net->conns[c];
        if (!want_pop[cn->dst_pop])
            continue;
        for (uint32_t k = 0; k < cn->n; k++) {
            size_t at = fill[base[cn->dst_pop] + cn->dst[k]]++;
            e->src[at] = base[cn->src_pop] + cn->src[k];
            e->wb[at] = cn->weight_bits;
            e->dly[at] = cn->delay ? cn->delay[k] : 0;
        }
    }
    free(fill);
    return LE_OK;
}

/* The core being packed by automatic placement: its input axons and synapse memory. */
typedef struct {
    uint32_t gid;
    uint32_t n_cx;
    uint32_t n_axons;
    uint32_t *ax_n;    /* synapses per axon */
    uint8_t *ax_wb;    /* largest weight bits per axon */
    uint8_t *ax_dmax;  /* largest delay per axon */
    uint32_t *ax_src;  /* source neuron per axon */
    uint64_t bits;     /* synapse memory of all axons, computed with bits_ncx compartments */
    uint32_t bits_ncx;
    uint32_t epoch;    /* stamp[src] == epoch: src has an axon on this core, at slot[src] */
    uint32_t *stamp, *slot;
    uint32_t axon_cap;
} packer;

typedef struct {
    uint32_t slot, n;
    uint8_t wb, dmax, fresh;
} undo_rec;

static uint64_t axon_bits(const le_limits *lim, uint32_t n, uint8_t wb, uint8_t dmax, uint32_t n_cx)
{
    le_axon_fmt f = {wb, le_delay_bits(dmax), 0, 0};
    return le_axon_sram_bits(lim, &f, n, n_cx);
}

static void recompute_bits(packer *pk, const le_limits *lim, uint32_t n_cx)
{
    uint64_t b = 0;
    for (uint32_t a = 0; a < pk->n_axons; a++)
        b += axon_bits(lim, pk->ax_n[a], pk->ax_wb[a], pk->ax_dmax[a], n_cx);
    pk->bits = b;
    pk->bits_ncx = n_cx;
}

/* The per-synapse index field grows with the compartments of the core; a 64-synapse probe
 * shows when the format of every axon changes, so that the total is recomputed only then. */
static int format_changes(const le_limits *lim, uint32_t ncx_a, uint32_t ncx_b)
{
    return axon_bits(lim, 64, 8, 0, ncx_a) != axon_bits(lim, 64, 8, 0, ncx_b);
}

static int packer_grow(packer *pk)
{
    uint32_t nc = pk->axon_cap ? pk->axon_cap * 2 : 1024;
    uint32_t *n = realloc(pk->ax_n, nc * sizeof *n);
    if (n)
        pk->ax_n = n;
    uint32_t *s = realloc(pk->ax_src, nc * sizeof *s);
    if (s)
        pk->ax_src = s;
    uint8_t *w = realloc(pk->ax_wb, nc);
    if (w)
        pk->ax_wb = w;
    uint8_t *d = realloc(pk->ax_dmax, nc);
    if (d)
        pk->ax_dmax = d;
    if (!n || !s || !w || !d)
        return 0;
    pk->axon_cap = nc;
    return 1;
}

/* Adds one synapse from src to the tentative core state, logging how to undo it. */
static int packer_add(packer *pk, const le_limits *lim, uint32_t src, uint8_t wb, uint8_t dly, uint32_t n_cx,
                      undo_rec *log, uint32_t *n_log)
{
    undo_rec *u = &log[(*n_log)++];
    uint32_t a;
    if (pk->stamp[src] != pk->epoch) {
        if (pk->n_axons == pk->axon_cap && !packer_grow(pk))
            return 0;
        a = pk->n_axons++;
        pk->stamp[src] = pk->epoch;
        pk->slot[src] = a;
        pk->ax_src[a] = src;
        pk->ax_n[a] = 0;
        pk->ax_wb[a] = 0;
        pk->ax_dmax[a] = 0;
        u->fresh = 1;
    } else {
        a = pk->slot[src];
        u->fresh = 0;
        pk->bits -= axon_bits(lim, pk->ax_n[a], pk->ax_wb[a], pk->ax_dmax[a], n_cx);
    }
    u->slot = a;
    u->n = pk->ax_n[a];
    u->wb = pk->ax_wb[a];
    u->dmax = pk->ax_dmax[a];
    pk->ax_n[a]++;
    if (wb > pk->ax_wb[a])
        pk->ax_wb[a] = wb;
    if (dly > pk->ax_dmax[a])
        pk->ax_dmax[a] = dly;
    pk->bits += axon_bits(lim, pk->ax_n[a], pk->ax_wb[a], pk->ax_dmax[a], n_cx);
    return 1;
}

static void packer_undo(packer *pk, undo_rec *log, uint32_t n_log)
{
    while (n_log > 0) {
        undo_rec *u = &log[--n_log];
        if (u->fresh) {
            pk->stamp[pk->ax_src[u->slot]] = 0;
            pk->n_axons--;
        } else {
            pk->ax_n[u->slot] = u->n;
            pk->ax_wb[u->slot] = u->wb;
            pk->ax_dmax[u->slot] = u->dmax;
        }
    }
}

static void packer_next_core(packer *pk, const uint8_t *claimed, uint32_t n_board)
{
    pk->gid++;
    while (pk->gid < n_board && claimed[pk->gid])
        pk->gid++;
    pk->n_cx = 0;
    pk->n_axons = 0;
    pk->bits = 0;
    pk->bits_ncx = 0;
    pk->epoch++;
}

static le_code board_overflow(const le_population *p, uint32_t needed, const le_board_geom *geom, uint32_t n_board,
                              le_error *err)
{
    return le_fail(err, LE_ERR_LIMIT,
                   "population '%s' does not fit: the network needs %u cores, board '%s' has %u (%u chips x %u)",
                   p->name, needed, geom->name, n_board, geom->n_chips, geom->cores_per_chip);
}

le_code le_place(const le_network *net, const le_board_geom *geom, const le_limits *lim, le_placement *pl,
                 le_error *err)
{
    memset(pl, 0, sizeof *pl);
    le_code rc = le_network_validate(net, err);
    if (rc)
        return rc;
    const uint32_t n_board = geom->n_chips * geom->cores_per_chip;
    if (n_board == 0)
        return le_fail(err, LE_ERR_CONFIG, "board '%s' has no cores", geom->name);
    const uint32_t np = net->n_pops;
    pl->n_pops = np;
    pl->pop_base = calloc((size_t)np + 1, sizeof *pl->pop_base);
    pl->input_chip = malloc(((size_t)np + 1) * sizeof *pl->input_chip);
    if (!pl->pop_base || !pl->input_chip) {
        le_placement_free(pl);
        return le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
    }
    for (uint32_t p = 0; p < np; p++)
        pl->pop_base[p + 1] = pl->pop_base[p] + net->pops[p].size;
    const uint32_t total = pl->pop_base[np];
    pl->core = malloc(((size_t)total + 1) * sizeof *pl->core);
    pl->cx = calloc((size_t)total + 1, sizeof *pl->cx);
    uint8_t *claimed = calloc(n_board, 1);
    uint32_t *cx_used = calloc(n_board, sizeof *cx_used);
    uint8_t *automatic = calloc((size_t)np + 1, 1);
    in_edges ie;
    memset(&ie, 0, sizeof ie);
    packer pk;
    memset(&pk, 0, sizeof pk);
    undo_rec *log = NULL;
    if (!pl->core || !pl->cx || !claimed || !cx_used || !automatic) {
        rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory for %u neurons", total);
        goto out;
    }
    for (uint32_t i = 0; i < total; i++)
        pl->core[i] = LE_NO_CORE;

    /* Explicit populations. */
    int any_auto = 0;
    for (uint32_t p = 0; p < np; p++) {
        const le_population *pop = &net->pops[p];
        if (pop->kind == LE_POP_INPUT)
            continue;
        if (pop->first_core < 0) {
            automatic[p] = 1;
            any_auto = 1;
            continue;
        }
        const uint32_t need = le_pop_cx_per_neuron(pop);
        uint32_t cur = (uint32_t)pop->first_core, on_cur = 0;
        for (uint32_t k = 0; k < pop->size; k++) {
            int full = pop->per_core ? on_cur == pop->per_core
                                     : (cur < n_board && cx_used[cur] + need > lim->cx_per_core);
            if (full) {
                cur++;
                on_cur = 0;
            }
            if (cur >= n_board) {
                /* Count the cores this population would need beyond the board. */
                uint32_t left = pop->size - k;
                uint32_t per = pop->per_core ? pop->per_core : lim->cx_per_core / need;
                uint32_t needed = cur + (left + per - 1) / per;
                rc = board_overflow(pop, needed, geom, n_board, err);
                le_error_prefix(err, "placement (first_core %d)", pop->first_core);
                goto out;
            }
            if (cx_used[cur] + need > UINT16_MAX) {
                rc = le_fail(err, LE_ERR_LIMIT, "population '%s': core %u of chip %u would get %u compartments",
                             pop->name, cur % geom->cores_per_chip, cur / geom->cores_per_chip, cx_used[cur] + need);
                goto out;
            }
            uint32_t g = pl->pop_base[p] + k;
            pl->core[g] = cur;
            pl->cx[g] = (uint16_t)(cx_used[cur] + need - 1);
            cx_used[cur] += need;
            claimed[cur] = 1;
            on_cur++;
        }
    }

    /* Automatic populations, with the estimates of axons and synapse memory. */
    if (any_auto) {
        rc = in_edges_build(net, pl->pop_base, total, automatic, &ie, err);
        if (rc)
            goto out;
        size_t max_in = 0;
        for (uint32_t g = 0; g < total; g++)
            if (ie.start[g + 1] - ie.start[g] > max_in)
                max_in = ie.start[g + 1] - ie.start[g];
        log = malloc((max_in + 2) * sizeof *log);
        pk.stamp = calloc((size_t)total + 1, sizeof *pk.stamp);
        pk.slot = malloc(((size_t)total + 1) * sizeof *pk.slot);
        if (!log || !pk.stamp || !pk.slot || !packer_grow(&pk)) {
            rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
            goto out;
        }
        pk.epoch = 1;
        pk.gid = 0;
        while (pk.gid < n_board && claimed[pk.gid])
            pk.gid++;
        uint32_t first_over = UINT32_MAX; /* population that first went past the board */
        for (uint32_t p = 0; p < np; p++) {
            if (!automatic[p])
                continue;
            const le_population *pop = &net->pops[p];
            const uint32_t need = le_pop_cx_per_neuron(pop);
            const int self = pop->kind == LE_POP_AHP && pop->ahp_weight != 0;
            uint32_t on_cur = 0, core_of_count = pk.gid;
            for (uint32_t k = 0; k < pop->size; k++) {
                const uint32_t g = pl->pop_base[p] + k;
                for (;;) {
                    if (core_of_count != pk.gid) {
                        on_cur = 0;
                        core_of_count = pk.gid;
                    }
                    if ((pop->per_core && on_cur >= pop->per_core) || pk.n_cx + need > lim->cx_per_core) {
                        packer_next_core(&pk, claimed, n_board);
                        continue;
                    }
                    const uint32_t ncx = pk.n_cx + need;
                    const uint64_t saved_bits = pk.bits;
                    const uint32_t saved_ncx = pk.bits_ncx;
                    if (pk.n_axons && format_changes(lim, pk.bits_ncx, ncx))
                        recompute_bits(&pk, lim, ncx);
                    pk.bits_ncx = ncx;
                    uint32_t n_log = 0;
                    int ok = 1;
                    for (size_t e = ie.start[g]; e < ie.start[g + 1] && ok; e++)
                        ok = packer_add(&pk, lim, ie.src[e], ie.wb[e], ie.dly[e], ncx, log, &n_log);
                    if (ok && self)
                        ok = packer_add(&pk, lim, g, 8, 0, ncx, log, &n_log);
                    if (!ok) {
                        rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
                        goto out;
                    }
                    if (pk.n_axons <= lim->in_axons_per_core && pk.bits <= lim->synapse_bits_per_core)
                        break;
                    /* Does not fit here: undo, and move on unless the core was empty. */
                    uint32_t axons = pk.n_axons;
                    uint64_t bits = pk.bits;
                    packer_undo(&pk, log, n_log);
                    pk.bits = saved_bits;
                    pk.bits_ncx = saved_ncx;
                    if (pk.n_cx == 0) {
                        if (axons > lim->in_axons_per_core)
                            rc = le_fail(err, LE_ERR_LIMIT,
                                         "population '%s' neuron %u: its %u source neurons need %u input axons on "
                                         "one core, more than the %u a core has",
                                         pop->name, k, axons, axons, lim->in_axons_per_core);
                        else
                            rc = le_fail(err, LE_ERR_LIMIT,
                                         "population '%s' neuron %u: its synapses need %llu bits of synapse memory, "
                                         "more than the %llu of a core",
                                         pop->name, k, (unsigned long long)bits,
                                         (unsigned long long)lim->synapse_bits_per_core);
                        goto out;
                    }
                    packer_next_core(&pk, claimed, n_board);
                }
                if (pk.gid >= n_board && first_over == UINT32_MAX)
                    first_over = p;
                pl->core[g] = pk.gid;
                pl->cx[g] = (uint16_t)(pk.n_cx + need - 1);
                pk.n_cx += need;
                on_cur++;
            }
        }
        if (first_over != UINT32_MAX) {
            /* Automatic placement consumes cores in order, so it needed every core up to its last. */
            rc = board_overflow(&net->pops[first_over], pk.gid + 1, geom, n_board, err);
            goto out;
        }
    }

    /* Input populations: the x86 of the chosen chip, or of the chip of the first target. */
    for (uint32_t p = 0; p < np; p++) {
        const le_population *pop = &net->pops[p];
        pl->input_chip[p] = -1;
        if (pop->kind != LE_POP_INPUT)
            continue;
        if (pop->chip >= 0) {
            if ((uint32_t)pop->chip >= geom->n_chips) {
                rc = le_fail(err, LE_ERR_CONFIG, "population '%s': chip %d, board '%s' has chips 0..%u", pop->name,
                             pop->chip, geom->name, geom->n_chips - 1);
                goto out;
            }
            pl->input_chip[p] = pop->chip;
            continue;
        }
        pl->input_chip[p] = 0;
        for (uint32_t c = 0; c < net->n_conns; c++) {
            const le_connection *cn = &net->conns[c];
            if (cn->src_pop != p || cn->n == 0)
                continue;
            uint32_t core = pl->core[pl->pop_base[cn->dst_pop] + cn->dst[0]];
            pl->input_chip[p] = (int32_t)(core / geom->cores_per_chip);
            break;
        }
    }

    {
        uint8_t *used = calloc(n_board, 1);
        if (!used) {
            rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
            goto out;
        }
        for (uint32_t g = 0; g < total; g++)
            if (pl->core[g] != LE_NO_CORE && !used[pl->core[g]]) {
                used[pl->core[g]] = 1;
                pl->n_cores_used++;
            }
        free(used);
    }
    rc = LE_OK;
out:
    free(claimed);
    free(cx_used);
    free(automatic);
    in_edges_free(&ie);
    free(pk.ax_n);
    free(pk.ax_wb);
    free(pk.ax_dmax);
    free(pk.ax_src);
    free(pk.stamp);
    free(pk.slot);
    free(log);
    if (rc)
        le_placement_free(pl);
    return rc;
}
