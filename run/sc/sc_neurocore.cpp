// NeuroCore: one neuro-core's busy time and energy, read from the C cost model.
#include "run/sc/sc_modules.h"

namespace le_sc {

sc_core::sc_time ps(int64_t t) { return sc_core::sc_time((double)t, sc_core::SC_PS); }

NeuroCore::NeuroCore(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t gid)
    : sc_module(name), cm_(cm), gid_(gid)
{
}

bool NeuroCore::in_use() const { return le_costmodel_core_in_use(cm_, gid_) != 0; }
sc_core::sc_time NeuroCore::busy_time() const { return ps(le_costmodel_core_busy_ps(cm_, gid_)); }
double NeuroCore::energy_j() const { return le_costmodel_core_energy_pj(cm_, gid_) * 1e-12; }

} // namespace le_sc
