#include "models/network.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "util/budget.h"

void le_network_init(le_network *net) { memset(net, 0, sizeof *net); }

static void conn_free_arrays(le_connection *c)
{
    free(c->src);
    free(c->dst);
    free(c->weight);
    free(c->delay);
    if (c->conv)
        free(c->conv->weight);
    free(c->conv);
    c->src = c->dst = NULL;
    c->weight = NULL;
    c->delay = NULL;
    c->conv = NULL;
}

void le_network_free(le_network *net)
{
    for (uint32_t i = 0; i < net->n_conns; i++)
        conn_free_arrays(&net->conns[i]);
    free(net->pops);
    free(net->conns);
    free(net->inputs);
    free(net->name_index);
    memset(net, 0, sizeof *net);
}

le_code le_connection_init(le_connection *c, uint32_t src_pop, uint32_t dst_pop, int32_t wexp, le_sign_mode sign,
                           size_t n, int with_delay, le_error *err)
{
    memset(c, 0, sizeof *c);
    le_code rc = le_budget_check("connection", n, "synapses", LE_BYTES_PER_SYNAPSE, err);
    if (rc)
        return rc;
    c->src_pop = src_pop;
    c->dst_pop = dst_pop;
    c->wexp = wexp;
    c->weight_bits = 8;
    c->sign = sign;
    size_t cap = n ? n : 1;
    c->src = malloc(cap * sizeof *c->src);
    c->dst = malloc(cap * sizeof *c->dst);
    c->weight = malloc(cap * sizeof *c->weight);
    c->delay = with_delay ? calloc(cap, 1) : NULL;
    if (!c->src || !c->dst || !c->weight || (with_delay && !c->delay)) {
        conn_free_arrays(c);
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %llu synapses", (unsigned long long)n);
    }
    return LE_OK;
}

void le_network_drop_conns(le_network *net)
{
    for (uint32_t i = 0; i < net->n_conns; i++)
        conn_free_arrays(&net->conns[i]);
    net->n_conns = 0;
}

void le_network_drop_synapses(le_network *net, uint32_t i)
{
    le_connection *c = &net->conns[i];
    if (c->conv)
        return;
    free(c->src);
    free(c->dst);
    free(c->weight);
    free(c->delay);
    c->src = c->dst = NULL;
    c->weight = NULL;
    c->delay = NULL;
    c->n = 0;
}

/* Doubles *cap until it holds need; keeps *arr valid on failure. */
static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    uint32_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > UINT32_MAX / 2)
            return 0;
        nc *= 2;
    }
    void *p = realloc(*arr, (size_t)nc * elem);
    if (!p)
        return 0;
    *arr = p;
    *cap = nc;
    return 1;
}

le_population le_population_default(const char *name, le_pop_kind kind, uint32_t size)
{
    le_population p;
    memset(&p, 0, sizeof p);
    if (name) {
        size_t n = strnlen(name, LE_NAME_MAX - 1);
        memcpy(p.name, name, n);
        p.name[n] = '\0';
    }
    p.kind = kind;
    p.size = size;
    p.main = le_profile_default();
    p.aux = le_profile_default();
    p.aux.stack_out = 1;
    if (kind == LE_POP_AHP)
        p.main.join_op = LE_JOIN_ADD;
    p.first_core = -1;
    p.per_core = 0;
    p.chip = -1;
    return p;
}

/* FNV-1a over the name: population lookups by name are O(1), so that building networks of
 * tens of thousands of populations (Pohoiki Springs sizes) stays linear. */
static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < LE_NAME_MAX && name[i]; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

int le_network_find_pop(const le_network *net, const char *name)
{
    if (net->name_cap == 0)
        return -1;
    for (uint32_t h = name_hash(name) & (net->name_cap - 1);; h = (h + 1) & (net->name_cap - 1)) {
        uint32_t e = net->name_index[h];
        if (e == 0)
            return -1;
        if (!strncmp(net->pops[e - 1].name, name, LE_NAME_MAX))
            return (int)(e - 1);
    }
}

/* Inserts population i (whose name is not yet in the table); keeps the load under 1/2. */
static int name_index_add(le_network *net, uint32_t i)
{
    if (2u * (net->n_pops + 1u) > net->name_cap) {
        uint32_t cap = net->name_cap ? 2u * net->name_cap : 64u;
        uint32_t *t = calloc(cap, sizeof *t);
        if (!t)
            return 0;
        for (uint32_t k = 0; k < net->n_pops; k++) {
            uint32_t h = name_hash(net->pops[k].name) & (cap - 1);
            while (t[h])
                h = (h + 1) & (cap - 1);
            t[h] = k + 1;
        }
        free(net->name_index);
        net->name_index = t;
        net->name_cap = cap;
    }
    uint32_t h = name_hash(net->pops[i].name) & (net->name_cap - 1);
    while (net->name_index[h])
        h = (h + 1) & (net->name_cap - 1);
    net->name_index[h] = i + 1;
    return 1;
}

uint64_t le_network_n_neurons(const le_network *net)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < net->n_pops; i++)
        n += net->pops[i].size;
    return n;
}

le_code le_network_add_pop(le_network *net, const le_population *pop, uint32_t *idx, le_error *err)
{
    if (strnlen(pop->name, LE_NAME_MAX) == 0)
        return le_fail(err, LE_ERR_CONFIG, "population %u: empty name", net->n_pops);
    if (strnlen(pop->name, LE_NAME_MAX) >= LE_NAME_MAX)
        return le_fail(err, LE_ERR_CONFIG, "population %u: name longer than %d characters", net->n_pops,
                       LE_NAME_MAX - 1);
    if (le_network_find_pop(net, pop->name) >= 0)
        return le_fail(err, LE_ERR_CONFIG, "population '%s' defined twice", pop->name);
    if (net->n_neurons_added + pop->size > UINT32_MAX - 1)
        return le_fail(err, LE_ERR_LIMIT, "population '%s': more than %u neurons in the network", pop->name,
                       UINT32_MAX - 1);
    /* Nothing is allocated per neuron yet, but placement and configuration will: refuse now. */
    char what[LE_NAME_MAX + 64];
    snprintf(what, sizeof what, "population '%s': size %u", pop->name, pop->size);
    le_code rc = le_budget_check(what, net->n_neurons_added + pop->size, "neurons in the network",
                                 LE_BYTES_PER_NEURON, err);
    if (rc)
        return rc;
    if (!grow((void **)&net->pops, &net->cap_pops, net->n_pops + 1, sizeof *net->pops))
        return le_fail(err, LE_ERR_NOMEM, "population '%s': out of memory", pop->name);
    net->pops[net->n_pops] = *pop;
    if (!name_index_add(net, net->n_pops))
        return le_fail(err, LE_ERR_NOMEM, "population '%s': out of memory", pop->name);
    if (idx)
        *idx = net->n_pops;
    net->n_pops++;
    net->n_neurons_added += pop->size;
    return LE_OK;
}

le_code le_network_add_conn(le_network *net, le_connection *conn, le_error *err)
{
    /* Ownership passes in every case, so that callers never have to free on error. */
    if (!grow((void **)&net->conns, &net->cap_conns, net->n_conns + 1, sizeof *net->conns)) {
        conn_free_arrays(conn);
        return le_fail(err, LE_ERR_NOMEM, "connection %u: out of memory", net->n_conns);
    }
    net->conns[net->n_conns++] = *conn;
    conn->conv = NULL;
    conn->src = conn->dst = NULL;
    conn->weight = NULL;
    conn->delay = NULL;
    return LE_OK;
}

void le_sign_range(le_sign_mode sign, int32_t *lo, int32_t *hi)
{
    switch (sign) {
    case LE_SIGN_MIXED: *lo = -256; *hi = 254; break;
    case LE_SIGN_EXC: *lo = 0; *hi = 255; break;
    case LE_SIGN_INH: *lo = -256; *hi = 0; break;
    case LE_SIGN_SPLIT:
    default: *lo = -256; *hi = 255; break;
    }
}

const char *le_sign_mode_name(le_sign_mode sign)
{
    switch (sign) {
    case LE_SIGN_SPLIT: return "split";
    case LE_SIGN_MIXED: return "mixed";
    case LE_SIGN_EXC: return "excitatory";
    case LE_SIGN_INH: return "inhibitory";
    }
    return "unknown";
}

int32_t le_weight_truncate(int32_t mant, le_sign_mode sign, uint32_t weight_bits)
{
    int k = 8 - (int)weight_bits + (sign == LE_SIGN_MIXED ? 1 : 0);
    if (k <= 0)
        return mant;
    /* Follows the storage format [Lava truncate_weights]: excitatory and inhibitory groups hold
     * magnitudes, so dropping low bits rounds toward zero (a split connection's negative
     * weights sit in an inhibitory group); a mixed group holds two's complement, so dropping
     * low bits is an arithmetic shift, i.e. floor. */
    int32_t step = 1 << k;
    if (mant >= 0)
        return mant / step * step;
    if (sign == LE_SIGN_MIXED)
        return -((-mant + step - 1) / step) * step;
    return -((-mant) / step * step);
}

static const char *pop_name(const le_network *net, uint32_t p)
{
    return p < net->n_pops ? net->pops[p].name : "?";
}

le_code le_network_connect_dense(le_network *net, uint32_t src_pop, uint32_t dst_pop, const float *w,
                                 int32_t wexp, le_sign_mode sign, le_error *err)
{
    if (src_pop >= net->n_pops || dst_pop >= net->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "connection %u: population index %u out of range (%u populations)",
                       net->n_conns, src_pop >= net->n_pops ? src_pop : dst_pop, net->n_pops);
    const char *sn = pop_name(net, src_pop), *dn = pop_name(net, dst_pop);
    uint32_t ns = net->pops[src_pop].size, nd = net->pops[dst_pop].size;
    int32_t lo, hi;
    le_sign_range(sign, &lo, &hi);
    uint64_t nz = 0;
    for (uint32_t r = 0; r < ns; r++)
        for (uint32_t c = 0; c < nd; c++) {
            float x = w[(size_t)r * nd + c];
            if (x == 0.0f)
                continue;
            if (!isfinite(x) || x != floorf(x))
                return le_fail(err, LE_ERR_RANGE,
                               "connection %s -> %s: weight at row %u, column %u is %g, not an integer mantissa",
                               sn, dn, r, c, (double)x);
            if (x < (float)lo || x > (float)hi)
                return le_fail(err, LE_ERR_RANGE,
                               "connection %s -> %s: weight at row %u, column %u is %g, outside %d..%d for sign "
                               "mode %s",
                               sn, dn, r, c, (double)x, lo, hi, le_sign_mode_name(sign));
            nz++;
        }
    if (nz > UINT32_MAX)
        return le_fail(err, LE_ERR_LIMIT, "connection %s -> %s: %llu synapses, more than %u", sn, dn,
                       (unsigned long long)nz, UINT32_MAX);
    le_connection c;
    le_code rc = le_connection_init(&c, src_pop, dst_pop, wexp, sign, (size_t)nz, 0, err);
    if (rc) {
        le_error_prefix(err, "connection %s -> %s", sn, dn);
        return rc;
    }
    c.n = (uint32_t)nz;
    size_t k = 0;
    for (uint32_t r = 0; r < ns; r++)
        for (uint32_t col = 0; col < nd; col++) {
            float x = w[(size_t)r * nd + col];
            if (x == 0.0f)
                continue;
            c.src[k] = r;
            c.dst[k] = col;
            c.weight[k] = (int16_t)x;
            k++;
        }
    return le_network_add_conn(net, &c, err);
}

le_code le_network_add_input(le_network *net, uint32_t pop, uint32_t neuron, uint32_t step, le_error *err)
{
    if (pop >= net->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "input spike: population index %u out of range (%u populations)", pop,
                       net->n_pops);
    const le_population *p = &net->pops[pop];
    if (p->kind != LE_POP_INPUT)
        return le_fail(err, LE_ERR_CONFIG, "input spike into population '%s': only input populations take input "
                       "spikes", p->name);
    if (neuron >= p->size)
        return le_fail(err, LE_ERR_RANGE, "input spike into population '%s': neuron %u outside 0..%u", p->name,
                       neuron, p->size - 1);
    if (step < 1)
        return le_fail(err, LE_ERR_RANGE, "input spike into population '%s' neuron %u: step 0 (steps start at 1)",
                       p->name, neuron);
    if (!grow((void **)&net->inputs, &net->cap_inputs, net->n_inputs + 1, sizeof *net->inputs))
        return le_fail(err, LE_ERR_NOMEM, "input spikes: out of memory");
    le_input_spike s = {step, pop, neuron};
    net->inputs[net->n_inputs++] = s;
    return LE_OK;
}

le_code le_network_check_pop(const le_network *net, uint32_t i, le_error *err)
{
    const le_limits *lim = le_limits_loihi1();
    const le_population *p = &net->pops[i];
    if (p->kind != LE_POP_INPUT && p->kind != LE_POP_LIF && p->kind != LE_POP_AHP)
        return le_fail(err, LE_ERR_CONFIG, "population '%s': unknown kind %d", p->name, (int)p->kind);
    if (p->size == 0)
        return le_fail(err, LE_ERR_CONFIG, "population '%s': size 0", p->name);
    if (p->first_core < -1)
        return le_fail(err, LE_ERR_RANGE, "population '%s': first_core %d (use -1 for automatic placement)",
                       p->name, p->first_core);
    if (p->chip < -1)
        return le_fail(err, LE_ERR_RANGE, "population '%s': chip %d (use -1 for the chip of the first target)",
                       p->name, p->chip);
    if (p->kind == LE_POP_INPUT)
        return LE_OK;
    if (p->per_core > lim->cx_per_core / le_pop_cx_per_neuron(p))
        return le_fail(err, LE_ERR_LIMIT, "population '%s': per_core %u > %u neurons (%u compartments per core)",
                       p->name, p->per_core, lim->cx_per_core / le_pop_cx_per_neuron(p), lim->cx_per_core);
    le_code rc = le_profile_check(&p->main, err);
    if (rc) {
        le_error_prefix(err, "population '%s'%s", p->name, p->kind == LE_POP_AHP ? " (main compartment)" : "");
        return rc;
    }
    if (p->kind != LE_POP_AHP)
        return LE_OK;
    rc = le_profile_check(&p->aux, err);
    if (rc) {
        le_error_prefix(err, "population '%s' (aux compartment)", p->name);
        return rc;
    }
    if (p->ahp_weight < -256 || p->ahp_weight > 255)
        return le_fail(err, LE_ERR_RANGE, "population '%s': ahp_weight %d outside -256..255", p->name,
                       p->ahp_weight);
    if (p->ahp_wexp < lim->weight_exp_min || p->ahp_wexp > lim->weight_exp_max)
        return le_fail(err, LE_ERR_RANGE, "population '%s': ahp_wexp %d outside %d..%d", p->name, p->ahp_wexp,
                       lim->weight_exp_min, lim->weight_exp_max);
    return LE_OK;
}

le_code le_network_check_conn(const le_network *net, uint32_t ci, le_error *err)
{
    const le_limits *lim = le_limits_loihi1();
    const le_connection *c = &net->conns[ci];
    if (c->src_pop >= net->n_pops || c->dst_pop >= net->n_pops)
        return le_fail(err, LE_ERR_CONFIG, "connection %u: population index %u out of range (%u populations)", ci,
                       c->src_pop >= net->n_pops ? c->src_pop : c->dst_pop, net->n_pops);
    const le_population *sp = &net->pops[c->src_pop], *dp = &net->pops[c->dst_pop];
    const char *sn = sp->name, *dn = dp->name;
    if (dp->kind == LE_POP_INPUT)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: '%s' is an input population (no compartments)",
                       sn, dn, dn);
    if (c->to_aux && dp->kind != LE_POP_AHP)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: to_aux needs an ahp destination population", sn,
                       dn);
    if (c->wexp < lim->weight_exp_min || c->wexp > lim->weight_exp_max)
        return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: wexp %d outside %d..%d", sn, dn, c->wexp,
                       lim->weight_exp_min, lim->weight_exp_max);
    if (c->weight_bits < 1 || c->weight_bits > 8)
        return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: weight_bits %u outside 1..8", sn, dn,
                       c->weight_bits);
    if ((int)c->sign < LE_SIGN_SPLIT || (int)c->sign > LE_SIGN_INH)
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: unknown sign mode %d", sn, dn, (int)c->sign);
    if (c->conv)
        return le_conv_check(net, c, err);
    if (c->n && (!c->src || !c->dst || !c->weight))
        return le_fail(err, LE_ERR_CONFIG, "connection %s -> %s: %u synapses but no arrays", sn, dn, c->n);
    int32_t lo, hi;
    le_sign_range(c->sign, &lo, &hi);
    for (uint32_t k = 0; k < c->n; k++) {
        if (c->src[k] >= sp->size)
            return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: synapse %u: source neuron %u outside 0..%u", sn,
                           dn, k, c->src[k], sp->size - 1);
        if (c->dst[k] >= dp->size)
            return le_fail(err, LE_ERR_RANGE,
                           "connection %s -> %s: synapse %u: destination neuron %u outside 0..%u", sn, dn, k,
                           c->dst[k], dp->size - 1);
        if (c->weight[k] < lo || c->weight[k] > hi)
            return le_fail(err, LE_ERR_RANGE,
                           "connection %s -> %s: synapse %u (%u -> %u): weight %d outside %d..%d for sign mode %s",
                           sn, dn, k, c->src[k], c->dst[k], c->weight[k], lo, hi, le_sign_mode_name(c->sign));
        if (c->delay && c->delay[k] > lim->max_delay)
            return le_fail(err, LE_ERR_RANGE, "connection %s -> %s: synapse %u (%u -> %u): delay %u > %u", sn, dn,
                           k, c->src[k], c->dst[k], c->delay[k], lim->max_delay);
    }
    return LE_OK;
}

le_code le_network_validate(const le_network *net, le_error *err)
{
    le_code rc;
    for (uint32_t i = 0; i < net->n_pops; i++)
        if ((rc = le_network_check_pop(net, i, err)))
            return rc;
    for (uint32_t i = 0; i < net->n_conns; i++)
        if ((rc = le_network_check_conn(net, i, err)))
            return rc;
    for (uint32_t i = 0; i < net->n_inputs; i++) {
        const le_input_spike *s = &net->inputs[i];
        if (s->pop >= net->n_pops)
            return le_fail(err, LE_ERR_CONFIG, "input spike %u: population index %u out of range", i, s->pop);
        const le_population *p = &net->pops[s->pop];
        if (p->kind != LE_POP_INPUT)
            return le_fail(err, LE_ERR_CONFIG,
                           "input spike %u into population '%s': only input populations take input spikes", i,
                           p->name);
        if (s->neuron >= p->size)
            return le_fail(err, LE_ERR_RANGE, "input spike %u into population '%s': neuron %u outside 0..%u", i,
                           p->name, s->neuron, p->size - 1);
        if (s->step < 1)
            return le_fail(err, LE_ERR_RANGE, "input spike %u into population '%s': step 0 (steps start at 1)", i,
                           p->name);
    }
    return LE_OK;
}
