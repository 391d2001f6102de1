// YAML network files: the shipped examples load to the values written in them; every kind
// of bad input gives one line "FILE:LINE: ..." naming what is wrong.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/netfile.h"

namespace {

std::string src_dir()
{
    const char *s = std::getenv("LE_SOURCE_DIR");
    return s ? s : LE_SOURCE_DIR;
}

std::string write_tmp(const std::string &name, const std::string &text)
{
    std::string p = ::testing::TempDir() + "netfile_" + name;
    FILE *f = std::fopen(p.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return p;
}

// A float32 .npy of the given shape, written byte by byte (NumPy format 1.0).
std::string write_npy(const std::string &name, size_t rows, size_t cols, const std::vector<float> &v,
                      const char *descr = "<f4")
{
    std::string h = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" +
                    std::to_string(rows) + ", " + std::to_string(cols) + "), }";
    while ((10 + h.size() + 1) % 64)
        h += ' ';
    h += '\n';
    std::string p = ::testing::TempDir() + name;
    FILE *f = std::fopen(p.c_str(), "wb");
    std::fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    unsigned char l[2] = {(unsigned char)(h.size() & 0xff), (unsigned char)(h.size() >> 8)};
    std::fwrite(l, 1, 2, f);
    std::fwrite(h.data(), 1, h.size(), f);
    std::fwrite(v.data(), sizeof(float), v.size(), f);
    std::fclose(f);
    return p;
}

struct Loaded {
    le_network net;
    le_error err;
    le_code rc;
    std::string path;
    explicit Loaded(const std::string &p) : path(p)
    {
        le_error_clear(&err);
        rc = le_netfile_load(p.c_str(), &net, &err);
    }
    ~Loaded() { le_network_free(&net); }
    bool says(const std::string &s) const { return std::strstr(err.msg, s.c_str()) != nullptr; }
};

// Loads text and expects an error at `line` whose message contains `what`.
void expect_error(const std::string &name, const std::string &text, le_code code, int line, const std::string &what)
{
    std::string p = write_tmp(name, text);
    Loaded l(p);
    EXPECT_EQ(l.rc, code) << l.err.msg;
    std::string at = line > 0 ? p + ":" + std::to_string(line) + ": " : p + ": ";
    EXPECT_EQ(std::string(l.err.msg).rfind(at, 0), 0u) << "message: " << l.err.msg << "\nexpected prefix: " << at;
    EXPECT_TRUE(l.says(what)) << "message: " << l.err.msg << "\nexpected to contain: " << what;
    EXPECT_EQ(std::strchr(l.err.msg, '\n'), nullptr) << "one line";
}

const char *kPops = "populations:\n"       // 1
                    "  - name: in\n"       // 2
                    "    kind: input\n"    // 3
                    "    size: 2\n"        // 4
                    "  - name: out\n"      // 5
                    "    size: 3\n";       // 6

} // namespace

TEST(Netfile, ThreeNeuronExampleLoadsAsWritten)
{
    Loaded l(src_dir() + "/models/examples/three_neurons.yaml");
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_pops, 2u);
    EXPECT_EQ(l.net.pops[0].kind, LE_POP_INPUT);
    const le_population &p = l.net.pops[1];
    EXPECT_STREQ(p.name, "lif");
    EXPECT_EQ(p.kind, LE_POP_LIF);
    EXPECT_EQ(p.size, 3u);
    EXPECT_EQ(p.main.decay_u, 1024);
    EXPECT_EQ(p.main.decay_v, 256);
    EXPECT_EQ(p.main.vth_mant, 100);
    EXPECT_EQ(p.main.refract, 2);
    EXPECT_EQ(p.main.bias_mant, 0);   // default
    EXPECT_EQ(p.main.vmin_exp, 23);   // default
    EXPECT_TRUE(p.traced);
    ASSERT_EQ(l.net.n_conns, 3u);
    const le_connection &c0 = l.net.conns[0];
    ASSERT_EQ(c0.n, 2u);
    EXPECT_EQ(c0.dst[1], 1u);
    EXPECT_EQ(c0.weight[1], 60);
    EXPECT_EQ(c0.delay[1], 1);
    EXPECT_EQ(l.net.conns[1].wexp, 1);
    EXPECT_EQ(l.net.conns[1].delay[0], 2);
    EXPECT_EQ(l.net.conns[2].weight[0], -50);
    EXPECT_EQ(l.net.conns[2].wexp, -2);
    EXPECT_EQ(l.net.conns[2].sign, LE_SIGN_SPLIT);
    EXPECT_EQ(l.net.conns[2].weight_bits, 8);
    ASSERT_EQ(l.net.n_inputs, 6u);
    EXPECT_EQ(l.net.inputs[5].step, 11u);
}

TEST(Netfile, AhpAndNpyExamplesLoadAsWritten)
{
    {
        Loaded l(src_dir() + "/models/examples/ahp_pair.yaml");
        ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
        const le_population &p = l.net.pops[1];
        EXPECT_EQ(p.kind, LE_POP_AHP);
        EXPECT_EQ(p.aux.decay_u, 120);
        EXPECT_EQ(p.aux.decay_v, 2048);
        EXPECT_EQ(p.aux.stack_out, 1);
        EXPECT_EQ(p.main.join_op, LE_JOIN_ADD);
        EXPECT_EQ(p.ahp_weight, -10);
        ASSERT_EQ(l.net.n_conns, 2u);
        EXPECT_EQ(l.net.conns[0].n, 2u); // the dense row [100, 90]
        EXPECT_EQ(l.net.conns[0].weight[1], 90);
        EXPECT_EQ(l.net.conns[1].to_aux, 1);
        EXPECT_EQ(l.net.n_inputs, 40u);
    }
    {
        Loaded l(src_dir() + "/models/examples/npy_layer.yaml");
        ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
        ASSERT_EQ(l.net.n_conns, 1u);
        const le_connection &c = l.net.conns[0];
        // Non-zero entries of the (4, 6) matrix in the file: 3 + 3 + 4 + 2.
        ASSERT_EQ(c.n, 12u);
        EXPECT_EQ(c.src[0], 0u);
        EXPECT_EQ(c.dst[0], 0u);
        EXPECT_EQ(c.weight[0], 90);
        EXPECT_EQ(c.src[11], 3u);
        EXPECT_EQ(c.dst[11], 3u);
        EXPECT_EQ(c.weight[11], 100);
        for (uint32_t k = 0; k < c.n; k++)
            EXPECT_EQ(c.delay[k], 1);
        EXPECT_EQ(l.net.pops[1].per_core, 3u);
    }
}

TEST(Netfile, MissingFileAndEmptyFile)
{
    std::string p = ::testing::TempDir() + "netfile_nonexistent.yaml";
    std::remove(p.c_str());
    Loaded l(p);
    EXPECT_EQ(l.rc, LE_ERR_IO);
    EXPECT_TRUE(l.says(p + ": cannot open")) << l.err.msg;
    expect_error("empty.yaml", "", LE_ERR_PARSE, 0, "empty file");
}

TEST(Netfile, MalformedYamlNamesTheLine)
{
    expect_error("syntax.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    size: [1, 2\n"
                 "  - name: b\n",
                 LE_ERR_PARSE, 4, "YAML syntax error");
    expect_error("toplist.yaml", "- a\n- b\n", LE_ERR_PARSE, 1, "network file: expected a mapping, found a list");
}

TEST(Netfile, UnknownAndRepeatedKeys)
{
    expect_error("unknown_top.yaml", std::string(kPops) + "conections: []\n", LE_ERR_PARSE, 7,
                 "unknown key 'conections' (allowed: populations, connections, inputs)");
    expect_error("unknown_pop.yaml", std::string(kPops) + "    decay_w: 3\n", LE_ERR_PARSE, 7,
                 "population 'out': unknown key 'decay_w' (allowed: name, kind, size, decay_u, decay_v");
    expect_error("dup.yaml", std::string(kPops) + "    size: 4\n", LE_ERR_PARSE, 7,
                 "key 'size' appears twice (first on line 6)");
    expect_error("aux_on_lif.yaml", std::string(kPops) + "    aux: {decay_u: 3}\n", LE_ERR_PARSE, 7,
                 "population 'out': 'aux' applies to ahp populations only");
}

TEST(Netfile, WrongTypesAndMissingFields)
{
    expect_error("type.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    size: abc\n",
                 LE_ERR_PARSE, 3, "population 'a': size: expected an integer, found 'abc'");
    expect_error("type2.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    size: 2\n"
                 "    trace: maybe\n",
                 LE_ERR_PARSE, 4, "trace: expected true or false, found 'maybe'");
    expect_error("type3.yaml", "populations: 3\n", LE_ERR_PARSE, 1, "populations: expected a list, found a scalar");
    expect_error("nosize.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    kind: lif\n",
                 LE_ERR_PARSE, 2, "population 'a': missing 'size'");
    expect_error("nofrom.yaml", std::string(kPops) + "connections:\n  - to: out\n    synapses: []\n", LE_ERR_PARSE, 8,
                 "connection 1: missing 'from'");
    expect_error("noahpw.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    kind: ahp\n"
                 "    size: 2\n",
                 LE_ERR_PARSE, 2, "missing 'ahp_weight'");
    expect_error("nopops.yaml", "inputs: []\n", LE_ERR_PARSE, 1, "missing 'populations'");
}

TEST(Netfile, OutOfRangeValuesNameTheirLine)
{
    expect_error("w300.yaml",
                 std::string(kPops) +
                     "connections:\n"        // 7
                     "  - from: in\n"        // 8
                     "    to: out\n"         // 9
                     "    synapses:\n"       // 10
                     "      - [0, 0, 10]\n"  // 11
                     "      - [1, 2, 300]\n", // 12
                 LE_ERR_RANGE, 12, "connection in -> out: synapse 1: weight (sign mode split): 300 outside -256..255");
    expect_error("wexc.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - from: in\n"
                     "    to: out\n"
                     "    sign_mode: excitatory\n" // 10
                     "    weights:\n"              // 11
                     "      - [1, 2, 3]\n"         // 12
                     "      - [4, -5, 6]\n",       // 13
                 LE_ERR_RANGE, 13, "row 1, column 1 (sign mode excitatory): -5 outside 0..255");
    expect_error("rows.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - from: in\n"
                     "    to: out\n"
                     "    weights:\n"
                     "      - [1, 2, 3]\n",  // 11: libyaml starts a block list at its first item
                 LE_ERR_PARSE, 11, "weights: 1 rows, expected 2");
    expect_error("delay.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - from: in\n"
                     "    to: out\n"
                     "    synapses: [[0, 0, 1]]\n"
                     "    delay: 63\n", // 11
                 LE_ERR_RANGE, 11, "delay: 63 outside 0..62");
    expect_error("src.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - from: in\n"
                     "    to: out\n"
                     "    synapses: [[2, 0, 1]]\n", // 10
                 LE_ERR_RANGE, 10, "synapse 0: source: 2 outside 0..1");
    expect_error("decay.yaml",
                 "populations:\n"
                 "  - name: a\n"
                 "    size: 2\n"
                 "    decay_v: 5000\n",
                 LE_ERR_RANGE, 4, "population 'a'");
    {
        std::string p = write_tmp("decay2.yaml", "populations:\n  - name: a\n    size: 2\n    decay_v: 5000\n");
        Loaded l(p);
        EXPECT_TRUE(l.says("decay_v")) << l.err.msg;
    }
    expect_error("nopop.yaml",
                 std::string(kPops) +
                     "connections:\n"
                     "  - from: in\n"
                     "    to: hidden\n" // 9
                     "    synapses: []\n",
                 LE_ERR_CONFIG, 9, "no population named 'hidden'");
    expect_error("input_lif.yaml",
                 std::string(kPops) +
                     "inputs:\n"
                     "  - population: out\n" // 8
                     "    neuron: 0\n"
                     "    steps: [1]\n",
                 LE_ERR_CONFIG, 8, "'out' is not an input population");
    expect_error("input_step0.yaml",
                 std::string(kPops) +
                     "inputs:\n"
                     "  - {population: in, neuron: 1, steps: [2, 0]}\n", // 8
                 LE_ERR_RANGE, 8, "steps: 0 outside 1..");
}

TEST(Netfile, BadNpyFilesAreNamed)
{
    std::string dir = ::testing::TempDir();
    std::string good = write_npy("netfile_w23.npy", 2, 3, {1, 0, 2, 0, 3, 0});
    std::string yaml = std::string(kPops) +
                       "connections:\n"
                       "  - from: in\n"
                       "    to: out\n"
                       "    npy: netfile_w23.npy\n"; // 10
    {
        std::string p = write_tmp("npy_ok.yaml", yaml);
        Loaded l(p);
        ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
        ASSERT_EQ(l.net.conns[0].n, 3u);
        EXPECT_EQ(l.net.conns[0].weight[2], 3);
        EXPECT_EQ(l.net.conns[0].src[2], 1u);
        EXPECT_EQ(l.net.conns[0].dst[2], 1u);
    }
    write_npy("netfile_w32.npy", 3, 2, {1, 0, 2, 0, 3, 0});
    expect_error("npy_shape.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    npy: netfile_w32.npy\n",
                 LE_ERR_PARSE, 10, "netfile_w32.npy: array has shape (3, 2); expected (2, 3)");
    expect_error("npy_missing.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    npy: netfile_nope.npy\n",
                 LE_ERR_IO, 10, "netfile_nope.npy: cannot open");
    write_npy("netfile_frac.npy", 2, 3, {1, 0, 2.5f, 0, 3, 0});
    expect_error("npy_frac.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    npy: netfile_frac.npy\n",
                 LE_ERR_RANGE, 10, "row 0, column 2 is 2.5, not an integer mantissa");
    write_npy("netfile_c8.npy", 2, 3, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "<c8");
    expect_error("npy_dtype.yaml",
                 std::string(kPops) + "connections:\n  - from: in\n    to: out\n    npy: netfile_c8.npy\n",
                 LE_ERR_PARSE, 10, "unsupported dtype '<c8'");
}

TEST(Netfile, AliasesReadAsTheirAnchor)
{
    std::string p = write_tmp("alias_ok.yaml", std::string(kPops) +
                                                   "inputs:\n"
                                                   "  - {population: in, neuron: 0, steps: &s [1, 4]}\n"
                                                   "  - {population: in, neuron: 1, steps: *s}\n");
    Loaded l(p);
    ASSERT_EQ(l.rc, LE_OK) << l.err.msg;
    ASSERT_EQ(l.net.n_inputs, 4u);
    EXPECT_EQ(l.net.inputs[3].neuron, 1u);
    EXPECT_EQ(l.net.inputs[3].step, 4u);
}

// Hostile files fail at the line that crosses a limit of util/yaml, and fail fast.
TEST(Netfile, SelfReferencingAliasIsAnError)
{
    expect_error("alias_self.yaml",
                 std::string(kPops) +
                     "inputs:\n"                                            // 7
                     "  - &in {population: in, neuron: 0, steps: [*in]}\n", // 8
                 LE_ERR_LIMIT, 8, "alias '*in' refers to the node that contains it (line 8)");
}

TEST(Netfile, AliasBillionLaughsStopsAtTheExpansionLimit)
{
    // Nine levels of ten aliases each would stand for 10^9 steps.
    std::string text = std::string(kPops) + "inputs:\n" // 7
                       "  - {population: in, neuron: 0, steps: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}\n"; // 8
    for (int k = 1; k <= 9; k++) {
        std::string prev = "*l" + std::to_string(k - 1);
        text += "  - {population: in, neuron: 0, steps: &l" + std::to_string(k) + " [";
        for (int i = 0; i < 10; i++)
            text += (i ? ", " : "") + prev;
        text += "]}\n"; // line 8 + k
    }
    auto t0 = std::chrono::steady_clock::now();
    // l4 stands for 111,111 nodes: the aliases of l1..l4 stand for 123,440 and the eighth
    // alias of l4 in line 13 passes 1,000,000.
    expect_error("laughs.yaml", text, LE_ERR_LIMIT, 13,
                 "alias '*l4' stands for 111111 nodes: the file's aliases would expand it by more than 1000000 nodes");
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

TEST(Netfile, DeepNestingFailsFast)
{
    const int n = 100000;
    std::string text = "populations: " + std::string(n, '[') + std::string(n, ']') + "\n";
    auto t0 = std::chrono::steady_clock::now();
    expect_error("deep.yaml", text, LE_ERR_LIMIT, 1, "YAML nested deeper than 64 levels");
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}
