// Hostile inputs: every input kept by the fuzzers is replayed through the same reader, and
// each defect class found by hand or by fuzzing has its own test of the error it now gets.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "board/board.h"
#include "core/limits.h"
#include "fuzz/targets.h"
#include "models/network.h"
#include "models/npy.h"
#include "models/relnet/babi.h"
#include "models/smnist/mnist.h"
#include "place/placement.h"
#include "util/budget.h"
#include "util/yaml.h"

namespace {

std::string src_dir()
{
    const char *e = getenv("LE_SOURCE_DIR");
    return e && e[0] ? e : LE_SOURCE_DIR;
}

std::vector<std::string> files_in(const std::string &dir)
{
    std::vector<std::string> out;
    DIR *d = opendir(dir.c_str());
    if (!d)
        return out;
    while (dirent *e = readdir(d))
        if (e->d_name[0] != '.')
            out.push_back(dir + "/" + e->d_name);
    closedir(d);
    return out;
}

std::string slurp(const std::string &p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct Scratch {
    std::string dir;
    Scratch()
    {
        char t[] = "/tmp/le-guards-XXXXXX";
        dir = mkdtemp(t);
    }
    ~Scratch()
    {
        for (const auto &f : files_in(dir)) {
            if (rmdir(f.c_str()) != 0)
                unlink(f.c_str());
        }
        rmdir(dir.c_str());
    }
    std::string put(const std::string &name, const std::string &bytes) const
    {
        std::string p = dir + "/" + name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
};

// A .npy file: version 1.0 header padded to 64 bytes, then the payload.
std::string npy(const std::string &descr, const std::string &shape, const std::string &payload)
{
    std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + h.size() + 1) % 64)
        h += ' ';
    h += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += (char)(h.size() & 0xff);
    out += (char)(h.size() >> 8);
    return out + h + payload;
}

template <class T> std::string bytes_of(std::initializer_list<T> v)
{
    std::string s;
    for (T x : v)
        s.append(reinterpret_cast<const char *>(&x), sizeof x);
    return s;
}

struct BudgetReset {
    ~BudgetReset() { le_budget_set(0); }
};

} // namespace

// Every seed and every kept input of every fuzz target, through the harness's own code: no
// crash, leak or sanitizer report (the ASan build runs this too); a kept input is hostile, so
// it must be refused.
TEST(Guards, FuzzCorpusAndKeptInputsReplay)
{
    BudgetReset reset;
    size_t n = 0, replayed = 0;
    const le_fuzz_target *t = le_fuzz_targets(&n);
    ASSERT_GE(n, 9u);
    for (size_t i = 0; i < n; i++) {
        for (const char *kind : {"corpus", "regress"}) {
            for (const auto &f : files_in(src_dir() + "/fuzz/" + kind + "/" + t[i].name)) {
                std::string b = slurp(f);
                int rc = t[i].run(reinterpret_cast<const uint8_t *>(b.data()), b.size());
                EXPECT_GE(rc, 0) << f;
                if (!strcmp(kind, "regress")) {
                    EXPECT_NE(rc, (int)LE_OK) << f << ": a kept hostile input was accepted";
                }
                replayed++;
            }
        }
    }
    EXPECT_GE(replayed, 100u);
}

TEST(Guards, DirectoryAsInputIsNamed)
{
    Scratch s;
    le_error e;
    le_cfg c;
    EXPECT_EQ(le_cfg_load(&c, s.dir.c_str(), &e), LE_ERR_IO);
    EXPECT_NE(strstr(e.msg, "is a directory, expected a YAML file"), nullptr) << e.msg;
    le_npy a;
    EXPECT_EQ(le_npy_read(s.dir.c_str(), 0, 0, &a, &e), LE_ERR_IO);
    EXPECT_NE(strstr(e.msg, "is a directory, expected a .npy file"), nullptr) << e.msg;
    uint8_t *px = nullptr;
    uint32_t n, r, cc;
    EXPECT_EQ(le_idx_read_images(s.dir.c_str(), &px, &n, &r, &cc, &e), LE_ERR_DATA);
    EXPECT_NE(strstr(e.msg, "is a directory"), nullptr) << e.msg;
    EXPECT_EQ(strstr(e.msg, "gzip"), strstr(e.msg, "gzip-compressed IDX")) << e.msg; // not "corrupt gzip data"
    le_babi_corpus corpus;
    le_babi_corpus_init(&corpus);
    EXPECT_EQ(le_babi_read_file(&corpus, s.dir.c_str(), 1, LE_BABI_TEST, &e), LE_ERR_IO);
    EXPECT_NE(strstr(e.msg, "is a directory"), nullptr) << e.msg;
    le_babi_corpus_free(&corpus);
}

TEST(Guards, DuplicateKeyInABoardFileIsNamed)
{
    Scratch s;
    std::string p = s.put("dup.yaml", "name: x\nchips:\n  rows: 1\n  cols: 2\n  rows: 3\n  source: s\n");
    le_board_spec b;
    le_error e;
    EXPECT_EQ(le_board_load(p.c_str(), nullptr, &b, &e), LE_ERR_CONFIG);
    EXPECT_NE(strstr(e.msg, "dup.yaml:5: field chips.rows: duplicate key 'rows' (first on line 3)"), nullptr)
        << e.msg;
}

TEST(Guards, BoardGridSidesBeyond32BitsAreRefused)
{
    le_board_spec b;
    le_error e;
    // sscanf's %u took 4294967297 as 1: a 1 x 1 board.
    EXPECT_EQ(le_board_load("4294967297x1", nullptr, &b, &e), LE_ERR_LIMIT);
    EXPECT_NE(strstr(e.msg, "rows above 4294967295"), nullptr) << e.msg;
    EXPECT_EQ(le_board_load("1x99999999999999999999", nullptr, &b, &e), LE_ERR_LIMIT);
    EXPECT_NE(strstr(e.msg, "cols above"), nullptr) << e.msg;
    EXPECT_EQ(le_board_load("0x4", nullptr, &b, &e), LE_ERR_USAGE);
    EXPECT_EQ(le_board_load("200x200", nullptr, &b, &e), LE_ERR_LIMIT); // 40000 > 16384 chips
    ASSERT_EQ(le_board_load("2x3", nullptr, &b, &e), LE_OK) << e.msg;
    EXPECT_EQ(b.geom.n_chips, 6u);
}

TEST(Guards, ShippedBoardNamesComeFromFileNames)
{
    char names[512];
    le_board_names(names, sizeof names);
    EXPECT_STREQ(names, "kapoho-bay, nahuku32, pohoiki-springs");
}

TEST(Guards, NpyHeaderShapeIsCheckedAgainstTheFileSize)
{
    Scratch s;
    le_npy a;
    le_error e;
    // 10^10 items of 4 bytes announced, 10 bytes present: refused before allocating 40 GB.
    std::string p = s.put("lie.npy", npy("<f4", "(100000, 100000)", std::string(10, '\0')));
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(strstr(e.msg, "truncated data: 10 of 40000000000 bytes for shape (100000, 100000)"), nullptr) << e.msg;
    EXPECT_EQ(a.data, nullptr);
}

TEST(Guards, NpyShapeIsCheckedAgainstTheMemoryBudget)
{
    BudgetReset reset;
    Scratch s;
    le_npy a;
    le_error e;
    // 300 float32 items cost 300 * (4 + 4) = 2400 bytes here: over a 2000-byte budget, under 4000.
    std::string p = s.put("w.npy", npy("<f4", "(3, 100)", std::string(1200, '\0')));
    le_budget_set(2000);
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_LIMIT);
    EXPECT_NE(strstr(e.msg, "shape (3, 100): 300 items need at least 2400 bytes"), nullptr) << e.msg;
    le_budget_set(4000);
    ASSERT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_OK) << e.msg;
    le_npy_free(&a);
}

TEST(Guards, Float64ItemsAreCheckedBeforeTheyBecomeFloat32)
{
    Scratch s;
    le_npy a;
    le_error e;
    // (float)100.000001 == 100.0f and (float)1e-50 == 0.0f: both passed the integer check.
    std::string p = s.put("a.npy", npy("<f8", "(1, 2)", bytes_of<double>({100.0, 100.000001})));
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_RANGE);
    EXPECT_NE(strstr(e.msg, "item (0, 1) is 100.000001"), nullptr) << e.msg;
    p = s.put("b.npy", npy("<f8", "(2,)", bytes_of<double>({1e-50, 3.0})));
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_RANGE);
    EXPECT_NE(strstr(e.msg, "item 0 is 1e-50,"), nullptr) << e.msg;
    p = s.put("c.npy", npy("<i4", "(1,)", bytes_of<int32_t>({(1 << 24) + 1})));
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_RANGE);
    EXPECT_NE(strstr(e.msg, "16777217"), nullptr) << e.msg;
    // What float32 holds exactly still reads, in float64 and as wide integers.
    p = s.put("d.npy", npy("<f8", "(3,)", bytes_of<double>({-256.0, 0.5, 16777216.0})));
    ASSERT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.data[0], -256.0f);
    EXPECT_EQ(a.data[1], 0.5f);
    EXPECT_EQ(a.data[2], 16777216.0f);
    le_npy_free(&a);
}

TEST(Guards, IdxHeaderIsCheckedAgainstTheFileSize)
{
    Scratch s;
    le_error e;
    uint8_t *px = nullptr;
    uint32_t n, r, c;
    // 10^6 images of 28 x 28 announced in a 32-byte raw file.
    std::string h = {0, 0, 8, 3, 0, 0x0f, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28};
    std::string p = s.put("lie.idx", h + std::string(16, '\0'));
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &e), LE_ERR_DATA);
    EXPECT_NE(strstr(e.msg, "announces 784000000 bytes of pixels, more than a raw file of 32 bytes can hold"),
              nullptr)
        << e.msg;
}

TEST(Guards, NeuronsAreCheckedAgainstTheMemoryBudgetWhenAdded)
{
    BudgetReset reset;
    le_network net;
    le_network_init(&net);
    le_error e;
    // 64 bytes a neuron (LE_BYTES_PER_NEURON): 16384 neurons fill 1 MiB exactly.
    le_budget_set(1u << 20);
    le_population a = le_population_default("a", LE_POP_LIF, 16000);
    ASSERT_EQ(le_network_add_pop(&net, &a, nullptr, &e), LE_OK) << e.msg;
    le_population b = le_population_default("b", LE_POP_LIF, 385);
    EXPECT_EQ(le_network_add_pop(&net, &b, nullptr, &e), LE_ERR_LIMIT);
    EXPECT_NE(strstr(e.msg, "population 'b': size 385: 16385 neurons in the network need at least 1048640 bytes"),
              nullptr)
        << e.msg;
    EXPECT_NE(strstr(e.msg, "memory limit of 1048576 bytes"), nullptr) << e.msg;
    le_population c = le_population_default("c", LE_POP_LIF, 384);
    EXPECT_EQ(le_network_add_pop(&net, &c, nullptr, &e), LE_OK) << e.msg;
    le_network_free(&net);
}

TEST(Guards, SynapsesAreCheckedAgainstTheMemoryBudgetBeforeAllocating)
{
    BudgetReset reset;
    le_connection c;
    le_error e;
    le_budget_set(1u << 20);
    // 32 bytes a synapse (LE_BYTES_PER_SYNAPSE): 32768 fit 1 MiB, 32769 do not.
    EXPECT_EQ(le_connection_init(&c, 0, 1, 0, LE_SIGN_SPLIT, 32769, 1, &e), LE_ERR_LIMIT);
    EXPECT_EQ(c.src, nullptr);
    EXPECT_NE(strstr(e.msg, "connection: 32769 synapses"), nullptr) << e.msg;
    ASSERT_EQ(le_connection_init(&c, 0, 1, 0, LE_SIGN_SPLIT, 32768, 1, &e), LE_OK) << e.msg;
    free(c.src);
    free(c.dst);
    free(c.weight);
    free(c.delay);
}

TEST(Guards, PlacementChecksTheBoardsCompartmentsBeforeAllocating)
{
    le_network net;
    le_network_init(&net);
    le_error e;
    // 2 * 10^8 neurons on one chip: 10^8 / 1024 per core -> 195313 cores, 128 on the chip.
    le_population a = le_population_default("a", LE_POP_LIF, 200000000u);
    ASSERT_EQ(le_network_add_pop(&net, &a, nullptr, &e), LE_OK) << e.msg;
    le_board_geom g = le_board_geom_single_chip();
    le_placement pl;
    EXPECT_EQ(le_place(&net, &g, le_limits_loihi1(), &pl, &e), LE_ERR_LIMIT);
    EXPECT_NE(strstr(e.msg, "population 'a' does not fit: the network needs 195313 cores, board 'single-chip' has 128"),
              nullptr)
        << e.msg;
    EXPECT_EQ(pl.core, nullptr);
    le_network_free(&net);
}

TEST(Guards, MemLimitSizesParse)
{
    uint64_t b = 0;
    EXPECT_EQ(le_budget_parse("4G", &b), 0);
    EXPECT_EQ(b, 4ull << 30);
    EXPECT_EQ(le_budget_parse("512MiB", &b), 0);
    EXPECT_EQ(b, 512ull << 20);
    EXPECT_EQ(le_budget_parse("1000000", &b), 0);
    EXPECT_EQ(b, 1000000ull);
    EXPECT_NE(le_budget_parse("12X", &b), 0);
    EXPECT_NE(le_budget_parse("0", &b), 0);
    EXPECT_NE(le_budget_parse("-1G", &b), 0);
    EXPECT_NE(le_budget_parse("99999999999T", &b), 0);
}
