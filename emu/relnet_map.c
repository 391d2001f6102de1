#include "emu/relnet_map.h"

#include <stdlib.h>
#include <string.h>

le_code le_relnet_layout_place(const le_relnet_weights *w, le_relnet_strategy s, const le_hints *mapping,
                               const le_hints *file, const le_board_geom *geom, const le_limits *lim,
                               le_relnet_layout *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    out->strategy = s;
    le_network_init(&out->net);
    le_relnet_pops *lp = malloc(sizeof *lp);
    le_place_cap *caps = NULL;
    le_relnet_options ro = le_relnet_options_default(LE_RN_LAYOUT);
    ro.relays = le_relnet_strategy_relays(s);
    ro.mask = le_relnet_strategy_mask(s);
    le_code rc = lp ? le_relnet_build(w, &ro, &out->net, lp, err) : le_fail(err, LE_ERR_NOMEM, "RelNet: out of memory");
    if (!rc && !file)
        rc = le_relnet_strategy_apply(s, lp, &out->net, geom->n_chips, err);
    if (!rc && !(caps = calloc((size_t)out->net.n_pops + 1, sizeof *caps)))
        rc = le_fail(err, LE_ERR_NOMEM, "RelNet: out of memory");
    /* The mapping parameters first, then the user's file: what the file sets wins over the
     * defaults it refines. */
    uint32_t n_caps = 0;
    const le_hints *order[2] = {mapping, file};
    if (!rc)
        rc = le_hints_apply_all(order, 2, &out->net, geom, caps, &n_caps, err);
    if (!rc) {
        le_place_opts po = {caps, n_caps, 0};
        rc = le_place_with(&out->net, geom, lim, &po, &out->pl, err);
        if (rc)
            le_error_prefix(err, "RelNet mapping (20-sentence layout, %s)", le_relnet_strategy_name(s));
        else
            out->placed = 1;
    }
    if (!rc) {
        /* the story sizes need only its populations and their cores */
        le_network_drop_conns(&out->net);
    }
    free(lp);
    free(caps);
    if (rc)
        le_relnet_layout_free(out);
    return rc;
}

void le_relnet_layout_free(le_relnet_layout *l)
{
    if (l->placed)
        le_placement_free(&l->pl);
    le_network_free(&l->net);
    memset(l, 0, sizeof *l);
}

le_code le_relnet_instantiate(const le_relnet_weights *w, const le_relnet_layout *l, uint32_t M, le_network *net,
                              le_relnet_pops *pops, le_error *err)
{
    le_relnet_options ro = le_relnet_options_default(M);
    ro.relays = le_relnet_strategy_relays(l->strategy);
    ro.mask = le_relnet_strategy_mask(l->strategy);
    le_code rc = le_relnet_build(w, &ro, net, pops, err);
    if (!rc)
        le_hints_from_layout(&l->net, &l->pl, net);
    return rc;
}
