// The Spiking RelNet's mapping onto cores and chips: story-size core counts (Table S2 and the
// closed form 5M^2 + 12M + 80 of spec relnet-on-loihi.md §2.3), per-layer counts (Table S5,
// spec §2.2, with the authors' code's differences), the optimised layout's chips (spec §3.2),
// the validity of both placements, the mapping parameters and placement files (place/hints.h).
// Expected numbers come from the paper and the spec's arithmetic, recomputed here by hand.
//
// Placing the 20-sentence layout takes seconds (70 M synapses), so each strategy's layout is
// placed once per process and every story size is instantiated on it.
#include <gtest/gtest.h>

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "emu/relnet_map.h"
#include "models/relnet/build.h"
#include "models/relnet/strategy.h"
#include "models/relnet/weights.h"
#include "place/hints.h"
#include "place/placement.h"
#include "run/pipeline.h"

namespace {

namespace fs = std::filesystem;

void spit(const std::string &path, const std::string &data)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << data;
}

std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// The paper's Table S2 core counts (seed 002, Supplement S1.1), typed in from the paper.
const std::vector<std::pair<uint32_t, uint32_t>> kTableS2Cores = {{2, 124}, {6, 332}, {10, 700}, {16, 1552},
                                                                 {20, 2320}};

// Weights, board and mapping parameters shared by every test; the two layouts on demand.
struct Env {
    std::string dir;
    le_relnet_weights w{};
    le_hints mapping{};
    le_pipeline_opts po{};
    le_board_geom geom{};
    le_limits lim{};
    le_relnet_layout lay[2]{};
    bool placed[2] = {false, false};
    double place_s[2] = {0, 0};

    Env()
    {
        dir = ::testing::TempDir() + "rnmap_" + std::to_string((long)getpid());
        fs::create_directories(dir);
        // A small dictionary: the mapping does not depend on the words, only on the 180 lines.
        std::string vocab = dir + "/vocab-src.txt";
        spit(vocab, "<pad>\nmary\nmoved\nto\nthe\nbathroom\nwhere\nis\nhallway\nyes\nno\n");
        le_relnet_gen_params gp = le_relnet_gen_params_default();
        gp.vocab_file = vocab.c_str();
        gp.answers_file = vocab.c_str();
        le_error e;
        std::string wd = dir + "/weights";
        if (le_relnet_weights_generate(wd.c_str(), 11, &gp, &e) != LE_OK)
            ADD_FAILURE() << e.msg;
        else if (le_relnet_weights_load(wd.c_str(), &w, &e) != LE_OK)
            ADD_FAILURE() << e.msg;
        if (le_hints_load(LE_SOURCE_DIR "/config/relnet/mapping.yaml", &mapping, &e) != LE_OK)
            ADD_FAILURE() << e.msg;
        po = le_pipeline_defaults();
        po.board = "nahuku32"; // the paper's 32-chip board
        if (le_pipeline_board(&po, &geom, &lim, &e) != LE_OK)
            ADD_FAILURE() << e.msg;
    }
    ~Env()
    {
        for (int s = 0; s < 2; s++)
            if (placed[s])
                le_relnet_layout_free(&lay[s]);
        le_relnet_weights_free(&w);
        le_hints_free(&mapping);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    const le_relnet_layout *layout(le_relnet_strategy s)
    {
        if (!placed[s]) {
            le_error e;
            auto t0 = std::chrono::steady_clock::now();
            le_code rc = le_relnet_layout_place(&w, s, &mapping, nullptr, &geom, &lim, &lay[s], &e);
            place_s[s] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (rc != LE_OK) {
                ADD_FAILURE() << le_relnet_strategy_name(s) << ": " << e.msg;
                return nullptr;
            }
            placed[s] = true;
            std::fprintf(stderr, "[relnet mapping] %s layout placed in %.1f s\n", le_relnet_strategy_name(s),
                         place_s[s]);
        }
        return &lay[s];
    }
};

Env &env()
{
    static Env e;
    return e;
}

// Table S5's layer groups, by population name (build.h's names).
const char *group_of(const char *name)
{
    static const std::pair<const char *, const char *> g[] = {
        {"s*.lsnn.*", "sentence LSNN"}, {"q.lsnn.*", "question LSNN"},  {"s*.relay.*", "sentence relays"},
        {"q.relay.*", "question relays"}, {"mask.relay.*", "mask relays"}, {"g.*.l1", "g_theta L1"},
        {"g.*.l[234]", "g_theta L2-L4"}, {"agg", "aggregation"},       {"f1", "f_phi L1"},
        {"f2", "f_phi L2"},              {"f3", "f_phi L3"},           {"readout", "readout"}};
    for (auto &p : g)
        if (fnmatch(p.first, name, 0) == 0)
            return p.second;
    return nullptr;
}

struct Census {
    std::set<uint32_t> cores;                      // every core holding a neuron
    std::map<std::string, std::set<uint32_t>> by_group;
    std::map<std::string, std::set<uint32_t>> by_pop;
    std::map<uint32_t, std::set<uint32_t>> by_chip;
    std::vector<std::string> ungrouped;
};

Census census(const le_network &net, const le_placement &pl, uint32_t cores_per_chip)
{
    Census c;
    for (uint32_t p = 0; p < net.n_pops; p++) {
        if (net.pops[p].kind == LE_POP_INPUT)
            continue;
        const char *g = group_of(net.pops[p].name);
        if (!g)
            c.ungrouped.push_back(net.pops[p].name);
        for (uint32_t k = 0; k < net.pops[p].size; k++) {
            uint32_t core = pl.core[le_place_gid(&pl, p, k)];
            c.cores.insert(core);
            c.by_pop[net.pops[p].name].insert(core);
            if (g)
                c.by_group[g].insert(core);
            c.by_chip[core / cores_per_chip].insert(core);
        }
    }
    return c;
}

// Story size M built on a layout and placed as the pipeline places it.
struct Instance {
    le_network net;
    le_relnet_pops pops;
    le_placement pl;
    bool ok = false;
    Instance(const le_relnet_layout *lay, uint32_t M)
    {
        le_network_init(&net);
        std::memset(&pl, 0, sizeof pl);
        le_error e;
        if (!lay)
            return;
        if (le_relnet_instantiate(&env().w, lay, M, &net, &pops, &e) != LE_OK) {
            ADD_FAILURE() << "M = " << M << ": " << e.msg;
            return;
        }
        if (le_place(&net, &env().geom, &env().lim, &pl, &e) != LE_OK) {
            ADD_FAILURE() << "M = " << M << ": " << e.msg;
            return;
        }
        ok = true;
    }
    ~Instance()
    {
        if (ok)
            le_placement_free(&pl);
        le_network_free(&net);
    }
};

} // namespace

// ---------------------------------------------------------------- Table S2 core counts

TEST(RelnetMapping, OptimisedCoresPerStorySizeEqualTableS2AndTheClosedForm)
{
    const le_relnet_layout *lay = env().layout(LE_RN_OPTIMISED);
    ASSERT_NE(lay, nullptr);
    for (auto [M, paper] : kTableS2Cores) {
        Instance in(lay, M);
        ASSERT_TRUE(in.ok);
        // spec §2.3: 2M LSNN + 5M sentence relays + 2 + 42 question relays + 10 mask relays
        // + 10 per instance + 16 aggregation + 9 f_phi + 1 readout
        uint32_t formula = 5 * M * M + 12 * M + 80;
        Census c = census(in.net, in.pl, env().geom.cores_per_chip);
        EXPECT_EQ(formula, paper) << "M = " << M << ": the closed form itself";
        EXPECT_EQ(c.cores.size(), paper) << "M = " << M;
        EXPECT_EQ(in.pl.n_cores_used, paper) << "M = " << M;
    }
}

// The naive layout (spec §3.3) has no Table S2 row; the authors' driver gives 2432 cores at
// M = 20 with 9 cores per sentence relay, worked out with 84 destination cores per relay
// neuron (the (k, k) instance counted twice). The emulator gives a neuron one output axon per
// destination core: 20 instances x 4 layer-1 cores = 80, 2048 / 80 = 25 per core, 8 cores.
// Question relays: 7 copies of 30 instances, 2048 / 120 = 17 per core, 12 cores each.
TEST(RelnetMapping, NaiveCoresPerLayerAtTwentySentences)
{
    const le_relnet_layout *lay = env().layout(LE_RN_NAIVE);
    ASSERT_NE(lay, nullptr);
    Census c = census(lay->net, lay->pl, env().geom.cores_per_chip);
    EXPECT_TRUE(c.ungrouped.empty());
    EXPECT_EQ(c.by_group["sentence LSNN"].size(), 40u);
    EXPECT_EQ(c.by_group["question LSNN"].size(), 2u);
    EXPECT_EQ(c.by_group["sentence relays"].size(), 20u * 8u) << "spec §3.3 (authors' axon count): 180";
    EXPECT_EQ(c.by_group["question relays"].size(), 7u * 12u);
    EXPECT_EQ(c.by_group.count("mask relays"), 0u) << "the naive driver has no mask relays";
    EXPECT_EQ(c.by_group["g_theta L1"].size(), 840u);
    EXPECT_EQ(c.by_group["g_theta L2-L4"].size(), 1260u);
    EXPECT_EQ(c.by_group["aggregation"].size(), 16u);
    EXPECT_EQ(c.by_group["f_phi L1"].size() + c.by_group["f_phi L2"].size() + c.by_group["f_phi L3"].size(), 9u);
    EXPECT_EQ(c.by_group["readout"].size(), 1u);
    EXPECT_EQ(c.cores.size(), 2432u - 20u) << "spec §3.3's 2432 less one core per sentence relay";
    // Cores filled in order, 128 per chip: ceil(2412 / 128) = 19 chips, all but the last full.
    uint32_t chips = (uint32_t)c.by_chip.size();
    EXPECT_EQ(chips, (2412u + 127u) / 128u);
    for (auto &[chip, cores] : c.by_chip)
        if (chip + 1 < chips) {
            EXPECT_EQ(cores.size(), 128u) << "chip " << chip;
        }
}

// ---------------------------------------------------------------- Table S5 per layer

TEST(RelnetMapping, OptimisedCoresPerLayerAtTwentySentencesFollowTableS5AndTheCode)
{
    const le_relnet_layout *lay = env().layout(LE_RN_OPTIMISED);
    ASSERT_NE(lay, nullptr);
    Census c = census(lay->net, lay->pl, env().geom.cores_per_chip);
    EXPECT_TRUE(c.ungrouped.empty()) << c.ungrouped.front();
    // Table S5 as printed (spec §2.2), with the arithmetic that gives each entry.
    const std::map<std::string, uint32_t> s5 = {
        {"sentence LSNN", 20 * 2},            // 380 synapses, 60 000 / 380 = 157 >= 100 per population
        {"question LSNN", 2},
        {"sentence relays", 20 * (2 + 3 * 1)}, // a diagonal block: 4096 / 24 = 170 -> 2; off-diagonal 1
        {"question relays", 4 * 3 + 6 * 5},    // 4096 / 60 = 68 -> 3; 4096 / 100 = 40 -> 5
        {"g_theta L1", 210 * 4},               // 40 000 / 602 = 66 -> 4
        {"g_theta L2-L4", 210 * 3 * 2},        // 40 000 / 256 = 156 -> 2
        {"aggregation", 14},                  // 4096 / 210 = 19 -> 14
        {"f_phi L1", 2},                      // 40 000 / 256 = 156 -> 2
        {"f_phi L2", 4},                      // 512 / 156 -> 4
        {"f_phi L3", 3},                      // 40 000 / 512 = 78 -> 3
        {"readout", 1}};                      // 40 000 / 160 = 250 -> 1
    uint32_t s5_total = 0;
    for (auto &[g, n] : s5)
        s5_total += n;
    EXPECT_EQ(s5_total, 2308u) << "Table S5's sum";
    for (auto &[g, n] : s5) {
        uint32_t ours = (uint32_t)c.by_group[g].size();
        if (g == "aggregation") {
            // spec §2.2/§2.3: the authors' code divides 4096 by the g_theta width, 16 per core
            EXPECT_EQ(ours, 16u) << g;
            EXPECT_EQ(ours - n, 2u) << "the stated difference from Table S5";
        } else {
            EXPECT_EQ(ours, n) << g;
        }
    }
    // Not in Table S5: one mask relay per block chip (authors' code).
    EXPECT_EQ(c.by_group["mask relays"].size(), 10u);
    EXPECT_EQ(c.cores.size(), s5_total + 2u + 10u) << "Table S2's 2320 = Table S5 + 2 aggregation + 10 mask relays";
    // No two layers share a core, or the per-layer figures would not add up.
    size_t sum = 0;
    for (auto &[g, cores] : c.by_group)
        sum += cores.size();
    EXPECT_EQ(sum, c.cores.size());
    // Per population as well: every LSNN on 2 cores, every layer 1 on 4, layers 2-4 on 2.
    for (uint32_t i = 0; i < 20; i++)
        for (uint32_t j = i; j < 20; j++)
            for (uint32_t l = 1; l <= 4; l++) {
                std::string n = "g." + std::to_string(i) + "." + std::to_string(j) + ".l" + std::to_string(l);
                ASSERT_EQ(c.by_pop[n].size(), l == 1 ? 4u : 2u) << n;
            }
}

// ---------------------------------------------------------------- chips of the optimised layout

TEST(RelnetMapping, OptimisedLayoutCoresPerChipAsTheAuthorsPlaceThem)
{
    const le_relnet_layout *lay = env().layout(LE_RN_OPTIMISED);
    ASSERT_NE(lay, nullptr);
    ASSERT_EQ(env().geom.cores_per_chip, 128u);
    Census c = census(lay->net, lay->pl, 128);
    // spec §3.2: chip 0 = 21 LSNNs x 2; block chips 1..10 in the order (0,0),(0,1),(0,2),(0,3),
    // (1,1),(1,2),(1,3),(2,2),(2,3),(3,3): a diagonal block = 5 relays x 2 + 3 + 1 + 15 x 4 = 74,
    // an off-diagonal one = 10 x 1 + 5 + 1 + 25 x 4 = 116; chips 11..20 = 21 instances x 6 = 126,
    // chip 20 also 2 aggregation cores; chip 21 = 14 aggregation + 9 f_phi + 1 readout.
    const bool diagonal[10] = {true, false, false, false, true, false, false, true, false, true};
    std::map<uint32_t, size_t> want;
    want[0] = 21 * 2;
    for (uint32_t b = 0; b < 10; b++)
        want[1 + b] = diagonal[b] ? 5 * 2 + 3 + 1 + 15 * 4 : 10 * 1 + 5 + 1 + 25 * 4;
    for (uint32_t ch = 11; ch <= 19; ch++)
        want[ch] = 21 * 6;
    want[20] = 21 * 6 + 2;
    want[21] = 14 + 9 + 1;
    EXPECT_EQ(want[1], 74u);
    EXPECT_EQ(want[2], 116u);
    EXPECT_EQ(c.by_chip.size(), want.size()) << "22 chips (seed: 'spread across 22 chips')";
    for (auto &[chip, n] : want)
        EXPECT_EQ(c.by_chip[chip].size(), n) << "chip " << chip;
    // The relays of a block share its layer-1 chip, so relay -> g_theta spikes stay on chip.
    for (uint32_t p = 0; p < lay->net.n_pops; p++) {
        const char *n = lay->net.pops[p].name;
        unsigned k, b;
        char tail;
        if ((std::sscanf(n, "s%u.relay.%u%c", &k, &b, &tail) == 2 || std::sscanf(n, "q.relay.%u%c", &b, &tail) == 1 ||
             std::sscanf(n, "mask.relay.%u%c", &b, &tail) == 1)) {
            for (uint32_t core : c.by_pop[n])
                EXPECT_EQ(core / 128, 1 + b) << n;
        }
    }
}

// ---------------------------------------------------------------- validity of both placements

namespace {

// Every neuron has one core on the board, and no compartment holds two neurons (an AHP
// neuron's auxiliary compartment is the one below its main compartment).
void expect_each_neuron_once(const le_network &net, const le_placement &pl, uint32_t n_board, const char *what)
{
    std::set<std::pair<uint32_t, uint32_t>> used;
    uint64_t bad = 0, shared = 0;
    for (uint32_t p = 0; p < net.n_pops; p++) {
        const le_population &pop = net.pops[p];
        for (uint32_t k = 0; k < pop.size; k++) {
            uint32_t g = le_place_gid(&pl, p, k);
            if (pop.kind == LE_POP_INPUT) {
                bad += pl.core[g] != LE_NO_CORE;
                continue;
            }
            if (pl.core[g] == LE_NO_CORE || pl.core[g] >= n_board) {
                bad++;
                continue;
            }
            shared += !used.insert({pl.core[g], pl.cx[g]}).second;
            if (pop.kind == LE_POP_AHP)
                shared += pl.cx[g] == 0 || !used.insert({pl.core[g], pl.cx[g] - 1u}).second;
        }
    }
    EXPECT_EQ(bad, 0u) << what << ": neurons without a core on the board (or inputs with one)";
    EXPECT_EQ(shared, 0u) << what << ": compartments holding two neurons";
    EXPECT_EQ(pl.pop_base[net.n_pops], (uint32_t)le_network_n_neurons(&net)) << what;
}

void check_placements(le_relnet_strategy s, const std::vector<uint32_t> &configure)
{
    const le_relnet_layout *lay = env().layout(s);
    ASSERT_NE(lay, nullptr);
    const uint32_t n_board = env().geom.n_chips * env().geom.cores_per_chip;
    expect_each_neuron_once(lay->net, lay->pl, n_board, "20-sentence layout");
    for (auto [M, paper] : kTableS2Cores) {
        (void)paper;
        Instance in(lay, M);
        ASSERT_TRUE(in.ok);
        std::string what = std::string(le_relnet_strategy_name(s)) + ", M = " + std::to_string(M);
        expect_each_neuron_once(in.net, in.pl, n_board, what.c_str());
        // A story of M sentences uses a subset of the layout's cores, where the layout has them.
        Census lc = census(lay->net, lay->pl, 128), ic = census(in.net, in.pl, 128);
        for (auto &[name, cores] : ic.by_pop)
            EXPECT_EQ(cores, lc.by_pop[name]) << what << ": " << name;
        bool build = false;
        for (uint32_t m : configure)
            build |= m == M;
        if (!build)
            continue;
        // The chip configuration checks every per-core limit (le_core_build).
        le_pipeline pipe;
        std::memset(&pipe, 0, sizeof pipe);
        le_error e;
        le_code rc = le_pipeline_open(&in.net, &env().po, &pipe, &e);
        EXPECT_EQ(rc, LE_OK) << what << ": " << e.msg;
        if (rc == LE_OK) {
            EXPECT_EQ(le_sim_n_cores(pipe.sim), (uint32_t)ic.cores.size()) << what;
        }
        le_pipeline_close(&pipe);
    }
}

} // namespace

TEST(RelnetMapping, OptimisedPlacementValidForEveryStorySize)
{
    // Configuring the chips (every per-core limit) is the slow part: the smallest and the
    // largest story only (26 s under AddressSanitizer, 15 s in Release, layout included).
    check_placements(LE_RN_OPTIMISED, {2, 20});
}

TEST(RelnetMapping, NaivePlacementValidForEveryStorySize)
{
    check_placements(LE_RN_NAIVE, {2, 20});
}

// ---------------------------------------------------------------- mapping parameters

namespace {

// A story of 2 sentences built with the optimised relay plan and mask, sized by the mapping
// file at path, placed automatically (no chip hints): the general mapper alone.
struct Mapped {
    le_network net;
    le_relnet_pops pops;
    le_placement pl;
    bool ok = false;
    std::string error;
    le_code rc = LE_OK;
    Census c;
    Mapped(const std::string &path, const le_hints *file = nullptr)
    {
        le_network_init(&net);
        std::memset(&pl, 0, sizeof pl);
        le_hints h;
        le_error e;
        le_relnet_options o = le_relnet_options_default(2);
        std::vector<le_place_cap> caps;
        uint32_t n_map = 0;
        if ((rc = le_hints_load(path.c_str(), &h, &e)) != LE_OK) {
            error = e.msg;
            return;
        }
        rc = le_relnet_build(&env().w, &o, &net, &pops, &e);
        caps.resize(net.n_pops + 1);
        // the same order as emu/relnet_map.c: the mapping parameters, then the file
        const le_hints *order[2] = {&h, file};
        if (!rc)
            rc = le_hints_apply_all(order, 2, &net, &env().geom, caps.data(), &n_map, &e);
        le_hints_free(&h);
        if (!rc) {
            le_place_opts po = {caps.data(), n_map, 0};
            rc = le_place_with(&net, &env().geom, &env().lim, &po, &pl, &e);
        }
        if (rc) {
            error = e.msg;
            return;
        }
        ok = true;
        c = census(net, pl, env().geom.cores_per_chip);
    }
    ~Mapped()
    {
        if (ok)
            le_placement_free(&pl);
        le_network_free(&net);
    }
};

std::string tmp_file(const std::string &name, const std::string &text)
{
    std::string p = env().dir + "/" + name;
    spit(p, text);
    return p;
}

// The largest number of synapses into one neuron of population pop (the mask adds 1 or 2).
uint32_t max_fan_in(const le_network &net, const char *pop)
{
    int p = le_network_find_pop(&net, pop);
    std::vector<uint32_t> n(p >= 0 ? net.pops[p].size : 0);
    for (uint32_t i = 0; i < net.n_conns; i++)
        if ((int)net.conns[i].dst_pop == p)
            for (uint32_t k = 0; k < net.conns[i].n; k++)
                n[net.conns[i].dst[k]]++;
    uint32_t m = 0;
    for (uint32_t v : n)
        m = v > m ? v : m;
    return m;
}

uint32_t cores_for(uint32_t size, uint32_t per_core) { return (size + per_core - 1) / per_core; }

} // namespace

TEST(RelnetMapping, HalvingTheFeedForwardCapDoublesLayerOneCores)
{
    const std::string shipped = LE_SOURCE_DIR "/config/relnet/mapping.yaml";
    std::string text = slurp(shipped);
    const std::string from = "synapses_per_core: 40000", to = "synapses_per_core: 20000";
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    ASSERT_EQ(text.find(from, at + 1), std::string::npos) << "one feed-forward cap expected";
    text.replace(at, from.size(), to);
    std::string halved = tmp_file("mapping-20000.yaml", text);

    Mapped a(shipped), b(halved);
    ASSERT_TRUE(a.ok) << a.error;
    ASSERT_TRUE(b.ok) << b.error;
    // Layer 1 has 600 synapses per neuron (o_i, o_j, q) plus one mask synapse per slot;
    // zero mantissas are dropped, so the real fan-in is at most that.
    uint32_t fan = max_fan_in(a.net, "g.0.1.l1");
    EXPECT_LE(fan, 602u);
    EXPECT_GT(fan, 560u);
    // 40 000 / 602 = 66 -> ceil(256 / 66) = 4; 20 000 / 602 = 33 -> ceil(256 / 33) = 8 (and the
    // same for any fan-in from 589 to 602).
    EXPECT_EQ(cores_for(256, 40000 / 602), 4u);
    EXPECT_EQ(cores_for(256, 20000 / 602), 8u);
    for (const char *g : {"g.0.0.l1", "g.0.1.l1", "g.1.1.l1"}) {
        EXPECT_EQ(a.c.by_pop[g].size(), 4u) << g;
        EXPECT_EQ(b.c.by_pop[g].size(), 8u) << g;
    }
    // Layers 2-4: 256 inputs, 20 000 / 256 = 78 -> ceil(256 / 78) = 4 instead of 2.
    EXPECT_EQ(a.c.by_pop["g.0.1.l2"].size(), 2u);
    EXPECT_EQ(b.c.by_pop["g.0.1.l2"].size(), 4u);
    // The LSNNs keep their own earlier rule (first rule that sets a field wins): 60 000 / 381
    // -> 1 core per half. Had the 20 000 rule reached them: 20 000 / 381 = 52 -> 2 per half.
    EXPECT_EQ(a.c.by_pop["s0.lsnn.lif"].size(), 1u);
    EXPECT_EQ(b.c.by_pop["s0.lsnn.lif"].size(), 1u);
    EXPECT_EQ(b.c.by_pop["q.lsnn.ahp"].size(), 1u);
    EXPECT_GT(b.c.cores.size(), a.c.cores.size());
}

TEST(RelnetMapping, AggregationNeuronsPerCoreFromTheMappingFile)
{
    // Table S5's arithmetic (4096 input axons / 210 presynaptic neurons = 19 per core) instead
    // of the code's 16: 14 cores at M = 20. At M = 2 the 3 instances leave the input axons far
    // from binding, so the rule alone decides: ceil(256 / 19) = 14.
    std::string text = slurp(LE_SOURCE_DIR "/config/relnet/mapping.yaml");
    const std::string from = "neurons_per_core: 16";
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), "neurons_per_core: 19");
    Mapped a(LE_SOURCE_DIR "/config/relnet/mapping.yaml"), b(tmp_file("mapping-agg19.yaml", text));
    ASSERT_TRUE(a.ok) << a.error;
    ASSERT_TRUE(b.ok) << b.error;
    EXPECT_EQ(a.c.by_pop["agg"].size(), 16u);
    EXPECT_EQ(b.c.by_pop["agg"].size(), cores_for(256, 19));
    EXPECT_EQ(cores_for(256, 19), 14u);
}

// ---------------------------------------------------------------- placement files

// A placement file refines the mapping parameters: what it sets wins (here Table S5's 19
// aggregation neurons per core instead of the code's 16: ceil(256 / 19) = 14 cores).
TEST(RelnetMapping, PlacementFileSizingWinsOverTheMappingParameters)
{
    std::string f = tmp_file("agg19.yaml", "rules:\n"
                                           "  - populations: \"agg\"\n"
                                           "    neurons_per_core: 19\n"
                                           "    source: \"Table S5: 4096 input axons / 210 sources\"\n");
    le_hints file;
    le_error e;
    ASSERT_EQ(le_hints_load(f.c_str(), &file, &e), LE_OK) << e.msg;
    Mapped m(LE_SOURCE_DIR "/config/relnet/mapping.yaml", &file);
    le_hints_free(&file);
    ASSERT_TRUE(m.ok) << m.error;
    EXPECT_EQ(m.c.by_pop["agg"].size(), 14u);
}

TEST(RelnetMapping, PlacementFileChipsAreHonoured)
{
    std::string f = tmp_file("chips.yaml", "rules:\n"
                                           "  - populations: \"f*\"\n"
                                           "    chip: 7\n"
                                           "  - populations: \"readout\"\n"
                                           "    chip: 9\n"
                                           "  - populations: \"g.0.1.*\"\n"
                                           "    chip: 3\n");
    le_hints file;
    le_error e;
    ASSERT_EQ(le_hints_load(f.c_str(), &file, &e), LE_OK) << e.msg;
    Mapped m(LE_SOURCE_DIR "/config/relnet/mapping.yaml", &file);
    le_hints_free(&file);
    ASSERT_TRUE(m.ok) << m.error;
    // Each population starts on the first free core of its chip; f1 (2 cores) and f2 (4)
    // fit on chip 7 before f3 (3), so all of f_phi stays there.
    for (const char *p : {"f1", "f2", "f3"})
        for (uint32_t core : m.c.by_pop[p])
            EXPECT_EQ(core / 128, 7u) << p;
    EXPECT_EQ(*m.c.by_pop["f1"].begin(), 7u * 128u) << "f1 opens chip 7";
    for (uint32_t core : m.c.by_pop["readout"])
        EXPECT_EQ(core / 128, 9u);
    for (const char *p : {"g.0.1.l1", "g.0.1.l2", "g.0.1.l3", "g.0.1.l4"})
        for (uint32_t core : m.c.by_pop[p])
            EXPECT_EQ(core / 128, 3u) << p;
    // Populations without a rule follow the previous one: g.1.1.* and the aggregation come
    // after g.0.1.l4, on chip 3, not back on chip 0.
    for (const char *p : {"g.1.1.l1", "g.1.1.l4", "agg"})
        for (uint32_t core : m.c.by_pop[p])
            EXPECT_EQ(core / 128, 3u) << p;
    EXPECT_EQ(m.c.by_chip.count(7), 1u);
    EXPECT_EQ(m.c.by_chip[7].size(), 2u + 4u + 3u);
}

namespace {

// The error of a placement file, whether it fails to load or to apply to a story of 2.
std::string file_error(const std::string &name, const std::string &text)
{
    std::string f = tmp_file(name, text);
    le_hints h;
    le_error e;
    if (le_hints_load(f.c_str(), &h, &e) != LE_OK)
        return e.msg;
    le_network net;
    le_network_init(&net);
    le_relnet_pops pops;
    le_relnet_options o = le_relnet_options_default(2);
    std::vector<le_place_cap> caps;
    std::string out = "(no error)";
    uint32_t n = 0;
    if (le_relnet_build(&env().w, &o, &net, &pops, &e) != LE_OK)
        out = std::string("build: ") + e.msg;
    else {
        caps.resize(net.n_pops + 1);
        if (le_hints_apply(&h, &net, &env().geom, caps.data(), &n, &e) != LE_OK)
            out = e.msg;
    }
    le_network_free(&net);
    le_hints_free(&h);
    return out;
}

} // namespace

TEST(RelnetMapping, PlacementFileErrorsNameFileLineAndField)
{
    const std::string d = env().dir + "/";
    // A rule that matches nothing is a typo, not a no-op: g.*.l5 does not exist.
    EXPECT_EQ(file_error("nomatch.yaml", "rules:\n  - populations: \"agg\"\n    chip: 21\n"
                                         "  - populations: \"g.*.l5\"\n    chip: 3\n"),
              d + "nomatch.yaml:4: rule 'g.*.l5' matches no population of the network");
    // nahuku32 has 32 chips.
    EXPECT_EQ(file_error("offboard.yaml", "rules:\n  - populations: \"f1\"\n    chip: 32\n"),
              d + "offboard.yaml:2: rule 'f1': chip 32 is not on board 'nahuku32' (chips 0..31)");
    std::string unknown = file_error("unknown.yaml", "rules:\n  - populations: \"f1\"\n    chips: 3\n");
    EXPECT_EQ(unknown.rfind(d + "unknown.yaml:3: rules[0]: unknown key 'chips' (allowed: populations, chip,", 0), 0u)
        << unknown;
    // A cap is a claim about the hardware or the authors' tools: it must say where it is from.
    EXPECT_EQ(file_error("noprov.yaml", "rules:\n  - populations: \"agg\"\n    chip: 21\n"
                                        "  - populations: \"f*\"\n    synapses_per_core: 30000\n"),
              d + "noprov.yaml:4: rules[1]: a cap needs its provenance (source:, calibrated: or assumed:)");
    EXPECT_EQ(file_error("noprov2.yaml", "rules:\n  - populations: \"f*\"\n    neurons_per_core: 50\n"),
              d + "noprov2.yaml:2: rules[0]: a cap needs its provenance (source:, calibrated: or assumed:)");
    // Provenance given three ways, all accepted.
    for (const char *k : {"source", "calibrated", "assumed"})
        EXPECT_EQ(file_error(std::string("prov_") + k + ".yaml",
                             std::string("rules:\n  - populations: \"f*\"\n    neurons_per_core: 50\n    ") + k +
                                 ": \"x\"\n"),
                  "(no error)")
            << k;
}

// The shipped example file lays out chips 0-10 as the optimised strategy does, through the
// same path as `loihi-emu relnet --placement FILE`.
TEST(RelnetMapping, ExamplePlacementFileReproducesTheOptimisedBlockChips)
{
    le_hints file;
    le_error e;
    ASSERT_EQ(le_hints_load(LE_SOURCE_DIR "/models/relnet/placement-example.yaml", &file, &e), LE_OK) << e.msg;
    le_relnet_layout lay;
    le_code rc = le_relnet_layout_place(&env().w, LE_RN_OPTIMISED, &env().mapping, &file, &env().geom, &env().lim,
                                        &lay, &e);
    le_hints_free(&file);
    ASSERT_EQ(rc, LE_OK) << e.msg;
    Census c = census(lay.net, lay.pl, 128);
    EXPECT_EQ(c.cores.size(), 2320u) << "the file moves cores, the mapping sizes them";
    const bool diagonal[10] = {true, false, false, false, true, false, false, true, false, true};
    EXPECT_EQ(c.by_chip[0].size(), 42u);
    for (uint32_t b = 0; b < 10; b++)
        EXPECT_EQ(c.by_chip[1 + b].size(), diagonal[b] ? 74u : 116u) << "chip " << 1 + b;
    // Layers 2-4 packed from chip 11: 1260 cores = 9 full chips + 108; the rest on chip 21.
    for (uint32_t ch = 11; ch <= 19; ch++)
        EXPECT_EQ(c.by_chip[ch].size(), 128u) << "chip " << ch;
    EXPECT_EQ(c.by_chip[20].size(), 1260u - 9u * 128u);
    EXPECT_EQ(c.by_chip[21].size(), 16u + 9u + 1u);
    Instance in(&lay, 2);
    ASSERT_TRUE(in.ok);
    EXPECT_EQ(in.pl.n_cores_used, 124u);
    le_relnet_layout_free(&lay);
}
