// Every per-core limit of le_limits (spec §3.2, §3.3, lead's semantics): at the limit the
// core builds; one over fails with an error that names the core, the limit, the value asked
// and the maximum. Sizes are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/neurocore.h"
#include "tests/core_fixture.hpp"

namespace {

::testing::AssertionResult Contains(const std::string &msg, const std::string &part)
{
    if (msg.find(part) != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\"" << msg << "\" lacks \"" << part << "\"";
}

} // namespace

TEST(Limits, Loihi1FiguresMatchTheSpec)
{
    const le_limits *L = le_limits_loihi1();
    EXPECT_EQ(L->cores_per_chip, 128u);
    EXPECT_EQ(L->cx_per_core, 1024u);
    EXPECT_EQ(L->in_axons_per_core, 4096u);
    EXPECT_EQ(L->out_axons_per_core, 2048u);
    EXPECT_EQ(L->out_axons_per_core_onchip, 4096u);
    EXPECT_EQ(L->dest_cores_per_neuron, 512u);
    EXPECT_EQ(L->synapse_bits_per_core, 1048576u); // 16384 words x 64 bits
    EXPECT_EQ(L->max_delay, 62u);
    EXPECT_EQ(L->weight_exp_min, -8);
    EXPECT_EQ(L->weight_exp_max, 7);
    EXPECT_EQ(L->dendrite_acc_bits, 22u);
    EXPECT_EQ(L->synapses_per_block, 64u);
    EXPECT_EQ(L->block_header_bits, 10u);
    EXPECT_EQ(L->sram_word_bits, 64u);
}

// --- compartments ---

TEST(Limits, Compartments1024BuildAnd1025Fail)
{
    CoreFixture ok;
    ok.cx(1024);
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;

    CoreFixture bad;
    bad.gid = 133; // chip 133 / 128 = 1, core 133 % 128 = 5
    bad.cx(1025);
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg), "core 5 of chip 1: compartments 1025 exceed the limit of 1024 per core");
}

TEST(Limits, FiveHundredTwelveAhpNeuronsFillACore)
{
    // 512 two-compartment neurons = 1024 compartments [seed main text].
    CoreFixture c;
    le_profile aux = le_profile_default(), main = le_profile_default();
    aux.stack_out = 1;
    main.join_op = LE_JOIN_ADD;
    c.profiles = {aux, main};
    for (int n = 0; n < 512; n++) {
        c.cx_profile.push_back(0);
        c.cx_profile.push_back(1);
    }
    EXPECT_EQ(c.build(), LE_OK) << c.err.msg;
}

// --- input axons ---

TEST(Limits, InputAxons4096BuildAnd4097Fail)
{
    CoreFixture ok;
    ok.cx(1);
    for (int a = 0; a < 4096; a++)
        ok.axon({});
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;

    CoreFixture bad;
    bad.cx(1);
    for (int a = 0; a < 4097; a++)
        bad.axon({});
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg), "core 0 of chip 0: input axons 4097 exceed the limit of 4096 per core");
}

// --- output axons ---

namespace {

// n_cx compartments sharing `total` output axons round-robin; targets from `dst(i)`.
template <class F> void spread_outputs(CoreFixture &c, uint32_t n_cx, uint32_t total, F dst)
{
    c.cx(n_cx);
    std::vector<std::vector<le_axon_dst>> per(n_cx);
    for (uint32_t i = 0; i < total; i++)
        per[i % n_cx].push_back(dst(i));
    c.out_start = {0};
    for (auto &v : per) {
        c.out.insert(c.out.end(), v.begin(), v.end());
        c.out_start.push_back((uint32_t)c.out.size());
    }
}

} // namespace

TEST(Limits, OutputAxonsOffChip2048)
{
    // Core 0 of chip 0; one target, core gid 131 = core 3 of chip 1, makes the 2048 rule apply.
    auto dst = [](uint32_t i) { return le_axon_dst{i == 0 ? 131u : 1u + i % 100u, i}; };
    CoreFixture ok;
    spread_outputs(ok, 1024, 2048, dst);
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;
    EXPECT_EQ(ok.core.n_out_axons, 2048u);

    CoreFixture bad;
    spread_outputs(bad, 1024, 2049, dst);
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    std::string m = bad.err.msg;
    EXPECT_TRUE(Contains(m, "core 0 of chip 0: output axons 2049 exceed the limit of 2048 per core"));
    EXPECT_TRUE(Contains(m, "some targets are on another chip"));
    EXPECT_TRUE(Contains(m, "4096 applies only when all targets are on chip 0"));
}

TEST(Limits, OutputAxonsOnChip4096)
{
    // All targets on chip 0 (gids 1..100): 2049 and 4096 build, 4097 fails.
    auto dst = [](uint32_t i) { return le_axon_dst{1u + i % 100u, i}; };
    CoreFixture mid;
    spread_outputs(mid, 1024, 2049, dst);
    EXPECT_EQ(mid.build(), LE_OK) << mid.err.msg;

    CoreFixture ok;
    spread_outputs(ok, 1024, 4096, dst);
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;

    CoreFixture bad;
    spread_outputs(bad, 1024, 4097, dst);
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg),
              "core 0 of chip 0: output axons 4097 exceed the limit of 4096 per core (all targets on chip 0)");
}

TEST(Limits, OnChipMeansTheCoresOwnChip)
{
    // Core gid 300 is core 44 of chip 2; targets 256..383 are all on chip 2: 4096 builds.
    auto same = [](uint32_t i) { return le_axon_dst{256u + i % 128u, i}; };
    CoreFixture ok;
    ok.gid = 300;
    spread_outputs(ok, 1024, 4096, same);
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;
    // The same counts sent to chip 0 (gids 0..127) from chip 2 are off-chip: 2048 rule.
    auto other = [](uint32_t i) { return le_axon_dst{i % 128u, i}; };
    CoreFixture bad;
    bad.gid = 300;
    spread_outputs(bad, 1024, 2049, other);
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_TRUE(Contains(bad.err.msg, "core 44 of chip 2: output axons 2049 exceed the limit of 2048"));
}

// --- fan-out ---

TEST(Limits, FanOut512DestinationCores)
{
    // One compartment sending to gids 0..511 (chips 0..3): 512 distinct cores build.
    CoreFixture ok;
    spread_outputs(ok, 1, 512, [](uint32_t i) { return le_axon_dst{i, 0}; });
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;

    // 600 entries but only 512 distinct cores (i % 512) still build: fan-out counts cores.
    CoreFixture dup;
    spread_outputs(dup, 1, 600, [](uint32_t i) { return le_axon_dst{i % 512u, i}; });
    EXPECT_EQ(dup.build(), LE_OK) << dup.err.msg;

    // 513 distinct cores fail, naming the compartment.
    CoreFixture bad;
    bad.cx(3);
    bad.out_start = {0, 0, 513, 513};
    for (uint32_t i = 0; i < 513; i++)
        bad.out.push_back({i, 0});
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg),
              "core 0 of chip 0: compartment 1 sends to 513 destination cores, exceeding the fan-out limit of 512");
}

// --- synapse memory ---

namespace {

// 1024 axons of 63 synapses each (one of them 64 when `one_more`), 8-bit weights, 2 delay
// bits (delays 0..3), sparse, on a core of 64 compartments (6 index bits).
void fill_sram(CoreFixture &c, bool one_more)
{
    c.cx(64);
    for (uint32_t a = 0; a < 1024; a++) {
        std::vector<le_synapse> s;
        uint32_t n = (one_more && a == 0) ? 64 : 63;
        for (uint32_t i = 0; i < n; i++)
            s.push_back(S(64, (uint16_t)(i % 64), (uint8_t)(i % 4)));
        c.axon(s);
        c.in_fmt.push_back({8, 2, 0, 0});
    }
}

} // namespace

TEST(Limits, SynapseMemoryExactlyFull)
{
    // Bits per synapse 8 + 2 + 6 = 16. One block of 63: 63 * 16 + 10 = 1018 -> 16 words = 1024.
    // 1024 axons * 1024 bits = 1,048,576 = the limit exactly.
    CoreFixture ok;
    fill_sram(ok, false);
    ASSERT_EQ(ok.build(), LE_OK) << ok.err.msg;
    EXPECT_EQ(ok.core.syn_bits, 1048576u);
    EXPECT_EQ(ok.core.n_slots, 4u);

    // A 64th synapse on axon 0: 64 * 16 + 10 = 1034 -> 17 words = 1088, so the core needs
    // 1048576 - 1024 + 1088 = 1048640 bits.
    CoreFixture bad;
    fill_sram(bad, true);
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg),
              "core 0 of chip 0: synapse memory 1048640 bits exceeds the limit of 1048576 bits per core");
}

// --- delays ---

TEST(Limits, Delay62BuildsAnd63Fails)
{
    CoreFixture ok;
    ok.cx(4);
    ok.axon({S(64, 0, 0), S(64, 1, 62)});
    ASSERT_EQ(ok.build(), LE_OK) << ok.err.msg;
    EXPECT_EQ(ok.core.n_slots, 63u);

    CoreFixture bad;
    bad.cx(4);
    bad.axon({});
    bad.axon({S(64, 0, 0), S(64, 1, 63)});
    EXPECT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(std::string(bad.err.msg),
              "core 0 of chip 0: input axon 1 synapse 1 has delay 63, exceeding the maximum of 62");
}

TEST(Limits, DelayBitsMustHoldTheLargestDelay)
{
    // Delay 4 needs 3 bits (0..7); a format with 2 bits (0..3) would silently truncate it.
    CoreFixture bad;
    bad.cx(1);
    bad.axon({S(64, 0, 4)});
    bad.in_fmt.push_back({8, 2, 0, 0});
    EXPECT_EQ(bad.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(bad.err.msg, "input axon 0 stores delays in 2 bits but has a delay of 4 (needs 3 bits)"));
}

// --- consistency checks ---

TEST(Limits, SynapseTargetBeyondTheCore)
{
    CoreFixture bad;
    bad.cx(10);
    bad.axon({S(64, 10)});
    EXPECT_EQ(bad.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(bad.err.msg, "input axon 0 synapse 0 targets compartment 10 but the core has 10"));
}

TEST(Limits, WeightBeyondTheAccumulator)
{
    // 22-bit accumulator: -2097152..2097151.
    CoreFixture ok;
    ok.cx(1);
    ok.axon({S(2097151, 0), S(-2097152, 0)});
    EXPECT_EQ(ok.build(), LE_OK) << ok.err.msg;
    CoreFixture bad;
    bad.cx(1);
    bad.axon({S(2097152, 0)});
    EXPECT_EQ(bad.build(), LE_ERR_RANGE);
    EXPECT_TRUE(Contains(bad.err.msg, "weight 2097152 outside the 22-bit accumulator range -2097152..2097151"));
}

TEST(Limits, WeightBitsOutsideOneToEight)
{
    for (uint8_t wb : {0, 9}) {
        CoreFixture bad;
        bad.cx(1);
        bad.axon({S(64, 0)});
        bad.in_fmt.push_back({wb, 0, 0, 0});
        EXPECT_EQ(bad.build(), LE_ERR_RANGE);
        EXPECT_TRUE(Contains(bad.err.msg, "weight_bits " + std::to_string(wb) + ", outside 1..8"));
    }
}

TEST(Limits, ProfileIndexAndProfileRanges)
{
    CoreFixture idx;
    idx.cx(3);
    idx.cx_profile[2] = 1;
    EXPECT_EQ(idx.build(), LE_ERR_CONFIG);
    EXPECT_EQ(std::string(idx.err.msg), "core 0 of chip 0: compartment 2 uses profile 1 but the core has 1 profiles");

    CoreFixture rng;
    rng.gid = 129;
    le_profile p = le_profile_default();
    p.refract = 65;
    rng.profiles.push_back(p);
    rng.cx(1);
    EXPECT_EQ(rng.build(), LE_ERR_RANGE);
    EXPECT_EQ(std::string(rng.err.msg),
              "core 1 of chip 1: profile 1: compartment profile: refract 65 is outside its register range 1..64");
}

TEST(Limits, StackOutNeedsAJoinAddAfterIt)
{
    le_profile aux = le_profile_default(), main = le_profile_default();
    aux.stack_out = 1;
    main.join_op = LE_JOIN_ADD;

    CoreFixture last;
    last.profiles = {main, aux};
    last.cx_profile = {0, 1};
    EXPECT_EQ(last.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(last.err.msg, "compartment 1 is the last one on the core and cannot push its v"));

    CoreFixture nojoin;
    nojoin.profiles = {aux, le_profile_default()};
    nojoin.cx_profile = {0, 1};
    EXPECT_EQ(nojoin.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(nojoin.err.msg,
                         "compartment 0 pushes its v (stack_out) but compartment 1 does not join it (join_op ADD)"));
}

TEST(Limits, MalformedAxonTables)
{
    CoreFixture in;
    in.cx(1);
    in.axon({S(64, 0), S(64, 0)});
    in.in_start = {0, 2, 1};
    in.syn.push_back(S(64, 0));
    EXPECT_EQ(in.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(in.err.msg, "input axon 1 ends (1) before it starts (2)"));

    CoreFixture out;
    out.cx(2);
    out.out_start = {1, 1, 1};
    out.out = {{1, 0}};
    EXPECT_EQ(out.build(), LE_ERR_CONFIG);
    EXPECT_TRUE(Contains(out.err.msg, "output axons of compartment 0 start at 1, not 0"));
}

TEST(Limits, FailedBuildLeavesNothingToFree)
{
    // After an error the core is zeroed, so le_core_free on it is harmless.
    CoreFixture bad;
    bad.cx(1025);
    ASSERT_EQ(bad.build(), LE_ERR_LIMIT);
    EXPECT_EQ(bad.core.u, nullptr);
    le_core_free(&bad.core);
}
