// Neuro-core (core/neurocore.c): weights, synapse SRAM accounting, delivery into the
// delay ring, the compartment sweep, counters and the sleep rule. Expected values are
// worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/neurocore.h"
#include "tests/core_fixture.hpp"

// --- weights ---

TEST(Weight, ExponentExtremes)
{
    // wexp 7: 2^(6+7) = 8192.  255 * 8192 = 2088960;  -256 * 8192 = -2097152, clipped to
    // -(2^21 - 2^6) = -2097088 (spec §3.1); -255 * 8192 = -2088960 is inside the clip.
    EXPECT_EQ(le_actual_weight(255, 7), 2088960);
    EXPECT_EQ(le_actual_weight(-256, 7), -2097088);
    EXPECT_EQ(le_actual_weight(-255, 7), -2088960);
    // wexp 0: x64.
    EXPECT_EQ(le_actual_weight(1, 0), 64);
    EXPECT_EQ(le_actual_weight(-3, 0), -192);
    // Negative exponents: the mantissa is shifted first (floor), then by 6, so the
    // actual weight is floor(mant / 2^-wexp) * 64.
    // wexp -4: the AHP weight of the seed's sMNIST neuron: -96 / 16 = -6 -> -384.
    EXPECT_EQ(le_actual_weight(-96, -4), -384);
    // -95 / 16 = -5.9375 -> floor -6 -> -384;  95 / 16 = 5.9375 -> 5 -> 320.
    EXPECT_EQ(le_actual_weight(-95, -4), -384);
    EXPECT_EQ(le_actual_weight(95, -4), 320);
    // wexp -6: 5 / 64 -> 0 (lost); -5 / 64 -> floor -1 -> -64; 128 / 64 = 2 -> 128.
    EXPECT_EQ(le_actual_weight(5, -6), 0);
    EXPECT_EQ(le_actual_weight(-5, -6), -64);
    EXPECT_EQ(le_actual_weight(128, -6), 128);
    // wexp -7: 255 / 128 -> 1 -> 64; -5 / 128 -> -1 -> -64; -256 / 128 = -2 -> -128.
    EXPECT_EQ(le_actual_weight(255, -7), 64);
    EXPECT_EQ(le_actual_weight(-5, -7), -64);
    EXPECT_EQ(le_actual_weight(-256, -7), -128);
    // wexp -8: 255 / 256 -> 0; -1 / 256 -> -1 -> -64; -256 / 256 = -1 -> -64.
    EXPECT_EQ(le_actual_weight(255, -8), 0);
    EXPECT_EQ(le_actual_weight(-1, -8), -64);
    EXPECT_EQ(le_actual_weight(-256, -8), -64);
}

// --- synapse SRAM ---

TEST(SynapseSram, SpecExampleDense8BitFanIn256)
{
    // Spec §3.3: 256 synapses = 4 blocks of 64; each 64 * 8 + 10 = 522 bits -> 9 words = 576.
    // 4 * 576 = 2304.
    le_axon_fmt f = {8, 0, 1, 0};
    EXPECT_EQ(le_axon_sram_bits(le_limits_loihi1(), &f, 256, 1024), 2304u);
}

TEST(SynapseSram, SparseBlocksIndexBitsAndDelays)
{
    const le_limits *L = le_limits_loihi1();
    le_axon_fmt f = {8, 6, 0, 0};
    // n_cx 1024 -> 10 index bits; 8 + 6 + 10 = 24 bits per synapse. 100 synapses = 64 + 36:
    // 64 * 24 + 10 = 1546 -> 25 words = 1600;  36 * 24 + 10 = 874 -> 14 words = 896.  Total 2496.
    EXPECT_EQ(le_axon_sram_bits(L, &f, 100, 1024), 2496u);
    // Index bits never below 6: n_cx 1, 64 -> 6; 65 -> 7; never above 12: 8192 -> 12.
    le_axon_fmt g = {8, 0, 0, 0};
    // One synapse: 8 + idx + 10 header, always within one word.
    EXPECT_EQ(le_axon_sram_bits(L, &g, 1, 1), 64u);
    // 64 synapses, n_cx 64: 64 * 14 + 10 = 906 -> 15 words = 960.  n_cx 65: 64 * 15 + 10 = 970 -> 1024.
    EXPECT_EQ(le_axon_sram_bits(L, &g, 64, 64), 960u);
    EXPECT_EQ(le_axon_sram_bits(L, &g, 64, 65), 1024u);
    // n_cx 4096 -> 12 bits; 8192 also 12: 64 * 20 + 10 = 1290 -> 21 words = 1344.
    EXPECT_EQ(le_axon_sram_bits(L, &g, 64, 4096), 1344u);
    EXPECT_EQ(le_axon_sram_bits(L, &g, 64, 8192), 1344u);
    // No synapses, no cost.
    EXPECT_EQ(le_axon_sram_bits(L, &f, 0, 1024), 0u);
    // 1-bit dense weights: 64 + 10 = 74 -> 128 per full block; 65 synapses -> 128 + (1 + 10 -> 64) = 192.
    le_axon_fmt b = {1, 0, 1, 0};
    EXPECT_EQ(le_axon_sram_bits(L, &b, 65, 1024), 192u);
    // Many blocks: 4095 = 63 full blocks + 63. 24 bits each (f): 63 * 1600 = 100800, and
    // 63 * 24 + 10 = 1522 -> 24 words = 1536. Total 102336.
    EXPECT_EQ(le_axon_sram_bits(L, &f, 4095, 1024), 102336u);
    // Exactly 4096 = 64 full blocks: 64 * 1600 = 102400, no partial block.
    EXPECT_EQ(le_axon_sram_bits(L, &f, 4096, 1024), 102400u);
}

TEST(SynapseSram, BlocksAndWordsOfOtherSizes)
{
    // The count for limits whose block and word sizes are not powers of two: blocks of 48
    // synapses, 40-bit words. Dense 8-bit weights, 100 synapses = 48 + 48 + 4:
    // 48 * 8 + 10 = 394 -> 10 words = 400 per full block; 4 * 8 + 10 = 42 -> 2 words = 80.
    le_limits L = *le_limits_loihi1();
    L.synapses_per_block = 48;
    L.sram_word_bits = 40;
    le_axon_fmt d = {8, 0, 1, 0};
    EXPECT_EQ(le_axon_sram_bits(&L, &d, 100, 1024), 880u);
    EXPECT_EQ(le_axon_sram_bits(&L, &d, 96, 1024), 800u);
    // A shared set: sparse, 8-bit, relative indices up to 99 (7 bits): 15 bits per synapse;
    // 50 = 48 + 2: 48 * 15 + 10 = 730 -> 19 words = 760; 2 * 15 + 10 = 40 -> 1 word. 800.
    le_axon_fmt s = {8, 0, 0, 0};
    EXPECT_EQ(le_set_sram_bits(&L, &s, 50, 99), 800u);
}

TEST(SynapseSram, CoreTotalsAxonsAndDefaultsFormat)
{
    CoreFixture c;
    c.cx(100); // 100 compartments -> 7 index bits
    std::vector<le_synapse> a0, a1;
    for (uint16_t i = 0; i < 70; i++)
        a0.push_back(S(64, i, 0));
    a1.push_back(S(64, 0, 5)); // delay 5 -> 3 delay bits
    c.axon(a0);
    c.axon(a1);
    c.axon({}); // an axon with no synapses costs nothing
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    // Default format: 8-bit sparse. a0: 15 bits; 64 * 15 + 10 = 970 -> 1024; 6 * 15 + 10 = 100 -> 128.
    // a1: 8 + 3 + 7 = 18 + 10 = 28 -> 64.  Total 1024 + 128 + 64 = 1216.
    EXPECT_EQ(c.core.syn_bits, 1216u);
    EXPECT_EQ(c.core.in_fmt[1].delay_bits, 3);
    EXPECT_EQ(c.core.n_slots, 6u); // largest delay 5 + 1
}

// --- delivery and the delay ring ---

TEST(NeuroCore, DeliverDelayZeroLandsSameStep)
{
    CoreFixture c;
    c.cx(1);
    c.axon({S(640, 0, 0)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 0, 5);
    // Default profile: decay_u 4096, decay_v 0: u = 640, v = 640.
    EXPECT_EQ(c.update(5), 0u);
    EXPECT_EQ(c.core.u[0], 640);
    EXPECT_EQ(c.core.v[0], 640);
    EXPECT_EQ(c.core.ctr.synops, 1u);
    EXPECT_EQ(c.core.ctr.axons_in, 1u);
    c.update(6);
    EXPECT_EQ(c.core.u[0], 0); // the slot was cleared after reading
}

TEST(NeuroCore, Delay62LandsSixtyTwoStepsLater)
{
    CoreFixture c;
    c.profiles[0] = lif(4096, 4095, 131071); // u shows only this step's input
    c.cx(2);
    c.axon({S(100, 0, 0), S(1000, 1, 62)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    ASSERT_EQ(c.core.n_slots, 63u);
    le_core_deliver(&c.core, 0, 10);
    for (uint32_t t = 10; t <= 80; t++) {
        c.update(t);
        EXPECT_EQ(c.core.u[0], t == 10 ? 100 : 0) << "step " << t;
        EXPECT_EQ(c.core.u[1], t == 72 ? 1000 : 0) << "step " << t; // 10 + 62
    }
}

TEST(NeuroCore, RingWrapsOverManySteps)
{
    // One spike per step on an axon with delays 0, 1 and 62 to three compartments:
    // from step 63 on, every compartment receives its weight every step; before that only
    // those whose delay has elapsed (first delivery at step 1).
    CoreFixture c;
    c.cx(3);
    c.axon({S(7, 0, 0), S(11, 1, 1), S(13, 2, 62)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    for (uint32_t t = 1; t <= 300; t++) {
        le_core_deliver(&c.core, 0, t);
        c.update(t);
        EXPECT_EQ(c.core.u[0], 7);
        EXPECT_EQ(c.core.u[1], t >= 2 ? 11 : 0) << t;
        EXPECT_EQ(c.core.u[2], t >= 63 ? 13 : 0) << t;
    }
    EXPECT_EQ(c.core.ctr.synops, 900u);
    EXPECT_EQ(c.core.ctr.axons_in, 300u);
}

TEST(NeuroCore, AccumulatorWrapsAt22BitsAndCounts)
{
    // Two synapses of 255 * 2^13 = 2088960 onto one compartment in the same step:
    // 4177920 > 2^21 - 1 wraps to 4177920 - 2^22 = 4177920 - 4194304 = -16384.
    CoreFixture c;
    c.profiles[0] = lif(4096, 0, 131071);
    c.cx(1);
    int32_t w = le_actual_weight(255, 7);
    c.axon({S(w, 0), S(w, 0)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 0, 1);
    EXPECT_EQ(c.core.ctr.acc_overflow, 1u);
    c.update(1);
    EXPECT_EQ(c.core.u[0], -16384);
    // Negative side, three synapses of -2097152 (the accumulator's minimum):
    // 0 - 2097152 fits; -2097152 - 2097152 = -4194304 wraps (+2^22) to 0 (one overflow);
    // 0 - 2097152 fits again. Result -2097152, one overflow.
    CoreFixture d;
    d.profiles[0] = lif(4096, 0, 131071);
    d.cx(1);
    int32_t m = -2097152; // the accumulator's minimum (below the clip of le_actual_weight)
    d.axon({S(m, 0), S(m, 0), S(m, 0)});
    ASSERT_EQ(d.build(), LE_OK) << d.err.msg;
    le_core_deliver(&d.core, 0, 1);
    EXPECT_EQ(d.core.ctr.acc_overflow, 1u);
    d.update(1);
    EXPECT_EQ(d.core.u[0], -2097152);
}

TEST(NeuroCore, AxonReadInBlocksWrapsLikeSynapseBySynapse)
{
    // Twelve synapses onto compartments 1..12 of a 13-compartment core without delays: the list
    // is read in blocks of 8 compartments (0..15, past the last compartment). Delivered twice in
    // one step, 2 x 2088960 = 4177920 wraps to -16384 on compartments 1..6 (six overflows) and
    // 2 x 100 = 200 on 7..12; compartment 0 gets nothing.
    CoreFixture c;
    c.profiles[0] = lif(4096, 0, 131071);
    c.cx(13);
    int32_t w = le_actual_weight(255, 7);
    std::vector<le_synapse> syn;
    for (uint16_t k = 1; k <= 12; k++)
        syn.push_back(S(k <= 6 ? w : 100, k));
    c.axon(syn);
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    ASSERT_NE(c.core.seg_start, nullptr);
    ASSERT_GT(c.core.seg_start[1], c.core.seg_start[0]); // the block path, not synapse by synapse
    le_core_deliver(&c.core, 0, 1);
    EXPECT_EQ(c.core.ctr.acc_overflow, 0u);
    le_core_deliver(&c.core, 0, 1);
    EXPECT_EQ(c.core.ctr.acc_overflow, 6u);
    EXPECT_EQ(c.core.ctr.synops, 24u);
    c.update(1);
    EXPECT_EQ(c.core.u[0], 0);
    for (int k = 1; k <= 12; k++)
        EXPECT_EQ(c.core.u[k], k <= 6 ? -16384 : 200) << k;
}

TEST(NeuroCore, UnknownAxonIsCountedNotDelivered)
{
    CoreFixture c;
    c.cx(1);
    c.axon({S(640, 0)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 3, 1);
    EXPECT_EQ(c.core.ctr.bad_axons, 1u);
    EXPECT_EQ(c.core.ctr.axons_in, 0u);
    EXPECT_EQ(c.update(1), 0u);
    EXPECT_EQ(c.core.u[0], 0);
}

// --- the compartment sweep ---

TEST(NeuroCore, StackOutPushesVToTheNextJoinAdd)
{
    // cx0: aux (stack_out, no leak), cx1: main (join ADD), cx2: join ADD after a plain
    // compartment gets nothing pushed.
    CoreFixture c;
    le_profile aux = lif(4096, 0, 131071);
    aux.stack_out = 1;
    le_profile main = lif(4096, 0, 131071);
    main.join_op = LE_JOIN_ADD;
    c.profiles = {aux, main, le_profile_default()};
    c.cx_profile = {0, 1, 2, 1};
    c.axon({S(-50, 0), S(30, 1), S(500, 2), S(5, 3)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 0, 1);
    c.update(1);
    // aux: v = -50. main: u = 30 + (-50) = -20, v = -20.
    EXPECT_EQ(c.core.v[0], -50);
    EXPECT_EQ(c.core.u[1], -20);
    EXPECT_EQ(c.core.v[1], -20);
    // cx3 follows cx2 (not stack_out): u = 5 only.
    EXPECT_EQ(c.core.u[3], 5);
    c.update(2);
    // aux keeps v = -50 (no leak, no input); main u = 0 + (-50), v = -20 - 50 = -70.
    EXPECT_EQ(c.core.u[1], -50);
    EXPECT_EQ(c.core.v[1], -70);
}

TEST(NeuroCore, FiredListAndCounters)
{
    // Four compartments, vth 1 (64). Output axons: cx0 -> 2 cores, cx1 -> none, cx2 -> 3, cx3 -> 1.
    CoreFixture c;
    c.profiles[0] = lif(4096, 0, 1);
    c.cx(4);
    c.out_start = {0, 2, 2, 5, 6};
    c.out = {{1, 0}, {2, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 0}};
    c.axon({S(65, 0), S(65, 2), S(10, 3)}); // cx0 and cx2 cross 64; cx3 stays at 10
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    EXPECT_EQ(c.core.n_out_axons, 6u);
    le_core_deliver(&c.core, 0, 1);
    EXPECT_EQ(c.update(1), 2u);
    EXPECT_EQ(c.fired, (std::vector<uint16_t>{0, 2}));
    EXPECT_EQ(c.core.ctr.cx_updates, 4u);
    EXPECT_EQ(c.core.ctr.spikes, 2u);
    EXPECT_EQ(c.core.ctr.axons_out, 5u);  // 2 + 3
    EXPECT_EQ(c.core.ctr.cx_active, 3u);  // cx0, cx2: u = 65, v = 0; cx3: u = v = 10; cx1 zero
    EXPECT_EQ(c.core.ctr.synops, 3u);
}

// --- sleep ---

TEST(NeuroCore, IdleCoreWithoutBiasSleeps)
{
    CoreFixture c;
    c.profiles[0] = lif(2048, 2048, 131071);
    c.cx(8);
    c.axon({S(4, 0, 2)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    EXPECT_EQ(c.core.awake, 0);
    for (uint32_t t = 1; t <= 5; t++)
        EXPECT_EQ(c.update(t), 0u);
    EXPECT_EQ(c.core.ctr.cx_updates, 0u); // no work at all
    // Input for step 6 with delay 2 lands in step 8. The core wakes and stays awake while
    // the slot is pending, integrates, then decays back to zero and sleeps again:
    // u: 4, 2, 1, 0;  v: 4, 2 + 2 = 4, 2 + 1 = 3, 1 + 0 = 1, 0.
    le_core_deliver(&c.core, 0, 6);
    EXPECT_EQ(c.core.awake, 1);
    c.update(6);
    c.update(7);
    EXPECT_EQ(c.core.awake, 1); // slot of step 8 still holds input
    c.update(8);
    EXPECT_EQ(c.core.v[0], 4);
    c.update(9);
    EXPECT_EQ(c.core.v[0], 4);
    c.update(10);
    EXPECT_EQ(c.core.v[0], 3);
    c.update(11);
    EXPECT_EQ(c.core.v[0], 1);
    c.update(12);
    EXPECT_EQ(c.core.v[0], 0);
    EXPECT_EQ(c.core.u[0], 0);
    EXPECT_EQ(c.core.awake, 0);
    uint32_t work = c.core.ctr.cx_updates;
    EXPECT_EQ(work, 7u * 8u); // steps 6..12, 8 compartments each
    c.update(13);
    EXPECT_EQ(c.core.ctr.cx_updates, work);
}

TEST(NeuroCore, RefractoryCounterKeepsCoreAwake)
{
    // After a spike with refract 5, u and v are zero but the counter runs: the core must not
    // sleep, or a new input would arrive while the compartment should still be held.
    CoreFixture c;
    c.profiles[0] = lif(4096, 0, 0);
    c.profiles[0].refract = 5;
    c.cx(1);
    c.axon({S(1, 0)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 0, 1);
    EXPECT_EQ(c.update(1), 1u); // fires, counter 5 -> 4
    EXPECT_EQ(c.core.awake, 1);
    c.update(2); // 3
    c.update(3); // 2
    le_core_deliver(&c.core, 0, 4);
    EXPECT_EQ(c.update(4), 0u); // 1: still held, input ignored for v
    c.update(5);                // 0
    EXPECT_EQ(c.core.awake, 0);
}

TEST(NeuroCore, BiasKeepsTheCoreRunning)
{
    CoreFixture c;
    le_profile p = lif(4096, 0, 50);
    p.bias_mant = 100;
    p.bias_exp = 3; // 800 per step; fires at steps 5, 10, ... (see Compartment.BiasOnlyFiringPeriod)
    c.profiles = {le_profile_default(), p};
    c.cx_profile = {0, 1};
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    EXPECT_EQ(c.core.awake, 1);
    uint32_t spikes = 0;
    for (uint32_t t = 1; t <= 20; t++)
        spikes += c.update(t);
    EXPECT_EQ(spikes, 4u);
    EXPECT_EQ(c.core.ctr.cx_updates, 40u);
    EXPECT_EQ(c.core.awake, 1);
}

TEST(NeuroCore, ResetZeroesStateAndRing)
{
    CoreFixture c;
    c.profiles[0] = lif(0, 0, 131071);
    c.cx(2);
    c.axon({S(100, 0, 0), S(100, 1, 3)});
    c.axon({S(1, 0, 0)});
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    le_core_deliver(&c.core, 0, 1);
    c.update(1);
    EXPECT_EQ(c.core.v[0], 100);
    le_core_reset(&c.core);
    EXPECT_EQ(c.core.u[0], 0);
    EXPECT_EQ(c.core.v[0], 0);
    EXPECT_EQ(c.core.awake, 0);
    // The pending delay-3 input (step 4) is gone too: wake the core through the other axon
    // and run past step 4; cx1 would hold u = 100 if the ring had kept it.
    le_core_deliver(&c.core, 1, 2);
    for (uint32_t t = 2; t <= 6; t++)
        c.update(t);
    EXPECT_EQ(c.core.u[0], 1);
    EXPECT_EQ(c.core.u[1], 0);
}
