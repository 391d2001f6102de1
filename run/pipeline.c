#include <stdlib.h>

#include "cost/costmodel.h"

le_code le_costmodel_attach_sim(le_costmodel *cm, le_sim *sim, le_error *err)
{
    uint32_t n = le_sim_n_cores(sim);
    uint32_t *gids = malloc(((size_t)n + 1) * sizeof *gids);
    if (!gids)
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u core ids", n);
    for (uint32_t i = 0; i < n; i++)
        gids[i] = le_sim_core(sim, i)->gid;
    le_code rc = le_costmodel_set_cores_used(cm, gids, n, err);
    free(gids);
    if (rc)
        return rc;
    le_cost_sink sink = le_costmodel_sink(cm);
    le_sim_set_cost_sink(sim, &sink);
    return LE_OK;
}
