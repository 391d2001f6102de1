/* bAbI question answering (Weston et al., v1.2 files) as the Spiking RelNet reads it (spec
 * relnet-on-loihi.md §1.2, §1.3, §1.6): story files parsed into sentences and questions, one
 * shared dictionary of 180 lines (index 0 = padding) for the input words and the answer classes,
 * word spikes in the 110-step LSNN window, and the selection of test questions per story length M
 * that the paper benchmarks (Table S2). docs/relnet.md, section "bAbI input", has the rules.
 *
 * Files: babi.c (story files, corpus), babi_tasks.c (task files by number), babi_dict.c
 * (dictionary, vocabulary file, vocabulary counts), babi_spikes.c (encoding of one question, word
 * spikes), babi_select.c (selections). */
#ifndef LE_MODELS_RELNET_BABI_H
#define LE_MODELS_RELNET_BABI_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/sha256.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_BABI_TASKS 20u
#define LE_BABI_MAX_WORDS 11u      /* words per sentence or question (N_words, [seed] S2.3) */
#define LE_BABI_MAX_CONTEXT 20u    /* context capped to the 20 most recent sentences */
#define LE_BABI_DICT_LINES 180u    /* input lines per LSNN = readout lines ([code] num_words) */
#define LE_BABI_T_WORD 10u         /* steps each word is presented */
#define LE_BABI_WINDOW (LE_BABI_MAX_WORDS * LE_BABI_T_WORD) /* 110-step LSNN input window */
#define LE_BABI_TOKEN_MAX 63u      /* letters in one token or whole answer string */
#define LE_BABI_MAX_TOKENS 4096u   /* distinct tokens in one corpus (a bound, not a bAbI fact) */
#define LE_BABI_FILE_MAX (64u << 20) /* bytes in one story file (the largest en-10k file is 2.5 MB) */

/* The 17 tasks the paper trains and benchmarks (spec §1.6: 2, 3 and 16 are left out), as a bit
 * mask: bit k - 1 stands for task k. */
#define LE_BABI_TASK_BIT(k) (1u << ((k) - 1u))
#define LE_BABI_ALL_TASKS 0xFFFFFu
#define LE_BABI_PAPER_TASKS (LE_BABI_ALL_TASKS & ~(LE_BABI_TASK_BIT(2) | LE_BABI_TASK_BIT(3) | LE_BABI_TASK_BIT(16)))
/* The copy the dictionary is built from (en/ lacks two task-8 answer strings). */
#define LE_BABI_EN10K "babi/tasks_1-20_v1-2/en-10k"

typedef enum { LE_BABI_TRAIN = 0, LE_BABI_TEST = 1 } le_babi_split;

/* ---- story files ------------------------------------------------------------------------ */

/* A sentence or question: token ids of the corpus (not yet dictionary indices). */
typedef struct {
    uint32_t line;                     /* line in its file, 1-based */
    uint8_t n;                         /* words, 1..LE_BABI_MAX_WORDS */
    uint16_t word[LE_BABI_MAX_WORDS];
} le_babi_sentence;

/* A question and its context: the story's sentences before it (questions are not context), of
 * which the most recent LE_BABI_MAX_CONTEXT are kept. They are consecutive in the file's sentence
 * list: sentence[first .. first + n_context). */
typedef struct {
    le_babi_sentence q;
    uint16_t answer;        /* token id of the whole answer string ("n,w", "apple,milk") */
    uint32_t first;
    uint32_t n_context;     /* capped: 0..LE_BABI_MAX_CONTEXT */
    uint32_t n_before;      /* the same, uncapped */
    uint32_t story;         /* story number within the file, 0-based */
} le_babi_question;

typedef struct {
    char *path;
    unsigned task;          /* 1..20, or 0 when the file was read without a task */
    le_babi_split split;
    le_babi_sentence *sentence;
    uint32_t n_sentences;
    le_babi_question *question;
    uint32_t n_questions;
    uint32_t n_stories;
} le_babi_file;

/* A token seen in the corpus: the tasks that use it as a story/question word and as a whole
 * answer string (bit masks as LE_BABI_TASK_BIT). */
typedef struct {
    char *text;
    uint32_t word_tasks;
    uint32_t answer_tasks;
    uint8_t is_word;        /* the same, for files read without a task too */
    uint8_t is_answer;
} le_babi_token;

/* Story files read so far and the tokens they use. Token ids follow first sight, so they depend
 * on the order files are read; the dictionary does not. */
typedef struct {
    le_babi_token *token;
    uint32_t n_tokens;
    uint16_t *slot;         /* open-addressing hash of token ids + 1 (0 = free) */
    uint32_t n_slots;
    le_babi_file *file;
    uint32_t n_files;
} le_babi_corpus;

void le_babi_corpus_init(le_babi_corpus *c);
void le_babi_corpus_free(le_babi_corpus *c);

/* Reads one bAbI v1.2 story file into c. Lines are "N text" with N counting from 1 in each story;
 * a question is "N text?<TAB>answer<TAB>supporting line numbers". Words are lower-cased with
 * punctuation removed; a whole answer is lower-cased and kept as it stands. Any line that breaks
 * the format (missing or out-of-sequence number, no answer, more than LE_BABI_MAX_WORDS words,
 * a character that is neither a letter, space nor punctuation, a supporting line that is not an
 * earlier sentence of the story) and an empty file give one LE_ERR_PARSE naming path:line; the
 * corpus is then left as it was. task: 1..20, or 0 when unknown. */
le_code le_babi_read_file(le_babi_corpus *c, const char *path, unsigned task, le_babi_split split, le_error *err);

/* The file of task k (1..20) in dir: the one name matching qa<k>_*_<split>.txt. Missing or
 * ambiguous is LE_ERR_DATA naming dir and pattern. *out is malloc'ed. */
le_code le_babi_task_path(const char *dir, unsigned task, le_babi_split split, char **out, le_error *err);

/* Reads the test files of the tasks in `tasks` (mask) from dir, and their train files when
 * with_train; a missing test file is an error, a missing train file only when require_train
 * (en-10k has no qa3 train file). Tasks are read in increasing order, train before test. */
le_code le_babi_read_tasks(le_babi_corpus *c, const char *dir, uint32_t tasks, int with_train, int require_train,
                           le_error *err);

/* Token id of text, or -1 when the corpus has not seen it. */
int32_t le_babi_token_id(const le_babi_corpus *c, const char *text);

/* Counts over the files of the given tasks (mask): distinct story/question words, distinct
 * whole answer strings, distinct single answer items (whole answers cut at commas), how many of
 * those items are not story/question words, and the size of words ∪ whole answers. */
typedef struct {
    uint32_t words;
    uint32_t answers;
    uint32_t answer_items;
    uint32_t answer_items_not_words;
    uint32_t tokens;
} le_babi_vocab_counts;
le_code le_babi_count_vocab(const le_babi_corpus *c, uint32_t tasks, le_babi_vocab_counts *out, le_error *err);

/* ---- dictionary (babi_dict.c) ----------------------------------------------------------- */

/* One dictionary for input words and answer classes, LE_BABI_DICT_LINES lines:
 *   0                      "<pad>"
 *   1 .. n_words           story/question words, byte order (strcmp)
 *   n_words + 1 .. n_used-1 whole answer strings that are not words, byte order
 *   n_used .. 179          "<unused>"
 * The order depends only on which tokens occur, never on the order files were read. */
#define LE_BABI_PAD "<pad>"
#define LE_BABI_UNUSED "<unused>"
typedef struct {
    char text[LE_BABI_DICT_LINES][LE_BABI_TOKEN_MAX + 1];
    uint32_t n_words;       /* lines 1..n_words (0 when read from a file: unknown) */
    uint32_t n_used;        /* lines 0..n_used-1 are <pad>, words and answers */
    uint16_t by_text[LE_BABI_DICT_LINES]; /* lines 0..n_used-1 in strcmp order of their text */
} le_babi_dict;

/* The dictionary of every token of c (all its files). More than LE_BABI_DICT_LINES lines is
 * LE_ERR_LIMIT. */
le_code le_babi_dict_build(const le_babi_corpus *c, le_babi_dict *d, le_error *err);
/* Line of text, or -1 (lines 1..n_used-1 only: "<pad>" and "<unused>" are not looked up). */
int32_t le_babi_dict_index(const le_babi_dict *d, const char *text);
/* The vocabulary file: LE_BABI_DICT_LINES lines, line i + 1 of the file holds index i. */
le_code le_babi_dict_write(const le_babi_dict *d, const char *path, le_error *err);
/* SHA-256 of that file's bytes, without writing it: what a weight manifest's `source: babi`
 * dictionary entry names (docs/relnet-weights.md). */
void le_babi_dict_sha256(const le_babi_dict *d, char hex[LE_SHA256_HEX]);
/* Reads a vocabulary file back; checks the layout above (180 lines, "<pad>" first, distinct
 * tokens, "<unused>" only at the end). Where the words end is not in the file: n_words is 0. */
le_code le_babi_dict_read(le_babi_dict *d, const char *path, le_error *err);

/* ---- one question, encoded (babi_spikes.c) ------------------------------------------------ */

/* A question with its capped context in dictionary indices, ready for the network: context
 * sentence i (0 = oldest) feeds sentence LSNN i. */
typedef struct {
    unsigned task;
    uint32_t line;                        /* the question's line in its file */
    uint32_t n_context;                   /* M */
    uint8_t n_words[LE_BABI_MAX_CONTEXT];
    uint16_t word[LE_BABI_MAX_CONTEXT][LE_BABI_MAX_WORDS];
    uint8_t q_words;
    uint16_t q[LE_BABI_MAX_WORDS];
    uint16_t answer;                      /* answer class = dictionary line */
} le_babi_example;

/* A reference to question `question` of file `file` of a corpus. */
typedef struct {
    uint32_t file;
    uint32_t question;
} le_babi_ref;

/* Encodes one question; a token missing from d is LE_ERR_DATA naming it and the file:line. */
le_code le_babi_encode(const le_babi_corpus *c, const le_babi_dict *d, le_babi_ref r, le_babi_example *out,
                       le_error *err);

/* Where the words of a sentence sit in the LSNN window (spec §1.2, §7 item 4). */
typedef enum {
    LE_BABI_ALIGN_RIGHT = 0,      /* default: natural order, the last word ends at step 110 */
    LE_BABI_ALIGN_LEFT,           /* natural order, the first word starts at step 1 */
    LE_BABI_ALIGN_RIGHT_REVERSED  /* reversed order ending at step 110: the first word is last */
} le_babi_align;

/* One input spike: line `line` (dictionary index) spikes at step `step` (1..LE_BABI_WINDOW). */
typedef struct {
    uint16_t step;
    uint16_t line;
} le_babi_event;

/* Word spikes of a sentence of n (1..LE_BABI_MAX_WORDS) dictionary indices (1..179): the word in
 * slot s (0-based) spikes on its line at every step of 10s+1 .. 10s+10, where the slots are
 * 11-n .. 10 (right) or 0 .. n-1 (left) in word order, or 10 .. 11-n (reversed). Writes 10n
 * events in increasing step order to ev (room for LE_BABI_WINDOW) and their count to *n_ev. */
le_code le_babi_word_spikes(const uint16_t *words, uint32_t n, le_babi_align align, le_babi_event *ev,
                            uint32_t *n_ev, le_error *err);

/* ---- selections (babi_select.c) ----------------------------------------------------------- */

/* One question by its task and its line in the task's file (1-based): what --predictions
 * writes, so that a run's stories can be named and run again. */
typedef struct {
    uint32_t task, line;
} le_babi_qid;

typedef struct {
    uint32_t tasks;         /* mask */
    le_babi_split split;
    int32_t n_context;      /* exact capped context length M, or -1 for any */
    const le_babi_qid *only; /* NULL, or only these questions: n_only of them, by task then line */
    uint32_t n_only;
} le_babi_filter;

/* Which of the matching questions are taken. Candidates are listed by task (increasing), then
 * file (reading order), then line; with shuffle they are put in the order of a Fisher-Yates
 * shuffle driven by splitmix64(seed). The first `limit` (0 = all) are taken and returned in
 * candidate order, so a smaller limit with the same seed takes a subset. */
typedef struct {
    uint32_t limit;
    int shuffle;
    uint64_t seed;
} le_babi_pick;

typedef struct {
    le_babi_ref *ref;
    uint32_t n;             /* taken */
    uint32_t available;     /* matching the filter */
} le_babi_selection;

/* *out is overwritten (free a previous selection first); free it with le_babi_selection_free. */
le_code le_babi_select(const le_babi_corpus *c, const le_babi_filter *f, const le_babi_pick *p,
                       le_babi_selection *out, le_error *err);
void le_babi_selection_free(le_babi_selection *s);

/* The paper's benchmark for story length M (1..20): test questions of the 17 tasks whose capped
 * context has exactly M sentences, 250 of them (100 for M = 16; [seed] Table 1), shuffled with
 * LE_BABI_BENCH_SEED. */
#define LE_BABI_BENCH_SEED 2021u
uint32_t le_babi_bench_count(uint32_t m);
le_code le_babi_select_bench(const le_babi_corpus *c, uint32_t m, le_babi_selection *out, le_error *err);

/* All test questions of task k, or a seeded sample of `limit` of them (limit 0 = all, in file
 * order). */
le_code le_babi_select_task(const le_babi_corpus *c, unsigned task, uint32_t limit, uint64_t seed,
                            le_babi_selection *out, le_error *err);

/* ---- question lists (babi_qids.c) ---------------------------------------------------------- */

/* A list of questions from a CSV file whose header names the columns "task" and "line" (others
 * are skipped, so a --predictions file reads as the list of its stories): *out sorted by task,
 * then line (free it). A missing column, a task outside 1..20, a line of 0, a repeated question
 * or an empty list is LE_ERR_PARSE naming the file and line. */
le_code le_babi_qids_read(const char *path, le_babi_qid **out, uint32_t *n, le_error *err);

/* qsort/bsearch order of question ids: by task, then line. */
int le_babi_qid_cmp(const void *a, const void *b);

/* The question id names in the split's file of its task: 1 and *ref, or 0 when there is none. */
int le_babi_qid_find(const le_babi_corpus *c, le_babi_split split, le_babi_qid id, le_babi_ref *ref);

#ifdef __cplusplus
}
#endif
#endif
