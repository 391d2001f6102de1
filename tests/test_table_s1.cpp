// models/smnist/table_s1.yaml through its reader: the shipped file gives the paper's figures
// (typed here from seed 002 Table S1), and a figure without a source or with a stray key fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/smnist/table_s1.h"

namespace {

std::string source_dir()
{
    const char *s = std::getenv("LE_SOURCE_DIR");
    return s && *s ? s : LE_SOURCE_DIR;
}

std::string write_yaml(const char *name, const std::string &text)
{
    std::string path = ::testing::TempDir() + "s1test_" + name + ".yaml";
    FILE *f = std::fopen(path.c_str(), "w");
    EXPECT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return path;
}

const char *kOne = "figures:\n"
                   "  - figure: time per step\n"
                   "    key: time_per_step_us\n"
                   "    unit: us\n"
                   "    paper: 16.79\n";

} // namespace

TEST(TableS1, ShippedFile)
{
    le_s1_table t;
    le_error err;
    ASSERT_EQ(le_table_s1_load((source_dir() + "/" LE_TABLE_S1_FILE).c_str(), &t, &err), LE_OK) << err.msg;
    const struct {
        const char *key, *unit;
        double paper;
        le_s1_ours ours;
    } want[] = {
        {"accuracy_pct", "%", 96.0, LE_S1_MEASURED},       {"time_per_step_us", "us", 16.79, LE_S1_CALIBRATED},
        {"latency_ms", "ms", 14.11, LE_S1_COMPUTED},       {"x86_static_mw", "mW", 0.08, LE_S1_CALIBRATED},
        {"x86_dynamic_mw", "mW", 24.33, LE_S1_CALIBRATED}, {"x86_total_mw", "mW", 24.41, LE_S1_COMPUTED},
        {"nc_static_mw", "mW", 0.51, LE_S1_CALIBRATED},    {"nc_dynamic_mw", "mW", 0.91, LE_S1_COMPUTED},
        {"nc_total_mw", "mW", 1.42, LE_S1_COMPUTED},       {"total_mw", "mW", 25.83, LE_S1_DERIVED},
        {"energy_mj", "mJ", 0.36, LE_S1_DERIVED},          {"edp_ujs", "uJs", 5.14, LE_S1_DERIVED},
    };
    ASSERT_EQ(t.n, sizeof want / sizeof want[0]);
    for (uint32_t i = 0; i < t.n; i++) {
        EXPECT_STREQ(t.fig[i].key, want[i].key);
        EXPECT_STREQ(t.fig[i].unit, want[i].unit);
        EXPECT_EQ(t.fig[i].paper, want[i].paper) << want[i].key;
        EXPECT_EQ(t.fig[i].ours, want[i].ours) << want[i].key;
        EXPECT_NE(std::string(t.fig[i].source).find("seed 002"), std::string::npos) << want[i].key;
    }
    le_table_s1_free(&t);
}

TEST(TableS1, FigureNeedsSource)
{
    le_s1_table t;
    le_error err;
    std::string p = write_yaml("nosource", std::string(kOne) + "    ours: calibrated\n");
    EXPECT_EQ(le_table_s1_load(p.c_str(), &t, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("figures[0].source: missing"), std::string::npos) << err.msg;
}

TEST(TableS1, UnknownKeyAndNoteRules)
{
    le_s1_table t;
    le_error err;
    std::string ok = std::string(kOne) + "    source: \"seed 002 Table S1\"\n    ours: calibrated\n";
    ASSERT_EQ(le_table_s1_load(write_yaml("ok", ok).c_str(), &t, &err), LE_OK) << err.msg;
    EXPECT_EQ(t.n, 1u);
    EXPECT_STREQ(t.fig[0].note, "");
    le_table_s1_free(&t);

    EXPECT_EQ(le_table_s1_load(write_yaml("stray", ok + "    colour: red\n").c_str(), &t, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("unknown field"), std::string::npos) << err.msg;

    EXPECT_EQ(le_table_s1_load(write_yaml("note", ok + "    note: \"why\"\n").c_str(), &t, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("not used with a calibrated"), std::string::npos) << err.msg;

    std::string computed = std::string(kOne) + "    source: \"seed 002 Table S1\"\n    ours: computed\n";
    EXPECT_EQ(le_table_s1_load(write_yaml("nonote", computed).c_str(), &t, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("note: missing"), std::string::npos) << err.msg;

    std::string bad = std::string(kOne) + "    source: \"seed 002 Table S1\"\n    ours: guessed\n";
    EXPECT_EQ(le_table_s1_load(write_yaml("bad", bad).c_str(), &t, &err), LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("'guessed'"), std::string::npos) << err.msg;
}
