/* The Spiking RelNet's weight directory (spec relnet-on-loihi.md §5.3, docs/relnet-weights.md):
 * manifest.yaml plus one .npy per tensor, every file named by its SHA-256. The loader checks
 * everything against the manifest and the architecture (spec §1) and fails with one message
 * naming the directory, the tensor and what was expected and found; the seeded generator
 * writes a complete directory of the right shapes with activity aimed at the paper's rates,
 * until trained weights exist (issue 9). Units are the emulator's (core/compartment.h,
 * models/network.h): weights are 8-bit mantissas with an exponent, decays are 12-bit. */
#ifndef LE_MODELS_RELNET_WEIGHTS_H
#define LE_MODELS_RELNET_WEIGHTS_H

#include <stdint.h>

#include "core/compartment.h"
#include "util/error.h"
#include "util/sha256.h"
#include "models/relnet/babi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_RELNET_FORMAT_VERSION 1

/* Architecture (spec §1.1). */
#define LE_RELNET_N_WORDS 180    /* word input lines = vocabulary lines at most */
#define LE_RELNET_N_LSNN 200     /* per LSNN: neurons 0..99 LIF, 100..199 with AHP */
#define LE_RELNET_N_ADAPTIVE 100
#define LE_RELNET_N_G 256        /* each g_theta layer, the aggregation, f_phi layer 1 */
#define LE_RELNET_N_G1_IN 600    /* g_theta layer-1 rows: o_i 0..199, o_j 200..399, q 400..599 */
#define LE_RELNET_N_F2 512
#define LE_RELNET_N_F3 160
#define LE_RELNET_N_OUT 180      /* readout lines = answer classes at most */

/* The schedule the weights are trained for (spec §1.2-1.3, §4); the manifest must agree. */
#define LE_RELNET_T_WORD 10
#define LE_RELNET_MAX_WORDS 11
#define LE_RELNET_T_INP 14
#define LE_RELNET_T_SIM 37
#define LE_RELNET_T_READOUT 10
#define LE_RELNET_MAX_SENTENCES 20
#define LE_RELNET_STEPS_PER_SAMPLE 143

/* Neuron layers: each has one parameter set in the manifest. The relays of the sentences and
 * of the question share one. */
typedef enum {
    LE_RN_L_LSNN_SENT = 0,
    LE_RN_L_LSNN_QUES,
    LE_RN_L_RELAY,
    LE_RN_L_G1,
    LE_RN_L_G2,
    LE_RN_L_G3,
    LE_RN_L_G4,
    LE_RN_L_AGG,
    LE_RN_L_F1,
    LE_RN_L_F2,
    LE_RN_L_F3,
    LE_RN_L_READOUT,
    LE_RN_N_LAYERS
} le_relnet_layer_id;

/* Weight matrices [pre, post], each with its delays where the network has them. */
typedef enum {
    LE_RN_C_SENT_IN = 0, /* lsnn_sent.w_in / d_in   [180, 200] word -> sentence LSNN */
    LE_RN_C_SENT_REC,    /* lsnn_sent.w_rec / d_rec [200, 200] recurrent, diagonal 0 */
    LE_RN_C_QUES_IN,     /* lsnn_ques.w_in / d_in   [180, 200] */
    LE_RN_C_QUES_REC,    /* lsnn_ques.w_rec / d_rec [200, 200] */
    LE_RN_C_G1,          /* g1.w / g1.d [600, 256] (o_i, o_j, q) -> g_theta layer 1 */
    LE_RN_C_G2,          /* g2.w / g2.d [256, 256] */
    LE_RN_C_G3,
    LE_RN_C_G4,
    LE_RN_C_AGG,         /* agg.w [256]: neuron k of every instance -> aggregation neuron k, delay 0 */
    LE_RN_C_F1,          /* f1.w / f1.d [256, 256] */
    LE_RN_C_F2,          /* f2.w / f2.d [256, 512] */
    LE_RN_C_F3,          /* f3.w / f3.d [512, 160] */
    LE_RN_C_READOUT,     /* readout.w [160, 180], delay 0 */
    LE_RN_N_CONNS
} le_relnet_conn_id;

/* One layer's neurons in the emulator's integer units (core/compartment.h). */
typedef struct {
    uint32_t n;          /* neurons (the architecture's size) */
    uint32_t n_adaptive; /* LSNNs: the last n_adaptive neurons are AHP neurons; else 0 */
    int32_t decay_u;     /* current decay 0..4096 (4096 = no memory) */
    int32_t decay_v;     /* voltage decay 0..4095 */
    int32_t vth_mant;    /* 0..131071: spikes when v > vth_mant << 6 */
    int32_t refract;     /* refractory delay 1..64 (1 = no silent step) */
    /* AHP neurons (n_adaptive > 0): the auxiliary compartment and the self-synapse onto it. */
    int32_t ahp_decay_u, ahp_decay_v; /* the AHP current decays in the aux v (decay_v) */
    int32_t ahp_weight, ahp_wexp;     /* mantissa -256..0 (inhibitory) and exponent */
    /* Relays only: the one-to-one weight from the LSNN neuron, strong enough that one spike
     * crosses the threshold (spec §1.4). */
    int32_t in_weight, in_wexp;
} le_relnet_layer;

typedef struct {
    uint32_t rows, cols; /* [pre, post]; the aggregation vector has rows 256, cols 1 */
    int32_t wexp;        /* weight exponent of the whole matrix, -8..7 */
    int16_t *w;          /* rows * cols mantissas, row-major, -256..255; 0 = no synapse */
    uint8_t *d;          /* rows * cols synaptic delays 0..62, or NULL (aggregation, readout) */
} le_relnet_conn;

typedef enum { LE_RN_GENERATED = 1, LE_RN_TRAINED = 2 } le_relnet_origin;

typedef struct {
    char dir[1024];
    char manifest_sha256[LE_SHA256_HEX]; /* hash of manifest.yaml: names the weights in reports */
    uint32_t format_version;
    uint32_t n_tasks;
    uint32_t tasks[20];          /* bAbI task numbers, ascending */
    char vocab_path[1280];       /* dir/vocab file: one token per line, line = input index;
                                    "" with `source: babi` (the dictionary built from the data) */
    char answers_path[1280];     /* dir/answer-class file: line = readout index; "" likewise */
    uint32_t n_vocab, n_answers; /* lines in each */
    char vocab_sha256[LE_SHA256_HEX], answers_sha256[LE_SHA256_HEX]; /* as the manifest says */
    le_relnet_origin origin;
    uint64_t seed;               /* generated: the generator's seed */
    char generator[128];         /* generated: the generator's name and version */
    le_relnet_layer layer[LE_RN_N_LAYERS];
    le_relnet_conn conn[LE_RN_N_CONNS];
} le_relnet_weights;

/* Names as the manifest spells them: "lsnn_sent", "g1", ...; "lsnn_sent.w_in", "g1.w", ...;
 * the delay tensor "lsnn_sent.d_in", "g1.d", ... or NULL when the connection has none. */
const char *le_relnet_layer_name(le_relnet_layer_id l);
const char *le_relnet_weight_name(le_relnet_conn_id c);
const char *le_relnet_delay_name(le_relnet_conn_id c);
/* The layer a connection feeds, and its shape [rows, cols] (cols 1 for the aggregation). */
le_relnet_layer_id le_relnet_conn_post(le_relnet_conn_id c);
void le_relnet_conn_shape(le_relnet_conn_id c, uint32_t *rows, uint32_t *cols);

/* Reads dir/manifest.yaml and every file it names, strictly: unknown or missing keys, a tensor
 * missing or with the wrong file, dtype, shape or hash, a value outside the chip's range, a
 * non-zero recurrent diagonal, a relay that would not pass every spike, a schedule other than
 * the emulator's: one error naming the directory and the tensor or field. On success w owns
 * its arrays (le_relnet_weights_free). */
le_code le_relnet_weights_load(const char *dir, le_relnet_weights *w, le_error *err);
void le_relnet_weights_free(le_relnet_weights *w);

/* The weights' vocabulary and answer classes are the dictionary d built from the bAbI folder
 * babi (same 180 lines, same SHA-256), whether the manifest names a file or `source: babi`;
 * otherwise LE_ERR_DATA naming both hashes. Every run calls it once the dictionary is built. */
le_code le_relnet_weights_check_dict(const le_relnet_weights *w, const le_babi_dict *d, const char *babi,
                                     le_error *err);

/* SHA-256 of dir/manifest.yaml as 64 hex digits: what a report prints beside the path. */
le_code le_relnet_manifest_sha256(const char *dir, char hex[LE_SHA256_HEX], le_error *err);

/* The compartment profiles of a layer (le_profile_default otherwise): main compartment (with
 * join_op ADD for a layer with AHP neurons) and the AHP neurons' auxiliary compartment. */
le_profile le_relnet_main_profile(const le_relnet_layer *l);
le_profile le_relnet_aux_profile(const le_relnet_layer *l);

/* --- the seeded generator (models/relnet/weights_gen.c; the rule is in docs/relnet-weights.md) --- */

typedef struct {
    const char *vocab_file;   /* required: copied into the directory as vocab.txt */
    const char *answers_file; /* required: copied as answers.txt */
    /* Intended firing rates, spikes per neuron per step while the layer is active. */
    double rate_lsnn;         /* LSNNs under word input [0.03] */
    double g_sum_hz;          /* g_theta: per unit summed over instances, Hz at 1 ms steps [300] */
    uint32_t ref_sentences;   /* story size M at which g_sum_hz holds: per instance g_sum / (M(M+1)/2) [20] */
    double rate_agg;          /* aggregation [0.03] */
    double rate_f;            /* f_phi layers 1-3 [0.03] */
    /* Per connection: the free membrane potential that its inputs alone cause, relative to the
     * threshold: mean (drive) and standard deviation (spread). The tuning knobs. */
    double drive[LE_RN_N_CONNS];
    double spread[LE_RN_N_CONNS];
    double density[LE_RN_N_CONNS]; /* fraction of synapses present; 1 = all-to-all (spec §1) [1] */
    uint32_t delay_min, delay_max; /* synaptic delays where the network has them [1, 3] (spec §1.4) */
    double mant_rms;               /* rms weight mantissa of the finest connection into a layer [40] */
    /* Neuron constants of Table S4 as 12-bit decays (int(4096 / tau), spec §1.4). */
    int32_t decay_u, decay_v;      /* tau_I = tau_V = 7 -> 585 */
    int32_t decay_ahp;             /* tau_AHP = 40.3 -> 101 */
    double beta_over_vth;          /* AHP increment relative to the threshold [0.176] */
    int32_t readout_decay_u;       /* readout tau_I: 7 (paper) -> 585; the authors' code uses 20 -> 204 */
    double readout_frac;           /* readout v std at the end of the window / 2^23 [1/32] */
    uint32_t refract;              /* [1]: Loihi's minimum; the paper has none (spec §7.8) */
} le_relnet_gen_params;

le_relnet_gen_params le_relnet_gen_params_default(void);

/* Creates dir (its parent must exist) if needed and writes every tensor, vocab.txt, answers.txt
 * and, last, manifest.yaml. The same seed and parameters give byte-identical files. */
le_code le_relnet_weights_generate(const char *dir, uint64_t seed, const le_relnet_gen_params *p, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
