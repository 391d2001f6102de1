#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/neurocore.h"

namespace {

// A one-compartment core fed by one axon with one synapse of the given weight and delay.
struct OneCx {
    le_profile prof = le_profile_default();
    uint16_t cxp[1] = {0};
    uint32_t in_start[2] = {0, 1};
    le_synapse syn[1] = {};
    le_neurocore core = {};
    le_error err = {};
    le_code build(int32_t w, uint8_t delay)
    {
        syn[0].weight = w;
        syn[0].cx = 0;
        syn[0].delay = delay;
        le_core_spec s = {};
        s.gid = 0;
        s.n_cx = 1;
        s.profiles = &prof;
        s.n_profiles = 1;
        s.cx_profile = cxp;
        s.n_in_axons = 1;
        s.in_start = in_start;
        s.syn = syn;
        return le_core_build(&core, &s, le_limits_loihi1(), &err);
    }
    ~OneCx() { le_core_free(&core); }
};

} // namespace

// Delay 0: a spike delivered for step 5 is integrated in step 5 (u = 640, v = 640 with
// decay_u 4096 and decay_v 0), and nowhere else.
TEST(NeuroCore, DeliverDelayZeroLandsSameStep)
{
    OneCx c;
    ASSERT_EQ(c.build(640, 0), LE_OK) << c.err.msg;
    uint16_t fired[1];
    le_core_deliver(&c.core, 0, 5);
    EXPECT_EQ(le_core_update(&c.core, 5, fired), 0u);
    EXPECT_EQ(c.core.u[0], 640);
    EXPECT_EQ(c.core.v[0], 640);
    EXPECT_EQ(c.core.ctr.synops, 1u);
    EXPECT_EQ(c.core.ctr.axons_in, 1u);
}
