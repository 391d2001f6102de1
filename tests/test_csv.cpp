// The CSV reader and field writer (util/csv.h) and the progress bar (util/progress.h), against
// texts worked out by hand from RFC 4180 and the formats the headers describe.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "util/csv.h"
#include "util/progress.h"

namespace {

FILE *stream_of(const std::string &text)
{
    FILE *f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::rewind(f);
    return f;
}

std::string contents(FILE *f)
{
    std::fflush(f);
    std::rewind(f);
    std::string s;
    int c;
    while ((c = std::fgetc(f)) != EOF)
        s += (char)c;
    return s;
}

struct Record {
    uint32_t line;
    std::vector<std::string> fields;
};

// Reads every record; rc gets the first error (LE_OK when none), msg its message.
std::vector<Record> read_all(const std::string &text, le_code *rc = nullptr, std::string *msg = nullptr)
{
    FILE *f = stream_of(text);
    le_csv_reader r;
    le_csv_init(&r, f, "t.csv");
    std::vector<Record> out;
    le_error err;
    le_error_clear(&err);
    int have = 0;
    le_code c;
    while (!(c = le_csv_next(&r, &have, &err)) && have) {
        Record rec{r.line, {}};
        for (uint32_t i = 0; i < r.n_fields; i++)
            rec.fields.push_back(r.field[i]);
        out.push_back(rec);
    }
    if (rc)
        *rc = c;
    if (msg)
        *msg = err.msg;
    le_csv_close(&r);
    std::fclose(f);
    return out;
}

} // namespace

TEST(Csv, CommentsHeaderAndRecords)
{
    le_code rc;
    auto recs = read_all("# a comment, with a comma\n\nposition,index\n0,9394\r\n1,898\n# late comment\n2,2398", &rc);
    ASSERT_EQ(rc, LE_OK);
    ASSERT_EQ(recs.size(), 4u);
    EXPECT_EQ(recs[0].line, 3u);
    EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"position", "index"}));
    EXPECT_EQ(recs[1].line, 4u);
    EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"0", "9394"}));
    EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"1", "898"}));
    EXPECT_EQ(recs[3].line, 7u);
    EXPECT_EQ(recs[3].fields, (std::vector<std::string>{"2", "2398"})); // no newline at the end
}

TEST(Csv, QuotedFields)
{
    le_code rc;
    auto recs = read_all("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\"\"\nnext,1\n", &rc);
    ASSERT_EQ(rc, LE_OK);
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a,b", "say \"hi\"", "two\nlines", "", ""}));
    EXPECT_EQ(recs[1].line, 3u); // the quoted newline counts as a line
    EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"next", "1"}));
}

TEST(Csv, LongRecord)
{
    std::string big(5000, 'x');
    auto recs = read_all(big + "," + big + "\n");
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].fields, (std::vector<std::string>{big, big}));
}

TEST(Csv, MalformedQuotes)
{
    le_code rc;
    std::string msg;
    read_all("a,b\n\"open,c\n", &rc, &msg);
    EXPECT_EQ(rc, LE_ERR_PARSE);
    EXPECT_EQ(msg, "t.csv line 2: a quoted field is not closed");
    read_all("a,b\"c\n", &rc, &msg);
    EXPECT_EQ(rc, LE_ERR_PARSE);
    EXPECT_EQ(msg, "t.csv line 1, field 2: a quote inside an unquoted field");
    read_all("x\n\"a\"b,c\n", &rc, &msg);
    EXPECT_EQ(rc, LE_ERR_PARSE);
    EXPECT_EQ(msg, "t.csv line 2, field 1: text after a closing quote");
}

TEST(Csv, UnsignedFields)
{
    FILE *f = stream_of("7,0,10,-1, 3,,4294967295,4294967296,12a\n");
    le_csv_reader r;
    le_csv_init(&r, f, "t.csv");
    int have = 0;
    ASSERT_EQ(le_csv_next(&r, &have, nullptr), LE_OK);
    ASSERT_EQ(have, 1);
    uint32_t v = 99;
    EXPECT_TRUE(le_csv_uint(&r, 0, 0, 9, &v));
    EXPECT_EQ(v, 7u);
    EXPECT_TRUE(le_csv_uint(&r, 1, 0, 9, &v));
    EXPECT_EQ(v, 0u);
    EXPECT_FALSE(le_csv_uint(&r, 2, 0, 9, &v));          // above hi
    EXPECT_FALSE(le_csv_uint(&r, 3, 0, 9, &v));          // a sign
    EXPECT_FALSE(le_csv_uint(&r, 4, 0, 9, &v));          // a space
    EXPECT_FALSE(le_csv_uint(&r, 5, 0, 9, &v));          // empty
    EXPECT_TRUE(le_csv_uint(&r, 6, 0, UINT32_MAX, &v));  // the largest
    EXPECT_EQ(v, 4294967295u);
    EXPECT_FALSE(le_csv_uint(&r, 7, 0, UINT32_MAX, &v)); // one more
    EXPECT_FALSE(le_csv_uint(&r, 8, 0, 999, &v));        // trailing letters
    EXPECT_FALSE(le_csv_uint(&r, 9, 0, 9, &v));          // no such field
    EXPECT_FALSE(le_csv_uint(&r, 2, 11, 20, &v));        // below lo
    ASSERT_EQ(le_csv_next(&r, &have, nullptr), LE_OK);
    EXPECT_EQ(have, 0);
    le_csv_close(&r);
    std::fclose(f);
}

TEST(Csv, OpenMissingFile)
{
    le_csv_reader r;
    le_error err;
    EXPECT_EQ(le_csv_open(&r, "/nonexistent/x.csv", &err), LE_ERR_IO);
    EXPECT_EQ(std::string(err.msg).rfind("cannot open /nonexistent/x.csv: ", 0), 0u) << err.msg;
    le_csv_close(&r);
}

TEST(Csv, FieldWriterQuotesOnlyWhenNeeded)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const char *fields[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", nullptr};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (i)
            std::fputc(',', f);
        EXPECT_EQ(le_csv_put_field(f, fields[i]), 0);
    }
    EXPECT_EQ(contents(f), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,");
    std::fclose(f);
}

TEST(Csv, FieldIntoABufferAsTheWriterQuotesIt)
{
    // By hand, as in FieldWriterQuotesOnlyWhenNeeded.
    const char *in[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", ""};
    const char *want[] = {"plain", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"cr\r\"", ""};
    char buf[64];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ASSERT_EQ(le_csv_field(in[i], buf, sizeof buf), 0) << in[i];
        EXPECT_STREQ(buf, want[i]);
    }
    char small[6];
    EXPECT_EQ(le_csv_field("a,bcd", small, sizeof small), -1); // "a,bcd" quoted needs 8 bytes
    EXPECT_EQ(le_csv_field("abcde", small, sizeof small), 0);
    EXPECT_STREQ(small, "abcde");
    // The worst case, every character a quote: 2 n + 3 bytes.
    char worst[2 * 4 + 3];
    EXPECT_EQ(le_csv_field("\"\"\"\"", worst, sizeof worst), 0);
    EXPECT_STREQ(worst, "\"\"\"\"\"\"\"\"\"\"");
}

TEST(Csv, WrittenFieldsReadBack)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    const std::vector<std::string> want{"x", "a,b", "q\"q", "l1\nl2", ""};
    for (size_t i = 0; i < want.size(); i++) {
        if (i)
            std::fputc(',', f);
        le_csv_put_field(f, want[i].c_str());
    }
    std::fputc('\n', f);
    std::rewind(f);
    le_csv_reader r;
    le_csv_init(&r, f, "rt.csv");
    int have = 0;
    ASSERT_EQ(le_csv_next(&r, &have, nullptr), LE_OK);
    ASSERT_EQ(have, 1);
    ASSERT_EQ(r.n_fields, want.size());
    for (size_t i = 0; i < want.size(); i++)
        EXPECT_EQ(r.field[i], want[i]);
    le_csv_close(&r);
    std::fclose(f);
}

TEST(Progress, DrawsEveryTenAndTheLast)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    le_progress p;
    le_progress_init(&p, f, 25, "images");
    EXPECT_EQ(p.on, 0); // a file is not a terminal
    p.on = 1;
    for (uint32_t k = 1; k <= 25; k++)
        le_progress_update(&p, k, "accuracy %.1f %%", 50.0);
    // 10/25 of 40 columns = 16, 20/25 = 32, 25/25 = 40.
    std::string b16 = std::string(16, '#') + std::string(24, '.');
    std::string b32 = std::string(32, '#') + std::string(8, '.');
    std::string b40(40, '#');
    EXPECT_EQ(contents(f), "\r[" + b16 + "] 10/25 images, accuracy 50.0 %" + "\r[" + b32 +
                               "] 20/25 images, accuracy 50.0 %" + "\r[" + b40 + "] 25/25 images, accuracy 50.0 %\n");
    std::fclose(f);
}

TEST(Progress, SilentWhenOff)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    le_progress p;
    le_progress_init(&p, f, 3, nullptr);
    for (uint32_t k = 1; k <= 3; k++)
        le_progress_update(&p, k, nullptr);
    EXPECT_EQ(contents(f), "");
    p.on = 1;
    le_progress_update(&p, 3, nullptr);
    EXPECT_EQ(contents(f), "\r[" + std::string(40, '#') + "] 3/3 items\n");
    std::fclose(f);
}
