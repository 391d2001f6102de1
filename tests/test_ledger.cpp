// Ledger and report: conservation (components sum to totals), determinism (same seed, same
// bytes), step-time statistics, per-inference figures.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cost/costmodel_internal.h"
#include "report/report.h"
#include "cost/costmodel.h"
#include "cost/ledger.h"
#include "tests/step_activity.h"

namespace {

std::string read(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Random traffic on a board: a few active cores per step, packets anywhere, injections and
// x86 work on some chips, inference marks every `per_inf` steps.
void drive(le_costmodel *cm, uint32_t steps, uint32_t per_inf, uint32_t seed)
{
    std::mt19937 rng_(seed);
    auto rng = [&rng_]() { return (uint32_t)rng_(); };
    const le_board_geom *g = le_costmodel_geom(cm);
    uint32_t ncores = g->n_chips * g->cores_per_chip;
    le_cost_sink sink = le_costmodel_sink(cm);
    for (uint32_t s = 1; s <= steps; s++) {
        std::vector<le_core_activity> cores;
        std::vector<le_packet> pk, inj;
        std::vector<le_x86_activity> x86;
        uint32_t n_active = rng() % 12;
        for (uint32_t i = 0; i < n_active; i++) {
            uint32_t gid = rng() % ncores;
            uint32_t upd = 1 + rng() % 300, act = rng() % (upd + 1), out = rng() % 6;
            cores.push_back({gid, rng() % 500, rng() % 20, upd, act, out ? 1u : 0u, out});
            for (uint32_t k = 0; k < out; k++)
                pk.push_back({gid, (uint32_t)(rng() % ncores), (uint16_t)(rng() % upd), 0});
        }
        if (rng() % 2) {
            uint32_t chip = rng() % g->n_chips, n = 1 + rng() % 4;
            for (uint32_t k = 0; k < n; k++)
                inj.push_back({LE_SRC_X86(chip), (uint32_t)(rng() % ncores), 0, 0});
            x86.push_back({chip, n, rng() % 3, rng() % 2, rng() % 5, rng() % 5, rng() % 100});
        }
        le_step_activity a = le_test_activity(cores, pk, inj, x86, s);
        ASSERT_EQ(sink.step(sink.ctx, &a, nullptr), LE_OK);
        if (per_inf && s % per_inf == 0)
            le_costmodel_end_inference(cm);
    }
}

// Values of every `"key": number` in the JSON text (plain scanning; the report is flat enough).
std::vector<double> values(const std::string &json, const std::string &key)
{
    std::vector<double> out;
    std::string pat = "\"" + key + "\": ";
    for (size_t at = json.find(pat); at != std::string::npos; at = json.find(pat, at + 1))
        out.push_back(std::strtod(json.c_str() + at + pat.size(), nullptr));
    return out;
}

double sum_field(const std::string &json, const std::string &key)
{
    double sum = 0;
    for (double v : values(json, key))
        sum += v;
    return sum;
}

double field(const std::string &json, const std::string &key)
{
    std::vector<double> v = values(json, key);
    EXPECT_EQ(v.size(), 1u) << key;
    return v.empty() ? 0 : v[0];
}

void expect_rel(double a, double b, double rel = 1e-7)
{
    EXPECT_NEAR(a, b, rel * std::fabs(b) + 1e-30) << a << " vs " << b;
}

TEST(Ledger, ComponentsSumToTotals)
{
    for (const le_noc_mode *mode : {LE_NOC_LOAD, LE_NOC_PACKET}) {
        le_costmodel *cm = nullptr;
        le_error err{};
        ASSERT_EQ(le_costmodel_open("nahuku32", nullptr, mode, 5, &cm, &err), LE_OK) << err.msg;
        drive(cm, 500, 50, 99);
        std::string path = ::testing::TempDir() + "conserve.json";
        ASSERT_EQ(le_report_costmodel(cm, nullptr, path.c_str(), &err), LE_OK) << err.msg;
        std::string j = read(path);
        le_cost_summary s;
        le_costmodel_summary(cm, &s);
        // Per chip (JSON, 9 digits) against the totals accumulated separately.
        SCOPED_TRACE(le_noc_mode_name(mode));
        { SCOPED_TRACE("nc static"); expect_rel(sum_field(j, "neurocores_static_j"), s.e_nc_static_j); }
        expect_rel(sum_field(j, "neurocores_dynamic_j") + sum_field(j, "mesh_dynamic_j"), s.e_nc_dynamic_j);
        { SCOPED_TRACE("x86 static"); expect_rel(sum_field(j, "x86_static_j"), s.e_x86_static_j); }
        expect_rel(sum_field(j, "x86_dynamic_j"), s.e_x86_dynamic_j);
        EXPECT_NEAR(s.e_nc_static_j + s.e_nc_dynamic_j + s.e_x86_static_j + s.e_x86_dynamic_j, s.e_total_j,
                    1e-12 * s.e_total_j);
        // The split of neuro-core dynamic energy adds up too.
        expect_rel(field(j, "compute_j") + field(j, "mesh_j") + field(j, "barrier_j"), s.e_nc_dynamic_j);
        // Inferences partition the run (marks every 50 of 500 steps).
        EXPECT_EQ(s.inferences, 10u);
        expect_rel(s.latency_per_inference_s * 10, s.time_s, 1e-12);
        expect_rel(s.energy_per_inference_j * 10, s.e_total_j, 1e-9);
        expect_rel(s.edp_js, s.energy_per_inference_j * s.latency_per_inference_s, 1e-12);
        double split[4];
        le_costmodel_inference_split(cm, split);
        expect_rel(split[0] + split[1] + split[2] + split[3], s.energy_per_inference_j, 1e-9);
        expect_rel(split[3] * 10, s.e_x86_dynamic_j, 1e-9);
        expect_rel(field(j, "average_power_w"), s.e_total_j / s.time_s);
        le_costmodel_free(cm);
    }
}

// Dynamic energy recomputed here from the activity counts and the YAML figures.
TEST(Ledger, DynamicEnergyFromCounts)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("kapoho-bay", nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK) << err.msg;
    const le_arch &a = *le_costmodel_arch(cm);
    std::vector<le_core_activity> cores{{3, 100, 4, 50, 10, 2, 2}, {130, 7, 1, 20, 20, 0, 0}};
    std::vector<le_packet> pk{{3, 2, 1, 0}, {3, 0, 9, 0}}; // same tile (cores 0-3): local link only
    // chip 1: no injections, 3 words in, 2 out, 10 register reads, 1 write, 40 snip ops
    std::vector<le_x86_activity> x86{{1, 0, 3, 2, 10, 1, 40}};
    le_step_activity act{};
    act.cores = cores.data();
    act.n_cores = 2;
    act.packets = pk.data();
    act.n_packets = 2;
    act.x86 = x86.data();
    act.n_x86 = 1;
    ASSERT_EQ(le_costmodel_step(cm, &act, &err), LE_OK) << err.msg;
    le_cost_summary s;
    le_costmodel_summary(cm, &s);
    double nc = 107 * a.synop.e_pj + 5 * a.axon_in.e_pj + 30 * a.e_cx_active_pj + 40 * a.e_cx_inactive_pj +
                2 * a.axon_out.e_pj;
    double mesh = 2 * a.local.e_pj + 2 * a.e_barrier_pj_per_chip; // two chips in use
    double x = a.x86_base.e_pj + 10 * a.x86_reg_read.e_pj + 1 * a.x86_reg_write.e_pj + 3 * a.x86_word_in.e_pj +
               2 * a.x86_word_out.e_pj + 40 * a.x86_op.e_pj;
    EXPECT_NEAR(s.e_nc_dynamic_j, (nc + mesh) * 1e-12, 1e-9 * (nc + mesh) * 1e-12);
    EXPECT_NEAR(s.e_x86_dynamic_j, x * 1e-12, 1e-9 * x * 1e-12);
    // Time: inject 0, cores max(core 3, core 130), barrier 2 chips, x86 management.
    int64_t c3 = 100 * a.synop.t_ps + 4 * a.axon_in.t_ps + 50 * a.t_cx_ps + 2 * a.axon_out.t_ps;
    int64_t mg = a.x86_base.t_ps + 10 * a.x86_reg_read.t_ps + 1 * a.x86_reg_write.t_ps + 3 * a.x86_word_in.t_ps +
                 2 * a.x86_word_out.t_ps + 40 * a.x86_op.t_ps;
    le_step_cost c;
    le_costmodel_last_step(cm, &c);
    EXPECT_EQ(c.cores_ps, c3);
    EXPECT_EQ(c.total_ps, c3 + le_arch_barrier_ps(&a, 2) + mg);
    le_costmodel_free(cm);
}

TEST(Ledger, StepsAfterTheLastMarkAreNoInference)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("kapoho-bay", nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK);
    drive(cm, 100, 50, 11); // two marked inferences
    le_cost_summary at100;
    le_costmodel_summary(cm, &at100);
    drive(cm, 7, 0, 12); // a partial third one, never marked
    le_cost_summary s;
    le_costmodel_summary(cm, &s);
    EXPECT_EQ(s.inferences, 2u);
    EXPECT_EQ(s.steps, 107u);
    EXPECT_GT(s.time_s, at100.time_s);
    EXPECT_NEAR(s.latency_per_inference_s, at100.time_s / 2, 1e-15);
    EXPECT_NEAR(s.energy_per_inference_j, at100.e_total_j / 2, 1e-9 * at100.e_total_j);
    le_costmodel_free(cm);
}

TEST(Report, SameSeedGivesIdenticalBytes)
{
    std::string out[2], table[2];
    for (int r = 0; r < 2; r++) {
        le_costmodel *cm = nullptr;
        le_error err{};
        ASSERT_EQ(le_costmodel_open("nahuku32", nullptr, LE_NOC_PACKET, 42, &cm, &err), LE_OK) << err.msg;
        drive(cm, 300, 30, 7);
        std::string path = ::testing::TempDir() + "same" + std::to_string(r) + ".json";
        std::string tpath = ::testing::TempDir() + "same" + std::to_string(r) + ".txt";
        FILE *t = fopen(tpath.c_str(), "w");
        ASSERT_NE(t, nullptr);
        ASSERT_EQ(le_report_costmodel(cm, t, path.c_str(), &err), LE_OK) << err.msg;
        fclose(t);
        out[r] = read(path);
        table[r] = read(tpath);
        le_costmodel_free(cm);
    }
    EXPECT_GT(out[0].size(), 500u);
    EXPECT_EQ(out[0], out[1]);
    EXPECT_EQ(table[0], table[1]);
    EXPECT_NE(table[0].find("time per step"), std::string::npos);
}

TEST(Report, UnwritableJsonIsAnError)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("kapoho-bay", nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK);
    EXPECT_EQ(le_report_costmodel(cm, nullptr, "/nonexistent/dir/r.json", &err), LE_ERR_IO);
    EXPECT_NE(std::string(err.msg).find("/nonexistent/dir/r.json"), std::string::npos);
    le_costmodel_free(cm);
}

TEST(Ledger, AnEntryOutsideTheBoardStopsTheStep)
{
    le_costmodel *cm = nullptr;
    le_error err{};
    ASSERT_EQ(le_costmodel_open("kapoho-bay", nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK);
    std::vector<le_core_activity> cores{{999, 1, 1, 1, 1, 0, 0}};
    std::vector<le_packet> pk{{1, 4000, 0, 0}};
    le_step_activity act{};
    act.cores = cores.data();
    act.n_cores = 1;
    act.packets = pk.data();
    act.n_packets = 1;
    EXPECT_EQ(le_costmodel_step(cm, &act, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("step 1: core 999 outside board kapoho-bay"), std::string::npos) << err.msg;
    le_costmodel_free(cm);
}

TEST(Hist, QuantilesMeanMax)
{
    le_hist *h = (le_hist *)calloc(1, sizeof(le_hist));
    // 1000 steps of 1..1000 ns.
    for (int64_t i = 1; i <= 1000; i++)
        le_hist_add(h, i * 1000);
    EXPECT_EQ(h->n, 1000u);
    EXPECT_EQ(h->max_ps, 1000000);
    EXPECT_EQ(h->sum_ps, 1000 * 1001 / 2 * 1000);
    EXPECT_NEAR((double)le_hist_quantile(h, 0.5), 500000.0, 500000.0 / 128);
    EXPECT_NEAR((double)le_hist_quantile(h, 0.99), 990000.0, 990000.0 / 128);
    EXPECT_EQ(le_hist_quantile(h, 1.0), 1000000);
    free(h);
    // A constant step time is reported exactly.
    h = (le_hist *)calloc(1, sizeof(le_hist));
    for (int i = 0; i < 840; i++)
        le_hist_add(h, 16790000);
    EXPECT_EQ(le_hist_quantile(h, 0.5), 16790000);
    EXPECT_EQ(le_hist_quantile(h, 0.99), 16790000);
    free(h);
    // Buckets tile the line: every value falls in [lo, hi) of its bucket.
    for (int64_t v : {0LL, 1LL, 127LL, 128LL, 129LL, 255LL, 256LL, 1000003LL, 1LL << 40, (1LL << 62) + 12345}) {
        int b = le_hist_bin(v);
        EXPECT_LE(le_hist_bin_lo(b), v);
        EXPECT_GT(le_hist_bin_hi(b), v);
    }
}

} // namespace
