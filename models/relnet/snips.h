/* The Spiking RelNet's x86 work per sample of 143 steps (spec relnet-on-loihi.md §4, the
 * authors' snips/snip_mgmt.c), as snips against core/snip.h:
 *   spiking phase, steps 1..110: the word spikes of the story's sentences and question, each
 *     word on its input line for T_word = 10 steps, right-aligned so that the last word ends
 *     at step 110 (spec §1.2, §7.4);
 *   management phase (after the barrier) at the snips' guard steps:
 *     1   relays off (they integrate but do not fire), readout voltage decay 4095 (wiped);
 *     97  relays on, their dendritic accumulators cleared: the last T_inp = 14 LSNN steps
 *         reach g_theta;
 *     112 relays off, every LSNN reset;
 *     135 readout voltage decay 0: it integrates for T_readout = 10 steps;
 *     143 the 180 readout voltages read, the answer is their argmax (strict '>', the first of
 *         equal maxima wins), then the readout and the feed-forward layers are reset.
 * The chip does the last event at the first step of the next sample; doing it at the end of
 * the sample keeps every inference to its own 143 steps and changes nothing it computes.
 * Every chip in use runs the management snip every step: its guard (one test of the step) is
 * x86 work whether or not an event is due, as in sMNIST's snips.
 * Resets are the fast multicore initialisation of the authors' code: a few register writes
 * per core (3), not one per compartment. */
#ifndef LE_MODELS_RELNET_SNIPS_H
#define LE_MODELS_RELNET_SNIPS_H

#include <stdint.h>

#include "core/snip.h"
#include "models/relnet/build.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_RN_STEPS LE_RELNET_STEPS_PER_SAMPLE
#define LE_RN_T_ON 97u
#define LE_RN_T_OFF 112u
#define LE_RN_T_READOUT 135u

/* One bAbI question as the network sees it: word indices of each sentence slot (0 words: the
 * slot is empty) and of the question; the answer's readout line. */
typedef struct {
    uint8_t n_words[LE_RN_LAYOUT + 1]; /* [20] is the question */
    uint16_t word[LE_RN_LAYOUT + 1][LE_RELNET_MAX_WORDS];
    uint16_t answer;
} le_relnet_sample;

typedef struct {
    const le_relnet_pops *pops;
    const le_relnet_sample *samples;
    uint32_t n_samples;
    uint32_t readout_chip;  /* chip whose x86 runs the read-out (argmax) */
    const uint32_t *chips;  /* chips in use: each runs the management snip, whose guard is */
    uint32_t n_chips;       /* tested every step (one x86 operation) */
    uint32_t t0;            /* last step before the first sample */
    uint16_t *predicted;    /* [n_samples] */
    uint32_t done;
} le_relnet_snip_state;

void le_relnet_snip_init(le_relnet_snip_state *st, const le_relnet_pops *pops, const le_relnet_sample *samples,
                         uint32_t n_samples, uint16_t *predicted, uint32_t first_step);
le_snips le_relnet_snips(le_relnet_snip_state *st);

/* Steps (1..110) in which word w of n words is presented, right-aligned: first..first+9. */
static inline uint32_t le_relnet_word_first_step(uint32_t w, uint32_t n)
{
    return LE_RELNET_T_WORD * LE_RELNET_MAX_WORDS - LE_RELNET_T_WORD * (n - w) + 1;
}

/* Strict '>' scan: the first of equal maxima wins. */
uint32_t le_relnet_argmax(const int32_t *v, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
