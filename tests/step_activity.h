// Shared by the unit and SystemC tests: a step activity that points into vectors the caller
// keeps alive for as long as the activity is used.
#ifndef LE_TESTS_STEP_ACTIVITY_H
#define LE_TESTS_STEP_ACTIVITY_H

#include <cstdint>
#include <vector>

#include "core/activity.h"

inline le_step_activity le_test_activity(std::vector<le_core_activity> &cores, std::vector<le_packet> &pk,
                                         std::vector<le_packet> &inj, std::vector<le_x86_activity> &x86,
                                         uint32_t step = 0)
{
    le_step_activity a{};
    a.step = step;
    a.cores = cores.data();
    a.n_cores = (uint32_t)cores.size();
    a.packets = pk.data();
    a.n_packets = (uint32_t)pk.size();
    a.injected = inj.data();
    a.n_injected = (uint32_t)inj.size();
    a.x86 = x86.data();
    a.n_x86 = (uint32_t)x86.size();
    return a;
}

#endif
