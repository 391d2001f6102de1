// Barrier: the end-of-step synchroniser, and the single SystemC process of the model. Each
// posted step is played as four timed phases (x86 injection, cores and network, barrier,
// x86 management) whose durations the C cost model computed, so that sc_time_stamp() after
// a step equals the emulated time.
#include "run/sc/sc_modules.h"

namespace le_sc {

Barrier::Barrier(sc_core::sc_module_name name, const le_costmodel *cm) : sc_module(name), cm_(cm)
{
    SC_THREAD(engine);
}

sc_core::sc_time Barrier::latency(uint32_t chips) const { return ps(le_arch_barrier_ps(le_costmodel_arch(cm_), chips)); }

void Barrier::post(const le_step_cost &c)
{
    queue_.push_back(c);
    posted_.notify(sc_core::SC_ZERO_TIME);
}

void Barrier::engine()
{
    for (;;) {
        while (queue_.empty())
            wait(posted_);
        le_step_cost c = queue_.front();
        queue_.pop_front();
        wait(ps(c.inject_ps));
        inject_done.notify(sc_core::SC_ZERO_TIME);
        wait(ps(c.cores_net_ps));
        cores_done.notify(sc_core::SC_ZERO_TIME);
        wait(ps(c.barrier_ps));
        barrier_done.notify(sc_core::SC_ZERO_TIME);
        wait(ps(c.mgmt_ps));
        steps_++;
        step_done.notify(sc_core::SC_ZERO_TIME);
    }
}

} // namespace le_sc
