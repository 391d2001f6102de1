/* Chip configuration (place/configure.h).
 *
 * Sort-based: every synapse is bucketed by destination core (counting sort), each core's
 * synapses are sorted by source neuron (one input axon per distinct source neuron on that
 * core, in ascending source order), and every input axon is then bucketed by source neuron
 * to give each neuron its output axons (one per destination core, ascending) or, for input
 * neurons, the (core, axon) list the x86 injects into.
 *
 * Each stage below owns nothing: what it allocates goes into the configuration (freed by
 * le_chipcfg_free) or into the build's scratch (freed once at the end), so that a failure
 * anywhere leaves one cleanup path. */
#include "place/configure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "place/ahp.h"
#include "util/vec.h"

#define NONE LE_CFG_NONE
#define AUX_FLAG LE_CFG_AUX

typedef struct {
    uint32_t src;   /* source neuron gid */
    le_synapse syn; /* syn.pad holds the connection's weight bits until the format is set */
} syn_rec;

/* One output axon while the tables are built: local core, input axon, and for a population
 * axon the atom and whether it is pop32. */
typedef struct {
    uint32_t core, axon;
    uint16_t atom;
    uint8_t pop32, pad;
} nout_rec;

/* What the stages hand each other; freed in one place. */
typedef struct {
    uint32_t *core_gid;     /* [n_cores]: board gid of each configured core */
    size_t *cnt;            /* [n_cores + 1]: core i has cnt[i + 1] - cnt[i] synapses */
    syn_rec **recs;         /* [n_cores]: core i's synapses in network order, each core's array
                             * allocated when its first synapse comes and freed once sorted, so
                             * that a network handed over connection by connection is never
                             * held twice */
    uint64_t *keys;         /* sort keys of one core's synapses */
    uint32_t next_sort;     /* cores 0 .. next_sort - 1 have their synapses sorted */
    le_vec remote;          /* part: (source gid << 32 | destination core gid) of each synapse of a
                             * local or input neuron on another part's core, for remote_tables */
    le_synapse **syn_core;  /* [n_cores]: core i's synapses sorted by input axon, freed once the core
                             * holds its copy, so that a board's synapses are not held twice */
    size_t *ax_base;        /* [n_cores + 1]: input axons of core i */
    le_vec in_start;        /* per core: n_axons + 1 entries, at ax_base[i] + i */
    le_vec fmt;             /* per axon: its format */
    le_vec ax_src;          /* per axon: source neuron, then its slot */
    size_t *nout_start;     /* [slots + 1]: axons fed by each neuron (le_chipcfg_slot) */
    nout_rec *nout;         /* (local core, axon, atom) */
    /* population axons (convolutions), core by core: */
    size_t *pax_base;       /* [n_cores + 1]: population axons of core i */
    le_vec pax;             /* pop_axon records */
    size_t *set_base;       /* [n_cores + 1]: synapse sets of core i */
    le_vec sets;            /* le_syn_set, row0 counted from the core's first row */
    size_t *row_base;       /* [n_cores + 1]: rows of core i, whose starts are at row_base[i] + i */
    le_vec row_start;       /* uint32_t, counted from the core's first set synapse */
    size_t *ssyn_base;      /* [n_cores + 1]: set synapses of core i */
    le_vec set_syn;         /* le_synapse, cx relative to the base */
    uint32_t n_syn_core;
} scratch;

typedef struct {
    uint32_t conn, pixel; /* source: the in_ch neurons of this pixel of conn's source map */
    uint32_t set;
    uint16_t base;
    uint8_t pop32;
    uint8_t pad;
} pop_axon;

static void scratch_free(scratch *t)
{
    free(t->core_gid);
    free(t->cnt);
    for (uint32_t i = 0; t->recs && i < t->n_syn_core; i++)
        free(t->recs[i]);
    free(t->recs);
    le_vec_free(&t->remote);
    free(t->keys);
    for (uint32_t i = 0; t->syn_core && i < t->n_syn_core; i++)
        free(t->syn_core[i]);
    free(t->syn_core);
    free(t->ax_base);
    le_vec_free(&t->in_start);
    le_vec_free(&t->fmt);
    le_vec_free(&t->ax_src);
    free(t->nout_start);
    free(t->nout);
    free(t->pax_base);
    le_vec_free(&t->pax);
    free(t->set_base);
    le_vec_free(&t->sets);
    free(t->row_base);
    le_vec_free(&t->row_start);
    free(t->ssyn_base);
    le_vec_free(&t->set_syn);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static le_code nomem(le_error *err, const char *what)
{
    return le_fail(err, LE_ERR_NOMEM, "chip configuration: out of memory for %s", what);
}

uint32_t le_chipcfg_pop_of(const le_chipcfg *c, uint32_t g)
{
    uint32_t lo = 0, hi = c->n_pops; /* pops[lo].base <= g < pops[hi].base */
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (c->pops[mid].base <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t le_chipcfg_slot(const le_chipcfg *c, uint32_t g)
{
    if (g - c->nrn_lo < c->nrn_n)
        return g - c->nrn_lo;
    uint32_t lo = 0, hi = c->n_ext; /* ext_gid[lo..hi) may hold g */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->ext_gid[mid] < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_ext && c->ext_gid[lo] == g ? c->nrn_n + lo : NONE;
}

/* "population 'a' (neurons 0..99), population 'b' (neurons 0..3)" for the neurons of core i. */
static void core_context(const le_chipcfg *s, uint32_t i, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    uint32_t cur = NONE, first = 0, last = 0;
    for (size_t c = s->cx_base[i]; c <= s->cx_base[i + 1]; c++) {
        uint32_t g = c < s->cx_base[i + 1] ? s->cx_nrn[c] : NONE;
        if (c < s->cx_base[i + 1] && (g == NONE || (g & AUX_FLAG)))
            continue;
        uint32_t p = g == NONE ? NONE : le_chipcfg_pop_of(s, g);
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

/* Populations, and which board cores are in use (local indexes in gid order). */
static le_code neuron_tables(le_chipcfg *s, const le_network *net, const le_placement *pl, scratch *t, le_error *err)
{
    const uint32_t N = s->n_neurons, n_board = s->geom.n_chips * s->geom.cores_per_chip;
    s->pops = calloc(net->n_pops + 1, sizeof *s->pops);
    s->gid_local = malloc(((size_t)n_board + 1) * sizeof *s->gid_local);
    if (!s->pops || !s->gid_local)
        return nomem(err, "the neuron tables");
    for (uint32_t p = 0; p < net->n_pops; p++) {
        memcpy(s->pops[p].name, net->pops[p].name, LE_NAME_MAX);
        s->pops[p].kind = net->pops[p].kind;
        s->pops[p].size = net->pops[p].size;
        s->pops[p].base = pl->pop_base[p];
        s->pops[p].input_chip = pl->input_chip[p];
    }
    s->pops[net->n_pops].base = N;
    for (uint32_t c = 0; c < n_board; c++)
        s->gid_local[c] = NONE;
    uint32_t lo = s->part ? N : 0, hi = s->part ? 0 : N; /* the span of this part's neurons */
    for (uint32_t p = 0; p < net->n_pops; p++) {
        if (net->pops[p].kind == LE_POP_INPUT)
            continue;
        for (uint32_t k = 0; k < net->pops[p].size; k++) {
            uint32_t g = pl->pop_base[p] + k, core = pl->core[g];
            if (core >= n_board)
                return le_fail(err, LE_ERR_CONFIG, "population '%s' neuron %u: core %u is not on board '%s' (%u cores)",
                               net->pops[p].name, k, core, s->geom.name, n_board);
            if (net->pops[p].kind == LE_POP_AHP && pl->cx[g] == 0)
                return le_fail(err, LE_ERR_CONFIG,
                               "population '%s' neuron %u: AHP main compartment at index 0 leaves "
                               "no room for its auxiliary compartment",
                               net->pops[p].name, k);
            if (!s->part || (core / s->geom.cores_per_chip >= s->chip_lo && core / s->geom.cores_per_chip < s->chip_hi)) {
                s->gid_local[core] = 0;
                if (g < lo)
                    lo = g;
                if (g + 1 > hi)
                    hi = g + 1;
            }
        }
    }
    s->nrn_lo = lo < hi ? lo : 0;
    s->nrn_n = lo < hi ? hi - lo : 0;
    s->nrn_core = malloc(((size_t)s->nrn_n + 1) * sizeof *s->nrn_core);
    s->nrn_cx = malloc(((size_t)s->nrn_n + 1) * sizeof *s->nrn_cx);
    if (!s->nrn_core || !s->nrn_cx)
        return nomem(err, "the neuron tables");
    for (uint32_t c = 0; c < n_board; c++)
        if (s->gid_local[c] != NONE)
            s->gid_local[c] = s->n_cores++;
    s->cores = calloc(s->n_cores + 1, sizeof *s->cores);
    s->cx_base = calloc(s->n_cores + 2, sizeof *s->cx_base);
    t->core_gid = calloc(s->n_cores + 1, sizeof *t->core_gid);
    if (!s->cores || !s->cx_base || !t->core_gid)
        return nomem(err, "the core tables");
    for (uint32_t c = 0; c < n_board; c++)
        if (s->gid_local[c] != NONE)
            t->core_gid[s->gid_local[c]] = c;
    return LE_OK;
}

/* Compartments per core and the neuron of each compartment. */
static le_code compartment_tables(le_chipcfg *s, const le_network *net, const le_placement *pl, const scratch *t,
                                  le_error *err)
{
    const uint32_t lo = s->nrn_lo, n = s->nrn_n;
    for (uint32_t j = 0; j < n; j++) {
        s->nrn_core[j] = NONE;
        s->nrn_cx[j] = 0;
    }
    for (uint32_t p = 0; p < net->n_pops; p++) {
        if (net->pops[p].kind == LE_POP_INPUT)
            continue;
        for (uint32_t k = 0; k < net->pops[p].size; k++) {
            uint32_t g = pl->pop_base[p] + k, lc = s->gid_local[pl->core[g]];
            if (lc == NONE) /* another part's */
                continue;
            s->nrn_core[g - lo] = lc;
            s->nrn_cx[g - lo] = pl->cx[g];
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
    if (!s->cx_nrn)
        return nomem(err, "the compartment tables");
    for (size_t c = 0; c < s->cx_base[s->n_cores]; c++)
        s->cx_nrn[c] = NONE;
    for (uint32_t g = lo; g - lo < n; g++) {
        if (s->nrn_core[g - lo] == NONE)
            continue;
        uint32_t p = le_chipcfg_pop_of(s, g);
        size_t at = s->cx_base[s->nrn_core[g - lo]] + s->nrn_cx[g - lo];
        int ahp = net->pops[p].kind == LE_POP_AHP;
        if (s->cx_nrn[at] != NONE || (ahp && s->cx_nrn[at - 1] != NONE)) {
            uint32_t o = s->cx_nrn[at] != NONE ? s->cx_nrn[at] : s->cx_nrn[at - 1];
            o &= ~AUX_FLAG;
            uint32_t op = le_chipcfg_pop_of(s, o);
            return le_fail(err, LE_ERR_CONFIG,
                           "placement puts population '%s' neuron %u and population '%s' neuron %u on compartment %u "
                           "of core %u",
                           net->pops[p].name, g - pl->pop_base[p], net->pops[op].name, o - pl->pop_base[op],
                           (unsigned)s->nrn_cx[g - lo], t->core_gid[s->nrn_core[g - lo]]);
        }
        s->cx_nrn[at] = g;
        if (ahp)
            s->cx_nrn[at - 1] = g | AUX_FLAG;
    }
    return LE_OK;
}

/* Core i's synapses sorted by source neuron (stable), one input axon per distinct source;
 * its bucketing records freed. Cores are sorted in index order (the axon tables are
 * appended core after core). */
static int sort_core(scratch *t, uint32_t i)
{
    const size_t n = t->cnt[i + 1] - t->cnt[i];
    uint64_t *keys = t->keys;
    for (size_t j = 0; j < n; j++)
        keys[j] = ((uint64_t)t->recs[i][j].src << 32) | (uint64_t)j;
    qsort(keys, n, sizeof *keys, cmp_u64);
    le_synapse *syn = t->syn_core[i] = malloc((n + 1) * sizeof *syn);
    int ok = syn != NULL;
    t->ax_base[i + 1] = t->ax_base[i];
    uint32_t prev = NONE, a_start = 0;
    le_axon_fmt f = {0, 0, 0, 0};
    uint32_t dmax = 0;
    for (size_t j = 0; j <= n && ok; j++) {
        uint32_t src = j < n ? (uint32_t)(keys[j] >> 32) : NONE;
        if (src != prev || j == n) {
            if (prev != NONE) {
                f = le_axon_fmt_for(f.weight_bits, dmax);
                ok = le_vec_push(&t->fmt, &f) && le_vec_push(&t->ax_src, &prev);
                t->ax_base[i + 1]++;
            }
            if (j == n)
                break;
            a_start = (uint32_t)j;
            ok = ok && le_vec_push(&t->in_start, &a_start);
            f.weight_bits = 0;
            dmax = 0;
            prev = src;
        }
        const syn_rec *r = &t->recs[i][keys[j] & 0xffffffffu];
        le_synapse sy = r->syn;
        if (sy.pad > f.weight_bits)
            f.weight_bits = sy.pad;
        if (sy.delay > dmax)
            dmax = sy.delay;
        sy.pad = 0;
        syn[j] = sy;
    }
    uint32_t end = (uint32_t)n;
    ok = ok && le_vec_push(&t->in_start, &end);
    free(t->recs[i]);
    t->recs[i] = NULL;
    return ok;
}

/* Sorts the cores, in index order, whose synapses have all been bucketed: a network whose
 * connections come in the order of their target cores holds the records of a few cores at a
 * time, not of all. */
static int sort_ready(scratch *t, const size_t *fill, uint32_t NC)
{
    int ok = 1;
    while (ok && t->next_sort < NC && fill[t->next_sort] == t->cnt[t->next_sort + 1] - t->cnt[t->next_sort])
        ok = sort_core(t, t->next_sort++);
    return ok;
}

/* Every synapse (and every AHP self synapse) bucketed by destination core; in a part, also
 * the synapses towards other parts (remote_tables). With consume (the network itself), each
 * connection's synapses are freed once bucketed: a network whose connections come in the
 * order of their target cores then passes into the cores with little more than one copy held
 * at any time. */
static le_code bucket_synapses(const le_chipcfg *s, const le_network *net, le_network *consume,
                               const le_placement *pl, scratch *t, le_error *err)
{
    const uint32_t NC = s->n_cores;
    size_t *cnt = t->cnt = calloc((size_t)NC + 2, sizeof *cnt);
    if (!cnt)
        return nomem(err, "the synapse counts");
    for (uint32_t ci = 0; ci < net->n_conns; ci++) {
        const le_connection *cn = &net->conns[ci];
        for (uint32_t k = 0; k < cn->n; k++) {
            uint32_t lc = le_chipcfg_core_of(s, pl->pop_base[cn->dst_pop] + cn->dst[k]);
            if (lc != NONE) /* NONE: another part's core */
                cnt[lc + 1]++;
        }
    }
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (le_ahp_has_self_synapse(&net->pops[p]))
            for (uint32_t k = 0; k < net->pops[p].size; k++)
                if (le_chipcfg_core_of(s, pl->pop_base[p] + k) != NONE)
                    cnt[le_chipcfg_core_of(s, pl->pop_base[p] + k) + 1]++;
    size_t max_seg = 0;
    for (uint32_t i = 0; i < NC; i++) {
        if (cnt[i + 1] > max_seg)
            max_seg = cnt[i + 1];
        cnt[i + 1] += cnt[i];
    }
    t->keys = malloc((max_seg + 1) * sizeof *t->keys);
    t->ax_base = calloc((size_t)NC + 2, sizeof *t->ax_base);
    t->in_start = LE_VEC(uint32_t);
    t->fmt = LE_VEC(le_axon_fmt);
    t->ax_src = LE_VEC(uint32_t);
    t->recs = calloc((size_t)NC + 1, sizeof *t->recs);
    t->syn_core = calloc((size_t)NC + 1, sizeof *t->syn_core);
    t->n_syn_core = NC;
    t->remote = LE_VEC(uint64_t);
    size_t *fill = calloc((size_t)NC + 1, sizeof *fill);
    if (!t->recs || !t->syn_core || !fill || !t->keys || !t->ax_base) {
        free(fill);
        return nomem(err, "the synapses");
    }
    int ok = 1;
    for (uint32_t ci = 0; ci < net->n_conns && ok; ci++) {
        const le_connection *cn = &net->conns[ci];
        const int input = net->pops[cn->src_pop].kind == LE_POP_INPUT;
        for (uint32_t k = 0; k < cn->n && ok; k++) {
            uint32_t d = pl->pop_base[cn->dst_pop] + cn->dst[k], lc = le_chipcfg_core_of(s, d);
            uint32_t src = pl->pop_base[cn->src_pop] + cn->src[k];
            uint32_t dc = pl->core[d];
            if (s->part && (input || (le_chipcfg_core_of(s, src) != NONE && s->gid_local[dc] == NONE))) {
                uint64_t key = ((uint64_t)src << 32) | dc;
                ok = le_vec_push(&t->remote, &key);
            }
            if (lc == NONE)
                continue;
            if (!t->recs[lc] && !(t->recs[lc] = malloc((cnt[lc + 1] - cnt[lc]) * sizeof **t->recs))) {
                ok = 0;
                break;
            }
            syn_rec *r = &t->recs[lc][fill[lc]++];
            r->src = src;
            int32_t m = le_weight_truncate(cn->weight[k], cn->sign, cn->weight_bits);
            r->syn.weight = le_actual_weight(m, cn->wexp);
            r->syn.cx = (uint16_t)(le_chipcfg_cx_of(s, d) - (cn->to_aux ? 1 : 0));
            r->syn.delay = cn->delay ? cn->delay[k] : 0;
            r->syn.pad = cn->weight_bits;
        }
        if (consume && ok)
            le_network_drop_synapses(consume, ci);
        ok = ok && sort_ready(t, fill, NC);
    }
    for (uint32_t p = 0; p < net->n_pops && ok; p++) {
        const le_population *pop = &net->pops[p];
        if (!le_ahp_has_self_synapse(pop))
            continue;
        for (uint32_t k = 0; k < pop->size; k++) {
            uint32_t g = pl->pop_base[p] + k, lc = le_chipcfg_core_of(s, g);
            if (lc == NONE)
                continue;
            if (!t->recs[lc] && !(t->recs[lc] = malloc((cnt[lc + 1] - cnt[lc]) * sizeof **t->recs))) {
                ok = 0;
                break;
            }
            syn_rec *r = &t->recs[lc][fill[lc]++];
            r->src = g;
            r->syn = le_ahp_self_synapse(pop, le_chipcfg_cx_of(s, g));
            r->syn.pad = 8;
        }
    }
    free(fill);
    return ok ? LE_OK : nomem(err, "the synapses");
}

/* The cores not sorted while bucketing (a core's last synapse came late, or an AHP self
 * synapse). */
static le_code input_axons(const le_chipcfg *s, scratch *t, le_error *err)
{
    int ok = 1;
    while (ok && t->next_sort < s->n_cores)
        ok = sort_core(t, t->next_sort++);
    free(t->keys);
    t->keys = NULL;
    return ok ? LE_OK : nomem(err, "the axon tables");
}

/* --- population axons ---
 *
 * A convolution reaches a core through one population axon per source pixel with a target on
 * the core; the pixel's channels are its atoms. The axon's targets on the core, relative to
 * its compartment base, and the kernel taps behind them decide its synapse set; axons with the
 * same targets and taps share one set (the chip's shared synapses [nengo-loihi
 * conv2d_loihi_weights]). The base is the lowest target compartment, held at the field's
 * maximum (a pop16 base rounded down to a multiple of 4): a core whose targets lie beyond the
 * base field gets more, longer sets, as on the chip. */

typedef struct {
    uint32_t cx, tap, co; /* target compartment, kernel tap ky * kernel_w + kx, output channel */
} pop_ent;

static int cmp_ent(const void *a, const void *b)
{
    const pop_ent *x = a, *y = b;
    return x->cx < y->cx ? -1 : x->cx > y->cx;
}

/* Open-addressing table of the sets of one core, keyed by (connection, targets, taps). */
typedef struct {
    uint32_t *slot;    /* set index + 1, 0 = empty */
    uint32_t cap;
    le_vec key_start;  /* size_t per set: where its key begins in keys */
    le_vec keys;       /* uint32_t: conn, n, then (rel cx, tap, co) per entry */
    le_vec key_hash;   /* uint32_t per set */
} set_table;

static uint32_t hash_key(const uint32_t *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * 16777619u;
    return h ? h : 1u;
}

static int set_table_grow(set_table *st)
{
    uint32_t cap = st->cap ? st->cap * 2 : 256;
    uint32_t *sl = calloc(cap, sizeof *sl);
    if (!sl)
        return 0;
    const uint32_t *hs = st->key_hash.a;
    for (size_t i = 0; i < st->key_hash.n; i++) {
        uint32_t h = hs[i] & (cap - 1);
        while (sl[h])
            h = (h + 1) & (cap - 1);
        sl[h] = (uint32_t)i + 1;
    }
    free(st->slot);
    st->slot = sl;
    st->cap = cap;
    return 1;
}

/* Index of the set with key k (n words), or n_sets when it is new (then recorded). -1: no memory. */
static int64_t set_table_find(set_table *st, const uint32_t *k, size_t n)
{
    if (2 * (st->key_hash.n + 1) > st->cap && !set_table_grow(st))
        return -1;
    uint32_t h = hash_key(k, n);
    const size_t *ks = st->key_start.a;
    const uint32_t *kw = st->keys.a, *hs = st->key_hash.a;
    uint32_t at = h & (st->cap - 1);
    for (; st->slot[at]; at = (at + 1) & (st->cap - 1)) {
        uint32_t i = st->slot[at] - 1;
        size_t b = ks[i], e = i + 1 < st->key_start.n ? ks[i + 1] : st->keys.n;
        if (hs[i] == h && e - b == n && !memcmp(kw + b, k, n * sizeof *k))
            return i;
    }
    size_t start = st->keys.n, idx = st->key_hash.n;
    for (size_t i = 0; i < n; i++)
        if (!le_vec_push(&st->keys, &k[i]))
            return -1;
    if (!le_vec_push(&st->key_start, &start) || !le_vec_push(&st->key_hash, &h))
        return -1;
    st->slot[at] = (uint32_t)idx + 1;
    return (int64_t)idx;
}

static void set_table_reset(set_table *st)
{
    if (st->slot)
        memset(st->slot, 0, st->cap * sizeof *st->slot);
    st->key_start.n = st->keys.n = st->key_hash.n = 0;
}

static void set_table_free(set_table *st)
{
    free(st->slot);
    le_vec_free(&st->key_start);
    le_vec_free(&st->keys);
    le_vec_free(&st->key_hash);
}

/* The population axons and sets of core i for convolution ci (its destination neurons on the
 * core are those of cx_nrn). */
static le_code conv_core(const le_chipcfg *s, const le_network *net, const le_limits *lim, scratch *t, uint32_t i,
                         uint32_t ci, set_table *st, uint32_t *stamp, le_vec *pix, le_vec *ent, le_vec *key,
                         le_error *err)
{
    const le_connection *cn = &net->conns[ci];
    const le_conv *cv = cn->conv;
    const uint32_t dbase = s->pops[cn->dst_pop].base, dsize = s->pops[cn->dst_pop].size;
    const uint32_t oh = le_conv_out_h(cv), ow = le_conv_out_w(cv), O = cv->out_ch, C = cv->in_ch;
    const uint32_t KH = cv->kernel_h, KW = cv->kernel_w;
    (void)oh;
    /* Candidate source pixels: those under the kernel windows of the core's output pixels. */
    pix->n = 0;
    uint32_t last_opix = NONE;
    for (size_t c = s->cx_base[i]; c < s->cx_base[i + 1]; c++) {
        uint32_t g = s->cx_nrn[c];
        if (g == NONE || (g & AUX_FLAG) || g < dbase || g >= dbase + dsize)
            continue;
        uint32_t opix = (g - dbase) / O;
        if (opix == last_opix)
            continue;
        last_opix = opix;
        uint32_t oy = opix / ow, ox = opix % ow;
        for (uint32_t ky = 0; ky < KH; ky++) {
            int64_t iy = (int64_t)oy * cv->stride_h - cv->pad_h + ky;
            if (iy < 0 || iy >= cv->in_h)
                continue;
            for (uint32_t kx = 0; kx < KW; kx++) {
                int64_t ix = (int64_t)ox * cv->stride_w - cv->pad_w + kx;
                if (ix < 0 || ix >= cv->in_w)
                    continue;
                uint32_t p = (uint32_t)iy * cv->in_w + (uint32_t)ix;
                if (stamp[p] != i + 1) {
                    stamp[p] = i + 1;
                    if (!le_vec_push(pix, &p))
                        return nomem(err, "the population axons");
                }
            }
        }
    }
    uint32_t *pp = pix->a;
    qsort(pp, pix->n, sizeof *pp, cmp_u32);
    const uint32_t ncx = (uint32_t)(s->cx_base[i + 1] - s->cx_base[i]);
    (void)ncx;
    for (size_t j = 0; j < pix->n; j++) {
        uint32_t p = pp[j], iy = p / cv->in_w, ix = p % cv->in_w;
        stamp[p] = 0; /* the next core or connection starts clean */
        ent->n = 0;
        for (uint32_t ky = 0; ky < KH; ky++) {
            int64_t ny = (int64_t)iy + cv->pad_h - ky;
            if (ny < 0 || ny % cv->stride_h)
                continue;
            uint32_t oy = (uint32_t)(ny / cv->stride_h);
            if (oy >= oh)
                continue;
            for (uint32_t kx = 0; kx < KW; kx++) {
                int64_t nx = (int64_t)ix + cv->pad_w - kx;
                if (nx < 0 || nx % cv->stride_w)
                    continue;
                uint32_t ox = (uint32_t)(nx / cv->stride_w);
                if (ox >= ow)
                    continue;
                for (uint32_t co = 0; co < O; co++) {
                    uint32_t g = dbase + (oy * ow + ox) * O + co;
                    if (le_chipcfg_core_of(s, g) != i)
                        continue;
                    pop_ent e = {le_chipcfg_cx_of(s, g), ky * KW + kx, co};
                    if (!le_vec_push(ent, &e))
                        return nomem(err, "the population axons");
                }
            }
        }
        if (ent->n == 0)
            continue;
        pop_ent *es = ent->a;
        qsort(es, ent->n, sizeof *es, cmp_ent);
        uint32_t base = es[0].cx;
        if (base > lim->pop_cx_base_max)
            base = lim->pop_cx_base_max;
        if (cv->pop_type == LE_POP16)
            base -= base % lim->pop16_base_align;
        key->n = 0;
        uint32_t hdr[2] = {ci, (uint32_t)ent->n};
        int ok = le_vec_push(key, &hdr[0]) && le_vec_push(key, &hdr[1]);
        for (size_t k = 0; k < ent->n && ok; k++) {
            uint32_t w3[3] = {es[k].cx - base, es[k].tap, es[k].co};
            ok = le_vec_push(key, &w3[0]) && le_vec_push(key, &w3[1]) && le_vec_push(key, &w3[2]);
        }
        if (!ok)
            return nomem(err, "the population axons");
        size_t before = st->key_hash.n;
        int64_t set = set_table_find(st, key->a, key->n);
        if (set < 0)
            return nomem(err, "the synapse sets");
        if ((size_t)set == before) {
            /* A new set: one row per atom (input channel), the taps' weights for that channel. */
            le_syn_set ss;
            memset(&ss, 0, sizeof ss);
            ss.row0 = (uint32_t)(t->row_start.n - t->row_base[i] - i);
            ss.n_atoms = C;
            ss.fmt = le_axon_fmt_for(cn->weight_bits, cv->delay);
            ss.pop_type = cv->pop_type;
            ok = le_vec_push(&t->sets, &ss);
            for (uint32_t a = 0; a < C && ok; a++) {
                uint32_t r0 = (uint32_t)(t->set_syn.n - t->ssyn_base[i]);
                ok = le_vec_push(&t->row_start, &r0);
                for (size_t k = 0; k < ent->n && ok; k++) {
                    uint32_t ky = es[k].tap / KW, kx = es[k].tap % KW;
                    int32_t m = cv->weight[(((size_t)es[k].co * C + a) * KH + ky) * KW + kx];
                    le_synapse y;
                    memset(&y, 0, sizeof y);
                    y.weight = le_actual_weight(le_weight_truncate(m, cn->sign, cn->weight_bits), cn->wexp);
                    y.cx = (uint16_t)(es[k].cx - base);
                    y.delay = cv->delay;
                    ok = le_vec_push(&t->set_syn, &y);
                }
            }
            if (!ok)
                return nomem(err, "the synapse sets");
        }
        pop_axon pa = {ci, p, (uint32_t)set, (uint16_t)base, cv->pop_type == LE_POP32, 0};
        if (!le_vec_push(&t->pax, &pa))
            return nomem(err, "the population axons");
    }
    return LE_OK;
}

static le_code population_axons(const le_chipcfg *s, const le_network *net, const le_limits *lim, scratch *t,
                                le_error *err)
{
    const uint32_t NC = s->n_cores;
    t->pax = LE_VEC(pop_axon);
    t->sets = LE_VEC(le_syn_set);
    t->row_start = LE_VEC(uint32_t);
    t->set_syn = LE_VEC(le_synapse);
    t->pax_base = calloc((size_t)NC + 2, sizeof *t->pax_base);
    t->set_base = calloc((size_t)NC + 2, sizeof *t->set_base);
    t->row_base = calloc((size_t)NC + 2, sizeof *t->row_base);
    t->ssyn_base = calloc((size_t)NC + 2, sizeof *t->ssyn_base);
    if (!t->pax_base || !t->set_base || !t->row_base || !t->ssyn_base)
        return nomem(err, "the population axons");
    uint32_t max_pix = 0, n_conv = 0;
    for (uint32_t ci = 0; ci < net->n_conns; ci++)
        if (net->conns[ci].conv) {
            n_conv++;
            uint32_t np = net->conns[ci].conv->in_h * net->conns[ci].conv->in_w;
            if (np > max_pix)
                max_pix = np;
        }
    uint32_t *stamp = n_conv ? calloc((size_t)max_pix + 1, sizeof *stamp) : NULL;
    /* The convolutions' indexes: each core visits those, not every connection (a board of
     * 10^5 cores and as many discrete connections would take 10^10 steps). */
    uint32_t *convs = malloc(((size_t)n_conv + 1) * sizeof *convs);
    for (uint32_t ci = 0, k = 0; convs && ci < net->n_conns; ci++)
        if (net->conns[ci].conv)
            convs[k++] = ci;
    set_table st;
    memset(&st, 0, sizeof st);
    st.key_start = LE_VEC(size_t);
    st.keys = LE_VEC(uint32_t);
    st.key_hash = LE_VEC(uint32_t);
    le_vec pix = LE_VEC(uint32_t), ent = LE_VEC(pop_ent), key = LE_VEC(uint32_t);
    le_code rc = ((n_conv && !stamp) || !convs) ? nomem(err, "the population axons") : LE_OK;
    for (uint32_t i = 0; i < NC && !rc; i++) {
        set_table_reset(&st);
        for (uint32_t k = 0; k < n_conv && !rc; k++)
            rc = conv_core(s, net, lim, t, i, convs[k], &st, stamp, &pix, &ent, &key, err);
        uint32_t end = (uint32_t)(t->set_syn.n - t->ssyn_base[i]);
        if (!rc && !le_vec_push(&t->row_start, &end))
            rc = nomem(err, "the synapse sets");
        t->pax_base[i + 1] = t->pax.n;
        t->set_base[i + 1] = t->sets.n;
        t->row_base[i + 1] = t->row_start.n - (i + 1);
        t->ssyn_base[i + 1] = t->set_syn.n;
    }
    free(stamp);
    free(convs);
    set_table_free(&st);
    le_vec_free(&pix);
    le_vec_free(&ent);
    le_vec_free(&key);
    return rc;
}

/* The neurons outside the span of this part's own that need a slot: sources of its input
 * axons and population axons, and in a part every input neuron (each part delivers its
 * injections, the recording part sends their packets). Empty for a whole configuration. */
static le_code ext_table(le_chipcfg *s, const le_network *net, const scratch *t, le_error *err)
{
    const uint32_t lo = s->nrn_lo, n = s->nrn_n, NC = s->n_cores;
    const uint32_t *asrc = t->ax_src.a;
    const pop_axon *pax = t->pax.a;
    le_vec ext = LE_VEC(uint32_t);
    int ok = 1;
    for (size_t a = 0; a < t->ax_base[NC] && ok; a++)
        if (asrc[a] - lo >= n)
            ok = le_vec_push(&ext, &asrc[a]);
    for (size_t j = 0; j < t->pax.n && ok; j++) {
        const le_connection *cn = &net->conns[pax[j].conn];
        uint32_t g0 = s->pops[cn->src_pop].base + pax[j].pixel * cn->conv->in_ch;
        for (uint32_t k = 0; k < cn->conv->in_ch && ok; k++)
            if (g0 + k - lo >= n) {
                uint32_t g = g0 + k;
                ok = le_vec_push(&ext, &g);
            }
    }
    for (uint32_t p = 0; p < s->n_pops && ok && s->part; p++)
        if (s->pops[p].kind == LE_POP_INPUT)
            for (uint32_t g = s->pops[p].base; g < s->pops[p].base + s->pops[p].size && ok; g++)
                if (g - lo >= n)
                    ok = le_vec_push(&ext, &g);
    if (!ok) {
        le_vec_free(&ext);
        return nomem(err, "the neurons of other parts");
    }
    uint32_t *e = ext.a;
    if (ext.n) /* an empty vector has no array, and qsort must not see NULL */
        qsort(e, ext.n, sizeof *e, cmp_u32);
    size_t m = 0;
    for (size_t j = 0; j < ext.n; j++)
        if (!m || e[j] != e[m - 1])
            e[m++] = e[j];
    s->n_ext = (uint32_t)m;
    s->ext_gid = malloc((m + 1) * sizeof *s->ext_gid);
    if (!s->ext_gid) {
        le_vec_free(&ext);
        return nomem(err, "the neurons of other parts");
    }
    if (m)
        memcpy(s->ext_gid, e, m * sizeof *e);
    le_vec_free(&ext);
    return LE_OK;
}

/* Axons bucketed by source neuron (by slot): each neuron's output axons, and the injection
 * lists of the input neurons and of other parts' neurons (local core indexes). */
static le_code output_axons(le_chipcfg *s, const le_network *net, scratch *t, le_error *err)
{
    le_code rc = ext_table(s, net, t, err);
    if (rc)
        return rc;
    const uint32_t NC = s->n_cores, S = s->nrn_n + s->n_ext;
    const size_t A = t->ax_base[NC];
    uint32_t *asrc = t->ax_src.a;
    for (size_t a = 0; a < A; a++) /* from here on, the source's slot */
        asrc[a] = le_chipcfg_slot(s, asrc[a]);
    const pop_axon *pax = t->pax.a;
    size_t P = 0; /* output axons of population axons: one per source neuron (atom) */
    for (size_t j = 0; j < t->pax.n; j++)
        P += net->conns[pax[j].conn].conv->in_ch;
    t->nout_start = calloc((size_t)S + 2, sizeof *t->nout_start);
    t->nout = malloc((A + P + 1) * sizeof *t->nout);
    size_t *nf = malloc(((size_t)S + 1) * sizeof *nf);
    if (!t->nout_start || !t->nout || !nf) {
        free(nf);
        return nomem(err, "the output axons");
    }
    for (size_t a = 0; a < A; a++)
        t->nout_start[asrc[a] + 1]++;
    for (size_t j = 0; j < t->pax.n; j++) {
        const le_connection *cn = &net->conns[pax[j].conn];
        uint32_t g0 = s->pops[cn->src_pop].base + pax[j].pixel * cn->conv->in_ch;
        for (uint32_t a = 0; a < cn->conv->in_ch; a++)
            t->nout_start[le_chipcfg_slot(s, g0 + a) + 1]++;
    }
    for (uint32_t q = 0; q < S; q++)
        t->nout_start[q + 1] += t->nout_start[q];
    memcpy(nf, t->nout_start, ((size_t)S + 1) * sizeof *nf);
    for (uint32_t i = 0; i < NC; i++) {
        for (size_t a = t->ax_base[i]; a < t->ax_base[i + 1]; a++) {
            nout_rec d = {i, (uint32_t)(a - t->ax_base[i]), 0, 0, 0};
            t->nout[nf[asrc[a]]++] = d;
        }
        /* Population axons follow the core's discrete axons; the atom is the source's channel. */
        uint32_t n_disc = (uint32_t)(t->ax_base[i + 1] - t->ax_base[i]);
        for (size_t j = t->pax_base[i]; j < t->pax_base[i + 1]; j++) {
            const le_connection *cn = &net->conns[pax[j].conn];
            uint32_t g0 = s->pops[cn->src_pop].base + pax[j].pixel * cn->conv->in_ch;
            for (uint32_t a = 0; a < cn->conv->in_ch; a++) {
                nout_rec d = {i, n_disc + (uint32_t)(j - t->pax_base[i]), (uint16_t)a, pax[j].pop32, 0};
                t->nout[nf[le_chipcfg_slot(s, g0 + a)]++] = d;
            }
        }
    }
    free(nf);
    le_vec_free(&t->ax_src);

    s->inj_start = calloc((size_t)S + 2, sizeof *s->inj_start);
    if (!s->inj_start)
        return nomem(err, "the injection lists");
    size_t n_inj = 0;
    for (uint32_t q = 0; q < S; q++) {
        s->inj_start[q] = n_inj;
        if (q >= s->nrn_n || s->nrn_core[q] == NONE)
            n_inj += t->nout_start[q + 1] - t->nout_start[q];
    }
    s->inj_start[S] = n_inj;
    s->inj = malloc((n_inj + 1) * sizeof *s->inj);
    if (!s->inj)
        return nomem(err, "the injection lists");
    for (uint32_t q = 0; q < S; q++)
        if (q >= s->nrn_n || s->nrn_core[q] == NONE)
            for (size_t j = t->nout_start[q]; j < t->nout_start[q + 1]; j++) {
                le_delivery d = {t->nout[j].core, t->nout[j].axon, t->nout[j].atom};
                s->inj[s->inj_start[q] + (j - t->nout_start[q])] = d;
            }
    return LE_OK;
}

/* A part: the destination cores of each input neuron (all of them) and of each local neuron
 * (those on other parts), sorted and distinct, in inj_gid, by slot; from the pairs that
 * bucket_synapses kept, by source gid until the slots are known. */
static le_code remote_tables(le_chipcfg *s, scratch *t, le_error *err)
{
    const uint32_t S = s->nrn_n + s->n_ext;
    le_vec pairs = t->remote;
    uint64_t *pk = pairs.a;
    for (size_t j = 0; j < pairs.n; j++)
        pk[j] = ((uint64_t)le_chipcfg_slot(s, (uint32_t)(pk[j] >> 32)) << 32) | (uint32_t)pk[j];
    qsort(pk, pairs.n, sizeof *pk, cmp_u64);
    s->inj_gid_start = calloc((size_t)S + 2, sizeof *s->inj_gid_start);
    s->inj_gid = malloc((pairs.n + 1) * sizeof *s->inj_gid);
    s->remote_out = calloc((size_t)s->nrn_n + 1, 1);
    if (!s->inj_gid_start || !s->inj_gid || !s->remote_out)
        return nomem(err, "the output axons to other parts");
    size_t n = 0;
    for (size_t j = 0; j < pairs.n; j++) {
        if (j && pk[j] == pk[j - 1])
            continue;
        uint32_t q = (uint32_t)(pk[j] >> 32);
        s->inj_gid[n++] = (uint32_t)pk[j];
        s->inj_gid_start[q + 1]++;
        if (q < s->nrn_n && s->nrn_core[q] != NONE)
            s->remote_out[q] = 1;
    }
    for (uint32_t q = 0; q < S; q++)
        s->inj_gid_start[q + 1] += s->inj_gid_start[q];
    le_vec_free(&t->remote);
    return LE_OK;
}

/* Core i's specification (profiles, axon tables) handed to le_core_build, which checks its
 * limits. Buffers are sized for the largest core and reused. */
typedef struct {
    le_profile *prof;
    uint16_t *cxp;
    uint32_t *ostart;
    le_axon_dst *obuf;
    uint16_t *oatom;
    uint8_t *opop32;
    size_t obuf_cap;
    uint32_t *pset;
    uint16_t *pbase;
    size_t pcap;
} core_bufs;

static le_code build_core(le_chipcfg *s, const le_network *net, const le_limits *lim, const scratch *t,
                          core_bufs *b, uint32_t i, le_error *err)
{
    const uint32_t ncx = (uint32_t)(s->cx_base[i + 1] - s->cx_base[i]);
    uint32_t np = 0, last_key = NONE, last_prof = 0;
    size_t n_out = 0;
    for (uint32_t c = 0; c < ncx; c++) {
        uint32_t g = s->cx_nrn[s->cx_base[i] + c];
        uint32_t key = g == NONE ? NONE - 1 : (le_chipcfg_pop_of(s, g & ~AUX_FLAG) << 1) | (g & AUX_FLAG ? 1u : 0u);
        if (key != last_key) {
            le_profile pr = g == NONE ? le_profile_default() : le_ahp_profile(&net->pops[key >> 1], (int)(key & 1));
            uint32_t q = 0;
            while (q < np && !le_profile_eq(&b->prof[q], &pr))
                q++;
            if (q == np)
                b->prof[np++] = pr;
            last_key = key;
            last_prof = q;
        }
        b->cxp[c] = (uint16_t)last_prof;
        b->ostart[c] = (uint32_t)n_out;
        if (g != NONE && !(g & AUX_FLAG)) {
            const uint32_t q = g - s->nrn_lo; /* a local neuron's slot */
            n_out += t->nout_start[q + 1] - t->nout_start[q];
            if (s->part)
                n_out += s->inj_gid_start[q + 1] - s->inj_gid_start[q];
        }
    }
    b->ostart[ncx] = (uint32_t)n_out;
    if (n_out > b->obuf_cap) {
        le_axon_dst *nb = realloc(b->obuf, n_out * sizeof *nb);
        if (nb)
            b->obuf = nb;
        uint16_t *na = realloc(b->oatom, n_out * sizeof *na);
        if (na)
            b->oatom = na;
        uint8_t *np32 = realloc(b->opop32, n_out);
        if (np32)
            b->opop32 = np32;
        if (!nb || !na || !np32)
            return nomem(err, "the output axons");
        b->obuf_cap = n_out;
    }
    int any_pop = 0;
    for (uint32_t c = 0; c < ncx; c++) {
        uint32_t g = s->cx_nrn[s->cx_base[i] + c];
        if (g == NONE || (g & AUX_FLAG))
            continue;
        const uint32_t q = g - s->nrn_lo;
        if (s->part) {
            /* Local and remote destinations merged in gid order, as the whole board has them. */
            size_t j = t->nout_start[q], je = t->nout_start[q + 1];
            size_t r = s->inj_gid_start[q], re = s->inj_gid_start[q + 1], o = b->ostart[c];
            while (j < je || r < re) {
                if (r == re || (j < je && t->core_gid[t->nout[j].core] < s->inj_gid[r])) {
                    const nout_rec *rec = &t->nout[j];
                    /* The exchange between parts carries a spike's source, not an axon's atom. */
                    if (rec->atom || rec->pop32)
                        return le_fail(err, LE_ERR_CONFIG,
                                       "core %u: population axons are not supported when a board is split over "
                                       "ranks; run this network in one process",
                                       (unsigned)i);
                    le_axon_dst d = {t->core_gid[rec->core], rec->axon};
                    b->oatom[o] = 0;
                    b->opop32[o] = 0;
                    b->obuf[o++] = d;
                    j++;
                } else {
                    le_axon_dst d = {s->inj_gid[r++], NONE};
                    b->oatom[o] = 0;
                    b->opop32[o] = 0;
                    b->obuf[o++] = d;
                }
            }
            continue;
        }
        for (size_t j = t->nout_start[q]; j < t->nout_start[q + 1]; j++) {
            const nout_rec *r = &t->nout[j];
            size_t at = b->ostart[c] + (j - t->nout_start[q]);
            le_axon_dst d = {t->core_gid[r->core], r->axon};
            b->obuf[at] = d;
            b->oatom[at] = r->atom;
            b->opop32[at] = r->pop32;
            any_pop |= r->pop32 | (r->atom != 0);
        }
    }
    le_core_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.gid = t->core_gid[i];
    spec.n_cx = ncx;
    spec.profiles = b->prof;
    spec.n_profiles = np;
    spec.cx_profile = b->cxp;
    spec.n_in_axons = (uint32_t)(t->ax_base[i + 1] - t->ax_base[i]);
    spec.in_start = (const uint32_t *)t->in_start.a + t->ax_base[i] + i;
    spec.syn = t->syn_core[i];
    spec.in_fmt = (const le_axon_fmt *)t->fmt.a + t->ax_base[i];
    spec.out_start = b->ostart;
    spec.out = b->obuf;
    spec.out_atom = any_pop ? b->oatom : NULL;
    spec.out_pop32 = any_pop ? b->opop32 : NULL;
    /* Population axons: set and base per axon, from the stage's records. */
    const size_t np_ax = t->pax_base[i + 1] - t->pax_base[i];
    if (np_ax > b->pcap) {
        uint32_t *ps = realloc(b->pset, np_ax * sizeof *ps);
        if (ps)
            b->pset = ps;
        uint16_t *pb = realloc(b->pbase, np_ax * sizeof *pb);
        if (pb)
            b->pbase = pb;
        if (!ps || !pb)
            return nomem(err, "the population axons");
        b->pcap = np_ax;
    }
    const pop_axon *pax = (const pop_axon *)t->pax.a + t->pax_base[i];
    for (size_t j = 0; j < np_ax; j++) {
        b->pset[j] = pax[j].set;
        b->pbase[j] = pax[j].base;
    }
    spec.n_pop_axons = (uint32_t)np_ax;
    spec.pop_set = b->pset;
    spec.pop_base = b->pbase;
    spec.n_sets = (uint32_t)(t->set_base[i + 1] - t->set_base[i]);
    spec.sets = (const le_syn_set *)t->sets.a + t->set_base[i];
    spec.row_start = (const uint32_t *)t->row_start.a + t->row_base[i] + i;
    spec.set_syn = (const le_synapse *)t->set_syn.a + t->ssyn_base[i];
    le_code rc = le_core_build(&s->cores[i], &spec, lim, err);
    if (rc) {
        char ctx[512];
        core_context(s, i, ctx, sizeof ctx);
        le_error_prefix(err, "%s", ctx);
    }
    return rc;
}

static le_code build_cores(le_chipcfg *s, const le_network *net, const le_limits *lim, scratch *t, le_error *err)
{
    core_bufs b = {NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0};
    b.prof = malloc(((size_t)s->max_cx + 2) * sizeof *b.prof);
    b.cxp = malloc(((size_t)s->max_cx + 1) * sizeof *b.cxp);
    b.ostart = malloc(((size_t)s->max_cx + 2) * sizeof *b.ostart);
    le_code rc = b.prof && b.cxp && b.ostart ? LE_OK : nomem(err, "the core specification");
    for (uint32_t i = 0; i < s->n_cores && !rc; i++) {
        rc = build_core(s, net, lim, t, &b, i, err);
        free(t->syn_core[i]); /* the core holds its copy */
        t->syn_core[i] = NULL;
    }
    free(b.prof);
    free(b.cxp);
    free(b.ostart);
    free(b.obuf);
    free(b.oatom);
    free(b.opop32);
    free(b.pset);
    free(b.pbase);
    return rc;
}

/* The network's own input spikes, by step (stable). */
static le_code input_spikes(le_chipcfg *s, const le_network *net, le_error *err)
{
    s->n_inputs = net->n_inputs;
    s->inputs = malloc(((size_t)net->n_inputs + 1) * sizeof *s->inputs);
    uint64_t *ik = malloc(((size_t)net->n_inputs + 1) * sizeof *ik);
    if (!s->inputs || !ik) {
        free(ik);
        return nomem(err, "the input spikes");
    }
    for (uint32_t j = 0; j < net->n_inputs; j++)
        ik[j] = ((uint64_t)net->inputs[j].step << 32) | j;
    qsort(ik, net->n_inputs, sizeof *ik, cmp_u64);
    for (uint32_t j = 0; j < net->n_inputs; j++)
        s->inputs[j] = net->inputs[ik[j] & 0xffffffffu];
    free(ik);
    return LE_OK;
}

static le_code build(const le_network *net, le_network *consume, const le_placement *pl, const le_board_geom *geom,
                     const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records, le_chipcfg *c,
                     le_error *err)
{
    memset(c, 0, sizeof *c);
    c->part = part;
    c->part_records = records;
    c->chip_lo = chip_lo;
    c->chip_hi = chip_hi;
    if (pl->n_pops != net->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "placement has %u populations, the network %u", pl->n_pops, net->n_pops);
    for (uint32_t p = 0; p < net->n_pops; p++)
        if (pl->pop_base[p + 1] - pl->pop_base[p] != net->pops[p].size)
            return le_fail(err, LE_ERR_CONFIG, "placement does not match population '%s'", net->pops[p].name);
    const uint32_t N = pl->pop_base[net->n_pops];
    if (N >= AUX_FLAG)
        return le_fail(err, LE_ERR_LIMIT, "network of %u neurons: more than %u", N, AUX_FLAG - 1);
    c->geom = *geom;
    c->lim = *lim;
    c->n_pops = net->n_pops;
    c->n_neurons = N;
    scratch t;
    memset(&t, 0, sizeof t);
    le_code rc = neuron_tables(c, net, pl, &t, err);
    if (!rc)
        rc = compartment_tables(c, net, pl, &t, err);
    if (!rc)
        rc = bucket_synapses(c, net, consume, pl, &t, err);
    if (!rc)
        rc = input_axons(c, &t, err);
    if (!rc)
        rc = population_axons(c, net, lim, &t, err);
    if (!rc)
        rc = output_axons(c, net, &t, err);
    if (!rc && part)
        rc = remote_tables(c, &t, err);
    if (!rc)
        rc = build_cores(c, net, lim, &t, err);
    if (!rc)
        rc = input_spikes(c, net, err);
    scratch_free(&t);
    if (rc)
        le_chipcfg_free(c);
    return rc;
}

le_code le_chipcfg_build(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                         const le_limits *lim, le_chipcfg *c, le_error *err)
{
    return build(net, NULL, pl, geom, lim, 0, 0, 0, 1, c, err);
}

le_code le_chipcfg_build_part(const le_network *net, const le_placement *pl, const le_board_geom *geom,
                              const le_limits *lim, uint32_t chip_lo, uint32_t chip_hi, int records, le_chipcfg *c,
                              le_error *err)
{
    if (chip_lo >= chip_hi || chip_hi > geom->n_chips)
        return le_fail(err, LE_ERR_CONFIG, "part of the board: chips %u..%u of %u", chip_lo, chip_hi, geom->n_chips);
    return build(net, NULL, pl, geom, lim, 1, chip_lo, chip_hi, records, c, err);
}

le_code le_chipcfg_build_consume(le_network *net, const le_placement *pl, const le_board_geom *geom,
                                 const le_limits *lim, int part, uint32_t chip_lo, uint32_t chip_hi, int records,
                                 le_chipcfg *c, le_error *err)
{
    if (part && (chip_lo >= chip_hi || chip_hi > geom->n_chips))
        return le_fail(err, LE_ERR_CONFIG, "part of the board: chips %u..%u of %u", chip_lo, chip_hi, geom->n_chips);
    return build(net, net, pl, geom, lim, part, chip_lo, chip_hi, records, c, err);
}

void le_chipcfg_free(le_chipcfg *c)
{
    if (c->cores)
        for (uint32_t i = 0; i < c->n_cores; i++)
            if (c->cores[i].n_cx || c->cores[i].u)
                le_core_free(&c->cores[i]);
    free(c->cores);
    free(c->pops);
    free(c->nrn_core);
    free(c->nrn_cx);
    free(c->inj_start);
    free(c->inj);
    free(c->gid_local);
    free(c->cx_base);
    free(c->cx_nrn);
    free(c->inputs);
    free(c->remote_out);
    free(c->ext_gid);
    free(c->inj_gid_start);
    free(c->inj_gid);
    memset(c, 0, sizeof *c);
}
