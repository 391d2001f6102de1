// Compartment arithmetic (core/compartment.h, spec §2): expected values are worked out
// by hand in the comments, or come from the independent reference at the bottom
// (Brian2Loihi's "subtract ceil" form of the decay, int64 throughout).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/compartment.h"

namespace {

le_profile lif(int32_t du, int32_t dv, int32_t vth)
{
    le_profile p = le_profile_default();
    p.decay_u = du;
    p.decay_v = dv;
    p.vth_mant = vth;
    return p;
}

struct Cx {
    int32_t u = 0, v = 0;
    uint8_t ref = 0;
    int step(const le_profile &p, int32_t q, int32_t join = 0) { return le_cx_step(&p, &u, &v, &ref, q, join); }
};

std::string check_msg(const le_profile &p)
{
    le_error e = {};
    le_code rc = le_profile_check(&p, &e);
    return rc == LE_OK ? std::string("OK") : std::string(e.msg);
}

} // namespace

// --- profiles ---

TEST(Profile, DefaultIsValidAndDocumented)
{
    le_profile p = le_profile_default();
    EXPECT_EQ(check_msg(p), "OK");
    EXPECT_EQ(p.decay_u, 4096);
    EXPECT_EQ(p.decay_v, 0);
    EXPECT_EQ(p.bias_mant, 0);
    EXPECT_EQ(p.vth_mant, 1000);
    EXPECT_EQ(p.refract, 1);
    EXPECT_EQ(p.vmin_exp, 23);
    EXPECT_EQ(p.vmax_exp, 7);
    EXPECT_EQ(p.stack_out, 0);
    EXPECT_EQ(p.join_op, LE_JOIN_NONE);
}

TEST(Profile, EveryFieldCheckedAtBothEnds)
{
    struct Field {
        const char *name;
        int32_t le_profile::*f;
        int32_t lo, hi;
    } fields[] = {
        {"decay_u", &le_profile::decay_u, 0, 4096},      {"decay_v", &le_profile::decay_v, 0, 4095},
        {"bias_mant", &le_profile::bias_mant, -4096, 4095}, {"bias_exp", &le_profile::bias_exp, 0, 7},
        {"vth_mant", &le_profile::vth_mant, 0, 131071},  {"refract", &le_profile::refract, 1, 64},
        {"vmin_exp", &le_profile::vmin_exp, 0, 23},      {"vmax_exp", &le_profile::vmax_exp, 0, 7},
    };
    for (const Field &fd : fields) {
        for (int32_t ok : {fd.lo, fd.hi}) {
            le_profile p = le_profile_default();
            p.*fd.f = ok;
            EXPECT_EQ(check_msg(p), "OK") << fd.name << " = " << ok;
        }
        for (int32_t bad : {fd.lo - 1, fd.hi + 1}) {
            le_profile p = le_profile_default();
            p.*fd.f = bad;
            le_error e = {};
            EXPECT_EQ(le_profile_check(&p, &e), LE_ERR_RANGE) << fd.name;
            std::string m = e.msg;
            std::string want = std::string(fd.name) + " " + std::to_string(bad) + " is outside its register range " +
                               std::to_string(fd.lo) + ".." + std::to_string(fd.hi);
            EXPECT_NE(m.find(want), std::string::npos) << m;
        }
    }
    le_profile p = le_profile_default();
    p.stack_out = 2;
    EXPECT_NE(check_msg(p).find("stack_out 2"), std::string::npos);
    p = le_profile_default();
    p.join_op = 7;
    EXPECT_NE(check_msg(p).find("join_op 7"), std::string::npos);
}

// --- decay primitive ---

TEST(Decay, CurrentDecayZeroKeepsAndFullDecayForgets)
{
    // k = 0: x * 4096 >> 12 = x.  k = 4096: x * 0 = 0.
    for (int32_t x : {0, 1, -1, 12345, -12345, (1 << 23) - 1, -(1 << 23)}) {
        EXPECT_EQ(le_decay(x, 0), x);
        EXPECT_EQ(le_decay(x, 4096), 0);
    }
}

TEST(Decay, VoltageDecay4095KeepsOne4096th)
{
    // k = 4095: |x| * 1 >> 12. 4096 -> 1, 8191 -> 1, 8192 -> 2, 4095 -> 0; sign kept.
    EXPECT_EQ(le_decay(4096, 4095), 1);
    EXPECT_EQ(le_decay(8191, 4095), 1);
    EXPECT_EQ(le_decay(8192, 4095), 2);
    EXPECT_EQ(le_decay(4095, 4095), 0);
    EXPECT_EQ(le_decay(-8192, 4095), -2);
    EXPECT_EQ(le_decay(-4095, 4095), 0);
}

TEST(Decay, NegativeValuesTruncateTowardZero)
{
    // 7 * 2048 = 14336; >> 12 = 3 (3.5 truncated). -7 -> -3, not floor's -4.
    EXPECT_EQ(le_decay(7, 2048), 3);
    EXPECT_EQ(le_decay(-7, 2048), -3);
    // -100 with k = 1000: 100 * 3096 = 309600; / 4096 = 75.58 -> 75, so -75.
    EXPECT_EQ(le_decay(-100, 1000), -75);
    EXPECT_EQ(le_decay(-1, 1), 0); // 1 * 4095 >> 12 = 0
}

// --- one compartment ---

TEST(Compartment, CurrentWithoutDecayAccumulatesWithFullDecayIsThisStepOnly)
{
    le_profile keep = lif(0, 0, 131071), forget = lif(4096, 0, 131071);
    Cx a, b;
    // decay_u 0: u = 10, 30, 60; decay_u 4096: u = 10, 20, 30.
    const int32_t q[] = {10, 20, 30};
    const int32_t ua[] = {10, 30, 60}, ub[] = {10, 20, 30};
    // v integrates u with decay_v 0: a: 10, 40, 100; b: 10, 30, 60.
    const int32_t va[] = {10, 40, 100}, vb[] = {10, 30, 60};
    for (int i = 0; i < 3; i++) {
        a.step(keep, q[i]);
        b.step(forget, q[i]);
        EXPECT_EQ(a.u, ua[i]);
        EXPECT_EQ(b.u, ub[i]);
        EXPECT_EQ(a.v, va[i]);
        EXPECT_EQ(b.v, vb[i]);
    }
}

TEST(Compartment, VoltageDecayZeroAnd4095)
{
    // decay_v 0, decay_u 4096: one input of 5000, then nothing: v stays 5000.
    le_profile p0 = lif(4096, 0, 131071), p1 = lif(4096, 4095, 131071);
    Cx a, b;
    a.step(p0, 5000);
    b.step(p1, 5000);
    EXPECT_EQ(a.v, 5000);
    EXPECT_EQ(b.v, 5000); // decay applies to the old v (0), then u = 5000 is added
    a.step(p0, 0);
    b.step(p1, 0);
    EXPECT_EQ(a.v, 5000);
    EXPECT_EQ(b.v, 1); // 5000 * 1 >> 12 = 1
    b.step(p1, 0);
    EXPECT_EQ(b.v, 0); // 1 * 1 >> 12 = 0
}

TEST(Compartment, VoltageSaturatesAtFullRange)
{
    // A stack_out compartment never fires, so v can reach the 24-bit rails.
    le_profile p = lif(0, 0, 131071);
    p.stack_out = 1;
    Cx c;
    // u grows by 2^21 - 1 = 2097151 per step (no current decay): 2097151, 4194302, 6291453, 8388604.
    // v = sum of u: 2097151, 6291453, then 12582906 > 2^23 - 1 = 8388607 -> clamped.
    c.step(p, 2097151);
    EXPECT_EQ(c.v, 2097151);
    c.step(p, 2097151);
    EXPECT_EQ(c.v, 6291453);
    c.step(p, 2097151);
    EXPECT_EQ(c.u, 6291453);
    EXPECT_EQ(c.v, 8388607);
    // Negative rail: -(2^23 - 1) = -8388607 (not -2^23).
    Cx n;
    le_profile pn = p;
    for (int i = 0; i < 3; i++)
        n.step(pn, -2097152);
    EXPECT_EQ(n.u, -6291456);
    EXPECT_EQ(n.v, -8388607);
}

TEST(Compartment, VoltageClampsAtVmaxAndVminExponents)
{
    // vmax_exp 0: vmax = 2^9 - 1 = 511. vth_mant 8 -> threshold 512 > 511: never fires.
    le_profile p = lif(4096, 0, 8);
    p.vmax_exp = 0;
    p.vmin_exp = 5; // vmin = -(2^5) + 1 = -31
    Cx c;
    c.step(p, 400);
    EXPECT_EQ(c.v, 400);
    EXPECT_EQ(c.step(p, 400), 0); // 800 -> 511, and 511 is not > 512
    EXPECT_EQ(c.v, 511);
    c.step(p, -600); // 511 - 600 = -89 -> -31
    EXPECT_EQ(c.v, -31);
    // vmax_exp 3: 2^(9+6) - 1 = 32767; vmin_exp 0: vmin = -(1) + 1 = 0.
    le_profile q = lif(4096, 0, 131071);
    q.vmax_exp = 3;
    q.vmin_exp = 0;
    Cx d;
    d.step(q, 40000);
    EXPECT_EQ(d.v, 32767);
    d.step(q, -70000); // 32767 - 70000 < 0 -> 0
    EXPECT_EQ(d.v, 0);
}

TEST(Compartment, CurrentWrapsModulo2To24)
{
    le_profile p = lif(0, 0, 131071);
    p.stack_out = 1; // keep v from firing; only u matters here
    Cx c;
    // u = 4 * 2097151 = 8388604 after 4 steps; step 5: 10485755 >= 2^23 wraps to
    // 10485755 - 2^24 = 10485755 - 16777216 = -6291461.
    for (int i = 0; i < 4; i++)
        c.step(p, 2097151);
    EXPECT_EQ(c.u, 8388604);
    c.step(p, 2097151);
    EXPECT_EQ(c.u, -6291461);
    // join_in takes part in the same wrap: 2^23 - 1 + 1 -> -2^23.
    Cx d;
    d.u = (1 << 23) - 1;
    d.step(p, 0, 1);
    EXPECT_EQ(d.u, -(1 << 23));
}

TEST(Compartment, ThresholdIsStrictGreaterThan)
{
    // vth_mant 10 -> threshold 640. v = 640 stays; v = 641 fires and resets to 0.
    le_profile p = lif(4096, 0, 10);
    Cx c;
    EXPECT_EQ(c.step(p, 640), 0);
    EXPECT_EQ(c.v, 640);
    Cx d;
    EXPECT_EQ(d.step(p, 641), 1);
    EXPECT_EQ(d.v, 0);
    EXPECT_EQ(d.u, 641); // u is not reset by a spike
}

// Constant drive with vth 0 (fires whenever v > 0) and bias 1: the spike train shows
// the refractory period directly. refract r gives r - 1 silent steps, so a period of r.
static std::vector<int> spike_steps(int refract, int steps)
{
    le_profile p = lif(4096, 0, 0);
    p.bias_mant = 1;
    p.refract = refract;
    Cx c;
    std::vector<int> s;
    for (int t = 1; t <= steps; t++)
        if (c.step(p, 0))
            s.push_back(t);
    return s;
}

TEST(Compartment, RefractoryOneTwoAndSixtyFour)
{
    // r = 1: step 1 v = 1 > 0 fires, counter 1 -> 0 in the same step: fires every step.
    std::vector<int> r1 = spike_steps(1, 10);
    ASSERT_EQ(r1.size(), 10u);
    // r = 2: step 1 fires (counter 2 -> 1), step 2 held at 0 (1 -> 0), step 3 v = 1 fires.
    std::vector<int> r2 = spike_steps(2, 10);
    EXPECT_EQ(r2, (std::vector<int>{1, 3, 5, 7, 9}));
    // r = 64: fires at 1, 65, 129, ...: 63 silent steps; 640 steps -> 10 spikes.
    std::vector<int> r64 = spike_steps(64, 640);
    ASSERT_EQ(r64.size(), 10u);
    for (size_t i = 0; i < r64.size(); i++)
        EXPECT_EQ(r64[i], 1 + 64 * (int)i);
}

TEST(Compartment, CurrentKeepsIntegratingWhileRefractory)
{
    le_profile p = lif(0, 0, 0); // u never decays
    p.refract = 3;
    Cx c;
    EXPECT_EQ(c.step(p, 5), 1); // v = 5 > 0: fires, counter 3 -> 2
    EXPECT_EQ(c.step(p, 5), 0); // u = 10, v held at 0, counter 2 -> 1
    EXPECT_EQ(c.u, 10);
    EXPECT_EQ(c.v, 0);
    EXPECT_EQ(c.step(p, 5), 0); // u = 15, held, 1 -> 0
    EXPECT_EQ(c.v, 0);
    EXPECT_EQ(c.step(p, 0), 1); // v = 0 + 15 > 0 fires
    EXPECT_EQ(c.u, 15);
}

TEST(Compartment, BiasOnlyFiringPeriod)
{
    // bias 100 << 3 = 800 per step, vth 50 -> 3200, no leak:
    // v = 800, 1600, 2400, 3200 (= threshold, no spike), 4000 fires at step 5; period 5.
    le_profile p = lif(4096, 0, 50);
    p.bias_mant = 100;
    p.bias_exp = 3;
    Cx c;
    std::vector<int> s;
    for (int t = 1; t <= 20; t++)
        if (c.step(p, 0))
            s.push_back(t);
    EXPECT_EQ(s, (std::vector<int>{5, 10, 15, 20}));

    // With a leak of one half (decay_v 2048): v = 800, 1200, 1400, 1500 > 1472 (vth 23 * 64)
    // fires at step 4, then 0 and again: period 4.
    le_profile h = lif(4096, 2048, 23);
    h.bias_mant = 100;
    h.bias_exp = 3;
    Cx d;
    std::vector<int> sh;
    for (int t = 1; t <= 12; t++)
        if (d.step(h, 0))
            sh.push_back(t);
    EXPECT_EQ(sh, (std::vector<int>{4, 8, 12}));

    // A negative bias: -4096 << 7 = -524288 per step, vmin full: v = -524288 * t.
    le_profile n = lif(4096, 0, 0);
    n.bias_mant = -4096;
    n.bias_exp = 7;
    Cx e;
    e.step(n, 0);
    e.step(n, 0);
    EXPECT_EQ(e.v, -1048576);
}

TEST(Compartment, StackOutNeverSpikesAndJoinAddsToCurrent)
{
    le_profile aux = lif(4096, 0, 0);
    aux.stack_out = 1;
    Cx a;
    EXPECT_EQ(a.step(aux, 100), 0); // v = 100 > 0 but stack_out never fires
    EXPECT_EQ(a.v, 100);
    le_profile main = lif(4096, 0, 131071);
    main.join_op = LE_JOIN_ADD;
    Cx m;
    m.step(main, 7, a.v); // u = 7 + 100
    EXPECT_EQ(m.u, 107);
    EXPECT_EQ(m.v, 107);
}

// --- property test against an independent reference ---

namespace {

// Spec §2.3 written a second way: Brian2Loihi's "x - sign(x) * ceil(|x| k / 4096)" decay,
// a modular wrap with %, bias by multiplication, explicit rails.
struct Ref {
    int64_t u = 0, v = 0;
    int ref = 0;
    static int64_t dec(int64_t x, int64_t k)
    {
        int64_t m = x < 0 ? -x : x;
        int64_t c = (m * k + 4095) / 4096; // ceil(|x| k / 4096)
        return x < 0 ? x + c : x - c;
    }
    int step(const le_profile &p, int64_t q, int64_t join)
    {
        const int64_t M = 1 << 24;
        int64_t nu = dec(u, p.decay_u) + q + join;
        nu = ((nu + (1 << 23)) % M + M) % M - (1 << 23);
        int64_t nv = dec(v, p.decay_v) + nu + (int64_t)p.bias_mant * (1 << p.bias_exp);
        int64_t hi = (1 << 23) - 1, lo = -((1 << 23) - 1);
        int64_t vmax = p.vmax_exp == 7 ? hi : ((int64_t)1 << (9 + 2 * p.vmax_exp)) - 1;
        int64_t vmin = p.vmin_exp == 23 ? lo : -((int64_t)1 << p.vmin_exp) + 1;
        if (vmax > hi)
            vmax = hi;
        if (vmin < lo)
            vmin = lo;
        if (nv > vmax)
            nv = vmax;
        if (nv < vmin)
            nv = vmin;
        int s = 0;
        if (ref > 0) {
            nv = 0;
            ref--;
        } else if (!p.stack_out && nv > (int64_t)p.vth_mant * 64) {
            s = 1;
            nv = 0;
            ref = p.refract - 1;
        }
        u = nu;
        v = nv;
        return s;
    }
};

} // namespace

TEST(CompartmentProperty, MatchesIndependentReferenceFor100kSteps)
{
    std::mt19937_64 rng(20240611);
    auto uni = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    const int kProfiles = 100, kSteps = 1000; // 10^5 compartment steps in all
    long spikes = 0, refr_held = 0, wraps = 0, rails = 0;
    for (int np = 0; np < kProfiles; np++) {
        le_profile p = le_profile_default();
        // Mix register extremes with random values so the edges are hit often.
        p.decay_u = uni(0, 3) == 0 ? (int32_t)(uni(0, 1) * 4096) : (int32_t)uni(0, 4096);
        p.decay_v = uni(0, 3) == 0 ? (int32_t)(uni(0, 1) * 4095) : (int32_t)uni(0, 4095);
        p.bias_mant = uni(0, 2) == 0 ? 0 : (int32_t)uni(-4096, 4095);
        p.bias_exp = (int32_t)uni(0, 7);
        p.vth_mant = uni(0, 4) == 0 ? (int32_t)uni(0, 131071) : (int32_t)uni(0, 2000);
        p.refract = uni(0, 2) == 0 ? 1 : (int32_t)uni(1, 64);
        p.vmin_exp = uni(0, 1) ? 23 : (int32_t)uni(0, 23);
        p.vmax_exp = uni(0, 1) ? 7 : (int32_t)uni(0, 7);
        p.stack_out = uni(0, 9) == 0;
        ASSERT_EQ(le_profile_check(&p, nullptr), LE_OK);
        int64_t qscale = uni(0, 3) == 0 ? (1 << 21) - 1 : uni(1, 20000); // large inputs wrap u
        Cx c;
        Ref r;
        for (int t = 0; t < kSteps; t++) {
            int32_t q = uni(0, 2) == 0 ? 0 : (int32_t)uni(-qscale - 1, qscale);
            int32_t join = uni(0, 4) == 0 ? (int32_t)uni(-300000, 300000) : 0;
            int held = r.ref > 0;
            int64_t raw_u = Ref::dec(r.u, p.decay_u) + q + join;
            int s1 = c.step(p, q, join);
            int s2 = r.step(p, q, join);
            ASSERT_EQ(s1, s2) << "profile " << np << " step " << t;
            ASSERT_EQ(c.u, r.u) << "profile " << np << " step " << t;
            ASSERT_EQ(c.v, r.v) << "profile " << np << " step " << t;
            ASSERT_EQ(c.ref > 0, r.ref > 0) << "profile " << np << " step " << t;
            spikes += s1;
            refr_held += held;
            wraps += raw_u != r.u;
            rails += r.v == (1 << 23) - 1 || r.v == -((1 << 23) - 1);
        }
    }
    // The random cases must have reached the interesting corners.
    EXPECT_GT(spikes, 1000);
    EXPECT_GT(refr_held, 1000);
    EXPECT_GT(wraps, 100);
    EXPECT_GT(rails, 100);
}
