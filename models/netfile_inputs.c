/* Network files: one element of 'inputs' (docs/network-file.md), the spikes an x86 core
 * injects into one neuron of an input population. */
#include <stdint.h>
#include <stdio.h>

#include "models/netfile_parts.h"

enum { I_POP, I_NEURON, I_STEPS, I_N };
static const char *const input_keys[I_N] = {"population", "neuron", "steps"};

static le_code add_spike(le_netfile_ctx *c, int node, const char *what, uint32_t pop, uint32_t neuron)
{
    long long step = 0;
    le_code rc = le_cfg_int(c->cfg, node, what, 1, UINT32_MAX - 1, &step, c->err);
    if (rc)
        return rc;
    if ((rc = le_network_add_input(c->net, pop, neuron, (uint32_t)step, c->err)))
        return le_cfg_prefix(c->cfg, node, c->err, rc);
    return LE_OK;
}

le_code le_netfile_input(le_netfile_ctx *c, int n, uint32_t idx)
{
    le_cfg *cfg = c->cfg;
    int v[I_N];
    char what[160];
    snprintf(what, sizeof what, "input %u", idx + 1);
    le_code rc = le_cfg_keys(cfg, n, what, input_keys, I_N, v, c->err);
    if (rc)
        return rc;
    for (int i = 0; i < I_N; i++)
        if (!v[i])
            return le_cfg_fail(cfg, n, c->err, LE_ERR_PARSE, "%s: missing '%s'", what, input_keys[i]);
    uint32_t p;
    if ((rc = le_netfile_find_pop(c, v[I_POP], what, &p)))
        return rc;
    const le_population *P = &c->net->pops[p];
    if (P->kind != LE_POP_INPUT)
        return le_cfg_fail(cfg, v[I_POP], c->err, LE_ERR_CONFIG, "%s: '%s' is not an input population", what,
                           P->name);
    char w[200];
    long long nrn = 0;
    if ((rc = le_cfg_int(cfg, v[I_NEURON], le_netfile_label(w, sizeof w, what, "neuron"), 0, (long long)P->size - 1,
                         &nrn, c->err)))
        return rc;
    le_netfile_label(w, sizeof w, what, "steps");
    if (le_cfg_kind_of(cfg, v[I_STEPS]) == LE_CFG_SCALAR)
        return add_spike(c, v[I_STEPS], w, p, (uint32_t)nrn);
    if ((rc = le_cfg_want(cfg, v[I_STEPS], LE_CFG_SEQ, w, c->err)))
        return rc;
    /* The list came as flat values (models/netfile_lists.c). */
    const le_netfile_list *L = &c->lists[LE_NL_STEPS];
    for (size_t j = 0; j < L->n; j++) {
        int bad = L->bad && L->bad_item == j;
        long long step = bad ? 0 : L->v32[j];
        if (bad || step < 1 || step > (long long)UINT32_MAX - 1) {
            if ((rc = le_netfile_list_value(c, L, j, 0, w, step, 1, (long long)UINT32_MAX - 1)))
                return rc;
        }
        if ((rc = le_network_add_input(c->net, p, (uint32_t)nrn, (uint32_t)step, c->err))) {
            le_error_prefix(c->err, "%s:%d", cfg->path, (int)L->item_line[j]);
            return rc;
        }
    }
    return LE_OK;
}
