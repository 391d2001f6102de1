// Placement: compartments (AHP pairs), per_core, explicit cores, and moving on to a new core
// before the compartment, input-axon or synapse-memory limit of a core is exceeded. The
// synapse-memory expectations follow the spec §3.3 count, done by hand here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "board/board.h"
#include "core/limits.h"
#include "run/sim.h"
#include "place/configure.h"
#include "place/estimate.h"
#include "place/placement.h"

namespace {

struct Net {
    le_network n;
    Net() { le_network_init(&n); }
    ~Net() { le_network_free(&n); }
    uint32_t pop(const char *name, le_pop_kind kind, uint32_t size, int32_t first_core = -1, uint32_t per_core = 0)
    {
        le_population p = le_population_default(name, kind, size);
        p.first_core = first_core;
        p.per_core = per_core;
        if (kind == LE_POP_AHP)
            p.ahp_weight = -10;
        uint32_t idx = 0;
        le_error e;
        EXPECT_EQ(le_network_add_pop(&n, &p, &idx, &e), LE_OK) << e.msg;
        return idx;
    }
    // One synapse per (s, d) pair listed, weight 1.
    void conn(uint32_t a, uint32_t b, const std::vector<std::pair<uint32_t, uint32_t>> &pairs)
    {
        le_connection c;
        std::memset(&c, 0, sizeof c);
        c.src_pop = a;
        c.dst_pop = b;
        c.n = (uint32_t)pairs.size();
        c.src = (uint32_t *)std::malloc(sizeof(uint32_t) * (c.n + 1));
        c.dst = (uint32_t *)std::malloc(sizeof(uint32_t) * (c.n + 1));
        c.weight = (int16_t *)std::malloc(sizeof(int16_t) * (c.n + 1));
        for (uint32_t k = 0; k < c.n; k++) {
            c.src[k] = pairs[k].first;
            c.dst[k] = pairs[k].second;
            c.weight[k] = 1;
        }
        c.weight_bits = 8;
        le_error e;
        ASSERT_EQ(le_network_add_conn(&n, &c, &e), LE_OK) << e.msg;
    }
};

struct Placed {
    le_placement pl;
    le_code rc;
    le_error e;
    Placed(const le_network *n, const le_board_geom &g, const le_place_opts *o = nullptr,
           const le_limits *lim = le_limits_loihi1())
    {
        rc = le_place_with(n, &g, lim, o, &pl, &e);
    }
    ~Placed()
    {
        if (rc == LE_OK)
            le_placement_free(&pl);
    }
    uint32_t core(uint32_t p, uint32_t k) const { return pl.core[pl.pop_base[p] + k]; }
    uint32_t cx(uint32_t p, uint32_t k) const { return pl.cx[pl.pop_base[p] + k]; }
};

le_board_geom two_chips()
{
    le_board_geom g = le_board_geom_single_chip();
    std::strcpy(g.name, "two-chips");
    g.chip_cols = 2;
    g.n_chips = 2;
    return g;
}

// Spec §3.3: blocks of up to 64 synapses, each n * (weight + delay + index bits) + 10 header
// bits rounded up to 64; sparse index bits = 6..12, enough for the core's compartments.
uint64_t spec_axon_bits(uint32_t n, uint32_t wbits, uint32_t n_cx)
{
    uint32_t idx = 6;
    while (idx < 12 && (1u << idx) < n_cx)
        idx++;
    uint64_t bits = 0;
    for (uint32_t i = 0; i < n; i += 64) {
        uint32_t k = n - i < 64 ? n - i : 64;
        bits += (k * (wbits + idx) + 10 + 63) / 64 * 64;
    }
    return bits;
}

} // namespace

TEST(Placement, AhpNeuronsTakeCompartmentPairsAndInputsGetNoCore)
{
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 4);
    uint32_t ahp = net.pop("ahp", LE_POP_AHP, 3);
    uint32_t lif = net.pop("lif", LE_POP_LIF, 2);
    le_board_geom g = le_board_geom_single_chip();
    Placed p(&net.n, g);
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    for (uint32_t k = 0; k < 4; k++)
        EXPECT_EQ(p.core(in, k), LE_NO_CORE);
    // aux at 0, 2, 4; main at 1, 3, 5; then the LIF neurons at 6 and 7, all on core 0.
    for (uint32_t k = 0; k < 3; k++) {
        EXPECT_EQ(p.core(ahp, k), 0u);
        EXPECT_EQ(p.cx(ahp, k), 2 * k + 1);
    }
    EXPECT_EQ(p.cx(lif, 0), 6u);
    EXPECT_EQ(p.cx(lif, 1), 7u);
    EXPECT_EQ(p.pl.n_cores_used, 1u);
    EXPECT_EQ(p.pl.input_chip[in], 0);
    EXPECT_EQ(p.pl.input_chip[ahp], -1);
}

TEST(Placement, PerCoreCapsNeuronsPerCore)
{
    Net net;
    uint32_t a = net.pop("a", LE_POP_LIF, 10, -1, 4);
    uint32_t b = net.pop("b", LE_POP_LIF, 3);
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    const uint32_t want[10] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
    for (uint32_t k = 0; k < 10; k++) {
        EXPECT_EQ(p.core(a, k), want[k]) << k;
        EXPECT_EQ(p.cx(a, k), k % 4) << k;
    }
    // The next population fills the rest of core 2 (its own cap does not apply to 'a').
    for (uint32_t k = 0; k < 3; k++) {
        EXPECT_EQ(p.core(b, k), 2u);
        EXPECT_EQ(p.cx(b, k), 2 + k);
    }
    EXPECT_EQ(p.pl.n_cores_used, 3u);
}

TEST(Placement, MovesOnWhenCompartmentsRunOut)
{
    Net net;
    uint32_t l = net.pop("l", LE_POP_LIF, 1500);
    uint32_t a = net.pop("a", LE_POP_AHP, 600);
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    EXPECT_EQ(p.core(l, 1023), 0u);
    EXPECT_EQ(p.cx(l, 1023), 1023u);
    EXPECT_EQ(p.core(l, 1024), 1u);
    EXPECT_EQ(p.cx(l, 1499), 475u);
    // Core 1 has 476 compartments used: 548 left = 274 AHP pairs.
    EXPECT_EQ(p.core(a, 273), 1u);
    EXPECT_EQ(p.cx(a, 273), 476u + 2 * 273 + 1);
    EXPECT_EQ(p.core(a, 274), 2u);
    EXPECT_EQ(p.cx(a, 274), 1u);
    EXPECT_EQ(p.core(a, 599), 2u);
    EXPECT_EQ(p.pl.n_cores_used, 3u);
}

TEST(Placement, MovesOnBeforeInputAxonsRunOut)
{
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 5000);
    uint32_t l = net.pop("l", LE_POP_LIF, 3);
    std::vector<std::pair<uint32_t, uint32_t>> pr;
    for (uint32_t s = 0; s < 2500; s++) // neuron 0 <- inputs 0..2499, neuron 1 <- 2500..4999
        pr.push_back({s, 0});
    for (uint32_t s = 2500; s < 5000; s++)
        pr.push_back({s, 1});
    for (uint32_t s = 0; s < 1000; s++) // neuron 2 <- inputs 0..999: 3500 axons with neuron 1
        pr.push_back({s, 2});
    net.conn(in, l, pr);
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    // 2500 + 2500 distinct sources > 4096: neuron 1 opens core 1; neuron 2 adds 1000 there.
    EXPECT_EQ(p.core(l, 0), 0u);
    EXPECT_EQ(p.core(l, 1), 1u);
    EXPECT_EQ(p.core(l, 2), 1u);
}

TEST(Placement, AhpSelfSynapseUsesAnInputAxon)
{
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 4096);
    uint32_t a = net.pop("a", LE_POP_AHP, 2);
    std::vector<std::pair<uint32_t, uint32_t>> pr;
    for (uint32_t s = 0; s < 2048; s++)
        pr.push_back({s, 0});
    for (uint32_t s = 2048; s < 4096; s++)
        pr.push_back({s, 1});
    net.conn(in, a, pr);
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    // 2048 sources + its own AHP axon = 2049 per neuron; two would need 4098 > 4096.
    EXPECT_EQ(p.core(a, 0), 0u);
    EXPECT_EQ(p.core(a, 1), 1u);
}

TEST(Placement, MovesOnBeforeSynapseMemoryRunsOut)
{
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 1024);
    uint32_t l = net.pop("l", LE_POP_LIF, 200);
    std::vector<std::pair<uint32_t, uint32_t>> pr;
    for (uint32_t s = 0; s < 1024; s++)
        for (uint32_t d = 0; d < 200; d++)
            pr.push_back({s, d});
    net.conn(in, l, pr);
    // Hand count: m neurons on a core give 1024 axons of m synapses each.
    const uint64_t limit = le_limits_loihi1()->synapse_bits_per_core;
    uint32_t m = 0;
    while (1024 * spec_axon_bits(m + 1, 8, m + 1) <= limit)
        m++;
    ASSERT_EQ(m, 64u); // 64: 1024 x (64 x 14 + 10 -> 960) bits; 65 needs 7 index bits and a second block
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    for (uint32_t k = 0; k < 200; k++)
        EXPECT_EQ(p.core(l, k), k / m) << k;
    EXPECT_EQ(p.pl.n_cores_used, (200 + m - 1) / m);
    // The chip configuration accepts every core.
    le_sim *sim = nullptr;
    le_error e;
    le_board_geom g = le_board_geom_single_chip();
    ASSERT_EQ(le_sim_create(&net.n, &p.pl, &g, le_limits_loihi1(), &sim, &e), LE_OK) << e.msg;
    EXPECT_EQ(le_sim_core(sim, 0)->syn_bits, 1024 * spec_axon_bits(64, 8, 64));
    le_sim_free(sim);
}

TEST(Placement, ExplicitCoresAreKeptAndSkippedByAutomaticPlacement)
{
    Net net;
    uint32_t a = net.pop("auto1", LE_POP_LIF, 1100);
    uint32_t x = net.pop("explicit", LE_POP_LIF, 7, 1, 3);
    uint32_t b = net.pop("auto2", LE_POP_LIF, 2);
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    const uint32_t want[7] = {1, 1, 1, 2, 2, 2, 3};
    for (uint32_t k = 0; k < 7; k++) {
        EXPECT_EQ(p.core(x, k), want[k]);
        EXPECT_EQ(p.cx(x, k), k % 3);
    }
    // auto1: 1024 on core 0, the rest on core 4 (cores 1..3 are claimed); auto2 follows.
    EXPECT_EQ(p.core(a, 1023), 0u);
    EXPECT_EQ(p.core(a, 1024), 4u);
    EXPECT_EQ(p.cx(a, 1024), 0u);
    EXPECT_EQ(p.core(b, 0), 4u);
    EXPECT_EQ(p.cx(b, 0), 76u);
    EXPECT_EQ(p.pl.n_cores_used, 5u);
}

TEST(Placement, InputChipIsExplicitOrThatOfTheFirstTarget)
{
    Net net;
    uint32_t i1 = net.pop("i1", LE_POP_INPUT, 2);
    uint32_t i2 = net.pop("i2", LE_POP_INPUT, 2);
    uint32_t far = net.pop("far", LE_POP_LIF, 2, 130, 0); // core 2 of chip 1
    net.n.pops[i2].chip = 0;
    net.conn(i1, far, {{0, 1}});
    net.conn(i2, far, {{1, 0}});
    le_board_geom g = two_chips();
    Placed p(&net.n, g);
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    EXPECT_EQ(p.core(far, 0), 130u);
    EXPECT_EQ(p.pl.input_chip[i1], 1);
    EXPECT_EQ(p.pl.input_chip[i2], 0);
    net.n.pops[i2].chip = 2;
    Placed q(&net.n, g);
    EXPECT_EQ(q.rc, LE_ERR_CONFIG);
    EXPECT_NE(std::strstr(q.e.msg, "chip 2"), nullptr) << q.e.msg;
}

TEST(Placement, TooManyCoresIsAnErrorNamingThePopulation)
{
    Net net;
    net.pop("small", LE_POP_LIF, 10);
    net.pop("huge", LE_POP_LIF, 128 * 1024); // 10 + 131072 compartments: 129 cores
    Placed p(&net.n, le_board_geom_single_chip());
    ASSERT_EQ(p.rc, LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(p.e.msg, "'huge'"), nullptr) << p.e.msg;
    EXPECT_NE(std::strstr(p.e.msg, "needs 129 cores"), nullptr) << p.e.msg;
    EXPECT_NE(std::strstr(p.e.msg, "has 128"), nullptr) << p.e.msg;

    Net net2;
    net2.pop("x", LE_POP_LIF, 25, 127, 10); // cores 127, 128, 129
    Placed q(&net2.n, le_board_geom_single_chip());
    ASSERT_EQ(q.rc, LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(q.e.msg, "'x'"), nullptr) << q.e.msg;
    EXPECT_NE(std::strstr(q.e.msg, "needs 130 cores"), nullptr) << q.e.msg;
}

TEST(Placement, ExplicitOverfullCoreIsRejectedByTheCoreBuild)
{
    Net net;
    net.pop("x", LE_POP_AHP, 300, 0, 300); // 600 compartments on core 0
    net.pop("y", LE_POP_LIF, 600, 0, 600); // 600 more on the same core
    le_board_geom g = le_board_geom_single_chip();
    Placed p(&net.n, g);
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    le_sim *sim = nullptr;
    le_error e;
    EXPECT_EQ(le_sim_create(&net.n, &p.pl, &g, le_limits_loihi1(), &sim, &e), LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(e.msg, "population 'x' (neurons 0..299), population 'y' (neurons 0..599)"), nullptr)
        << e.msg;
    EXPECT_NE(std::strstr(e.msg, "1200"), nullptr) << e.msg;
    EXPECT_EQ(sim, nullptr);
}

// --- output axons: 2048 per core when a target is on another chip, 4096 when all are on chip ---

namespace {

// 1000 sources, each feeding 8 target neurons on 8 explicit cores starting at far_core.
struct FanNet {
    Net net;
    uint32_t src, far;
    explicit FanNet(int32_t far_core)
    {
        src = net.pop("src", LE_POP_LIF, 1000);
        far = net.pop("far", LE_POP_LIF, 8, far_core, 1);
        std::vector<std::pair<uint32_t, uint32_t>> pr;
        for (uint32_t s = 0; s < 1000; s++)
            for (uint32_t d = 0; d < 8; d++)
                pr.push_back({s, d});
        net.conn(src, far, pr);
    }
};

} // namespace

TEST(Placement, OffChipOutputAxonLimitOf2048Binds)
{
    // Targets on chip 1 (cores 128..135): each source neuron has 8 output axons, all off-chip,
    // so a core holds 2048 / 8 = 256 of them (compartments and input axons do not bind:
    // the sources have no inputs). 1000 = 256 + 256 + 256 + 232 on cores 0..3.
    FanNet f(128);
    le_board_geom g = two_chips();
    Placed p(&f.net.n, g);
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    for (uint32_t k = 0; k < 1000; k++)
        ASSERT_EQ(p.core(f.src, k), k / 256) << k;
    le_sim *sim = nullptr;
    le_error e;
    ASSERT_EQ(le_sim_create(&f.net.n, &p.pl, &g, le_limits_loihi1(), &sim, &e), LE_OK) << e.msg;
    EXPECT_EQ(le_sim_core(sim, 0)->n_out_axons, 2048u);
    EXPECT_EQ(le_sim_core(sim, 3)->n_out_axons, 232u * 8);
    le_sim_free(sim);
}

TEST(Placement, OnChipOutputAxonLimitIs4096)
{
    // Targets on chip 0 (cores 8..15, claimed): 4096 / 8 = 512 sources per core, on cores 0, 1.
    FanNet f(8);
    le_board_geom g = two_chips();
    Placed p(&f.net.n, g);
    ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
    for (uint32_t k = 0; k < 1000; k++)
        ASSERT_EQ(p.core(f.src, k), k / 512) << k;
    le_sim *sim = nullptr;
    le_error e;
    ASSERT_EQ(le_sim_create(&f.net.n, &p.pl, &g, le_limits_loihi1(), &sim, &e), LE_OK) << e.msg;
    EXPECT_EQ(le_sim_core(sim, 0)->n_out_axons, 4096u);
    le_sim_free(sim);
}

TEST(Placement, OutputAxonsThatCannotFitAreAnErrorNamingPopulationCoreAndLimit)
{
    // One refinement pass allowed: the first pass packs 1000 sources on one core (8000 axons).
    FanNet f(128);
    le_board_geom g = two_chips();
    le_place_opts o = {nullptr, 0, 1};
    Placed p(&f.net.n, g, &o);
    ASSERT_EQ(p.rc, LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(p.e.msg, "population 'src' on core 0 of chip 0"), nullptr) << p.e.msg;
    EXPECT_NE(std::strstr(p.e.msg, "output axons 8000 exceed the limit of 2048"), nullptr) << p.e.msg;
}

// --- named placement caps ---

TEST(Placement, SynapseCapPerCoreChangesTheMapping)
{
    // 100 neurons, each fed by all 64 inputs: 64 synapses per neuron.
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 64);
    uint32_t l = net.pop("l", LE_POP_LIF, 100);
    std::vector<std::pair<uint32_t, uint32_t>> pr;
    for (uint32_t s = 0; s < 64; s++)
        for (uint32_t d = 0; d < 100; d++)
            pr.push_back({s, d});
    net.conn(in, l, pr);
    le_board_geom g = le_board_geom_single_chip();
    Placed none(&net.n, g);
    ASSERT_EQ(none.rc, LE_OK) << none.e.msg;
    EXPECT_EQ(none.pl.n_cores_used, 1u); // 6400 synapses, 102,400 bits: no hardware limit binds
    for (uint64_t cap : {1000ull, 2000ull}) {
        le_place_cap c;
        std::memset(&c, 0, sizeof c);
        std::strcpy(c.pop, "l");
        c.synapses_per_core = cap;
        le_place_opts o = {&c, 1, 0};
        Placed p(&net.n, g, &o);
        ASSERT_EQ(p.rc, LE_OK) << p.e.msg;
        const uint32_t per = (uint32_t)(cap / 64); // 15 (960 synapses) or 31 (1984)
        for (uint32_t k = 0; k < 100; k++)
            ASSERT_EQ(p.core(l, k), k / per) << cap << " " << k;
        EXPECT_EQ(p.pl.n_cores_used, (100 + per - 1) / per);
    }
    le_place_cap bad;
    std::memset(&bad, 0, sizeof bad);
    std::strcpy(bad.pop, "nope");
    bad.synapses_per_core = 10;
    le_place_opts o = {&bad, 1, 0};
    Placed q(&net.n, g, &o);
    EXPECT_EQ(q.rc, LE_ERR_CONFIG);
    EXPECT_NE(std::strstr(q.e.msg, "'nope'"), nullptr) << q.e.msg;
}

// --- a core filled one neuron at a time, with undo across a change of the index field ---

// Synapse memory of one sparse axon, block by block as spec §3.3 counts it: blocks of 64
// synapses behind a 10-bit header, each rounded up to 64-bit words.
static uint64_t sparse_axon_bits(uint32_t n, uint32_t bits_per_synapse)
{
    uint64_t t = 0;
    while (n) {
        uint32_t k = n < 64 ? n : 64;
        t += (k * bits_per_synapse + 10 + 63) / 64 * 64;
        n -= k;
    }
    return t;
}

TEST(Placement, CoreEstimateUndoAcrossTheIndexFieldsGrowth)
{
    // 4 inputs, each reaching all 70 neurons of `out`: on a core, 4 axons of one synapse per
    // neuron there. 8-bit weights, no delay: 8 + index bits per synapse, the index field 6 bits
    // up to 64 compartments and 7 from 65.
    Net net;
    uint32_t in = net.pop("in", LE_POP_INPUT, 4), out = net.pop("out", LE_POP_LIF, 70);
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (uint32_t d = 0; d < 70; d++)
        for (uint32_t s = 0; s < 4; s++)
            pairs.push_back({s, d});
    net.conn(in, out, pairs);
    const uint32_t base[3] = {0, 4, 74};
    le_error e;
    le_in_edges ie;
    ASSERT_EQ(le_in_edges_build(&net.n, base, nullptr, &ie, &e), LE_OK) << e.msg;
    le_core_est est;
    ASSERT_EQ(le_core_est_init(&est, le_limits_loihi1(), &ie, &e), LE_OK) << e.msg;
    le_core_est_open(&est, 0);
    for (uint32_t k = 0; k < 64; k++)
        ASSERT_EQ(le_core_est_add(&est, 4 + k, k, k + 1, 0, 0, &e), LE_OK) << e.msg;
    EXPECT_EQ(est.u.in_axons, 4u);
    EXPECT_EQ(est.u.syn_bits, 4 * sparse_axon_bits(64, 8 + 6)); // 4 * 960
    // The 65th compartment widens every axon's index field to 7 bits ...
    ASSERT_EQ(le_core_est_add(&est, 4 + 64, 64, 65, 0, 0, &e), LE_OK) << e.msg;
    EXPECT_EQ(est.u.syn_bits, 4 * sparse_axon_bits(65, 8 + 7));
    // ... and taking it back narrows them again, for the next neuron too: a 65th synapse per
    // axon on compartment 63 (the estimate does not ask which compartments are free).
    le_core_est_undo(&est);
    EXPECT_EQ(est.u.syn_bits, 4 * sparse_axon_bits(64, 8 + 6));
    ASSERT_EQ(le_core_est_add(&est, 4 + 65, 63, 64, 0, 0, &e), LE_OK) << e.msg;
    EXPECT_EQ(est.u.syn_bits, 4 * sparse_axon_bits(65, 8 + 6));
    EXPECT_EQ(est.u.synapses, 4u * 65);
    le_core_est_free(&est);
    le_in_edges_free(&ie);
}

// --- the estimate equals what le_core_build counts ---

TEST(Placement, EstimateEqualsTheCoreBuildOnRandomNetworks)
{
    // Small cores (4 per chip, 48 compartments, low axon limits) so that random networks of
    // a few populations spread over several chips and every limit, the off-chip output-axon
    // one included, shapes the placement.
    le_limits lim = *le_limits_loihi1();
    lim.cores_per_chip = 4;
    lim.cx_per_core = 48;
    lim.in_axons_per_core = 96;
    lim.out_axons_per_core = 120;
    lim.out_axons_per_core_onchip = 240;
    lim.synapse_bits_per_core = 24 * 1024;
    le_board_geom g = le_board_geom_single_chip();
    std::strcpy(g.name, "small");
    g.chip_cols = 8;
    g.n_chips = 8;
    g.cores_per_chip = 4;
    int placed = 0, near_out = 0; // near_out: cores whose output axons come near the limit
    for (unsigned seed = 1; seed <= 20; seed++) {
        std::srand(seed);
        Net net;
        std::vector<uint32_t> pops;
        std::vector<uint32_t> sizes;
        uint32_t in = net.pop("in", LE_POP_INPUT, 20);
        pops.push_back(in);
        sizes.push_back(20);
        int np = 2 + std::rand() % 4;
        for (int i = 0; i < np; i++) {
            char name[16];
            std::snprintf(name, sizeof name, "p%d", i);
            le_pop_kind kind = std::rand() % 3 == 0 ? LE_POP_AHP : LE_POP_LIF;
            uint32_t size = 10 + (uint32_t)(std::rand() % 50);
            pops.push_back(net.pop(name, kind, size));
            sizes.push_back(size);
        }
        int nc = 3 + std::rand() % 6;
        for (int c = 0; c < nc; c++) {
            uint32_t a = (uint32_t)(std::rand() % (np + 1)), b = 1 + (uint32_t)(std::rand() % np);
            le_connection cn;
            std::memset(&cn, 0, sizeof cn);
            cn.src_pop = pops[a];
            cn.dst_pop = pops[b];
            cn.n = 20 + (uint32_t)(std::rand() % 200);
            cn.src = (uint32_t *)std::malloc(sizeof(uint32_t) * cn.n);
            cn.dst = (uint32_t *)std::malloc(sizeof(uint32_t) * cn.n);
            cn.weight = (int16_t *)std::malloc(sizeof(int16_t) * cn.n);
            cn.delay = (uint8_t *)std::malloc(cn.n);
            for (uint32_t k = 0; k < cn.n; k++) {
                cn.src[k] = (uint32_t)std::rand() % sizes[a];
                cn.dst[k] = (uint32_t)std::rand() % sizes[b];
                cn.weight[k] = (int16_t)(std::rand() % 100);
                cn.delay[k] = (uint8_t)(std::rand() % 3 == 0 ? std::rand() % 20 : 0);
            }
            cn.weight_bits = (uint8_t)(1 + std::rand() % 8);
            le_error e;
            ASSERT_EQ(le_network_add_conn(&net.n, &cn, &e), LE_OK) << e.msg;
        }
        Placed p(&net.n, g, nullptr, &lim);
        if (p.rc != LE_OK) {
            // Only a network that truly cannot fit may fail, with a message naming the limit.
            EXPECT_EQ(p.rc, LE_ERR_LIMIT) << seed << ": " << p.e.msg;
            continue;
        }
        placed++;
        le_chipcfg cfg;
        le_error e;
        ASSERT_EQ(le_chipcfg_build(&net.n, &p.pl, &g, &lim, &cfg, &e), LE_OK) << seed << ": " << e.msg;
        le_in_edges ie;
        ASSERT_EQ(le_in_edges_build(&net.n, p.pl.pop_base, nullptr, &ie, &e), LE_OK) << e.msg;
        std::vector<le_core_usage> u(g.n_chips * g.cores_per_chip);
        ASSERT_EQ(le_estimate_cores(&net.n, &p.pl, &g, &lim, &ie, u.data(), nullptr, nullptr, &e), LE_OK) << e.msg;
        uint32_t used = 0;
        for (uint32_t c = 0; c < u.size(); c++)
            used += u[c].n_cx > 0;
        EXPECT_EQ(used, cfg.n_cores) << seed;
        for (uint32_t i = 0; i < cfg.n_cores; i++) {
            const le_neurocore *k = &cfg.cores[i];
            const le_core_usage &x = u[k->gid];
            int off = 0;
            for (uint32_t j = 0; j < k->n_out_axons; j++)
                off |= k->out[j].core / g.cores_per_chip != k->gid / g.cores_per_chip;
            EXPECT_EQ(x.n_cx, k->n_cx) << seed << " core " << k->gid;
            EXPECT_EQ(x.in_axons, k->n_in_axons) << seed << " core " << k->gid;
            EXPECT_EQ(x.synapses, k->n_in_axons ? k->in_start[k->n_in_axons] : 0u) << seed << " core " << k->gid;
            EXPECT_EQ(x.syn_bits, k->syn_bits) << seed << " core " << k->gid;
            EXPECT_EQ(x.out_axons, k->n_out_axons) << seed << " core " << k->gid;
            EXPECT_EQ(x.off_chip, off) << seed << " core " << k->gid;
            if (x.out_axons > lim.out_axons_per_core / 2)
                near_out++;
        }
        le_in_edges_free(&ie);
        le_chipcfg_free(&cfg);
    }
    EXPECT_GE(placed, 15);
    EXPECT_GT(near_out, 0);
    std::printf("random networks: %d of 20 placed, %d cores with more than half the off-chip output axons\n", placed,
                near_out);
}

namespace {

// Two chips' worth of populations, with connections listed in no order of their target cores
// (so that a core's synapses come from connections far apart), an AHP population (its self
// synapses) and an input population.
void consume_net(Net &net)
{
    uint32_t in = net.pop("in", LE_POP_INPUT, 40);
    uint32_t a = net.pop("a", LE_POP_LIF, 300, 0, 100);      // cores 0..2 of chip 0
    uint32_t h = net.pop("h", LE_POP_AHP, 60, 130, 30);      // chip 1
    uint32_t b = net.pop("b", LE_POP_LIF, 200, 140, 50);     // chip 1
    for (uint32_t p : {a, b}) { // tonic firing, for spikes to compare
        net.n.pops[p].main.bias_mant = 200;
        net.n.pops[p].main.bias_exp = 6;
        net.n.pops[p].main.vth_mant = 20;
    }
    std::vector<std::pair<uint32_t, uint32_t>> pr;
    uint64_t st = 12345;
    auto next = [&st](uint32_t m) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        return (uint32_t)(st >> 33) % m;
    };
    const uint32_t pops[4] = {in, a, h, b}, sizes[4] = {40, 300, 60, 200};
    for (int c = 0; c < 12; c++) {
        uint32_t s = pops[next(4)], d = pops[1 + next(3)];
        pr.clear();
        for (int k = 0; k < 400; k++)
            pr.push_back({next(sizes[s == in ? 0 : s == a ? 1 : s == h ? 2 : 3]),
                          next(sizes[d == a ? 1 : d == h ? 2 : 3])});
        net.conn(s, d, pr);
    }
}

void expect_same_cores(const le_sim *x, const le_sim *y)
{
    ASSERT_EQ(le_sim_n_cores(x), le_sim_n_cores(y));
    for (uint32_t i = 0; i < le_sim_n_cores(x); i++) {
        const le_neurocore *p = le_sim_core(x, i), *q = le_sim_core(y, i);
        ASSERT_EQ(p->n_in_axons, q->n_in_axons) << i;
        ASSERT_EQ(p->n_cx, q->n_cx) << i;
        for (uint32_t a = 0; a <= p->n_in_axons; a++)
            ASSERT_EQ(p->in_start[a], q->in_start[a]) << i << " axon " << a;
        for (uint32_t k = 0; k < p->in_start[p->n_in_axons]; k++) {
            EXPECT_EQ(p->syn[k].weight, q->syn[k].weight) << i << " synapse " << k;
            EXPECT_EQ(p->syn[k].cx, q->syn[k].cx) << i << " synapse " << k;
            EXPECT_EQ(p->syn[k].delay, q->syn[k].delay) << i << " synapse " << k;
        }
        for (uint32_t c = 0; c <= p->n_cx; c++)
            ASSERT_EQ(p->out_start[c], q->out_start[c]) << i << " compartment " << c;
        for (uint32_t o = 0; o < p->out_start[p->n_cx]; o++) {
            EXPECT_EQ(p->out[o].core, q->out[o].core) << i;
            EXPECT_EQ(p->out[o].axon, q->out[o].axon) << i;
        }
    }
}

} // namespace

// A configuration that frees each connection's synapses as it takes them (the MPI board
// mode's way of not holding a network twice) builds the same cores, whole and as a part, runs
// to the same spikes, and leaves the network's connections empty.
TEST(Configuration, ConsumingTheNetworkBuildsTheSameCores)
{
    const le_board_geom g = two_chips();
    for (int part = 0; part < 2; part++) {
        Net kept, eaten;
        consume_net(kept);
        consume_net(eaten);
        Placed pk(&kept.n, g), pe(&eaten.n, g);
        ASSERT_EQ(pk.rc, LE_OK) << pk.e.msg;
        ASSERT_EQ(pe.rc, LE_OK) << pe.e.msg;
        le_sim *x = nullptr, *y = nullptr;
        le_error e;
        ASSERT_EQ(part ? le_sim_create_part(&kept.n, &pk.pl, &g, le_limits_loihi1(), 1, 2, 1, &x, &e)
                       : le_sim_create(&kept.n, &pk.pl, &g, le_limits_loihi1(), &x, &e),
                  LE_OK)
            << e.msg;
        ASSERT_EQ(le_sim_create_consume(&eaten.n, &pe.pl, &g, le_limits_loihi1(), part, part ? 1 : 0, part ? 2 : 0, 1, &y, &e), LE_OK)
            << e.msg;
        for (uint32_t c = 0; c < eaten.n.n_conns; c++) {
            EXPECT_EQ(eaten.n.conns[c].n, 0u);
            EXPECT_EQ(eaten.n.conns[c].src, nullptr);
            EXPECT_EQ(kept.n.conns[c].n, 400u);
        }
        expect_same_cores(x, y);
        const le_chipcfg *cx = le_sim_config(x), *cy = le_sim_config(y);
        ASSERT_EQ(cx->nrn_n + cx->n_ext, cy->nrn_n + cy->n_ext);
        if (part) {
            const uint32_t S = cx->nrn_n + cx->n_ext;
            ASSERT_EQ(cx->inj_gid_start[S], cy->inj_gid_start[S]);
            EXPECT_GT(cx->inj_gid_start[S], 0u); // chip 1's neurons and the inputs have synapses on chip 0
            for (uint32_t q = 0; q <= S; q++)
                ASSERT_EQ(cx->inj_gid_start[q], cy->inj_gid_start[q]) << q;
            for (size_t j = 0; j < cx->inj_gid_start[S]; j++)
                EXPECT_EQ(cx->inj_gid[j], cy->inj_gid[j]) << j;
        }
        ASSERT_EQ(le_sim_run(x, 100, nullptr, &e), LE_OK) << e.msg;
        ASSERT_EQ(le_sim_run(y, 100, nullptr, &e), LE_OK) << e.msg;
        EXPECT_GT(le_sim_total_spikes(x), 0u);
        EXPECT_EQ(le_sim_total_spikes(x), le_sim_total_spikes(y));
        le_sim_free(x);
        le_sim_free(y);
    }
}
