/* The shared dictionary of input words and answer classes, its vocabulary file, and counts of
 * the vocabulary per task. */
#include "models/relnet/babi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"

static int cmp_text(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* by_text: lines 1..n_used-1 sorted by their text, for binary search (insertion sort: at most
 * 179 lines, and no comparator context needed). */
static void index_lines(le_babi_dict *d)
{
    uint32_t n = d->n_used > 0 ? d->n_used - 1u : 0u;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t line = (uint16_t)(i + 1u);
        uint32_t j = i;
        while (j > 0 && strcmp(d->text[d->by_text[j - 1u]], d->text[line]) > 0) {
            d->by_text[j] = d->by_text[j - 1u];
            j--;
        }
        d->by_text[j] = line;
    }
}

static void set_line(le_babi_dict *d, uint32_t i, const char *text)
{
    size_t l = strlen(text);
    memcpy(d->text[i], text, l + 1u); /* every caller's text fits: tokens are at most LE_BABI_TOKEN_MAX */
}

le_code le_babi_dict_build(const le_babi_corpus *c, le_babi_dict *d, le_error *err)
{
    memset(d, 0, sizeof *d);
    const char **words = malloc((c->n_tokens + 1u) * sizeof *words);
    const char **answers = malloc((c->n_tokens + 1u) * sizeof *answers);
    if (!words || !answers) {
        free(words);
        free(answers);
        return le_fail(err, LE_ERR_NOMEM, "no memory for the dictionary");
    }
    uint32_t nw = 0, na = 0;
    for (uint32_t i = 0; i < c->n_tokens; i++) {
        const le_babi_token *t = &c->token[i];
        if (t->is_word)
            words[nw++] = t->text;
        else if (t->is_answer)
            answers[na++] = t->text;
    }
    uint32_t need = 1u + nw + na;
    if (need > LE_BABI_DICT_LINES) {
        free(words);
        free(answers);
        return le_fail(err, LE_ERR_LIMIT,
                       "the bAbI dictionary needs %u lines (padding, %u words, %u answer strings that are not words), "
                       "the network has %u input and readout lines",
                       need, nw, na, LE_BABI_DICT_LINES);
    }
    qsort(words, nw, sizeof *words, cmp_text);
    qsort(answers, na, sizeof *answers, cmp_text);
    set_line(d, 0, LE_BABI_PAD);
    for (uint32_t i = 0; i < nw; i++)
        set_line(d, 1u + i, words[i]);
    for (uint32_t i = 0; i < na; i++)
        set_line(d, 1u + nw + i, answers[i]);
    for (uint32_t i = need; i < LE_BABI_DICT_LINES; i++)
        set_line(d, i, LE_BABI_UNUSED);
    d->n_words = nw;
    d->n_used = need;
    free(words);
    free(answers);
    index_lines(d);
    return LE_OK;
}

int32_t le_babi_dict_index(const le_babi_dict *d, const char *text)
{
    uint32_t lo = 0, hi = d->n_used > 0 ? d->n_used - 1u : 0u;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        int r = strcmp(d->text[d->by_text[mid]], text);
        if (r == 0)
            return d->by_text[mid];
        if (r < 0)
            lo = mid + 1u;
        else
            hi = mid;
    }
    return -1;
}

/* The dictionary file's bytes, one token and a newline per line, go through one sink, so the
 * written file and the hash that names it in weight manifests cannot drift apart. */
typedef void (*dict_sink)(void *ctx, const void *bytes, size_t n);

static void dict_bytes(const le_babi_dict *d, dict_sink sink, void *ctx)
{
    for (uint32_t i = 0; i < LE_BABI_DICT_LINES; i++) {
        sink(ctx, d->text[i], strlen(d->text[i]));
        sink(ctx, "\n", 1);
    }
}

static void sink_file(void *ctx, const void *bytes, size_t n)
{
    fwrite(bytes, 1, n, (FILE *)ctx);
}

static void sink_sha256(void *ctx, const void *bytes, size_t n)
{
    le_sha256_update((le_sha256_ctx *)ctx, bytes, n);
}

le_code le_babi_dict_write(const le_babi_dict *d, const char *path, le_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return le_fail(err, LE_ERR_IO, "%s: cannot write the vocabulary file: %s", path, strerror(errno));
    dict_bytes(d, sink_file, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return le_fail(err, LE_ERR_IO, "%s: cannot write the vocabulary file", path);
    return LE_OK;
}

void le_babi_dict_sha256(const le_babi_dict *d, char hex[LE_SHA256_HEX])
{
    le_sha256_ctx c;
    le_sha256_init(&c);
    dict_bytes(d, sink_sha256, &c);
    uint8_t dg[LE_SHA256_BYTES];
    le_sha256_final(&c, dg);
    le_sha256_hex(dg, hex);
}

/* A token as this module writes them: lower-case letters, or such words joined by commas. */
static int valid_token(const char *s)
{
    size_t l = strlen(s);
    if (l == 0)
        return 0;
    for (size_t i = 0; i < l; i++) {
        char ch = s[i];
        if (ch == ',') {
            if (i == 0 || i + 1 == l || s[i - 1] == ',')
                return 0;
        } else if (ch < 'a' || ch > 'z') {
            return 0;
        }
    }
    return 1;
}

le_code le_babi_dict_read(le_babi_dict *d, const char *path, le_error *err)
{
    memset(d, 0, sizeof *d);
    FILE *f = NULL;
    le_code orc = le_input_open(path, "a vocabulary file", &f, NULL, err);
    if (orc)
        return orc;
    char line[LE_BABI_TOKEN_MAX + 3];
    uint32_t n = 0;
    int unused = 0;
    le_code rc = LE_OK;
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        if (l > 0 && line[l - 1] == '\n')
            line[--l] = '\0';
        else if (l == sizeof line - 1u)
            l = sizeof line; /* no newline in a full buffer: longer still */
        if (l > LE_BABI_TOKEN_MAX) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: line longer than %u characters", path, n + 1u, LE_BABI_TOKEN_MAX);
            break;
        }
        if (n == LE_BABI_DICT_LINES) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: more than %u lines", path, n + 1u, LE_BABI_DICT_LINES);
            break;
        }
        if (n == 0) {
            if (strcmp(line, LE_BABI_PAD) != 0) {
                rc = le_fail(err, LE_ERR_PARSE, "%s:1: expected '%s' (index 0), found '%s'", path, LE_BABI_PAD, line);
                break;
            }
        } else if (strcmp(line, LE_BABI_UNUSED) == 0) {
            unused = 1;
        } else if (unused) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: token '%s' after '%s': spare lines come last", path, n + 1u, line,
                         LE_BABI_UNUSED);
            break;
        } else if (!valid_token(line)) {
            rc = le_fail(err, LE_ERR_PARSE, "%s:%u: '%s' is not a bAbI token (lower-case letters, commas between words)",
                         path, n + 1u, line);
            break;
        } else {
            d->n_used = n + 1u;
        }
        memcpy(d->text[n], line, l + 1u);
        n++;
    }
    if (!rc && ferror(f))
        rc = le_fail(err, LE_ERR_IO, "%s: read error", path);
    fclose(f);
    if (!rc && n != LE_BABI_DICT_LINES)
        rc = le_fail(err, LE_ERR_PARSE, "%s:%u: file ends after %u lines, expected %u", path, n > 0 ? n : 1u, n,
                     LE_BABI_DICT_LINES);
    if (rc)
        return rc;
    if (d->n_used == 0)
        d->n_used = 1;
    index_lines(d);
    for (uint32_t i = 1; i + 1u < d->n_used; i++) {
        uint16_t a = d->by_text[i - 1u], b = d->by_text[i];
        if (strcmp(d->text[a], d->text[b]) == 0)
            return le_fail(err, LE_ERR_PARSE, "%s:%u: '%s' again (first on line %u)", path, (a > b ? a : b) + 1u,
                           d->text[a], (a < b ? a : b) + 1u);
    }
    d->n_words = 0; /* not in the file (see babi.h) */
    return LE_OK;
}

/* ---- vocabulary counts ------------------------------------------------------------------- */

le_code le_babi_count_vocab(const le_babi_corpus *c, uint32_t tasks, le_babi_vocab_counts *out, le_error *err)
{
    memset(out, 0, sizeof *out);
    /* Answer items: every comma-separated piece of every whole answer, deduplicated by sorting. */
    size_t cap = 1;
    for (uint32_t i = 0; i < c->n_tokens; i++)
        if (c->token[i].answer_tasks & tasks)
            cap += 1u + (size_t)(strchr(c->token[i].text, ',') ? strlen(c->token[i].text) : 0u);
    char (*item)[LE_BABI_TOKEN_MAX + 1] = malloc(cap * sizeof *item);
    const char **ptr = malloc(cap * sizeof *ptr);
    if (!item || !ptr) {
        free(item);
        free(ptr);
        return le_fail(err, LE_ERR_NOMEM, "no memory to count the answer items");
    }
    size_t n = 0;
    for (uint32_t i = 0; i < c->n_tokens; i++) {
        const le_babi_token *t = &c->token[i];
        int w = (t->word_tasks & tasks) != 0, a = (t->answer_tasks & tasks) != 0;
        out->words += (uint32_t)w;
        out->answers += (uint32_t)a;
        out->tokens += (uint32_t)(w || a);
        if (!a)
            continue;
        const char *s = t->text;
        while (*s) {
            size_t l = strcspn(s, ",");
            memcpy(item[n], s, l);
            item[n][l] = '\0';
            ptr[n] = item[n];
            n++;
            s += l + (s[l] == ',' ? 1u : 0u);
        }
    }
    if (n)
        qsort(ptr, n, sizeof *ptr, cmp_text);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(ptr[i], ptr[i - 1]) == 0)
            continue;
        out->answer_items++;
        int32_t id = le_babi_token_id(c, ptr[i]);
        if (id < 0 || !(c->token[id].word_tasks & tasks))
            out->answer_items_not_words++;
    }
    free(item);
    free(ptr);
    return LE_OK;
}
