// Network files read as a stream: the big lists (synapses, weight matrices, delay lists) go
// straight into flat arrays and still report the line of the value at fault; keys may follow
// the lists they qualify; sections may come in any order; aliases may stand for big lists;
// npy_sparse triplets give the same network as the same synapses written as a list.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/netfile.h"
#include "models/npy_write.h"

namespace {

std::string write_tmp(const std::string &name, const std::string &text)
{
    std::string p = ::testing::TempDir() + "nfs_" + name;
    FILE *f = std::fopen(p.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return p;
}

struct Loaded {
    le_network net;
    le_error err;
    le_code rc;
    explicit Loaded(const std::string &p)
    {
        le_error_clear(&err);
        rc = le_netfile_load(p.c_str(), &net, &err);
    }
    ~Loaded() { le_network_free(&net); }
    bool says(const std::string &s) const { return std::strstr(err.msg, s.c_str()) != nullptr; }
};

void expect_error(const std::string &name, const std::string &text, le_code code, int line, const std::string &what)
{
    std::string p = write_tmp(name, text);
    Loaded l(p);
    EXPECT_EQ(l.rc, code) << l.err.msg;
    std::string at = p + ":" + std::to_string(line) + ": ";
    EXPECT_EQ(std::string(l.err.msg).rfind(at, 0), 0u) << "message: " << l.err.msg << "\nexpected prefix: " << at;
    EXPECT_TRUE(l.says(what)) << "message: " << l.err.msg << "\nexpected to contain: " << what;
}

const char *kPops = "populations:\n"                       // 1
                    "  - {name: in, kind: input, size: 3}\n" // 2
                    "  - {name: out, size: 4}\n";            // 3

void npy(const std::string &name, le_npy_dtype t, size_t n, const void *data)
{
    le_error err;
    ASSERT_EQ(le_npy_write((::testing::TempDir() + name).c_str(), t, n, 0, data, &err), LE_OK) << err.msg;
}

} // namespace

TEST(NetfileStream, ADirectoryIsNotAFile)
{
    std::string d = ::testing::TempDir();
    Loaded l(d);
    EXPECT_EQ(l.rc, LE_ERR_IO) << l.err.msg;
    EXPECT_TRUE(l.says("is a directory, expected a YAML file")) << l.err.msg;
}

TEST(NetfileStream, KeysAfterTheListStillApplyToIt)
{
    // sign_mode and delay follow the synapses: -5 is outside the excitatory range and the
    // delay applies to every synapse of the list.
    expect_error("after.yaml",
                 std::string(kPops) +
                     "connections:\n"              // 4
                     "  - from: in\n"              // 5
                     "    to: out\n"               // 6
                     "    synapses:\n"             // 7
                     "      - [0, 1, 5]\n"         // 8
                     "      - [2, 3, -5]\n"        // 9
                     "    sign_mode: excitatory\n", // 10
                 LE_ERR_RANGE, 9, "connection in -> out: synapse 1: weight (sign mode excitatory): -5 outside 0..255");
    std::string p = write_tmp("after_ok.yaml", std::string(kPops) +
                                                   "connections:\n"
                                                   "  - from: in\n"
                                                   "    to: out\n"
                                                   "    synapses: [[0, 1, 5], [2, 3, 7]]\n"
                                                   "    delay: 3\n"
                                                   "    wexp: -2\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_conns, 1u);
    const le_connection &c = l.net.conns[0];
    ASSERT_EQ(c.n, 2u);
    EXPECT_EQ(c.src[1], 2u);
    EXPECT_EQ(c.dst[1], 3u);
    EXPECT_EQ(c.weight[1], 7);
    EXPECT_EQ(c.delay[0], 3);
    EXPECT_EQ(c.delay[1], 3);
    EXPECT_EQ(c.wexp, -2);
}

TEST(NetfileStream, ValuesOnTheirOwnLinesNameTheirLine)
{
    expect_error("block.yaml",
                 std::string(kPops) +
                     "connections:\n" // 4
                     "  - from: in\n"
                     "    to: out\n"
                     "    synapses:\n" // 7
                     "      - - 0\n"   // 8
                     "        - 1\n"   // 9
                     "        - 5\n"   // 10
                     "      - - 1\n"   // 11
                     "        - 9\n"   // 12: destination out of range
                     "        - 5\n",
                 LE_ERR_RANGE, 12, "synapse 1: destination: 9 outside 0..3");
    expect_error("notint.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses:\n"
                                      "      - [0, 1, 5]\n"      // 8
                                      "      - [0, 1, five]\n", // 9
                 LE_ERR_PARSE, 9, "synapse 1: weight (sign mode split): expected an integer, found 'five'");
    expect_error("len.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses:\n"
                                      "      - [0, 1, 5]\n"   // 8
                                      "      - [0, 1]\n",     // 9
                 LE_ERR_PARSE, 9, "synapse 1: expected [source, destination, weight] or [source, destination, "
                                  "weight, delay], found 2 values");
    expect_error("item.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses:\n"
                                      "      - 3\n", // 8
                 LE_ERR_PARSE, 8, "synapse 0: expected a list, found a scalar");
    expect_error("nested.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses:\n"
                                      "      - [0, [1], 5]\n", // 8
                 LE_ERR_PARSE, 8, "synapse 0: destination: expected a value, found a list");
    expect_error("huge.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses:\n"
                                      "      - [0, 1, 5]\n"
                                      "      - [99999999999, 1, 5]\n", // 9
                 LE_ERR_RANGE, 9, "synapse 1: source: 99999999999 outside 0..2");
    // Octal and hex read as util/yaml reads them (base 0): 010 = 8 is out of range.
    expect_error("octal.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses: [[0, 0x3, 010]]\n"
                                      "    sign_mode: inhibitory\n",
                 LE_ERR_RANGE, 7, "weight (sign mode inhibitory): 8 outside -256..0");
    expect_error("both.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    synapses: [[0, 0, 1, 2]]\n"
                                      "    delay: 1\n", // 8
                 LE_ERR_PARSE, 8, "delays are given both per synapse and in 'delay'");
}

TEST(NetfileStream, MatrixAndDelayListsNameTheirLine)
{
    expect_error("mat.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    weights:\n"
                                      "      - [1, 0, 0, 0]\n" // 8
                                      "      - [0, 2]\n"       // 9
                                      "      - [0, 0, 3, 0]\n",
                 LE_ERR_PARSE, 9, "weights: row 1: 2 columns, expected 4 (one per neuron of 'out')");
    expect_error("matval.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    weights:\n"
                                      "      - [1, 0, 0, 0]\n"
                                      "      - [0, 2, x, 0]\n" // 9
                                      "      - [0, 0, 3, 0]\n",
                 LE_ERR_PARSE, 9, "row 1, column 2 (sign mode split): expected an integer, found 'x'");
    expect_error("dlist.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n"
                                      "    weights: [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]\n"
                                      "    delay:\n"
                                      "      - 1\n"
                                      "      - 70\n" // 10
                                      "      - 2\n",
                 LE_ERR_RANGE, 10, "delay 1: 70 outside 0..62");
    std::string p = write_tmp("mat_ok.yaml", std::string(kPops) +
                                                 "connections:\n  - from: in\n    to: out\n"
                                                 "    delay: [4, 5, 6]\n"
                                                 "    weights: [[1, 0, 0, 0], [0, -2, 0, 0], [0, 0, 0, 3]]\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    const le_connection &c = l.net.conns[0];
    ASSERT_EQ(c.n, 3u);
    EXPECT_EQ(c.weight[1], -2);
    EXPECT_EQ(c.src[2], 2u);
    EXPECT_EQ(c.dst[2], 3u);
    EXPECT_EQ(c.delay[0], 4);
    EXPECT_EQ(c.delay[2], 6);
}

TEST(NetfileStream, InputStepListsNameTheirLine)
{
    expect_error("steps.yaml",
                 std::string(kPops) +
                     "inputs:\n"            // 4
                     "  - population: in\n" // 5
                     "    neuron: 1\n"
                     "    steps:\n"
                     "      - 2\n"          // 8
                     "      - 0\n",         // 9
                 LE_ERR_RANGE, 9, "input 1: steps: 0 outside 1..4294967294");
    expect_error("steps_kind.yaml", std::string(kPops) + "inputs:\n  - {population: in, neuron: 1, steps: [2, [3]]}\n",
                 LE_ERR_PARSE, 5, "input 1: steps: expected a value, found a list");
    std::string p = write_tmp("steps_ok.yaml", std::string(kPops) +
                                                   "inputs:\n  - {population: in, neuron: 2, steps: [5, 0x10, 7]}\n"
                                                   "  - {population: in, neuron: 0, steps: 9}\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_inputs, 4u);
    EXPECT_EQ(l.net.inputs[1].step, 16u);
    EXPECT_EQ(l.net.inputs[2].neuron, 2u);
    EXPECT_EQ(l.net.inputs[3].step, 9u);
    EXPECT_EQ(l.net.inputs[3].neuron, 0u);
}

TEST(NetfileStream, SectionsInAnyOrderAndAliasedLists)
{
    std::string p = write_tmp("order.yaml",
                              "inputs:\n"
                              "  - {population: in, neuron: 2, steps: [3, 4]}\n"
                              "connections:\n"
                              "  - {from: in, to: out, synapses: &s [[0, 1, 5], [2, 3, -7]]}\n"
                              "  - {from: in, to: out, synapses: *s, wexp: 1}\n" +
                                  std::string(kPops));
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_pops, 2u);
    ASSERT_EQ(l.net.n_conns, 2u);
    for (int k = 0; k < 2; k++) {
        ASSERT_EQ(l.net.conns[k].n, 2u);
        EXPECT_EQ(l.net.conns[k].src[1], 2u);
        EXPECT_EQ(l.net.conns[k].weight[1], -7);
    }
    EXPECT_EQ(l.net.conns[1].wexp, 1);
    ASSERT_EQ(l.net.n_inputs, 2u);
    EXPECT_EQ(l.net.inputs[1].step, 4u);
    EXPECT_EQ(l.net.inputs[1].neuron, 2u);
}

TEST(NetfileStream, AliasesInsideAnchoredListsExpandWhenReplayed)
{
    std::string p = write_tmp("nested_alias.yaml", std::string(kPops) +
                                                       "connections:\n"
                                                       "  - {from: in, to: out, synapses: [&r [0, 1, 5], [1, 2, 6]]}\n"
                                                       "  - {from: in, to: out, synapses: &l [*r, [2, 3, 7]]}\n"
                                                       "  - {from: in, to: out, synapses: &m [*l, *r]}\n"
                                                       "  - {from: in, to: out, synapses: *l}\n");
    Loaded l(p);
    // The third list's first item is the list l of two synapses: a synapse of two values, at the
    // line of l's anchor (an alias reads as the node it names).
    EXPECT_EQ(l.rc, LE_ERR_PARSE) << l.err.msg;
    EXPECT_EQ(std::string(l.err.msg).rfind(p + ":6: connection in -> out: synapse 0: expected [source, destination, "
                                                "weight] or [source, destination, weight, delay], found 2 values",
                                           0),
              0u)
        << l.err.msg;
    std::string q = write_tmp("nested_alias_ok.yaml", std::string(kPops) +
                                                          "connections:\n"
                                                          "  - {from: in, to: out, synapses: [&r [0, 1, 5], [1, 2, 6]]}\n"
                                                          "  - {from: in, to: out, synapses: &l [*r, [2, 3, 7]]}\n"
                                                          "  - {from: in, to: out, synapses: *l}\n");
    Loaded k(q);
    ASSERT_EQ(k.rc, LE_OK) << k.err.msg;
    ASSERT_EQ(k.net.n_conns, 3u);
    for (int c = 1; c < 3; c++) {
        ASSERT_EQ(k.net.conns[c].n, 2u);
        EXPECT_EQ(k.net.conns[c].src[0], 0u);
        EXPECT_EQ(k.net.conns[c].weight[0], 5);
        EXPECT_EQ(k.net.conns[c].src[1], 2u);
        EXPECT_EQ(k.net.conns[c].weight[1], 7);
    }
}

TEST(NetfileStream, ASyntaxErrorLaterInTheFileIsTheError)
{
    // As when the whole file was read before its meaning: the syntax error wins over the
    // unknown key before it.
    expect_error("late.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - {from: in, to: out, synapses: [[0, 1, 5]], colour: red}\n" // 5
                     "  - {from: in, to: out, synapses: [[0, 1, 5]\n"                // 6
                     "inputs: []\n",
                 LE_ERR_PARSE, 7, "YAML syntax error");
}

TEST(NetfileStream, NpySparseIsTheSameNetworkAsTheList)
{
    // Independent expectation: the synapses written by hand, both ways.
    const int32_t src[5] = {0, 2, 1, 0, 2};
    const int32_t dst[5] = {3, 0, 1, 1, 2};
    const int16_t w[5] = {5, -7, 255, -256, 1};
    const uint8_t d[5] = {0, 1, 2, 62, 3};
    npy("nfs_src.npy", LE_NPY_INT32, 5, src);
    npy("nfs_dst.npy", LE_NPY_INT32, 5, dst);
    npy("nfs_w.npy", LE_NPY_INT16, 5, w);
    npy("nfs_d.npy", LE_NPY_UINT8, 5, d);
    std::string list = std::string(kPops) + "connections:\n  - from: in\n    to: out\n    wexp: 2\n    synapses:\n";
    for (int k = 0; k < 5; k++)
        list += "      - [" + std::to_string(src[k]) + ", " + std::to_string(dst[k]) + ", " + std::to_string(w[k]) +
                ", " + std::to_string(d[k]) + "]\n";
    Loaded a(write_tmp("list.yaml", list));
    Loaded b(write_tmp("sparse.yaml", std::string(kPops) +
                                          "connections:\n  - from: in\n    to: out\n    wexp: 2\n"
                                          "    npy_sparse: {src: nfs_src.npy, dst: nfs_dst.npy, w: nfs_w.npy, "
                                          "delay: nfs_d.npy}\n"));
    ASSERT_EQ(a.rc, LE_OK) << a.err.msg;
    ASSERT_EQ(b.rc, LE_OK) << b.err.msg;
    const le_connection &x = a.net.conns[0], &y = b.net.conns[0];
    ASSERT_EQ(x.n, 5u);
    ASSERT_EQ(y.n, 5u);
    EXPECT_EQ(y.wexp, 2);
    EXPECT_EQ(y.sign, x.sign);
    EXPECT_EQ(y.weight_bits, x.weight_bits);
    ASSERT_NE(y.delay, nullptr);
    for (int k = 0; k < 5; k++) {
        EXPECT_EQ(x.src[k], (uint32_t)src[k]);
        EXPECT_EQ(y.src[k], (uint32_t)src[k]);
        EXPECT_EQ(x.dst[k], (uint32_t)dst[k]);
        EXPECT_EQ(y.dst[k], (uint32_t)dst[k]);
        EXPECT_EQ(x.weight[k], w[k]);
        EXPECT_EQ(y.weight[k], w[k]);
        EXPECT_EQ(x.delay[k], d[k]);
        EXPECT_EQ(y.delay[k], d[k]);
    }
    // Without a delay array the connection's scalar delay applies to every synapse.
    Loaded c(write_tmp("sparse_d.yaml", std::string(kPops) +
                                            "connections:\n  - from: in\n    to: out\n    delay: 4\n"
                                            "    npy_sparse: {src: nfs_src.npy, dst: nfs_dst.npy, w: nfs_w.npy}\n"));
    ASSERT_EQ(c.rc, LE_OK) << c.err.msg;
    for (int k = 0; k < 5; k++)
        EXPECT_EQ(c.net.conns[0].delay[k], 4);
}

TEST(NetfileStream, NpySparseErrorsNameTheArray)
{
    const int32_t src[3] = {0, 1, 2}, bad_src[3] = {0, 3, 1}, dst[2] = {0, 1};
    const float wf[3] = {1.0f, 2.5f, 3.0f};
    const int16_t w[3] = {1, 2, 300};
    npy("nfs_s3.npy", LE_NPY_INT32, 3, src);
    npy("nfs_bad_s3.npy", LE_NPY_INT32, 3, bad_src);
    npy("nfs_d2.npy", LE_NPY_INT32, 2, dst);
    npy("nfs_wf.npy", LE_NPY_FLOAT32, 3, wf);
    npy("nfs_w300.npy", LE_NPY_INT16, 3, w);
    const std::string head = std::string(kPops) + "connections:\n  - from: in\n    to: out\n    npy_sparse:\n";
    expect_error("sp_len.yaml", head + "      src: nfs_s3.npy\n      dst: nfs_d2.npy\n      w: nfs_wf.npy\n",
                 LE_ERR_PARSE, 9, "npy_sparse: dst: nfs_d2.npy has 2 entries, src has 3");
    expect_error("sp_range.yaml", head + "      src: nfs_bad_s3.npy\n      dst: nfs_s3.npy\n      w: nfs_w300.npy\n",
                 LE_ERR_RANGE, 8, "npy_sparse: src: nfs_bad_s3.npy: entry 1 is 3, outside 0..2");
    expect_error("sp_frac.yaml", head + "      src: nfs_s3.npy\n      dst: nfs_s3.npy\n      w: nfs_wf.npy\n",
                 LE_ERR_RANGE, 10, "npy_sparse: w: nfs_wf.npy: entry 1 is 2.5, not a whole weight mantissa");
    expect_error("sp_w.yaml", head + "      src: nfs_s3.npy\n      dst: nfs_s3.npy\n      w: nfs_w300.npy\n",
                 LE_ERR_RANGE, 10, "entry 2 is 300, outside -256..255 for sign mode split");
    expect_error("sp_missing.yaml", head + "      src: nfs_s3.npy\n      w: nfs_w300.npy\n", LE_ERR_PARSE, 8,
                 "npy_sparse: missing 'dst'");
    expect_error("sp_file.yaml", head + "      src: nfs_none.npy\n      dst: nfs_s3.npy\n      w: nfs_w300.npy\n",
                 LE_ERR_IO, 8, "npy_sparse: src: ");
    expect_error("sp_two.yaml", head + "      src: nfs_s3.npy\n      dst: nfs_s3.npy\n      w: nfs_w300.npy\n"
                                       "    synapses: []\n",
                 LE_ERR_PARSE, 5, "give exactly one of 'synapses', 'weights', 'npy', 'npy_sparse' or 'conv' (found 2)");
}

// A large list: every synapse as written, whatever the size (values from the generator here).
TEST(NetfileStream, LargeListLoadsEverySynapse)
{
    const int n = 200000;
    std::string text = "populations:\n  - {name: in, kind: input, size: 70000}\n  - {name: out, size: 5000}\n"
                       "connections:\n  - from: in\n    to: out\n    synapses:\n";
    text.reserve((size_t)n * 24);
    uint32_t x = 12345;
    std::vector<int> s(n), d(n), w(n);
    for (int k = 0; k < n; k++) {
        x = x * 1103515245u + 12345u;
        s[k] = (int)((x >> 8) % 70000);
        d[k] = (int)((x >> 4) % 5000);
        w[k] = (int)(x % 511) - 256;
        text += "    - [" + std::to_string(s[k]) + ", " + std::to_string(d[k]) + ", " + std::to_string(w[k]) + "]\n";
    }
    Loaded l(write_tmp("large.yaml", text));
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    const le_connection &c = l.net.conns[0];
    ASSERT_EQ(c.n, (uint32_t)n);
    int wrong = 0;
    for (int k = 0; k < n; k++)
        wrong += c.src[k] != (uint32_t)s[k] || c.dst[k] != (uint32_t)d[k] || c.weight[k] != w[k] || c.delay[k] != 0;
    EXPECT_EQ(wrong, 0);
}

// The fast path for synapse rows (models/netfile_stream.c) reads plain rows past libyaml; rows
// it cannot take, and text that only looks like rows, must read as libyaml reads them.
TEST(NetfileStream, RowsOfEveryShapeInOneList)
{
    std::string p = write_tmp("rows.yaml", std::string(kPops) +
                                               "connections:\n"
                                               "  - from: in\n"
                                               "    to: out\n"
                                               "    synapses:\n"
                                               "    - [0, 1, 5]\n"          // indentless, plain
                                               "    - [1, 2, -6, 3]\n"      // with a delay
                                               "    - [2, 3, 7]  # note\n"  // a comment: libyaml's
                                               "    - [0, 0, 010]\n"        // octal: libyaml's (8)
                                               "    - [1, 1, 9]\n"
                                               "    - - 2\n"                // block style
                                               "      - 2\n"
                                               "      - 11\n"
                                               "    - [ 0 ,3,-256 ]\n"
                                               "    wexp: 1\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    const le_connection &c = l.net.conns[0];
    const uint32_t src[7] = {0, 1, 2, 0, 1, 2, 0}, dst[7] = {1, 2, 3, 0, 1, 2, 3};
    const int16_t w[7] = {5, -6, 7, 8, 9, 11, -256};
    const uint8_t d[7] = {0, 3, 0, 0, 0, 0, 0};
    ASSERT_EQ(c.n, 7u);
    for (int k = 0; k < 7; k++) {
        EXPECT_EQ(c.src[k], src[k]) << k;
        EXPECT_EQ(c.dst[k], dst[k]) << k;
        EXPECT_EQ(c.weight[k], w[k]) << k;
        EXPECT_EQ(c.delay[k], d[k]) << k;
    }
    EXPECT_EQ(c.wexp, 1);
}

TEST(NetfileStream, TextThatLooksLikeRowsStaysText)
{
    // Rows inside a block scalar are its text, and a name may look like a placeholder.
    std::string p = write_tmp("looks.yaml", "populations:\n"
                                            "  - name: |\n"
                                            "      synapses:\n"
                                            "      - [0, 1, 2]\n"
                                            "    kind: input\n"
                                            "    size: 3\n"
                                            "  - {name: '~~le0', size: 4}\n"
                                            "connections:\n"
                                            "  - from: '~~le0'\n"
                                            "    to: '~~le0'\n"
                                            "    synapses:\n"
                                            "      - [3, 2, 1]\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_pops, 2u);
    EXPECT_STREQ(l.net.pops[0].name, "synapses:\n- [0, 1, 2]\n");
    EXPECT_STREQ(l.net.pops[1].name, "~~le0");
    ASSERT_EQ(l.net.conns[0].n, 1u);
    EXPECT_EQ(l.net.conns[0].src[0], 3u);
    EXPECT_EQ(l.net.conns[0].weight[0], 1);
}

TEST(NetfileStream, ErrorsDeepInALongListOfRows)
{
    std::string text = "populations:\n  - {name: in, kind: input, size: 3000}\n  - {name: out, size: 3000}\n"
                       "connections:\n  - from: in\n    to: out\n    synapses:\n"; // 7 lines
    for (int k = 0; k < 3000; k++)
        text += "      - [" + std::to_string(k) + ", " + std::to_string(2999 - k) + ", " +
                std::to_string(k == 1500 ? 300 : k % 200 - 100) + "]\n"; // row k at line 8 + k
    expect_error("deep_w.yaml", text, LE_ERR_RANGE, 1508, "synapse 1500: weight (sign mode split): 300 outside -256..255");
    std::string ok = text;
    ok.replace(ok.find("[1500, 1499, 300]"), 17, "[1500, 1499, 30]");
    Loaded l(write_tmp("deep_ok.yaml", ok + "  - from: in\n    to: out\n    synapses: &s\n      - [1, 2, 3]\n"
                                          "  - {from: in, to: out, synapses: *s}\n"));
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_conns, 3u);
    ASSERT_EQ(l.net.conns[0].n, 3000u);
    EXPECT_EQ(l.net.conns[0].src[2999], 2999u);
    EXPECT_EQ(l.net.conns[0].dst[2999], 0u);
    EXPECT_EQ(l.net.conns[0].weight[1500], 30);
    EXPECT_EQ(l.net.conns[0].weight[1501], 1501 % 200 - 100);
    EXPECT_EQ(l.net.conns[2].n, 1u);
    EXPECT_EQ(l.net.conns[2].weight[0], 3);
}
