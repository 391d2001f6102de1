// Population axons (shared synapse sets) for convolutions: the population form gives the same
// spikes and voltages as the same convolution expanded to discrete synapses, the expansion
// follows the convolution's definition, and the synapse-memory, axon and limit accounting of
// the chip's population formats matches counts made by hand.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/neurocore.h"
#include "models/network.h"
#include "place/configure.h"
#include "place/estimate.h"
#include "run/pipeline.h"

namespace {

struct Net {
    le_network n;
    Net() { le_network_init(&n); }
    ~Net() { le_network_free(&n); }
};

uint64_t rng = 0x1234567ULL;
uint32_t rnd()
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

le_conv conv_shape(uint32_t h, uint32_t w, uint32_t c, uint32_t oc, uint32_t k, uint32_t stride, uint32_t pad)
{
    le_conv cv;
    std::memset(&cv, 0, sizeof cv);
    cv.in_h = h;
    cv.in_w = w;
    cv.in_ch = c;
    cv.out_ch = oc;
    cv.kernel_h = cv.kernel_w = k;
    cv.stride_h = cv.stride_w = stride;
    cv.pad_h = cv.pad_w = pad;
    cv.pop_type = LE_POP32;
    return cv;
}

struct Layer {
    uint32_t h, w, c, oc, k, stride, pad, per_core, delay, pop;
};

// input h x w x c -> conv layers; expand: every convolution as discrete synapses.
void build(le_network *net, const std::vector<Layer> &layers, bool expand, uint32_t steps)
{
    le_error e;
    rng = 0x1234567ULL;
    le_population in = le_population_default("in", LE_POP_INPUT, layers[0].h * layers[0].w * layers[0].c);
    uint32_t prev, idx;
    ASSERT_EQ(le_network_add_pop(net, &in, &prev, &e), LE_OK) << e.msg;
    for (size_t l = 0; l < layers.size(); l++) {
        const Layer &L = layers[l];
        le_conv cv = conv_shape(L.h, L.w, L.c, L.oc, L.k, L.stride, L.pad);
        cv.delay = (uint8_t)L.delay;
        cv.pop_type = (uint8_t)L.pop;
        std::string name = "c" + std::to_string(l);
        le_population p = le_population_default(name.c_str(), LE_POP_LIF, le_conv_out_h(&cv) * le_conv_out_w(&cv) * L.oc);
        p.main.decay_u = 2048;
        p.main.decay_v = 300;
        p.main.vth_mant = 40;
        p.per_core = L.per_core;
        p.own_cores = 1;
        ASSERT_EQ(le_network_add_pop(net, &p, &idx, &e), LE_OK) << e.msg;
        size_t nk = (size_t)L.oc * L.c * L.k * L.k;
        cv.weight = (int16_t *)malloc(nk * sizeof(int16_t));
        for (size_t i = 0; i < nk; i++)
            cv.weight[i] = (int16_t)((int32_t)(rnd() % 200) - 60);
        ASSERT_EQ(le_network_add_conv(net, prev, idx, &cv, 0, l == 1 ? LE_SIGN_MIXED : LE_SIGN_SPLIT, &e), LE_OK)
            << e.msg;
        if (l == 1)
            net->conns[net->n_conns - 1].weight_bits = 6;
        if (expand) {
            le_connection d;
            ASSERT_EQ(le_conv_expand(&net->conns[net->n_conns - 1], &d, &e), LE_OK) << e.msg;
            free(net->conns[net->n_conns - 1].conv->weight);
            free(net->conns[net->n_conns - 1].conv);
            net->n_conns--;
            ASSERT_EQ(le_network_add_conn(net, &d, &e), LE_OK) << e.msg;
        }
        prev = idx;
    }
    for (uint32_t t = 1; t <= steps; t++)
        for (int k = 0; k < 6; k++)
            ASSERT_EQ(le_network_add_input(net, 0, rnd() % net->pops[0].size, t, &e), LE_OK);
}

struct Trace {
    std::vector<std::vector<int32_t>> v; // per step, every neuron's v
    std::vector<std::vector<uint8_t>> s; // per step, every neuron's spike
    uint32_t cores = 0;
    uint64_t syn_bits = 0, in_axons = 0;
};

Trace run(const std::vector<Layer> &layers, bool expand, uint32_t steps)
{
    Trace tr;
    Net net;
    build(&net.n, layers, expand, steps);
    le_pipeline p;
    le_pipeline_opts o = le_pipeline_defaults();
    le_error e;
    EXPECT_EQ(le_pipeline_open(&net.n, &o, &p, &e), LE_OK) << e.msg;
    const le_chipcfg *c = le_sim_config(p.sim);
    tr.cores = c->n_cores;
    for (uint32_t i = 0; i < c->n_cores; i++) {
        tr.syn_bits += c->cores[i].syn_bits;
        tr.in_axons += c->cores[i].n_in_axons + c->cores[i].n_pop_axons;
    }
    for (uint32_t t = 1; t <= steps; t++) {
        EXPECT_EQ(le_pipeline_run(&p, 1, nullptr, &e), LE_OK) << e.msg;
        std::vector<int32_t> v;
        std::vector<uint8_t> s;
        for (uint32_t g = 0; g < c->n_neurons; g++) {
            if (le_chipcfg_core_of(c, g) == LE_CFG_NONE)
                continue;
            v.push_back(c->cores[le_chipcfg_core_of(c, g)].v[le_chipcfg_cx_of(c, g)]);
            s.push_back((uint8_t)le_sim_fired(p.sim, g, t));
        }
        tr.v.push_back(v);
        tr.s.push_back(s);
    }
    le_pipeline_close(&p);
    return tr;
}

void expect_same(const std::vector<Layer> &layers, uint32_t steps)
{
    Trace a = run(layers, true, steps), b = run(layers, false, steps);
    ASSERT_EQ(a.v.size(), b.v.size());
    uint64_t spikes = 0;
    for (uint32_t t = 0; t < steps; t++) {
        ASSERT_EQ(a.v[t], b.v[t]) << "voltages differ in step " << t + 1;
        ASSERT_EQ(a.s[t], b.s[t]) << "spikes differ in step " << t + 1;
        for (uint8_t x : a.s[t])
            spikes += x;
    }
    EXPECT_GT(spikes, 20u) << "the test network must be active to compare anything";
    EXPECT_LE(b.in_axons, a.in_axons) << "population axons carry all channels of a pixel";
}

} // namespace

TEST(PopAxon, SameSpikesAndVoltagesAsDiscreteStride1NoPadding)
{
    expect_same({{8, 9, 2, 3, 3, 1, 0, 40, 0, 32}, {6, 7, 3, 4, 3, 1, 0, 0, 0, 32}}, 40);
}

TEST(PopAxon, SameSpikesAndVoltagesAsDiscreteStride2PaddingDelaysPop16)
{
    expect_same({{9, 8, 2, 4, 3, 2, 1, 24, 2, 16}, {5, 4, 4, 3, 2, 1, 1, 10, 1, 32}}, 40);
}

TEST(PopAxon, SameAsDiscreteWhenTargetsPassTheBaseField)
{
    // One core of 600 compartments: bases above 255 are held there, with longer sets.
    expect_same({{20, 20, 1, 2, 3, 1, 1, 0, 0, 32}}, 25);
}

TEST(PopAxon, ExpansionFollowsTheDefinition)
{
    // 3x3x1 input, 2x2 kernel, stride 1, no padding -> 2x2x1 output, each output sums a 2x2 window.
    Net net;
    le_error e;
    le_population in = le_population_default("in", LE_POP_INPUT, 9);
    le_population out = le_population_default("out", LE_POP_LIF, 4);
    uint32_t a, b;
    ASSERT_EQ(le_network_add_pop(&net.n, &in, &a, &e), LE_OK);
    ASSERT_EQ(le_network_add_pop(&net.n, &out, &b, &e), LE_OK);
    le_conv cv = conv_shape(3, 3, 1, 1, 2, 1, 0);
    cv.weight = (int16_t *)malloc(4 * sizeof(int16_t));
    int16_t k[4] = {1, 2, 3, 4}; // [ky][kx]
    std::memcpy(cv.weight, k, sizeof k);
    ASSERT_EQ(le_network_add_conv(&net.n, a, b, &cv, 0, LE_SIGN_SPLIT, &e), LE_OK) << e.msg;
    EXPECT_EQ(le_conv_n_synapses(net.n.conns[0].conv), 16u);
    le_connection d;
    ASSERT_EQ(le_conv_expand(&net.n.conns[0], &d, &e), LE_OK);
    ASSERT_EQ(d.n, 16u);
    // Input (1,1), the centre, feeds all four outputs with taps (1,1),(1,0),(0,1),(0,0).
    int found = 0;
    for (uint32_t i = 0; i < d.n; i++)
        if (d.src[i] == 4) {
            int want = d.dst[i] == 0 ? 4 : d.dst[i] == 1 ? 3 : d.dst[i] == 2 ? 2 : 1;
            EXPECT_EQ(d.weight[i], want) << "to output " << d.dst[i];
            found++;
        }
    EXPECT_EQ(found, 4);
    // The corner input (0,2) reaches only output (0,1) through tap (0,1).
    for (uint32_t i = 0; i < d.n; i++)
        if (d.src[i] == 2) {
            EXPECT_EQ(d.dst[i], 1u);
            EXPECT_EQ(d.weight[i], 2);
        }
    free(d.src);
    free(d.dst);
    free(d.weight);
    free(d.delay);
}

TEST(PopAxon, ShapeMismatchIsNamed)
{
    Net net;
    le_error e;
    le_population in = le_population_default("in", LE_POP_INPUT, 18);
    le_population out = le_population_default("out", LE_POP_LIF, 5);
    uint32_t a, b;
    ASSERT_EQ(le_network_add_pop(&net.n, &in, &a, &e), LE_OK);
    ASSERT_EQ(le_network_add_pop(&net.n, &out, &b, &e), LE_OK);
    le_conv cv = conv_shape(3, 3, 2, 1, 2, 1, 0);
    cv.weight = (int16_t *)calloc(8, sizeof(int16_t));
    ASSERT_EQ(le_network_add_conv(&net.n, a, b, &cv, 0, LE_SIGN_SPLIT, &e), LE_ERR_CONFIG);
    EXPECT_NE(std::strstr(e.msg, "convolution output 2x2x1 = 4 neurons but out has 5"), nullptr) << e.msg;
    EXPECT_EQ(net.n.n_conns, 0u);
}

namespace {
// A 1 x w x c input through a 1x1 kernel onto one LIF core: pixel p's channels reach compartment p.
le_chipcfg configure_1x1(Net &net, uint32_t w, uint32_t c, uint8_t pop, bool expand, le_placement *pl)
{
    le_error e;
    le_population in = le_population_default("in", LE_POP_INPUT, w * c);
    le_population out = le_population_default("out", LE_POP_LIF, w);
    uint32_t a, b;
    EXPECT_EQ(le_network_add_pop(&net.n, &in, &a, &e), LE_OK);
    EXPECT_EQ(le_network_add_pop(&net.n, &out, &b, &e), LE_OK);
    le_conv cv = conv_shape(1, w, c, 1, 1, 1, 0);
    cv.pop_type = pop;
    cv.weight = (int16_t *)calloc(c, sizeof(int16_t));
    for (uint32_t i = 0; i < c; i++)
        cv.weight[i] = (int16_t)(10 + i);
    EXPECT_EQ(le_network_add_conv(&net.n, a, b, &cv, 0, LE_SIGN_SPLIT, &e), LE_OK) << e.msg;
    if (expand) {
        le_connection d;
        EXPECT_EQ(le_conv_expand(&net.n.conns[0], &d, &e), LE_OK);
        free(net.n.conns[0].conv->weight);
        free(net.n.conns[0].conv);
        net.n.n_conns = 0;
        EXPECT_EQ(le_network_add_conn(&net.n, &d, &e), LE_OK);
    }
    le_board_geom g;
    le_limits lim;
    le_pipeline_opts o = le_pipeline_defaults();
    EXPECT_EQ(le_pipeline_board(&o, &g, &lim, &e), LE_OK);
    EXPECT_EQ(le_place(&net.n, &g, &lim, pl, &e), LE_OK) << e.msg;
    le_chipcfg cfg;
    EXPECT_EQ(le_chipcfg_build(&net.n, pl, &g, &lim, &cfg, &e), LE_OK) << e.msg;
    return cfg;
}
} // namespace

TEST(PopAxon, OneSharedSetWhenEveryAxonHasTheSameRelativeTargets)
{
    // 6 pixels x 2 channels, 1x1 kernel: every pixel axon has one target at its own base, so
    // all six share one set of 2 atoms x 1 synapse. Set bits by hand: 2 x (8 weight + 6 index)
    // + 10 header = 38 -> one 64-bit word. Discrete: 12 axons of one synapse, 64 bits each.
    Net pn, dn;
    le_placement pp, dp;
    le_chipcfg p = configure_1x1(pn, 6, 2, LE_POP32, false, &pp);
    le_chipcfg d = configure_1x1(dn, 6, 2, LE_POP32, true, &dp);
    ASSERT_EQ(p.n_cores, 1u);
    EXPECT_EQ(p.cores[0].n_pop_axons, 6u);
    EXPECT_EQ(p.cores[0].n_in_axons, 0u);
    EXPECT_EQ(p.cores[0].n_sets, 1u);
    EXPECT_EQ(p.cores[0].syn_bits, 64u);
    EXPECT_EQ(d.cores[0].n_in_axons, 12u);
    EXPECT_EQ(d.cores[0].syn_bits, 12u * 64u);
    le_chipcfg_free(&p);
    le_chipcfg_free(&d);
    le_placement_free(&pp);
    le_placement_free(&dp);
}

TEST(PopAxon, BaseFieldLimitMakesMoreSets)
{
    // 300 pixels, one channel, 1x1 kernel: pixel p targets compartment p. pop32: bases 0..255
    // take relative index 0 (one set); pixels 256..299 keep base 255 and need relative
    // indices 1..44: 44 more sets. pop16: bases are multiples of 4, so pixels below 256 need
    // relative indices 0..3 (4 sets); pixels 256..299 keep base 252 with indices 4..47 (44).
    Net a, b;
    le_placement pa, pb;
    le_chipcfg c32 = configure_1x1(a, 300, 1, LE_POP32, false, &pa);
    le_chipcfg c16 = configure_1x1(b, 300, 1, LE_POP16, false, &pb);
    EXPECT_EQ(c32.cores[0].n_sets, 45u);
    EXPECT_EQ(c16.cores[0].n_sets, 48u);
    EXPECT_EQ(c32.cores[0].pop_base[299], 255u);
    EXPECT_EQ(c16.cores[0].pop_base[299], 252u);
    EXPECT_EQ(c16.cores[0].pop_base[7], 4u);
    le_chipcfg_free(&c32);
    le_chipcfg_free(&c16);
    le_placement_free(&pa);
    le_placement_free(&pb);
}

namespace {
le_code build_pop_core(uint32_t n_cx, uint16_t base, uint8_t pop, uint32_t atoms, uint32_t n_out_pop32,
                       le_error *e)
{
    std::vector<le_profile> prof{le_profile_default()};
    std::vector<uint16_t> cxp(n_cx, 0);
    le_syn_set st = {};
    st.row0 = 0;
    st.n_atoms = atoms;
    st.fmt = le_axon_fmt_for(8, 0);
    st.pop_type = pop;
    std::vector<uint32_t> rows(atoms + 1);
    std::vector<le_synapse> syn(atoms);
    for (uint32_t r = 0; r <= atoms; r++)
        rows[r] = r;
    for (auto &y : syn) {
        y = {};
        y.weight = 64;
    }
    uint32_t set = 0;
    std::vector<uint32_t> ostart(n_cx + 1, 0);
    std::vector<le_axon_dst> out(n_out_pop32 + 1);
    std::vector<uint16_t> atom(n_out_pop32 + 1, 0);
    std::vector<uint8_t> pop32(n_out_pop32 + 1, 1);
    for (uint32_t i = 0; i < n_out_pop32; i++)
        out[i] = {128u + i % 100u, i}; // on another chip: the 2048 limit
    for (uint32_t c = 1; c <= n_cx; c++)
        ostart[c] = n_out_pop32;
    le_core_spec s = {};
    s.n_cx = n_cx;
    s.profiles = prof.data();
    s.n_profiles = 1;
    s.cx_profile = cxp.data();
    s.out_start = ostart.data();
    s.out = out.data();
    s.out_atom = atom.data();
    s.out_pop32 = pop32.data();
    s.n_pop_axons = 1;
    s.pop_set = &set;
    s.pop_base = &base;
    s.n_sets = 1;
    s.sets = &st;
    s.row_start = rows.data();
    s.set_syn = syn.data();
    le_neurocore core;
    le_code rc = le_core_build(&core, &s, le_limits_loihi1(), e);
    if (rc == LE_OK)
        le_core_free(&core);
    return rc;
}
} // namespace

TEST(PopAxon, CoreLimitsOfThePopulationFormats)
{
    le_error e;
    EXPECT_EQ(build_pop_core(300, 255, 32, 4, 0, &e), LE_OK) << e.msg;
    EXPECT_EQ(build_pop_core(300, 256, 32, 4, 0, &e), LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(e.msg, "compartment base 256, exceeding the maximum of 255"), nullptr) << e.msg;
    EXPECT_EQ(build_pop_core(300, 6, 16, 4, 0, &e), LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(e.msg, "(pop16) has compartment base 6, not a multiple of 4"), nullptr) << e.msg;
    EXPECT_EQ(build_pop_core(300, 8, 16, 512, 0, &e), LE_OK) << e.msg;
    EXPECT_EQ(build_pop_core(300, 8, 16, 513, 0, &e), LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(e.msg, "513 atoms"), nullptr) << e.msg;
    EXPECT_EQ(build_pop_core(8, 8, 32, 4, 0, &e), LE_ERR_CONFIG); // base 8 + index 0 = compartment 8 of 8
    EXPECT_NE(std::strstr(e.msg, "reaches compartment 8"), nullptr) << e.msg;
}

TEST(PopAxon, Pop32AxonsTakeTwoOutputSlots)
{
    // 1024 pop32 output axons on one compartment = 2048 slots: at the off-chip limit of 2048.
    le_error e;
    EXPECT_EQ(build_pop_core(1, 0, 32, 1, 1024, &e), LE_OK) << e.msg;
    EXPECT_EQ(build_pop_core(1, 0, 32, 1, 1025, &e), LE_ERR_LIMIT);
    EXPECT_NE(std::strstr(e.msg, "output axons 2050 exceed the limit of 2048"), nullptr) << e.msg;
}

TEST(PopAxon, PlacementCountsPopulationAxonsAndTheirMemory)
{
    // The estimate shared by placement counts one input axon per source pixel (as the
    // configuration builds them), the output slots of pop32 axons, and the synapse memory of
    // each distinct shared set once, as the configuration stores them.
    Net net;
    build(&net.n, {{12, 10, 3, 4, 3, 1, 1, 100, 0, 32}, {12, 10, 4, 2, 3, 2, 1, 0, 0, 32}}, false, 1);
    le_board_geom g;
    le_limits lim;
    le_error e;
    le_pipeline_opts o = le_pipeline_defaults();
    ASSERT_EQ(le_pipeline_board(&o, &g, &lim, &e), LE_OK);
    le_placement pl;
    ASSERT_EQ(le_place(&net.n, &g, &lim, &pl, &e), LE_OK) << e.msg;
    le_in_edges ie;
    ASSERT_EQ(le_in_edges_build(&net.n, pl.pop_base, nullptr, &ie, &e), LE_OK);
    std::vector<le_core_usage> use(g.n_chips * g.cores_per_chip);
    ASSERT_EQ(le_estimate_cores(&net.n, &pl, &g, &lim, &ie, use.data(), nullptr, nullptr, &e), LE_OK) << e.msg;
    le_chipcfg cfg;
    ASSERT_EQ(le_chipcfg_build(&net.n, &pl, &g, &lim, &cfg, &e), LE_OK) << e.msg;
    ASSERT_GT(cfg.n_cores, 2u);
    for (uint32_t i = 0; i < cfg.n_cores; i++) {
        const le_neurocore &c = cfg.cores[i];
        const le_core_usage &u = use[c.gid];
        EXPECT_EQ(u.in_axons, c.n_in_axons + c.n_pop_axons) << "core " << c.gid;
        EXPECT_EQ(u.syn_bits, c.syn_bits) << "core " << c.gid;
        EXPECT_EQ(u.out_axons, c.out_slots) << "core " << c.gid;
    }
    le_chipcfg_free(&cfg);
    le_in_edges_free(&ie);
    le_placement_free(&pl);
}

// A 1 x 8 map of 4 channels under a 1 x 3 kernel (padding 1 along x), one output channel, the
// 8 output neurons on one core at compartments 0..7. Source pixel x reaches outputs x-1, x, x+1
// through taps 2, 1, 0. Relative to each axon's base (its lowest target) pixels 1..6 have the
// same entries {(0, tap 2), (1, tap 1), (2, tap 0)} and share one set; pixel 0 {(0, 1), (1, 0)}
// and pixel 7 {(0, 2), (1, 1)} have sets of their own. By hand, 8-bit weights, no delay, 6 index
// bits (the minimum), so 14 bits a synapse; a set is one synapse list of 4 atoms x its entries,
// plus a 10-bit header, in 64-bit words: 12 synapses 178 -> 192 bits, 8 synapses 122 -> 128.
// Shared: 192 + 128 + 128 = 448 bits. Each axon on its own would be 6 x 192 + 2 x 128 = 1408.
TEST(PopAxon, EstimateCountsEachSharedSetOnce)
{
    Net net;
    le_error e;
    le_population in = le_population_default("in", LE_POP_INPUT, 8 * 4);
    le_population out = le_population_default("out", LE_POP_LIF, 8);
    uint32_t pi, po;
    ASSERT_EQ(le_network_add_pop(&net.n, &in, &pi, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_network_add_pop(&net.n, &out, &po, &e), LE_OK) << e.msg;
    le_conv cv;
    std::memset(&cv, 0, sizeof cv);
    cv.in_h = 1, cv.in_w = 8, cv.in_ch = 4, cv.out_ch = 1;
    cv.kernel_h = 1, cv.kernel_w = 3, cv.stride_h = cv.stride_w = 1, cv.pad_h = 0, cv.pad_w = 1;
    cv.pop_type = LE_POP32;
    cv.weight = (int16_t *)malloc(12 * sizeof(int16_t));
    for (int i = 0; i < 12; i++)
        cv.weight[i] = (int16_t)(10 + i);
    ASSERT_EQ(le_network_add_conv(&net.n, pi, po, &cv, 0, LE_SIGN_MIXED, &e), LE_OK) << e.msg;
    ASSERT_EQ(net.n.conns[0].weight_bits, 8);

    le_board_geom g;
    le_limits lim;
    le_pipeline_opts o = le_pipeline_defaults();
    ASSERT_EQ(le_pipeline_board(&o, &g, &lim, &e), LE_OK);
    le_placement pl;
    ASSERT_EQ(le_place(&net.n, &g, &lim, &pl, &e), LE_OK) << e.msg;
    for (uint32_t k = 0; k < 8; k++)
        ASSERT_EQ(pl.cx[pl.pop_base[po] + k], k);
    le_in_edges ie;
    ASSERT_EQ(le_in_edges_build(&net.n, pl.pop_base, nullptr, &ie, &e), LE_OK);
    std::vector<le_core_usage> use(g.n_chips * g.cores_per_chip);
    ASSERT_EQ(le_estimate_cores(&net.n, &pl, &g, &lim, &ie, use.data(), nullptr, nullptr, &e), LE_OK) << e.msg;
    const le_core_usage &u = use[pl.core[pl.pop_base[po]]];
    EXPECT_EQ(u.in_axons, 8u);
    EXPECT_EQ(u.synapses, 4u * (2 + 3 * 6 + 2));
    EXPECT_EQ(u.syn_bits, 448u);

    // Filled one neuron at a time, as placement does. Outputs 0 and 1 reach pixels 0..2:
    // pixel 0 {(0, 1), (1, 0)}, pixel 1 {(0, 2), (1, 1)} (output 2 is not on the core yet),
    // pixel 2 {(0, 2)}: three sets of 8, 8 and 4 synapses, 128 bits each, 384 on 3 axons.
    le_core_est est;
    ASSERT_EQ(le_core_est_init(&est, &lim, &ie, &e), LE_OK);
    le_core_est_open(&est, 0);
    for (uint32_t k = 0; k < 2; k++)
        ASSERT_EQ(le_core_est_add(&est, pl.pop_base[po] + k, k, k + 1, 0, 0, &e), LE_OK);
    EXPECT_EQ(est.u.in_axons, 3u);
    EXPECT_EQ(est.u.syn_bits, 384u);
    // Output 2: pixel 1 gets the full set (192), pixel 2 {(0, 2), (1, 1)} and pixel 3 {(0, 2)}
    // 128 each, pixel 0 unchanged: 576 on 4 axons; taken back, 384 on 3 again.
    ASSERT_EQ(le_core_est_add(&est, pl.pop_base[po] + 2, 2, 3, 0, 0, &e), LE_OK);
    EXPECT_EQ(est.u.in_axons, 4u);
    EXPECT_EQ(est.u.syn_bits, 576u);
    le_core_est_undo(&est);
    EXPECT_EQ(est.u.in_axons, 3u);
    EXPECT_EQ(est.u.syn_bits, 384u);
    for (uint32_t k = 2; k < 8; k++)
        ASSERT_EQ(le_core_est_add(&est, pl.pop_base[po] + k, k, k + 1, 0, 0, &e), LE_OK);
    EXPECT_EQ(est.u.in_axons, 8u);
    EXPECT_EQ(est.u.syn_bits, 448u);

    le_chipcfg cfg;
    ASSERT_EQ(le_chipcfg_build(&net.n, &pl, &g, &lim, &cfg, &e), LE_OK) << e.msg;
    ASSERT_EQ(cfg.n_cores, 1u);
    EXPECT_EQ(cfg.cores[0].n_sets, 3u);
    EXPECT_EQ(cfg.cores[0].syn_bits, 448u);
    le_chipcfg_free(&cfg);
    le_core_est_free(&est);
    le_in_edges_free(&ie);
    le_placement_free(&pl);
}
