/* The sMNIST input encoding as the authors' spiking snip computes it (lsnn/apps/seqmnist/snips/
 * spiking.c; spec smnist-on-loihi.md §4): one pixel per time step, threshold crossings between
 * the current and the next pixel, then a 56-step cue on the last input. The paper's Listing S1
 * uses <=/>= and starts at threshold 0; the code that ran on the chip is what is reproduced. */
#ifndef LE_MODELS_SMNIST_ENCODER_H
#define LE_MODELS_SMNIST_ENCODER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LE_SMNIST_N_INPUT 80u
#define LE_SMNIST_N_THR 40u                /* thresholds: half the inputs */
#define LE_SMNIST_IMAGE_SIZE 784u
#define LE_SMNIST_CUE_STEPS 56u            /* OUTPUT_CUE_DURATION 2 * 28 */
#define LE_SMNIST_STEPS_PER_IMAGE 840u     /* 784 + 56 */
#define LE_SMNIST_CUE_INPUT 79u
#define LE_SMNIST_TOUCH_INPUT 78u          /* 2 * 39: the pixel is at the top threshold (255) */

/* floor(linspace(0, 255, 40)): 0, 6, 13, 19, ..., 248, 255 (index 0 is never used). */
void le_smnist_thresholds(int32_t thr[LE_SMNIST_N_THR]);

/* Inputs that spike at image step s (1..840) of the 784-pixel image img, written to out
 * (capacity LE_SMNIST_N_INPUT) in the order the snip injects them; returns how many.
 * Steps 1..784 look at pixel p = s - 1 and its successor: for t = 1..38 input 2t spikes when
 * c < thr[t] <= n (upward crossing) and 2t+1 when n < thr[t] <= c (downward); input 78 spikes
 * when c == 255; the last pixel has no successor, so only input 78 can spike there. Steps
 * 785..840 spike input 79 only. *cmp (may be NULL) receives the threshold tests the snip makes
 * (one per threshold looked at), its x86 work. */
uint32_t le_smnist_encode_step(const uint8_t *img, uint32_t s, const int32_t thr[LE_SMNIST_N_THR], uint8_t *out,
                               uint32_t *cmp);

#ifdef __cplusplus
}
#endif
#endif
