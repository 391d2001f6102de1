/* Chip configuration and the functional time-step loop (emu/run.h).
 *
 * Configuration is sort-based: every synapse is bucketed by destination core (counting
 * sort), each core's synapses are sorted by source neuron (one input axon per distinct
 * source neuron on that core, in ascending source order), and every input axon is then
 * bucketed by source neuron to give each neuron its output axons (one per destination
 * core, ascending) or, for input neurons, the (core, axon) list the x86 injects into.
 *
 * Step t: spiking snip (injections) -> synaptic phase (packets of step t-1, injections of
 * step t) -> compartment phase on awake cores, in core order -> packets -> trace rows ->
 * management snip -> activity to the cost sink. The management snip runs before the step's
 * activity is reported so that its reads and resets are billed to the step that did them
 * (and the last step's are not lost). */
#include "run/sim.h"
#include "traces/trace_csv.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define AUX_FLAG 0x80000000u

typedef struct {
    uint32_t core; /* local core index */
    uint32_t axon;
} delivery;

/* A growable array of fixed-size records. */
typedef struct {
    void *a;
    size_t n, cap, elem;
} vec;

static int vec_push(vec *v, const void *x)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 256;
        void *p = realloc(v->a, nc * v->elem);
        if (!p)
            return 0;
        v->a = p;
        v->cap = nc;
    }
    memcpy((char *)v->a + v->n * v->elem, x, v->elem);
    v->n++;
    return 1;
}

typedef struct {
    char name[LE_NAME_MAX];
    le_pop_kind kind;
    uint32_t size, base;
    int32_t input_chip;
} pop_info;

struct le_sim {
    le_board_geom geom;
    le_limits lim;
    uint32_t n_pops;
    pop_info *pops;
    uint32_t n_neurons;
    uint32_t *nrn_core; /* local core of each neuron, NONE for inputs */
    uint16_t *nrn_cx;   /* main compartment */
    size_t *inj_start;  /* [n_neurons + 1]: injection list of an input neuron */
    delivery *inj;

    uint32_t n_cores;
    le_neurocore *cores;
    uint32_t *gid_local; /* [board cores] -> local index or NONE */
    size_t *cx_base;     /* [n_cores + 1] */
    uint32_t *cx_nrn;    /* neuron of each compartment (AUX_FLAG for an aux), NONE for gaps */
    uint16_t *fired;
    uint32_t max_cx;

    /* step state */
    uint32_t t;      /* last completed step */
    uint32_t cur_t;  /* step under way (or the next one between runs) */
    uint64_t total_spikes;
    vec pend, pend_next, inj_now; /* delivery records */
    vec inj_next, inj_arrive;     /* x86 injections sent last step / this step (latency 1) */
    uint32_t inject_latency;
    vec packets, injected;        /* le_packet records of the current step */
    uint32_t *awake;
    uint32_t n_awake;
    uint8_t *in_awake;
    uint32_t *touched;
    uint32_t n_touched;
    uint8_t *is_touched;
    le_core_activity *act_cores;
    le_x86_activity *x86;  /* [n_chips] */
    uint8_t *x86_dirty;
    uint32_t *x86_list;
    uint32_t n_x86_dirty;
    le_x86_activity *act_x86;

    le_input_spike *inputs; /* the network's input spikes, by step */
    uint32_t n_inputs, next_input;

    FILE *trace;
    uint32_t *traced; /* neuron gids */
    uint32_t n_traced;
    uint32_t *spiked_at; /* [n_neurons]: last step in which the neuron fired */

    le_cost_sink sink;
    int has_sink;

    le_error pending; /* a misuse of the snip services, reported by le_sim_run */
    int has_pending;
};

/* ---------------------------------------------------------------- configuration */

typedef struct {
    uint32_t src;   /* source neuron gid */
    le_synapse syn; /* syn.pad holds the connection's weight bits until the format is set */
} syn_rec;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int profile_eq(const le_profile *a, const le_profile *b)
{
    return a->decay_u == b->decay_u && a->decay_v == b->decay_v && a->bias_mant == b->bias_mant &&
           a->bias_exp == b->bias_exp && a->vth_mant == b->vth_mant && a->refract == b->refract &&
           a->vmin_exp == b->vmin_exp && a->vmax_exp == b->vmax_exp && a->stack_out == b->stack_out &&
           a->join_op == b->join_op;
}

/* The profile a compartment of this population runs, with the compartment-join wiring of
 * the kind forced (aux pushes its v, the main compartment of an AHP neuron adds it). */
static le_profile cx_profile_of(const le_population *p, int aux)
{
    le_profile r = aux ? p->aux : p->main;
    if (aux) {
        r.stack_out = 1;
        r.join_op = LE_JOIN_NONE;
    } else {
        r.stack_out = 0;
        r.join_op = p->kind == LE_POP_AHP ? LE_JOIN_ADD : LE_JOIN_NONE;
    }
    return r;
}

static uint32_t pop_of(const le_sim *s, uint32_t g)
{
    uint32_t lo = 0, hi = s->n_pops; /* pops[lo].base <= g < pops[hi].base */
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (s->pops[mid].base <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* "population 'a' (neurons 0..99), population 'b' (neurons 0..3)" for the neurons of core i. */
static void core_context(const le_sim *s, uint32_t i, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    uint32_t cur = NONE, first = 0, last = 0;
    for (size_t c = s->cx_base[i]; c <= s->cx_base[i + 1]; c++) {
        uint32_t g = c < s->cx_base[i + 1] ? s->cx_nrn[c] : NONE;
        if (c < s->cx_base[i + 1] && (g == NONE || (g & AUX_FLAG)))
            continue;
        uint32_t p = g == NONE ? NONE : pop_of(s, g);
        if (p != NONE && p == cur && g == last + 1) {
            last = g;
            continue;
        }
        if (cur != NONE && n + 1 < cap) {
            int k = snprintf(buf + n, cap - n, "%spopulation '%s' (neurons %u..%u)", n ? ", " : "", s->pops[cur].name,
                             first - s->pops[cur].base, last - s->pops[cur].base);
            n = k < 0 ? cap : n + (size_t)k;
        }
        cur = p;
        first = last = g;
    }
    if (n >= cap)
        buf[cap - 1] = '\0';
}

static le_code nomem(le_error *err, const char *what)
{
    return le_fail(err, LE_ERR_NOMEM, "chip configuration: out of memory for %s", what);
}

le_code le_sim_create(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                      const le_limits *lim, le_sim **out, le_error *err)
{
    *out = NULL;
    le_code rc = LE_OK;
    if (pl->n_pops != net->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "placement has %u populations, the network %u", pl->n_pops, net->n_pops);
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (pl->pop_base[p + 1] - pl->pop_base[p] != net->pops[p].size)
            return le_fail(err, LE_ERR_CONFIG, "placement does not match population '%s'", net->pops[p].name);
    const uint32_t N = pl->pop_base[net->n_pops];
    if (N >= AUX_FLAG)
        return le_fail(err, LE_ERR_LIMIT, "network of %u neurons: more than %u", N, AUX_FLAG - 1);
    const uint32_t n_board = geom->n_chips * geom->cores_per_chip;

    le_sim *s = calloc(1, sizeof *s);
    if (!s)
        return nomem(err, "the simulator");
    s->geom = *geom;
    s->lim = *lim;
    s->n_pops = net->n_pops;
    s->n_neurons = N;
    s->pend.elem = s->pend_next.elem = s->inj_now.elem = sizeof(delivery);
    s->inj_next.elem = s->inj_arrive.elem = sizeof(delivery);
    s->inject_latency = 1;
    s->packets.elem = s->injected.elem = sizeof(le_packet);

    /* Temporaries, freed at `done`. */
    size_t *cnt = NULL, *fill = NULL;
    syn_rec *recs = NULL;
    le_synapse *syn_all = NULL;
    uint64_t *keys = NULL;
    uint32_t *in_start_all = NULL; /* per core: n_axons + 1 entries, at ax_base[i] + i */
    size_t *ax_base = NULL;
    le_axon_fmt *fmt_all = NULL;
    vec ax_src = {NULL, 0, 0, sizeof(uint32_t)}; /* per axon (global order): source neuron */
    uint32_t *ax_core = NULL;                    /* core of each axon, derived from ax_base */
    size_t *nout_start = NULL;
    le_axon_dst *nout = NULL;
    le_profile *prof = NULL;
    uint16_t *cxp = NULL;
    uint32_t *ostart = NULL;
    le_axon_dst *obuf = NULL;
    size_t obuf_cap = 0;

    s->pops = calloc(net->n_pops + 1, sizeof *s->pops);
    s->nrn_core = malloc(((size_t)N + 1) * sizeof *s->nrn_core);
    s->nrn_cx = malloc(((size_t)N + 1) * sizeof *s->nrn_cx);
    s->gid_local = malloc(((size_t)n_board + 1) * sizeof *s->gid_local);
    s->spiked_at = calloc((size_t)N + 1, sizeof *s->spiked_at);
    s->x86 = calloc(geom->n_chips + 1, sizeof *s->x86);
    s->x86_dirty = calloc(geom->n_chips + 1, 1);
    s->x86_list = calloc(geom->n_chips + 1, sizeof *s->x86_list);
    s->act_x86 = calloc(geom->n_chips + 1, sizeof *s->act_x86);
    if (!s->pops || !s->nrn_core || !s->nrn_cx || !s->gid_local || !s->spiked_at || !s->x86 || !s->x86_dirty ||
        !s->x86_list || !s->act_x86) {
        rc = nomem(err, "the neuron tables");
        goto done;
    }
    for (uint32_t c = 0; c < geom->n_chips; c++)
        s->x86[c].chip = c;
    for (uint32_t p = 0; p < net->n_pops; p++) {
        memcpy(s->pops[p].name, net->pops[p].name, LE_NAME_MAX);
        s->pops[p].kind = net->pops[p].kind;
        s->pops[p].size = net->pops[p].size;
        s->pops[p].base = pl->pop_base[p];
        s->pops[p].input_chip = pl->input_chip[p];
    }
    s->pops[net->n_pops].base = N;

    /* Used cores, in gid order. */
    for (uint32_t c = 0; c < n_board; c++)
        s->gid_local[c] = NONE;
    for (uint32_t p = 0; p < net->n_pops; p++) {
        for (uint32_t k = 0; k < net->pops[p].size; k++) {
            uint32_t g = pl->pop_base[p] + k, core = pl->core[g];
            if (net->pops[p].kind == LE_POP_INPUT)
                continue;
            if (core >= n_board) {
                rc = le_fail(err, LE_ERR_CONFIG, "population '%s' neuron %u: core %u is not on board '%s' (%u cores)",
                             net->pops[p].name, k, core, geom->name, n_board);
                goto done;
            }
            if (net->pops[p].kind == LE_POP_AHP && pl->cx[g] == 0) {
                rc = le_fail(err, LE_ERR_CONFIG, "population '%s' neuron %u: AHP main compartment at index 0 leaves "
                             "no room for its auxiliary compartment", net->pops[p].name, k);
                goto done;
            }
            s->gid_local[core] = 0;
        }
    }
    for (uint32_t c = 0; c < n_board; c++)
        if (s->gid_local[c] != NONE)
            s->gid_local[c] = s->n_cores++;
    s->cores = calloc(s->n_cores + 1, sizeof *s->cores);
    s->cx_base = calloc(s->n_cores + 2, sizeof *s->cx_base);
    s->awake = malloc((s->n_cores + 1) * sizeof *s->awake);
    s->in_awake = calloc(s->n_cores + 1, 1);
    s->touched = malloc((s->n_cores + 1) * sizeof *s->touched);
    s->is_touched = calloc(s->n_cores + 1, 1);
    s->act_cores = calloc(s->n_cores + 1, sizeof *s->act_cores);
    uint32_t *core_gid = calloc(s->n_cores + 1, sizeof *core_gid);
    if (!s->cores || !s->cx_base || !s->awake || !s->in_awake || !s->touched || !s->is_touched ||
        !s->act_cores || !core_gid) {
        free(core_gid);
        rc = nomem(err, "the core tables");
        goto done;
    }
    for (uint32_t c = 0; c < n_board; c++)
        if (s->gid_local[c] != NONE)
            core_gid[s->gid_local[c]] = c;

    /* Compartments per core and the neuron of each compartment. */
    for (uint32_t g = 0; g < N; g++) {
        s->nrn_core[g] = NONE;
        s->nrn_cx[g] = 0;
    }
    for (uint32_t p = 0; p < net->n_pops; p++) {
        if (net->pops[p].kind == LE_POP_INPUT)
            continue;
        for (uint32_t k = 0; k < net->pops[p].size; k++) {
            uint32_t g = pl->pop_base[p] + k, lc = s->gid_local[pl->core[g]];
            s->nrn_core[g] = lc;
            s->nrn_cx[g] = pl->cx[g];
            if ((size_t)pl->cx[g] + 1 > s->cx_base[lc + 1])
                s->cx_base[lc + 1] = (size_t)pl->cx[g] + 1;
        }
    }
    s->max_cx = 0;
    for (uint32_t i = 0; i < s->n_cores; i++) {
        if (s->cx_base[i + 1] > s->max_cx)
            s->max_cx = (uint32_t)s->cx_base[i + 1];
        s->cx_base[i + 1] += s->cx_base[i];
    }
    s->cx_nrn = malloc((s->cx_base[s->n_cores] + 1) * sizeof *s->cx_nrn);
    s->fired = malloc(((size_t)s->max_cx + 1) * sizeof *s->fired);
    if (!s->cx_nrn || !s->fired) {
        free(core_gid);
        rc = nomem(err, "the compartment tables");
        goto done;
    }
    for (size_t c = 0; c < s->cx_base[s->n_cores]; c++)
        s->cx_nrn[c] = NONE;
    for (uint32_t g = 0; g < N; g++) {
        if (s->nrn_core[g] == NONE)
            continue;
        uint32_t p = pop_of(s, g);
        size_t at = s->cx_base[s->nrn_core[g]] + s->nrn_cx[g];
        int ahp = net->pops[p].kind == LE_POP_AHP;
        if (s->cx_nrn[at] != NONE || (ahp && s->cx_nrn[at - 1] != NONE)) {
            uint32_t o = s->cx_nrn[at] != NONE ? s->cx_nrn[at] : s->cx_nrn[at - 1];
            o &= ~AUX_FLAG;
            uint32_t op = pop_of(s, o);
            rc = le_fail(err, LE_ERR_CONFIG,
                         "placement puts population '%s' neuron %u and population '%s' neuron %u on compartment %u "
                         "of core %u",
                         net->pops[p].name, g - pl->pop_base[p], net->pops[op].name, o - pl->pop_base[op],
                         (unsigned)s->nrn_cx[g], core_gid[s->nrn_core[g]]);
            free(core_gid);
            goto done;
        }
        s->cx_nrn[at] = g;
        if (ahp)
            s->cx_nrn[at - 1] = g | AUX_FLAG;
    }

    /* Synapses bucketed by destination core. */
    const uint32_t NC = s->n_cores;
    cnt = calloc((size_t)NC + 2, sizeof *cnt);
    if (!cnt) {
        free(core_gid);
        rc = nomem(err, "the synapse counts");
        goto done;
    }
    for (uint32_t ci = 0; ci < net->n_conns; ci++) {
        const le_connection *cn = &net->conns[ci];
        for (uint32_t k = 0; k < cn->n; k++)
            cnt[s->nrn_core[pl->pop_base[cn->dst_pop] + cn->dst[k]] + 1]++;
    }
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].kind == LE_POP_AHP && net->pops[p].ahp_weight != 0)
            for (uint32_t k = 0; k < net->pops[p].size; k++)
                cnt[s->nrn_core[pl->pop_base[p] + k] + 1]++;
    for (uint32_t i = 0; i < NC; i++)
        cnt[i + 1] += cnt[i];
    const size_t S = cnt[NC];
    recs = malloc((S + 1) * sizeof *recs);
    syn_all = malloc((S + 1) * sizeof *syn_all);
    fill = malloc(((size_t)NC + 1) * sizeof *fill);
    if (!recs || !syn_all || !fill) {
        free(core_gid);
        rc = nomem(err, "the synapses");
        goto done;
    }
    memcpy(fill, cnt, ((size_t)NC + 1) * sizeof *fill);
    for (uint32_t ci = 0; ci < net->n_conns; ci++) {
        const le_connection *cn = &net->conns[ci];
        for (uint32_t k = 0; k < cn->n; k++) {
            uint32_t d = pl->pop_base[cn->dst_pop] + cn->dst[k];
            syn_rec *r = &recs[fill[s->nrn_core[d]]++];
            r->src = pl->pop_base[cn->src_pop] + cn->src[k];
            int32_t m = le_weight_truncate(cn->weight[k], cn->sign, cn->weight_bits);
            r->syn.weight = le_actual_weight(m, cn->wexp);
            r->syn.cx = (uint16_t)(s->nrn_cx[d] - (cn->to_aux ? 1 : 0));
            r->syn.delay = cn->delay ? cn->delay[k] : 0;
            r->syn.pad = cn->weight_bits;
        }
    }
    for (uint32_t p = 0; p < net->n_pops; p++) {
        const le_population *pop = &net->pops[p];
        if (pop->kind != LE_POP_AHP || pop->ahp_weight == 0)
            continue;
        /* The AHP self synapse: the neuron's spike comes back onto its own auxiliary compartment. */
        int32_t w = le_actual_weight(pop->ahp_weight, pop->ahp_wexp);
        for (uint32_t k = 0; k < pop->size; k++) {
            uint32_t g = pl->pop_base[p] + k;
            syn_rec *r = &recs[fill[s->nrn_core[g]]++];
            r->src = g;
            r->syn.weight = w;
            r->syn.cx = (uint16_t)(s->nrn_cx[g] - 1);
            r->syn.delay = 0;
            r->syn.pad = 8;
        }
    }

    /* Per core: sort by source neuron (stable), one input axon per distinct source. */
    size_t max_seg = 0;
    for (uint32_t i = 0; i < NC; i++)
        if (cnt[i + 1] - cnt[i] > max_seg)
            max_seg = cnt[i + 1] - cnt[i];
    keys = malloc((max_seg + 1) * sizeof *keys);
    ax_base = calloc((size_t)NC + 2, sizeof *ax_base);
    if (!keys || !ax_base) {
        free(core_gid);
        rc = nomem(err, "the axon tables");
        goto done;
    }
    vec in_start_v = {NULL, 0, 0, sizeof(uint32_t)};
    vec fmt_v = {NULL, 0, 0, sizeof(le_axon_fmt)};
    for (uint32_t i = 0; i < NC; i++) {
        size_t b = cnt[i], n = cnt[i + 1] - cnt[i];
        for (size_t j = 0; j < n; j++)
            keys[j] = ((uint64_t)recs[b + j].src << 32) | (uint64_t)j;
        qsort(keys, n, sizeof *keys, cmp_u64);
        ax_base[i + 1] = ax_base[i];
        uint32_t prev = NONE, a_start = 0;
        le_axon_fmt f = {0, 0, 0, 0};
        uint32_t dmax = 0;
        int ok = 1;
        for (size_t j = 0; j <= n && ok; j++) {
            uint32_t src = j < n ? (uint32_t)(keys[j] >> 32) : NONE;
            if (src != prev || j == n) {
                if (prev != NONE) {
                    f.delay_bits = le_delay_bits(dmax);
                    ok = vec_push(&fmt_v, &f) && vec_push(&ax_src, &prev);
                    ax_base[i + 1]++;
                }
                if (j == n)
                    break;
                a_start = (uint32_t)j;
                ok = ok && vec_push(&in_start_v, &a_start);
                f.weight_bits = 0;
                dmax = 0;
                prev = src;
            }
            const syn_rec *r = &recs[b + (keys[j] & 0xffffffffu)];
            le_synapse sy = r->syn;
            if (sy.pad > f.weight_bits)
                f.weight_bits = sy.pad;
            if (sy.delay > dmax)
                dmax = sy.delay;
            sy.pad = 0;
            syn_all[b + j] = sy;
        }
        uint32_t end = (uint32_t)n;
        if (!ok || !vec_push(&in_start_v, &end)) {
            free(in_start_v.a);
            free(fmt_v.a);
            free(core_gid);
            rc = nomem(err, "the axon tables");
            goto done;
        }
    }
    in_start_all = in_start_v.a;
    fmt_all = fmt_v.a;
    free(recs);
    recs = NULL;
    const size_t A = ax_base[NC];

    /* Axons bucketed by source neuron: output axons and injection lists. */
    ax_core = malloc((A + 1) * sizeof *ax_core);
    nout_start = calloc((size_t)N + 2, sizeof *nout_start);
    nout = malloc((A + 1) * sizeof *nout);
    if (!ax_core || !nout_start || !nout) {
        free(core_gid);
        rc = nomem(err, "the output axons");
        goto done;
    }
    const uint32_t *asrc = ax_src.a;
    for (uint32_t i = 0; i < NC; i++)
        for (size_t a = ax_base[i]; a < ax_base[i + 1]; a++)
            ax_core[a] = i;
    for (size_t a = 0; a < A; a++)
        nout_start[asrc[a] + 1]++;
    for (uint32_t g = 0; g < N; g++)
        nout_start[g + 1] += nout_start[g];
    {
        size_t *nf = malloc(((size_t)N + 1) * sizeof *nf);
        if (!nf) {
            free(core_gid);
            rc = nomem(err, "the output axons");
            goto done;
        }
        memcpy(nf, nout_start, ((size_t)N + 1) * sizeof *nf);
        for (size_t a = 0; a < A; a++) {
            le_axon_dst d = {ax_core[a], (uint32_t)(a - ax_base[ax_core[a]])};
            nout[nf[asrc[a]]++] = d; /* core as a local index for now */
        }
        free(nf);
    }

    /* Injection lists of the input neurons (local core indexes). */
    s->inj_start = calloc((size_t)N + 2, sizeof *s->inj_start);
    if (!s->inj_start) {
        free(core_gid);
        rc = nomem(err, "the injection lists");
        goto done;
    }
    size_t n_inj = 0;
    for (uint32_t g = 0; g < N; g++) {
        s->inj_start[g] = n_inj;
        if (s->nrn_core[g] == NONE)
            n_inj += nout_start[g + 1] - nout_start[g];
    }
    s->inj_start[N] = n_inj;
    s->inj = malloc((n_inj + 1) * sizeof *s->inj);
    if (!s->inj) {
        free(core_gid);
        rc = nomem(err, "the injection lists");
        goto done;
    }
    for (uint32_t g = 0; g < N; g++)
        if (s->nrn_core[g] == NONE)
            for (size_t j = nout_start[g]; j < nout_start[g + 1]; j++) {
                delivery d = {nout[j].core, nout[j].axon};
                s->inj[s->inj_start[g] + (j - nout_start[g])] = d;
            }

    /* Build every core. */
    prof = malloc(((size_t)s->max_cx + 2) * sizeof *prof);
    cxp = malloc(((size_t)s->max_cx + 1) * sizeof *cxp);
    ostart = malloc(((size_t)s->max_cx + 2) * sizeof *ostart);
    if (!prof || !cxp || !ostart) {
        free(core_gid);
        rc = nomem(err, "the core specification");
        goto done;
    }
    for (uint32_t i = 0; i < NC; i++) {
        const uint32_t ncx = (uint32_t)(s->cx_base[i + 1] - s->cx_base[i]);
        uint32_t np = 0, last_key = NONE, last_prof = 0;
        size_t n_out = 0;
        for (uint32_t c = 0; c < ncx; c++) {
            uint32_t g = s->cx_nrn[s->cx_base[i] + c];
            uint32_t key = g == NONE ? NONE - 1 : (pop_of(s, g & ~AUX_FLAG) << 1) | (g & AUX_FLAG ? 1u : 0u);
            if (key != last_key) {
                le_profile pr = g == NONE ? le_profile_default()
                                          : cx_profile_of(&net->pops[key >> 1], (int)(key & 1));
                uint32_t q = 0;
                while (q < np && !profile_eq(&prof[q], &pr))
                    q++;
                if (q == np)
                    prof[np++] = pr;
                last_key = key;
                last_prof = q;
            }
            cxp[c] = (uint16_t)last_prof;
            ostart[c] = (uint32_t)n_out;
            if (g != NONE && !(g & AUX_FLAG))
                n_out += nout_start[g + 1] - nout_start[g];
        }
        ostart[ncx] = (uint32_t)n_out;
        if (n_out > obuf_cap) {
            le_axon_dst *nb = realloc(obuf, n_out * sizeof *nb);
            if (!nb) {
                free(core_gid);
                rc = nomem(err, "the output axons");
                goto done;
            }
            obuf = nb;
            obuf_cap = n_out;
        }
        for (uint32_t c = 0; c < ncx; c++) {
            uint32_t g = s->cx_nrn[s->cx_base[i] + c];
            if (g == NONE || (g & AUX_FLAG))
                continue;
            for (size_t j = nout_start[g]; j < nout_start[g + 1]; j++) {
                le_axon_dst d = {core_gid[nout[j].core], nout[j].axon};
                obuf[ostart[c] + (j - nout_start[g])] = d;
            }
        }
        le_core_spec spec;
        memset(&spec, 0, sizeof spec);
        spec.gid = core_gid[i];
        spec.n_cx = ncx;
        spec.profiles = prof;
        spec.n_profiles = np;
        spec.cx_profile = cxp;
        spec.n_in_axons = (uint32_t)(ax_base[i + 1] - ax_base[i]);
        spec.in_start = in_start_all + ax_base[i] + i;
        spec.syn = syn_all + cnt[i];
        spec.in_fmt = fmt_all + ax_base[i];
        spec.out_start = ostart;
        spec.out = obuf;
        rc = le_core_build(&s->cores[i], &spec, lim, err);
        if (rc) {
            char ctx[512];
            core_context(s, i, ctx, sizeof ctx);
            le_error_prefix(err, "%s", ctx);
            free(core_gid);
            goto done;
        }
    }
    free(core_gid);

    /* The network's own input spikes, by step (stable). */
    s->n_inputs = net->n_inputs;
    s->inputs = malloc(((size_t)net->n_inputs + 1) * sizeof *s->inputs);
    uint64_t *ik = malloc(((size_t)net->n_inputs + 1) * sizeof *ik);
    if (!s->inputs || !ik) {
        free(ik);
        rc = nomem(err, "the input spikes");
        goto done;
    }
    for (uint32_t j = 0; j < net->n_inputs; j++)
        ik[j] = ((uint64_t)net->inputs[j].step << 32) | j;
    qsort(ik, net->n_inputs, sizeof *ik, cmp_u64);
    for (uint32_t j = 0; j < net->n_inputs; j++)
        s->inputs[j] = net->inputs[ik[j] & 0xffffffffu];
    free(ik);

    /* Traced neurons (main compartments of populations with traced != 0). */
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].traced && net->pops[p].kind != LE_POP_INPUT)
            s->n_traced += net->pops[p].size;
    s->traced = malloc(((size_t)s->n_traced + 1) * sizeof *s->traced);
    if (!s->traced) {
        rc = nomem(err, "the trace");
        goto done;
    }
    s->n_traced = 0;
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (net->pops[p].traced && net->pops[p].kind != LE_POP_INPUT)
            for (uint32_t k = 0; k < net->pops[p].size; k++)
                s->traced[s->n_traced++] = pl->pop_base[p] + k;

    for (uint32_t i = 0; i < NC; i++)
        if (s->cores[i].awake) {
            s->awake[s->n_awake++] = i;
            s->in_awake[i] = 1;
        }
    s->cur_t = 1;

done:
    free(cnt);
    free(fill);
    free(recs);
    free(syn_all);
    free(keys);
    free(in_start_all);
    free(ax_base);
    free(fmt_all);
    free(ax_src.a);
    free(ax_core);
    free(nout_start);
    free(nout);
    free(prof);
    free(cxp);
    free(ostart);
    free(obuf);
    if (rc) {
        le_sim_free(s);
        return rc;
    }
    *out = s;
    return LE_OK;
}

void le_sim_free(le_sim *s)
{
    if (!s)
        return;
    if (s->cores)
        for (uint32_t i = 0; i < s->n_cores; i++)
            if (s->cores[i].n_cx || s->cores[i].u)
                le_core_free(&s->cores[i]);
    free(s->cores);
    free(s->pops);
    free(s->nrn_core);
    free(s->nrn_cx);
    free(s->inj_start);
    free(s->inj);
    free(s->gid_local);
    free(s->cx_base);
    free(s->cx_nrn);
    free(s->fired);
    free(s->pend.a);
    free(s->pend_next.a);
    free(s->inj_now.a);
    free(s->inj_next.a);
    free(s->inj_arrive.a);
    free(s->packets.a);
    free(s->injected.a);
    free(s->awake);
    free(s->in_awake);
    free(s->touched);
    free(s->is_touched);
    free(s->act_cores);
    free(s->x86);
    free(s->x86_dirty);
    free(s->x86_list);
    free(s->act_x86);
    free(s->inputs);
    free(s->traced);
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

void le_sim_set_trace(le_sim *s, FILE *csv)
{
    s->trace = csv;
    if (csv)
        le_trace_csv_header(csv);
}

uint32_t le_sim_step_now(const le_sim *s) { return s->t; }
uint32_t le_sim_n_cores(const le_sim *s) { return s->n_cores; }
const le_neurocore *le_sim_core(const le_sim *s, uint32_t i) { return i < s->n_cores ? &s->cores[i] : NULL; }
uint64_t le_sim_total_spikes(const le_sim *s) { return s->total_spikes; }

/* ---------------------------------------------------------------- x86 services */

static void misuse(le_sim *s, const char *fmt, uint32_t a, uint32_t b)
{
    if (s->has_pending)
        return;
    le_fail(&s->pending, LE_ERR_CONFIG, fmt, a, b);
    s->has_pending = 1;
}

static le_x86_activity *x86_of(le_sim *s, uint32_t chip)
{
    if (!s->x86_dirty[chip]) {
        s->x86_dirty[chip] = 1;
        s->x86_list[s->n_x86_dirty++] = chip;
    }
    return &s->x86[chip];
}

static void inject(le_sim *s, uint32_t pop, uint32_t neuron, vec *queue)
{
    if (pop >= s->n_pops || neuron >= s->pops[pop].size) {
        misuse(s, "le_sim_inject: population %u neuron %u does not exist", pop, neuron);
        return;
    }
    const pop_info *p = &s->pops[pop];
    if (p->kind != LE_POP_INPUT) {
        misuse(s, "le_sim_inject: population %u is not an input population (neuron %u)", pop, neuron);
        return;
    }
    uint32_t g = p->base + neuron, chip = (uint32_t)(p->input_chip < 0 ? 0 : p->input_chip);
    le_x86_activity *x = x86_of(s, chip);
    for (size_t j = s->inj_start[g]; j < s->inj_start[g + 1]; j++) {
        const delivery *d = &s->inj[j];
        le_packet pk = {LE_SRC_X86(chip), s->cores[d->core].gid, 0, 0};
        if (!vec_push(queue, d) || !vec_push(&s->injected, &pk)) {
            misuse(s, "le_sim_inject: out of memory (population %u neuron %u)", pop, neuron);
            return;
        }
        x->spikes_injected++;
    }
}

void le_sim_inject(le_sim *s, uint32_t pop, uint32_t neuron)
{
    inject(s, pop, neuron, s->inject_latency ? &s->inj_next : &s->inj_now);
}

le_code le_sim_set_inject_latency(le_sim *s, uint32_t steps, le_error *err)
{
    if (steps > 1)
        return le_fail(err, LE_ERR_RANGE, "x86 injection latency %u steps: must be 0 or 1", steps);
    s->inject_latency = steps;
    return LE_OK;
}

/* One register of a neuron's main compartment, read by the x86 (and billed as one register
 * read); 0 with a misuse recorded when the neuron has no compartment. */
static int32_t read_reg(le_sim *s, uint32_t pop, uint32_t neuron, int want_v, const char *what)
{
    if (pop >= s->n_pops || neuron >= s->pops[pop].size) {
        misuse(s, what, pop, neuron);
        return 0;
    }
    uint32_t g = s->pops[pop].base + neuron;
    if (s->nrn_core[g] == NONE) {
        misuse(s, what, pop, neuron);
        return 0;
    }
    const le_neurocore *c = &s->cores[s->nrn_core[g]];
    x86_of(s, c->gid / s->geom.cores_per_chip)->reg_reads++;
    return want_v ? c->v[s->nrn_cx[g]] : c->u[s->nrn_cx[g]];
}

int32_t le_sim_read_v(le_sim *s, uint32_t pop, uint32_t neuron)
{
    return read_reg(s, pop, neuron, 1, "le_sim_read_v: population %u neuron %u has no compartment");
}

int32_t le_sim_read_u(le_sim *s, uint32_t pop, uint32_t neuron)
{
    return read_reg(s, pop, neuron, 0, "le_sim_read_u: population %u neuron %u has no compartment");
}

void le_sim_reset_all(le_sim *s)
{
    s->n_awake = 0;
    for (uint32_t i = 0; i < s->n_cores; i++) {
        le_neurocore *c = &s->cores[i];
        le_core_reset(c);
        /* u, v and the refractory state of every compartment. */
        x86_of(s, c->gid / s->geom.cores_per_chip)->reg_writes += 3u * c->n_cx;
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
}

void le_sim_count_x86(le_sim *s, uint32_t chip, uint32_t snip_ops, uint32_t host_words_in, uint32_t host_words_out)
{
    if (chip >= s->geom.n_chips) {
        misuse(s, "le_sim_count_x86: chip %u does not exist (%u chips)", chip, s->geom.n_chips);
        return;
    }
    le_x86_activity *x = x86_of(s, chip);
    x->snip_ops += snip_ops;
    x->host_words_in += host_words_in;
    x->host_words_out += host_words_out;
}

/* ---------------------------------------------------------------- the step loop */

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

static le_code take_pending(le_sim *s, le_error *err)
{
    s->has_pending = 0;
    if (err)
        *err = s->pending;
    return s->pending.code;
}

static void write_trace(le_sim *s, uint32_t t)
{
    uint32_t p = 0;
    for (uint32_t j = 0; j < s->n_traced; j++) {
        uint32_t g = s->traced[j];
        while (g >= s->pops[p + 1].base)
            p++;
        const le_neurocore *c = &s->cores[s->nrn_core[g]];
        uint32_t cx = s->nrn_cx[g];
        le_trace_csv_row(s->trace, t, s->pops[p].name, g - s->pops[p].base, c->u[cx], c->v[cx],
                         s->spiked_at[g] == t ? 1 : 0);
    }
}

static void report_activity(le_sim *s, uint32_t t)
{
    qsort(s->touched, s->n_touched, sizeof *s->touched, cmp_u32);
    for (uint32_t j = 0; j < s->n_touched; j++) {
        uint32_t i = s->touched[j];
        le_neurocore *c = &s->cores[i];
        le_core_activity *a = &s->act_cores[j];
        a->core = c->gid;
        a->synops = (uint32_t)c->ctr.synops;
        a->axons_in = c->ctr.axons_in;
        a->cx_updates = c->ctr.cx_updates;
        a->cx_active = c->ctr.cx_active;
        a->spikes = c->ctr.spikes;
        a->axons_out = c->ctr.axons_out;
    }
    qsort(s->x86_list, s->n_x86_dirty, sizeof *s->x86_list, cmp_u32);
    for (uint32_t j = 0; j < s->n_x86_dirty; j++)
        s->act_x86[j] = s->x86[s->x86_list[j]];
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
        s->sink.step(s->sink.ctx, &act);
    }
    for (uint32_t j = 0; j < s->n_touched; j++) {
        uint32_t i = s->touched[j];
        memset(&s->cores[i].ctr, 0, sizeof s->cores[i].ctr);
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
}

/* Synaptic phase for one queue of spike messages: each lands on its core's input axon. */
static void deliver_all(le_sim *s, vec *q, uint32_t t)
{
    const delivery *d = q->a;
    for (size_t j = 0; j < q->n; j++) {
        le_core_deliver(&s->cores[d[j].core], d[j].axon, t);
        touch(s, d[j].core);
        wake(s, d[j].core);
    }
    q->n = 0;
}

le_code le_sim_run(le_sim *s, uint32_t steps, const le_snips *snips, le_error *err)
{
    le_code rc;
    if (s->has_pending)
        return take_pending(s, err);
    for (uint32_t k = 0; k < steps; k++) {
        const uint32_t t = s->t + 1;
        s->cur_t = t;
        if (t == UINT32_MAX)
            return le_fail(err, LE_ERR_LIMIT, "step %u: the step counter is exhausted", t);

        /* Injections sent in the last step arrive now. */
        {
            vec tmp = s->inj_arrive;
            s->inj_arrive = s->inj_next;
            s->inj_next = tmp;
            s->inj_next.n = 0;
        }

        /* x86 spiking phase. */
        if (snips && snips->spiking && (rc = snips->spiking(snips->user, s, t, err)))
            return rc;
        while (s->next_input < s->n_inputs && s->inputs[s->next_input].step <= t) {
            const le_input_spike *in = &s->inputs[s->next_input++];
            if (in->step == t)
                inject(s, in->pop, in->neuron, &s->inj_now);
        }
        if (s->has_pending)
            return take_pending(s, err);

        /* Synaptic phase: last step's packets and x86 injections, then this step's network-file inputs. */
        deliver_all(s, &s->pend, t);
        deliver_all(s, &s->inj_arrive, t);
        deliver_all(s, &s->inj_now, t);

        /* Compartment phase on the awake cores, in core order. */
        qsort(s->awake, s->n_awake, sizeof *s->awake, cmp_u32);
        uint32_t keep = 0;
        for (uint32_t j = 0; j < s->n_awake; j++) {
            const uint32_t i = s->awake[j];
            le_neurocore *c = &s->cores[i];
            uint32_t nf = le_core_update(c, t, s->fired);
            touch(s, i);
            const size_t base = s->cx_base[i];
            for (uint32_t f = 0; f < nf; f++) {
                const uint16_t cx = s->fired[f];
                const uint32_t g = s->cx_nrn[base + cx];
                s->total_spikes++;
                if (g != NONE && !(g & AUX_FLAG))
                    s->spiked_at[g] = t;
                for (uint32_t o = c->out_start[cx]; o < c->out_start[cx + 1]; o++) {
                    const le_axon_dst *od = &c->out[o];
                    le_packet pk = {c->gid, od->core, cx, 0};
                    delivery dv = {s->gid_local[od->core], od->axon};
                    if (!vec_push(&s->packets, &pk) || !vec_push(&s->pend_next, &dv))
                        return le_fail(err, LE_ERR_NOMEM, "step %u: out of memory for spike packets", t);
                }
            }
            if (c->awake)
                s->awake[keep++] = i;
            else
                s->in_awake[i] = 0;
        }
        s->n_awake = keep;
        vec tmp = s->pend;
        s->pend = s->pend_next;
        s->pend_next = tmp;
        s->pend_next.n = 0;

        if (s->trace)
            write_trace(s, t);

        /* Barrier, then the x86 management phase. */
        if (snips && snips->management && (rc = snips->management(snips->user, s, t, err)))
            return rc;
        if (s->has_pending)
            return take_pending(s, err);
        report_activity(s, t);
        s->t = t;
        s->cur_t = t + 1;
    }
    if (s->trace && ferror(s->trace))
        return le_fail(err, LE_ERR_IO, "trace: write error at step %u", s->t);
    return LE_OK;
}
