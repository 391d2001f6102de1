/* The authors' two x86 snips for sMNIST (lsnn/apps/seqmnist/snips/spiking.c and snip_mgmt.c;
 * spec smnist-on-loihi.md §4-§6) as le_snips, and the pipeline that runs them: weights ->
 * network -> placement -> chip configuration -> 840 steps per image.
 *
 * Spiking snip, every step: reads a batch of 10 images from the host at the first step of the
 * batch (7840 int32 words, 16 per message), makes the threshold tests of the current pixel and
 * injects one spike per crossing (or the cue spike). Management snip, every step: its guard
 * (step % 840 == 0); after the last step of an image it reads the 10 output voltages, takes the
 * strict-'>' argmax from -2^23 (ties go to the lowest digit), zeroes every compartment and
 * accumulator of the core, and after every 10th image sends the 10 classes to the host in one
 * message. All of it is counted as x86 work through the x86 services (core/snip.h). */
#ifndef LE_MODELS_SMNIST_SNIPS_H
#define LE_MODELS_SMNIST_SNIPS_H

#include <stdint.h>

#include "core/snip.h"
#include "models/smnist/encoder.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_SMNIST_BATCH 10u        /* images per host transfer (batchSize=10) */
#define LE_SMNIST_WORDS_PER_MSG 16u /* PACKED_MODE_SIZE */

typedef struct {
    /* what to classify */
    const le_mnist *mnist;
    const uint32_t *index;  /* [n_images] t10k indices, in the order they are run */
    uint32_t n_images;
    le_smnist_pops pops;
    uint32_t chip;          /* chip whose x86 runs the snips (0) */
    /* results */
    uint8_t *predicted;     /* [n_images] */
    int32_t *v_out;         /* [n_images * 10] output voltages at the decision, or NULL */
    uint32_t done;          /* images decided so far */
    /* snip state */
    int32_t thr[LE_SMNIST_N_THR];
    uint32_t t0;            /* last step before the first image */
} le_smnist_snip_state;

/* predicted (and v_out when not NULL) must hold n_images entries (x 10). The snips run the
 * images one after the other, LE_SMNIST_STEPS_PER_IMAGE steps each, from first_step + 1. */
void le_smnist_snip_init(le_smnist_snip_state *st, const le_mnist *mnist, const uint32_t *index, uint32_t n_images,
                         const le_smnist_pops *pops, uint8_t *predicted, int32_t *v_out, uint32_t first_step);
le_snips le_smnist_snips(le_smnist_snip_state *st);

/* Strict '>' scan from -2^23: the first of equal maxima wins (snip_mgmt.c). */
int le_smnist_argmax(const int32_t *v, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
