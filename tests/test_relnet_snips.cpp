// The Spiking RelNet's x86 schedule (models/relnet/snips.c) against spec relnet-on-loihi.md §4,
// through a recording stand-in for the x86 services: which service is called, on what, at
// which step of the 143-step sample. Expected steps are the spec's, worked out by hand below.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "models/relnet/snips.h"

namespace {

struct Call {
    uint32_t t;
    std::string what;
    uint32_t a, b;
};

struct Recorder {
    uint32_t t = 0;
    std::vector<Call> calls;
    std::vector<int32_t> readout_v = std::vector<int32_t>(LE_RELNET_N_OUT, 0);
    le_x86 x86;
    static Recorder *of(void *ctx) { return static_cast<Recorder *>(ctx); }
    static le_code inject(void *ctx, uint32_t pop, uint32_t n, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, "inject", pop, n});
        return LE_OK;
    }
    static le_code read(void *ctx, uint32_t pop, uint32_t n, le_reg, int32_t *out, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, "read", pop, n});
        *out = of(ctx)->readout_v[n];
        return LE_OK;
    }
    static le_code reset_all(void *, le_error *err) { return le_fail(err, LE_ERR_CONFIG, "not used by the RelNet"); }
    static le_code count(void *ctx, uint32_t chip, uint32_t ops, uint32_t in, uint32_t out, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, "count", chip, ops * 1000 + in * 10 + out});
        return LE_OK;
    }
    static le_code enable(void *ctx, uint32_t pop, int on, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, on ? "on" : "off", pop, 0});
        return LE_OK;
    }
    static le_code reset_pop(void *ctx, uint32_t pop, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, "reset", pop, 0});
        return LE_OK;
    }
    static le_code decay(void *ctx, uint32_t pop, int32_t d, le_error *)
    {
        of(ctx)->calls.push_back({of(ctx)->t, "decay", pop, (uint32_t)d});
        return LE_OK;
    }
    Recorder()
    {
        x86 = {this, inject, read, reset_all, count, enable, reset_pop, decay};
    }
    std::vector<Call> at(uint32_t step, const std::string &what) const
    {
        std::vector<Call> r;
        for (auto &c : calls)
            if (c.t == step && c.what == what)
                r.push_back(c);
        return r;
    }
};

// Population indices of a made-up M = 2 network: each population a distinct number.
le_relnet_pops make_pops()
{
    le_relnet_pops p;
    std::memset(&p, 0, sizeof p);
    p.M = 2;
    uint32_t next = 100;
    for (uint32_t k = 0; k <= LE_RN_QUESTION; k++) {
        p.words[k] = next++;
        p.lsnn_reg[k] = next++;
        p.lsnn_ada[k] = next++;
    }
    p.n_relays = 3;
    for (uint32_t r = 0; r < 3; r++)
        p.relay[r] = {next++, r == 2 ? LE_RN_QUESTION : r, 0};
    p.has_mask = 1;
    p.mask_src = next++;
    for (uint32_t b = 0; b < LE_RN_BLOCKS; b++)
        p.mask_relay[b] = next++;
    p.n_inst = 3;
    for (uint32_t x = 0; x < 3; x++)
        for (uint32_t l = 0; l < 4; l++)
            p.g[x][l] = next++;
    p.agg = next++;
    p.f1 = next++;
    p.f2 = next++;
    p.f3 = next++;
    p.readout = next++;
    return p;
}

struct Schedule {
    Recorder rec;
    le_relnet_pops pops = make_pops();
    std::vector<le_relnet_sample> samples;
    std::vector<uint16_t> pred;
    uint32_t chips[2] = {0, 5};
    le_relnet_snip_state st;
    void go(uint32_t steps)
    {
        pred.assign(samples.size(), 0xffff);
        le_relnet_snip_init(&st, &pops, samples.data(), (uint32_t)samples.size(), pred.data(), 0);
        st.readout_chip = 5;
        st.chips = chips;
        st.n_chips = 2;
        le_snips sn = le_relnet_snips(&st);
        le_error e;
        for (uint32_t t = 1; t <= steps; t++) {
            rec.t = t;
            ASSERT_EQ(sn.spiking(sn.user, &rec.x86, t, &e), LE_OK) << e.msg;
            ASSERT_EQ(sn.management(sn.user, &rec.x86, t, &e), LE_OK) << e.msg;
        }
    }
};

le_relnet_sample sample(std::vector<std::vector<uint16_t>> sentences, std::vector<uint16_t> q, uint16_t answer)
{
    le_relnet_sample s;
    std::memset(&s, 0, sizeof s);
    for (size_t i = 0; i < sentences.size(); i++) {
        s.n_words[i] = (uint8_t)sentences[i].size();
        for (size_t w = 0; w < sentences[i].size(); w++)
            s.word[i][w] = sentences[i][w];
    }
    s.n_words[LE_RN_QUESTION] = (uint8_t)q.size();
    for (size_t w = 0; w < q.size(); w++)
        s.word[LE_RN_QUESTION][w] = q[w];
    s.answer = answer;
    return s;
}

} // namespace

// Words: right-aligned, 10 steps each, ending at step 110. A 3-word sentence occupies
// steps 81-110 (110 - 30 + 1 = 81): word 0 in 81-90, word 1 in 91-100, word 2 in 101-110.
TEST(RelnetSnips, WordSpikesRightAlignedTenStepsEach)
{
    Schedule r;
    r.samples = {sample({{7, 8, 9}, {4}}, {11, 12}, 3)};
    r.go(LE_RN_STEPS);
    std::map<uint32_t, std::set<std::pair<uint32_t, uint32_t>>> inj; // step -> (pop, line)
    for (auto &c : r.rec.calls)
        if (c.what == "inject")
            inj[c.t].insert({c.a, c.b});
    for (uint32_t t = 1; t <= 110; t++) {
        std::set<std::pair<uint32_t, uint32_t>> want;
        if (t >= 81)
            want.insert({r.pops.words[0], t <= 90 ? 7u : t <= 100 ? 8u : 9u});
        if (t >= 101)
            want.insert({r.pops.words[1], 4u});
        if (t >= 91)
            want.insert({r.pops.words[LE_RN_QUESTION], t <= 100 ? 11u : 12u});
        EXPECT_EQ(inj[t], want) << "step " << t;
    }
    for (uint32_t t = 111; t <= LE_RN_STEPS; t++)
        EXPECT_TRUE(inj[t].empty()) << "step " << t; // no empty slot: no mask spikes either
}

// The five events of spec §4 at the steps it gives, and nothing else in between.
TEST(RelnetSnips, ManagementEventsAtTheirSteps)
{
    Schedule r;
    r.samples = {sample({{7}, {4}}, {11}, 3)};
    r.rec.readout_v[42] = 1000;
    r.go(LE_RN_STEPS);
    std::set<uint32_t> gated;
    for (uint32_t k = 0; k < r.pops.n_relays; k++)
        gated.insert(r.pops.relay[k].pop);
    for (uint32_t b = 0; b < LE_RN_BLOCKS; b++)
        gated.insert(r.pops.mask_relay[b]);
    auto pops_of = [](const std::vector<Call> &cs) {
        std::set<uint32_t> s;
        for (auto &c : cs)
            s.insert(c.a);
        return s;
    };
    // step 1: relays off, readout wiped each step (decay 4095)
    EXPECT_EQ(pops_of(r.rec.at(1, "off")), gated);
    ASSERT_EQ(r.rec.at(1, "decay").size(), 1u);
    EXPECT_EQ(r.rec.at(1, "decay")[0].a, r.pops.readout);
    EXPECT_EQ(r.rec.at(1, "decay")[0].b, 4095u);
    // step 97 = 110 - 14 + 1: relays on
    EXPECT_EQ(pops_of(r.rec.at(97, "on")), gated);
    // step 112 = 110 + 2: relays off, the 3 LSNNs (2 sentences, the question) reset
    EXPECT_EQ(pops_of(r.rec.at(112, "off")), gated);
    std::set<uint32_t> lsnn{r.pops.lsnn_reg[0], r.pops.lsnn_ada[0], r.pops.lsnn_reg[1], r.pops.lsnn_ada[1],
                            r.pops.lsnn_reg[LE_RN_QUESTION], r.pops.lsnn_ada[LE_RN_QUESTION]};
    EXPECT_EQ(pops_of(r.rec.at(112, "reset")), lsnn);
    // step 135 = 110 - 14 + 37 - 10 + 12: the readout integrates
    ASSERT_EQ(r.rec.at(135, "decay").size(), 1u);
    EXPECT_EQ(r.rec.at(135, "decay")[0].b, 0u);
    // step 143: 180 reads, the argmax, one answer word, the feed-forward part reset
    EXPECT_EQ(r.rec.at(143, "read").size(), (size_t)LE_RELNET_N_OUT);
    EXPECT_EQ(r.pred[0], 42u);
    std::set<uint32_t> ff{r.pops.agg, r.pops.f1, r.pops.f2, r.pops.f3, r.pops.readout};
    for (uint32_t x = 0; x < 3; x++)
        for (uint32_t l = 0; l < 4; l++)
            ff.insert(r.pops.g[x][l]);
    EXPECT_EQ(pops_of(r.rec.at(143, "reset")), ff);
    // no switching, reset or decay change at any other step
    const std::map<std::string, std::set<uint32_t>> when{
        {"on", {97}}, {"off", {1, 112}}, {"reset", {112, 143}}, {"decay", {1, 135}}, {"read", {143}}};
    for (auto &c : r.rec.calls) {
        auto it = when.find(c.what);
        if (it != when.end()) {
            EXPECT_EQ(it->second.count(c.t), 1u) << c.what << " at step " << c.t;
        }
    }
}

// Every chip in use runs the management snip's guard every step (one operation each); the
// read-out adds 180 comparisons and one answer word on the readout chip.
TEST(RelnetSnips, GuardOnEveryChipEveryStep)
{
    Schedule r;
    r.samples = {sample({{7}, {4}}, {11}, 3)};
    r.go(LE_RN_STEPS);
    for (uint32_t t = 1; t <= LE_RN_STEPS; t++) {
        std::multiset<std::pair<uint32_t, uint32_t>> got, want{{0u, 1000u}, {5u, 1000u}};
        if (t == LE_RN_STEPS)
            want.insert({5u, LE_RELNET_N_OUT * 1000u + 1u});
        for (auto &c : r.rec.at(t, "count"))
            got.insert({c.a, c.b});
        EXPECT_EQ(got, want) << "step " << t;
    }
}

// An empty sentence slot below M is masked: its mask source spikes at 97, 114 and 131.
TEST(RelnetSnips, EmptySlotIsMaskedThreeTimes)
{
    Schedule r;
    r.samples = {sample({{7}}, {11}, 3)}; // slot 1 of M = 2 is empty
    r.go(LE_RN_STEPS);
    std::vector<uint32_t> steps;
    for (auto &c : r.rec.calls)
        if (c.what == "inject" && c.a == r.pops.mask_src) {
            EXPECT_EQ(c.b, 1u);
            steps.push_back(c.t);
        }
    EXPECT_EQ(steps, (std::vector<uint32_t>{97, 114, 131}));
}

// Samples follow each other every 143 steps; the argmax takes the first of equal maxima.
TEST(RelnetSnips, SecondSampleStartsAtStep144AndTiesGoToTheFirst)
{
    Schedule r;
    r.samples = {sample({{7}, {4}}, {11}, 3), sample({{5}, {6}}, {12}, 1)};
    r.rec.readout_v[9] = 50;
    r.rec.readout_v[30] = 50;
    r.go(2 * LE_RN_STEPS);
    EXPECT_EQ(r.pred[0], 9u);
    EXPECT_EQ(r.pred[1], 9u);
    EXPECT_EQ(r.rec.at(LE_RN_STEPS + 97, "on").size(), r.rec.at(97, "on").size());
    EXPECT_EQ(r.rec.at(2 * LE_RN_STEPS, "read").size(), (size_t)LE_RELNET_N_OUT);
    // the second sample's single-word sentences are in steps 144 + 100 .. 144 + 109
    for (auto &c : r.rec.calls)
        if (c.what == "inject" && c.a == r.pops.words[0] && c.t > LE_RN_STEPS) {
            EXPECT_EQ(c.b, 5u);
            EXPECT_GE(c.t, LE_RN_STEPS + 101u);
            EXPECT_LE(c.t, LE_RN_STEPS + 110u);
        }
}
