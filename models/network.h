/* The network description: populations of compartments, connections, input spikes.
 * Model code (YAML loader, sMNIST builder, RelNet builder) fills one of these; the
 * placement and the chip configuration read it. Flat arrays, no per-neuron objects. */
#ifndef LE_MODELS_NETWORK_H
#define LE_MODELS_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "core/compartment.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_NAME_MAX 64

typedef enum {
    LE_POP_INPUT = 0, /* spike sources injected by an x86 core (no compartments) */
    LE_POP_LIF = 1,   /* one compartment per neuron */
    LE_POP_AHP = 2    /* two compartments per neuron: auxiliary (AHP current) then main */
} le_pop_kind;

typedef enum {
    LE_SIGN_SPLIT = 0,  /* each synapse stored in the group of its own sign: no precision loss */
    LE_SIGN_MIXED = 1,  /* one mixed group: mantissa -256..254, LSB lost to the sign */
    LE_SIGN_EXC = 2,    /* excitatory only: 0..255 */
    LE_SIGN_INH = 3     /* inhibitory only: -256..0 */
} le_sign_mode;

typedef struct {
    char name[LE_NAME_MAX];
    le_pop_kind kind;
    uint32_t size;
    le_profile main;      /* LIF compartment, or the main compartment of an AHP neuron */
    le_profile aux;       /* AHP auxiliary compartment (stack_out = 1; main gets join_op ADD) */
    int32_t ahp_weight;   /* AHP self synapse main -> aux: mantissa (negative, = -beta) */
    int32_t ahp_wexp;     /*   and its weight exponent */
    int32_t first_core;   /* explicit placement: first core gid, -1 = automatic */
    uint32_t per_core;    /* at most this many neurons per core, 0 = as many as fit */
    int32_t chip;         /* input populations: chip whose x86 injects them, -1 = chip of the first target;
                           * others: automatic placement starts them on the first free core of
                           * this chip (continuing onto the next chips), -1 = after the previous */
    uint8_t own_cores;    /* automatic placement gives the population cores of its own and spreads
                           * its neurons evenly over as few as every limit allows (a layer as the
                           * authors' mapping tools place it) */
    int traced;
} le_population;

/* A convolution stored as the chip stores it: population axons and shared synapse sets
 * [nengo-loihi Axon/Synapse pop_type 16/32, conv2d_loihi_weights]. Both populations hold feature
 * maps channels last: neuron (y, x, c) of an H x W x C map is index (y * W + x) * C + c, so the
 * channels of one pixel are the atoms of one population axon and the channels of one output pixel
 * are consecutive compartments (one base offset addresses them all). The destination must be a
 * LIF population of out_h * out_w * out_ch neurons with
 *   out_h = (in_h + 2 pad_h - kernel_h) / stride_h + 1, out_w likewise,
 * and the source a population of in_h * in_w * in_ch neurons. Input neuron (iy, ix, ci) reaches
 * output neuron (oy, ox, co) through kernel tap (ky, kx) = (iy + pad_h - oy stride_h,
 * ix + pad_w - ox stride_w) when the tap lies inside the kernel, with weight
 * weight[((co * in_ch + ci) * kernel_h + ky) * kernel_w + kx] (PyTorch's OIHW order, a
 * cross-correlation as torch.nn.Conv2d computes it). Zero weights are kept (the chip's shared
 * set stores the whole kernel). Every synapse has the connection's delay. */
typedef enum {
    LE_POP16 = 16, /* 1 output-axon slot per axon; compartment base a multiple of 4; atoms <= 2^9 */
    LE_POP32 = 32  /* 2 output-axon slots per axon; any base */
} le_pop_axon_type;

typedef struct {
    uint32_t in_h, in_w, in_ch;   /* source feature map */
    uint32_t out_ch;              /* output channels (filters) */
    uint32_t kernel_h, kernel_w;
    uint32_t stride_h, stride_w;  /* >= 1 */
    uint32_t pad_h, pad_w;        /* zero padding on each side */
    int16_t *weight;              /* [out_ch][in_ch][kernel_h][kernel_w] 8-bit mantissas, owned */
    uint8_t delay;                /* every synapse's delay 0..62 */
    uint8_t pop_type;             /* le_pop_axon_type (16 or 32) */
} le_conv;

/* Output map size of a convolution (0 when the kernel does not fit the padded input). */
uint32_t le_conv_out_h(const le_conv *cv);
uint32_t le_conv_out_w(const le_conv *cv);

typedef struct {
    uint32_t src_pop, dst_pop;
    /* NULL: a discrete connection (the arrays below). Otherwise a convolution through population
     * axons (owned, freed by le_network_free): n is 0 and src, dst, weight, delay are NULL;
     * wexp, weight_bits and sign apply to its kernel as to discrete weights. */
    le_conv *conv;
    uint32_t n;          /* synapse count */
    uint32_t *src;       /* [n] neuron index in src_pop */
    uint32_t *dst;       /* [n] neuron index in dst_pop */
    int16_t *weight;     /* [n] 8-bit weight mantissa */
    uint8_t *delay;      /* [n] or NULL = all 0 */
    int32_t wexp;        /* weight exponent -8..7 */
    uint8_t weight_bits; /* 1..8 (8 = full precision) */
    le_sign_mode sign;
    uint8_t to_aux;      /* AHP destination: target the auxiliary compartment instead of main */
} le_connection;

typedef struct {
    uint32_t step; /* 1-based time step in which the spike is integrated */
    uint32_t pop;
    uint32_t neuron;
} le_input_spike;

typedef struct {
    le_population *pops;
    uint32_t n_pops, cap_pops;
    le_connection *conns;
    uint32_t n_conns, cap_conns;
    le_input_spike *inputs;
    uint32_t n_inputs, cap_inputs;
    /* Maintained by le_network_add_pop so that adding a population costs O(1): */
    uint64_t n_neurons_added;  /* sum of the sizes of the populations added */
    uint32_t *name_index;      /* open-addressing table of population index + 1 by name */
    uint32_t name_cap;         /* its size, a power of two (0 = none yet) */
} le_network;

void le_network_init(le_network *net);
void le_network_free(le_network *net);
/* Frees every connection and keeps the populations: a network kept only for its names and
 * sizes (a placed layout) need not hold its synapses. */
void le_network_drop_conns(le_network *net);
/* Frees the synapse arrays of discrete connection i and sets its n to 0, keeping the connection
 * (its populations, a convolution's kernel): the chip configuration's way of handing a
 * connection's synapses over one connection at a time (le_chipcfg_build_consume). */
void le_network_drop_synapses(le_network *net, uint32_t i);

/* Bytes a neuron and a synapse cost from loading to running, rounded up: placing 2 * 10^8
 * neurons had allocated 3.9 GB (20 bytes a neuron) when it found they did not fit, and the
 * configuration and the run keep per-compartment state besides; a synapse holds 11 bytes in
 * the network, 6 in the placement's in-edges and its entry in the synapse memory. The memory
 * budget (util/budget.h) is checked against these before anything is allocated. */
#define LE_BYTES_PER_NEURON 64u
#define LE_BYTES_PER_SYNAPSE 32u

/* Adds a population (copied); returns its index in *idx. Name must be unique. The network's
 * neurons must fit the memory budget at LE_BYTES_PER_NEURON (LE_ERR_LIMIT). */
le_code le_network_add_pop(le_network *net, const le_population *pop, uint32_t *idx, le_error *err);
int le_network_find_pop(const le_network *net, const char *name); /* -1 if absent */

/* Adds a connection; takes ownership of the arrays in conn (freed by le_network_free). */
le_code le_network_add_conn(le_network *net, le_connection *conn, le_error *err);

/* Starts a connection src_pop -> dst_pop with room for n synapses (8-bit weights, exponent
 * wexp, sign mode sign; delays, all 0, when with_delay) and c->n = 0, for a builder to fill
 * and hand to le_network_add_conn. More synapses than the memory budget holds at
 * LE_BYTES_PER_SYNAPSE: LE_ERR_LIMIT before allocating; out of memory: "out of memory for N
 * synapses"; either way nothing left allocated. */
le_code le_connection_init(le_connection *c, uint32_t src_pop, uint32_t dst_pop, int32_t wexp, le_sign_mode sign,
                           size_t n, int with_delay, le_error *err);

/* Builds a connection from a dense [n_src][n_dst] row-major matrix of mantissas (zeros skipped). */
le_code le_network_connect_dense(le_network *net, uint32_t src_pop, uint32_t dst_pop, const float *w,
                                 int32_t wexp, le_sign_mode sign, le_error *err);

/* Adds a convolution src_pop -> dst_pop through population axons; takes ownership of
 * conv->weight (and copies *conv). Checks the shapes against the populations:
 * "connection SRC -> DST: convolution output 30x30x16 = 14400 neurons but DST has 14000". */
le_code le_network_add_conv(le_network *net, uint32_t src_pop, uint32_t dst_pop, const le_conv *conv, int32_t wexp,
                            le_sign_mode sign, le_error *err);

/* The same convolution as a discrete connection (every synapse listed, zero weights kept so
 * that synapse counts match): the population form's bit-exact reference. Fills *out as
 * le_connection_init does (the caller owns it, or hands it to le_network_add_conn). */
le_code le_conv_expand(const le_connection *conv_conn, le_connection *out, le_error *err);

/* Synapses a convolution connects (the expanded count). */
uint64_t le_conv_n_synapses(const le_conv *cv);

/* Checks a convolution connection: shapes against its populations, kernel mantissas for the
 * sign mode, delay, pop_type (le_network_check_conn calls it). */
le_code le_conv_check(const le_network *net, const le_connection *c, le_error *err);

le_code le_network_add_input(le_network *net, uint32_t pop, uint32_t neuron, uint32_t step, le_error *err);

/* Range checks of everything that does not depend on placement (profiles, weights for the
 * sign mode, exponents, delays, indices, AHP parameters). */
le_code le_network_validate(const le_network *net, le_error *err);

/* Checks of one population / one connection (the parts of le_network_validate), so that a
 * loader can report the file line of the element at fault. */
le_code le_network_check_pop(const le_network *net, uint32_t pop, le_error *err);
le_code le_network_check_conn(const le_network *net, uint32_t conn, le_error *err);

/* Mantissa range a sign mode accepts. */
void le_sign_range(le_sign_mode sign, int32_t *lo, int32_t *hi);
const char *le_sign_mode_name(le_sign_mode sign);
/* The mantissa as the synapse memory holds it, a multiple of 2^(8 - weight_bits + is_mixed)
 * [Lava truncate_weights]: toward zero in excitatory/inhibitory groups (magnitudes; a split
 * connection's negative weights are inhibitory), floor in a mixed group (two's complement). */
int32_t le_weight_truncate(int32_t mant, le_sign_mode sign, uint32_t weight_bits);

/* Neurons in the whole network (sum of population sizes). */
uint64_t le_network_n_neurons(const le_network *net);

/* Compartments a neuron of this population needs (0 for inputs, 1 LIF, 2 AHP). */
static inline uint32_t le_pop_cx_per_neuron(const le_population *p)
{
    return p->kind == LE_POP_INPUT ? 0u : (p->kind == LE_POP_AHP ? 2u : 1u);
}

/* A default population: LIF, default profile, automatic placement. */
le_population le_population_default(const char *name, le_pop_kind kind, uint32_t size);

#ifdef __cplusplus
}
#endif
#endif
