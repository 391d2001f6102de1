/* The x86 management cores as a snip sees them. A model's snips (models/<model>/snips.c) are
 * written against this table of services, which the run loop provides (run/x86.c), so that
 * a model never depends on the run loop itself. Every service is billed as x86 work of the
 * chip concerned; a misuse (a population or neuron that does not exist, a register of a
 * neuron without compartment) is an error returned at once. */
#ifndef LE_CORE_SNIP_H
#define LE_CORE_SNIP_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LE_REG_U = 0, LE_REG_V = 1 } le_reg;

typedef struct {
    void *ctx;
    /* An input spike of input population pop, sent in the current step. */
    le_code (*inject)(void *ctx, uint32_t pop, uint32_t neuron, le_error *err);
    /* One register of a neuron's main compartment, read over the mesh. */
    le_code (*read)(void *ctx, uint32_t pop, uint32_t neuron, le_reg reg, int32_t *out, le_error *err);
    /* Zero every core's compartment state and dendritic accumulators. */
    le_code (*reset_all)(void *ctx, le_error *err);
    /* Plain x86 work of a snip on chip: operations, words from and to the host. */
    le_code (*count)(void *ctx, uint32_t chip, uint32_t snip_ops, uint32_t words_in, uint32_t words_out,
                     le_error *err);
    /* Per population, on every core that holds it (one register write per core unless said):
     * switch the compartment updates off or on (switching on first clears the dendritic
     * accumulators, which kept integrating); zero the compartment state, meta state and
     * accumulators of its cores (3 writes per core: the multicore initialisation); set the
     * voltage decay of its compartments' profiles. */
    le_code (*enable)(void *ctx, uint32_t pop, int on, le_error *err);
    le_code (*reset_pop)(void *ctx, uint32_t pop, le_error *err);
    le_code (*set_decay_v)(void *ctx, uint32_t pop, int32_t decay_v, le_error *err);
} le_x86;

static inline le_code le_x86_inject(const le_x86 *x, uint32_t pop, uint32_t neuron, le_error *err)
{
    return x->inject(x->ctx, pop, neuron, err);
}
static inline le_code le_x86_read(const le_x86 *x, uint32_t pop, uint32_t neuron, le_reg reg, int32_t *out,
                                  le_error *err)
{
    return x->read(x->ctx, pop, neuron, reg, out, err);
}
static inline le_code le_x86_reset_all(const le_x86 *x, le_error *err) { return x->reset_all(x->ctx, err); }
static inline le_code le_x86_count(const le_x86 *x, uint32_t chip, uint32_t snip_ops, uint32_t words_in,
                                   uint32_t words_out, le_error *err)
{
    return x->count(x->ctx, chip, snip_ops, words_in, words_out, err);
}

static inline le_code le_x86_enable(const le_x86 *x, uint32_t pop, int on, le_error *err)
{
    return x->enable(x->ctx, pop, on, err);
}
static inline le_code le_x86_reset_pop(const le_x86 *x, uint32_t pop, le_error *err)
{
    return x->reset_pop(x->ctx, pop, err);
}
static inline le_code le_x86_set_decay_v(const le_x86 *x, uint32_t pop, int32_t decay_v, le_error *err)
{
    return x->set_decay_v(x->ctx, pop, decay_v, err);
}

/* The snips of a model, called every step. */
typedef struct {
    /* Spiking phase of step t, before the neuro-cores run: injections. */
    le_code (*spiking)(void *user, const le_x86 *x86, uint32_t t, le_error *err);
    /* Management phase after the barrier of step t: read-out and resets. */
    le_code (*management)(void *user, const le_x86 *x86, uint32_t t, le_error *err);
    void *user;
} le_snips;

#ifdef __cplusplus
}
#endif
#endif
