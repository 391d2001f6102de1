/* The sMNIST LSNN of the seed paper (seed 002, "Details for the application to sMNIST") as the
 * authors configured it on Loihi (lsnn/src/lsnn.py, apps/seqmnist/seq_img_classifier.py; spec
 * smnist-on-loihi.md §1-§3): 80 inputs, 140 regular LIF, 100 LIF with AHP current (two
 * compartments), 10 non-spiking outputs, all on neuro-core 0 of chip 0, built through the
 * network API (models/network.h) with the authors' 8-bit weights. */
#ifndef LE_MODELS_SMNIST_SMNIST_H
#define LE_MODELS_SMNIST_SMNIST_H

#include <stdint.h>

#include "util/error.h"
#include "models/network.h"
#include "models/npy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_SMNIST_N_REG 140u
#define LE_SMNIST_N_ADA 100u
#define LE_SMNIST_N_REC (LE_SMNIST_N_REG + LE_SMNIST_N_ADA)
#define LE_SMNIST_N_OUT 10u
#define LE_SMNIST_WEIGHTS "smnist-weights/v25_94per"

/* Compartment parameters [spec §3]: vth 127, tauV 20 -> decayV int(4096/20) = 204, tauU 0 ->
 * decayU 4096 (no current memory), refractoryDelay 1; thrAdaScale 4 -> adaptive main vth 4 * 127
 * and input weight exponent 6 - 4 = 2; tauAdaptation 700 -> aux decayV int(4096/700) = 5;
 * beta -> aux weight -96 with exponent -4 (-384 per spike). */
#define LE_SMNIST_VTH 127
#define LE_SMNIST_VTH_ADA 508
#define LE_SMNIST_VTH_AUX 10000          /* never reached: the aux compartment only pushes its v */
#define LE_SMNIST_VTH_OUT 131071         /* 2^17 - 1: reached only at voltage saturation */
#define LE_SMNIST_DECAY_U 4096
#define LE_SMNIST_DECAY_V 204
#define LE_SMNIST_DECAY_AUX 5
#define LE_SMNIST_REFRACT 1
#define LE_SMNIST_WEXP_REG 0
#define LE_SMNIST_WEXP_ADA 2
#define LE_SMNIST_WEXP_OUT 0
#define LE_SMNIST_AHP_WEIGHT (-96)
#define LE_SMNIST_AHP_WEXP (-4)

/* The authors' trained weights: float32 integer mantissas, rows = sources [spec §2]. */
typedef struct {
    le_npy w_in;  /* 80 x 240 */
    le_npy w_rec; /* 240 x 240 */
    le_npy w_out; /* 240 x 10 */
} le_smnist_weights;

/* Reads w_in.npy, w_rec.npy and w_out.npy from dir (shapes checked; every entry must be an
 * integer mantissa in -256..255). */
le_code le_smnist_weights_load(const char *dir, le_smnist_weights *w, le_error *err);
void le_smnist_weights_free(le_smnist_weights *w);

typedef struct {
    uint32_t input, regular, adaptive, output; /* population indices in the network */
} le_smnist_pops;

typedef struct {
    /* Steps from an x86 injection to its integration (le_sim_set_inject_latency): 1, the run
     * loop's default, reproduces the chip's classifications of the authors' unit test
     * (docs/smnist.md "Timing of injected spikes"); 0 integrates in the step of injection. */
    uint32_t inject_latency;
} le_smnist_options;

/* The options that reproduce the chip. */
le_smnist_options le_smnist_options_default(void);

/* Adds the four populations and their eight connections to net (which may be empty). */
le_code le_smnist_build(const le_smnist_weights *w, const le_smnist_options *opt, le_network *net,
                        le_smnist_pops *pops, le_error *err);

/* The whole sMNIST network in an empty net, built and validated (errors prefixed "sMNIST
 * network"); it fits on neuro-core 0 of chip 0, where the authors' snips expect it. */
le_code le_smnist_network(const le_smnist_weights *w, const le_smnist_options *opt, le_network *net,
                          le_smnist_pops *pops, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
