// Router and Link: a tile's router with its mesh output links and local links into its cores.
// Their traffic is counted by the C network (noc/noc.c); these modules name and expose it.
#include <string>

#include "run/sc/sc_modules.h"

namespace le_sc {

Link::Link(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t link)
    : sc_module(name), cm_(cm), link_(link)
{
}

int Link::link_class() const { return le_link_class(le_costmodel_topo(cm_), link_); }
uint64_t Link::packets() const { return le_noc_link_packets(le_costmodel_noc(cm_), link_); }

sc_core::sc_time Link::busy_time() const
{
    return ps((int64_t)packets() * le_costmodel_topo(cm_)->cls[link_class()].ser_ps);
}

double Link::energy_j() const { return (double)packets() * le_costmodel_topo(cm_)->cls[link_class()].e_pj * 1e-12; }

Router::Router(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, uint32_t tx, uint32_t ty)
    : sc_module(name)
{
    static const char *dn[4] = {"E", "W", "N", "S"};
    const le_topo *t = le_costmodel_topo(cm);
    for (int d = 0; d < 4; d++)
        mesh_.emplace_back(new Link(dn[d], cm, le_link_mesh(t, chip, tx, ty, d)));
    uint32_t first = (ty * t->g.tiles_x + tx) * t->g.cores_per_tile;
    for (uint32_t k = 0; k < t->g.cores_per_tile; k++)
        local_.emplace_back(new Link(("local" + std::to_string(k)).c_str(), cm, le_link_local(t, chip, first + k)));
}

uint64_t Router::packets() const
{
    uint64_t n = 0;
    for (auto &l : mesh_)
        n += l->packets();
    for (auto &l : local_)
        n += l->packets();
    return n;
}

} // namespace le_sc
