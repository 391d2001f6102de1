// X86Core: the management cores of one chip (snips, injection, host I/O) as the ledger sees them.
#include "run/sc/sc_modules.h"

namespace le_sc {

X86Core::X86Core(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip)
    : sc_module(name), cm_(cm), chip_(chip)
{
}

sc_core::sc_time X86Core::busy_time() const { return ps(le_costmodel_ledger(cm_)->chip[chip_].x86_busy_ps); }
double X86Core::energy_j() const { return le_costmodel_ledger(cm_)->chip[chip_].x86_dyn_pj * 1e-12; }

} // namespace le_sc
