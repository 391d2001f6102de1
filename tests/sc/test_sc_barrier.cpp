// Barrier: an idle step lasts the barrier latency of the chips in use, which grows with them;
// its phase events fire at the computed phase boundaries.
#include "sc_helpers.h"

TEST(ScBarrier, IdleStepLastsTheBarrierAndGrowsWithChips)
{
    // One core on each of 4 chips in use: 1.4 us per idle step [SANA-FE latency_sync].
    ScModel m("nahuku32", LE_NOC_LOAD, {0, 128, 256, 384});
    le_sc::Barrier &b = m.board().barrier();
    EXPECT_EQ(b.latency(1), sc_core::sc_time(600, sc_core::SC_NS));
    EXPECT_EQ(b.latency(2), sc_core::sc_time(1000, sc_core::SC_NS));
    EXPECT_EQ(b.latency(4), sc_core::sc_time(1400, sc_core::SC_NS));
    EXPECT_LT(b.latency(4), b.latency(32));
    EXPECT_LT(b.latency(32), b.latency(768));
    m.step({});
    EXPECT_EQ(sc_now_ps(), 1400000);
    m.step({});
    EXPECT_EQ(sc_now_ps(), 2800000);
}

struct PhaseProbe : sc_core::sc_module {
    SC_HAS_PROCESS(PhaseProbe);
    le_sc::Barrier *b;
    std::vector<int64_t> cores_done, step_done;
    PhaseProbe(sc_core::sc_module_name n, le_sc::Barrier *bar) : sc_module(n), b(bar)
    {
        SC_METHOD(on_cores);
        sensitive << b->cores_done;
        dont_initialize();
        SC_METHOD(on_step);
        sensitive << b->step_done;
        dont_initialize();
    }
    void on_cores() { cores_done.push_back(sc_now_ps()); }
    void on_step() { step_done.push_back(sc_now_ps()); }
};

TEST(ScBarrier, PhaseEventsAtComputedBoundaries)
{
    ScModel m("kapoho-bay", LE_NOC_PACKET, {0});
    PhaseProbe probe("probe", &m.board().barrier());
    const le_arch &a = *le_costmodel_arch(m.cm);
    // Core 0 on chip 0: 10 synops, 100 compartments, 1 packet from compartment 99 to core 1.
    m.step({{0, 10, 0, 100, 5, 1, 1}}, {{0, 1, 99, 0}}, {}, {{0, 0, 0, 0, 0, 0, 0}});
    int64_t send = 10 * a.synop.t_ps + 100 * a.t_cx_ps + a.axon_out.t_ps;
    int64_t cores_net = send + a.local.lat_ps; // cores 0 and 1 share tile 0
    ASSERT_EQ(probe.cores_done.size(), 1u);
    EXPECT_EQ(probe.cores_done[0], cores_net);
    ASSERT_EQ(probe.step_done.size(), 1u);
    EXPECT_EQ(probe.step_done[0], cores_net + le_arch_barrier_ps(&a, 1) + a.x86_base.t_ps);
    EXPECT_EQ(probe.step_done[0], sc_now_ps());
}
