#include "place/hints.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml.h"

enum { K_POPS, K_CHIP, K_SYN, K_NPC, K_OWN, K_SOURCE, K_CAL, K_ASSUMED, K_N };
static const char *const rule_keys[K_N] = {"populations", "chip",   "synapses_per_core", "neurons_per_core",
                                           "own_cores",   "source", "calibrated",        "assumed"};

static le_code read_rule(le_cfg *c, int node, uint32_t i, le_hint_rule *r, le_error *err)
{
    char what[48];
    snprintf(what, sizeof what, "rules[%u]", i);
    int v[K_N];
    le_code rc = le_cfg_keys(c, node, what, rule_keys, K_N, v, err);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    r->line = le_cfg_line(c, node);
    r->chip = -1;
    r->own_cores = -1;
    if (!v[K_POPS])
        return le_cfg_fail(c, node, err, LE_ERR_CONFIG, "%s: missing 'populations' (a pattern of names)", what);
    const char *s;
    if ((rc = le_cfg_str(c, v[K_POPS], what, &s, err)))
        return rc;
    if (strlen(s) >= sizeof r->pattern)
        return le_cfg_fail(c, v[K_POPS], err, LE_ERR_CONFIG, "%s: pattern longer than %zu characters", what,
                           sizeof r->pattern - 1);
    strcpy(r->pattern, s);
    long long x;
    if (v[K_CHIP]) {
        if ((rc = le_cfg_int(c, v[K_CHIP], "chip", 0, 1 << 20, &x, err)))
            return rc;
        r->chip = (int32_t)x;
    }
    if (v[K_SYN]) {
        if ((rc = le_cfg_int(c, v[K_SYN], "synapses_per_core", 1, 1LL << 40, &x, err)))
            return rc;
        r->synapses_per_core = (uint64_t)x;
    }
    if (v[K_NPC]) {
        if ((rc = le_cfg_int(c, v[K_NPC], "neurons_per_core", 1, 1 << 20, &x, err)))
            return rc;
        r->neurons_per_core = (uint32_t)x;
    }
    if (v[K_OWN] && (rc = le_cfg_bool(c, v[K_OWN], "own_cores", &r->own_cores, err)))
        return rc;
    int prov = v[K_SOURCE] ? v[K_SOURCE] : v[K_CAL] ? v[K_CAL] : v[K_ASSUMED];
    if ((r->synapses_per_core || r->neurons_per_core) && !prov)
        return le_cfg_fail(c, node, err, LE_ERR_CONFIG,
                           "%s: a cap needs its provenance (source:, calibrated: or assumed:)", what);
    if (prov) {
        if ((rc = le_cfg_str(c, prov, "source", &s, err)))
            return rc;
        snprintf(r->source, sizeof r->source, "%s", s);
    }
    return LE_OK;
}

le_code le_hints_load(const char *path, le_hints *h, le_error *err)
{
    memset(h, 0, sizeof *h);
    snprintf(h->path, sizeof h->path, "%s", path);
    le_cfg c;
    le_code rc = le_cfg_load_expecting(&c, path, "rules", err);
    if (rc)
        return rc;
    static const char *const top[] = {"rules", "description"};
    int v[2];
    int root = le_cfg_root(&c);
    rc = le_cfg_keys(&c, root, "placement file", top, 2, v, err);
    if (!rc && !v[0])
        rc = le_cfg_fail(&c, root, err, LE_ERR_CONFIG, "missing 'rules'");
    if (!rc)
        rc = le_cfg_want(&c, v[0], LE_CFG_SEQ, "rules", err);
    uint32_t n = rc ? 0 : (uint32_t)le_cfg_seq_len(&c, v[0]);
    if (!rc && !(h->rules = calloc(n + 1, sizeof *h->rules)))
        rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", path);
    for (uint32_t i = 0; i < n && !rc; i++) {
        rc = read_rule(&c, le_cfg_seq_item(&c, v[0], (int)i), i, &h->rules[i], err);
        h->n_rules += rc == LE_OK;
    }
    le_cfg_free(&c);
    if (rc)
        le_hints_free(h);
    return rc;
}

void le_hints_free(le_hints *h)
{
    free(h->rules);
    h->rules = NULL;
    h->n_rules = 0;
}

le_code le_hints_apply(const le_hints *h, le_network *net, const le_board_geom *geom, le_place_cap *caps,
                       uint32_t *n_caps, le_error *err)
{
    *n_caps = 0;
    for (uint32_t i = 0; i < h->n_rules; i++) {
        const le_hint_rule *r = &h->rules[i];
        if (r->chip >= 0 && (uint32_t)r->chip >= geom->n_chips)
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: rule '%s': chip %d is not on board '%s' (chips 0..%u)", h->path,
                           r->line, r->pattern, r->chip, geom->name, geom->n_chips - 1);
        int any = 0;
        for (uint32_t p = 0; p < net->n_pops && !any; p++)
            any = fnmatch(r->pattern, net->pops[p].name, 0) == 0;
        if (!any)
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: rule '%s' matches no population of the network", h->path,
                           r->line, r->pattern);
    }
    for (uint32_t p = 0; p < net->n_pops; p++) {
        le_population *pop = &net->pops[p];
        int chip_set = 0, npc_set = 0, own_set = 0, cap_set = 0;
        for (uint32_t i = 0; i < h->n_rules; i++) {
            const le_hint_rule *r = &h->rules[i];
            if (fnmatch(r->pattern, pop->name, 0) != 0)
                continue;
            if (!chip_set && r->chip >= 0) {
                chip_set = 1;
                if (pop->kind != LE_POP_INPUT)
                    pop->chip = r->chip;
            }
            if (!npc_set && r->neurons_per_core) {
                npc_set = 1;
                pop->per_core = r->neurons_per_core;
            }
            if (!own_set && r->own_cores >= 0) {
                own_set = 1;
                pop->own_cores = (uint8_t)r->own_cores;
            }
            if (!cap_set && r->synapses_per_core && pop->kind != LE_POP_INPUT) {
                cap_set = 1;
                le_place_cap *c = &caps[(*n_caps)++];
                memcpy(c->pop, pop->name, sizeof c->pop);
                c->synapses_per_core = r->synapses_per_core;
            }
        }
    }
    return LE_OK;
}

le_code le_hints_apply_all(const le_hints *const *h, uint32_t n_h, le_network *net, const le_board_geom *geom,
                           le_place_cap *caps, uint32_t *n_caps, le_error *err)
{
    *n_caps = 0;
    le_place_cap *more = calloc((size_t)net->n_pops + 1, sizeof *more);
    if (!more)
        return le_fail(err, LE_ERR_NOMEM, "placement hints: out of memory");
    le_code rc = LE_OK;
    for (uint32_t f = 0; f < n_h && !rc; f++) {
        if (!h[f])
            continue;
        uint32_t n_more = 0;
        if ((rc = le_hints_apply(h[f], net, geom, more, &n_more, err)))
            break;
        for (uint32_t i = 0; i < n_more; i++) {
            uint32_t k = 0;
            while (k < *n_caps && strcmp(caps[k].pop, more[i].pop))
                k++;
            if (k == *n_caps)
                (*n_caps)++;
            caps[k] = more[i];
        }
    }
    free(more);
    return rc;
}

void le_hints_from_layout(const le_network *layout, const le_placement *pl, le_network *net)
{
    for (uint32_t p = 0; p < layout->n_pops; p++) {
        if (layout->pops[p].kind == LE_POP_INPUT)
            continue;
        int q = le_network_find_pop(net, layout->pops[p].name);
        if (q < 0)
            continue;
        uint32_t best = 0, run = 0, cur = LE_NO_CORE;
        for (uint32_t k = 0; k < layout->pops[p].size; k++) {
            uint32_t core = pl->core[le_place_gid(pl, p, k)];
            run = core == cur ? run + 1 : 1;
            cur = core;
            if (run > best)
                best = run;
        }
        net->pops[q].per_core = best;
        net->pops[q].first_core = (int32_t)pl->core[le_place_gid(pl, p, 0)];
    }
}
