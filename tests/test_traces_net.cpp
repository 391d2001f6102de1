// Congestion traces (traces/trace_net.h, docs/traces.md): the network's per-link observer
// against waits worked out by hand, the trace files' headers and row counts, their sums
// against the ledger and the network's own tallies (kept apart from the observer), the step
// window, the size bound and guard, and the VCD's well-formedness.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cost/costmodel_internal.h"
#include "models/netfile.h"
#include "noc/noc.h"
#include "run/pipeline.h"
#include "traces/trace_net.h"

namespace {

std::string tmpdir(const char *tag)
{
    char t[256];
    std::snprintf(t, sizeof t, "/tmp/le-traces-%s-XXXXXX", tag);
    char *d = mkdtemp(t);
    EXPECT_NE(d, nullptr);
    return d ? d : "/tmp";
}

std::vector<std::vector<std::string>> read_csv(const std::string &path, std::string *header)
{
    std::ifstream f(path);
    EXPECT_TRUE(f.good()) << path;
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(f, *header);
    *header += "\n";
    while (std::getline(f, line)) {
        std::vector<std::string> r;
        std::stringstream ss(line);
        std::string x;
        while (std::getline(ss, x, ','))
            r.push_back(x);
        rows.push_back(r);
    }
    return rows;
}

// The hot-spot example (models/examples/congestion/hotspot.yaml) on Kapoho Bay: 256 sources
// on chip 0 (cores 0..63, 4 each) fire every step, each to the one sink core 255 on chip 1.
struct Hotspot {
    le_network net;
    le_pipeline p;
    le_trace_net *t = nullptr;
    std::string dir;
    Hotspot(const le_noc_mode *mode, le_trace_net_opts o, const char *vcd = nullptr)
    {
        le_network_init(&net);
        le_error err{};
        std::string path = std::string(LE_SOURCE_DIR) + "/models/examples/congestion/hotspot.yaml";
        EXPECT_EQ(le_netfile_load(path.c_str(), &net, &err), LE_OK) << err.msg;
        le_pipeline_opts po = le_pipeline_defaults();
        po.board = "kapoho-bay";
        po.noc = mode;
        EXPECT_EQ(le_pipeline_open(&net, &po, &p, &err), LE_OK) << err.msg;
        dir = tmpdir("hot");
        o.dir = dir.c_str();
        std::string v = dir + "/links.vcd";
        if (vcd)
            o.vcd = v.c_str();
        EXPECT_EQ(le_trace_net_create(&o, p.cm, p.sim, &t, &err), LE_OK) << err.msg;
        le_cost_sink inner = le_costmodel_sink(p.cm), out;
        EXPECT_EQ(le_trace_net_start(t, &inner, &out, &err), LE_OK) << err.msg;
        le_sim_set_cost_sink(p.sim, &out);
    }
    uint64_t run(uint32_t steps)
    {
        le_error err{};
        EXPECT_EQ(le_pipeline_run(&p, steps, nullptr, &err), LE_OK) << err.msg;
        uint64_t bytes = 0;
        EXPECT_EQ(le_trace_net_finish(t, &bytes, &err), LE_OK) << err.msg;
        return bytes;
    }
    ~Hotspot()
    {
        le_trace_net_free(t);
        le_pipeline_close(&p);
        le_network_free(&net);
        std::string cmd = "rm -rf '" + dir + "'";
        (void)std::system(cmd.c_str());
    }
};

} // namespace

// Three packets leave core 0 at once for core 1 of the same tile: their only link is the
// local link into core 1 (2.1 ns serialisation), so packet mode serves them at 0, 2.1 and
// 4.2 ns: waits 0 + 2100 + 4200 ps, the longest 4200, busy 3 x 2100.
TEST(NocStats, PacketModeWaitsOnOneLinkByHand)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("1x1", nullptr, LE_NOC_PACKET, 1, &cm, &err), LE_OK) << err.msg;
    le_noc *noc = cm->noc;
    ASSERT_EQ(le_noc_stats_enable(noc, &err), LE_OK);
    std::vector<le_packet> pk(3, le_packet{0, 1, 0, 0});
    std::vector<int64_t> send(3, 0);
    int64_t done = 0;
    ASSERT_EQ(le_noc_deliver(noc, pk.data(), send.data(), 3, &done, &err), LE_OK) << err.msg;
    uint32_t n = 0;
    const le_noc_link_stat *st = le_noc_stats(noc, &n);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(st[0].link, le_link_local(&cm->topo, 0, 1));
    EXPECT_EQ(st[0].packets, 3u);
    EXPECT_EQ(st[0].busy_ps, 3 * 2100);
    EXPECT_EQ(st[0].wait_ps, 2100 + 4200);
    EXPECT_EQ(st[0].max_wait_ps, 4200);
    EXPECT_EQ(le_noc_stats_phases(noc), 1u);
    // an empty phase counts as a phase; clearing forgets the links
    ASSERT_EQ(le_noc_deliver(noc, pk.data(), send.data(), 0, &done, &err), LE_OK);
    EXPECT_EQ(le_noc_stats_phases(noc), 2u);
    le_noc_stats_clear(noc);
    le_noc_stats(noc, &n);
    EXPECT_EQ(n, 0u);
    le_costmodel_free(cm);
}

// Load mode's estimate: the same three packets drain back to back from the first arrival.
TEST(NocStats, LoadModeEstimateDrainsBackToBack)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("1x1", nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_noc_stats_enable(cm->noc, &err), LE_OK);
    std::vector<le_packet> pk(3, le_packet{0, 1, 0, 0});
    std::vector<int64_t> send{0, 1000, 10000}; // the third comes after the queue has drained
    int64_t done = 0;
    ASSERT_EQ(le_noc_deliver(cm->noc, pk.data(), send.data(), 3, &done, &err), LE_OK);
    uint32_t n = 0;
    const le_noc_link_stat *st = le_noc_stats(cm->noc, &n);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(st[0].wait_ps, (2100 - 1000) + 0);
    le_costmodel_free(cm);
}

TEST(TraceNet, SchemasRowCountsAndSumsAgreeWithTheLedger)
{
    const uint32_t steps = 12;
    le_trace_net_opts o = le_trace_net_defaults();
    o.steps = steps;
    Hotspot h(LE_NOC_PACKET, o);
    uint64_t bytes = h.run(steps);
    const le_trace_plan *plan = le_trace_net_plan(h.t);
    EXPECT_GE(plan->bytes_max, bytes) << "the bound must hold";

    std::string hd;
    auto st = read_csv(h.dir + "/steps.csv", &hd);
    EXPECT_EQ(hd, LE_TRACE_STEPS_HEADER);
    ASSERT_EQ(st.size(), steps);
    const le_ledger *L = le_costmodel_ledger(h.p.cm);
    int64_t total = 0, prev_end = 0;
    for (size_t i = 0; i < st.size(); i++) {
        EXPECT_EQ(std::stoul(st[i][0]), i + 1);
        EXPECT_EQ(std::stoll(st[i][1]), prev_end) << "steps follow each other";
        prev_end += std::stoll(st[i][2]);
        total += std::stoll(st[i][2]);
        EXPECT_EQ(std::stoll(st[i][2]), std::stoll(st[i][3]) + std::stoll(st[i][6]) + std::stoll(st[i][7]) +
                                            std::stoll(st[i][8]));
        EXPECT_EQ(std::stoul(st[i][9]), 256u); // every source fires every step, one packet each
        EXPECT_EQ(std::stoul(st[i][11]), 256u); // each crosses one chip-to-chip link
    }
    EXPECT_EQ(total, L->time_ps);

    auto lk = read_csv(h.dir + "/links.csv", &hd);
    EXPECT_EQ(hd, LE_TRACE_LINKS_HEADER);
    std::map<std::string, uint64_t> per_class;
    uint64_t port = 0;
    const le_topo *tp = le_costmodel_topo(h.p.cm);
    const le_noc *noc = le_costmodel_noc(h.p.cm);
    for (auto &r : lk) {
        ASSERT_EQ(r.size(), 12u);
        per_class[r[3]] += std::stoull(r[8]);
        const int64_t ser = tp->cls[le_link_class(tp, (uint32_t)std::stoul(r[1]))].ser_ps;
        EXPECT_EQ(std::stoll(r[9]), (int64_t)std::stoull(r[8]) * ser) << "busy = packets x serialisation";
        if (std::stoul(r[1]) == le_link_port(tp, 0, LE_DIR_E))
            port += std::stoull(r[8]);
    }
    // the network's all-time tallies are kept apart from the observer
    EXPECT_EQ(per_class["local"], le_noc_class_hops(noc, LE_LC_LOCAL));
    EXPECT_EQ(per_class["ew"], le_noc_class_hops(noc, LE_LC_EW));
    EXPECT_EQ(per_class["ns"], le_noc_class_hops(noc, LE_LC_NS));
    EXPECT_EQ(per_class["chip"], le_noc_class_hops(noc, LE_LC_CHIP));
    EXPECT_EQ(port, 256u * steps);

    auto co = read_csv(h.dir + "/cores.csv", &hd);
    EXPECT_EQ(hd, LE_TRACE_CORES_HEADER);
    uint64_t synops = 0, out = 0, in = 0;
    int64_t busy = 0;
    for (auto &r : co) {
        synops += std::stoull(r[8]);
        out += std::stoull(r[6]);
        in += std::stoull(r[5]);
        busy += std::stoll(r[10]);
    }
    int64_t chip_busy = 0;
    for (uint32_t c = 0; c < L->n_chips; c++)
        chip_busy += L->chip[c].nc_busy_ps;
    EXPECT_EQ(synops, L->synops);
    EXPECT_EQ(out, L->axons_out);
    EXPECT_EQ(in, L->axons_in);
    EXPECT_EQ(busy, chip_busy);

    auto ch = read_csv(h.dir + "/chips.csv", &hd);
    EXPECT_EQ(hd, LE_TRACE_CHIPS_HEADER);
    EXPECT_EQ(ch.size(), 2u * steps); // both chips in use from the start
    for (auto &r : ch)
        EXPECT_GE(std::stoll(r[4]), 0) << "a chip never waits a negative time";

    auto ra = read_csv(h.dir + "/raster.csv", &hd);
    EXPECT_EQ(hd, LE_TRACE_RASTER_HEADER);
    EXPECT_EQ(ra.size(), 256u * steps); // the sink never fires
    std::set<std::string> pops;
    for (auto &r : ra)
        pops.insert(r[1]);
    EXPECT_EQ(pops, std::set<std::string>{"src"});
}

TEST(TraceNet, WindowSamplingAndFilters)
{
    le_trace_net_opts o = le_trace_net_defaults();
    o.from = 5;
    o.to = 14;
    o.every = 3;
    o.link_classes = (1u << LE_LC_CHIP) | (1u << LE_LC_BOARD);
    o.chips = "0";
    o.raster = 0;
    o.steps = 20;
    Hotspot h(LE_NOC_LOAD, o);
    EXPECT_EQ(le_trace_net_plan(h.t)->steps_written, 4u); // 5, 8, 11, 14
    EXPECT_EQ(le_trace_net_plan(h.t)->links_reachable, 1u); // chip 0's east port
    h.run(20);
    std::string hd;
    auto st = read_csv(h.dir + "/steps.csv", &hd);
    ASSERT_EQ(st.size(), 20u) << "steps.csv keeps every step";
    auto lk = read_csv(h.dir + "/links.csv", &hd);
    ASSERT_EQ(lk.size(), 4u);
    EXPECT_EQ(lk[0][0], "5");
    EXPECT_EQ(lk[3][0], "14");
    for (auto &r : lk) {
        EXPECT_EQ(r[3], "chip");
        EXPECT_EQ(r[2], "0");
        EXPECT_EQ(r[8], "256");
    }
    auto co = read_csv(h.dir + "/cores.csv", &hd);
    for (auto &r : co)
        EXPECT_EQ(r[2], "0") << "cores of chip 0 only";
    std::ifstream raster(h.dir + "/raster.csv");
    EXPECT_FALSE(raster.good());
}

TEST(TraceNet, SizeGuardRefusesBeforeWriting)
{
    le_trace_net_opts o = le_trace_net_defaults();
    o.steps = 1000000;
    Hotspot h(LE_NOC_LOAD, o);
    le_error err{};
    const le_trace_plan *p = le_trace_net_plan(h.t);
    // bound: 26 links can carry traffic; 65 cores; 257 neurons: rows per step by hand
    EXPECT_EQ(p->links_reachable, 26u);
    EXPECT_EQ(p->link_rows_max, 26u * 1000000);
    EXPECT_EQ(p->core_rows_max, 65u * 1000000);
    EXPECT_EQ(le_trace_net_check_limit(h.t, p->bytes_max, &err), LE_OK);
    EXPECT_EQ(le_trace_net_check_limit(h.t, p->bytes_max - 1, &err), LE_ERR_LIMIT);
    EXPECT_NE(std::string(err.msg).find("--trace-limit"), std::string::npos) << err.msg;
    h.run(1);
}

// A VCD that GTKWave reads: header sections in order, every change names a declared
// variable, time stamps never go back, and every link's queue is empty again at the end.
TEST(TraceNet, VcdIsWellFormed)
{
    le_trace_net_opts o = le_trace_net_defaults();
    o.steps = 3;
    Hotspot h(LE_NOC_PACKET, o, "vcd");
    uint64_t bytes = h.run(3);
    EXPECT_GE(le_trace_net_plan(h.t)->bytes_max, bytes) << "the bound holds with the VCD too";
    std::ifstream f(h.dir + "/links.vcd");
    ASSERT_TRUE(f.good());
    std::string line;
    std::set<std::string> ids;
    std::map<std::string, long> value;
    bool defs_done = false, saw_timescale = false;
    long long last_t = -1;
    int scopes = 0, changes = 0, max_depth = 0;
    while (std::getline(f, line)) {
        if (!defs_done) {
            if (line.rfind("$timescale", 0) == 0)
                saw_timescale = true;
            if (line.rfind("$scope", 0) == 0)
                scopes++;
            if (line.rfind("$upscope", 0) == 0)
                scopes--;
            if (line.rfind("$var", 0) == 0) {
                std::stringstream ss(line);
                std::string var, type, width, id;
                ss >> var >> type >> width >> id;
                EXPECT_EQ(type, "integer");
                EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
            }
            if (line == "$enddefinitions $end")
                defs_done = true;
            continue;
        }
        if (line.empty() || line[0] == '$')
            continue;
        if (line[0] == '#') {
            long long t = std::stoll(line.substr(1));
            EXPECT_GE(t, last_t) << "time goes back";
            last_t = t;
            continue;
        }
        ASSERT_EQ(line[0], 'b') << line;
        size_t sp = line.find(' ');
        ASSERT_NE(sp, std::string::npos);
        std::string bits = line.substr(1, sp - 1), id = line.substr(sp + 1);
        EXPECT_TRUE(ids.count(id)) << "undeclared " << id;
        EXPECT_EQ(bits.find_first_not_of("01"), std::string::npos) << line;
        long v = std::stol(bits, nullptr, 2);
        value[id] = v;
        if (id != "!")
            max_depth = std::max(max_depth, (int)v);
        changes++;
    }
    EXPECT_TRUE(saw_timescale);
    EXPECT_TRUE(defs_done);
    EXPECT_EQ(scopes, 0);
    EXPECT_GT(changes, 0);
    for (auto &kv : value) {
        if (kv.first != "!") {
            EXPECT_EQ(kv.second, 0) << "queue of " << kv.first << " not empty at the end";
        }
    }
    EXPECT_EQ(value["!"], 3);
    EXPECT_GT(max_depth, 1) << "the hot port queues";
}
