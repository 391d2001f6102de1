// The JSON writer against strings worked out by hand from RFC 8259 and the layout rules
// in util/json.h (not produced by the writer and pasted back).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "util/json.h"

namespace {

// Runs body on a writer over a temporary file; returns what was written and the finish code.
std::string written(const std::function<void(le_json *)> &body, le_code *rc = nullptr, le_error *err_out = nullptr)
{
    FILE *f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    le_json j;
    le_json_init(&j, f);
    body(&j);
    le_error err;
    le_error_clear(&err);
    le_code c = le_json_finish(&j, "test.json", &err);
    if (rc)
        *rc = c;
    if (err_out)
        *err_out = err;
    std::fflush(f);
    std::rewind(f);
    std::string s;
    int ch;
    while ((ch = std::fgetc(f)) != EOF)
        s += (char)ch;
    std::fclose(f);
    return s;
}

} // namespace

TEST(Json, LinesObjectWithInlineMembers)
{
    le_code rc;
    std::string s = written(
        [](le_json *j) {
            le_json_object(j, LE_JSON_LINES);
            le_json_kstring(j, "name", "nahuku32");
            le_json_key(j, "board");
            le_json_object(j, LE_JSON_INLINE);
            le_json_kuint(j, "chips", 32);
            le_json_key(j, "ok");
            le_json_bool(j, 1);
            le_json_end(j);
            le_json_key(j, "rows");
            le_json_array(j, LE_JSON_LINES);
            le_json_object(j, LE_JSON_INLINE);
            le_json_key(j, "v");
            le_json_int(j, -3);
            le_json_end(j);
            le_json_object(j, LE_JSON_INLINE);
            le_json_key(j, "v");
            le_json_null(j);
            le_json_end(j);
            le_json_end(j);
            le_json_end(j);
        },
        &rc);
    EXPECT_EQ(rc, LE_OK);
    EXPECT_EQ(s, "{\n"
                 "  \"name\": \"nahuku32\",\n"
                 "  \"board\": {\"chips\": 32, \"ok\": true},\n"
                 "  \"rows\": [\n"
                 "    {\"v\": -3},\n"
                 "    {\"v\": null}\n"
                 "  ]\n"
                 "}\n");
}

// A LINES array inside an INLINE object indents by the LINES containers around it only.
TEST(Json, LinesArrayInsideInlineObject)
{
    std::string s = written([](le_json *j) {
        le_json_object(j, LE_JSON_LINES);
        le_json_key(j, "links");
        le_json_object(j, LE_JSON_INLINE);
        le_json_kuint(j, "touched", 1);
        le_json_key(j, "busiest");
        le_json_array(j, LE_JSON_LINES);
        le_json_uint(j, 7);
        le_json_uint(j, 8);
        le_json_end(j);
        le_json_end(j);
        le_json_end(j);
    });
    EXPECT_EQ(s, "{\n  \"links\": {\"touched\": 1, \"busiest\": [\n    7,\n    8\n  ]}\n}\n");
}

TEST(Json, EmptyContainers)
{
    std::string s = written([](le_json *j) {
        le_json_object(j, LE_JSON_INLINE);
        le_json_key(j, "a");
        le_json_array(j, LE_JSON_LINES);
        le_json_end(j);
        le_json_key(j, "o");
        le_json_object(j, LE_JSON_LINES);
        le_json_end(j);
        le_json_end(j);
    });
    EXPECT_EQ(s, "{\"a\": [], \"o\": {}}\n");
}

TEST(Json, StringEscapes)
{
    // A quote, a backslash, a newline, a tab and 0x01 must be escaped; '/' and UTF-8 need not.
    std::string s = written([](le_json *j) {
        le_json_array(j, LE_JSON_INLINE);
        le_json_string(j, "a\"b\\c\nd\te\x01/\xc3\xa9");
        le_json_string(j, "");
        le_json_string(j, nullptr);
        le_json_end(j);
    });
    EXPECT_EQ(s, "[\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001/\xc3\xa9\", \"\", null]\n");
}

TEST(Json, KeysAreEscapedToo)
{
    std::string s = written([](le_json *j) {
        le_json_object(j, LE_JSON_INLINE);
        le_json_kuint(j, "say \"hi\"\n", 1);
        le_json_end(j);
    });
    EXPECT_EQ(s, "{\"say \\\"hi\\\"\\u000a\": 1}\n");
}

TEST(Json, Numbers)
{
    std::string s = written([](le_json *j) {
        le_json_array(j, LE_JSON_INLINE);
        le_json_double(j, 0.1);             // 9 significant digits: 0.100000000 -> %g drops zeros
        le_json_double(j, 1.0 / 3.0);       // 0.333333333
        le_json_double(j, 100.0);           // 100
        le_json_double(j, 2.5e-11);         // 2.5e-11
        le_json_double_g(j, 4.16666, 4);    // 4.167
        le_json_double_g(j, 15.76144, 6);   // 15.7614
        le_json_double(j, HUGE_VAL);         // no JSON spelling: null
        le_json_uint(j, 18446744073709551615ull);
        le_json_int(j, -9223372036854775807ll - 1);
        le_json_bool(j, 0);
        le_json_end(j);
    });
    EXPECT_EQ(s, "[0.1, 0.333333333, 100, 2.5e-11, 4.167, 15.7614, null, 18446744073709551615, "
                 "-9223372036854775808, false]\n");
}

TEST(Json, TopLevelScalar)
{
    EXPECT_EQ(written([](le_json *j) { le_json_string(j, "x"); }), "\"x\"\n");
}

TEST(Json, MisuseIsReported)
{
    le_code rc;
    le_error err;
    // A value without a key inside an object.
    written(
        [](le_json *j) {
            le_json_object(j, LE_JSON_LINES);
            le_json_uint(j, 1);
            le_json_end(j);
        },
        &rc, &err);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
    EXPECT_NE(std::string(err.msg).find("test.json"), std::string::npos) << err.msg;
    // A key in an array.
    written(
        [](le_json *j) {
            le_json_array(j, LE_JSON_LINES);
            le_json_key(j, "k");
            le_json_end(j);
        },
        &rc);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
    // Left open.
    written([](le_json *j) { le_json_object(j, LE_JSON_LINES); }, &rc);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
    // Nothing written.
    written([](le_json *) {}, &rc);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
    // Two top-level values.
    written(
        [](le_json *j) {
            le_json_null(j);
            le_json_null(j);
        },
        &rc);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
    // Too deep.
    written(
        [](le_json *j) {
            for (int i = 0; i <= LE_JSON_MAX_DEPTH; i++)
                le_json_array(j, LE_JSON_INLINE);
        },
        &rc);
    EXPECT_EQ(rc, LE_ERR_CONFIG);
}

TEST(Json, WriteErrorIsReported)
{
    // A stream opened for reading only: every write fails.
    std::string path = ::testing::TempDir() + "jsontest_ro.json";
    FILE *w = std::fopen(path.c_str(), "w");
    ASSERT_NE(w, nullptr);
    std::fclose(w);
    FILE *f = std::fopen(path.c_str(), "r");
    ASSERT_NE(f, nullptr);
    le_json j;
    le_json_init(&j, f);
    le_json_object(&j, LE_JSON_LINES);
    le_json_kstring(&j, "a", "b");
    le_json_end(&j);
    le_error err;
    le_error_clear(&err);
    EXPECT_EQ(le_json_finish(&j, "ro.json", &err), LE_ERR_IO);
    EXPECT_STREQ(err.msg, "ro.json: write failed");
    std::fclose(f);
    std::remove(path.c_str());
}
