// Board: its chips and the barrier. Boards of up to 32 chips are elaborated in full; on larger
// ones only the chips in use (le_costmodel_set_cores_used) get their parts, which keeps a
// Pohoiki Springs elaboration to what the network occupies.
#include <string>

#include "run/sc/sc_modules.h"

namespace le_sc {

Board::Board(sc_core::sc_module_name name, const le_costmodel *cm) : sc_module(name)
{
    const le_board_geom *g = le_costmodel_geom(cm);
    const le_ledger *L = le_costmodel_ledger(cm);
    for (uint32_t c = 0; c < g->n_chips; c++) {
        bool detailed = g->n_chips <= 32 || L->chip[c].in_use;
        chips_.emplace_back(new Chip(("chip" + std::to_string(c)).c_str(), cm, c, detailed));
    }
    barrier_.reset(new Barrier("barrier", cm));
}

} // namespace le_sc
