/* One story size of the Spiking RelNet run on a placed layout: the stories of that size
 * selected from bAbI, run with the authors' x86 schedule through the pipeline, scored and
 * costed (`loihi-emu relnet`, bench/bench_relnet.c and the tests use it). */
#ifndef LE_EMU_RELNET_RUN_H
#define LE_EMU_RELNET_RUN_H

#include <stdio.h>

#include "cost/costmodel.h"
#include "emu/relnet_map.h"
#include "models/relnet/babi.h"
#include "models/relnet/snips.h"
#include "models/relnet/weights.h"
#include "run/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_RN_TOP_LINKS 3
#define LE_RN_GROUPS 12

/* Firing per layer, in the units the paper and the trainer use: the LSNNs in spikes per neuron
 * per step of the 110 input steps; each g_theta layer as the paper's R, a unit's spikes summed
 * over the instances, in Hz with one step taken as 1 ms of model time, over the 46 steps
 * 98..143 the feed-forward part runs (the regulariser's target is 300 Hz); the aggregation and
 * f_phi in spikes per neuron per step of those 46 steps. Every spike of a story counts (the
 * LSNNs fire a few after their reset at step 112). */
enum {
    LE_RN_RATE_LSNN_S, LE_RN_RATE_LSNN_Q, LE_RN_RATE_G1, LE_RN_RATE_G2, LE_RN_RATE_G3, LE_RN_RATE_G4,
    LE_RN_RATE_AGG, LE_RN_RATE_F1, LE_RN_RATE_F2, LE_RN_RATE_F3, LE_RN_RATES
};
#define LE_RN_LSNN_WINDOW 110u /* steps the words arrive in */
#define LE_RN_FF_WINDOW 46u    /* steps 98..143 */

/* What one story size on one placement gave. */
typedef struct {
    uint32_t M;
    const char *placement;
    uint32_t cores, chips, stories, available, correct;
    uint32_t task_n[21], task_ok[21];
    le_cost_summary sum;
    double split_j[4];   /* per inference: neuro-core static, dynamic, x86 static, dynamic */
    double chip_msgs;    /* chip-to-chip link traversals per inference */
    double power_w;
    double rate_lsnn, rate_g, rate_ff; /* spikes per neuron per step while running */
    double rate[LE_RN_RATES];          /* per layer, see LE_RN_RATE_LSNN_S */
    /* Share (0..1) of each layer's spikes that fall outside its window (the LSNNs' steps
     * 1..110, the feed-forward part's 98..143): what a layer fires after the x86 resets
     * (steps 112, 143) on the strength of spikes still in flight. They count in rate[]. */
    double outside[LE_RN_RATES];
    uint32_t layer_cores[12];  /* per layer group, see layer_group() */
    char link[LE_RN_TOP_LINKS][96];
    uint64_t link_pk[LE_RN_TOP_LINKS];
    uint32_t n_links;
} le_relnet_result;


typedef struct {
    const le_babi_corpus *corpus;
    const le_babi_dict *dict;
    const le_relnet_weights *w;
    le_pipeline_opts po;      /* board, network mode, seed, architecture */
    le_board_geom geom;       /* the board's (le_pipeline_board) */
    uint32_t tasks;           /* bAbI task mask */
    uint32_t stories;         /* per size; 0 = the paper's 250 (100 at M = 16) */
    const le_babi_qid *only;  /* NULL, or exactly these questions (those of each size; sorted) */
    uint32_t n_only;
    const char *placement;    /* the name rows carry: the strategy's, or a placement file's */
    int ledger;               /* print the cost model's report after the run */
    int progress;             /* draw a progress bar on stderr */
    FILE *pred;               /* CSV rows M,placement,task,line,answer,predicted; NULL: none */
    /* Called around each size's run, the pipeline open (traces, reports); NULL: none. */
    le_code (*before)(void *ctx, le_pipeline *p, uint32_t M, const char *placement, uint64_t steps, le_error *err);
    le_code (*after)(void *ctx, le_pipeline *p, le_error *err);
    void *hook_ctx;
    FILE *out;                /* where --ledger's report goes; NULL: stdout */
} le_relnet_runner;

le_code le_relnet_run_size(const le_relnet_runner *rr, const le_relnet_layout *lay, uint32_t M, le_relnet_result *r,
                           le_error *err);

/* The bAbI tasks a weight directory was made for (its manifest's task_list), as a mask. */
uint32_t le_relnet_weights_task_mask(const le_relnet_weights *w);
/* The tasks a run takes when none are asked for: the paper's 17 among the weights' own, so
 * that weights trained on a few tasks are scored on those (their task_list), not on tasks
 * they never saw; all of the weights' tasks if none of them is a paper task. */
uint32_t le_relnet_default_tasks(const le_relnet_weights *w);

/* What a Table S2 row is to the cost model (config/loihi.yaml says which rows were fitted):
 * "calibration" for the optimised M = 2 and M = 20 with generated weights, whose traffic the
 * chip-link latency was fitted on; "validation" for the other optimised rows, and for every
 * optimised row with other (trained) weights, since none of their traffic took part in the
 * fit; "comparison" for other placements (the paper measured the optimised one only); "not in
 * Table S2" for sizes the paper has no row for. */
const char *le_relnet_row_role(uint32_t M, const char *placement, le_relnet_origin origin, int in_paper);

/* A bAbI question as the network sees it: context sentences to sentence LSNNs 0..M-1
 * (oldest first), the question to LSNN 20. */
void le_relnet_sample_from_babi(const le_babi_example *e, le_relnet_sample *s);

/* The weight directory a run uses when none is given: <data>/relnet-weights/generated-<seed>,
 * generated from the dictionary when it has no manifest yet. Generation goes to a private
 * folder that is renamed into place when complete, so processes that start together (ctest
 * runs several) never read a half-written directory; the loser of the race keeps the
 * winner's, which is byte-identical (same seed). *generated says whether this call made it. */
le_code le_relnet_default_weights(const char *data, uint64_t seed, const le_babi_dict *dict, char *dir, size_t cap,
                                  int *generated, le_error *err);

/* The trained weights the source tree ships (relative to it): stage E of tools/relnet_train
 * exports them there (docs/relnet-training.md). */
#define LE_RELNET_TRAINED_WEIGHTS "train/run6/weights"

/* The weight directory of `--weights W`: W NULL or "trained", the trained weights the source
 * tree ships; "generated", le_relnet_default_weights (seed `seed`, *generated as there); else
 * the folder W. A missing trained directory is an error that names it and the alternatives. */
le_code le_relnet_weights_dir(const char *w, const char *data, uint64_t seed, const le_babi_dict *dict, char *dir,
                              size_t cap, int *generated, le_error *err);

/* Layer groups of Table S5, the group of a population name (-1: none), Table S5's cores. */
extern const char *const le_relnet_group_name[LE_RN_GROUPS];
extern const uint32_t le_relnet_table_s5[LE_RN_GROUPS];
int le_relnet_layer_group(const char *name);

/* The per-layer firing's names (le_relnet_rate_name: "lsnn_sentence", "g1", "f3", ...), the
 * layer of a population name (-1: none), and whether a layer is a g_theta layer (Hz). */
extern const char *const le_relnet_rate_name[LE_RN_RATES];
int le_relnet_rate_layer(const char *name);
static inline int le_relnet_rate_is_hz(int k) { return k >= LE_RN_RATE_G1 && k <= LE_RN_RATE_G4; }

#ifdef __cplusplus
}
#endif
#endif
