/* YAML network files (docs/network-file.md). libyaml builds the document tree with line
 * marks; each element is checked as it is read so that an error names its own line. */
#include "models/netfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/limits.h"
#include "models/npy.h"

typedef struct {
    const char *path;
    yaml_document_t doc;
    le_network *net;
    le_error *err;
} ctx;

static yaml_node_t *node(ctx *c, int id) { return yaml_document_get_node(&c->doc, id); }
static unsigned line_of(const yaml_node_t *n) { return n ? (unsigned)n->start_mark.line + 1 : 0; }

/* Fails with "FILE:LINE: message". */
static le_code fail_at(ctx *c, const yaml_node_t *n, le_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static le_code fail_at(ctx *c, const yaml_node_t *n, le_code code, const char *fmt, ...)
{
    char msg[LE_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    le_fail(c->err, code, "%s", msg);
    if (n)
        le_error_prefix(c->err, "%s:%u", c->path, line_of(n));
    else
        le_error_prefix(c->err, "%s", c->path);
    return code;
}

/* Adds the file and line to an error another module filled in. */
static le_code prefix_at(ctx *c, const yaml_node_t *n, le_code rc)
{
    le_error_prefix(c->err, "%s:%u", c->path, line_of(n));
    return rc;
}

/* "what: key" into buf (truncated, never overflowing). */
static const char *keyname(char *buf, size_t cap, const char *what, const char *key)
{
    size_t n = strnlen(what, cap - 1);
    memcpy(buf, what, n);
    if (n + 2 < cap) {
        buf[n++] = ':';
        buf[n++] = ' ';
    }
    size_t m = strnlen(key, cap - 1 - n);
    memcpy(buf + n, key, m);
    buf[n + m] = '\0';
    return buf;
}

static const char *type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static le_code want_type(ctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
    if (n->type == t)
        return LE_OK;
    const char *w = t == YAML_SCALAR_NODE ? "a value" : (t == YAML_SEQUENCE_NODE ? "a list" : "a mapping");
    return fail_at(c, n, LE_ERR_PARSE, "%s: expected %s, found %s", what, w, type_name(n));
}

static le_code get_int(ctx *c, const yaml_node_t *n, const char *what, long long lo, long long hi, long long *out)
{
    le_code rc = want_type(c, n, YAML_SCALAR_NODE, what);
    if (rc)
        return rc;
    const char *s = scalar(n);
    char *e;
    errno = 0;
    long long v = strtoll(s, &e, 0);
    if (*s == '\0' || *e != '\0' || errno)
        return fail_at(c, n, LE_ERR_PARSE, "%s: expected an integer, found '%s'", what, s);
    if (v < lo || v > hi)
        return fail_at(c, n, LE_ERR_RANGE, "%s: %lld outside %lld..%lld", what, v, lo, hi);
    *out = v;
    return LE_OK;
}

static le_code get_bool(ctx *c, const yaml_node_t *n, const char *what, int *out)
{
    le_code rc = want_type(c, n, YAML_SCALAR_NODE, what);
    if (rc)
        return rc;
    const char *s = scalar(n);
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
        *out = 1;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
        *out = 0;
    else
        return fail_at(c, n, LE_ERR_PARSE, "%s: expected true or false, found '%s'", what, s);
    return LE_OK;
}

static le_code get_str(ctx *c, const yaml_node_t *n, const char *what, const char **out)
{
    le_code rc = want_type(c, n, YAML_SCALAR_NODE, what);
    if (rc)
        return rc;
    if (scalar(n)[0] == '\0')
        return fail_at(c, n, LE_ERR_PARSE, "%s: empty", what);
    *out = scalar(n);
    return LE_OK;
}

/* The value nodes of a mapping's keys, by position in `allowed` (0 when absent). Unknown and
 * repeated keys are errors naming the key, its line and the allowed keys. */
static le_code read_keys(ctx *c, const yaml_node_t *map, const char *what, const char *const *allowed, int n_allowed,
                         yaml_node_t **vals)
{
    le_code rc = want_type(c, map, YAML_MAPPING_NODE, what);
    if (rc)
        return rc;
    for (int i = 0; i < n_allowed; i++)
        vals[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return fail_at(c, k ? k : map, LE_ERR_PARSE, "%s: keys must be plain names", what);
        int i = 0;
        while (i < n_allowed && strcmp(allowed[i], scalar(k)) != 0)
            i++;
        if (i == n_allowed) {
            char list[512];
            size_t n = 0;
            list[0] = '\0';
            for (int j = 0; j < n_allowed && n + 1 < sizeof list; j++) {
                int w = snprintf(list + n, sizeof list - n, "%s%s", j ? ", " : "", allowed[j]);
                n = w < 0 ? sizeof list : n + (size_t)w;
            }
            return fail_at(c, k, LE_ERR_PARSE, "%s: unknown key '%s' (allowed: %s)", what, scalar(k), list);
        }
        if (vals[i])
            return fail_at(c, k, LE_ERR_PARSE, "%s: key '%s' appears twice (first on line %u)", what, scalar(k),
                           line_of(vals[i]));
        vals[i] = v;
    }
    return LE_OK;
}

/* The plain value of key in a mapping (NULL when absent or not a scalar), to name the
 * element in messages about its other keys. */
static const char *scalar_of_key(ctx *c, const yaml_node_t *map, const char *key)
{
    if (map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE && !strcmp(scalar(k), key))
            return scalar(v);
    }
    return NULL;
}

/* ------------------------------------------------------------------ populations */

enum {
    P_NAME, P_KIND, P_SIZE, P_DECAY_U, P_DECAY_V, P_BIAS_MANT, P_BIAS_EXP, P_VTH_MANT, P_REFRACT, P_VMIN_EXP,
    P_VMAX_EXP, P_AUX, P_AHP_WEIGHT, P_AHP_WEXP, P_PLACEMENT, P_TRACE, P_N
};
static const char *const pop_keys[P_N] = {"name",     "kind",     "size",     "decay_u",    "decay_v",
                                          "bias_mant", "bias_exp", "vth_mant", "refract",    "vmin_exp",
                                          "vmax_exp",  "aux",      "ahp_weight", "ahp_wexp", "placement",
                                          "trace"};
#define PROFILE_FIRST P_DECAY_U
#define PROFILE_LAST P_VMAX_EXP
static const char *const profile_keys[] = {"decay_u",  "decay_v", "bias_mant", "bias_exp",
                                           "vth_mant", "refract", "vmin_exp",  "vmax_exp"};
enum { N_PROFILE_KEYS = 8 };
enum { PL_FIRST_CORE, PL_PER_CORE, PL_CHIP, PL_N };
static const char *const placement_keys[PL_N] = {"first_core", "per_core", "chip"};

/* Fills the profile fields given in vals[0..7] (profile_keys order). Ranges are checked
 * afterwards by le_network_check_pop with the field's name; here only the C types. */
static le_code read_profile(ctx *c, yaml_node_t *const *vals, const char *what, le_profile *pr)
{
    int32_t *field[N_PROFILE_KEYS] = {&pr->decay_u,  &pr->decay_v, &pr->bias_mant, &pr->bias_exp,
                                      &pr->vth_mant, &pr->refract, &pr->vmin_exp,  &pr->vmax_exp};
    for (int i = 0; i < N_PROFILE_KEYS; i++) {
        if (!vals[i])
            continue;
        char w[160];
        snprintf(w, sizeof w, "%s: %s", what, profile_keys[i]);
        long long v = 0;
        le_code rc = get_int(c, vals[i], w, INT32_MIN, INT32_MAX, &v);
        if (rc)
            return rc;
        *field[i] = (int32_t)v;
    }
    return LE_OK;
}

/* Range check of one profile field with the line of its value. */
static le_code check_profile(ctx *c, yaml_node_t *const *vals, const yaml_node_t *block, const char *what,
                             const le_profile *pr)
{
    le_error tmp;
    if (le_profile_check(pr, &tmp) == LE_OK)
        return LE_OK;
    /* Point at the field the message names, when it was written in the file. */
    const yaml_node_t *at = block;
    for (int i = 0; i < N_PROFILE_KEYS; i++)
        if (vals[i] && strstr(tmp.msg, profile_keys[i])) {
            at = vals[i];
            break;
        }
    return fail_at(c, at, tmp.code, "%s: %s", what, tmp.msg);
}

static le_code read_population(ctx *c, yaml_node_t *n, uint32_t idx)
{
    yaml_node_t *v[P_N];
    char what[128];
    const char *early = scalar_of_key(c, n, "name");
    if (early && strlen(early) < LE_NAME_MAX)
        snprintf(what, sizeof what, "population '%s'", early);
    else
        snprintf(what, sizeof what, "population %u", idx + 1);
    le_code rc = read_keys(c, n, what, pop_keys, P_N, v);
    if (rc)
        return rc;
    const char *name = NULL;
    if (!v[P_NAME])
        return fail_at(c, n, LE_ERR_PARSE, "%s: missing 'name'", what);
    if ((rc = get_str(c, v[P_NAME], "population name", &name)))
        return rc;
    if (strlen(name) >= LE_NAME_MAX)
        return fail_at(c, v[P_NAME], LE_ERR_PARSE, "population name '%s' is longer than %d characters", name,
                       LE_NAME_MAX - 1);
    if (le_network_find_pop(c->net, name) >= 0)
        return fail_at(c, v[P_NAME], LE_ERR_CONFIG, "population '%s' is defined twice", name);
    snprintf(what, sizeof what, "population '%s'", name);

    le_pop_kind kind = LE_POP_LIF;
    if (v[P_KIND]) {
        const char *k = NULL;
        if ((rc = get_str(c, v[P_KIND], what, &k)))
            return rc;
        if (!strcmp(k, "input"))
            kind = LE_POP_INPUT;
        else if (!strcmp(k, "lif"))
            kind = LE_POP_LIF;
        else if (!strcmp(k, "ahp"))
            kind = LE_POP_AHP;
        else
            return fail_at(c, v[P_KIND], LE_ERR_PARSE, "%s: kind '%s' (allowed: input, lif, ahp)", what, k);
    }
    if (!v[P_SIZE])
        return fail_at(c, n, LE_ERR_PARSE, "%s: missing 'size'", what);
    char w[160];
    keyname(w, sizeof w, what, "size");
    long long size = 0;
    if ((rc = get_int(c, v[P_SIZE], w, 1, UINT32_MAX / 2, &size)))
        return rc;

    le_population pop = le_population_default(name, kind, (uint32_t)size);
    /* Keys that make no sense for the kind are errors rather than silently ignored. */
    for (int i = PROFILE_FIRST; i <= P_AHP_WEXP; i++) {
        if (!v[i])
            continue;
        if (kind == LE_POP_INPUT)
            return fail_at(c, v[i], LE_ERR_PARSE, "%s: '%s' does not apply to an input population", what,
                           pop_keys[i]);
        if (kind == LE_POP_LIF && i >= P_AUX)
            return fail_at(c, v[i], LE_ERR_PARSE, "%s: '%s' applies to ahp populations only", what, pop_keys[i]);
    }
    if (kind != LE_POP_INPUT) {
        if ((rc = read_profile(c, v + PROFILE_FIRST, what, &pop.main)))
            return rc;
        if ((rc = check_profile(c, v + PROFILE_FIRST, n, what, &pop.main)))
            return rc;
    }
    if (kind == LE_POP_AHP) {
        char wa[160];
        keyname(wa, sizeof wa, what, "aux");
        if (v[P_AUX]) {
            yaml_node_t *av[N_PROFILE_KEYS];
            if ((rc = read_keys(c, v[P_AUX], wa, profile_keys, N_PROFILE_KEYS, av)))
                return rc;
            if ((rc = read_profile(c, av, wa, &pop.aux)))
                return rc;
            if ((rc = check_profile(c, av, v[P_AUX], wa, &pop.aux)))
                return rc;
        }
        long long x = 0;
        if (!v[P_AHP_WEIGHT])
            return fail_at(c, n, LE_ERR_PARSE, "%s: missing 'ahp_weight' (the AHP self-synapse mantissa, -beta)",
                           what);
        keyname(w, sizeof w, what, "ahp_weight");
        if ((rc = get_int(c, v[P_AHP_WEIGHT], w, -256, 255, &x)))
            return rc;
        pop.ahp_weight = (int32_t)x;
        if (v[P_AHP_WEXP]) {
            const le_limits *lim = le_limits_loihi1();
            keyname(w, sizeof w, what, "ahp_wexp");
            if ((rc = get_int(c, v[P_AHP_WEXP], w, lim->weight_exp_min, lim->weight_exp_max, &x)))
                return rc;
            pop.ahp_wexp = (int32_t)x;
        }
    }
    if (v[P_PLACEMENT]) {
        yaml_node_t *pv[PL_N];
        char wp[160];
        keyname(wp, sizeof wp, what, "placement");
        if ((rc = read_keys(c, v[P_PLACEMENT], wp, placement_keys, PL_N, pv)))
            return rc;
        long long x = 0;
        if (kind == LE_POP_INPUT && (pv[PL_FIRST_CORE] || pv[PL_PER_CORE]))
            return fail_at(c, pv[PL_FIRST_CORE] ? pv[PL_FIRST_CORE] : pv[PL_PER_CORE], LE_ERR_PARSE,
                           "%s: input populations have no cores (only 'chip' applies)", wp);
        if (kind != LE_POP_INPUT && pv[PL_CHIP])
            return fail_at(c, pv[PL_CHIP], LE_ERR_PARSE,
                           "%s: 'chip' applies to input populations only (use first_core)", wp);
        if (pv[PL_FIRST_CORE]) {
            keyname(w, sizeof w, wp, "first_core");
            if ((rc = get_int(c, pv[PL_FIRST_CORE], w, -1, INT32_MAX, &x)))
                return rc;
            pop.first_core = (int32_t)x;
        }
        if (pv[PL_PER_CORE]) {
            keyname(w, sizeof w, wp, "per_core");
            uint32_t mx = le_limits_loihi1()->cx_per_core / le_pop_cx_per_neuron(&pop);
            if ((rc = get_int(c, pv[PL_PER_CORE], w, 0, mx, &x)))
                return rc;
            pop.per_core = (uint32_t)x;
        }
        if (pv[PL_CHIP]) {
            keyname(w, sizeof w, wp, "chip");
            if ((rc = get_int(c, pv[PL_CHIP], w, -1, INT32_MAX, &x)))
                return rc;
            pop.chip = (int32_t)x;
        }
    }
    if (v[P_TRACE]) {
        keyname(w, sizeof w, what, "trace");
        if ((rc = get_bool(c, v[P_TRACE], w, &pop.traced)))
            return rc;
        if (pop.traced && kind == LE_POP_INPUT)
            return fail_at(c, v[P_TRACE], LE_ERR_PARSE, "%s: input populations have no compartments to trace",
                           what);
    }
    uint32_t pi;
    if ((rc = le_network_add_pop(c->net, &pop, &pi, c->err)))
        return prefix_at(c, n, rc);
    if ((rc = le_network_check_pop(c->net, pi, c->err)))
        return prefix_at(c, n, rc);
    return LE_OK;
}

/* ------------------------------------------------------------------ connections */

enum { C_FROM, C_TO, C_SYNAPSES, C_WEIGHTS, C_NPY, C_WEXP, C_DELAY, C_SIGN, C_WBITS, C_TO_AUX, C_N };
static const char *const conn_keys[C_N] = {"from", "to",    "synapses",  "weights",     "npy",
                                           "wexp", "delay", "sign_mode", "weight_bits", "to_aux"};

static le_code find_pop(ctx *c, yaml_node_t *n, const char *what, uint32_t *out)
{
    const char *name = NULL;
    le_code rc = get_str(c, n, what, &name);
    if (rc)
        return rc;
    int p = le_network_find_pop(c->net, name);
    if (p < 0)
        return fail_at(c, n, LE_ERR_CONFIG, "%s: no population named '%s' (populations are defined before use)",
                       what, name);
    *out = (uint32_t)p;
    return LE_OK;
}

/* The .npy path relative to the YAML file's folder. */
static void npy_path(const char *yaml_path, const char *rel, char *out, size_t cap)
{
    const char *slash = strrchr(yaml_path, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, cap, "%s", rel);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - yaml_path), yaml_path, rel);
}

typedef struct {
    uint32_t *src, *dst;
    int16_t *w;
    uint8_t *d;
} syn_arrays;

static void syn_arrays_free(syn_arrays *a)
{
    free(a->src);
    free(a->dst);
    free(a->w);
    free(a->d);
}

static le_code read_connection(ctx *c, yaml_node_t *n, uint32_t idx)
{
    yaml_node_t *v[C_N];
    char what[200];
    snprintf(what, sizeof what, "connection %u", idx + 1);
    le_code rc = read_keys(c, n, what, conn_keys, C_N, v);
    if (rc)
        return rc;
    if (!v[C_FROM] || !v[C_TO])
        return fail_at(c, n, LE_ERR_PARSE, "%s: missing '%s'", what, !v[C_FROM] ? "from" : "to");
    uint32_t sp, dp;
    if ((rc = find_pop(c, v[C_FROM], what, &sp)) || (rc = find_pop(c, v[C_TO], what, &dp)))
        return rc;
    const le_population *S = &c->net->pops[sp], *D = &c->net->pops[dp];
    snprintf(what, sizeof what, "connection %s -> %s", S->name, D->name);
    if (D->kind == LE_POP_INPUT)
        return fail_at(c, v[C_TO], LE_ERR_CONFIG, "%s: '%s' is an input population (it has no compartments)", what,
                       D->name);
    const le_limits *lim = le_limits_loihi1();
    char w[260];
    long long x = 0;

    int32_t wexp = 0;
    if (v[C_WEXP]) {
        keyname(w, sizeof w, what, "wexp");
        if ((rc = get_int(c, v[C_WEXP], w, lim->weight_exp_min, lim->weight_exp_max, &x)))
            return rc;
        wexp = (int32_t)x;
    }
    le_sign_mode sign = LE_SIGN_SPLIT;
    if (v[C_SIGN]) {
        const char *s = NULL;
        if ((rc = get_str(c, v[C_SIGN], what, &s)))
            return rc;
        if (!strcmp(s, "split"))
            sign = LE_SIGN_SPLIT;
        else if (!strcmp(s, "mixed"))
            sign = LE_SIGN_MIXED;
        else if (!strcmp(s, "excitatory"))
            sign = LE_SIGN_EXC;
        else if (!strcmp(s, "inhibitory"))
            sign = LE_SIGN_INH;
        else
            return fail_at(c, v[C_SIGN], LE_ERR_PARSE,
                           "%s: sign_mode '%s' (allowed: split, mixed, excitatory, inhibitory)", what, s);
    }
    uint8_t wbits = 8;
    if (v[C_WBITS]) {
        keyname(w, sizeof w, what, "weight_bits");
        if ((rc = get_int(c, v[C_WBITS], w, 1, 8, &x)))
            return rc;
        wbits = (uint8_t)x;
    }
    int to_aux = 0;
    if (v[C_TO_AUX]) {
        keyname(w, sizeof w, what, "to_aux");
        if ((rc = get_bool(c, v[C_TO_AUX], w, &to_aux)))
            return rc;
        if (to_aux && D->kind != LE_POP_AHP)
            return fail_at(c, v[C_TO_AUX], LE_ERR_CONFIG, "%s: to_aux needs an ahp destination ('%s' is not)", what,
                           D->name);
    }
    int n_forms = !!v[C_SYNAPSES] + !!v[C_WEIGHTS] + !!v[C_NPY];
    if (n_forms != 1)
        return fail_at(c, n, LE_ERR_PARSE, "%s: give exactly one of 'synapses', 'weights' or 'npy' (found %d)", what,
                       n_forms);
    int32_t lo, hi;
    le_sign_range(sign, &lo, &hi);
    const uint32_t ns = S->size, nd = D->size;

    /* Scalar delay, or a list checked once the synapse count is known. */
    long long delay_all = 0;
    yaml_node_t *delay_list = NULL;
    if (v[C_DELAY]) {
        keyname(w, sizeof w, what, "delay");
        if (v[C_DELAY]->type == YAML_SEQUENCE_NODE)
            delay_list = v[C_DELAY];
        else if ((rc = get_int(c, v[C_DELAY], w, 0, lim->max_delay, &delay_all)))
            return rc;
    }

    if (v[C_SYNAPSES]) {
        yaml_node_t *L = v[C_SYNAPSES];
        keyname(w, sizeof w, what, "synapses");
        if ((rc = want_type(c, L, YAML_SEQUENCE_NODE, w)))
            return rc;
        size_t n_syn = (size_t)(L->data.sequence.items.top - L->data.sequence.items.start);
        syn_arrays a = {malloc((n_syn + 1) * sizeof(uint32_t)), malloc((n_syn + 1) * sizeof(uint32_t)),
                        malloc((n_syn + 1) * sizeof(int16_t)), malloc(n_syn + 1)};
        if (!a.src || !a.dst || !a.w || !a.d) {
            syn_arrays_free(&a);
            return fail_at(c, L, LE_ERR_NOMEM, "%s: out of memory for %zu synapses", what, n_syn);
        }
        int any_delay_field = 0;
        for (size_t k = 0; k < n_syn; k++) {
            yaml_node_t *t = node(c, L->data.sequence.items.start[k]);
            char wk[300];
            snprintf(wk, sizeof wk, "%s: synapse %zu", what, k);
            rc = want_type(c, t, YAML_SEQUENCE_NODE, wk);
            size_t len = rc ? 0 : (size_t)(t->data.sequence.items.top - t->data.sequence.items.start);
            if (!rc && len != 3 && len != 4)
                rc = fail_at(c, t, LE_ERR_PARSE, "%s: expected [source, destination, weight] or [source, "
                             "destination, weight, delay], found %zu values", wk, len);
            long long e[4] = {0, 0, 0, delay_all};
            const long long elo[4] = {0, 0, lo, 0}, ehi[4] = {(long long)ns - 1, (long long)nd - 1, hi, lim->max_delay};
            static const char *const ename[4] = {"source", "destination", "weight", "delay"};
            for (size_t j = 0; !rc && j < len; j++) {
                char we[340];
                if (j == 2)
                    snprintf(we, sizeof we, "%s: weight (sign mode %s)", wk, le_sign_mode_name(sign));
                else
                    snprintf(we, sizeof we, "%s: %s", wk, ename[j]);
                rc = get_int(c, node(c, t->data.sequence.items.start[j]), we, elo[j], ehi[j], &e[j]);
            }
            if (!rc && len == 4)
                any_delay_field = 1;
            if (rc) {
                syn_arrays_free(&a);
                return rc;
            }
            a.src[k] = (uint32_t)e[0];
            a.dst[k] = (uint32_t)e[1];
            a.w[k] = (int16_t)e[2];
            a.d[k] = (uint8_t)e[3];
        }
        if (any_delay_field && v[C_DELAY]) {
            syn_arrays_free(&a);
            return fail_at(c, v[C_DELAY], LE_ERR_PARSE, "%s: delays are given both per synapse and in 'delay'", what);
        }
        le_connection cn;
        memset(&cn, 0, sizeof cn);
        cn.src_pop = sp;
        cn.dst_pop = dp;
        cn.n = (uint32_t)n_syn;
        cn.src = a.src;
        cn.dst = a.dst;
        cn.weight = a.w;
        cn.delay = a.d;
        cn.wexp = wexp;
        cn.sign = sign;
        if ((rc = le_network_add_conn(c->net, &cn, c->err)))
            return prefix_at(c, n, rc);
    } else {
        float *mat = NULL;
        le_npy arr;
        memset(&arr, 0, sizeof arr);
        if (v[C_WEIGHTS]) {
            yaml_node_t *M = v[C_WEIGHTS];
            keyname(w, sizeof w, what, "weights");
            if ((rc = want_type(c, M, YAML_SEQUENCE_NODE, w)))
                return rc;
            size_t rows = (size_t)(M->data.sequence.items.top - M->data.sequence.items.start);
            if (rows != ns)
                return fail_at(c, M, LE_ERR_PARSE, "%s: %zu rows, expected %u (one per neuron of '%s')", w, rows, ns,
                               S->name);
            mat = malloc(((size_t)ns * nd + 1) * sizeof *mat);
            if (!mat)
                return fail_at(c, M, LE_ERR_NOMEM, "%s: out of memory", w);
            for (size_t r = 0; r < rows && !rc; r++) {
                yaml_node_t *R = node(c, M->data.sequence.items.start[r]);
                char wr[300];
                snprintf(wr, sizeof wr, "%s: row %zu", w, r);
                if ((rc = want_type(c, R, YAML_SEQUENCE_NODE, wr)))
                    break;
                size_t cols = (size_t)(R->data.sequence.items.top - R->data.sequence.items.start);
                if (cols != nd) {
                    rc = fail_at(c, R, LE_ERR_PARSE, "%s: %zu columns, expected %u (one per neuron of '%s')", wr,
                                 cols, nd, D->name);
                    break;
                }
                for (size_t col = 0; col < cols && !rc; col++) {
                    char wc[512];
                    snprintf(wc, sizeof wc, "%s, column %zu (sign mode %s)", wr, col, le_sign_mode_name(sign));
                    rc = get_int(c, node(c, R->data.sequence.items.start[col]), wc, lo, hi, &x);
                    mat[r * nd + col] = (float)x;
                }
            }
            if (rc) {
                free(mat);
                return rc;
            }
        } else {
            const char *rel = NULL;
            keyname(w, sizeof w, what, "npy");
            if ((rc = get_str(c, v[C_NPY], w, &rel)))
                return rc;
            char full[4096];
            npy_path(c->path, rel, full, sizeof full);
            if ((rc = le_npy_read(full, ns, nd, &arr, c->err))) {
                le_error_prefix(c->err, "%s", w);
                return prefix_at(c, v[C_NPY], rc);
            }
            mat = arr.data;
        }
        rc = le_network_connect_dense(c->net, sp, dp, mat, wexp, sign, c->err);
        if (v[C_NPY])
            le_npy_free(&arr);
        else
            free(mat);
        if (rc)
            return prefix_at(c, v[C_WEIGHTS] ? v[C_WEIGHTS] : v[C_NPY], rc);
        le_connection *cn = &c->net->conns[c->net->n_conns - 1];
        if (delay_all || delay_list) {
            cn->delay = calloc((size_t)cn->n + 1, 1);
            if (!cn->delay)
                return fail_at(c, n, LE_ERR_NOMEM, "%s: out of memory", what);
            memset(cn->delay, (int)delay_all, cn->n);
        }
    }
    le_connection *cn = &c->net->conns[c->net->n_conns - 1];
    cn->weight_bits = wbits;
    cn->to_aux = (uint8_t)to_aux;
    if (delay_list) {
        size_t len = (size_t)(delay_list->data.sequence.items.top - delay_list->data.sequence.items.start);
        if (len != cn->n)
            return fail_at(c, delay_list, LE_ERR_PARSE,
                           "%s: delay list has %zu entries for %u synapses (non-zero weights, row by row)", what, len,
                           cn->n);
        if (!cn->delay && !(cn->delay = calloc((size_t)cn->n + 1, 1)))
            return fail_at(c, n, LE_ERR_NOMEM, "%s: out of memory", what);
        for (size_t k = 0; k < len; k++) {
            char wk[300];
            snprintf(wk, sizeof wk, "%s: delay %zu", what, k);
            if ((rc = get_int(c, node(c, delay_list->data.sequence.items.start[k]), wk, 0, lim->max_delay, &x)))
                return rc;
            cn->delay[k] = (uint8_t)x;
        }
    }
    if ((rc = le_network_check_conn(c->net, c->net->n_conns - 1, c->err)))
        return prefix_at(c, n, rc);
    return LE_OK;
}

/* ------------------------------------------------------------------ inputs */

enum { I_POP, I_NEURON, I_STEPS, I_N };
static const char *const input_keys[I_N] = {"population", "neuron", "steps"};

static le_code read_input(ctx *c, yaml_node_t *n, uint32_t idx)
{
    yaml_node_t *v[I_N];
    char what[160];
    snprintf(what, sizeof what, "input %u", idx + 1);
    le_code rc = read_keys(c, n, what, input_keys, I_N, v);
    if (rc)
        return rc;
    for (int i = 0; i < I_N; i++)
        if (!v[i])
            return fail_at(c, n, LE_ERR_PARSE, "%s: missing '%s'", what, input_keys[i]);
    uint32_t p;
    if ((rc = find_pop(c, v[I_POP], what, &p)))
        return rc;
    const le_population *P = &c->net->pops[p];
    if (P->kind != LE_POP_INPUT)
        return fail_at(c, v[I_POP], LE_ERR_CONFIG, "%s: '%s' is not an input population", what, P->name);
    char w[200];
    keyname(w, sizeof w, what, "neuron");
    long long nrn = 0, st = 0;
    if ((rc = get_int(c, v[I_NEURON], w, 0, (long long)P->size - 1, &nrn)))
        return rc;
    keyname(w, sizeof w, what, "steps");
    if (v[I_STEPS]->type == YAML_SCALAR_NODE) {
        if ((rc = get_int(c, v[I_STEPS], w, 1, UINT32_MAX - 1, &st)))
            return rc;
        if ((rc = le_network_add_input(c->net, p, (uint32_t)nrn, (uint32_t)st, c->err)))
            return prefix_at(c, v[I_STEPS], rc);
        return LE_OK;
    }
    if ((rc = want_type(c, v[I_STEPS], YAML_SEQUENCE_NODE, w)))
        return rc;
    for (yaml_node_item_t *it = v[I_STEPS]->data.sequence.items.start; it < v[I_STEPS]->data.sequence.items.top;
         it++) {
        yaml_node_t *s = node(c, *it);
        if ((rc = get_int(c, s, w, 1, UINT32_MAX - 1, &st)))
            return rc;
        if ((rc = le_network_add_input(c->net, p, (uint32_t)nrn, (uint32_t)st, c->err)))
            return prefix_at(c, s, rc);
    }
    return LE_OK;
}

/* ------------------------------------------------------------------ file */

enum { T_POPS, T_CONNS, T_INPUTS, T_N };
static const char *const top_keys[T_N] = {"populations", "connections", "inputs"};

static le_code read_list(ctx *c, yaml_node_t *L, const char *what, le_code (*fn)(ctx *, yaml_node_t *, uint32_t))
{
    le_code rc = want_type(c, L, YAML_SEQUENCE_NODE, what);
    if (rc)
        return rc;
    uint32_t i = 0;
    for (yaml_node_item_t *it = L->data.sequence.items.start; it < L->data.sequence.items.top; it++, i++)
        if ((rc = fn(c, node(c, *it), i)))
            return rc;
    return LE_OK;
}

le_code le_netfile_load(const char *path, le_network *net, le_error *err)
{
    le_network_init(net);
    FILE *f = fopen(path, "rb");
    if (!f)
        return le_fail(err, LE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: cannot start the YAML parser", path);
    }
    yaml_parser_set_input_file(&parser, f);
    ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.net = net;
    c.err = err;
    le_code rc = LE_OK;
    if (!yaml_parser_load(&parser, &c.doc)) {
        const char *problem = parser.problem ? parser.problem : "malformed YAML";
        if (parser.context)
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s (%s, line %u)", path,
                         (unsigned)parser.problem_mark.line + 1, problem, parser.context,
                         (unsigned)parser.context_mark.line + 1);
        else
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: YAML syntax error: %s", path,
                         (unsigned)parser.problem_mark.line + 1, problem);
        yaml_parser_delete(&parser);
        fclose(f);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    yaml_node_t *v[T_N];
    if (!root)
        rc = le_fail(err, LE_ERR_PARSE, "%s: empty file (expected 'populations:')", path);
    else if (!(rc = read_keys(&c, root, "network file", top_keys, T_N, v))) {
        if (!v[T_POPS])
            rc = fail_at(&c, root, LE_ERR_PARSE, "network file: missing 'populations'");
        if (!rc)
            rc = read_list(&c, v[T_POPS], "populations", read_population);
        if (!rc && v[T_CONNS])
            rc = read_list(&c, v[T_CONNS], "connections", read_connection);
        if (!rc && v[T_INPUTS])
            rc = read_list(&c, v[T_INPUTS], "inputs", read_input);
        if (!rc && (rc = le_network_validate(net, err)))
            le_error_prefix(err, "%s", path);
    }
    yaml_document_delete(&c.doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
