// The network description: dense connections, ranges per sign mode, validation messages.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "models/network.h"

namespace {

struct Net {
    le_network n;
    Net() { le_network_init(&n); }
    ~Net() { le_network_free(&n); }
};

uint32_t add(le_network *n, const char *name, le_pop_kind kind, uint32_t size)
{
    le_population p = le_population_default(name, kind, size);
    uint32_t idx = 99;
    le_error e;
    EXPECT_EQ(le_network_add_pop(n, &p, &idx, &e), LE_OK) << e.msg;
    return idx;
}

bool has(const le_error &e, const char *s) { return std::strstr(e.msg, s) != nullptr; }

} // namespace

TEST(Network, PopulationsAreFoundByNameAndNamesAreUnique)
{
    Net net;
    EXPECT_EQ(add(&net.n, "in", LE_POP_INPUT, 2), 0u);
    EXPECT_EQ(add(&net.n, "exc", LE_POP_LIF, 3), 1u);
    EXPECT_EQ(le_network_find_pop(&net.n, "exc"), 1);
    EXPECT_EQ(le_network_find_pop(&net.n, "nope"), -1);
    EXPECT_EQ(le_network_n_neurons(&net.n), 5u);
    le_population p = le_population_default("exc", LE_POP_LIF, 1);
    le_error e;
    EXPECT_EQ(le_network_add_pop(&net.n, &p, nullptr, &e), LE_ERR_CONFIG);
    EXPECT_TRUE(has(e, "'exc' defined twice")) << e.msg;
}

TEST(Network, DenseMatrixRowsAreSourcesAndZerosAreSkipped)
{
    Net net;
    uint32_t a = add(&net.n, "a", LE_POP_INPUT, 2);
    uint32_t b = add(&net.n, "b", LE_POP_LIF, 3);
    // [2][3]: row r = source r, column c = destination c.
    const float w[6] = {0, 5, 0, -7, 0, 255};
    le_error e;
    ASSERT_EQ(le_network_connect_dense(&net.n, a, b, w, -2, LE_SIGN_SPLIT, &e), LE_OK) << e.msg;
    ASSERT_EQ(net.n.n_conns, 1u);
    const le_connection &c = net.n.conns[0];
    ASSERT_EQ(c.n, 3u);
    EXPECT_EQ(c.src[0], 0u);
    EXPECT_EQ(c.dst[0], 1u);
    EXPECT_EQ(c.weight[0], 5);
    EXPECT_EQ(c.src[1], 1u);
    EXPECT_EQ(c.dst[1], 0u);
    EXPECT_EQ(c.weight[1], -7);
    EXPECT_EQ(c.src[2], 1u);
    EXPECT_EQ(c.dst[2], 2u);
    EXPECT_EQ(c.weight[2], 255);
    EXPECT_EQ(c.wexp, -2);
    EXPECT_EQ(c.weight_bits, 8);
    EXPECT_EQ(c.delay, nullptr);
    EXPECT_EQ(le_network_validate(&net.n, &e), LE_OK) << e.msg;
}

TEST(Network, DenseMatrixRejectsFractionsAndOutOfRangeNamingRowAndColumn)
{
    Net net;
    uint32_t a = add(&net.n, "a", LE_POP_INPUT, 2);
    uint32_t b = add(&net.n, "b", LE_POP_LIF, 2);
    const float frac[4] = {1, 2, 3, 2.5f};
    le_error e;
    EXPECT_EQ(le_network_connect_dense(&net.n, a, b, frac, 0, LE_SIGN_SPLIT, &e), LE_ERR_RANGE);
    EXPECT_TRUE(has(e, "a -> b")) << e.msg;
    EXPECT_TRUE(has(e, "row 1, column 1")) << e.msg;
    const float neg[4] = {0, -1, 0, 0};
    EXPECT_EQ(le_network_connect_dense(&net.n, a, b, neg, 0, LE_SIGN_EXC, &e), LE_ERR_RANGE);
    EXPECT_TRUE(has(e, "row 0, column 1")) << e.msg;
    EXPECT_TRUE(has(e, "0..255")) << e.msg;
    const float big[4] = {256, 0, 0, 0};
    EXPECT_EQ(le_network_connect_dense(&net.n, a, b, big, 0, LE_SIGN_SPLIT, &e), LE_ERR_RANGE);
    EXPECT_TRUE(has(e, "row 0, column 0")) << e.msg;
    const float odd[4] = {255, 0, 0, 0}; // mixed tops out at 254
    EXPECT_EQ(le_network_connect_dense(&net.n, a, b, odd, 0, LE_SIGN_MIXED, &e), LE_ERR_RANGE);
    EXPECT_EQ(net.n.n_conns, 0u);
}

// Truncation as the synapse memory stores the mantissa (Lava's truncate_weights): magnitudes
// in excitatory/inhibitory groups (toward zero), two's complement in mixed groups (floor).
TEST(Network, WeightTruncationFollowsTheStorageFormat)
{
    // 8 bits, split: no loss.
    EXPECT_EQ(le_weight_truncate(-255, LE_SIGN_SPLIT, 8), -255);
    // Mixed loses the LSB: 3 -> 2, -3 -> -4 (floor, as an arithmetic shift).
    EXPECT_EQ(le_weight_truncate(3, LE_SIGN_MIXED, 8), 2);
    EXPECT_EQ(le_weight_truncate(-3, LE_SIGN_MIXED, 8), -4);
    // 6 bits: multiples of 4; 7 -> 4; inhibitory magnitude 7 -> 4, so -7 -> -4; 8 -> 8.
    EXPECT_EQ(le_weight_truncate(7, LE_SIGN_EXC, 6), 4);
    EXPECT_EQ(le_weight_truncate(-7, LE_SIGN_INH, 6), -4);
    EXPECT_EQ(le_weight_truncate(-7, LE_SIGN_SPLIT, 6), -4);
    EXPECT_EQ(le_weight_truncate(8, LE_SIGN_SPLIT, 6), 8);
    // 5 bits, inhibitory: multiples of 8; -37 -> -32 (Brian2Loihi and Lava agree here).
    EXPECT_EQ(le_weight_truncate(-37, LE_SIGN_INH, 5), -32);
    // 6 bits, mixed: multiples of 8 (one bit to the sign); -7 -> -8, 7 -> 0.
    EXPECT_EQ(le_weight_truncate(-7, LE_SIGN_MIXED, 6), -8);
    EXPECT_EQ(le_weight_truncate(7, LE_SIGN_MIXED, 6), 0);
    // 1 bit, mixed: multiples of 256.
    EXPECT_EQ(le_weight_truncate(254, LE_SIGN_MIXED, 1), 0);
    EXPECT_EQ(le_weight_truncate(-1, LE_SIGN_MIXED, 1), -256);
}

TEST(Network, ValidateNamesTheFaultyElement)
{
    le_error e;
    {
        Net net;
        uint32_t p = add(&net.n, "hid", LE_POP_LIF, 2);
        net.n.pops[p].main.decay_v = 5000;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "population 'hid'")) << e.msg;
        EXPECT_TRUE(has(e, "decay_v")) << e.msg;
    }
    {
        Net net;
        uint32_t p = add(&net.n, "ahp", LE_POP_AHP, 2);
        net.n.pops[p].ahp_wexp = 9;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "ahp_wexp 9 outside -8..7")) << e.msg;
        net.n.pops[p].ahp_wexp = 0;
        net.n.pops[p].aux.refract = 0;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "'ahp' (aux compartment)")) << e.msg;
    }
    {
        Net net;
        uint32_t a = add(&net.n, "a", LE_POP_INPUT, 2);
        uint32_t b = add(&net.n, "b", LE_POP_LIF, 2);
        const float w[4] = {1, 2, 3, 4};
        ASSERT_EQ(le_network_connect_dense(&net.n, a, b, w, 0, LE_SIGN_SPLIT, &e), LE_OK);
        le_connection &c = net.n.conns[0];
        c.delay = (uint8_t *)calloc(c.n, 1);
        c.delay[2] = 63;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "synapse 2 (1 -> 0): delay 63 > 62")) << e.msg;
        c.delay[2] = 62;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_OK) << e.msg;
        c.sign = LE_SIGN_INH; // positive weights under inhibitory
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "synapse 0 (0 -> 0): weight 1 outside -256..0 for sign mode inhibitory")) << e.msg;
        c.sign = LE_SIGN_SPLIT;
        c.wexp = -9;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "wexp -9")) << e.msg;
        c.wexp = 0;
        c.to_aux = 1;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_CONFIG);
        EXPECT_TRUE(has(e, "to_aux")) << e.msg;
        c.to_aux = 0;
        c.dst[3] = 2;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_RANGE);
        EXPECT_TRUE(has(e, "destination neuron 2 outside 0..1")) << e.msg;
    }
    {
        Net net;
        add(&net.n, "a", LE_POP_INPUT, 2);
        uint32_t b = add(&net.n, "b", LE_POP_LIF, 2);
        EXPECT_EQ(le_network_add_input(&net.n, b, 0, 1, &e), LE_ERR_CONFIG);
        EXPECT_TRUE(has(e, "only input populations")) << e.msg;
        EXPECT_EQ(le_network_add_input(&net.n, 0, 2, 1, &e), LE_ERR_RANGE);
        EXPECT_EQ(le_network_add_input(&net.n, 0, 1, 0, &e), LE_ERR_RANGE);
        EXPECT_EQ(le_network_add_input(&net.n, 0, 1, 3, &e), LE_OK);
        // An input spike record written by hand into a LIF population is caught by validate.
        net.n.inputs[0].pop = b;
        EXPECT_EQ(le_network_validate(&net.n, &e), LE_ERR_CONFIG);
        EXPECT_TRUE(has(e, "population 'b': only input populations")) << e.msg;
    }
}

// Population names are indexed: many populations are all found, in insertion order of their
// indices, and a repeated name is rejected however many came before it.
TEST(Network, ManyPopulationsAreFoundByName)
{
    le_network n;
    le_network_init(&n);
    le_error e;
    const uint32_t N = 5000;
    for (uint32_t i = 0; i < N; i++) {
        char name[32];
        std::snprintf(name, sizeof name, "layer%u", i);
        le_population p = le_population_default(name, LE_POP_LIF, 1 + i % 3);
        uint32_t idx = 0;
        ASSERT_EQ(le_network_add_pop(&n, &p, &idx, &e), LE_OK) << e.msg;
        ASSERT_EQ(idx, i);
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < N; i++)
        total += 1 + i % 3;
    EXPECT_EQ(le_network_n_neurons(&n), total);
    for (uint32_t i = 0; i < N; i += 7) {
        char name[32];
        std::snprintf(name, sizeof name, "layer%u", i);
        EXPECT_EQ(le_network_find_pop(&n, name), (int)i);
    }
    EXPECT_EQ(le_network_find_pop(&n, "layer5000"), -1);
    EXPECT_EQ(le_network_find_pop(&n, "layer"), -1);
    le_population dup = le_population_default("layer4321", LE_POP_LIF, 1);
    EXPECT_EQ(le_network_add_pop(&n, &dup, nullptr, &e), LE_ERR_CONFIG);
    EXPECT_NE(std::string(e.msg).find("'layer4321' defined twice"), std::string::npos) << e.msg;
    EXPECT_EQ(n.n_pops, N);
    le_network_free(&n);
}
