/* The architecture and cost figures of one chip type (config/loihi.yaml), in the units the
 * cost model computes with: times in integer picoseconds (exact sums, deterministic),
 * energies in picojoules, powers in milliwatts. */
#ifndef LE_CHIP_ARCH_H
#define LE_CHIP_ARCH_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A link class: traversal latency, serialisation interval (one packet per interval per
 * direction) and energy per packet. */
typedef struct {
    int64_t lat_ps;
    int64_t ser_ps;
    double e_pj;
} le_link_cost;

/* The mapping `key` of `map` read as a link class: energy_pj, latency_ns and serialisation_ns,
 * each with provenance, named `pfx.key.<figure>` in messages. For config/loihi.yaml and the
 * board files' inter-board link. */
struct le_cfg;
le_code le_arch_link_cost(struct le_cfg *c, int map, const char *key, const char *pfx, le_link_cost *out,
                          le_error *err);

/* One event: energy and latency. */
typedef struct {
    double e_pj;
    int64_t t_ps;
} le_event_cost;

#define LE_BARRIER_POINTS_MAX 16

typedef struct {
    char path[512];
    /* floorplan */
    uint32_t tiles_x, tiles_y, cores_per_tile, x86_per_chip;
    uint32_t x86_tile_x, x86_tile_y; /* router the x86 cores inject into */
    uint32_t port_row_ew;            /* router row of the E and W chip-to-chip ports */
    uint32_t port_col_ns;            /* router column of the N and S ports */
    /* neuro-core events */
    le_event_cost synop, syn_update, axon_in, axon_out;
    double e_cx_inactive_pj, e_cx_active_pj;
    int64_t t_cx_ps;
    double p_nc_static_core_mw, p_nc_static_chip_mw;
    /* network */
    le_link_cost local, hop_ew, hop_ns, chip_link;
    /* barrier */
    uint32_t n_barrier;
    double barrier_chips[LE_BARRIER_POINTS_MAX];
    double barrier_us[LE_BARRIER_POINTS_MAX];
    double e_barrier_pj_per_chip;
    /* x86 management */
    le_event_cost x86_base, x86_inject, x86_reg_read, x86_reg_write, x86_word_in, x86_word_out, x86_op;
    double p_x86_static_chip_mw;
} le_arch;

/* The shipped architecture file (config/loihi.yaml under the config folder). */
const char *le_arch_default_path(void);
/* Folder of the shipped YAML files: $LE_CONFIG_DIR, else <source dir>/config. */
const char *le_config_dir(void);

/* Loads and checks an architecture file; errors are "FILE:LINE: field X: ...". */
le_code le_arch_load(const char *path, le_arch *arch, le_error *err);

/* Barrier latency for a barrier spanning n_chips (>= 1) chips: linear in log(chips)
 * between the table's points, the end segments extended beyond them. */
int64_t le_arch_barrier_ps(const le_arch *arch, uint32_t n_chips);

/* ns (as written in YAML) to integer ps, rounded to nearest. */
int64_t le_ns_to_ps(double ns);

#ifdef __cplusplus
}
#endif
#endif
