/* bAbI v1.2 story files: the parser and the corpus of files and tokens. */
#include "models/relnet/babi.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"

#define LINE_NUMBER_MAX 999999u /* bAbI stories have at most a few hundred lines */
#define MAX_FILES 1024u

void le_babi_corpus_init(le_babi_corpus *c) { memset(c, 0, sizeof *c); }

static void file_free(le_babi_file *f)
{
    free(f->path);
    free(f->sentence);
    free(f->question);
    memset(f, 0, sizeof *f);
}

void le_babi_corpus_free(le_babi_corpus *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->n_tokens; i++)
        free(c->token[i].text);
    free(c->token);
    free(c->slot);
    for (uint32_t i = 0; i < c->n_files; i++)
        file_free(&c->file[i]);
    free(c->file);
    memset(c, 0, sizeof *c);
}

/* ---- token table ---------------------------------------------------------------------- */

static uint32_t fnv1a(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Slot of text: the one holding it, or the free one where it would go. The table is at most half
 * full (LE_BABI_MAX_TOKENS ids in twice as many slots), so the probe ends. */
static uint32_t find_slot(const le_babi_corpus *c, const char *text, size_t len)
{
    uint32_t mask = c->n_slots - 1u;
    uint32_t i = fnv1a(text, len) & mask;
    for (;;) {
        uint16_t s = c->slot[i];
        if (s == 0)
            return i;
        const char *t = c->token[s - 1u].text;
        if (strncmp(t, text, len) == 0 && t[len] == '\0')
            return i;
        i = (i + 1u) & mask;
    }
}

int32_t le_babi_token_id(const le_babi_corpus *c, const char *text)
{
    if (!c->slot)
        return -1;
    uint16_t s = c->slot[find_slot(c, text, strlen(text))];
    return s ? (int32_t)s - 1 : -1;
}

/* Token id of text[0..len), added when new. */
static le_code intern(le_babi_corpus *c, const char *text, size_t len, uint16_t *id, const char *path,
                      uint32_t line, le_error *err)
{
    if (!c->slot) {
        c->n_slots = 2u * LE_BABI_MAX_TOKENS;
        c->slot = calloc(c->n_slots, sizeof *c->slot);
        c->token = calloc(LE_BABI_MAX_TOKENS, sizeof *c->token);
        if (!c->slot || !c->token) {
            free(c->slot);
            free(c->token);
            c->slot = NULL;
            c->token = NULL;
            c->n_slots = 0;
            return le_fail(err, LE_ERR_NOMEM, "%s:%u: no memory for the token table", path, line);
        }
    }
    uint32_t i = find_slot(c, text, len);
    if (c->slot[i]) {
        *id = (uint16_t)(c->slot[i] - 1u);
        return LE_OK;
    }
    if (c->n_tokens >= LE_BABI_MAX_TOKENS)
        return le_fail(err, LE_ERR_LIMIT, "%s:%u: more than %u distinct tokens in the story files read together",
                       path, line, LE_BABI_MAX_TOKENS);
    char *t = malloc(len + 1);
    if (!t)
        return le_fail(err, LE_ERR_NOMEM, "%s:%u: no memory for a token", path, line);
    memcpy(t, text, len);
    t[len] = '\0';
    memset(&c->token[c->n_tokens], 0, sizeof c->token[c->n_tokens]);
    c->token[c->n_tokens].text = t;
    *id = (uint16_t)c->n_tokens;
    c->slot[i] = (uint16_t)(++c->n_tokens);
    return LE_OK;
}

/* Forgets the tokens from id `keep` on (those a failed file added) and rebuilds the hash. */
static void drop_tokens(le_babi_corpus *c, uint32_t keep)
{
    if (!c->slot || c->n_tokens == keep)
        return;
    for (uint32_t i = keep; i < c->n_tokens; i++) {
        free(c->token[i].text);
        c->token[i].text = NULL;
    }
    c->n_tokens = keep;
    memset(c->slot, 0, c->n_slots * sizeof *c->slot);
    for (uint32_t i = 0; i < keep; i++) {
        const char *t = c->token[i].text;
        c->slot[find_slot(c, t, strlen(t))] = (uint16_t)(i + 1u);
    }
}

/* ---- reading a file -------------------------------------------------------------------- */

static le_code slurp(const char *path, char **buf, size_t *len, le_error *err)
{
    FILE *f = NULL;
    le_code orc = le_input_open(path, "a bAbI story file", &f, NULL, err);
    if (orc)
        return orc;
    size_t cap = 1u << 16, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s: no memory to read the file", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= LE_BABI_FILE_MAX) {
                free(b);
                fclose(f);
                return le_fail(err, LE_ERR_PARSE, "%s: larger than %u bytes, not a bAbI story file", path,
                               LE_BABI_FILE_MAX);
            }
            char *nb = realloc(b, cap * 2u);
            if (!nb) {
                free(b);
                fclose(f);
                return le_fail(err, LE_ERR_NOMEM, "%s: no memory to read the file", path);
            }
            b = nb;
            cap *= 2u;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return le_fail(err, LE_ERR_IO, "%s: read error", path);
    }
    *buf = b;
    *len = n;
    return LE_OK;
}

enum { KIND_SENTENCE = 1, KIND_QUESTION = 2 };

typedef struct {
    le_babi_corpus *c;
    le_babi_file *f;
    const char *path;
    uint32_t line;
    le_error *err;
    uint32_t cap_sentences, cap_questions;
    uint8_t *kind;           /* per line of the current story: KIND_SENTENCE or KIND_QUESTION */
    uint32_t cap_kind;
} parser;

/* Every format error has one shape: path:line: what was expected, what was found. */
static le_code perr(parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static le_code perr(parser *p, const char *fmt, ...)
{
    char what[LE_ERROR_MSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return le_fail(p->err, LE_ERR_PARSE, "%s:%u: %s", p->path, p->line, what);
}

/* A printable quote of s[0..len) for messages: tabs as "\\t", other control bytes as '?', cut
 * with "..." when longer than the room. */
static void quote(char *out, size_t size, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    for (; i < len && n + 2 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\t') {
            out[n++] = '\\';
            out[n++] = 't';
        } else {
            out[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
        }
    }
    if (i < len && n >= 3)
        out[n - 3] = out[n - 2] = out[n - 1] = '.';
    out[n] = '\0';
}

static int is_letter(unsigned char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static int is_punct(unsigned char ch)
{
    return (ch >= '!' && ch <= '/') || (ch >= ':' && ch <= '@') || (ch >= '[' && ch <= '`') ||
           (ch >= '{' && ch <= '~');
}

/* Words of text[0..len): lower-cased letters, punctuation dropped, split at spaces. Digits and
 * other bytes are not silently dropped: bAbI text has none, so one means a damaged file. */
static le_code tokenise(parser *p, const char *text, size_t len, le_babi_sentence *s, const char *kind)
{
    char word[LE_BABI_TOKEN_MAX + 1];
    size_t wl = 0;
    uint32_t words = 0;
    s->n = 0;
    s->line = p->line;
    for (size_t i = 0; i <= len; i++) {
        unsigned char ch = i < len ? (unsigned char)text[i] : ' ';
        if (ch == ' ') {
            if (wl == 0)
                continue;
            if (words < LE_BABI_MAX_WORDS) {
                le_code rc = intern(p->c, word, wl, &s->word[words], p->path, p->line, p->err);
                if (rc)
                    return rc;
            }
            words++;
            wl = 0;
        } else if (is_letter(ch)) {
            if (wl == LE_BABI_TOKEN_MAX) {
                char q[48];
                quote(q, sizeof q, word, wl);
                return perr(p, "word '%s' in the %s is longer than %u letters", q, kind, LE_BABI_TOKEN_MAX);
            }
            word[wl++] = (char)(ch | 0x20);
        } else if (!is_punct(ch)) {
            return perr(p, "unexpected character 0x%02x in the %s (letters, spaces and punctuation only)", ch, kind);
        }
    }
    if (words == 0)
        return perr(p, "%s without words", kind);
    if (words > LE_BABI_MAX_WORDS)
        return perr(p, "%s has %u words, at most %u", kind, words, LE_BABI_MAX_WORDS);
    s->n = (uint8_t)words;
    return LE_OK;
}

#define QUESTION_FORMAT "'N question<TAB>answer<TAB>supporting line numbers'"

static le_code parse_answer(parser *p, const char *a, size_t len, uint16_t *id)
{
    char lower[LE_BABI_TOKEN_MAX + 1];
    char q[48];
    quote(q, sizeof q, a, len);
    if (len == 0)
        return perr(p, "question without an answer: expected " QUESTION_FORMAT);
    if (len > LE_BABI_TOKEN_MAX)
        return perr(p, "answer '%s' is longer than %u characters", q, LE_BABI_TOKEN_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)a[i];
        int comma_ok = ch == ',' && i > 0 && i + 1 < len && a[i - 1] != ',';
        if (!is_letter(ch) && !comma_ok)
            return perr(p, "answer '%s': expected letters, or words of letters joined by commas", q);
        lower[i] = ch == ',' ? ',' : (char)(ch | 0x20);
    }
    return intern(p->c, lower, len, id, p->path, p->line, p->err);
}

/* Supporting line numbers: at least one, each an earlier sentence (not a question) of the story. */
static le_code check_support(parser *p, const char *s, size_t len, uint32_t number)
{
    size_t i = 0;
    uint32_t count = 0;
    char q[48];
    quote(q, sizeof q, s, len);
    while (i < len) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        uint32_t v = 0;
        size_t d = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && v <= LINE_NUMBER_MAX) {
            v = v * 10u + (uint32_t)(s[i] - '0');
            i++;
            d++;
        }
        if (d == 0 || (i < len && s[i] != ' ') || v > LINE_NUMBER_MAX)
            return perr(p, "supporting lines '%s': expected line numbers separated by spaces", q);
        if (v == 0 || v >= number || p->kind[v - 1u] != KIND_SENTENCE)
            return perr(p, "supporting line %u is not an earlier sentence of the story", v);
        count++;
    }
    if (count == 0)
        return perr(p, "question without supporting line numbers: expected " QUESTION_FORMAT);
    return LE_OK;
}

static le_code grow(parser *p, void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return LE_OK;
    uint32_t nc = *cap ? *cap : 1024u;
    while (nc < need) {
        if (nc > UINT32_MAX / 2u)
            return le_fail(p->err, LE_ERR_LIMIT, "%s:%u: too many lines", p->path, p->line);
        nc *= 2u;
    }
    void *n = realloc(*arr, (size_t)nc * elem);
    if (!n)
        return le_fail(p->err, LE_ERR_NOMEM, "%s:%u: no memory", p->path, p->line);
    *arr = n;
    *cap = nc;
    return LE_OK;
}

/* One line s[0..len). *number: the previous line's number in the story (0 before the first line);
 * *story_first: index of the story's first sentence in the file. */
static le_code parse_line(parser *p, const char *s, size_t len, uint32_t *number, uint32_t *story_first)
{
    le_babi_file *f = p->f;
    char q[48];
    quote(q, sizeof q, s, len);
    if (len == 0)
        return perr(p, "empty line: expected 'N sentence' or " QUESTION_FORMAT);
    if (s[0] < '0' || s[0] > '9')
        return perr(p, "expected a line number at the start, found '%s'", q);
    uint32_t n = 0;
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && n <= LINE_NUMBER_MAX) {
        n = n * 10u + (uint32_t)(s[i] - '0');
        i++;
    }
    if (n > LINE_NUMBER_MAX)
        return perr(p, "line number in '%s' is larger than %u", q, LINE_NUMBER_MAX);
    if (i == len || s[i] != ' ')
        return perr(p, "expected a space and text after the line number, found '%s'", q);
    if (n == 1u) {
        f->n_stories++;
        *story_first = f->n_sentences;
    } else if (*number == 0) {
        return perr(p, "line number %u out of sequence: expected 1 (the first line of a story)", n);
    } else if (n != *number + 1u) {
        return perr(p, "line number %u out of sequence: expected %u (next in the story) or 1 (a new story)", n,
                    *number + 1u);
    }
    *number = n;
    if (grow(p, (void **)&p->kind, &p->cap_kind, n, 1))
        return p->err->code;
    i++;
    const char *text = s + i;
    const char *end = s + len;
    const char *tab = memchr(text, '\t', (size_t)(end - text));
    if (!tab) {
        if (memchr(text, '?', (size_t)(end - text)))
            return perr(p, "question without an answer: expected " QUESTION_FORMAT ", found '%s'", q);
        if (grow(p, (void **)&f->sentence, &p->cap_sentences, f->n_sentences + 1u, sizeof *f->sentence))
            return p->err->code;
        le_code rc = tokenise(p, text, (size_t)(end - text), &f->sentence[f->n_sentences], "sentence");
        if (rc)
            return rc;
        f->n_sentences++;
        p->kind[n - 1u] = KIND_SENTENCE;
        return LE_OK;
    }
    const char *ans = tab + 1;
    const char *tab2 = memchr(ans, '\t', (size_t)(end - ans));
    if (!tab2) {
        if (ans == end)
            return perr(p, "question without an answer: expected " QUESTION_FORMAT);
        return perr(p, "question without supporting line numbers: expected " QUESTION_FORMAT ", found '%s'", q);
    }
    const char *sup = tab2 + 1;
    if (memchr(sup, '\t', (size_t)(end - sup)))
        return perr(p, "more than 3 tab-separated fields: expected " QUESTION_FORMAT ", found '%s'", q);
    if (grow(p, (void **)&f->question, &p->cap_questions, f->n_questions + 1u, sizeof *f->question))
        return p->err->code;
    le_babi_question *qu = &f->question[f->n_questions];
    le_code rc = tokenise(p, text, (size_t)(tab - text), &qu->q, "question");
    if (!rc)
        rc = parse_answer(p, ans, (size_t)(tab2 - ans), &qu->answer);
    if (!rc)
        rc = check_support(p, sup, (size_t)(end - sup), n);
    if (rc)
        return rc;
    qu->n_before = f->n_sentences - *story_first;
    qu->n_context = qu->n_before < LE_BABI_MAX_CONTEXT ? qu->n_before : LE_BABI_MAX_CONTEXT;
    qu->first = f->n_sentences - qu->n_context;
    qu->story = f->n_stories - 1u;
    f->n_questions++;
    p->kind[n - 1u] = KIND_QUESTION;
    return LE_OK;
}

/* Marks the tasks that use each token, once the whole file is known to be good. */
static void mark_word(le_babi_token *t, uint32_t bit)
{
    t->word_tasks |= bit;
    t->is_word = 1;
}

static void mark_tokens(le_babi_corpus *c, const le_babi_file *f)
{
    uint32_t bit = f->task >= 1 ? LE_BABI_TASK_BIT(f->task) : 0u;
    for (uint32_t i = 0; i < f->n_sentences; i++)
        for (uint32_t k = 0; k < f->sentence[i].n; k++)
            mark_word(&c->token[f->sentence[i].word[k]], bit);
    for (uint32_t i = 0; i < f->n_questions; i++) {
        const le_babi_question *q = &f->question[i];
        for (uint32_t k = 0; k < q->q.n; k++)
            mark_word(&c->token[q->q.word[k]], bit);
        c->token[q->answer].answer_tasks |= bit;
        c->token[q->answer].is_answer = 1;
    }
}

/* The lines of buf[0..len) into p->f. */
static le_code parse_buffer(parser *p, const char *buf, size_t len)
{
    uint32_t number = 0, story_first = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *s = buf + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - s) : len - pos;
        pos += ll + (nl ? 1u : 0u);
        p->line++;
        if (ll > 0 && s[ll - 1] == '\r')
            ll--; /* CRLF files read as LF */
        le_code rc = parse_line(p, s, ll, &number, &story_first);
        if (rc)
            return rc;
    }
    if (p->f->n_questions == 0)
        return perr(p, "no question in the file: expected lines " QUESTION_FORMAT);
    return LE_OK;
}

le_code le_babi_read_file(le_babi_corpus *c, const char *path, unsigned task, le_babi_split split, le_error *err)
{
    if (task > LE_BABI_TASKS)
        return le_fail(err, LE_ERR_RANGE, "%s: task %u, expected 1..%u (or 0: none)", path, task, LE_BABI_TASKS);
    if (c->n_files >= MAX_FILES)
        return le_fail(err, LE_ERR_LIMIT, "%s: more than %u story files in one corpus", path, MAX_FILES);
    char *buf = NULL;
    size_t len = 0;
    le_code rc = slurp(path, &buf, &len, err);
    if (rc)
        return rc;
    if (len == 0) {
        free(buf);
        return le_fail(err, LE_ERR_PARSE, "%s:1: empty file: expected bAbI story lines 'N sentence'", path);
    }
    le_babi_file *files = realloc(c->file, (c->n_files + 1u) * sizeof *files);
    if (!files) {
        free(buf);
        return le_fail(err, LE_ERR_NOMEM, "%s: no memory", path);
    }
    c->file = files;
    le_babi_file *f = &c->file[c->n_files];
    memset(f, 0, sizeof *f);
    f->task = task;
    f->split = split;
    f->path = strdup(path);
    uint32_t keep_tokens = c->n_tokens;
    parser p = {.c = c, .f = f, .path = path, .err = err};
    rc = f->path ? parse_buffer(&p, buf, len) : le_fail(err, LE_ERR_NOMEM, "%s: no memory", path);
    free(buf);
    free(p.kind);
    if (rc) {
        /* leave the corpus as it was: no half file, no tokens only the bad file used */
        file_free(f);
        drop_tokens(c, keep_tokens);
        return rc;
    }
    mark_tokens(c, f);
    c->n_files++;
    return LE_OK;
}
