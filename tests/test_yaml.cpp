// The YAML reader shared by every file: aliases read as their anchor, and each limit
// against hostile input holds at its bound and fails one past it, at the line that crosses it.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>

#include "util/yaml.h"

namespace {

struct Doc {
    le_cfg cfg;
    le_error err;
    le_code rc;
    std::string path;
    explicit Doc(const std::string &name, const std::string &text) : path(::testing::TempDir() + "yaml_" + name)
    {
        std::ofstream(path) << text;
        le_error_clear(&err);
        rc = le_cfg_load(&cfg, path.c_str(), &err);
    }
    ~Doc() { le_cfg_free(&cfg); }
    std::string msg() const { return err.msg; }
};

std::string nested(int depth, const std::string &inner = "1")
{
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

} // namespace

TEST(Yaml, AliasReadsAsItsAnchor)
{
    Doc d("alias.yaml", "a: &x {k: [1, 2]}\nb: *x\n");
    ASSERT_EQ(d.rc, LE_OK) << d.msg();
    int root = le_cfg_root(&d.cfg);
    int a = le_cfg_get(&d.cfg, root, "a"), b = le_cfg_get(&d.cfg, root, "b");
    EXPECT_EQ(a, b);
    EXPECT_EQ(le_cfg_kind_of(&d.cfg, b), LE_CFG_MAP);
    int k = le_cfg_get(&d.cfg, b, "k");
    ASSERT_EQ(le_cfg_seq_len(&d.cfg, k), 2);
    EXPECT_STREQ(le_cfg_text(&d.cfg, le_cfg_seq_item(&d.cfg, k, 1)), "2");
    EXPECT_EQ(le_cfg_line(&d.cfg, b), 1); // an alias is where its anchor is written
    EXPECT_EQ(le_cfg_check_unknown(&d.cfg, &d.err), LE_OK) << d.msg();
}

TEST(Yaml, EmptyFileAndSyntaxErrorsReadAlikeForEveryFile)
{
    Doc e("empty.yaml", "# nothing\n");
    EXPECT_EQ(e.rc, LE_ERR_PARSE);
    EXPECT_EQ(e.msg(), e.path + ": empty file");
    Doc s("syntax.yaml", "a: [1, 2\nb: 3\n");
    EXPECT_EQ(s.rc, LE_ERR_PARSE);
    EXPECT_EQ(s.msg().rfind(s.path + ":", 0), 0u) << s.msg();
    EXPECT_NE(s.msg().find(": YAML syntax error: "), std::string::npos) << s.msg();
    Doc u("undefined.yaml", "a: 1\nb: *nope\n");
    EXPECT_EQ(u.rc, LE_ERR_PARSE);
    EXPECT_EQ(u.msg(), u.path + ":2: YAML syntax error: found undefined alias '*nope'");
    Doc t("twice.yaml", "a: &x 1\nb: &x 2\n");
    EXPECT_EQ(t.rc, LE_ERR_PARSE);
    EXPECT_EQ(t.msg(), t.path + ":2: YAML syntax error: found duplicate anchor '&x' (first occurrence, line 1)");
}

TEST(Yaml, NestingLimit)
{
    Doc ok("depth64.yaml", nested(LE_CFG_MAX_DEPTH));
    EXPECT_EQ(ok.rc, LE_OK) << ok.msg();
    Doc deep("depth65.yaml", "\n" + nested(LE_CFG_MAX_DEPTH + 1));
    EXPECT_EQ(deep.rc, LE_ERR_LIMIT);
    EXPECT_EQ(deep.msg(), deep.path + ":2: YAML nested deeper than 64 levels");
    // An alias counts at the depth where it is expanded.
    Doc a("depth_alias.yaml", "a: &x " + nested(40) + "\nb: " + nested(24, "*x") + "\n");
    EXPECT_EQ(a.rc, LE_ERR_LIMIT);
    EXPECT_EQ(a.msg(), a.path + ":2: alias '*x' nests the YAML deeper than 64 levels");
    Doc fits("depth_alias_ok.yaml", "a: &x " + nested(40) + "\nb: " + nested(23, "*x") + "\n");
    EXPECT_EQ(fits.rc, LE_OK) << fits.msg();
}

TEST(Yaml, AliasAndAnchorCounts)
{
    std::string text = "a: &x 1\nb: [";
    for (int i = 0; i < LE_CFG_MAX_ALIASES; i++)
        text += (i ? ", *x" : "*x");
    Doc ok("aliases.yaml", text + "]\n");
    EXPECT_EQ(ok.rc, LE_OK) << ok.msg();
    Doc many("aliases_many.yaml", text + ",\n *x]\n");
    EXPECT_EQ(many.rc, LE_ERR_LIMIT);
    EXPECT_EQ(many.msg(), many.path + ":3: more than 4096 YAML aliases");

    std::string anchors = "[";
    for (int i = 0; i <= LE_CFG_MAX_ANCHORS; i++)
        anchors += (i ? ", &a" : "&a") + std::to_string(i) + " 1";
    Doc na("anchors.yaml", anchors + "]\n");
    EXPECT_EQ(na.rc, LE_ERR_LIMIT);
    EXPECT_EQ(na.msg(), na.path + ":1: more than 4096 YAML anchors");
}

TEST(Yaml, AliasExpansionLimit)
{
    // x stands for 1 + 999 nodes; 1000 aliases of it stand for 1,000,000, one more passes.
    std::string text = "x: &x [";
    for (int i = 0; i < 999; i++)
        text += i ? ", 0" : "0";
    text += "]\nys:\n";
    for (int i = 0; i < 1000; i++)
        text += "  - *x\n";
    Doc ok("expand.yaml", text);
    EXPECT_EQ(ok.rc, LE_OK) << ok.msg();
    Doc over("expand_over.yaml", text + "  - *x\n");
    EXPECT_EQ(over.rc, LE_ERR_LIMIT);
    EXPECT_EQ(over.msg(), over.path +
                              ":1003: alias '*x' stands for 1000 nodes: the file's aliases would expand it by more "
                              "than 1000000 nodes");
}

TEST(Yaml, SelfReferenceIsRefused)
{
    // The anchor, on line 1, starts the mapping of line 2.
    Doc d("self.yaml", "a: &x\n  b: [1, *x]\n");
    EXPECT_EQ(d.rc, LE_ERR_LIMIT);
    EXPECT_EQ(d.msg(), d.path + ":2: alias '*x' refers to the node that contains it (line 1): its expansion never ends");
}

TEST(Yaml, OnlyTheFirstDocumentIsRead)
{
    Doc d("docs.yaml", "a: 1\n---\nb: [\n");
    ASSERT_EQ(d.rc, LE_OK) << d.msg();
    EXPECT_STREQ(le_cfg_text(&d.cfg, le_cfg_get(&d.cfg, le_cfg_root(&d.cfg), "a")), "1");
}
