// The rr router (systemc:rr): round robin over input ports, one-packet buffers on link inputs.
// On a hot spot its back-pressure delays packets that the unbounded queues of packet mode
// (and of the systemc mode's dor router) let through; worked out here by hand.
#include <algorithm>
#include <string>

#include "sc_noc_helpers.h"

namespace {

const int64_t LOCAL = 2100, EW = 4100;

// One chip. Core 0 (tile (0,0)) receives from cores 1, 2, 3 of its own tile (one packet each)
// and from core 4 (tile (1,0), one E-W hop away) four packets; all leave at 0.
Traffic hot_spot()
{
    Traffic p;
    for (uint32_t c = 1; c <= 3; c++)
        p.add(c, 0, 0);
    for (int k = 0; k < 4; k++)
        p.add(4, 0, 0);
    return p;
}

// Router (0,0)'s input ports, in spec order: 0 from E, 1 from N, 2 the x86, 3..6 cores 0..3.
// The local link into core 0 (2.1 ns) is the hot spot.
//   t=0     requests from cores 1, 2, 3: round robin from port 0 grants core 1 -> in at 2.1
//   t=2.1   core 2 -> in at 4.2
//   t=4.1   core 4's first packet reaches the E input (it left router (1,0) at 0)
//   t=4.2   requests E and core 3; the pointer is past core 2: core 3 -> in at 6.3
//   t=6.3   E -> in at 8.4. Only now does the E buffer free, and the link (1,0) W gets its
//           credit: core 4's second packet leaves at 6.3 (dor: at 4.1), reaches (0,0) at
//           10.4, goes at once -> in at 12.5; the third leaves at 10.4 -> in at 16.6; the
//           fourth leaves at 14.5 -> in at 20.7.
TEST(ScNocRr, HotSpotByHand)
{
    NocBoard b("1x1");
    ASSERT_EQ(b.topo().cls[LE_LC_LOCAL].lat_ps, LOCAL);
    ASSERT_EQ(b.topo().cls[LE_LC_LOCAL].ser_ps, LOCAL);
    ASSERT_EQ(b.topo().cls[LE_LC_EW].lat_ps, EW);
    ASSERT_EQ(b.topo().cls[LE_LC_EW].ser_ps, EW);
    le_error err{};
    ASSERT_EQ(le_noc_systemc_register(&err), LE_OK) << err.msg;
    NocNet rr(b.topo(), le_noc_mode_find("systemc:rr")), pk(b.topo(), LE_NOC_PACKET);
    Traffic p = hot_spot();
    std::vector<int64_t> a;
    EXPECT_EQ(rr.run(p, &a), 20700);
    std::vector<int64_t> want{2100, 4200, 6300, 8400, 12500, 16600, 20700};
    EXPECT_EQ(a, want);

    // Packet mode: core 4's packets leave router (1,0) every 4.1 ns and queue at (0,0) behind
    // the three local ones: the local link takes them at 6.3, max(8.4, 8.2), 12.3 and 16.4.
    std::vector<int64_t> b_arr;
    EXPECT_EQ(pk.run(p, &b_arr), 18500);
    std::sort(b_arr.begin(), b_arr.end()); // same-time packets go in seeded order
    std::vector<int64_t> want_pk{2100, 4200, 6300, 8400, 10500, 14400, 18500};
    EXPECT_EQ(b_arr, want_pk);
}

// Random traffic over 32 chips: everything arrives (no deadlock), over le_route's paths.
TEST(ScNocRr, DeliversRandomTrafficOverTheSamePaths)
{
    le_error err{};
    ASSERT_EQ(le_noc_systemc_register(&err), LE_OK) << err.msg;
    NocBoard b("nahuku32");
    NocNet rr(b.topo(), le_noc_mode_find("systemc:rr"), 3), pk(b.topo(), LE_NOC_PACKET, 3);
    std::mt19937 rng(8);
    int slower = 0;
    for (int ph = 0; ph < 30; ph++) {
        Traffic p = random_traffic(b.topo(), rng, 1 + rng() % 3000, (int64_t)(rng() % 3) * 50000);
        int64_t dr = rr.run(p), dp = pk.run(p);
        ASSERT_GT(dr, 0);
        slower += dr > dp;
    }
    EXPECT_GT(slower, 0); // small buffers cost time somewhere
    expect_same_tallies(rr, pk);
}

} // namespace
