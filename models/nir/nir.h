/* NIR (Neuromorphic Intermediate Representation) graphs: a strict reader of the HDF5 files
 * that the reference library writes (versions 0.1.x and 0.2.x), and the mapping of the graph
 * onto Loihi's integer compartments and 8-bit weights as an le_network, so that placement,
 * limits, the cost model, traces and reports work unchanged (docs/nir.md). */
#ifndef LE_MODELS_NIR_NIR_H
#define LE_MODELS_NIR_NIR_H

#include <stdint.h>
#include <stdio.h>

#include "models/network.h"
#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_NIR_NAME_MAX 128
#define LE_NIR_MAX_DIMS 8

typedef struct {
    char name[LE_NIR_NAME_MAX];
    uint32_t ndim;               /* 0 for a scalar */
    uint64_t dims[LE_NIR_MAX_DIMS];
    uint64_t count;              /* product of dims (1 for a scalar) */
    double *data;                /* numbers converted to double; NULL for a string */
    char *str;                   /* string datasets (type, version); NULL for numbers */
} le_nir_param;

typedef struct {
    char name[LE_NIR_NAME_MAX];  /* nested graphs flattened: "outer.inner" */
    char type[32];               /* "LIF", "Affine", ... as stored */
    le_nir_param *params;
    uint32_t n_params;
} le_nir_node;

typedef struct {
    uint32_t src, dst;           /* node indices */
} le_nir_edge;

typedef struct {
    char path[512];
    char version[32];
    le_nir_node *nodes;
    uint32_t n_nodes;
    le_nir_edge *edges;
    uint32_t n_edges;
} le_nir_graph;

/* Reads path; nested NIRGraph nodes are flattened (their Input and Output nodes stay as
 * pass-through nodes, and an edge naming the subgraph goes to its Input or from its Output).
 * Every failure is one error naming the file, the node and what was expected. */
le_code le_nir_read(const char *path, le_nir_graph *g, le_error *err);
void le_nir_free(le_nir_graph *g);
int le_nir_find_node(const le_nir_graph *g, const char *name); /* -1 if absent */
const le_nir_param *le_nir_param_get(const le_nir_node *n, const char *name);

typedef enum {
    LE_NIR_DECAY_LAVA = 0,  /* floor(4095 dt / tau): what Lava's NIR bridge computes */
    LE_NIR_DECAY_ROUND = 1  /* round(4096 dt / tau): the nearest 12-bit fraction */
} le_nir_decay_rounding;

typedef struct {
    double dt;                      /* seconds per step (default 1e-4, the NIR paper's) */
    double vscale;                  /* integer v units per NIR voltage unit; 0 = automatic */
    le_nir_decay_rounding rounding;
    int accept_reset_value;         /* map a non-zero v_reset, or reset by subtraction, as reset
                                     * to zero (flagged in the printout) */
    int reset_subtract;             /* the model was trained with reset by subtraction (NIR does
                                     * not store it): refused unless accept_reset_value */
    double split_zero_frac;         /* split a connection into two exponents when more than this
                                     * fraction of its non-zero weights rounds to zero (<0: never) */
} le_nir_opts;

le_nir_opts le_nir_defaults(void);

/* What the mapping did, for printing and for tests. */
typedef struct {
    char src[LE_NIR_NAME_MAX], dst[LE_NIR_NAME_MAX]; /* neuron/input nodes it joins */
    char via[256];                                   /* weight nodes on the way */
    uint64_t n_weights;      /* non-zero float weights */
    uint64_t n_zeroed;       /* of those, rounded to a zero mantissa (dropped) */
    uint64_t n_synapses;     /* synapses in the network */
    int32_t wexp;            /* exponent (the larger one when split) */
    int32_t wexp2;           /* second exponent, or INT32_MIN when not split */
    double max_abs;          /* largest |weight| in v units */
} le_nir_conn_info;

typedef struct {
    char node[LE_NIR_NAME_MAX];
    char type[32];
    uint32_t size;
    uint32_t first_pop, n_pops;  /* populations made of it (one per distinct profile) */
    int32_t decay_u, decay_v, vth_mant;
    double bias_min, bias_max;   /* v units per step */
    char note[160];              /* what changes in the mapping, "" when nothing */
} le_nir_pop_info;

typedef struct {
    double vscale;
    le_nir_pop_info *pops;
    uint32_t n_pops;
    le_nir_conn_info *conns;
    uint32_t n_conns;
    int32_t input_node;          /* the Input node driven by --input, -1 none */
    uint32_t input_size;
    uint32_t input_pop;          /* its population in the network */
} le_nir_mapping;

/* Maps g onto net (initialised by the caller). */
le_code le_nir_map(const le_nir_graph *g, const le_nir_opts *o, le_network *net, le_nir_mapping *m, le_error *err);
void le_nir_mapping_free(le_nir_mapping *m);

/* Prints the graph, the quantisation and the mapped sizes. */
void le_nir_print(FILE *f, const le_nir_graph *g, const le_nir_opts *o, const le_nir_mapping *m);

/* Input spikes from a (steps, inputs) array: a non-zero entry in row t (step t + 1) is a
 * spike the input neuron sends in that step, integrated in the next one. Rows beyond steps
 * are ignored. */
le_code le_nir_add_inputs(le_network *net, const le_nir_mapping *m, const float *data, uint64_t rows,
                          uint64_t cols, uint32_t steps, le_error *err);

/* Writes net as a network YAML file (docs/network-file.md) at yaml_path: every profile field
 * explicitly, each connection's weights inline or, when the dense matrix says the same, as
 * STEM.connK.npy beside it (int16 mantissas), the input spikes grouped per neuron. header
 * (may be NULL) becomes '#' comment lines at the top. */
le_code le_nir_export_yaml(const le_network *net, const char *yaml_path, const char *header, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
