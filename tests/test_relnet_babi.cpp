// bAbI input of the Spiking RelNet (models/relnet/babi*.c): a small story written here and
// worked out by hand, malformed files and their messages, and the real en-10k files against
// counts made independently (see the comment on each number).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "util/path.h"
#include "models/relnet/babi.h"

namespace {

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/le_babi_XXXXXX";
        char *p = mkdtemp(tmpl);
        path = p ? p : "/tmp";
    }
    ~TempDir()
    {
        std::string cmd = "rm -rf '" + path + "'";
        if (std::system(cmd.c_str()) != 0) {
        }
    }
    std::string write(const std::string &name, const std::string &text) const
    {
        std::string p = path + "/" + name;
        std::ofstream f(p, std::ios::binary);
        f << text;
        return p;
    }
};

struct Corpus {
    le_babi_corpus c;
    Corpus() { le_babi_corpus_init(&c); }
    ~Corpus() { le_babi_corpus_free(&c); }
};

struct Selection {
    le_babi_selection s{};
    ~Selection() { le_babi_selection_free(&s); }
};

// Two stories. Tokens by hand: story words (lower-cased, '.', '?' and ',' dropped) are
// afterwards bathroom bert did garden gave give hallway is jude maud mint moved received the to
// way went what where which who (22, in byte order); answers bathroom garden mint Maud->maud are
// words, "N,W"->"n,w" and yes are not. Dictionary: 0 <pad>, 1..22 the words, 23 n,w, 24 yes.
const char *const kStory = "1 Maud moved to the bathroom.\n"            // line 1, sentence 0
                           "2 Afterwards, Jude went to the hallway.\n"  // line 2, sentence 1
                           "3 Where is Maud? \tbathroom\t1\n"           // line 3, question 0
                           "4 Maud went to the garden.\n"               // line 4, sentence 2
                           "5 Where is Maud? \tgarden\t4\n"             // line 5, question 1
                           "1 Bert gave the mint to Maud.\n"            // line 6, sentence 3
                           "2 What did Bert give?\tmint\t1\n"           // line 7, question 2
                           "3 Who received the mint?\tMaud\t1\n"        // line 8, question 3
                           "4 Did Bert give the mint?\tyes\t1\n"        // line 9, question 4
                           "5 Which way is the garden?\tN,W\t1\n";      // line 10, question 5

enum {
    AFTERWARDS = 1, BATHROOM, BERT, DID, GARDEN, GAVE, GIVE, HALLWAY, IS, JUDE, MAUD, MINT, MOVED,
    RECEIVED, THE, TO, WAY, WENT, WHAT, WHERE, WHICH, WHO, NW, YES
};

std::string read_error(const std::string &text, le_code want = LE_ERR_PARSE)
{
    TempDir t;
    std::string p = t.write("story.txt", text);
    Corpus c;
    le_error err;
    le_error_clear(&err);
    le_code rc = le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err);
    EXPECT_EQ(rc, want) << err.msg;
    EXPECT_EQ(c.c.n_files, 0u);
    std::string msg = err.msg;
    // the path is the temp file's: give it back as FILE for the expected messages
    if (msg.compare(0, p.size(), p) == 0)
        msg = "FILE" + msg.substr(p.size());
    return msg;
}

std::vector<uint16_t> words_of(const le_babi_example &e, uint32_t i)
{
    return std::vector<uint16_t>(e.word[i], e.word[i] + e.n_words[i]);
}

} // namespace

// ---- a story by hand ----------------------------------------------------------------------

TEST(BabiStory, ParsesSentencesQuestionsAndContext)
{
    TempDir t;
    std::string p = t.write("qa1_hand_test.txt", kStory);
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(c.c.n_files, 1u);
    const le_babi_file &f = c.c.file[0];
    EXPECT_EQ(f.n_sentences, 4u);
    EXPECT_EQ(f.n_questions, 6u);
    EXPECT_EQ(f.n_stories, 2u);
    // sentence 1 is line 2: "Afterwards, Jude went to the hallway." -> 6 words, comma dropped
    ASSERT_EQ(f.sentence[1].n, 6u);
    EXPECT_EQ(f.sentence[1].line, 2u);
    const char *want[] = {"afterwards", "jude", "went", "to", "the", "hallway"};
    for (int k = 0; k < 6; k++)
        EXPECT_STREQ(c.c.token[f.sentence[1].word[k]].text, want[k]);
    // context = sentences of the story before the question; questions are not context
    struct {
        uint32_t line, first, n, story;
        const char *answer;
    } q[] = {{3, 0, 2, 0, "bathroom"}, {5, 0, 3, 0, "garden"}, {7, 3, 1, 1, "mint"},
             {8, 3, 1, 1, "maud"},     {9, 3, 1, 1, "yes"},    {10, 3, 1, 1, "n,w"}};
    for (int i = 0; i < 6; i++) {
        SCOPED_TRACE(i);
        EXPECT_EQ(f.question[i].q.line, q[i].line);
        EXPECT_EQ(f.question[i].first, q[i].first);
        EXPECT_EQ(f.question[i].n_context, q[i].n);
        EXPECT_EQ(f.question[i].n_before, q[i].n);
        EXPECT_EQ(f.question[i].story, q[i].story);
        EXPECT_STREQ(c.c.token[f.question[i].answer].text, q[i].answer);
    }
}

TEST(BabiStory, DictionaryByHand)
{
    TempDir t;
    std::string p = t.write("s.txt", kStory);
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    EXPECT_EQ(d.n_words, 22u);
    EXPECT_EQ(d.n_used, 25u);
    const char *lines[] = {"<pad>", "afterwards", "bathroom", "bert", "did",      "garden", "gave",
                           "give",  "hallway",    "is",       "jude", "maud",     "mint",   "moved",
                           "received", "the",     "to",       "way",  "went",     "what",   "where",
                           "which", "who",        "n,w",      "yes"};
    for (int i = 0; i < 25; i++)
        EXPECT_STREQ(d.text[i], lines[i]) << i;
    for (uint32_t i = 25; i < LE_BABI_DICT_LINES; i++)
        EXPECT_STREQ(d.text[i], "<unused>") << i;
    EXPECT_EQ(le_babi_dict_index(&d, "maud"), MAUD);
    EXPECT_EQ(le_babi_dict_index(&d, "n,w"), NW);
    EXPECT_EQ(le_babi_dict_index(&d, "yes"), YES);
    EXPECT_EQ(le_babi_dict_index(&d, "afterwards"), AFTERWARDS);
    EXPECT_EQ(le_babi_dict_index(&d, "who"), WHO);
    EXPECT_EQ(le_babi_dict_index(&d, "Maud"), -1);
    EXPECT_EQ(le_babi_dict_index(&d, "kitchen"), -1);
    EXPECT_EQ(le_babi_dict_index(&d, "<pad>"), -1);
    EXPECT_EQ(le_babi_dict_index(&d, "<unused>"), -1);
}

TEST(BabiStory, EncodesQuestionsByHand)
{
    TempDir t;
    std::string p = t.write("s.txt", kStory);
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 7, LE_BABI_TEST, &err), LE_OK) << err.msg;
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    le_babi_example e;
    ASSERT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{0, 1}, &e, &err), LE_OK) << err.msg;
    EXPECT_EQ(e.task, 7u);
    EXPECT_EQ(e.line, 5u);
    ASSERT_EQ(e.n_context, 3u);
    EXPECT_EQ(words_of(e, 0), (std::vector<uint16_t>{MAUD, MOVED, TO, THE, BATHROOM}));
    EXPECT_EQ(words_of(e, 1), (std::vector<uint16_t>{AFTERWARDS, JUDE, WENT, TO, THE, HALLWAY}));
    EXPECT_EQ(words_of(e, 2), (std::vector<uint16_t>{MAUD, WENT, TO, THE, GARDEN}));
    EXPECT_EQ(std::vector<uint16_t>(e.q, e.q + e.q_words), (std::vector<uint16_t>{WHERE, IS, MAUD}));
    EXPECT_EQ(e.answer, GARDEN);

    ASSERT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{0, 5}, &e, &err), LE_OK) << err.msg;
    ASSERT_EQ(e.n_context, 1u);
    EXPECT_EQ(words_of(e, 0), (std::vector<uint16_t>{BERT, GAVE, THE, MINT, TO, MAUD}));
    EXPECT_EQ(std::vector<uint16_t>(e.q, e.q + e.q_words), (std::vector<uint16_t>{WHICH, WAY, IS, THE, GARDEN}));
    EXPECT_EQ(e.answer, NW);
    ASSERT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{0, 3}, &e, &err), LE_OK) << err.msg;
    EXPECT_EQ(e.answer, MAUD); // "Maud" as an answer is the word maud

    EXPECT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{0, 6}, &e, &err), LE_ERR_RANGE);
    EXPECT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{1, 0}, &e, &err), LE_ERR_RANGE);
}

TEST(BabiStory, MissingTokenInAnotherDictionary)
{
    TempDir t;
    std::string p = t.write("s.txt", kStory);
    std::string p2 = t.write("other.txt", "1 Maud went to the kitchen.\n2 Where is Maud?\tkitchen\t1\n");
    Corpus c, c2;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&c2.c, p2.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    le_babi_example e;
    ASSERT_EQ(le_babi_encode(&c2.c, &d, le_babi_ref{0, 0}, &e, &err), LE_ERR_DATA);
    EXPECT_EQ(std::string(err.msg), p2 + ":1: word 'kitchen' is not in the dictionary");
}

TEST(BabiStory, ContextIsCappedToTheTwentyMostRecent)
{
    // 22 sentences, then a question: the context is sentences 3..22 (lines 3..22)
    std::string text = "1 Maud moved to the office.\n2 Maud moved to the office.\n";
    for (int n = 3; n <= 22; n++)
        text += std::to_string(n) + " Jude went to the kitchen.\n";
    text += "23 Where is Jude?\tkitchen\t22\n";
    TempDir t;
    std::string p = t.write("long.txt", text);
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    const le_babi_question &q = c.c.file[0].question[0];
    EXPECT_EQ(q.n_before, 22u);
    EXPECT_EQ(q.n_context, 20u);
    EXPECT_EQ(q.first, 2u);
    EXPECT_EQ(c.c.file[0].sentence[q.first].line, 3u);
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    le_babi_example e;
    ASSERT_EQ(le_babi_encode(&c.c, &d, le_babi_ref{0, 0}, &e, &err), LE_OK) << err.msg;
    EXPECT_EQ(e.n_context, 20u);
    EXPECT_EQ(e.word[0][0], le_babi_dict_index(&d, "jude")); // the oldest kept sentence is a Jude one
}

TEST(BabiStory, CrLfReadsAsLf)
{
    std::string crlf;
    for (const char *s = kStory; *s; s++) {
        if (*s == '\n')
            crlf += '\r';
        crlf += *s;
    }
    TempDir t;
    std::string a = t.write("a.txt", kStory), b = t.write("b.txt", crlf);
    Corpus ca, cb;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&ca.c, a.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&cb.c, b.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(ca.c.n_tokens, cb.c.n_tokens);
    for (uint32_t i = 0; i < ca.c.n_tokens; i++)
        EXPECT_STREQ(ca.c.token[i].text, cb.c.token[i].text);
}

TEST(BabiStory, DictionaryDoesNotDependOnReadingOrder)
{
    std::string s(kStory);
    size_t cut = s.find("1 Bert");
    TempDir t;
    std::string a = t.write("a.txt", s.substr(0, cut)), b = t.write("b.txt", s.substr(cut));
    Corpus ab, ba;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&ab.c, a.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&ab.c, b.c_str(), 2, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&ba.c, b.c_str(), 2, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&ba.c, a.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    EXPECT_STRNE(ab.c.token[0].text, ba.c.token[0].text); // token ids do follow reading order
    le_babi_dict d1, d2;
    ASSERT_EQ(le_babi_dict_build(&ab.c, &d1, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_dict_build(&ba.c, &d2, &err), LE_OK) << err.msg;
    EXPECT_EQ(d1.n_used, 25u);
    EXPECT_EQ(std::memcmp(&d1, &d2, sizeof d1), 0);
}

TEST(BabiStory, VocabularyFileRoundTrip)
{
    TempDir t;
    std::string p = t.write("s.txt", kStory);
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    std::string v = t.path + "/vocab.txt";
    ASSERT_EQ(le_babi_dict_write(&d, v.c_str(), &err), LE_OK) << err.msg;
    std::ifstream in(v);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    ASSERT_EQ(lines.size(), 180u);
    EXPECT_EQ(lines[0], "<pad>");
    EXPECT_EQ(lines[MAUD], "maud"); // line number (from 0) = index
    EXPECT_EQ(lines[NW], "n,w");
    EXPECT_EQ(lines[25], "<unused>");
    EXPECT_EQ(lines[179], "<unused>");
    le_babi_dict back;
    ASSERT_EQ(le_babi_dict_read(&back, v.c_str(), &err), LE_OK) << err.msg;
    EXPECT_EQ(back.n_used, d.n_used);
    EXPECT_EQ(back.n_words, 0u); // not in the file
    for (uint32_t i = 0; i < LE_BABI_DICT_LINES; i++)
        EXPECT_STREQ(back.text[i], d.text[i]) << i;
    EXPECT_EQ(le_babi_dict_index(&back, "yes"), YES);
    EXPECT_EQ(le_babi_dict_index(&back, "afterwards"), AFTERWARDS);
}

TEST(BabiStory, VocabularyFileErrors)
{
    TempDir t;
    auto check = [&](const std::string &text, const std::string &want) {
        std::string p = t.write("v.txt", text);
        le_babi_dict d;
        le_error err;
        ASSERT_EQ(le_babi_dict_read(&d, p.c_str(), &err), LE_ERR_PARSE);
        EXPECT_EQ(std::string(err.msg), p + want);
    };
    auto lines = [](std::vector<std::string> head, size_t unused) {
        std::string s;
        for (auto &h : head)
            s += h + "\n";
        for (size_t i = 0; i < unused; i++)
            s += "<unused>\n";
        return s;
    };
    check(lines({"<pad>", "maud"}, 177), ":179: file ends after 179 lines, expected 180");
    check(lines({"<pad>", "maud"}, 179), ":181: more than 180 lines");
    check(lines({"pad", "maud"}, 178), ":1: expected '<pad>' (index 0), found 'pad'");
    check(lines({"<pad>", "maud", "Maud"}, 177), ":3: 'Maud' is not a bAbI token (lower-case letters, commas between words)");
    check(lines({"<pad>", "maud", "jude", "maud"}, 176), ":4: 'maud' again (first on line 2)");
    check(lines({"<pad>", "<unused>", "maud"}, 177), ":3: token 'maud' after '<unused>': spare lines come last");
    check(lines({"<pad>", std::string(64, 'a')}, 178), ":2: line longer than 63 characters");
    check("", ":1: file ends after 0 lines, expected 180");
}

TEST(BabiStory, DictionaryLimitIs180Lines)
{
    // 16 sentences of 11 invented words (letters only: "q" + two letters) + "where is", answer a word:
    // 1 + (words + 2) lines. 177 invented words fill the 180 lines exactly; 178 are one too many.
    auto story = [](int n_words) {
        std::string s;
        int line = 0, w = 0;
        while (w < n_words) {
            s += std::to_string(++line);
            for (int k = 0; k < 11 && w < n_words; k++, w++)
                s += std::string(" q") + char('a' + w / 26) + char('a' + w % 26);
            s += ".\n";
        }
        s += std::to_string(line + 1) + " Where is qaa?\tqaa\t1\n";
        return s;
    };
    TempDir t;
    le_error err;
    {
        Corpus c;
        std::string p = t.write("fits.txt", story(177));
        ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
        le_babi_dict d;
        ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
        EXPECT_EQ(d.n_used, 180u);
        EXPECT_STREQ(d.text[179], "where");
    }
    {
        Corpus c;
        std::string p = t.write("over.txt", story(178));
        ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
        le_babi_dict d;
        ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_ERR_LIMIT);
        EXPECT_STREQ(err.msg, "the bAbI dictionary needs 181 lines (padding, 180 words, 0 answer strings that are not "
                              "words), the network has 180 input and readout lines");
    }
}

// ---- word spikes ----------------------------------------------------------------------------

TEST(BabiSpikes, RightAlignedByDefault)
{
    // "where is maud": 3 words, slots 8, 9, 10 of the 11 ten-step slots; maud ends at step 110
    const uint16_t w[] = {WHERE, IS, MAUD};
    le_babi_event ev[LE_BABI_WINDOW];
    uint32_t n = 0;
    le_error err;
    ASSERT_EQ(LE_BABI_ALIGN_RIGHT, 0); // the default is the zero value
    ASSERT_EQ(le_babi_word_spikes(w, 3, LE_BABI_ALIGN_RIGHT, ev, &n, &err), LE_OK) << err.msg;
    ASSERT_EQ(n, 30u);
    for (uint32_t i = 0; i < 30; i++) {
        EXPECT_EQ(ev[i].step, 81u + i) << i;
        EXPECT_EQ(ev[i].line, i < 10 ? WHERE : i < 20 ? IS : MAUD) << i;
    }
}

TEST(BabiSpikes, LeftAndReversed)
{
    const uint16_t w[] = {WHERE, IS, MAUD};
    le_babi_event ev[LE_BABI_WINDOW];
    uint32_t n = 0;
    le_error err;
    ASSERT_EQ(le_babi_word_spikes(w, 3, LE_BABI_ALIGN_LEFT, ev, &n, &err), LE_OK) << err.msg;
    ASSERT_EQ(n, 30u);
    EXPECT_EQ(ev[0].step, 1u);
    EXPECT_EQ(ev[0].line, WHERE);
    EXPECT_EQ(ev[10].step, 11u);
    EXPECT_EQ(ev[10].line, IS);
    EXPECT_EQ(ev[29].step, 30u);
    EXPECT_EQ(ev[29].line, MAUD);
    ASSERT_EQ(le_babi_word_spikes(w, 3, LE_BABI_ALIGN_RIGHT_REVERSED, ev, &n, &err), LE_OK) << err.msg;
    ASSERT_EQ(n, 30u);
    EXPECT_EQ(ev[0].step, 81u);
    EXPECT_EQ(ev[0].line, MAUD);
    EXPECT_EQ(ev[10].line, IS);
    EXPECT_EQ(ev[29].step, 110u);
    EXPECT_EQ(ev[29].line, WHERE); // the first word is presented last
}

TEST(BabiSpikes, ElevenWordsFillTheWindow)
{
    uint16_t w[11];
    for (int k = 0; k < 11; k++)
        w[k] = (uint16_t)(100 + k);
    le_babi_event ev[LE_BABI_WINDOW];
    uint32_t n = 0;
    le_error err;
    for (le_babi_align a : {LE_BABI_ALIGN_RIGHT, LE_BABI_ALIGN_LEFT}) {
        ASSERT_EQ(le_babi_word_spikes(w, 11, a, ev, &n, &err), LE_OK) << err.msg;
        ASSERT_EQ(n, 110u);
        for (uint32_t s = 1; s <= 110; s++) { // one spike a step, word (s - 1) / 10
            EXPECT_EQ(ev[s - 1].step, s);
            EXPECT_EQ(ev[s - 1].line, 100 + (s - 1) / 10);
        }
    }
}

TEST(BabiSpikes, Errors)
{
    uint16_t w[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    le_babi_event ev[LE_BABI_WINDOW];
    uint32_t n = 7;
    le_error err;
    EXPECT_EQ(le_babi_word_spikes(w, 12, LE_BABI_ALIGN_RIGHT, ev, &n, &err), LE_ERR_RANGE);
    EXPECT_STREQ(err.msg, "a sentence of 12 words: the LSNN window holds 1..11");
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(le_babi_word_spikes(w, 0, LE_BABI_ALIGN_RIGHT, ev, &n, &err), LE_ERR_RANGE);
    w[1] = 0; // padding is not a word
    EXPECT_EQ(le_babi_word_spikes(w, 3, LE_BABI_ALIGN_RIGHT, ev, &n, &err), LE_ERR_RANGE);
    EXPECT_STREQ(err.msg, "word 2 of the sentence has dictionary index 0, expected 1..179");
    w[1] = 180;
    EXPECT_EQ(le_babi_word_spikes(w, 3, LE_BABI_ALIGN_RIGHT, ev, &n, &err), LE_ERR_RANGE);
}

// ---- malformed files ------------------------------------------------------------------------

#define QFMT "'N question<TAB>answer<TAB>supporting line numbers'"

TEST(BabiMalformed, LineWithoutNumber)
{
    EXPECT_EQ(read_error("1 Maud went to the garden.\nJude went to the garden.\n2 Where is Maud?\tgarden\t1\n"),
              "FILE:2: expected a line number at the start, found 'Jude went to the garden.'");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2\n"),
              "FILE:2: expected a space and text after the line number, found '2'");
}

TEST(BabiMalformed, NumberOutOfSequence)
{
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Jude went to the garden.\n4 Where is Maud?\tgarden\t1\n"),
              "FILE:3: line number 4 out of sequence: expected 3 (next in the story) or 1 (a new story)");
    EXPECT_EQ(read_error("2 Maud went to the garden.\n"),
              "FILE:1: line number 2 out of sequence: expected 1 (the first line of a story)");
}

TEST(BabiMalformed, QuestionWithoutAnswer)
{
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\n"),
              "FILE:2: question without an answer: expected " QFMT ", found '2 Where is Maud?'");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\t\t1\n"),
              "FILE:2: question without an answer: expected " QFMT);
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\n"),
              "FILE:2: question without supporting line numbers: expected " QFMT
              ", found '2 Where is Maud?\\tgarden'");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\t\n"),
              "FILE:2: question without supporting line numbers: expected " QFMT);
}

TEST(BabiMalformed, TwelveWords)
{
    EXPECT_EQ(read_error("1 Maud went to the garden.\n"
                         "2 Maud and Jude and Saskia and Dorian went back to the garden.\n"),
              "FILE:2: sentence has 12 words, at most 11");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n"
                         "2 Where did Maud and Jude and Saskia go to after the garden?\tgarden\t1\n"),
              "FILE:2: question has 12 words, at most 11");
    // 11 words are fine
    TempDir t;
    std::string p = t.write("s.txt", "1 Maud and Jude and Saskia and Dorian went to the garden.\n"
                                     "2 Where is Maud?\tgarden\t1\n");
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    EXPECT_EQ(c.c.file[0].sentence[0].n, 11u);
}

TEST(BabiMalformed, MissingAndEmptyFile)
{
    TempDir t;
    Corpus c;
    le_error err;
    std::string p = t.path + "/no_such_file.txt";
    ASSERT_EQ(le_babi_read_file(&c.c, p.c_str(), 1, LE_BABI_TEST, &err), LE_ERR_IO);
    EXPECT_EQ(std::string(err.msg), p + ": cannot open: No such file or directory");
    EXPECT_EQ(read_error(""), "FILE:1: empty file: expected bAbI story lines 'N sentence'");
    EXPECT_EQ(read_error("\n"), "FILE:1: empty line: expected 'N sentence' or " QFMT);
}

TEST(BabiMalformed, OtherBreaks)
{
    EXPECT_EQ(read_error("1 Maud went to the garden.\n"), "FILE:1: no question in the file: expected lines " QFMT);
    EXPECT_EQ(read_error("1 Maud has 2 apples.\n"),
              "FILE:1: unexpected character 0x32 in the sentence (letters, spaces and punctuation only)");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tkit chen\t1\n"),
              "FILE:2: answer 'kit chen': expected letters, or words of letters joined by commas");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tn,\t1\n"),
              "FILE:2: answer 'n,': expected letters, or words of letters joined by commas");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\t1\t1\n"),
              "FILE:2: more than 3 tab-separated fields: expected " QFMT
              ", found '2 Where is Maud?\\tgarden\\t1\\t1'");
    // supporting lines must be earlier sentences of the same story, not questions
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\t1\n3 Where is Maud?\tgarden\t2\n"),
              "FILE:3: supporting line 2 is not an earlier sentence of the story");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\t2\n"),
              "FILE:2: supporting line 2 is not an earlier sentence of the story");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 Where is Maud?\tgarden\tx\n"),
              "FILE:2: supporting lines 'x': expected line numbers separated by spaces");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 ?!.\n"), "FILE:2: question without an answer: expected " QFMT
                                                                  ", found '2 ?!.'");
    EXPECT_EQ(read_error("1 Maud went to the garden.\n2 ...\n"), "FILE:2: sentence without words");
    EXPECT_EQ(read_error("1 " + std::string(64, 'a') + ".\n"),
              "FILE:1: word '" + std::string(43, 'a') + "...' in the sentence is longer than 63 letters");
}

TEST(BabiMalformed, FailedFileLeavesCorpusAsItWas)
{
    TempDir t;
    std::string good = t.write("good.txt", kStory);
    std::string bad = t.write("bad.txt", "1 Saskia journeyed to the office.\n2 Where is Saskia?\n");
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, good.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    uint32_t tokens = c.c.n_tokens;
    ASSERT_EQ(le_babi_read_file(&c.c, bad.c_str(), 1, LE_BABI_TEST, &err), LE_ERR_PARSE);
    EXPECT_EQ(c.c.n_files, 1u);
    EXPECT_EQ(c.c.n_tokens, tokens);
    EXPECT_EQ(le_babi_token_id(&c.c, "saskia"), -1);
    EXPECT_GE(le_babi_token_id(&c.c, "maud"), 0);
    le_babi_dict d;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d, &err), LE_OK) << err.msg;
    EXPECT_EQ(d.n_used, 25u);
    // and a token the bad file added can be added again by a good one
    std::string good2 = t.write("good2.txt", "1 Saskia journeyed to the office.\n2 Where is Saskia?\toffice\t1\n");
    ASSERT_EQ(le_babi_read_file(&c.c, good2.c_str(), 1, LE_BABI_TEST, &err), LE_OK) << err.msg;
    EXPECT_GE(le_babi_token_id(&c.c, "saskia"), 0);
}

// ---- task files -----------------------------------------------------------------------------

TEST(BabiTaskFiles, LookupByTaskNumber)
{
    TempDir t;
    t.write("qa1_single_test.txt", kStory);
    t.write("qa10_indefinite_test.txt", kStory);
    t.write("qa10_indefinite_train.txt", kStory);
    t.write("qa2_a_test.txt", kStory);
    t.write("qa2_b_test.txt", kStory);
    char *path = nullptr;
    le_error err;
    ASSERT_EQ(le_babi_task_path(t.path.c_str(), 1, LE_BABI_TEST, &path, &err), LE_OK) << err.msg;
    EXPECT_EQ(std::string(path), t.path + "/qa1_single_test.txt"); // not qa10_
    free(path);
    ASSERT_EQ(le_babi_task_path(t.path.c_str(), 1, LE_BABI_TRAIN, &path, &err), LE_ERR_DATA);
    EXPECT_EQ(path, nullptr);
    EXPECT_EQ(std::string(err.msg), t.path + ": no bAbI file qa1_*_train.txt (task 1, train); run "
                                             "tools/fetch-data.sh or set LE_DATA_DIR");
    ASSERT_EQ(le_babi_task_path(t.path.c_str(), 2, LE_BABI_TEST, &path, &err), LE_ERR_DATA);
    EXPECT_EQ(std::string(err.msg), t.path + ": two files match qa2_*_test.txt: qa2_a_test.txt and qa2_b_test.txt");
    EXPECT_EQ(le_babi_task_path(t.path.c_str(), 21, LE_BABI_TEST, &path, &err), LE_ERR_RANGE);
    EXPECT_EQ(le_babi_task_path((t.path + "/none").c_str(), 1, LE_BABI_TEST, &path, &err), LE_ERR_DATA);

    // a missing train file is skipped unless required; a missing test file never is
    Corpus c;
    ASSERT_EQ(le_babi_read_tasks(&c.c, t.path.c_str(), LE_BABI_TASK_BIT(1) | LE_BABI_TASK_BIT(10), 1, 0, &err), LE_OK)
        << err.msg;
    ASSERT_EQ(c.c.n_files, 3u); // qa1 test, qa10 train, qa10 test
    EXPECT_EQ(c.c.file[0].task, 1u);
    EXPECT_EQ(c.c.file[1].task, 10u);
    EXPECT_EQ(c.c.file[1].split, LE_BABI_TRAIN);
    Corpus c2;
    EXPECT_EQ(le_babi_read_tasks(&c2.c, t.path.c_str(), LE_BABI_TASK_BIT(1), 1, 1, &err), LE_ERR_DATA);
    Corpus c3;
    EXPECT_EQ(le_babi_read_tasks(&c3.c, t.path.c_str(), LE_BABI_TASK_BIT(3), 0, 0, &err), LE_ERR_DATA);
    EXPECT_EQ(std::string(err.msg), t.path + ": no bAbI file qa3_*_test.txt (task 3, test); run "
                                             "tools/fetch-data.sh or set LE_DATA_DIR");
}

// ---- selections on a small corpus -----------------------------------------------------------

namespace {
// The documented shuffle, written again: splitmix64 and a front-to-back Fisher-Yates with
// rejection of the biased low draws.
uint64_t sm64(uint64_t &s)
{
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
std::vector<uint32_t> reference_pick(uint32_t n, uint32_t take, uint64_t seed)
{
    std::vector<uint32_t> o(n);
    for (uint32_t i = 0; i < n; i++)
        o[i] = i;
    for (uint32_t i = 0; i < take && i + 1 < n; i++) {
        uint64_t bound = n - i, r;
        do
            r = sm64(seed);
        while (r < (uint64_t)(-bound) % bound);
        std::swap(o[i], o[i + r % bound]);
    }
    o.resize(take);
    std::sort(o.begin(), o.end());
    return o;
}
// n stories of ctx sentences, then a question: "1 s. .. ctx s. ctx+1 q?" (lines 1..n(ctx+1))
std::string maud_stories(int n, int ctx)
{
    std::string s;
    for (int i = 0; i < n; i++) {
        for (int k = 1; k <= ctx; k++)
            s += std::to_string(k) + " Maud went to the garden.\n";
        s += std::to_string(ctx + 1) + " Where is Maud?\tgarden\t1\n";
    }
    return s;
}
} // namespace

TEST(BabiSelect, ByLengthTaskAndSeed)
{
    // task 4: 30 stories "1 s. 2 s. 3 q?" (context 2); task 6: 10 stories with context 1; task 2
    // (not a paper task): 5 stories with context 2
    TempDir t;
    std::string a = t.write("a.txt", maud_stories(30, 2)), b = t.write("b.txt", maud_stories(10, 1)),
                x = t.write("x.txt", maud_stories(5, 2));
    Corpus c;
    le_error err;
    // read out of task order on purpose: candidates are listed by task
    ASSERT_EQ(le_babi_read_file(&c.c, b.c_str(), 6, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&c.c, x.c_str(), 2, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&c.c, a.c_str(), 4, LE_BABI_TEST, &err), LE_OK) << err.msg;

    Selection all;
    le_babi_filter f = {LE_BABI_PAPER_TASKS, LE_BABI_TEST, -1, nullptr, 0};
    le_babi_pick p = {0, 0, 0};
    ASSERT_EQ(le_babi_select(&c.c, &f, &p, &all.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(all.s.available, 40u);
    ASSERT_EQ(all.s.n, 40u);
    EXPECT_EQ(all.s.ref[0].file, 2u); // task 4 first
    EXPECT_EQ(all.s.ref[29].question, 29u);
    EXPECT_EQ(all.s.ref[30].file, 0u); // then task 6

    Selection m2;
    f.n_context = 2;
    ASSERT_EQ(le_babi_select(&c.c, &f, &p, &m2.s, &err), LE_OK) << err.msg;
    EXPECT_EQ(m2.s.available, 30u); // task 2 is not a paper task
    f.split = LE_BABI_TRAIN;
    Selection none;
    ASSERT_EQ(le_babi_select(&c.c, &f, &p, &none.s, &err), LE_OK) << err.msg;
    EXPECT_EQ(none.s.available, 0u);
    EXPECT_EQ(none.s.n, 0u);

    // seeded: the independent implementation above picks the same questions
    f.split = LE_BABI_TEST;
    for (uint64_t seed : {0ull, 1ull, 2021ull}) {
        Selection s;
        le_babi_pick ps = {7, 1, seed};
        ASSERT_EQ(le_babi_select(&c.c, &f, &ps, &s.s, &err), LE_OK) << err.msg;
        ASSERT_EQ(s.s.n, 7u);
        std::vector<uint32_t> want = reference_pick(30, 7, seed), got;
        for (uint32_t i = 0; i < s.s.n; i++) {
            EXPECT_EQ(s.s.ref[i].file, 2u);
            got.push_back(s.s.ref[i].question);
        }
        EXPECT_EQ(got, want) << "seed " << seed;
    }
    f.n_context = 21;
    Selection bad;
    EXPECT_EQ(le_babi_select(&c.c, &f, &p, &bad.s, &err), LE_ERR_RANGE);
}

TEST(BabiSelect, OnlyTheListedQuestions)
{
    // task 4: 30 stories of context 2 (questions on lines 3, 6, .., 90); task 6: 10 of context 1
    // (lines 2, 4, .., 20)
    TempDir t;
    std::string a = t.write("a.txt", maud_stories(30, 2)), b = t.write("b.txt", maud_stories(10, 1));
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_file(&c.c, b.c_str(), 6, LE_BABI_TEST, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&c.c, a.c_str(), 4, LE_BABI_TEST, &err), LE_OK) << err.msg;

    // a list as a --predictions file gives it: unsorted, other columns around task and line;
    // line 5 of task 6 is a sentence, task 2 has no file here
    std::string csv = t.write("q.csv", "sentences,task,line,answer\n1,6,4,garden\n2,4,90,garden\n2,4,6,garden\n"
                                       "1,6,5,garden\n2,2,3,garden\n");
    le_babi_qid *q = nullptr;
    uint32_t n = 0;
    ASSERT_EQ(le_babi_qids_read(csv.c_str(), &q, &n, &err), LE_OK) << err.msg;
    std::vector<std::pair<uint32_t, uint32_t>> got;
    for (uint32_t i = 0; i < n; i++)
        got.emplace_back(q[i].task, q[i].line);
    EXPECT_EQ(got, (std::vector<std::pair<uint32_t, uint32_t>>{{2, 3}, {4, 6}, {4, 90}, {6, 4}, {6, 5}}));

    le_babi_ref r{};
    EXPECT_EQ(le_babi_qid_find(&c.c, LE_BABI_TEST, le_babi_qid{4, 6}, &r), 1);
    EXPECT_EQ(r.file, 1u);       // a.txt was read second
    EXPECT_EQ(r.question, 1u);   // the second story's question
    EXPECT_EQ(le_babi_qid_find(&c.c, LE_BABI_TEST, le_babi_qid{4, 90}, &r), 1);
    EXPECT_EQ(r.question, 29u);
    EXPECT_EQ(le_babi_qid_find(&c.c, LE_BABI_TEST, le_babi_qid{6, 5}, &r), 0);
    EXPECT_EQ(le_babi_qid_find(&c.c, LE_BABI_TEST, le_babi_qid{4, 91}, &r), 0);
    EXPECT_EQ(le_babi_qid_find(&c.c, LE_BABI_TRAIN, le_babi_qid{4, 6}, &r), 0);

    // any length: the three questions that exist among the paper's tasks, by task then line
    le_babi_filter f = {LE_BABI_PAPER_TASKS, LE_BABI_TEST, -1, q, n};
    le_babi_pick p = {5, 1, 2021}; // a limit above the list and a shuffle change nothing here
    Selection s;
    ASSERT_EQ(le_babi_select(&c.c, &f, &p, &s.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(s.s.n, 3u);
    EXPECT_EQ(s.s.available, 3u);
    EXPECT_EQ(s.s.ref[0].file, 1u);
    EXPECT_EQ(s.s.ref[0].question, 1u);
    EXPECT_EQ(s.s.ref[1].question, 29u);
    EXPECT_EQ(s.s.ref[2].file, 0u);
    EXPECT_EQ(s.s.ref[2].question, 1u);
    // context 1: task 6's only
    f.n_context = 1;
    Selection s1;
    ASSERT_EQ(le_babi_select(&c.c, &f, &p, &s1.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(s1.s.n, 1u);
    EXPECT_EQ(s1.s.ref[0].file, 0u);
    free(q);

    // a repeat names the later line; a list without a line column is refused
    std::string twice = t.write("t.csv", "task,line\n4,6\n4,9\n4,6\n");
    EXPECT_EQ(le_babi_qids_read(twice.c_str(), &q, &n, &err), LE_ERR_PARSE);
    EXPECT_EQ(std::string(err.msg), twice + ":4: task 4 line 6 is listed twice");
    EXPECT_EQ(q, nullptr);
    std::string noline = t.write("n.csv", "task,row\n4,6\n");
    EXPECT_EQ(le_babi_qids_read(noline.c_str(), &q, &n, &err), LE_ERR_PARSE);
    EXPECT_EQ(std::string(err.msg), noline + ":1: the header has no column 'line' (expected columns task and line)");
}

// ---- the real en-10k files --------------------------------------------------------------------

class BabiEn10k : public ::testing::Test {
protected:
    static le_babi_corpus *corpus;
    static le_babi_dict *dict;
    static double parse_s;
    static std::string dir;
    static void SetUpTestSuite()
    {
        dir = std::string(le_data_dir(nullptr)) + "/" LE_BABI_EN10K;
        corpus = new le_babi_corpus;
        dict = new le_babi_dict;
        le_babi_corpus_init(corpus);
        le_error err;
        auto t0 = std::chrono::steady_clock::now();
        le_code rc = le_babi_read_tasks(corpus, dir.c_str(), LE_BABI_ALL_TASKS, 1, 0, &err);
        parse_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (rc == LE_OK)
            rc = le_babi_dict_build(corpus, dict, &err);
        if (rc != LE_OK) {
            le_babi_corpus_free(corpus);
            delete corpus;
            corpus = nullptr;
            std::fprintf(stderr, "bAbI en-10k not readable (%s); link data/babi to the shared copy\n", err.msg);
        }
    }
    static void TearDownTestSuite()
    {
        if (corpus)
            le_babi_corpus_free(corpus);
        delete corpus;
        delete dict;
        corpus = nullptr;
        dict = nullptr;
    }
    void SetUp() override { ASSERT_NE(corpus, nullptr) << "bAbI en-10k missing under " << dir; }
    const le_babi_file *file(unsigned task, le_babi_split split)
    {
        for (uint32_t i = 0; i < corpus->n_files; i++)
            if (corpus->file[i].task == task && corpus->file[i].split == split)
                return &corpus->file[i];
        return nullptr;
    }
};
le_babi_corpus *BabiEn10k::corpus = nullptr;
le_babi_dict *BabiEn10k::dict = nullptr;
double BabiEn10k::parse_s = 0;
std::string BabiEn10k::dir;

// The numbers below were counted once with a separate Python script (str.split on spaces and tabs,
// re.sub('[^a-z]', '', word.lower()), answers lower-cased whole; context = earlier non-question
// lines of the story, capped at 20) over en-10k; they agree with spec relnet-on-loihi.md §1.6
// except where noted.

TEST_F(BabiEn10k, FilesAndQuestionCounts)
{
    std::printf("[ info ] read 39 en-10k files in %.3f s\n", parse_s);
    EXPECT_EQ(corpus->n_files, 39u); // 20 test + 19 train: en-10k has no qa3 train file
    EXPECT_EQ(file(3, LE_BABI_TRAIN), nullptr);
    for (unsigned k = 1; k <= 20; k++) {
        const le_babi_file *f = file(k, LE_BABI_TEST);
        ASSERT_NE(f, nullptr) << k;
        EXPECT_EQ(f->n_questions, 1000u) << k; // bAbI: 1,000 test questions per task
        if (k != 3) {
            ASSERT_NE(file(k, LE_BABI_TRAIN), nullptr) << k;
            EXPECT_EQ(file(k, LE_BABI_TRAIN)->n_questions, 10000u) << k; // and 10,000 train (en-10k)
        }
    }
}

TEST_F(BabiEn10k, AtMostElevenWords)
{
    uint32_t most = 0;
    for (uint32_t i = 0; i < corpus->n_files; i++) {
        const le_babi_file &f = corpus->file[i];
        for (uint32_t s = 0; s < f.n_sentences; s++)
            most = std::max<uint32_t>(most, f.sentence[s].n);
        for (uint32_t q = 0; q < f.n_questions; q++)
            most = std::max<uint32_t>(most, f.question[q].q.n);
    }
    EXPECT_EQ(most, 11u); // the script: 11, as N_words
}

TEST_F(BabiEn10k, VocabularyCounts)
{
    le_babi_vocab_counts v17, v20;
    le_error err;
    ASSERT_EQ(le_babi_count_vocab(corpus, LE_BABI_PAPER_TASKS, &v17, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_count_vocab(corpus, LE_BABI_ALL_TASKS, &v20, &err), LE_OK) << err.msg;
    // the script, train + test files: 17 tasks 132 words, 56 whole answers, 36 answer items,
    // 11 items not words; 20 tasks 145 words, 60 whole answers, 40 items, 11 not words, 176
    // words and whole answers together. (The brief quoted 36 / 56 for 20 tasks: those are the
    // 17-task figures.)
    EXPECT_EQ(v17.words, 132u);
    EXPECT_EQ(v17.answers, 56u);
    EXPECT_EQ(v17.answer_items, 36u);
    EXPECT_EQ(v17.answer_items_not_words, 11u);
    EXPECT_EQ(v17.tokens, 163u);
    EXPECT_EQ(v20.words, 145u);
    EXPECT_EQ(v20.answers, 60u);
    EXPECT_EQ(v20.answer_items, 40u);
    EXPECT_EQ(v20.answer_items_not_words, 11u);
    EXPECT_EQ(v20.tokens, 176u);
}

TEST_F(BabiEn10k, SharedDictionary)
{
    // the script's sorted lists: words a .. you (145), then answers not words apple,football .. yes
    EXPECT_EQ(dict->n_words, 145u);
    EXPECT_EQ(dict->n_used, 177u);
    EXPECT_STREQ(dict->text[0], "<pad>");
    EXPECT_STREQ(dict->text[1], "a");
    EXPECT_STREQ(dict->text[2], "above");
    EXPECT_STREQ(dict->text[145], "you");
    EXPECT_STREQ(dict->text[146], "apple,football");
    EXPECT_STREQ(dict->text[176], "yes");
    EXPECT_STREQ(dict->text[177], "<unused>");
    EXPECT_EQ(le_babi_dict_index(dict, "john"), 72);
    EXPECT_EQ(le_babi_dict_index(dict, "hallway"), 61);
    // en/qa3 train (1k) adds no token (checked with the script); reading it changes nothing
    std::string qa3 = std::string(le_data_dir(nullptr)) + "/babi/tasks_1-20_v1-2/en/qa3_three-supporting-facts_train.txt";
    Corpus c;
    le_error err;
    ASSERT_EQ(le_babi_read_tasks(&c.c, dir.c_str(), LE_BABI_ALL_TASKS, 1, 0, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_read_file(&c.c, qa3.c_str(), 3, LE_BABI_TRAIN, &err), LE_OK) << err.msg;
    le_babi_dict d2;
    ASSERT_EQ(le_babi_dict_build(&c.c, &d2, &err), LE_OK) << err.msg;
    EXPECT_EQ(std::memcmp(dict, &d2, sizeof d2), 0);
}

// The words of a story line as the file spells them: the line number, the punctuation and the
// tab-separated answer dropped, lower case (a second reading of the file, independent of the
// corpus reader).
static std::vector<std::string> plain_words(const std::string &line)
{
    std::string text = line.substr(line.find(' ') + 1);
    text = text.substr(0, text.find('\t'));
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;) {
        std::string k;
        for (char ch : w)
            if (ch != '.' && ch != '?')
                k += (char)std::tolower((unsigned char)ch);
        out.push_back(k);
    }
    return out;
}

TEST_F(BabiEn10k, FirstQuestionOfTaskOne)
{
    // qa1's test file: two statements, then the question on line 3, read here line by line
    std::ifstream raw(dir + "/qa1_single-supporting-fact_test.txt");
    ASSERT_TRUE(raw.good()) << dir;
    std::string line[3];
    for (auto &l : line)
        ASSERT_TRUE((bool)std::getline(raw, l));
    const le_babi_file *f = file(1, LE_BABI_TEST);
    ASSERT_NE(f, nullptr);
    uint32_t fi = (uint32_t)(f - corpus->file);
    le_babi_example e;
    le_error err;
    ASSERT_EQ(le_babi_encode(corpus, dict, le_babi_ref{fi, 0}, &e, &err), LE_OK) << err.msg;
    EXPECT_EQ(e.line, 3u);
    ASSERT_EQ(e.n_context, 2u);
    for (int s = 0; s < 2; s++) {
        std::vector<std::string> want = plain_words(line[s]);
        ASSERT_EQ(e.n_words[s], want.size());
        for (size_t k = 0; k < want.size(); k++)
            EXPECT_STREQ(dict->text[e.word[s][k]], want[k].c_str());
    }
    std::vector<std::string> q = plain_words(line[2]);
    ASSERT_EQ(q.size(), 3u);
    for (size_t k = 0; k < 3; k++)
        EXPECT_STREQ(dict->text[e.q[k]], q[k].c_str());
    std::string answer = line[2].substr(line[2].find('\t') + 1);
    EXPECT_STREQ(dict->text[e.answer], answer.substr(0, answer.find('\t')).c_str());
    ASSERT_EQ(e.q_words, 3u);
    EXPECT_EQ(e.q[0], 134); // the script's indices of the question's words and the answer
    EXPECT_EQ(e.q[1], 68);
    EXPECT_EQ(e.q[2], 72);
    EXPECT_EQ(e.answer, 61);
}

TEST_F(BabiEn10k, QuestionsPerStoryLength)
{
    // the script: capped test contexts over the 17 tasks; M = 20 is the spec's 477, M = 16 the
    // paper's "about 100" (136)
    const struct {
        int32_t m;
        uint32_t n;
    } want[] = {{2, 3741}, {6, 2088}, {10, 2321}, {16, 136}, {20, 477}, {13, 0}, {0, 0}};
    le_error err;
    for (auto w : want) {
        Selection s;
        le_babi_filter f = {LE_BABI_PAPER_TASKS, LE_BABI_TEST, w.m, nullptr, 0};
        le_babi_pick p = {0, 0, 0};
        ASSERT_EQ(le_babi_select(corpus, &f, &p, &s.s, &err), LE_OK) << err.msg;
        EXPECT_EQ(s.s.available, w.n) << "M = " << w.m;
        std::printf("[ info ] M = %2d: %u test questions\n", w.m, s.s.available);
    }
    // uncapped: task 5 has 361 test questions with more than 20 sentences before them
    const le_babi_file *f5 = file(5, LE_BABI_TEST);
    ASSERT_NE(f5, nullptr);
    uint32_t over = 0;
    for (uint32_t q = 0; q < f5->n_questions; q++)
        over += f5->question[q].n_before > 20u;
    EXPECT_EQ(over, 361u);
}

TEST_F(BabiEn10k, BenchmarkSelection)
{
    le_error err;
    for (uint32_t m : {2u, 6u, 10u, 16u, 20u}) {
        SCOPED_TRACE(m);
        Selection s, again;
        ASSERT_EQ(le_babi_select_bench(corpus, m, &s.s, &err), LE_OK) << err.msg;
        ASSERT_EQ(s.s.n, m == 16 ? 100u : 250u);
        std::set<unsigned> tasks;
        std::set<std::pair<uint32_t, uint32_t>> seen;
        for (uint32_t i = 0; i < s.s.n; i++) {
            const le_babi_file &f = corpus->file[s.s.ref[i].file];
            const le_babi_question &q = f.question[s.s.ref[i].question];
            EXPECT_EQ(q.n_context, m);
            EXPECT_EQ(f.split, LE_BABI_TEST);
            EXPECT_TRUE(LE_BABI_PAPER_TASKS & LE_BABI_TASK_BIT(f.task)) << f.task;
            EXPECT_TRUE(seen.insert({s.s.ref[i].file, s.s.ref[i].question}).second);
            if (i > 0) { // in candidate order: task, then line
                const le_babi_file &g = corpus->file[s.s.ref[i - 1].file];
                EXPECT_TRUE(g.task < f.task || (g.task == f.task && s.s.ref[i - 1].question < s.s.ref[i].question));
            }
            tasks.insert(f.task);
            le_babi_example e;
            ASSERT_EQ(le_babi_encode(corpus, dict, s.s.ref[i], &e, &err), LE_OK) << err.msg;
            EXPECT_EQ(e.n_context, m);
        }
        EXPECT_GE(tasks.size(), 3u); // a shuffle, not the first task's questions
        ASSERT_EQ(le_babi_select_bench(corpus, m, &again.s, &err), LE_OK) << err.msg;
        ASSERT_EQ(again.s.n, s.s.n);
        EXPECT_EQ(std::memcmp(again.s.ref, s.s.ref, s.s.n * sizeof *s.s.ref), 0); // same every run
    }
    Selection bad;
    EXPECT_EQ(le_babi_select_bench(corpus, 21, &bad.s, &err), LE_ERR_RANGE);
    EXPECT_EQ(le_babi_select_bench(corpus, 0, &bad.s, &err), LE_ERR_RANGE);
}

TEST_F(BabiEn10k, PerTaskView)
{
    le_error err;
    Selection all, sample, bigger;
    ASSERT_EQ(le_babi_select_task(corpus, 5, 0, 0, &all.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(all.s.n, 1000u);
    const le_babi_file *f5 = file(5, LE_BABI_TEST);
    for (uint32_t i = 0; i < all.s.n; i++) {
        EXPECT_EQ(&corpus->file[all.s.ref[i].file], f5);
        EXPECT_EQ(all.s.ref[i].question, i); // file order
    }
    ASSERT_EQ(le_babi_select_task(corpus, 5, 20, 7, &sample.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(le_babi_select_task(corpus, 5, 50, 7, &bigger.s, &err), LE_OK) << err.msg;
    ASSERT_EQ(sample.s.n, 20u);
    std::set<uint32_t> big;
    for (uint32_t i = 0; i < bigger.s.n; i++)
        big.insert(bigger.s.ref[i].question);
    for (uint32_t i = 0; i < sample.s.n; i++)
        EXPECT_TRUE(big.count(sample.s.ref[i].question)) << "a smaller sample with the same seed is a subset";
    Selection bad;
    EXPECT_EQ(le_babi_select_task(corpus, 0, 0, 0, &bad.s, &err), LE_ERR_RANGE);
}

TEST_F(BabiEn10k, DictionaryFileOfTheNetwork)
{
    TempDir t;
    std::string v = t.path + "/vocab.txt";
    le_error err;
    ASSERT_EQ(le_babi_dict_write(dict, v.c_str(), &err), LE_OK) << err.msg;
    le_babi_dict back;
    ASSERT_EQ(le_babi_dict_read(&back, v.c_str(), &err), LE_OK) << err.msg;
    EXPECT_EQ(back.n_used, 177u);
    for (uint32_t i = 0; i < LE_BABI_DICT_LINES; i++)
        EXPECT_STREQ(back.text[i], dict->text[i]);
}
