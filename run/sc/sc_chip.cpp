// Chip: neuro-cores, routers with their links, the x86 cores and the four edge ports.
#include <string>

#include "run/sc/sc_modules.h"

namespace le_sc {

Chip::Chip(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, bool detailed)
    : sc_module(name), cm_(cm), chip_(chip)
{
    if (!detailed)
        return;
    static const char *dn[4] = {"port_E", "port_W", "port_N", "port_S"};
    const le_topo *t = le_costmodel_topo(cm);
    for (uint32_t k = 0; k < t->g.cores_per_chip; k++)
        cores_.emplace_back(new NeuroCore(("core" + std::to_string(k)).c_str(), cm, chip * t->g.cores_per_chip + k));
    for (uint32_t ty = 0; ty < t->g.tiles_y; ty++)
        for (uint32_t tx = 0; tx < t->g.tiles_x; tx++)
            routers_.emplace_back(
                new Router(("router_" + std::to_string(tx) + "_" + std::to_string(ty)).c_str(), cm, chip, tx, ty));
    x86_.reset(new X86Core("x86", cm, chip));
    for (int d = 0; d < 4; d++)
        ports_.emplace_back(new ChipLink(dn[d], cm, chip, d));
}

Router &Chip::router(uint32_t tx, uint32_t ty) { return *routers_[ty * le_costmodel_topo(cm_)->g.tiles_x + tx]; }

} // namespace le_sc
