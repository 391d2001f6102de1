/* One question in dictionary indices, and the word spikes of a sentence in the LSNN window. */
#include "models/relnet/babi.h"

#include <string.h>

static le_code lookup(const le_babi_corpus *c, const le_babi_dict *d, const le_babi_file *f, uint32_t line,
                      uint16_t token, const char *what, uint16_t *out, le_error *err)
{
    const char *text = c->token[token].text;
    int32_t i = le_babi_dict_index(d, text);
    if (i < 1)
        return le_fail(err, LE_ERR_DATA, "%s:%u: %s '%s' is not in the dictionary", f->path, line, what, text);
    *out = (uint16_t)i;
    return LE_OK;
}

le_code le_babi_encode(const le_babi_corpus *c, const le_babi_dict *d, le_babi_ref r, le_babi_example *out,
                       le_error *err)
{
    memset(out, 0, sizeof *out);
    if (r.file >= c->n_files || r.question >= c->file[r.file].n_questions)
        return le_fail(err, LE_ERR_RANGE, "bAbI question %u of file %u: the corpus has no such question", r.question,
                       r.file);
    const le_babi_file *f = &c->file[r.file];
    const le_babi_question *q = &f->question[r.question];
    out->task = f->task;
    out->line = q->q.line;
    out->n_context = q->n_context;
    for (uint32_t i = 0; i < q->n_context; i++) {
        const le_babi_sentence *s = &f->sentence[q->first + i];
        out->n_words[i] = s->n;
        for (uint32_t k = 0; k < s->n; k++) {
            le_code rc = lookup(c, d, f, s->line, s->word[k], "word", &out->word[i][k], err);
            if (rc)
                return rc;
        }
    }
    out->q_words = q->q.n;
    for (uint32_t k = 0; k < q->q.n; k++) {
        le_code rc = lookup(c, d, f, q->q.line, q->q.word[k], "word", &out->q[k], err);
        if (rc)
            return rc;
    }
    return lookup(c, d, f, q->q.line, q->answer, "answer", &out->answer, err);
}

le_code le_babi_word_spikes(const uint16_t *words, uint32_t n, le_babi_align align, le_babi_event *ev,
                            uint32_t *n_ev, le_error *err)
{
    *n_ev = 0;
    if (n < 1 || n > LE_BABI_MAX_WORDS)
        return le_fail(err, LE_ERR_RANGE, "a sentence of %u words: the LSNN window holds 1..%u", n,
                       LE_BABI_MAX_WORDS);
    for (uint32_t k = 0; k < n; k++)
        if (words[k] < 1 || words[k] >= LE_BABI_DICT_LINES)
            return le_fail(err, LE_ERR_RANGE, "word %u of the sentence has dictionary index %u, expected 1..%u", k + 1u,
                           words[k], LE_BABI_DICT_LINES - 1u);
    if (align != LE_BABI_ALIGN_RIGHT && align != LE_BABI_ALIGN_LEFT && align != LE_BABI_ALIGN_RIGHT_REVERSED)
        return le_fail(err, LE_ERR_RANGE, "word alignment %d is none of right, left, right-reversed", (int)align);
    uint32_t m = 0;
    for (uint32_t slot = 0; slot < LE_BABI_MAX_WORDS; slot++) {
        /* which word, if any, sits in this 10-step slot of the window */
        uint32_t first = align == LE_BABI_ALIGN_LEFT ? 0u : LE_BABI_MAX_WORDS - n;
        if (slot < first || slot >= first + n)
            continue;
        uint32_t k = slot - first;
        if (align == LE_BABI_ALIGN_RIGHT_REVERSED)
            k = n - 1u - k;
        for (uint32_t t = 1; t <= LE_BABI_T_WORD; t++) {
            ev[m].step = (uint16_t)(slot * LE_BABI_T_WORD + t);
            ev[m].line = words[k];
            m++;
        }
    }
    *n_ev = m;
    return LE_OK;
}
