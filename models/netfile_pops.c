/* Network files: one element of 'populations' (docs/network-file.md). Keys that do not
 * apply to the population's kind are errors rather than silently ignored. */
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "models/netfile_parts.h"

enum {
    P_NAME, P_KIND, P_SIZE, P_DECAY_U, P_DECAY_V, P_BIAS_MANT, P_BIAS_EXP, P_VTH_MANT, P_REFRACT, P_VMIN_EXP,
    P_VMAX_EXP, P_AUX, P_AHP_WEIGHT, P_AHP_WEXP, P_PLACEMENT, P_TRACE, P_N
};
static const char *const pop_keys[P_N] = {"name",     "kind",     "size",     "decay_u",    "decay_v",
                                          "bias_mant", "bias_exp", "vth_mant", "refract",    "vmin_exp",
                                          "vmax_exp",  "aux",      "ahp_weight", "ahp_wexp", "placement",
                                          "trace"};
#define PROFILE_FIRST P_DECAY_U
static const char *const profile_keys[] = {"decay_u",  "decay_v", "bias_mant", "bias_exp",
                                           "vth_mant", "refract", "vmin_exp",  "vmax_exp"};
enum { N_PROFILE_KEYS = 8 };
enum { PL_FIRST_CORE, PL_PER_CORE, PL_CHIP, PL_N };
static const char *const placement_keys[PL_N] = {"first_core", "per_core", "chip"};
/* In le_pop_kind order. */
static const char *const kind_names[] = {"input", "lif", "ahp"};

/* Fills the profile fields given in vals[0..7] (profile_keys order). Ranges are checked
 * afterwards by le_profile_check with the field's name; here only the C types. */
static le_code read_profile(le_netfile_ctx *c, const int *vals, const char *what, le_profile *pr)
{
    int32_t *field[N_PROFILE_KEYS] = {&pr->decay_u,  &pr->decay_v, &pr->bias_mant, &pr->bias_exp,
                                      &pr->vth_mant, &pr->refract, &pr->vmin_exp,  &pr->vmax_exp};
    for (int i = 0; i < N_PROFILE_KEYS; i++) {
        if (!vals[i])
            continue;
        char w[160];
        snprintf(w, sizeof w, "%s: %s", what, profile_keys[i]);
        long long v = 0;
        le_code rc = le_cfg_int(c->cfg, vals[i], w, INT32_MIN, INT32_MAX, &v, c->err);
        if (rc)
            return rc;
        *field[i] = (int32_t)v;
    }
    return LE_OK;
}

/* The profile's range check, at the line of the field its message names when the file
 * gives that field, else at the block. */
static le_code check_profile(le_netfile_ctx *c, const int *vals, int block, const char *what, const le_profile *pr)
{
    le_error tmp;
    if (le_profile_check(pr, &tmp) == LE_OK)
        return LE_OK;
    int at = block;
    for (int i = 0; i < N_PROFILE_KEYS; i++)
        if (vals[i] && strstr(tmp.msg, profile_keys[i])) {
            at = vals[i];
            break;
        }
    return le_cfg_fail(c->cfg, at, c->err, tmp.code, "%s: %s", what, tmp.msg);
}

static le_code read_placement(le_netfile_ctx *c, int node, const char *what, le_population *pop)
{
    le_cfg *cfg = c->cfg;
    int pv[PL_N];
    char wp[160], w[200];
    le_netfile_label(wp, sizeof wp, what, "placement");
    le_code rc = le_cfg_keys(cfg, node, wp, placement_keys, PL_N, pv, c->err);
    if (rc)
        return rc;
    long long x = 0;
    if (pop->kind == LE_POP_INPUT && (pv[PL_FIRST_CORE] || pv[PL_PER_CORE]))
        return le_cfg_fail(cfg, pv[PL_FIRST_CORE] ? pv[PL_FIRST_CORE] : pv[PL_PER_CORE], c->err, LE_ERR_PARSE,
                           "%s: input populations have no cores (only 'chip' applies)", wp);
    if (pop->kind != LE_POP_INPUT && pv[PL_CHIP])
        return le_cfg_fail(cfg, pv[PL_CHIP], c->err, LE_ERR_PARSE,
                           "%s: 'chip' applies to input populations only (use first_core)", wp);
    if (pv[PL_FIRST_CORE]) {
        le_netfile_label(w, sizeof w, wp, "first_core");
        if ((rc = le_cfg_int(cfg, pv[PL_FIRST_CORE], w, -1, INT32_MAX, &x, c->err)))
            return rc;
        pop->first_core = (int32_t)x;
    }
    if (pv[PL_PER_CORE]) {
        le_netfile_label(w, sizeof w, wp, "per_core");
        uint32_t mx = le_limits_loihi1()->cx_per_core / le_pop_cx_per_neuron(pop);
        if ((rc = le_cfg_int(cfg, pv[PL_PER_CORE], w, 0, mx, &x, c->err)))
            return rc;
        pop->per_core = (uint32_t)x;
    }
    if (pv[PL_CHIP]) {
        le_netfile_label(w, sizeof w, wp, "chip");
        if ((rc = le_cfg_int(cfg, pv[PL_CHIP], w, -1, INT32_MAX, &x, c->err)))
            return rc;
        pop->chip = (int32_t)x;
    }
    return LE_OK;
}

/* The AHP parts: the auxiliary compartment's profile and the self-synapse. */
static le_code read_ahp(le_netfile_ctx *c, const int *v, int node, const char *what, le_population *pop)
{
    le_cfg *cfg = c->cfg;
    le_code rc;
    char w[160];
    if (v[P_AUX]) {
        int av[N_PROFILE_KEYS];
        char wa[160];
        le_netfile_label(wa, sizeof wa, what, "aux");
        if ((rc = le_cfg_keys(cfg, v[P_AUX], wa, profile_keys, N_PROFILE_KEYS, av, c->err)) ||
            (rc = read_profile(c, av, wa, &pop->aux)) || (rc = check_profile(c, av, v[P_AUX], wa, &pop->aux)))
            return rc;
    }
    long long x = 0;
    if (!v[P_AHP_WEIGHT])
        return le_cfg_fail(cfg, node, c->err, LE_ERR_PARSE,
                           "%s: missing 'ahp_weight' (the AHP self-synapse mantissa, -beta)", what);
    le_netfile_label(w, sizeof w, what, "ahp_weight");
    if ((rc = le_cfg_int(cfg, v[P_AHP_WEIGHT], w, -256, 255, &x, c->err)))
        return rc;
    pop->ahp_weight = (int32_t)x;
    if (v[P_AHP_WEXP]) {
        const le_limits *lim = le_limits_loihi1();
        le_netfile_label(w, sizeof w, what, "ahp_wexp");
        if ((rc = le_cfg_int(cfg, v[P_AHP_WEXP], w, lim->weight_exp_min, lim->weight_exp_max, &x, c->err)))
            return rc;
        pop->ahp_wexp = (int32_t)x;
    }
    return LE_OK;
}

le_code le_netfile_population(le_netfile_ctx *c, int n, uint32_t idx)
{
    le_cfg *cfg = c->cfg;
    int v[P_N];
    char what[128];
    /* The name labels messages about the other keys, even before the keys are checked. */
    const char *early = le_cfg_peek(cfg, n, "name");
    if (early && strlen(early) < LE_NAME_MAX)
        snprintf(what, sizeof what, "population '%s'", early);
    else
        snprintf(what, sizeof what, "population %u", idx + 1);
    le_code rc = le_cfg_keys(cfg, n, what, pop_keys, P_N, v, c->err);
    if (rc)
        return rc;
    const char *name = NULL;
    if (!v[P_NAME])
        return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE, "%s: missing 'name'", what);
    if ((rc = le_cfg_str(cfg, v[P_NAME], "population name", &name, c->err)))
        return rc;
    if (strlen(name) >= LE_NAME_MAX)
        return le_cfg_fail(cfg, v[P_NAME], c->err, LE_ERR_PARSE, "population name '%s' is longer than %d characters",
                           name, LE_NAME_MAX - 1);
    if (le_network_find_pop(c->net, name) >= 0)
        return le_cfg_fail(cfg, v[P_NAME], c->err, LE_ERR_CONFIG, "population '%s' is defined twice", name);
    snprintf(what, sizeof what, "population '%s'", name);

    int kind = LE_POP_LIF;
    if (v[P_KIND] && (rc = le_cfg_choice(cfg, v[P_KIND], what, "kind", kind_names, 3, &kind, c->err)))
        return rc;
    if (!v[P_SIZE])
        return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE, "%s: missing 'size'", what);
    char w[160];
    long long size = 0;
    if ((rc = le_cfg_int(cfg, v[P_SIZE], le_netfile_label(w, sizeof w, what, "size"), 1, UINT32_MAX / 2, &size,
                         c->err)))
        return rc;

    le_population pop = le_population_default(name, (le_pop_kind)kind, (uint32_t)size);
    for (int i = PROFILE_FIRST; i <= P_AHP_WEXP; i++) {
        if (!v[i])
            continue;
        if (kind == LE_POP_INPUT)
            return le_cfg_fail(cfg, v[i], c->err, LE_ERR_PARSE, "%s: '%s' does not apply to an input population",
                               what, pop_keys[i]);
        if (kind == LE_POP_LIF && i >= P_AUX)
            return le_cfg_fail(cfg, v[i], c->err, LE_ERR_PARSE, "%s: '%s' applies to ahp populations only", what,
                               pop_keys[i]);
    }
    if (kind != LE_POP_INPUT && ((rc = read_profile(c, v + PROFILE_FIRST, what, &pop.main)) ||
                                 (rc = check_profile(c, v + PROFILE_FIRST, n, what, &pop.main))))
        return rc;
    if (kind == LE_POP_AHP && (rc = read_ahp(c, v, n, what, &pop)))
        return rc;
    if (v[P_PLACEMENT] && (rc = read_placement(c, v[P_PLACEMENT], what, &pop)))
        return rc;
    if (v[P_TRACE]) {
        if ((rc = le_cfg_bool(cfg, v[P_TRACE], le_netfile_label(w, sizeof w, what, "trace"), &pop.traced, c->err)))
            return rc;
        if (pop.traced && kind == LE_POP_INPUT)
            return le_cfg_fail(cfg, v[P_TRACE], c->err, LE_ERR_PARSE,
                               "%s: input populations have no compartments to trace", what);
    }
    uint32_t pi;
    if ((rc = le_network_add_pop(c->net, &pop, &pi, c->err)) || (rc = le_network_check_pop(c->net, pi, c->err)))
        return le_cfg_prefix(cfg, n, c->err, rc);
    return LE_OK;
}
