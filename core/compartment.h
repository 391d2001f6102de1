/* One Loihi compartment: integer CUBA dynamics exactly as the chip computes them.
 * Sources: ../shared/spec/loihi-hardware.md §2 (Lava bit-accurate LIF, nengo-loihi
 * emulator, Brian2Loihi), seed 002 Methods Eqs 4-8. */
#ifndef LE_CORE_COMPARTMENT_H
#define LE_CORE_COMPARTMENT_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Register widths [spec §2.1]. */
#define LE_U_BITS 24                      /* u wraps modulo 2^24 */
#define LE_V_MAX ((1 << 23) - 1)          /* v saturates at +-(2^23 - 1) */
#define LE_DECAY_ONE 4096                 /* decays are 12-bit fractions of 4096 */
#define LE_VTH_SHIFT 6                    /* threshold = vth_mant << 6 */
#define LE_WEIGHT_SHIFT 6                 /* actual weight = mant * 2^(6 + wexp) */

typedef enum { LE_JOIN_NONE = 0, LE_JOIN_ADD = 1 } le_join_op;

/* A compartment profile (Loihi's cx profile): shared by many compartments of a core. */
typedef struct {
    int32_t decay_u;   /* effective current decay 0..4096 (chip register du + 1, so 4096 = no memory) */
    int32_t decay_v;   /* voltage decay 0..4095 */
    int32_t bias_mant; /* -4096..4095 */
    int32_t bias_exp;  /* 0..7 */
    int32_t vth_mant;  /* 0..131071; the compartment spikes when v > vth_mant << 6 */
    int32_t refract;   /* refractory delay 1..64 steps; silent steps after a spike = refract - 1 */
    int32_t vmin_exp;  /* vmin = -(2^vmin_exp) + 1, 0..23 (23 = full range) */
    int32_t vmax_exp;  /* vmax = 2^(9 + 2 vmax_exp) - 1, 0..7 (7 = full range) */
    uint8_t stack_out; /* auxiliary compartment: pushes its v to the next compartment, never spikes */
    uint8_t join_op;   /* le_join_op: what this compartment does with a pushed child v */
} le_profile;

/* A LIF profile with the full v range, no bias, refractory delay 1 (no silent step). */
le_profile le_profile_default(void);

/* Checks every field against its register range; fills err naming the field, value and range. */
le_code le_profile_check(const le_profile *p, le_error *err);

/* --- arithmetic primitives (inline: they are the hot loop) --- */

/* Sign-magnitude decay, truncating toward zero: x - sign(x) * ceil(|x| k / 4096). */
static inline int32_t le_decay(int32_t x, int32_t k)
{
    int64_t mag = x < 0 ? -(int64_t)x : (int64_t)x;
    int64_t r = (mag * (int64_t)(LE_DECAY_ONE - k)) >> 12;
    return (int32_t)(x < 0 ? -r : r);
}

/* Two's-complement wrap into `bits` bits. */
static inline int32_t le_wrap(int64_t x, int bits)
{
    uint64_t m = (1ULL << bits) - 1ULL;
    uint64_t y = (uint64_t)x & m;
    if (y & (1ULL << (bits - 1)))
        return (int32_t)((int64_t)y - (int64_t)(1ULL << bits));
    return (int32_t)y;
}

static inline int32_t le_clamp64(int64_t x, int64_t lo, int64_t hi)
{
    return (int32_t)(x < lo ? lo : (x > hi ? hi : x));
}

static inline int32_t le_vmax(const le_profile *p)
{
    int32_t e = 9 + 2 * p->vmax_exp;
    return e >= 23 ? LE_V_MAX : (int32_t)((1 << e) - 1);
}

static inline int32_t le_vmin(const le_profile *p)
{
    return p->vmin_exp >= 23 ? -LE_V_MAX : (int32_t)(-(1 << p->vmin_exp) + 1);
}

/* One step of one compartment [spec §2.3]:
 *   u = wrap24(decay(u, du) + q + join_in)
 *   v = clamp(decay(v, dv) + u + bias)
 *   refractory: v = 0; spike = v > vth << 6 (never for stack_out);
 *   on spike v = 0 and the counter loads refract; the counter counts down in the same step.
 * Returns 1 when the compartment spikes. */
static inline int le_cx_step(const le_profile *p, int32_t *u, int32_t *v, uint8_t *ref, int32_t q,
                             int32_t join_in)
{
    int32_t nu = le_wrap((int64_t)le_decay(*u, p->decay_u) + q + join_in, LE_U_BITS);
    /* bias_mant * 2^bias_exp, multiplied: a left shift of a negative bias is undefined in C. */
    int64_t nv = (int64_t)le_decay(*v, p->decay_v) + nu + (int64_t)p->bias_mant * ((int64_t)1 << p->bias_exp);
    int32_t vv = le_clamp64(nv, le_vmin(p), le_vmax(p));
    int spike = 0;
    if (*ref > 0)
        vv = 0;
    else if (!p->stack_out && vv > (p->vth_mant << LE_VTH_SHIFT)) {
        spike = 1;
        vv = 0;
        *ref = (uint8_t)p->refract;
    }
    if (*ref > 0)
        (*ref)--;
    *u = nu;
    *v = vv;
    return spike;
}

#ifdef __cplusplus
}
#endif
#endif
