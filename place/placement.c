/* Placement of neurons onto neuro-cores.
 *
 * Explicit populations (first_core >= 0) are placed first, in population order, from their
 * first core on: per_core > 0 puts exactly that many neurons on each core (whatever the
 * limits say: le_core_build rejects what does not fit, with its precise message); per_core
 * 0 fills each core up to the compartment limit. Several explicit populations may share a
 * core. Automatic populations then fill the cores no explicit population claimed, in gid
 * order, packing consecutive populations into the same core while every limit of the core
 * holds, as place/estimate.h counts it (the count le_core_build makes later), and while the
 * synapse caps of the populations on the core (le_place_cap) hold.
 *
 * Output axons depend on where the targets land, which is only known once everything is
 * placed. The rule: a pass places every automatic neuron with, for each neuron, the output
 * axons (distinct destination cores) and the off-chip flag it had in the previous pass (none
 * in the first pass); the finished placement is then counted exactly. If an automatic core
 * breaks its output-axon limit (2048 when any target is on another chip, 4096 otherwise),
 * each neuron's figures are raised to at least those just counted (never lowered, so the
 * estimate only grows and the passes end) and the placement is redone. A network that fits
 * in the first pass is therefore placed exactly as without the rule; one that still breaks
 * the limit after the last pass is an error naming the population, core, limit and numbers.
 * Input populations get no core; their x86 is on input_chip. */
#include "place/placement.h"

#include <stdlib.h>
#include <string.h>

#include "core/neurocore.h"
#include "place/estimate.h"

void le_placement_free(le_placement *pl)
{
    free(pl->pop_base);
    free(pl->core);
    free(pl->cx);
    free(pl->input_chip);
    memset(pl, 0, sizeof *pl);
}

static le_code board_overflow(const le_population *p, uint32_t needed, const le_board_geom *geom, uint32_t n_board,
                              le_error *err)
{
    return le_fail(err, LE_ERR_LIMIT,
                   "population '%s' does not fit: the network needs %u cores, board '%s' has %u (%u chips x %u)",
                   p->name, needed, geom->name, n_board, geom->n_chips, geom->cores_per_chip);
}

/* What the passes of automatic placement share. */
typedef struct {
    const le_network *net;
    const le_board_geom *geom;
    const le_limits *lim;
    le_placement *pl;
    uint32_t n_board;
    const uint8_t *claimed;
    const uint8_t *automatic;
    const uint64_t *syn_cap; /* [n_pops]: 0 = none */
    le_core_est est;
    le_core_est probe;       /* counts the cores an own-cores population needs */
    uint8_t *taken;          /* [n_board]: cores this pass has opened (chip hints jump around) */
} auto_ctx;

/* The next core neither an explicit population claimed nor this pass opened. */
static uint32_t next_open(const auto_ctx *x, uint32_t gid)
{
    while (gid < x->n_board && (x->claimed[gid] || x->taken[gid]))
        gid++;
    return gid;
}

/* How many cores population p needs when it has its cores to itself, filled greedily: each
 * core takes neurons while every limit and the population's synapse cap hold. */
static le_code cores_needed(auto_ctx *x, uint32_t p, const uint32_t *est_out, const uint8_t *est_off,
                            uint32_t *out, le_error *err)
{
    const le_population *pop = &x->net->pops[p];
    const uint32_t need = le_pop_cx_per_neuron(pop);
    le_core_est *e = &x->probe;
    uint32_t cores = 1, n_cx = 0, on = 0;
    le_core_est_open(e, 0);
    for (uint32_t k = 0; k < pop->size; k++) {
        const uint32_t g = x->pl->pop_base[p] + k;
        for (;;) {
            int room = !(pop->per_core && on >= pop->per_core) && n_cx + need <= x->lim->cx_per_core;
            if (room) {
                le_code rc = le_core_est_add(e, g, n_cx + need - 1, n_cx + need, est_out[g], est_off[g], err);
                if (rc)
                    return rc;
                if (le_core_usage_fits(&e->u, x->lim, x->syn_cap[p]) == LE_FIT_OK)
                    break;
                le_core_est_undo(e);
            }
            if (n_cx == 0)
                break; /* alone it does not fit: the real pass reports it */
            cores++;
            n_cx = on = 0;
            le_core_est_open(e, 0);
        }
        n_cx += need;
        on++;
    }
    *out = cores;
    return LE_OK;
}

static uint64_t min_cap(uint64_t a, uint64_t b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return a < b ? a : b;
}

/* One pass of automatic placement; est_out / est_off: each neuron's output axons and
 * off-chip flag as far as they are known. */
static le_code place_auto(auto_ctx *x, const uint32_t *est_out, const uint8_t *est_off, le_error *err)
{
    const le_network *net = x->net;
    le_placement *pl = x->pl;
    const uint32_t n_board = x->n_board;
    le_core_est *est = &x->est;
    memset(x->taken, 0, n_board);
    uint32_t gid = next_open(x, 0);
    uint32_t n_cx = 0;
    uint64_t core_cap = 0; /* the smallest synapse cap of the populations on the core */
    le_core_est_open(est, gid);
    if (gid < n_board)
        x->taken[gid] = 1;
    uint32_t first_over = UINT32_MAX; /* population that first went past the board */
    int fresh = 0;                    /* the next population starts on a core of its own */
    for (uint32_t p = 0; p < net->n_pops; p++) {
        if (!x->automatic[p])
            continue;
        const le_population *pop = &net->pops[p];
        const uint32_t need = le_pop_cx_per_neuron(pop);
        uint32_t per_core = pop->per_core;
        if (pop->chip >= 0 || ((pop->own_cores || fresh) && n_cx > 0)) {
            uint32_t from = pop->chip >= 0 ? (uint32_t)pop->chip * x->geom->cores_per_chip : gid + 1;
            if (pop->chip < 0 || n_cx > 0 || gid / x->geom->cores_per_chip != (uint32_t)pop->chip) {
                if (n_cx == 0 && gid < n_board)
                    x->taken[gid] = 0; /* left empty: free for later populations */
                gid = next_open(x, from);
            }
            n_cx = 0;
            core_cap = 0;
            le_core_est_open(est, gid);
            if (gid < n_board)
                x->taken[gid] = 1;
        }
        fresh = pop->own_cores;
        if (pop->own_cores && pop->size) {
            uint32_t cores;
            le_code rc = cores_needed(x, p, est_out, est_off, &cores, err);
            if (rc)
                return rc;
            uint32_t even = (pop->size + cores - 1) / cores;
            if (!per_core || even < per_core)
                per_core = even;
        }
        uint32_t on_cur = 0, core_of_count = gid;
        for (uint32_t k = 0; k < pop->size; k++) {
            const uint32_t g = pl->pop_base[p] + k;
            uint64_t cap;
            for (;;) {
                if (core_of_count != gid) {
                    on_cur = 0;
                    core_of_count = gid;
                }
                if ((per_core && on_cur >= per_core) || n_cx + need > x->lim->cx_per_core) {
                    gid = next_open(x, gid + 1);
                    n_cx = 0;
                    core_cap = 0;
                    le_core_est_open(est, gid);
                    if (gid < n_board)
                        x->taken[gid] = 1;
                    continue;
                }
                le_code rc = le_core_est_add(est, g, n_cx + need - 1, n_cx + need, est_out[g], est_off[g], err);
                if (rc)
                    return rc;
                cap = min_cap(core_cap, x->syn_cap[p]);
                le_fit f = le_core_usage_fits(&est->u, x->lim, cap);
                if (f == LE_FIT_OK)
                    break;
                /* Does not fit here: take it back, and move on unless the core was empty. */
                le_core_usage u = est->u;
                le_core_est_undo(est);
                if (n_cx == 0) {
                    unsigned long long v, m;
                    le_fit_numbers(f, &u, x->lim, cap, &v, &m);
                    if (f == LE_FIT_IN_AXONS)
                        return le_fail(err, LE_ERR_LIMIT,
                                       "population '%s' neuron %u: its %llu source neurons need %llu input axons on "
                                       "one core, more than the %llu a core has",
                                       pop->name, k, v, v, m);
                    if (f == LE_FIT_SYN_BITS)
                        return le_fail(err, LE_ERR_LIMIT,
                                       "population '%s' neuron %u: its synapses need %llu bits of synapse memory, "
                                       "more than the %llu of a core",
                                       pop->name, k, v, m);
                    return le_fail(err, LE_ERR_LIMIT,
                                   "population '%s' neuron %u alone on a core: %s %llu exceed the limit of %llu",
                                   pop->name, k, le_fit_name(f), v, m);
                }
                gid = next_open(x, gid + 1);
                n_cx = 0;
                core_cap = 0;
                le_core_est_open(est, gid);
                if (gid < n_board)
                    x->taken[gid] = 1;
            }
            if (gid >= n_board && first_over == UINT32_MAX)
                first_over = p;
            core_cap = cap;
            pl->core[g] = gid;
            pl->cx[g] = (uint16_t)(n_cx + need - 1);
            n_cx += need;
            on_cur++;
        }
    }
    if (first_over != UINT32_MAX)
        /* Automatic placement consumes cores in order, so it needed every core up to its last. */
        return board_overflow(&net->pops[first_over], gid + 1, x->geom, n_board, err);
    return LE_OK;
}

/* Raises each neuron's estimate to what was counted; returns whether anything changed. */
static int raise_estimates(uint32_t n, uint32_t *est_out, uint8_t *est_off, const uint32_t *out, const uint8_t *off)
{
    int changed = 0;
    for (uint32_t g = 0; g < n; g++) {
        if (out[g] > est_out[g]) {
            est_out[g] = out[g];
            changed = 1;
        }
        if (off[g] && !est_off[g]) {
            est_off[g] = 1;
            changed = 1;
        }
    }
    return changed;
}

/* The first automatic core whose output axons break the limit, as LE_NO_CORE if none. */
static uint32_t first_out_violation(const auto_ctx *x, const le_core_usage *usage)
{
    for (uint32_t c = 0; c < x->n_board; c++)
        if (!x->claimed[c] && usage[c].out_axons > le_out_axon_limit(x->lim, usage[c].off_chip))
            return c;
    return LE_NO_CORE;
}

static le_code out_axon_error(const auto_ctx *x, uint32_t c, const le_core_usage *u, uint32_t passes, le_error *err)
{
    const le_placement *pl = x->pl;
    const char *name = "?";
    for (uint32_t p = 0; p < x->net->n_pops && name[0] == '?'; p++)
        for (uint32_t k = 0; k < x->net->pops[p].size; k++)
            if (pl->core[pl->pop_base[p] + k] == c) {
                name = x->net->pops[p].name;
                break;
            }
    const uint32_t cpc = x->geom->cores_per_chip;
    return le_fail(err, LE_ERR_LIMIT,
                   "population '%s' on core %u of chip %u: output axons %u exceed the limit of %u per core (%s) "
                   "after %u placement passes",
                   name, c % cpc, c / cpc, u->out_axons, le_out_axon_limit(x->lim, u->off_chip),
                   u->off_chip ? "some targets are on another chip" : "all targets on its chip", passes);
}

le_code le_place(const le_network *net, const le_board_geom *geom, const le_limits *lim, le_placement *pl,
                 le_error *err)
{
    return le_place_with(net, geom, lim, NULL, pl, err);
}

le_code le_place_with(const le_network *net, const le_board_geom *geom, const le_limits *lim,
                      const le_place_opts *opts, le_placement *pl, le_error *err)
{
    memset(pl, 0, sizeof *pl);
    le_code rc = le_network_validate(net, err);
    if (rc)
        return rc;
    const uint32_t n_board = geom->n_chips * geom->cores_per_chip;
    if (n_board == 0)
        return le_fail(err, LE_ERR_CONFIG, "board '%s' has no cores", geom->name);
    const uint32_t np = net->n_pops;
    /* The board's compartments bound the network before anything is allocated per neuron:
     * a file asking for 10^8 neurons on one chip fails here in microseconds, not after
     * gigabytes of placement arrays. The count of cores is a lower bound (packing can need
     * more, which the passes below report). */
    {
        const uint64_t cx_board = (uint64_t)n_board * lim->cx_per_core;
        uint64_t cx = 0;
        for (uint32_t p = 0; p < np; p++) {
            cx += (uint64_t)net->pops[p].size * le_pop_cx_per_neuron(&net->pops[p]);
            if (cx > cx_board)
                return le_fail(err, LE_ERR_LIMIT,
                               "population '%s' does not fit: the network needs %llu cores, board '%s' has %u "
                               "(%u chips x %u; %llu compartments so far, %u per core)",
                               net->pops[p].name, (unsigned long long)((cx + lim->cx_per_core - 1) / lim->cx_per_core),
                               geom->name, n_board, geom->n_chips, geom->cores_per_chip, (unsigned long long)cx,
                               lim->cx_per_core);
        }
    }
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
    uint64_t *syn_cap = calloc((size_t)np + 1, sizeof *syn_cap);
    uint32_t *est_out = NULL, *cnt_out = NULL;
    uint8_t *est_off = NULL, *cnt_off = NULL;
    le_core_usage *usage = NULL;
    le_in_edges ie;
    memset(&ie, 0, sizeof ie);
    auto_ctx x;
    memset(&x, 0, sizeof x);
    if (!pl->core || !pl->cx || !claimed || !cx_used || !automatic || !syn_cap) {
        rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory for %u neurons", total);
        goto out;
    }
    for (uint32_t i = 0; i < total; i++)
        pl->core[i] = LE_NO_CORE;
    for (uint32_t i = 0; opts && i < opts->n_caps; i++) {
        int p = le_network_find_pop(net, opts->caps[i].pop);
        if (p < 0) {
            rc = le_fail(err, LE_ERR_CONFIG, "placement cap: no population '%s' in the network", opts->caps[i].pop);
            goto out;
        }
        syn_cap[p] = min_cap(syn_cap[p], opts->caps[i].synapses_per_core);
    }

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

    /* Automatic populations, in passes until the output axons hold (see the top of the file). */
    if (any_auto) {
        if ((rc = le_in_edges_build(net, pl->pop_base, NULL, &ie, err)))
            goto out;
        x.net = net;
        x.geom = geom;
        x.lim = lim;
        x.pl = pl;
        x.n_board = n_board;
        x.claimed = claimed;
        x.automatic = automatic;
        x.syn_cap = syn_cap;
        x.taken = calloc(n_board, 1);
        if (!x.taken) {
            rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory for %u cores", n_board);
            goto out;
        }
        if ((rc = le_core_est_init(&x.est, lim, &ie, err)) || (rc = le_core_est_init(&x.probe, lim, &ie, err)))
            goto out;
        est_out = calloc((size_t)total + 1, sizeof *est_out);
        cnt_out = calloc((size_t)total + 1, sizeof *cnt_out);
        est_off = calloc((size_t)total + 1, 1);
        cnt_off = calloc((size_t)total + 1, 1);
        usage = calloc(n_board, sizeof *usage);
        if (!est_out || !cnt_out || !est_off || !cnt_off || !usage) {
            rc = le_fail(err, LE_ERR_NOMEM, "placement: out of memory");
            goto out;
        }
        const uint32_t max_passes = opts && opts->max_passes ? opts->max_passes : 32;
        for (uint32_t pass = 1;; pass++) {
            if ((rc = place_auto(&x, est_out, est_off, err)))
                goto out;
            if ((rc = le_estimate_cores(net, pl, geom, lim, &ie, usage, cnt_out, cnt_off, err)))
                goto out;
            uint32_t bad = first_out_violation(&x, usage);
            if (bad == LE_NO_CORE)
                break;
            if (!raise_estimates(total, est_out, est_off, cnt_out, cnt_off) || pass == max_passes) {
                rc = out_axon_error(&x, bad, &usage[bad], pass, err);
                goto out;
            }
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
            if (cn->src_pop != p || (cn->n == 0 && !cn->conv))
                continue;
            uint32_t core = pl->core[pl->pop_base[cn->dst_pop] + (cn->conv ? 0 : cn->dst[0])];
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
    free(syn_cap);
    free(est_out);
    free(cnt_out);
    free(est_off);
    free(cnt_off);
    free(usage);
    le_in_edges_free(&ie);
    le_core_est_free(&x.est);
    le_core_est_free(&x.probe);
    free(x.taken);
    if (rc)
        le_placement_free(pl);
    return rc;
}
