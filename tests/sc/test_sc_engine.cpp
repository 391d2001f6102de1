// SystemC engine: simulated time follows the emulated time, step by step.
#include <random>

#include "sc_helpers.h"

TEST(ScEngine, TimeStampEqualsEmulatedTime)
{
    ScModel m("nahuku32", LE_NOC_PACKET);
    std::mt19937 rng(3);
    for (int s = 0; s < 200; s++) {
        uint32_t src = (uint32_t)(rng() % 4096);
        std::vector<le_core_activity> cores{{src, (uint32_t)(rng() % 300), 2, 100, 10, 1, 3}};
        std::vector<le_packet> pk;
        for (int k = 0; k < 3; k++)
            pk.push_back({src, (uint32_t)(rng() % 4096), (uint16_t)(rng() % 100), 0});
        std::vector<le_x86_activity> x86;
        if (s % 5 == 0)
            x86.push_back({0, 0, 1, 0, 0, 0, 20});
        m.step(cores, pk, {}, x86);
        ASSERT_EQ(sc_now_ps(), m.emulated_ps()) << "step " << s;
    }
    EXPECT_EQ(m.board().barrier().steps(), 200u);
    EXPECT_DOUBLE_EQ(le_systemc_time_s(m.eng), sc_core::sc_time_stamp().to_seconds());
    le_cost_summary s;
    le_costmodel_summary(m.cm, &s);
    EXPECT_NEAR(le_systemc_time_s(m.eng), s.time_s, 1e-15);
}

TEST(ScEngine, SecondAttachIsAnError)
{
    ScModel m("kapoho-bay", LE_NOC_LOAD);
    le_costmodel *cm2 = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("kapoho-bay", nullptr, LE_NOC_LOAD, 1, &cm2, &err), LE_OK);
    le_sc_engine *e2 = nullptr;
    EXPECT_EQ(le_systemc_attach(cm2, &e2, &err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("one elaboration per process"), std::string::npos);
    le_costmodel_free(cm2);
}
