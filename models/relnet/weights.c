/* The RelNet weight directory: tables of the architecture, the strict loader, the profiles.
 * Format: docs/relnet-weights.md "Weight directory". */
#include "models/relnet/weights.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"
#include "util/yaml.h"
#include "core/limits.h"
#include "core/neurocore.h"
#include "models/network.h"
#include "models/npy.h"
#include "models/relnet/babi.h"
#include "models/relnet/weights_private.h"

const le_rn_layer_spec le_rn_layers[LE_RN_N_LAYERS] = {
    {"lsnn_sent", LE_RELNET_N_LSNN, LE_RN_K_LSNN},  {"lsnn_ques", LE_RELNET_N_LSNN, LE_RN_K_LSNN},
    {"relay", LE_RELNET_N_LSNN, LE_RN_K_RELAY},     {"g1", LE_RELNET_N_G, LE_RN_K_PLAIN},
    {"g2", LE_RELNET_N_G, LE_RN_K_PLAIN},           {"g3", LE_RELNET_N_G, LE_RN_K_PLAIN},
    {"g4", LE_RELNET_N_G, LE_RN_K_PLAIN},           {"agg", LE_RELNET_N_G, LE_RN_K_PLAIN},
    {"f1", LE_RELNET_N_G, LE_RN_K_PLAIN},           {"f2", LE_RELNET_N_F2, LE_RN_K_PLAIN},
    {"f3", LE_RELNET_N_F3, LE_RN_K_PLAIN},          {"readout", LE_RELNET_N_OUT, LE_RN_K_READOUT},
};

const le_rn_conn_spec le_rn_conns[LE_RN_N_CONNS] = {
    {"lsnn_sent.w_in", "lsnn_sent.d_in", LE_RN_L_LSNN_SENT, LE_RELNET_N_WORDS, LE_RELNET_N_LSNN, 0, 0},
    {"lsnn_sent.w_rec", "lsnn_sent.d_rec", LE_RN_L_LSNN_SENT, LE_RELNET_N_LSNN, LE_RELNET_N_LSNN, 0, 1},
    {"lsnn_ques.w_in", "lsnn_ques.d_in", LE_RN_L_LSNN_QUES, LE_RELNET_N_WORDS, LE_RELNET_N_LSNN, 0, 0},
    {"lsnn_ques.w_rec", "lsnn_ques.d_rec", LE_RN_L_LSNN_QUES, LE_RELNET_N_LSNN, LE_RELNET_N_LSNN, 0, 1},
    {"g1.w", "g1.d", LE_RN_L_G1, LE_RELNET_N_G1_IN, LE_RELNET_N_G, 0, 0},
    {"g2.w", "g2.d", LE_RN_L_G2, LE_RELNET_N_G, LE_RELNET_N_G, 0, 0},
    {"g3.w", "g3.d", LE_RN_L_G3, LE_RELNET_N_G, LE_RELNET_N_G, 0, 0},
    {"g4.w", "g4.d", LE_RN_L_G4, LE_RELNET_N_G, LE_RELNET_N_G, 0, 0},
    {"agg.w", NULL, LE_RN_L_AGG, LE_RELNET_N_G, 1, 1, 0},
    {"f1.w", "f1.d", LE_RN_L_F1, LE_RELNET_N_G, LE_RELNET_N_G, 0, 0},
    {"f2.w", "f2.d", LE_RN_L_F2, LE_RELNET_N_G, LE_RELNET_N_F2, 0, 0},
    {"f3.w", "f3.d", LE_RN_L_F3, LE_RELNET_N_F2, LE_RELNET_N_F3, 0, 0},
    {"readout.w", NULL, LE_RN_L_READOUT, LE_RELNET_N_F3, LE_RELNET_N_OUT, 0, 0},
};

const char *le_relnet_layer_name(le_relnet_layer_id l)
{
    return (unsigned)l < LE_RN_N_LAYERS ? le_rn_layers[l].name : "?";
}

const char *le_relnet_weight_name(le_relnet_conn_id c)
{
    return (unsigned)c < LE_RN_N_CONNS ? le_rn_conns[c].w_name : "?";
}

const char *le_relnet_delay_name(le_relnet_conn_id c)
{
    return (unsigned)c < LE_RN_N_CONNS ? le_rn_conns[c].d_name : NULL;
}

le_relnet_layer_id le_relnet_conn_post(le_relnet_conn_id c)
{
    return (unsigned)c < LE_RN_N_CONNS ? le_rn_conns[c].post : LE_RN_N_LAYERS;
}

void le_relnet_conn_shape(le_relnet_conn_id c, uint32_t *rows, uint32_t *cols)
{
    *rows = (unsigned)c < LE_RN_N_CONNS ? le_rn_conns[c].rows : 0;
    *cols = (unsigned)c < LE_RN_N_CONNS ? le_rn_conns[c].cols : 0;
}

le_profile le_relnet_main_profile(const le_relnet_layer *l)
{
    le_profile p = le_profile_default();
    p.decay_u = l->decay_u;
    p.decay_v = l->decay_v;
    p.vth_mant = l->vth_mant;
    p.refract = l->refract;
    if (l->n_adaptive)
        p.join_op = LE_JOIN_ADD;
    return p;
}

le_profile le_relnet_aux_profile(const le_relnet_layer *l)
{
    le_profile p = le_profile_default();
    if (!l->n_adaptive)
        return p;
    p.decay_u = l->ahp_decay_u;
    p.decay_v = l->ahp_decay_v;
    p.vth_mant = 131071; /* a stack_out compartment never fires; the value is only for completeness */
    p.stack_out = 1;
    return p;
}

void le_relnet_weights_free(le_relnet_weights *w)
{
    for (int c = 0; c < LE_RN_N_CONNS; c++) {
        free(w->conn[c].w);
        free(w->conn[c].d);
        w->conn[c].w = NULL;
        w->conn[c].d = NULL;
    }
}

le_code le_relnet_manifest_sha256(const char *dir, char hex[LE_SHA256_HEX], le_error *err)
{
    char path[1100];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, LE_RN_MANIFEST) >= sizeof path)
        return le_fail(err, LE_ERR_USAGE, "RelNet weights: directory name too long: %.64s...", dir);
    uint8_t d[LE_SHA256_BYTES];
    le_code rc = le_sha256_file(path, d, err);
    if (rc) {
        le_error_prefix(err, "RelNet weights");
        return rc;
    }
    le_sha256_hex(d, hex);
    return LE_OK;
}

/* --- token files --- */

le_code le_rn_check_tokens(const char *path, const char *what, uint32_t max_lines, uint32_t *n_lines,
                           uint8_t sha[LE_SHA256_BYTES], le_error *err)
{
    FILE *f = NULL;
    le_code orc = le_input_open(path, "a token list", &f, NULL, err);
    if (orc) {
        le_error_prefix(err, "%s", what);
        return orc;
    }
    /* A vocabulary of 180 short tokens is a few kilobytes; 1 MiB is generous. */
    enum { CAP = 1 << 20 };
    char *buf = malloc(CAP + 1);
    if (!buf) {
        fclose(f);
        return le_fail(err, LE_ERR_NOMEM, "%s %s: out of memory", what, path);
    }
    size_t n = fread(buf, 1, CAP + 1, f);
    int bad = ferror(f);
    fclose(f);
    le_code rc = LE_OK;
    if (bad)
        rc = le_fail(err, LE_ERR_IO, "%s %s: read error", what, path);
    else if (n > CAP)
        rc = le_fail(err, LE_ERR_DATA, "%s %s: larger than %d bytes; not a token list", what, path, CAP);
    if (rc) {
        free(buf);
        return rc;
    }
    le_sha256(buf, n, sha);
    const char *tok[LE_RELNET_N_WORDS > LE_RELNET_N_OUT ? LE_RELNET_N_WORDS : LE_RELNET_N_OUT];
    size_t len[sizeof tok / sizeof tok[0]];
    if (max_lines > sizeof tok / sizeof tok[0])
        max_lines = (uint32_t)(sizeof tok / sizeof tok[0]);
    uint32_t lines = 0;
    size_t i = 0;
    while (i < n && !rc) {
        size_t j = i;
        while (j < n && buf[j] != '\n')
            j++;
        uint32_t line = lines + 1;
        if (j == i)
            rc = le_fail(err, LE_ERR_DATA, "%s %s:%u: empty line (line k is the token of index k-1; pad with distinct tokens)",
                         what, path, line);
        for (size_t k = i; k < j && !rc; k++) {
            unsigned char ch = (unsigned char)buf[k];
            if (ch <= ' ' || ch == 0x7f)
                rc = le_fail(err, LE_ERR_DATA, "%s %s:%u: character 0x%02x in a token (blanks and control characters are not allowed)",
                             what, path, line, ch);
        }
        if (!rc && lines >= max_lines)
            rc = le_fail(err, LE_ERR_DATA, "%s %s: more than %u lines (the network has %u lines)", what, path,
                         max_lines, max_lines);
        /* a padding line ("<unused>": angle brackets never occur in a word) may repeat */
        int padding = j - i >= 2 && buf[i] == '<' && buf[j - 1] == '>';
        for (uint32_t k = 0; k < lines && !rc && !padding; k++)
            if (len[k] == j - i && !memcmp(tok[k], buf + i, j - i))
                rc = le_fail(err, LE_ERR_DATA, "%s %s:%u: token '%.*s' repeats line %u", what, path, line, (int)(j - i),
                             buf + i, k + 1);
        if (!rc) {
            tok[lines] = buf + i;
            len[lines] = j - i;
            lines++;
        }
        i = j + 1;
    }
    free(buf);
    if (rc)
        return rc;
    if (lines == 0)
        return le_fail(err, LE_ERR_DATA, "%s %s: empty", what, path);
    *n_lines = lines;
    return LE_OK;
}

/* --- the manifest --- */

typedef struct {
    char file[256];
    char sha[LE_SHA256_HEX];
    int dtype_i16, dtype_u8, dtype_i8; /* the declared dtype */
    int32_t wexp;
} tensor_entry;

typedef struct {
    le_cfg *c;
    const char *dir;
    le_error *err;
} ctx;

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static le_code get_int(ctx *x, int map, const char *key, const char *field, int64_t lo, int64_t hi, int32_t *out)
{
    int64_t v;
    le_code rc = le_cfg_int_key(x->c, map, key, field, lo, hi, &v, x->err);
    if (!rc)
        *out = (int32_t)v;
    return rc;
}

/* A file in the directory itself: a plain name, so that a manifest cannot point elsewhere. */
static le_code get_file(ctx *x, int map, const char *field, char *out, size_t cap)
{
    le_code rc = le_cfg_string(x->c, map, "file", field, 1, out, cap, x->err);
    if (rc)
        return rc;
    if (!out[0] || out[0] == '.' || strchr(out, '/') || strchr(out, '\\'))
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: '%s' is not a plain file name in the directory",
                       x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, map, "file")), field, out);
    return LE_OK;
}

static le_code get_sha(ctx *x, int map, const char *field, char out[LE_SHA256_HEX])
{
    char s[80];
    le_code rc = le_cfg_string(x->c, map, "sha256", field, 1, s, sizeof s, x->err);
    if (rc)
        return rc;
    if (!is_hex64(s))
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: expected 64 lower-case hex digits, found '%.70s'",
                       x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, map, "sha256")), field, s);
    memcpy(out, s, LE_SHA256_HEX);
    return LE_OK;
}

/* A token list is a file in the directory ({file, lines, sha256}) or the bAbI dictionary that
 * the program builds from the data folder ({source: babi, lines, sha256}), which keeps a copy of
 * the data out of every trained weight directory. *file is "" for the second. */
static le_code read_token_entry(ctx *x, int root, const char *key, char *file, size_t cap, uint32_t *lines,
                                char sha[LE_SHA256_HEX], uint32_t max_lines)
{
    int m;
    char field[96];
    le_code rc = le_cfg_map(x->c, root, key, key, &m, x->err);
    if (rc)
        return rc;
    int src = le_cfg_get(x->c, m, "source");
    file[0] = 0;
    if (src) {
        char s[32] = "";
        snprintf(field, sizeof field, "%s.source", key);
        if ((rc = le_cfg_string(x->c, m, "source", field, 1, s, sizeof s, x->err)))
            return rc;
        if (strcmp(s, LE_RN_SOURCE_BABI))
            return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: '%s'; the only source is '%s' (the dictionary "
                           "built from the data folder's bAbI)", x->c->path, le_cfg_line(x->c, src), field, s,
                           LE_RN_SOURCE_BABI);
        int f = le_cfg_get(x->c, m, "file");
        if (f)
            return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s.file: a token list is a file or a source, not "
                           "both", x->c->path, le_cfg_line(x->c, f), key);
    } else {
        snprintf(field, sizeof field, "%s.file", key);
        if ((rc = get_file(x, m, field, file, cap)))
            return rc;
    }
    snprintf(field, sizeof field, "%s.lines", key);
    int32_t l;
    if ((rc = get_int(x, m, "lines", field, 1, max_lines, &l)))
        return rc;
    *lines = (uint32_t)l;
    snprintf(field, sizeof field, "%s.sha256", key);
    return get_sha(x, m, field, sha);
}

static le_code read_schedule(ctx *x, int root)
{
    static const struct {
        const char *key;
        int32_t value;
    } S[] = {{"dt_ms", 1},
             {"T_word", LE_RELNET_T_WORD},
             {"max_words", LE_RELNET_MAX_WORDS},
             {"T_inp", LE_RELNET_T_INP},
             {"T_sim", LE_RELNET_T_SIM},
             {"T_readout", LE_RELNET_T_READOUT},
             {"max_sentences", LE_RELNET_MAX_SENTENCES},
             {"steps_per_sample", LE_RELNET_STEPS_PER_SAMPLE}};
    int m;
    le_code rc = le_cfg_map(x->c, root, "schedule", "schedule", &m, x->err);
    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof S / sizeof S[0]; i++) {
        char field[64];
        snprintf(field, sizeof field, "schedule.%s", S[i].key);
        int32_t v;
        if ((rc = get_int(x, m, S[i].key, field, 0, 1000000, &v)))
            return rc;
        if (v != S[i].value)
            return le_fail(x->err, LE_ERR_CONFIG,
                           "%s:%d: field %s: the weights were made for %d; the emulator's RelNet runs %d (spec §4)",
                           x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, m, S[i].key)), field, (int)v,
                           (int)S[i].value);
    }
    return LE_OK;
}

static le_code read_tasks(ctx *x, int root, le_relnet_weights *w)
{
    int s;
    le_code rc = le_cfg_seq(x->c, root, "task_list", "task_list", &s, x->err);
    if (rc)
        return rc;
    int n = le_cfg_seq_len(x->c, s);
    if (n < 1 || n > 20)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field task_list: %d entries; expected 1 to 20 bAbI task numbers",
                       x->c->path, le_cfg_line(x->c, s), n);
    for (int i = 0; i < n; i++) {
        int item = le_cfg_seq_item(x->c, s, i);
        char field[48];
        snprintf(field, sizeof field, "task_list[%d]", i);
        int64_t t;
        if ((rc = le_cfg_int_at(x->c, item, field, 1, 20, &t, x->err)))
            return rc;
        if (i > 0 && (uint32_t)t <= w->tasks[i - 1])
            return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: task %d after task %u; list each task once, ascending",
                           x->c->path, le_cfg_line(x->c, item), field, (int)t, w->tasks[i - 1]);
        w->tasks[i] = (uint32_t)t;
    }
    w->n_tasks = (uint32_t)n;
    return LE_OK;
}

static le_code read_provenance(ctx *x, int root, le_relnet_weights *w)
{
    int gen = le_cfg_get(x->c, root, "generated");
    int tr = le_cfg_get(x->c, root, "trained");
    if (gen && tr)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: fields generated and trained: give one of them, not both",
                       x->c->path, le_cfg_line(x->c, tr));
    if (!gen && !tr)
        return le_fail(x->err, LE_ERR_CONFIG,
                       "%s:%d: provenance missing: add 'generated:' (generator, seed, params) or 'trained:' (training "
                       "metadata)",
                       x->c->path, le_cfg_line(x->c, root));
    le_code rc;
    if (tr) {
        if (!le_cfg_is_map(x->c, tr))
            return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field trained: expected a mapping of training metadata",
                           x->c->path, le_cfg_line(x->c, tr));
        /* Free-form: what a training run records is up to the trainer (issue 9). */
        le_cfg_mark_known(x->c, tr);
        w->origin = LE_RN_TRAINED;
        return LE_OK;
    }
    if (!le_cfg_is_map(x->c, gen))
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field generated: expected a mapping", x->c->path,
                       le_cfg_line(x->c, gen));
    w->origin = LE_RN_GENERATED;
    if ((rc = le_cfg_string(x->c, gen, "generator", "generated.generator", 1, w->generator, sizeof w->generator,
                            x->err)))
        return rc;
    char seed[32];
    if ((rc = le_cfg_string(x->c, gen, "seed", "generated.seed", 1, seed, sizeof seed, x->err)))
        return rc;
    char *end = NULL;
    errno = 0;
    unsigned long long s = strtoull(seed, &end, 10);
    if (!seed[0] || seed[0] == '-' || errno || *end)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field generated.seed: expected a whole number 0..2^64-1, found '%s'",
                       x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, gen, "seed")), seed);
    w->seed = (uint64_t)s;
    int params;
    if ((rc = le_cfg_map(x->c, gen, "params", "generated.params", &params, x->err)))
        return rc;
    le_cfg_mark_known(x->c, params); /* recorded for people; the weights themselves are checked below */
    return LE_OK;
}

static le_code read_layer(ctx *x, int layers, le_relnet_layer_id id, le_relnet_weights *w)
{
    const le_rn_layer_spec *s = &le_rn_layers[id];
    le_relnet_layer *L = &w->layer[id];
    int m;
    char field[96];
    snprintf(field, sizeof field, "layers.%s", s->name);
    le_code rc = le_cfg_map(x->c, layers, s->name, field, &m, x->err);
    if (rc)
        return rc;
#define FIELD(k) (snprintf(field, sizeof field, "layers.%s.%s", s->name, k), field)
    int32_t n;
    if ((rc = get_int(x, m, "n", FIELD("n"), 0, 1 << 20, &n)))
        return rc;
    if ((uint32_t)n != s->n)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: %d neurons; the RelNet's layer %s has %u (spec §1.1)",
                       x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, m, "n")), field, (int)n, s->name, s->n);
    L->n = (uint32_t)n;
    if ((rc = get_int(x, m, "decay_u", FIELD("decay_u"), 0, LE_DECAY_ONE, &L->decay_u)) ||
        (rc = get_int(x, m, "decay_v", FIELD("decay_v"), 0, LE_DECAY_ONE - 1, &L->decay_v)) ||
        (rc = get_int(x, m, "vth_mant", FIELD("vth_mant"), 0, 131071, &L->vth_mant)) ||
        (rc = get_int(x, m, "refract", FIELD("refract"), 1, 64, &L->refract)))
        return rc;
    const le_limits *lim = le_limits_loihi1();
    if (s->kind == LE_RN_K_LSNN) {
        int32_t na;
        if ((rc = get_int(x, m, "n_adaptive", FIELD("n_adaptive"), 0, s->n, &na)))
            return rc;
        if (na != LE_RELNET_N_ADAPTIVE)
            return le_fail(x->err, LE_ERR_CONFIG,
                           "%s:%d: field %s: %d; the RelNet's LSNNs have %d AHP neurons (indices 100..199, spec §5.3)",
                           x->c->path, le_cfg_line(x->c, le_cfg_get(x->c, m, "n_adaptive")), field, (int)na,
                           LE_RELNET_N_ADAPTIVE);
        L->n_adaptive = (uint32_t)na;
        int a;
        if ((rc = le_cfg_map(x->c, m, "ahp", FIELD("ahp"), &a, x->err)))
            return rc;
        /* The AHP is the neuron's own spike back through an inhibitory synapse (spec §1.4). */
        if ((rc = get_int(x, a, "decay_u", FIELD("ahp.decay_u"), 0, LE_DECAY_ONE, &L->ahp_decay_u)) ||
            (rc = get_int(x, a, "decay_v", FIELD("ahp.decay_v"), 0, LE_DECAY_ONE - 1, &L->ahp_decay_v)) ||
            (rc = get_int(x, a, "weight", FIELD("ahp.weight"), -256, 0, &L->ahp_weight)) ||
            (rc = get_int(x, a, "wexp", FIELD("ahp.wexp"), lim->weight_exp_min, lim->weight_exp_max, &L->ahp_wexp)))
            return rc;
    }
    if (s->kind == LE_RN_K_RELAY) {
        int32_t lo, hi;
        le_sign_range(LE_SIGN_SPLIT, &lo, &hi);
        if ((rc = get_int(x, m, "in_weight", FIELD("in_weight"), lo, hi, &L->in_weight)) ||
            (rc = get_int(x, m, "in_wexp", FIELD("in_wexp"), lim->weight_exp_min, lim->weight_exp_max, &L->in_wexp)))
            return rc;
        /* A relay copies spikes: one input spike must cross the threshold, and its current
         * must be gone by the next step (decay_u 4096) and no step may be silent (refract 1),
         * so that every spike, and only it, comes out (spec §1.4). */
        int32_t act = le_actual_weight(L->in_weight, L->in_wexp);
        int line = le_cfg_line(x->c, m);
        if ((int64_t)act <= (int64_t)L->vth_mant << LE_VTH_SHIFT)
            return le_fail(x->err, LE_ERR_CONFIG,
                           "%s:%d: field layers.relay: in_weight %d with in_wexp %d gives %d, not above the threshold "
                           "%d << 6 = %lld: a relay would drop spikes",
                           x->c->path, line, (int)L->in_weight, (int)L->in_wexp, (int)act, (int)L->vth_mant,
                           (long long)L->vth_mant << LE_VTH_SHIFT);
        if (L->decay_u != LE_DECAY_ONE || L->refract != 1)
            return le_fail(x->err, LE_ERR_CONFIG,
                           "%s:%d: field layers.relay: decay_u %d, refract %d; a relay needs decay_u 4096 and refract 1 "
                           "to pass each spike exactly once",
                           x->c->path, line, (int)L->decay_u, (int)L->refract);
    }
#undef FIELD
    return LE_OK;
}

static le_code read_tensor_entry(ctx *x, int tensors, const char *name, int is_delay, uint32_t rows, uint32_t cols,
                                 int vector, tensor_entry *t)
{
    int m;
    char field[96];
    snprintf(field, sizeof field, "tensors.%s", name);
    le_code rc = le_cfg_map(x->c, tensors, name, field, &m, x->err);
    if (rc)
        return rc;
#define FIELD(k) (snprintf(field, sizeof field, "tensors.%s.%s", name, k), field)
    if ((rc = get_file(x, m, FIELD("file"), t->file, sizeof t->file)))
        return rc;
    char dt[16];
    if ((rc = le_cfg_string(x->c, m, "dtype", FIELD("dtype"), 1, dt, sizeof dt, x->err)))
        return rc;
    t->dtype_i16 = !strcmp(dt, "int16");
    t->dtype_u8 = !strcmp(dt, "uint8");
    t->dtype_i8 = !strcmp(dt, "int8");
    if (is_delay ? !(t->dtype_u8 || t->dtype_i8) : !t->dtype_i16)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field %s: '%s'; %s", x->c->path,
                       le_cfg_line(x->c, le_cfg_get(x->c, m, "dtype")), field, dt,
                       is_delay ? "delays are uint8 or int8" : "weight mantissas are int16");
    int s;
    if ((rc = le_cfg_seq(x->c, m, "shape", FIELD("shape"), &s, x->err)))
        return rc;
    int nd = le_cfg_seq_len(x->c, s);
    int64_t d0 = -1, d1 = -1;
    for (int i = 0; i < nd && i < 2; i++) {
        char f2[112];
        snprintf(f2, sizeof f2, "tensors.%s.shape[%d]", name, i);
        if ((rc = le_cfg_int_at(x->c, le_cfg_seq_item(x->c, s, i), f2, 0, 1 << 24, i ? &d1 : &d0, x->err)))
            return rc;
    }
    int ok = vector ? (nd == 1 && d0 == rows) : (nd == 2 && d0 == rows && d1 == cols);
    if (!ok) {
        char want[48], got[64];
        if (vector)
            snprintf(want, sizeof want, "[%u]", rows);
        else
            snprintf(want, sizeof want, "[%u, %u]", rows, cols);
        if (nd == 1)
            snprintf(got, sizeof got, "[%lld]", (long long)d0);
        else if (nd == 2)
            snprintf(got, sizeof got, "[%lld, %lld]", (long long)d0, (long long)d1);
        else
            snprintf(got, sizeof got, "%d dimensions", nd);
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field tensors.%s.shape: %s; the RelNet has %s (spec §5.3)",
                       x->c->path, le_cfg_line(x->c, s), name, got, want);
    }
    if (!is_delay) {
        const le_limits *lim = le_limits_loihi1();
        if ((rc = get_int(x, m, "exponent", FIELD("exponent"), lim->weight_exp_min, lim->weight_exp_max, &t->wexp)))
            return rc;
    }
    return get_sha(x, m, FIELD("sha256"), t->sha);
#undef FIELD
}

/* Everything the manifest says, checked against the architecture; tensors are read later. */
static le_code read_manifest(ctx *x, le_relnet_weights *w, tensor_entry *tw, tensor_entry *td, char *vocab,
                             char *answers, size_t cap, char vsha[LE_SHA256_HEX], char asha[LE_SHA256_HEX])
{
    le_cfg *c = x->c;
    int root = le_cfg_root(c);
    if (!le_cfg_is_map(c, root))
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: expected a mapping at the top", c->path, le_cfg_line(c, root));
    char fmt[64];
    le_code rc = le_cfg_string(c, root, "format", "format", 1, fmt, sizeof fmt, x->err);
    if (rc)
        return rc;
    if (strcmp(fmt, LE_RN_FORMAT_NAME))
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field format: '%s'; expected '%s'", c->path,
                       le_cfg_line(c, le_cfg_get(c, root, "format")), fmt, LE_RN_FORMAT_NAME);
    int32_t ver;
    if ((rc = get_int(x, root, "format_version", "format_version", 0, 1000000, &ver)))
        return rc;
    if (ver != LE_RELNET_FORMAT_VERSION)
        return le_fail(x->err, LE_ERR_CONFIG, "%s:%d: field format_version: %d; this emulator reads version %d",
                       c->path, le_cfg_line(c, le_cfg_get(c, root, "format_version")), (int)ver,
                       LE_RELNET_FORMAT_VERSION);
    w->format_version = (uint32_t)ver;
    if ((rc = read_tasks(x, root, w)) ||
        (rc = read_token_entry(x, root, "vocab_file", vocab, cap, &w->n_vocab, vsha, LE_RELNET_N_WORDS)) ||
        (rc = read_token_entry(x, root, "answer_classes_file", answers, cap, &w->n_answers, asha, LE_RELNET_N_OUT)) ||
        (rc = read_schedule(x, root)) || (rc = read_provenance(x, root, w)))
        return rc;
    int layers, tensors;
    if ((rc = le_cfg_map(c, root, "layers", "layers", &layers, x->err)))
        return rc;
    for (int l = 0; l < LE_RN_N_LAYERS; l++)
        if ((rc = read_layer(x, layers, (le_relnet_layer_id)l, w)))
            return rc;
    if ((rc = le_cfg_map(c, root, "tensors", "tensors", &tensors, x->err)))
        return rc;
    for (int k = 0; k < LE_RN_N_CONNS; k++) {
        const le_rn_conn_spec *s = &le_rn_conns[k];
        if ((rc = read_tensor_entry(x, tensors, s->w_name, 0, s->rows, s->cols, s->vector, &tw[k])))
            return rc;
        if (s->d_name && (rc = read_tensor_entry(x, tensors, s->d_name, 1, s->rows, s->cols, s->vector, &td[k])))
            return rc;
    }
    return le_cfg_check_unknown(c, x->err);
}

/* --- tensors --- */

static le_code file_sha(const char *dir, const char *name, const char *path, const char *want, le_error *err)
{
    uint8_t d[LE_SHA256_BYTES];
    le_code rc = le_sha256_file(path, d, err);
    if (rc) {
        le_error_prefix(err, "%s: tensor %s", dir, name);
        return rc;
    }
    char hex[LE_SHA256_HEX];
    le_sha256_hex(d, hex);
    if (strcmp(hex, want))
        return le_fail(err, LE_ERR_DATA,
                       "%s: tensor %s: %s has sha256 %s; the manifest says %s (the file changed after the manifest "
                       "was written)",
                       dir, name, path, hex, want);
    return LE_OK;
}

/* The dtype string of a .npy file that le_npy_read has accepted: the value of 'descr'. */
static int npy_descr(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char h[512];
    size_t n = fread(h, 1, sizeof h - 1, f);
    fclose(f);
    h[n] = '\0';
    if (n < 10)
        return 0;
    const char *p = NULL;
    for (size_t i = 10; i + 7 < n && !p; i++)
        if (!memcmp(h + i, "'descr'", 7))
            p = h + i + 7;
    if (!p)
        return 0;
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '\'' && *p != '"')
        return 0;
    char q = *p++;
    size_t k = 0;
    while (*p && *p != q && k + 1 < cap)
        out[k++] = *p++;
    out[k] = '\0';
    return *p == q;
}

static le_code load_tensor(ctx *x, const char *name, const tensor_entry *t, const le_rn_conn_spec *s, int is_delay,
                           void **out)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", x->dir, t->file);
    le_code rc = file_sha(x->dir, name, path, t->sha, x->err);
    if (rc)
        return rc;
    le_npy a;
    if ((rc = le_npy_read(path, 0, 0, &a, x->err))) {
        le_error_prefix(x->err, "%s: tensor %s", x->dir, name);
        return rc;
    }
    char descr[16] = "";
    const char *want = t->dtype_i16 ? "<i2" : (t->dtype_u8 ? "|u1" : "|i1");
    const char *want_name = t->dtype_i16 ? "int16" : (t->dtype_u8 ? "uint8" : "int8");
    /* NumPy writes 1-byte types with '|'; '<' and '=' mean the same there. */
    int dt_ok = npy_descr(path, descr, sizeof descr) &&
                (!strcmp(descr, want) || (want[0] == '|' && (descr[0] == '<' || descr[0] == '=') && !strcmp(descr + 1, want + 1)));
    if (!dt_ok) {
        le_npy_free(&a);
        return le_fail(x->err, LE_ERR_DATA, "%s: tensor %s: %s has dtype '%s'; the manifest says %s ('%s')", x->dir, name,
                       t->file, descr, want_name, want);
    }
    int shape_ok = s->vector ? (a.ndim == 1 && a.shape[0] == s->rows)
                             : (a.ndim == 2 && a.shape[0] == s->rows && a.shape[1] == s->cols);
    if (!shape_ok) {
        char got[64], exp[48];
        if (a.ndim == 1)
            snprintf(got, sizeof got, "(%zu,)", a.shape[0]);
        else
            snprintf(got, sizeof got, "(%zu, %zu)", a.shape[0], a.ndim > 1 ? a.shape[1] : 0);
        if (s->vector)
            snprintf(exp, sizeof exp, "(%u,)", s->rows);
        else
            snprintf(exp, sizeof exp, "(%u, %u)", s->rows, s->cols);
        le_npy_free(&a);
        return le_fail(x->err, LE_ERR_DATA, "%s: tensor %s: %s has shape %s; expected %s", x->dir, name, t->file, got,
                       exp);
    }
    int32_t lo, hi;
    if (is_delay) {
        lo = 0;
        hi = (int32_t)le_limits_loihi1()->max_delay;
    } else
        le_sign_range(LE_SIGN_SPLIT, &lo, &hi);
    size_t cols = s->vector ? 1 : s->cols;
    void *buf = malloc(a.count * (is_delay ? sizeof(uint8_t) : sizeof(int16_t)));
    if (!buf) {
        le_npy_free(&a);
        return le_fail(x->err, LE_ERR_NOMEM, "%s: tensor %s: out of memory for %zu values", x->dir, name, a.count);
    }
    for (size_t i = 0; i < a.count; i++) {
        float v = a.data[i];
        if (v < (float)lo || v > (float)hi) {
            size_t r = i / cols, col = i % cols;
            le_npy_free(&a);
            free(buf);
            if (s->vector)
                return le_fail(x->err, LE_ERR_RANGE, "%s: tensor %s: entry %zu is %g, outside %d..%d (%s)", x->dir,
                               name, r, (double)v, (int)lo, (int)hi,
                               is_delay ? "the chip's synaptic delays" : "8-bit weight mantissas");
            return le_fail(x->err, LE_ERR_RANGE, "%s: tensor %s: entry (%zu, %zu) is %g, outside %d..%d (%s)", x->dir,
                           name, r, col, (double)v, (int)lo, (int)hi,
                           is_delay ? "the chip's synaptic delays" : "8-bit weight mantissas");
        }
        if (is_delay)
            ((uint8_t *)buf)[i] = (uint8_t)v;
        else
            ((int16_t *)buf)[i] = (int16_t)v;
    }
    le_npy_free(&a);
    if (s->recurrent && !is_delay) {
        const int16_t *m = buf;
        for (uint32_t i = 0; i < s->rows; i++)
            if (m[(size_t)i * s->cols + i]) {
                int v = m[(size_t)i * s->cols + i];
                free(buf);
                return le_fail(x->err, LE_ERR_DATA,
                               "%s: tensor %s: diagonal entry (%u, %u) is %d; a neuron has no synapse onto itself "
                               "(spec §5.3)",
                               x->dir, name, i, i, v);
            }
    }
    *out = buf;
    return LE_OK;
}

static le_code check_token_file(ctx *x, const char *role, const char *file, uint32_t lines, const char *sha,
                                uint32_t max, char *path_out, size_t cap)
{
    snprintf(path_out, cap, "%s/%s", x->dir, file);
    uint32_t n;
    uint8_t d[LE_SHA256_BYTES];
    le_code rc = le_rn_check_tokens(path_out, role, max, &n, d, x->err);
    if (rc) {
        le_error_prefix(x->err, "%s", x->dir);
        return rc;
    }
    char hex[LE_SHA256_HEX];
    le_sha256_hex(d, hex);
    if (strcmp(hex, sha))
        return le_fail(x->err, LE_ERR_DATA, "%s: %s %s has sha256 %s; the manifest says %s", x->dir, role, file, hex,
                       sha);
    if (n != lines)
        return le_fail(x->err, LE_ERR_DATA, "%s: %s %s has %u lines; the manifest says %u", x->dir, role, file, n,
                       lines);
    return LE_OK;
}

le_code le_relnet_weights_load(const char *dir, le_relnet_weights *w, le_error *err)
{
    memset(w, 0, sizeof *w);
    if (strlen(dir) >= sizeof w->dir - 32)
        return le_fail(err, LE_ERR_USAGE, "RelNet weights: directory name too long: %.64s...", dir);
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, LE_RN_MANIFEST);
    le_cfg c;
    le_code rc = le_cfg_load(&c, path, err);
    if (rc) {
        le_error_prefix(err, "RelNet weights");
        return rc;
    }
    ctx x = {&c, w->dir, err};
    tensor_entry tw[LE_RN_N_CONNS], td[LE_RN_N_CONNS];
    memset(tw, 0, sizeof tw);
    memset(td, 0, sizeof td);
    char vocab[256] = "", answers[256] = "", vsha[LE_SHA256_HEX] = "", asha[LE_SHA256_HEX] = "";
    rc = read_manifest(&x, w, tw, td, vocab, answers, sizeof vocab, vsha, asha);
    le_cfg_free(&c);
    memcpy(w->vocab_sha256, vsha, LE_SHA256_HEX);
    memcpy(w->answers_sha256, asha, LE_SHA256_HEX);
    if (!rc && vocab[0])
        rc = check_token_file(&x, "vocabulary", vocab, w->n_vocab, vsha, LE_RELNET_N_WORDS, w->vocab_path,
                              sizeof w->vocab_path);
    if (!rc && answers[0])
        rc = check_token_file(&x, "answer classes", answers, w->n_answers, asha, LE_RELNET_N_OUT, w->answers_path,
                              sizeof w->answers_path);
    for (int k = 0; k < LE_RN_N_CONNS && !rc; k++) {
        const le_rn_conn_spec *s = &le_rn_conns[k];
        le_relnet_conn *cn = &w->conn[k];
        cn->rows = s->rows;
        cn->cols = s->cols;
        cn->wexp = tw[k].wexp;
        rc = load_tensor(&x, s->w_name, &tw[k], s, 0, (void **)&cn->w);
        if (!rc && s->d_name)
            rc = load_tensor(&x, s->d_name, &td[k], s, 1, (void **)&cn->d);
    }
    if (!rc)
        rc = le_relnet_manifest_sha256(dir, w->manifest_sha256, err);
    if (rc)
        le_relnet_weights_free(w);
    return rc;
}

static le_code check_dict_entry(const le_relnet_weights *w, const char *role, const char *path, uint32_t lines,
                                const char *sha, const char *want, const char *babi, le_error *err)
{
    if (lines == LE_BABI_DICT_LINES && !strcmp(sha, want))
        return LE_OK;
    char from[1400];
    if (path[0])
        snprintf(from, sizeof from, "the file %s", path);
    else
        snprintf(from, sizeof from, "source: %s", LE_RN_SOURCE_BABI);
    return le_fail(err, LE_ERR_DATA,
                   "RelNet weights %s: %s (%s) has %u lines, sha256 %.16s...; the dictionary built from %s has "
                   "%u lines, sha256 %.16s...: input and readout lines would mean other words than the weights were "
                   "trained on (bAbI files added or removed in the data folder?)",
                   w->dir, role, from, lines, sha, babi, LE_BABI_DICT_LINES, want);
}

le_code le_relnet_weights_check_dict(const le_relnet_weights *w, const le_babi_dict *d, const char *babi,
                                     le_error *err)
{
    char want[LE_SHA256_HEX];
    le_babi_dict_sha256(d, want);
    le_code rc = check_dict_entry(w, "vocabulary", w->vocab_path, w->n_vocab, w->vocab_sha256, want, babi, err);
    if (!rc)
        rc = check_dict_entry(w, "answer classes", w->answers_path, w->n_answers, w->answers_sha256, want, babi, err);
    return rc;
}
