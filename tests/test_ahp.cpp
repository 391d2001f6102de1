// The seed's LIF neuron with an after-hyperpolarizing current (Methods Eqs 4-8), built as
// the two-compartment Loihi neuron of spec §2.4 on one neuro-core, compared step by step
// with an independent integer implementation of the equations.
//
// Wiring: cx0 = auxiliary compartment (stack_out, decay_u 4096, decay_v 5): its v is i_AHP.
//         cx1 = main compartment (join ADD, decay_u 4096, decay_v 204, vth_mant 508): its u is
//               i_PSC + i_AHP (tau_I = 0, as in sMNIST), its v is V.
//         cx1's output axon loops back to input axon 0 of the same core, whose synapse onto
//         cx0 has actual weight -96 * 2^(6-4) = -384 (= -beta).
//         Input axon 1 -> cx1, weight 120 * 2^6 = 7680, delay 0.
//         Input axon 2 -> cx1, weight 60 * 2^6 = 3840, delay 3.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/neurocore.h"
#include "tests/core_fixture.hpp"

namespace {

constexpr int32_t kBeta = 384;          // -96 * 4
constexpr int32_t kW1 = 7680;           // 120 * 64
constexpr int32_t kW2 = 3840;           // 60 * 64
constexpr int32_t kThreshold = 508 * 64; // b0 = 32512

void build_ahp(CoreFixture &c)
{
    le_profile aux = le_profile_default();
    aux.stack_out = 1;
    aux.decay_u = 4096;
    aux.decay_v = 5; // alpha_AHP = 4091/4096, tau_AHP ~ 819 steps
    aux.vth_mant = 131071;
    le_profile main = le_profile_default();
    main.join_op = LE_JOIN_ADD;
    main.decay_u = 4096;
    main.decay_v = 204; // alpha_V = 3892/4096, tau_V ~ 20 steps
    main.vth_mant = 508;
    c.profiles = {aux, main};
    c.cx_profile = {0, 1};
    c.axon({S(le_actual_weight(-96, -4), 0, 0)}); // axon 0: the AHP self-synapse
    c.axon({S(le_actual_weight(120, 0), 1, 0)});  // axon 1
    c.axon({S(le_actual_weight(60, 0), 1, 3)});   // axon 2
    c.out_start = {0, 0, 1};
    c.out = {{0, 0}}; // cx1 -> this core (gid 0), axon 0
}

// One step of the run loop for this core: loop-back of last step's spikes (they arrive in
// step t, one step after they fired), this step's inputs, then the compartment phase.
uint32_t run_step(CoreFixture &c, uint32_t t, const std::vector<uint16_t> &last_fired, int in1, int in2)
{
    for (uint16_t f : last_fired)
        for (uint32_t i = c.core.out_start[f]; i < c.core.out_start[f + 1]; i++)
            le_core_deliver(&c.core, c.core.out[i].axon, t);
    if (in1)
        le_core_deliver(&c.core, 1, t);
    if (in2)
        le_core_deliver(&c.core, 2, t);
    return c.update(t);
}

// Brian2Loihi's decay: x - sign(x) * ceil(|x| k / 4096).
int64_t dec(int64_t x, int64_t k)
{
    int64_t m = x < 0 ? -x : x;
    int64_t c = (m * k + 4095) / 4096;
    return x < 0 ? x + c : x - c;
}

} // namespace

TEST(Ahp, WiringAsPlanned)
{
    CoreFixture c;
    build_ahp(c);
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    EXPECT_EQ(c.core.syn[0].weight, -kBeta);
    EXPECT_EQ(c.core.syn[1].weight, kW1);
    EXPECT_EQ(c.core.syn[2].weight, kW2);
}

TEST(Ahp, FirstSpikeWorkedByHand)
{
    CoreFixture c;
    build_ahp(c);
    c.axon({S(le_actual_weight(255, 1), 1, 0)}); // axon 3: 255 * 128 = 32640 > 32512
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;
    // Step 1: V = 32640 > 32512: spike, V -> 0.
    le_core_deliver(&c.core, 3, 1);
    ASSERT_EQ(c.update(1), 1u);
    EXPECT_EQ(c.fired[0], 1);
    EXPECT_EQ(c.core.v[1], 0);
    std::vector<uint16_t> fired = c.fired;
    // Step 2: the spike returns: i_AHP = 0 - 384; V = 0 + 0 + (-384).
    run_step(c, 2, fired, 0, 0);
    EXPECT_EQ(c.core.v[0], -384);
    EXPECT_EQ(c.core.u[1], -384);
    EXPECT_EQ(c.core.v[1], -384);
    // Step 3: i_AHP = -(384 * 4091 >> 12) = -(1570944 >> 12) = -383;
    //         V = -(384 * 3892 >> 12) + (-383) = -(1494528 >> 12) - 383 = -364 - 383 = -747.
    run_step(c, 3, {}, 0, 0);
    EXPECT_EQ(c.core.v[0], -383);
    EXPECT_EQ(c.core.v[1], -747);
    // Step 4: i_AHP = -(383 * 4091 >> 12) = -(1566853 >> 12) = -382;
    //         V = -(747 * 3892 >> 12) - 382 = -(2907324 >> 12) - 382 = -709 - 382 = -1091.
    run_step(c, 4, {}, 0, 0);
    EXPECT_EQ(c.core.v[0], -382);
    EXPECT_EQ(c.core.v[1], -1091);
}

TEST(Ahp, MatchesSeedEquations4To8StepByStep)
{
    CoreFixture c;
    build_ahp(c);
    ASSERT_EQ(c.build(), LE_OK) << c.err.msg;

    // Input pattern: dense drive (p = 0.6 on axon 1, 0.3 on axon 2) for steps 1..1000, silence
    // for 1001..1500 (the AHP current decays), drive again for 1501..3000.
    const uint32_t T = 3000;
    std::mt19937 rng(4242);
    std::bernoulli_distribution p1(0.6), p2(0.3);
    std::vector<int> n1(T + 1, 0), n2(T + 1, 0);
    for (uint32_t t = 1; t <= T; t++) {
        bool on = t <= 1000 || t > 1500;
        n1[t] = on && p1(rng);
        n2[t] = on && p2(rng);
    }

    // Reference, Eqs 4-8 with alpha_I = 0 (tau_I = 0), g_V = 1, no refractory period:
    //   i_PSC[t] = W1 n1[t] + W2 n2[t - 3]                          (Eq 4)
    //   i_AHP[t] = dec(i_AHP[t-1], 5) - beta z[t-1]                   (Eq 5)
    //   V[t]     = dec(V[t-1], 204) + i_PSC[t] + i_AHP[t]             (Eq 6)
    //   z[t]     = V[t] > b0;  V[t] -> 0 on a spike                   (Eqs 7, 8)
    std::vector<int64_t> ipsc(T + 1, 0), iahp(T + 1, 0), V(T + 1, 0);
    std::vector<int> z(T + 1, 0);
    for (uint32_t t = 1; t <= T; t++) {
        ipsc[t] = (int64_t)kW1 * n1[t] + (t > 3 ? (int64_t)kW2 * n2[t - 3] : 0);
        iahp[t] = dec(iahp[t - 1], 5) - (int64_t)kBeta * z[t - 1];
        V[t] = dec(V[t - 1], 204) + ipsc[t] + iahp[t];
        z[t] = V[t] > kThreshold;
        if (z[t])
            V[t] = 0;
    }

    std::vector<uint16_t> fired;
    for (uint32_t t = 1; t <= T; t++) {
        run_step(c, t, fired, n1[t], n2[t]);
        fired = c.fired;
        ASSERT_EQ((int)fired.size(), z[t]) << "step " << t;
        if (z[t]) {
            ASSERT_EQ(fired[0], 1);
        }
        ASSERT_EQ(c.core.v[0], iahp[t]) << "i_AHP, step " << t;
        ASSERT_EQ(c.core.u[1], ipsc[t] + iahp[t]) << "main u, step " << t;
        ASSERT_EQ(c.core.v[1], V[t]) << "V, step " << t;
    }

    // The run must show what the AHP current is for: spike-frequency adaptation under
    // constant drive, and recovery after the silent stretch.
    auto count = [&](uint32_t a, uint32_t b) {
        int n = 0;
        for (uint32_t t = a; t <= b; t++)
            n += z[t];
        return n;
    };
    int early = count(1, 200), late = count(801, 1000), again = count(1501, 1700);
    EXPECT_GT(early, 2 * late) << early << " vs " << late;
    EXPECT_GT(again, late) << again << " vs " << late;
    EXPECT_LT(iahp[1000], iahp[1500]); // i_AHP relaxes toward 0 during silence
}
