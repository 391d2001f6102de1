#include "models/relnet/strategy.h"

#include <string.h>

#define OPT_CHIPS 22u
#define G_PER_CHIP 21u /* instances whose layers 2-4 share a chip: 21 x 6 cores = 126 */

int le_relnet_strategy_parse(const char *name)
{
    if (!strcmp(name, "optimised") || !strcmp(name, "optimized"))
        return LE_RN_OPTIMISED;
    if (!strcmp(name, "naive"))
        return LE_RN_NAIVE;
    return -1;
}

const char *le_relnet_strategy_name(le_relnet_strategy s) { return s == LE_RN_NAIVE ? "naive" : "optimised"; }

le_relnet_relay_plan le_relnet_strategy_relays(le_relnet_strategy s)
{
    return s == LE_RN_NAIVE ? LE_RN_RELAYS_PER_SOURCE : LE_RN_RELAYS_PER_BLOCK;
}

int le_relnet_strategy_mask(le_relnet_strategy s) { return s != LE_RN_NAIVE; }

le_code le_relnet_strategy_apply(le_relnet_strategy s, const le_relnet_pops *p, le_network *net, uint32_t n_chips,
                                 le_error *err)
{
    if (s == LE_RN_NAIVE)
        return LE_OK;
    if (n_chips < OPT_CHIPS)
        return le_fail(err, LE_ERR_CONFIG, "RelNet optimised placement: needs %u chips, the board has %u", OPT_CHIPS,
                       n_chips);
    for (uint32_t k = 0; k <= LE_RN_QUESTION; k++) {
        if (k < LE_RN_QUESTION && k >= p->M)
            continue;
        net->pops[p->lsnn_reg[k]].chip = 0;
        net->pops[p->lsnn_ada[k]].chip = 0;
    }
    for (uint32_t r = 0; r < p->n_relays; r++)
        net->pops[p->relay[r].pop].chip = (int32_t)(1 + p->relay[r].block);
    for (uint32_t b = 0; p->has_mask && b < LE_RN_BLOCKS; b++)
        net->pops[p->mask_relay[b]].chip = (int32_t)(1 + b);
    /* Layers 2-4: the instances of the full layout in block order, 21 per chip; an instance
     * keeps its chip whatever M is, as the compiled layout does. */
    uint32_t rank_of[LE_RN_LAYOUT][LE_RN_LAYOUT];
    uint32_t rank = 0;
    for (uint32_t b = 0; b < LE_RN_BLOCKS; b++)
        for (uint32_t i = 0; i < LE_RN_LAYOUT; i++)
            for (uint32_t j = i; j < LE_RN_LAYOUT; j++)
                if (le_relnet_block_of(i, j) == b)
                    rank_of[i][j] = rank++;
    for (uint32_t x = 0; x < p->n_inst; x++) {
        net->pops[p->g[x][0]].chip = (int32_t)(1 + p->inst_block[x]);
        uint32_t chip = 1 + LE_RN_BLOCKS + rank_of[p->inst_i[x]][p->inst_j[x]] / G_PER_CHIP;
        for (uint32_t l = 1; l < 4; l++)
            net->pops[p->g[x][l]].chip = (int32_t)chip;
    }
    /* After the last layer-2..4 chip: 2 cores there, then chip 21 (spec §3.2). */
    net->pops[p->agg].chip = (int32_t)(LE_RN_BLOCKS + LE_RN_BLOCKS);
    return LE_OK;
}
