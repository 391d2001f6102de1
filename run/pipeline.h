/* The one way from a network to a running, costed simulation, used by every command,
 * benchmark and test: network + board + options -> placement -> chip configuration ->
 * cost model (when a board or network mode is asked for) -> the time-step loop. */
#ifndef LE_RUN_PIPELINE_H
#define LE_RUN_PIPELINE_H

#include <stdint.h>

#include "cost/costmodel.h"
#include "place/placement.h"
#include "run/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *board;       /* shipped board, board file or RxC; NULL: one chip */
    const char *arch_file;   /* architecture and cost figures; NULL: the shipped file */
    const le_noc_mode *noc;  /* network mode of the cost model (noc/noc.h) */
    uint64_t seed;           /* seed of the cost model's arbitration */
    int costed;              /* attach the cost model even without a board (then on 1x1) */
    uint32_t inject_latency; /* steps from an x86 injection to its integration (0 or 1) */
    const le_limits *limits; /* NULL: Loihi's (cores per chip follow the board) */
    const le_place_opts *place; /* placement parameters (synapse caps); NULL: none */
    /* Board mode under MPI (docs/mpi.md): after placement, part() picks the chips this
     * process configures (*lo .. *hi - 1) and whether it records the x86 injections; NULL: all. */
    le_code (*part)(void *ctx, const le_placement *pl, const le_board_geom *geom, uint32_t *lo, uint32_t *hi,
                    int *records, le_error *err);
    void *part_ctx;
    /* NULL, or the network being opened: its discrete connections' synapses are freed as the
     * chip configuration takes them (lower peak memory; the connections are left empty). */
    le_network *consume;
} le_pipeline_opts;

le_pipeline_opts le_pipeline_defaults(void);

typedef struct {
    le_board_geom geom;
    le_limits lim;
    le_placement pl;
    int placed;
    le_sim *sim;
    le_costmodel *cm;        /* NULL when the run is functional only */
} le_pipeline;

/* Opens the cost model first (so that a bad board or architecture file is reported before
 * the network is placed), then places and configures net. net must outlive nothing: the
 * pipeline keeps no pointer to it. */
le_code le_pipeline_open(const le_network *net, const le_pipeline_opts *o, le_pipeline *p, le_error *err);
void le_pipeline_close(le_pipeline *p);

/* The board and limits a pipeline with these options would place on, without building it
 * (a mapper that places another network first needs them). */
le_code le_pipeline_board(const le_pipeline_opts *o, le_board_geom *geom, le_limits *lim, le_error *err);

/* Runs steps with the model's snips (may be NULL). */
le_code le_pipeline_run(le_pipeline *p, uint32_t steps, const le_snips *snips, le_error *err);

/* Runs n inferences of steps_each steps; after each one the cost model marks an inference
 * boundary and done(ctx, k) is called (may be NULL: progress, collecting results). */
typedef le_code (*le_inference_done)(void *ctx, uint32_t k, le_error *err);
le_code le_pipeline_run_inferences(le_pipeline *p, uint32_t n, uint32_t steps_each, const le_snips *snips,
                                   le_inference_done done, void *ctx, le_error *err);

/* Declares every configured core of sim as in use in cm (static power from the first step,
 * even while a core sleeps) and hands sim the cost model's sink. */
le_code le_costmodel_attach_sim(le_costmodel *cm, le_sim *sim, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
