#include "chip/arch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml.h"

#ifndef LE_SOURCE_DIR
#define LE_SOURCE_DIR "."
#endif

const char *le_config_dir(void)
{
    const char *env = getenv("LE_CONFIG_DIR");
    if (env && env[0])
        return env;
    return LE_SOURCE_DIR "/config";
}

const char *le_arch_default_path(void)
{
    /* Per thread: relnet --jobs workers ask for it at the same time. */
    static _Thread_local char buf[1024];
    snprintf(buf, sizeof buf, "%s/loihi.yaml", le_config_dir());
    return buf;
}

int64_t le_ns_to_ps(double ns) { return (int64_t)llround(ns * 1000.0); }

/* Upper bounds that catch unit slips (a time in us written as ns) without judging physics. */
#define MAX_NS 1e7
#define MAX_PJ 1e9
#define MAX_MW 1e6

/* The mapping under `key`; its dotted name `pfx.key` is left in f for the fields inside it. */
static le_code section(le_cfg *c, int parent, const char *pfx, const char *key, char *f, size_t cap, int *m,
                       le_error *err)
{
    snprintf(f, cap, "%s.%s", pfx, key);
    return le_cfg_map(c, parent, key, f, m, err);
}

/* le_cfg_figure for `key` of the mapping m named f: the field is `f.key`. */
static le_code figure(le_cfg *c, int m, int prov_map, const char *f, const char *key, double lo, double hi,
                      double *out, le_error *err)
{
    char fk[300];
    snprintf(fk, sizeof fk, "%s.%s", f, key);
    return le_cfg_figure(c, m, prov_map, key, fk, lo, hi, out, err);
}

/* An event: its energy_pj and the time under tkey (latency_ns or time_ns). */
static le_code event(le_cfg *c, int parent, const char *key, const char *pfx, const char *tkey, le_event_cost *out,
                     le_error *err)
{
    char f[256];
    int m;
    double e, t;
    le_code rc;
    if ((rc = section(c, parent, pfx, key, f, sizeof f, &m, err)) ||
        (rc = figure(c, m, 0, f, "energy_pj", 0, MAX_PJ, &e, err)) ||
        (rc = figure(c, m, 0, f, tkey, 0, MAX_NS, &t, err)))
        return rc;
    out->e_pj = e;
    out->t_ps = le_ns_to_ps(t);
    return LE_OK;
}

le_code le_arch_link_cost(le_cfg *c, int parent, const char *key, const char *pfx, le_link_cost *out,
                          le_error *err)
{
    char f[256];
    int m;
    double e, lat, ser;
    le_code rc;
    if ((rc = section(c, parent, pfx, key, f, sizeof f, &m, err)) ||
        (rc = figure(c, m, 0, f, "energy_pj", 0, MAX_PJ, &e, err)) ||
        (rc = figure(c, m, 0, f, "latency_ns", 0.001, MAX_NS, &lat, err)) ||
        (rc = figure(c, m, 0, f, "serialisation_ns", 0.001, MAX_NS, &ser, err)))
        return rc;
    out->e_pj = e;
    out->lat_ps = le_ns_to_ps(lat);
    out->ser_ps = le_ns_to_ps(ser);
    return LE_OK;
}

static le_code load_chip(le_cfg *c, int root, le_arch *a, le_error *err)
{
    int chip, fp, x86, ports;
    le_code rc;
    if ((rc = le_cfg_map(c, root, "chip", "chip", &chip, err)))
        return rc;
    if ((rc = le_cfg_map(c, chip, "floorplan", "chip.floorplan", &fp, err)))
        return rc;
    if ((rc = le_cfg_uint(c, fp, 0, "tiles_x", "chip.floorplan.tiles_x", 1, 64, 1, &a->tiles_x, err)) ||
        (rc = le_cfg_uint(c, fp, 0, "tiles_y", "chip.floorplan.tiles_y", 1, 64, 1, &a->tiles_y, err)) ||
        (rc = le_cfg_uint(c, fp, 0, "cores_per_tile", "chip.floorplan.cores_per_tile", 1, 64, 1, &a->cores_per_tile,
                          err)))
        return rc;
    if ((rc = le_cfg_map(c, chip, "x86", "chip.x86", &x86, err)))
        return rc;
    if ((rc = le_cfg_uint(c, x86, 0, "cores", "chip.x86.cores", 1, 64, 1, &a->x86_per_chip, err)) ||
        (rc = le_cfg_uint(c, x86, 0, "tile_x", "chip.x86.tile_x", 0, a->tiles_x - 1, 1, &a->x86_tile_x, err)) ||
        (rc = le_cfg_uint(c, x86, 0, "tile_y", "chip.x86.tile_y", 0, a->tiles_y - 1, 1, &a->x86_tile_y, err)))
        return rc;
    if ((rc = le_cfg_map(c, chip, "ports", "chip.ports", &ports, err)))
        return rc;
    if ((rc = le_cfg_uint(c, ports, 0, "ew_row", "chip.ports.ew_row", 0, a->tiles_y - 1, 1, &a->port_row_ew, err)) ||
        (rc = le_cfg_uint(c, ports, 0, "ns_col", "chip.ports.ns_col", 0, a->tiles_x - 1, 1, &a->port_col_ns, err)))
        return rc;
    return LE_OK;
}

static le_code load_neurocore(le_cfg *c, int root, le_arch *a, le_error *err)
{
    int nc, cx, st;
    le_code rc;
    if ((rc = le_cfg_map(c, root, "neurocore", "neurocore", &nc, err)) ||
        (rc = event(c, nc, "synop", "neurocore", "latency_ns", &a->synop, err)) ||
        (rc = event(c, nc, "synaptic_update", "neurocore", "latency_ns", &a->syn_update, err)) ||
        (rc = event(c, nc, "axon_in", "neurocore", "latency_ns", &a->axon_in, err)) ||
        (rc = event(c, nc, "axon_out", "neurocore", "latency_ns", &a->axon_out, err)))
        return rc;
    double t;
    if ((rc = le_cfg_map(c, nc, "cx_update", "neurocore.cx_update", &cx, err)) ||
        (rc = figure(c, cx, 0, "neurocore.cx_update", "energy_inactive_pj", 0, MAX_PJ, &a->e_cx_inactive_pj, err)) ||
        (rc = figure(c, cx, 0, "neurocore.cx_update", "energy_active_pj", 0, MAX_PJ, &a->e_cx_active_pj, err)) ||
        (rc = figure(c, cx, 0, "neurocore.cx_update", "latency_ns", 0, MAX_NS, &t, err)))
        return rc;
    a->t_cx_ps = le_ns_to_ps(t);
    if ((rc = le_cfg_map(c, nc, "static", "neurocore.static", &st, err)) ||
        (rc = figure(c, st, 0, "neurocore.static", "per_core_mw", 0, MAX_MW, &a->p_nc_static_core_mw, err)) ||
        (rc = figure(c, st, 0, "neurocore.static", "per_chip_mw", 0, MAX_MW, &a->p_nc_static_chip_mw, err)))
        return rc;
    return LE_OK;
}

static le_code load_network(le_cfg *c, int root, le_arch *a, le_error *err)
{
    int net;
    le_code rc;
    if ((rc = le_cfg_map(c, root, "network", "network", &net, err)) ||
        (rc = le_arch_link_cost(c, net, "local", "network", &a->local, err)) ||
        (rc = le_arch_link_cost(c, net, "hop_ew", "network", &a->hop_ew, err)) ||
        (rc = le_arch_link_cost(c, net, "hop_ns", "network", &a->hop_ns, err)) ||
        (rc = le_arch_link_cost(c, net, "chip_link", "network", &a->chip_link, err)))
        return rc;
    return LE_OK;
}

static le_code load_barrier(le_cfg *c, int root, le_arch *a, le_error *err)
{
    int b, tab;
    le_code rc;
    if ((rc = le_cfg_map(c, root, "barrier", "barrier", &b, err)))
        return rc;
    if ((rc = le_cfg_seq(c, b, "latency", "barrier.latency", &tab, err)))
        return rc;
    int n = le_cfg_seq_len(c, tab);
    if (n < 1 || n > LE_BARRIER_POINTS_MAX)
        return le_fail(err, LE_ERR_CONFIG, "%s:%d: field barrier.latency: %d points, expected 1..%d", c->path,
                       le_cfg_line(c, tab), n, LE_BARRIER_POINTS_MAX);
    for (int i = 0; i < n; i++) {
        int it = le_cfg_seq_item(c, tab, i);
        char f[128];
        snprintf(f, sizeof f, "barrier.latency[%d]", i);
        if (!le_cfg_is_map(c, it))
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: expected {chips: N, us: T}", c->path,
                           le_cfg_line(c, it), f);
        char fc[160];
        snprintf(fc, sizeof fc, "%s.chips", f);
        uint32_t chips;
        if ((rc = le_cfg_uint(c, it, b, "chips", fc, 1, 1u << 24, 1, &chips, err)) ||
            (rc = figure(c, it, b, f, "us", 0, 1e6, &a->barrier_us[i], err)))
            return rc;
        a->barrier_chips[i] = chips;
        if (i > 0 && a->barrier_chips[i] <= a->barrier_chips[i - 1])
            return le_fail(err, LE_ERR_CONFIG, "%s:%d: field %s: chips must increase along the table", c->path,
                           le_cfg_line(c, it), fc);
    }
    a->n_barrier = (uint32_t)n;
    return figure(c, b, 0, "barrier", "energy_pj_per_chip", 0, MAX_PJ, &a->e_barrier_pj_per_chip, err);
}

static le_code load_x86(le_cfg *c, int root, le_arch *a, le_error *err)
{
    int x, st;
    le_code rc;
    if ((rc = le_cfg_map(c, root, "x86", "x86", &x, err)) ||
        (rc = event(c, x, "snip_base", "x86", "time_ns", &a->x86_base, err)) ||
        (rc = event(c, x, "spike_injected", "x86", "time_ns", &a->x86_inject, err)) ||
        (rc = event(c, x, "reg_read", "x86", "time_ns", &a->x86_reg_read, err)) ||
        (rc = event(c, x, "reg_write", "x86", "time_ns", &a->x86_reg_write, err)) ||
        (rc = event(c, x, "host_word_in", "x86", "time_ns", &a->x86_word_in, err)) ||
        (rc = event(c, x, "host_word_out", "x86", "time_ns", &a->x86_word_out, err)) ||
        (rc = event(c, x, "snip_op", "x86", "time_ns", &a->x86_op, err)) ||
        (rc = le_cfg_map(c, x, "static", "x86.static", &st, err)))
        return rc;
    return figure(c, st, 0, "x86.static", "per_chip_mw", 0, MAX_MW, &a->p_x86_static_chip_mw, err);
}

le_code le_arch_load(const char *path, le_arch *arch, le_error *err)
{
    le_cfg c;
    le_code rc = le_cfg_load(&c, path, err);
    if (rc)
        return rc;
    le_arch a;
    memset(&a, 0, sizeof a);
    snprintf(a.path, sizeof a.path, "%s", path);
    int root = le_cfg_root(&c);
    if (!le_cfg_is_map(&c, root)) {
        rc = le_fail(err, LE_ERR_CONFIG, "%s:%d: expected a mapping at the top", path, le_cfg_line(&c, root));
        goto done;
    }
    if ((rc = load_chip(&c, root, &a, err)) || (rc = load_neurocore(&c, root, &a, err)) ||
        (rc = load_network(&c, root, &a, err)) || (rc = load_barrier(&c, root, &a, err)) ||
        (rc = load_x86(&c, root, &a, err)) || (rc = le_cfg_check_unknown(&c, err)))
        goto done;
    *arch = a;
done:
    le_cfg_free(&c);
    return rc;
}

int64_t le_arch_barrier_ps(const le_arch *a, uint32_t n_chips)
{
    if (a->n_barrier == 0)
        return 0;
    double n = n_chips < 1 ? 1.0 : (double)n_chips;
    if (a->n_barrier == 1)
        return le_ns_to_ps(a->barrier_us[0] * 1000.0);
    /* Segment i joins points i and i+1; the first and last segments extend outwards. */
    uint32_t i = 0;
    while (i + 2 < a->n_barrier && n > a->barrier_chips[i + 1])
        i++;
    double x0 = log(a->barrier_chips[i]), x1 = log(a->barrier_chips[i + 1]);
    double y0 = a->barrier_us[i], y1 = a->barrier_us[i + 1];
    double y = y0 + (y1 - y0) * (log(n) - x0) / (x1 - x0);
    if (y < 0)
        y = 0;
    return le_ns_to_ps(y * 1000.0);
}
