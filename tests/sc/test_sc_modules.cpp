// Modules: each exposes its component's figures; idle components have no process at all.
#include <functional>
#include <string>

#include "sc_helpers.h"

static int count_processes(sc_core::sc_object *o)
{
    std::string kind = o->kind();
    int n = (kind == "sc_thread_process" || kind == "sc_method_process" || kind == "sc_cthread_process") ? 1 : 0;
    for (sc_core::sc_object *c : o->get_child_objects())
        n += count_processes(c);
    return n;
}

TEST(ScModules, OneProcessForTheWholeBoard)
{
    ScModel m("nahuku32", LE_NOC_LOAD);
    EXPECT_EQ(m.board().n_chips(), 32u);
    EXPECT_TRUE(m.board().chip(31).detailed());
    int n = 0;
    for (sc_core::sc_object *o : sc_core::sc_get_top_level_objects())
        n += count_processes(o);
    EXPECT_EQ(n, 1); // the Barrier's engine
}

TEST(ScModules, NeuroCoreAndLinksReportTheirWork)
{
    ScModel m("kapoho-bay", LE_NOC_LOAD);
    const le_arch &a = *le_costmodel_arch(m.cm);
    // Core 5 (chip 0, tile 1 = (1,0)) sends one packet to chip 1 core 0 (tile (0,0)).
    m.step({{5, 4, 1, 10, 3, 1, 1}}, {{5, 128, 2, 0}});
    le_sc::Chip &c0 = m.board().chip(0);
    le_sc::NeuroCore &core = c0.core(5);
    EXPECT_TRUE(core.in_use());
    EXPECT_EQ(core.busy_time(), le_sc::ps(4 * a.synop.t_ps + a.axon_in.t_ps + 10 * a.t_cx_ps + a.axon_out.t_ps));
    double e = 4 * a.synop.e_pj + a.axon_in.e_pj + 3 * a.e_cx_active_pj + 7 * a.e_cx_inactive_pj + a.axon_out.e_pj;
    EXPECT_NEAR(core.energy_j(), e * 1e-12, 1e-21);
    EXPECT_FALSE(c0.core(6).in_use());
    EXPECT_EQ(c0.core(6).busy_time(), sc_core::SC_ZERO_TIME);
    // Route: (1,0) -> east port (7,2): 6 E then 2 N; chip link E; chip 1 enters at (0,2), 2 S to (0,0).
    EXPECT_EQ(c0.router(1, 0).out(LE_DIR_E).packets(), 1u);
    EXPECT_EQ(c0.router(7, 0).out(LE_DIR_N).packets(), 1u);
    EXPECT_EQ(c0.router(7, 2).out(LE_DIR_N).packets(), 0u);
    le_sc::ChipLink &port = c0.port(LE_DIR_E);
    EXPECT_EQ(port.packets(), 1u);
    EXPECT_FALSE(port.inter_board());
    EXPECT_NEAR(port.energy_j(), a.chip_link.e_pj * 1e-12, 1e-21);
    EXPECT_EQ(port.busy_time(), le_sc::ps(a.chip_link.ser_ps));
    le_sc::Chip &c1 = m.board().chip(1);
    EXPECT_EQ(c1.router(0, 2).out(LE_DIR_S).packets(), 1u);
    EXPECT_EQ(c1.router(0, 0).local(0).packets(), 1u);
    EXPECT_EQ(c1.router(0, 0).packets(), 1u);
}

TEST(ScModules, X86CoreReportsManagementWork)
{
    ScModel m("kapoho-bay", LE_NOC_LOAD);
    const le_arch &a = *le_costmodel_arch(m.cm);
    m.step({}, {}, {{LE_SRC_X86(1), 130, 0, 0}}, {{1, 1, 0, 0, 2, 0, 10}});
    le_sc::X86Core &x = m.board().chip(1).x86();
    EXPECT_EQ(x.busy_time(),
              le_sc::ps(a.x86_base.t_ps + a.x86_inject.t_ps + 2 * a.x86_reg_read.t_ps + 10 * a.x86_op.t_ps));
    double e = a.x86_base.e_pj + a.x86_inject.e_pj + 2 * a.x86_reg_read.e_pj + 10 * a.x86_op.e_pj;
    EXPECT_NEAR(x.energy_j(), e * 1e-12, 1e-18);
    EXPECT_EQ(m.board().chip(0).x86().busy_time(), sc_core::SC_ZERO_TIME);
}

TEST(ScModules, LargeBoardElaboratesOnlyChipsInUse)
{
    ScModel m("pohoiki-springs", LE_NOC_LOAD, {5, 100 * 128 + 1});
    EXPECT_EQ(m.board().n_chips(), 768u);
    EXPECT_TRUE(m.board().chip(0).detailed());
    EXPECT_TRUE(m.board().chip(100).detailed());
    EXPECT_FALSE(m.board().chip(1).detailed());
    // Chip 15 -> 16 crosses a Nahuku board edge (boards of 4 x 8 chips).
    m.step({}, {}, {}, {});
    EXPECT_EQ(sc_now_ps(), le_costmodel_ledger(m.cm)->time_ps);
}
