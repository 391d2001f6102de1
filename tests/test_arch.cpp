// Architecture and board YAML: the shipped figures, and errors that name FILE:LINE: field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "board/board.h"
#include "chip/arch.h"

namespace {

std::string source_dir()
{
    const char *d = getenv("LE_SOURCE_DIR");
    return d ? d : LE_SOURCE_DIR;
}

std::string read(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string write_temp(const std::string &name, const std::string &text)
{
    std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

// 1-based line of the first occurrence of needle.
int line_of(const std::string &text, const std::string &needle)
{
    size_t at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    int line = 1;
    for (size_t i = 0; i < at; i++)
        line += text[i] == '\n';
    return line;
}

std::string replace_once(std::string text, const std::string &from, const std::string &to)
{
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

TEST(Arch, ShippedFiguresAsWritten)
{
    le_arch a;
    le_error err{};
    ASSERT_EQ(le_arch_load((source_dir() + "/config/loihi.yaml").c_str(), &a, &err), LE_OK) << err.msg;
    EXPECT_EQ(a.tiles_x, 8u);
    EXPECT_EQ(a.tiles_y, 4u);
    EXPECT_EQ(a.cores_per_tile, 4u);
    EXPECT_EQ(a.x86_per_chip, 3u);
    EXPECT_DOUBLE_EQ(a.synop.e_pj, 23.6);
    EXPECT_EQ(a.synop.t_ps, 3500);
    EXPECT_DOUBLE_EQ(a.syn_update.e_pj, 120);
    EXPECT_EQ(a.syn_update.t_ps, 6100);
    EXPECT_DOUBLE_EQ(a.e_cx_inactive_pj, 52);
    EXPECT_DOUBLE_EQ(a.e_cx_active_pj, 81);
    EXPECT_GE(a.t_cx_ps, 5000);
    EXPECT_LE(a.t_cx_ps, 8000);
    EXPECT_DOUBLE_EQ(a.local.e_pj, 1.7);
    EXPECT_EQ(a.local.lat_ps, 2100);
    EXPECT_DOUBLE_EQ(a.hop_ew.e_pj, 3.0);
    EXPECT_EQ(a.hop_ew.lat_ps, 4100);
    EXPECT_DOUBLE_EQ(a.hop_ns.e_pj, 4.2);
    EXPECT_EQ(a.hop_ns.lat_ps, 6500);
    // Chip-to-chip: an assumption of several mesh hops.
    EXPECT_GT(a.chip_link.lat_ps, 2 * a.hop_ew.lat_ps);
    EXPECT_GT(a.chip_link.e_pj, 2 * a.hop_ew.e_pj);
    ASSERT_EQ(a.n_barrier, 4u);
    EXPECT_EQ(le_arch_barrier_ps(&a, 1), 600000);
    EXPECT_EQ(le_arch_barrier_ps(&a, 2), 1000000);
    EXPECT_EQ(le_arch_barrier_ps(&a, 4), 1400000);
    EXPECT_EQ(le_arch_barrier_ps(&a, 29), 1800000);
    // Between points: linear in log(chips). 3 chips: 1.0 + 0.4 * log2(1.5) us.
    EXPECT_NEAR((double)le_arch_barrier_ps(&a, 3), 1e6 * (1.0 + 0.4 * std::log2(1.5)), 1.0);
    EXPECT_DOUBLE_EQ(a.p_nc_static_core_mw, 0.51);
    EXPECT_DOUBLE_EQ(a.p_x86_static_chip_mw, 0.08);
}

// Every numeric field of the shipped file sits in a mapping with source:/calibrated:/assumed:
// (the loader enforces it); check from the text that no figure lacks a tag nearby either.
TEST(Arch, EveryFigureHasProvenance)
{
    std::string text = read(source_dir() + "/config/loihi.yaml");
    std::string cut = replace_once(text, "    source: \"Davies et al. 2018 Table 1, synaptic spike op",
                                   "    note: \"Davies et al. 2018 Table 1, synaptic spike op");
    std::string path = write_temp("noprov.yaml", cut);
    le_arch a;
    le_error err{};
    EXPECT_EQ(le_arch_load(path.c_str(), &a, &err), LE_ERR_CONFIG);
    int line = line_of(cut, "    energy_pj: 23.6");
    EXPECT_NE(std::string(err.msg).find(path + ":" + std::to_string(line) + ": field neurocore.synop.energy_pj: no provenance"),
              std::string::npos)
        << err.msg;
}

TEST(Arch, BadFieldNamesFileLineAndField)
{
    std::string text = read(source_dir() + "/config/loihi.yaml");
    std::string bad = replace_once(text, "    latency_ns: 4.1", "    latency_ns: fast");
    std::string path = write_temp("bad.yaml", bad);
    le_arch a;
    le_error err{};
    EXPECT_EQ(le_arch_load(path.c_str(), &a, &err), LE_ERR_CONFIG);
    std::string want = path + ":" + std::to_string(line_of(bad, "latency_ns: fast")) +
                       ": field network.hop_ew.latency_ns: expected a number, found 'fast'";
    EXPECT_EQ(std::string(err.msg), want);
}

TEST(Arch, MissingFieldNamesItsMapping)
{
    std::string text = read(source_dir() + "/config/loihi.yaml");
    std::string bad = replace_once(text, "    energy_active_pj: 81\n", "");
    std::string path = write_temp("missing.yaml", bad);
    le_arch a;
    le_error err{};
    EXPECT_EQ(le_arch_load(path.c_str(), &a, &err), LE_ERR_CONFIG);
    std::string want = path + ":" + std::to_string(line_of(bad, "    energy_inactive_pj: 52")) +
                       ": field neurocore.cx_update.energy_active_pj: missing";
    EXPECT_EQ(std::string(err.msg), want);
}

TEST(Arch, UnknownFieldIsAnError)
{
    std::string text = read(source_dir() + "/config/loihi.yaml");
    std::string bad = replace_once(text, "    energy_pj: 23.6\n", "    energy_pj: 23.6\n    enrgy_pj: 1\n");
    std::string path = write_temp("unknown.yaml", bad);
    le_arch a;
    le_error err{};
    EXPECT_EQ(le_arch_load(path.c_str(), &a, &err), LE_ERR_CONFIG);
    std::string want =
        path + ":" + std::to_string(line_of(bad, "enrgy_pj")) + ": field neurocore.synop.enrgy_pj: unknown field";
    EXPECT_EQ(std::string(err.msg), want);
}

TEST(Arch, OutOfRangeAndSyntaxErrors)
{
    std::string text = read(source_dir() + "/config/loihi.yaml");
    std::string bad = replace_once(text, "    tile_x: 0\n", "    tile_x: 9\n");
    std::string path = write_temp("range.yaml", bad);
    le_arch a;
    le_error err{};
    EXPECT_EQ(le_arch_load(path.c_str(), &a, &err), LE_ERR_RANGE);
    EXPECT_NE(std::string(err.msg).find(":" + std::to_string(line_of(bad, "tile_x: 9")) + ": field chip.x86.tile_x: 9 outside [0, 7]"),
              std::string::npos)
        << err.msg;
    std::string path2 = write_temp("syntax.yaml", "chip: {floorplan: [1, 2\n");
    EXPECT_EQ(le_arch_load(path2.c_str(), &a, &err), LE_ERR_PARSE);
    EXPECT_EQ(std::string(err.msg).rfind(path2 + ":", 0), 0u) << err.msg;
    EXPECT_EQ(le_arch_load("/nonexistent/loihi.yaml", &a, &err), LE_ERR_IO);
    EXPECT_NE(std::string(err.msg).find("/nonexistent/loihi.yaml"), std::string::npos);
}

TEST(Board, ShippedBoards)
{
    struct {
        const char *name;
        uint32_t chips, rows, cols;
    } want[] = {{"kapoho-bay", 2, 1, 2}, {"nahuku32", 32, 4, 8}, {"pohoiki-springs", 768, 16, 48}};
    for (auto &w : want) {
        le_board_spec b;
        le_error err{};
        ASSERT_EQ(le_board_load(w.name, nullptr, &b, &err), LE_OK) << err.msg;
        EXPECT_EQ(b.geom.n_chips, w.chips);
        EXPECT_EQ(b.geom.chip_rows, w.rows);
        EXPECT_EQ(b.geom.chip_cols, w.cols);
        EXPECT_EQ(b.geom.cores_per_chip, 128u);
        EXPECT_STREQ(b.geom.name, w.name);
    }
    le_board_spec *list = nullptr;
    uint32_t n = 0;
    le_error err{};
    ASSERT_EQ(le_board_list(&list, &n, &err), LE_OK) << err.msg;
    ASSERT_EQ(n, 3u);
    EXPECT_STREQ(list[0].geom.name, "kapoho-bay");
    EXPECT_STREQ(list[2].geom.name, "pohoiki-springs");
    EXPECT_TRUE(list[2].has_board_link);
    free(list);
}

TEST(Board, UserBoards)
{
    le_board_spec b;
    le_error err{};
    ASSERT_EQ(le_board_load("3x5", nullptr, &b, &err), LE_OK);
    EXPECT_EQ(b.geom.n_chips, 15u);
    std::string path = write_temp("myboard.yaml", "name: mine\nchips:\n  rows: 2\n  cols: 3\n  assumed: \"test\"\n");
    ASSERT_EQ(le_board_load(path.c_str(), nullptr, &b, &err), LE_OK) << err.msg;
    EXPECT_EQ(b.geom.n_chips, 6u);
    EXPECT_STREQ(b.geom.name, "mine");
    std::string bad = write_temp("badboard.yaml", "name: mine\nchips:\n  rows: 2\n  cols: -3\n  assumed: \"test\"\n");
    EXPECT_EQ(le_board_load(bad.c_str(), nullptr, &b, &err), LE_ERR_CONFIG);
    EXPECT_EQ(std::string(err.msg), bad + ":4: field chips.cols: expected a whole number, found '-3'");
    EXPECT_EQ(le_board_load("no-such-board", nullptr, &b, &err), LE_ERR_USAGE);
    EXPECT_NE(std::string(err.msg).find("nahuku32"), std::string::npos) << err.msg;
    EXPECT_EQ(le_board_load("200x200", nullptr, &b, &err), LE_ERR_LIMIT);
}

} // namespace
