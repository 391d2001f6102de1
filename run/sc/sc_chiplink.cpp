// ChipLink: a chip's port on one edge, the serialised link to its neighbour chip (or, across
// a sub-board edge, to the next board).
#include "run/sc/sc_modules.h"

namespace le_sc {

ChipLink::ChipLink(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, int dir) : sc_module(name)
{
    link_.reset(new Link("link", cm, le_link_port(le_costmodel_topo(cm), chip, dir)));
}

bool ChipLink::inter_board() const { return link_->link_class() == LE_LC_BOARD; }

} // namespace le_sc
