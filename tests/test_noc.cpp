// Network and timing tests: routes, per-hop sums, serialisation, barrier, chip crossings,
// load vs packet mode. Expected values are computed here by hand from the YAML figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "cost/costmodel_internal.h"
#include "core/limits.h"
#include "cost/costmodel.h"
#include "run/sim.h"
#include "models/network.h"
#include "place/placement.h"
#include "noc/noc.h"
#include "noc/topo.h"
#include "tests/step_activity.h"

namespace {

struct Model {
    le_costmodel *cm = nullptr;
    Model(const char *board, const le_noc_mode *mode, uint64_t seed = 1)
    {
        le_error err{};
        le_code rc = le_costmodel_open(board, nullptr, mode, seed, &cm, &err);
        EXPECT_EQ(rc, LE_OK) << err.msg;
    }
    ~Model() { le_costmodel_free(cm); }
    const le_arch &arch() const { return *le_costmodel_arch(cm); }
    const le_topo &topo() const { return *le_costmodel_topo(cm); }
    le_step_cost step(const le_step_activity &a)
    {
        le_cost_sink s = le_costmodel_sink(cm);
        le_error err{};
        EXPECT_EQ(s.step(s.ctx, &a, &err), LE_OK) << err.msg;
        le_step_cost c;
        le_costmodel_last_step(cm, &c);
        return c;
    }
};

le_packet packet(uint32_t src, uint32_t dst, uint16_t cx = 0) { return le_packet{src, dst, cx, 0}; }

// One phase through le_noc_deliver; the phase's end (-1 on an error, which fails the test).
int64_t deliver(le_noc *noc, const std::vector<le_packet> &pk, const std::vector<int64_t> &send)
{
    int64_t done = -1;
    le_error err{};
    le_code rc = le_noc_deliver(noc, pk.data(), send.data(), (uint32_t)pk.size(), &done, &err);
    EXPECT_EQ(rc, LE_OK) << err.msg;
    return rc == LE_OK ? done : -1;
}

// gid of the core with index k of tile (x, y) on chip `chip` (Loihi floorplan: 8 x 4 tiles of 4).
uint32_t core_at(uint32_t chip, uint32_t x, uint32_t y, uint32_t k = 0) { return chip * 128 + (y * 8 + x) * 4 + k; }

struct Counts {
    int local = 0, ew = 0, ns = 0, chip = 0, board = 0;
};

Counts count_route(const le_topo &t, uint32_t src, uint32_t dst)
{
    std::vector<uint32_t> l(t.max_route);
    std::vector<uint8_t> c(t.max_route);
    uint32_t n = le_route(&t, src, dst, l.data(), c.data());
    Counts k;
    for (uint32_t i = 0; i < n; i++) {
        switch (c[i]) {
        case LE_LC_LOCAL: k.local++; break;
        case LE_LC_EW: k.ew++; break;
        case LE_LC_NS: k.ns++; break;
        case LE_LC_CHIP: k.chip++; break;
        case LE_LC_BOARD: k.board++; break;
        }
        EXPECT_EQ((int)c[i], le_link_class(&t, l[i])) << "link " << l[i];
    }
    return k;
}

TEST(Route, HopCountsOnOneChip)
{
    Model m("nahuku32", LE_NOC_LOAD);
    // (0,0) -> (7,3): 7 east, 3 north, then into the core.
    Counts k = count_route(m.topo(), core_at(0, 0, 0), core_at(0, 7, 3, 3));
    EXPECT_EQ(k.ew, 7);
    EXPECT_EQ(k.ns, 3);
    EXPECT_EQ(k.local, 1);
    EXPECT_EQ(k.chip, 0);
    // Same tile: only the local traversal.
    k = count_route(m.topo(), core_at(0, 3, 2, 0), core_at(0, 3, 2, 1));
    EXPECT_EQ(k.ew + k.ns + k.chip, 0);
    EXPECT_EQ(k.local, 1);
}

TEST(Route, DimensionOrderAcrossChips)
{
    Model m("nahuku32", LE_NOC_LOAD);
    // Chip 0 tile (0,0) -> chip 9 (row 1, col 1) tile (1,0). X first: to the east port at
    // (7, ew_row=2): 7 E + 2 N; cross to chip 1 at (0,2); then Y: to the north port at
    // (ns_col=4, 3): 4 E + 1 N; cross to chip 9 at (4,0); then to (1,0): 3 W.
    Counts k = count_route(m.topo(), core_at(0, 0, 0), core_at(9, 1, 0, 1));
    EXPECT_EQ(m.arch().port_row_ew, 2u);
    EXPECT_EQ(m.arch().port_col_ns, 4u);
    EXPECT_EQ(k.ew, 7 + 4 + 3);
    EXPECT_EQ(k.ns, 2 + 1);
    EXPECT_EQ(k.chip, 2);
    EXPECT_EQ(k.local, 1);
    // x86 of chip 0 injects at its router (0,0) (config: chip.x86.tile_x/tile_y).
    k = count_route(m.topo(), LE_SRC_X86(0), core_at(0, 2, 1));
    EXPECT_EQ(k.ew, 2);
    EXPECT_EQ(k.ns, 1);
}

TEST(Route, InterBoardLinksOnPohoikiSprings)
{
    Model m("pohoiki-springs", LE_NOC_LOAD);
    const le_topo &t = m.topo();
    ASSERT_EQ(t.g.chip_cols, 48u);
    // Chip col 0 -> col 16 on row 0: 16 chip crossings, of which cols 7->8 and 15->16 cross boards.
    Counts k = count_route(t, core_at(0, 0, 0), core_at(16, 0, 0));
    EXPECT_EQ(k.chip, 14);
    EXPECT_EQ(k.board, 2);
}

// Latency of one packet in isolation = sum of its per-hop latencies (YAML figures).
TEST(Timing, SinglePacketLatencyIsSumOfHops)
{
    for (const le_noc_mode *mode : {LE_NOC_LOAD, LE_NOC_PACKET}) {
        Model m("nahuku32", mode);
        const le_arch &a = m.arch();
        uint32_t src = core_at(0, 1, 0), dst = core_at(0, 6, 3, 2); // 5 E + 3 N
        std::vector<le_core_activity> cores{{src, 10, 2, 5, 1, 1, 1}};
        std::vector<le_packet> pk{packet(src, dst, 4)}, inj;
        std::vector<le_x86_activity> x86;
        le_step_cost c = m.step(le_test_activity(cores, pk, inj, x86));
        int64_t tsyn = 10 * 3500 + 2 * 16000;        // synops * 3.5 ns + axons_in * 16 ns
        int64_t send = tsyn + 5 * 6000 + 5100;        // compartment 4 is the 5th of the sweep, then one axon out
        int64_t path = 5 * 4100 + 3 * 6500 + 2100;    // 5 E-W hops, 3 N-S hops, local
        int64_t core_end = tsyn + 5 * 6000 + 1 * 5100;
        EXPECT_EQ(c.cores_ps, core_end);
        EXPECT_EQ(c.net_ps, send + path) << "mode " << le_noc_mode_name(mode);
        EXPECT_EQ(c.barrier_ps, 600000);              // one chip: 0.6 us
        EXPECT_EQ(c.total_ps, send + path + 600000);
        EXPECT_EQ(a.hop_ew.lat_ps, 4100);
        EXPECT_EQ(a.hop_ns.lat_ps, 6500);
        EXPECT_EQ(a.local.lat_ps, 2100);
    }
}

TEST(Timing, InterChipRoutePaysChipToChipCosts)
{
    for (const le_noc_mode *mode : {LE_NOC_LOAD, LE_NOC_PACKET}) {
        Model m("kapoho-bay", mode);
        const le_arch &a = m.arch();
        // Chip 0 (0,2) -> chip 1 (0,2): 7 E to the east port, the chip link, then 0 hops.
        uint32_t src = core_at(0, 0, 2), dst = core_at(1, 0, 2);
        std::vector<le_core_activity> cores{{src, 0, 0, 1, 1, 1, 1}};
        std::vector<le_packet> pk{packet(src, dst, 0)}, inj;
        std::vector<le_x86_activity> x86;
        le_step_cost c = m.step(le_test_activity(cores, pk, inj, x86));
        int64_t send = 6000 + 5100;
        int64_t path = 7 * a.hop_ew.lat_ps + a.chip_link.lat_ps + a.local.lat_ps;
        EXPECT_EQ(c.net_ps, send + path);
        EXPECT_EQ(a.chip_link.lat_ps, 75000); // config/loihi.yaml: calibrated on Table S2 (M = 2, 20)
        le_cost_summary s;
        le_costmodel_summary(m.cm, &s);
        // Mesh energy: 7 E-W hops, one chip crossing, one local traversal.
        double mesh_pj = 7 * a.hop_ew.e_pj + a.chip_link.e_pj + a.local.e_pj;
        double nc_pj = a.e_cx_active_pj + a.axon_out.e_pj;
        double barrier_pj = 2 * a.e_barrier_pj_per_chip; // one step, two chips in use
        EXPECT_NEAR(s.e_nc_dynamic_j, (mesh_pj + nc_pj + barrier_pj) * 1e-12, 1e-21);
        // Both chips are in use (sender, receiver): the barrier spans 2 chips = 1.0 us.
        EXPECT_EQ(c.barrier_ps, 1000000);
    }
}

// N packets through one link leave it one serialisation interval apart.
TEST(Noc, NPacketsThroughOneLinkTakeNSerialisationIntervals)
{
    for (const le_noc_mode *mode : {LE_NOC_LOAD, LE_NOC_PACKET}) {
        Model m("nahuku32", mode);
        const le_topo &t = m.topo();
        le_noc *noc = nullptr;
        le_error err{};
        ASSERT_EQ(le_noc_create(&t, mode, 7, &noc, &err), LE_OK);
        for (int n : {1, 2, 5, 17}) {
            // Same tile: each packet crosses only the destination's local link (2.1 ns, 2.1 ns apart).
            std::vector<le_packet> pk(n, packet(core_at(0, 2, 2, 0), core_at(0, 2, 2, 3)));
            std::vector<int64_t> send(n, 0);
            EXPECT_EQ(deliver(noc, pk, send), n * 2100) << "mode " << le_noc_mode_name(mode);
            // Three E hops then local: the first link spaces them 4.1 ns apart, the rest keep up.
            std::vector<le_packet> pk2(n, packet(core_at(0, 0, 1), core_at(0, 3, 1)));
            EXPECT_EQ(deliver(noc, pk2, send), (n - 1) * 4100 + 3 * 4100 + 2100);
        }
        EXPECT_EQ(le_noc_link_packets(noc, le_link_local(&t, 0, (2 * 8 + 2) * 4 + 3)), 1u + 2 + 5 + 17);
        le_noc_free(noc);
    }
}

TEST(Timing, BarrierGrowsWithTheBoard)
{
    auto hand = [](double n) { // SANA-FE table, linear in log(chips), last segment extended
        if (n <= 1) return 0.6;
        if (n <= 2) return 0.6 + 0.4 * std::log(n) / std::log(2.0);
        if (n <= 4) return 1.0 + 0.4 * std::log(n / 2) / std::log(2.0);
        return 1.4 + 0.4 * std::log(n / 4) / std::log(29.0 / 4);
    };
    int64_t prev = 0;
    for (const char *b : {"1x1", "kapoho-bay", "2x2", "nahuku32", "pohoiki-springs"}) {
        Model m(b, LE_NOC_LOAD);
        uint32_t chips = le_costmodel_geom(m.cm)->n_chips;
        std::vector<uint32_t> used;
        for (uint32_t c = 0; c < chips; c++)
            used.push_back(c * 128 + 5);
        le_error err{};
        ASSERT_EQ(le_costmodel_set_cores_used(m.cm, used.data(), (uint32_t)used.size(), &err), LE_OK) << err.msg;
        std::vector<le_core_activity> cores;
        std::vector<le_packet> pk, inj;
        std::vector<le_x86_activity> x86;
        le_step_cost c = m.step(le_test_activity(cores, pk, inj, x86)); // an idle step: just the barrier
        EXPECT_EQ(c.barrier_chips, chips);
        EXPECT_NEAR((double)c.total_ps, hand(chips) * 1e6, 1.0) << b;
        EXPECT_GT(c.total_ps, prev) << b;
        prev = c.total_ps;
    }
}

TEST(Energy, IdleCoreCostsStaticEnergyOnly)
{
    Model m("nahuku32", LE_NOC_PACKET);
    uint32_t core = 77;
    le_error err{};
    ASSERT_EQ(le_costmodel_set_cores_used(m.cm, &core, 1, &err), LE_OK);
    std::vector<le_core_activity> cores;
    std::vector<le_packet> pk, inj;
    std::vector<le_x86_activity> x86;
    for (int i = 0; i < 100; i++)
        m.step(le_test_activity(cores, pk, inj, x86));
    le_cost_summary s;
    le_costmodel_summary(m.cm, &s);
    double t = 100 * 0.6e-6; // 100 steps of a one-chip barrier
    EXPECT_NEAR(s.time_s, t, 1e-15);
    // No neuro-core or x86 work at all; the only dynamic energy is the chip's barrier tokens.
    EXPECT_EQ(le_costmodel_ledger(m.cm)->nc_dyn_pj, 0.0);
    EXPECT_EQ(s.e_x86_dynamic_j, 0.0);
    EXPECT_NEAR(s.e_nc_dynamic_j, 100 * m.arch().e_barrier_pj_per_chip * 1e-12, 1e-21);
    EXPECT_NEAR(s.e_nc_static_j, 0.51e-3 * t, 1e-18);  // 0.51 mW per core in use
    EXPECT_NEAR(s.e_x86_static_j, 0.08e-3 * t, 1e-18); // 0.08 mW per chip in use
    EXPECT_GT(s.e_nc_static_j, 0.0);
}

// Random sparse traffic, one packet per step: nothing shares a link at once, so the two
// modes must give identical step times.
TEST(Modes, LoadEqualsPacketWithoutContention)
{
    Model ml("nahuku32", LE_NOC_LOAD), mp("nahuku32", LE_NOC_PACKET);
    srand(12345);
    for (int s = 0; s < 300; s++) {
        uint32_t src = (uint32_t)rand() % 4096, dst = (uint32_t)rand() % 4096;
        uint16_t cx = (uint16_t)(rand() % 100);
        std::vector<le_core_activity> cores{{src, (uint32_t)(rand() % 50), 1, 100, 3, 1, 1}};
        std::vector<le_packet> pk{packet(src, dst, cx)}, inj;
        std::vector<le_x86_activity> x86;
        if (s % 3 == 0) {
            inj.push_back(packet(LE_SRC_X86((uint32_t)rand() % 32), (uint32_t)rand() % 4096));
            x86.push_back({inj[0].src & ~LE_SRC_X86_FLAG, 1, 0, 0, 0, 0, 0});
        }
        le_step_activity a = le_test_activity(cores, pk, inj, x86);
        le_step_cost cl = ml.step(a), cp = mp.step(a);
        ASSERT_EQ(cl.total_ps, cp.total_ps) << "step " << s;
        ASSERT_EQ(cl.net_ps, cp.net_ps);
        ASSERT_EQ(cl.inject_ps, cp.inject_ps);
    }
    // Several packets per step from one core along one row: the core's output unit spaces
    // them 5.1 ns apart, more than an E-W link's 4.1 ns, so they never queue either.
    uint32_t src = core_at(3, 0, 1);
    std::vector<le_core_activity> cores{{src, 0, 0, 20, 8, 8, 8}};
    std::vector<le_packet> pk, inj;
    for (uint16_t k = 0; k < 8; k++)
        pk.push_back(packet(src, core_at(3, 7, 1, k % 4), k));
    std::vector<le_x86_activity> x86;
    le_step_activity a = le_test_activity(cores, pk, inj, x86);
    le_step_cost cl = ml.step(a), cp = mp.step(a);
    EXPECT_EQ(cl.total_ps, cp.total_ps);
    le_cost_summary sl, sp;
    le_costmodel_summary(ml.cm, &sl);
    le_costmodel_summary(mp.cm, &sp);
    EXPECT_EQ(sl.time_s, sp.time_s);
    EXPECT_EQ(sl.e_total_j, sp.e_total_j);
}

// Hot spot: one packet reaches the destination core early, five more reach its router at the
// same moment later (from W, E, N, S and its own tile). The local link serves them 2.1 ns
// apart, so packet mode ends 5 intervals after the burst; load mode assumes the link's queue
// started at its first arrival and under-estimates.
TEST(Modes, HotSpotDiffers)
{
    uint32_t d = core_at(0, 4, 1, 0);
    std::vector<le_packet> pk{
        packet(core_at(0, 4, 1, 1), d), // near, early
        packet(core_at(0, 3, 1), d),    // from the west: 1 E hop
        packet(core_at(0, 5, 1), d),    // from the east: 1 W hop
        packet(core_at(0, 4, 2), d),    // from the north: 1 S hop
        packet(core_at(0, 4, 0), d),    // from the south: 1 N hop
        packet(core_at(0, 4, 1, 2), d), // same tile, late
    };
    const int64_t burst = 104100; // every late packet reaches the router at 104.1 ns
    std::vector<int64_t> send{0, burst - 4100, burst - 4100, burst - 6500, burst - 6500, burst};
    int64_t expect_packet = burst + 5 * 2100; // five back-to-back local traversals
    int64_t expect_load = burst + 2100;       // max(path times, 0 + 5 * 2.1 + 2.1 ns)
    int64_t got[2];
    for (int k = 0; k < 2; k++) {
        const le_noc_mode *mode = k ? LE_NOC_PACKET : LE_NOC_LOAD;
        Model m("nahuku32", mode);
        le_noc *noc = nullptr;
        le_error err{};
        ASSERT_EQ(le_noc_create(&m.topo(), mode, 3, &noc, &err), LE_OK);
        got[k] = deliver(noc, pk, send);
        le_noc_free(noc);
    }
    EXPECT_EQ(got[1], expect_packet);
    EXPECT_EQ(got[0], expect_load);
    EXPECT_NE(got[1], got[0]);
}

// Many cores of a chip firing at once towards another chip: the serialised chip-to-chip link
// is the bottleneck and both modes see it (the seed's relay-core motivation, Fig. 5).
TEST(Modes, ChipLinkSerialisesInterChipTraffic)
{
    for (const le_noc_mode *mode : {LE_NOC_LOAD, LE_NOC_PACKET}) {
        Model m("kapoho-bay", mode);
        const le_arch &a = m.arch();
        std::vector<le_core_activity> cores;
        std::vector<le_packet> pk, inj;
        // 32 cores, one per tile of chip 0, each sends one packet to chip 1 core 0.
        for (uint32_t tile = 0; tile < 32; tile++) {
            uint32_t src = tile * 4;
            cores.push_back({src, 0, 0, 1, 1, 1, 1});
            pk.push_back(packet(src, 128, 0));
        }
        std::vector<le_x86_activity> x86;
        le_step_cost c = m.step(le_test_activity(cores, pk, inj, x86));
        // At least 32 serialisation intervals of the chip link after the first packet can reach it.
        EXPECT_GE(c.net_ps, 32 * a.chip_link.ser_ps) << "mode " << le_noc_mode_name(mode);
        EXPECT_LE(c.net_ps, 32 * a.chip_link.ser_ps + 200000) << "mode " << le_noc_mode_name(mode);
    }
}

TEST(Noc, WorkTracksTouchedLinksOnly)
{
    Model m("pohoiki-springs", LE_NOC_PACKET);
    std::vector<le_core_activity> cores{{5, 1, 1, 1, 0, 0, 0}};
    std::vector<le_packet> pk{packet(5, 6)}, inj;
    std::vector<le_x86_activity> x86;
    for (int i = 0; i < 10; i++)
        m.step(le_test_activity(cores, pk, inj, x86));
    uint32_t touched = 0;
    le_noc_touched(le_costmodel_noc(m.cm), &touched);
    EXPECT_EQ(touched, 1u); // same tile: one local link, of ~200k on the board
}

// ---- The network-mode table.

TEST(NocModes, BuiltInModesByName)
{
    EXPECT_EQ(le_noc_mode_find("load"), LE_NOC_LOAD);
    EXPECT_EQ(le_noc_mode_find("packet"), LE_NOC_PACKET);
    EXPECT_EQ(le_noc_mode_find("mesh"), nullptr);
    EXPECT_EQ(le_noc_mode_find(nullptr), nullptr);
    EXPECT_STREQ(le_noc_mode_name(LE_NOC_PACKET), "packet");
    EXPECT_STRNE(le_noc_mode_help(LE_NOC_LOAD), "");
    EXPECT_EQ(le_noc_mode_at(0), LE_NOC_LOAD);
    EXPECT_EQ(le_noc_mode_at(1), LE_NOC_PACKET);
    EXPECT_EQ(le_noc_mode_at(le_noc_mode_count()), nullptr);
    char names[256];
    le_noc_mode_names(names, sizeof names);
    EXPECT_EQ(std::string(names).rfind("load, packet", 0), 0u) << names;
    const le_noc_mode *m = nullptr;
    le_error err{};
    EXPECT_EQ(le_noc_mode_lookup("mesh", &m, &err), LE_ERR_USAGE);
    EXPECT_EQ(std::string(err.msg).rfind("unknown network mode 'mesh' (known: load, packet", 0), 0u) << err.msg;
    EXPECT_EQ(le_noc_mode_lookup("packet", &m, &err), LE_OK);
    EXPECT_EQ(m, LE_NOC_PACKET);
}

// A mode of the test's own: every packet takes 1 ns, whatever its route.
le_code fixed_create(const le_noc_mode *, const le_topo *, uint64_t, void **state, le_error *)
{
    *state = nullptr;
    return LE_OK;
}
le_code fixed_deliver(void *, const le_noc_phase *ph, int64_t *arrive, int64_t *done, le_error *)
{
    *done = 0;
    for (uint32_t i = 0; i < ph->count; i++) {
        arrive[i] = ph->send_ps[i] + 1000;
        *done = std::max(*done, arrive[i]);
    }
    return LE_OK;
}
void fixed_free(void *) {}
const le_noc_mode fixed_mode = {"test-fixed", "1 ns per packet", fixed_create, fixed_deliver, fixed_free, nullptr};

TEST(NocModes, RegisterAModeOfOnesOwn)
{
    le_error err{};
    if (!le_noc_mode_find("test-fixed")) { // the whole suite may run in one process
        ASSERT_EQ(le_noc_mode_register(&fixed_mode, &err), LE_OK) << err.msg;
    }
    EXPECT_EQ(le_noc_mode_find("test-fixed"), &fixed_mode);
    EXPECT_EQ(le_noc_mode_register(&fixed_mode, &err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("already registered"), std::string::npos) << err.msg;
    le_noc_mode incomplete = {"test-incomplete", "", fixed_create, nullptr, fixed_free, nullptr};
    EXPECT_EQ(le_noc_mode_register(&incomplete, &err), LE_ERR_USAGE);
    EXPECT_EQ(le_noc_mode_find("test-incomplete"), nullptr);

    // The mode gives the timing; the tallies come from the routes, as for every mode.
    Model m("nahuku32", le_noc_mode_find("test-fixed"));
    std::vector<le_core_activity> cores{{core_at(0, 1, 0), 0, 0, 1, 1, 1, 1}};
    std::vector<le_packet> pk{packet(core_at(0, 1, 0), core_at(0, 6, 3, 2))}, inj;
    std::vector<le_x86_activity> x86;
    le_step_cost c = m.step(le_test_activity(cores, pk, inj, x86));
    EXPECT_EQ(c.net_ps, 6000 + 5100 + 1000); // one compartment, one axon out, then 1 ns
    const le_noc *noc = le_costmodel_noc(m.cm);
    EXPECT_EQ(le_noc_class_hops(noc, LE_LC_EW), 5u);
    EXPECT_EQ(le_noc_class_hops(noc, LE_LC_NS), 3u);
    EXPECT_EQ(le_noc_class_hops(noc, LE_LC_LOCAL), 1u);
    EXPECT_DOUBLE_EQ(le_noc_energy_pj(noc), 5 * 3.0 + 3 * 4.2 + 1.7);
}

// Per-packet arrivals: packet mode's with queueing; load mode's without.
TEST(Noc, ArrivalsOfEachPacket)
{
    for (int k = 0; k < 2; k++) {
        const le_noc_mode *mode = k ? LE_NOC_PACKET : LE_NOC_LOAD;
        Model m("nahuku32", mode);
        le_noc *noc = nullptr;
        le_error err{};
        ASSERT_EQ(le_noc_create(&m.topo(), mode, 1, &noc, &err), LE_OK);
        // Two packets through one local link at once, one 1 E hop away later.
        uint32_t d = core_at(0, 2, 2, 3);
        std::vector<le_packet> pk{packet(core_at(0, 2, 2, 0), d), packet(core_at(0, 2, 2, 1), d),
                                  packet(core_at(0, 1, 2), d)};
        std::vector<int64_t> send{0, 0, 10000};
        int64_t done = deliver(noc, pk, send);
        const int64_t *a = le_noc_arrivals(noc);
        if (k) {
            EXPECT_EQ(std::min(a[0], a[1]), 2100);
            EXPECT_EQ(std::max(a[0], a[1]), 4200);
        } else {
            EXPECT_EQ(a[0], 2100);
            EXPECT_EQ(a[1], 2100);
        }
        EXPECT_EQ(a[2], 10000 + 4100 + 2100);
        EXPECT_EQ(done, 16200);
        le_noc_free(noc);
    }
}

TEST(Noc, PacketOutsideTheBoardIsAnError)
{
    Model m("kapoho-bay", LE_NOC_PACKET);
    le_noc *noc = nullptr;
    le_error err{};
    ASSERT_EQ(le_noc_create(&m.topo(), LE_NOC_PACKET, 1, &noc, &err), LE_OK);
    std::vector<le_packet> pk{packet(0, 5), packet(0, 256)}; // kapoho-bay has 256 cores
    std::vector<int64_t> send{0, 0};
    int64_t done = -1;
    EXPECT_EQ(le_noc_deliver(noc, pk.data(), send.data(), 2, &done, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("packet 1 from core 0 to core 256: outside board kapoho-bay"),
              std::string::npos)
        << err.msg;
    EXPECT_EQ(done, 0);
    EXPECT_EQ(le_noc_packets(noc), 0u);
    uint32_t touched = 9;
    le_noc_touched(noc, &touched);
    EXPECT_EQ(touched, 0u);
    le_noc_free(noc);
}

} // namespace

// ---- The real run loop (run/sim.c) feeding the cost model through its sink.
namespace {

// input -> A (chip 0 core 0) -> B (chip 1 core 0) on Kapoho Bay: one injection in step 1,
// A fires in step 1 and its spike crosses the chip link to B, which fires in step 2.
TEST(RunLoop, FeedsTheCostModel)
{
    Model m("kapoho-bay", LE_NOC_PACKET);
    const le_arch &a = m.arch();
    le_network net;
    le_network_init(&net);
    le_error e{};
    le_profile p = le_profile_default();
    p.decay_u = 4096;
    p.vth_mant = 1; // threshold 64: one weight of 100 * 64 fires
    le_population in = le_population_default("in", LE_POP_INPUT, 1);
    le_population pa = le_population_default("a", LE_POP_LIF, 1);
    le_population pb = le_population_default("b", LE_POP_LIF, 1);
    pa.main = p;
    pb.main = p;
    pa.first_core = 0;
    pb.first_core = 128;
    uint32_t iin, ia, ib;
    ASSERT_EQ(le_network_add_pop(&net, &in, &iin, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_network_add_pop(&net, &pa, &ia, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_network_add_pop(&net, &pb, &ib, &e), LE_OK) << e.msg;
    float w = 100;
    ASSERT_EQ(le_network_connect_dense(&net, iin, ia, &w, 0, LE_SIGN_SPLIT, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_network_connect_dense(&net, ia, ib, &w, 0, LE_SIGN_SPLIT, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_network_add_input(&net, iin, 0, 1, &e), LE_OK) << e.msg;
    le_placement pl;
    const le_board_geom *g = le_costmodel_geom(m.cm);
    ASSERT_EQ(le_place(&net, g, le_limits_loihi1(), &pl, &e), LE_OK) << e.msg;
    le_sim *sim = nullptr;
    ASSERT_EQ(le_sim_create(&net, &pl, g, le_limits_loihi1(), &sim, &e), LE_OK) << e.msg;
    std::vector<uint32_t> used;
    for (uint32_t i = 0; i < le_sim_n_cores(sim); i++)
        used.push_back(le_sim_core(sim, i)->gid);
    ASSERT_EQ(le_costmodel_set_cores_used(m.cm, used.data(), (uint32_t)used.size(), &e), LE_OK) << e.msg;
    le_cost_sink sink = le_costmodel_sink(m.cm);
    le_sim_set_cost_sink(sim, &sink);

    ASSERT_EQ(le_sim_run(sim, 1, nullptr, &e), LE_OK) << e.msg;
    le_step_cost c;
    le_costmodel_last_step(m.cm, &c);
    // Injection: sent at 1 x t_inject from the x86 at (0,0) into core 0 of the same tile.
    EXPECT_EQ(c.inject_ps, a.x86_inject.t_ps + a.local.lat_ps);
    // Core 0: one synop, one axon in, one compartment, one packet out.
    int64_t core = a.synop.t_ps + a.axon_in.t_ps + a.t_cx_ps + a.axon_out.t_ps;
    EXPECT_EQ(c.cores_ps, core);
    // Its packet: 7 E + 2 N to the east port, the chip link, 2 S on chip 1, local.
    int64_t path = 7 * a.hop_ew.lat_ps + 4 * a.hop_ns.lat_ps + a.chip_link.lat_ps + a.local.lat_ps;
    EXPECT_EQ(c.net_ps, core + path);
    EXPECT_EQ(c.barrier_chips, 2u);
    ASSERT_EQ(le_sim_run(sim, 2, nullptr, &e), LE_OK) << e.msg;
    const le_ledger *L = le_costmodel_ledger(m.cm);
    EXPECT_EQ(L->steps, 3u);
    EXPECT_EQ(L->injected, 1u);
    EXPECT_EQ(L->packets, 1u);
    EXPECT_EQ(le_noc_class_hops(le_costmodel_noc(m.cm), LE_LC_CHIP), 1u);
    EXPECT_EQ(L->spikes, 2u);
    le_sim_free(sim);
    le_placement_free(&pl);
    le_network_free(&net);
}

} // namespace
