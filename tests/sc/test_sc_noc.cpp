// The systemc network mode: hand-worked latencies, and equality with packet mode (every
// packet's arrival, the phase's end, the tallies) on random traffic and hot spots. Each test
// runs in its own process: SystemC allows one elaboration per process.
#include <string>

#include "sc_noc_helpers.h"

namespace {

// gid of core k of tile (x, y) on chip `chip` (Loihi floorplan: 8 x 4 tiles of 4 cores).
uint32_t core_at(uint32_t chip, uint32_t x, uint32_t y, uint32_t k = 0) { return chip * 128 + (y * 8 + x) * 4 + k; }

// Figures of config/loihi.yaml: local 2.1 ns, E-W 4.1 ns, N-S 6.5 ns, chip link 75 ns (calibrated).
const int64_t LOCAL = 2100, EW = 4100, NS = 6500, CHIP = 75000;

TEST(ScNoc, SinglePacketLatenciesByHand)
{
    NocBoard b("nahuku32");
    ASSERT_EQ(b.topo().cls[LE_LC_EW].lat_ps, EW);
    ASSERT_EQ(b.topo().cls[LE_LC_NS].lat_ps, NS);
    ASSERT_EQ(b.topo().cls[LE_LC_LOCAL].lat_ps, LOCAL);
    ASSERT_EQ(b.topo().cls[LE_LC_CHIP].lat_ps, CHIP);
    NocNet sc(b.topo(), &le_noc_systemc_mode);
    struct Case {
        const char *what;
        uint32_t src, dst;
        int64_t send, arrive;
    } cases[] = {
        {"same tile", core_at(0, 3, 2, 0), core_at(0, 3, 2, 1), 0, LOCAL},
        {"5 E, 3 N", core_at(0, 1, 0), core_at(0, 6, 3, 2), 1000, 1000 + 5 * EW + 3 * NS + LOCAL},
        // chip 0 (0,2) -> chip 1 (0,2): 7 E to the east port at (7, 2), across, already there.
        {"to the next chip", core_at(0, 0, 2), core_at(1, 0, 2), 0, 7 * EW + CHIP + LOCAL},
        // The x86 of chip 0 injects at router (0,0): 2 E, 1 N.
        {"x86", LE_SRC_X86(0), core_at(0, 2, 1), 500, 500 + 2 * EW + NS + LOCAL},
        // chip 0 (0,0) -> chip 9 (row 1, col 1) (1,0): 7 E + 2 N to the east port, across to
        // chip 1 at (0,2); 4 E + 1 N to the north port (4,3), across to chip 9 at (4,0); 3 W.
        {"two chips away", core_at(0, 0, 0), core_at(9, 1, 0, 1), 0, 14 * EW + 3 * NS + 2 * CHIP + LOCAL},
    };
    for (const Case &c : cases) {
        Traffic p;
        p.add(c.src, c.dst, c.send);
        std::vector<int64_t> a;
        EXPECT_EQ(sc.run(p, &a), c.arrive) << c.what;
        EXPECT_EQ(a[0], c.arrive) << c.what;
    }
    EXPECT_EQ(le_noc_class_hops(sc.noc, LE_LC_CHIP), 3u);
}

// Pohoiki Springs: the whole board elaborated (768 chips); chip 7 -> chip 8 crosses the edge
// of a Nahuku board (8 chips wide) over an inter-board link (82 ns).
TEST(ScNoc, InterBoardLinkOnPohoikiSprings)
{
    NocBoard b("pohoiki-springs");
    const int64_t BOARD = 82000;
    ASSERT_EQ(b.topo().cls[LE_LC_BOARD].lat_ps, BOARD);
    NocNet sc(b.topo(), &le_noc_systemc_mode);
    Traffic p;
    p.add(core_at(7, 0, 2), core_at(8, 0, 2), 0);
    EXPECT_EQ(sc.run(p), 7 * EW + BOARD + LOCAL);
    EXPECT_EQ(le_noc_class_hops(sc.noc, LE_LC_BOARD), 1u);
    EXPECT_EQ(sc.sc().n_routers(), 768u * 32);
}

// One packet over 9 links (8 routers forward it, the last hands it to its core): each router
// on its way runs twice (the packet is due; arbitration), the other 1015 never.
TEST(ScNoc, IdleRoutersNeverRun)
{
    NocBoard b("nahuku32");
    NocNet sc(b.topo(), &le_noc_systemc_mode);
    Traffic p;
    p.add(core_at(0, 1, 0), core_at(0, 6, 3, 2), 0); // 5 E, 3 N, local: 9 routers
    EXPECT_EQ(sc.sc().wakeups(), 0u);
    sc.run(p);
    EXPECT_EQ(sc.sc().wakeups(), 2u * 9);
}

// The hot spot of tests/test_noc.cpp (Modes.HotSpotDiffers): five packets reach the
// destination's router at 104.1 ns from five sides; its local link serves them 2.1 ns apart.
TEST(ScNoc, HotSpotByHand)
{
    NocBoard b("nahuku32");
    NocNet sc(b.topo(), &le_noc_systemc_mode, 3), pk(b.topo(), LE_NOC_PACKET, 3);
    uint32_t d = core_at(0, 4, 1, 0);
    const int64_t burst = 104100;
    Traffic p;
    p.add(core_at(0, 4, 1, 1), d, 0);
    p.add(core_at(0, 3, 1), d, burst - EW);
    p.add(core_at(0, 5, 1), d, burst - EW);
    p.add(core_at(0, 4, 2), d, burst - NS);
    p.add(core_at(0, 4, 0), d, burst - NS);
    p.add(core_at(0, 4, 1, 2), d, burst);
    EXPECT_EQ(sc.run(p), burst + 5 * LOCAL);
    expect_same(sc, pk, p, "the same burst again");
}

void random_traffic_equals_packet(const char *board, uint32_t phases)
{
    NocBoard b(board);
    NocNet sc(b.topo(), &le_noc_systemc_mode, 11), pk(b.topo(), LE_NOC_PACKET, 11);
    std::mt19937 rng(5);
    for (uint32_t ph = 0; ph < phases; ph++) {
        // From sparse (no queueing) to dense (long queues at the chip ports and hot links).
        uint32_t n = 1 + rng() % 3000;
        int64_t window = (int64_t)(rng() % 4) * 50000;
        Traffic p = random_traffic(b.topo(), rng, n, window);
        expect_same(sc, pk, p, (std::string(board) + " phase " + std::to_string(ph)).c_str());
        if (::testing::Test::HasFatalFailure())
            return;
    }
    expect_same_tallies(sc, pk);
}

TEST(ScNoc, RandomTrafficEqualsPacketOnKapohoBay) { random_traffic_equals_packet("kapoho-bay", 40); }
TEST(ScNoc, RandomTrafficEqualsPacketOn2x2) { random_traffic_equals_packet("2x2", 40); }
TEST(ScNoc, RandomTrafficEqualsPacketOnNahuku32) { random_traffic_equals_packet("nahuku32", 40); }

// Many sources to one core, most at the same moment: queues at every link into it, decided
// by arrival time and the seeded ties.
TEST(ScNoc, HotSpotWithQueueingEqualsPacket)
{
    NocBoard b("nahuku32");
    NocNet sc(b.topo(), &le_noc_systemc_mode, 5), pk(b.topo(), LE_NOC_PACKET, 5);
    const le_topo &t = b.topo();
    std::mt19937 rng(9);
    const uint32_t hot = core_at(1, 3, 2, 1);
    for (int round = 0; round < 4; round++) {
        Traffic p;
        for (uint32_t c = 0; c < 2 * 128; c++) // every core of chips 0 and 1, some twice
            for (uint32_t k = 0; k < 1 + c % 3; k++)
                p.add(c, hot, round % 2 ? 0 : (int64_t)(rng() % 20) * 1000);
        for (uint32_t chip = 0; chip < t.g.n_chips; chip++) // every x86 of the board
            p.add(LE_SRC_X86(chip), hot, (int64_t)(rng() % 3) * 4100);
        for (uint32_t k = 0; k < 300; k++) // and cores anywhere
            p.add(rng() % t.n_cores, hot, 0);
        expect_same(sc, pk, p, ("round " + std::to_string(round)).c_str());
        if (::testing::Test::HasFatalFailure())
            return;
    }
    expect_same_tallies(sc, pk);
}

TEST(ScNoc, SecondNetworkInOneProcessIsAnError)
{
    NocBoard b("kapoho-bay");
    le_noc *n1 = nullptr, *n2 = nullptr;
    le_error err{};
    ASSERT_EQ(le_noc_create(&b.topo(), &le_noc_systemc_mode, 1, &n1, &err), LE_OK) << err.msg;
    EXPECT_EQ(le_noc_create(&b.topo(), &le_noc_systemc_mode, 1, &n2, &err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("one elaboration per process"), std::string::npos) << err.msg;
    EXPECT_EQ(n2, nullptr);
    le_noc_free(n1);
    EXPECT_EQ(le_noc_create(&b.topo(), &le_noc_systemc_mode, 1, &n2, &err), LE_ERR_USAGE);
    // The C modes are unaffected.
    ASSERT_EQ(le_noc_create(&b.topo(), LE_NOC_PACKET, 1, &n2, &err), LE_OK);
    le_noc_free(n2);
}

TEST(ScNoc, SendBeforeThePhaseOriginIsAnError)
{
    NocBoard b("kapoho-bay");
    NocNet sc(b.topo(), &le_noc_systemc_mode);
    Traffic p;
    p.add(0, 5, 100);
    p.add(0, 6, -1);
    int64_t done = 0;
    le_error err{};
    EXPECT_EQ(le_noc_deliver(sc.noc, p.pk.data(), p.send.data(), 2, &done, &err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("packet 1 sent at -1 ps"), std::string::npos) << err.msg;
    EXPECT_EQ(le_noc_packets(sc.noc), 0u); // nothing tallied
}

TEST(ScNoc, ModesRegisterOnce)
{
    le_error err{};
    EXPECT_EQ(le_noc_mode_find("systemc"), nullptr);
    ASSERT_EQ(le_noc_systemc_register(&err), LE_OK) << err.msg;
    EXPECT_EQ(le_noc_mode_find("systemc"), &le_noc_systemc_mode);
    ASSERT_NE(le_noc_mode_find("systemc:rr"), nullptr);
    char names[256];
    le_noc_mode_names(names, sizeof names);
    EXPECT_STREQ(names, "load, packet, systemc, systemc:rr");
    const le_noc_mode *m = nullptr;
    EXPECT_EQ(le_noc_mode_lookup("systemc:xy", &m, &err), LE_ERR_USAGE);
    EXPECT_STREQ(err.msg, "unknown network mode 'systemc:xy' (known: load, packet, systemc, systemc:rr)");
    EXPECT_EQ(le_noc_systemc_register(&err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("already registered"), std::string::npos) << err.msg;
    // A router added to the factory brings its own mode.
    ASSERT_EQ(le_scnoc::add_router("dor2", "dor again", le_scnoc::make_dor_router, &err), LE_OK) << err.msg;
    ASSERT_NE(le_noc_mode_find("systemc:dor2"), nullptr);
    EXPECT_EQ(le_scnoc::add_router("rr", "twice", le_scnoc::make_rr_router, &err), LE_ERR_USAGE);
}

// A router from the factory under another name behaves as that router.
TEST(ScNoc, FactoryRouterUnderAnotherName)
{
    le_error err{};
    ASSERT_EQ(le_scnoc::add_router("dor2", "dor again", le_scnoc::make_dor_router, &err), LE_OK) << err.msg;
    NocBoard b("2x2");
    NocNet sc(b.topo(), le_noc_mode_find("systemc:dor2"), 4), pk(b.topo(), LE_NOC_PACKET, 4);
    std::mt19937 rng(2);
    for (int ph = 0; ph < 5; ph++)
        expect_same(sc, pk, random_traffic(b.topo(), rng, 2000, 20000), "dor2");
}

} // namespace
