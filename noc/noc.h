/* The network of a board, in one of the registered network modes (noc/noc_mode.h):
 *   load:    per phase, each link's load; delivery time = the latest of every packet's path
 *            time and, per link, first arrival + (load - 1) * serialisation + the longest
 *            remaining path behind it (the busiest path).          noc/noc_load.c
 *   packet:  every packet is a discrete event; at each link it waits until the link is free
 *            (FIFO by arrival time, ties broken by a seeded arbitration order), so contention
 *            emerges hop by hop.                                    noc/noc_packet.c
 *   systemc: routers and links as SystemC modules passing spike transactions; the same times
 *            as packet mode with its default router (noc/noc_systemc.h, registered by
 *            programs that link the SystemC library).
 * With no two packets on one link at once all give the same times. Work per phase is
 * proportional to the packets' hops; nothing iterates over idle links. */
#ifndef LE_NOC_NOC_H
#define LE_NOC_NOC_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "core/activity.h"
#include "noc/noc_mode.h"
#include "noc/topo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_noc le_noc;

/* The two modes of the C library (noc/noc_load.c, noc/noc_packet.c). */
extern const le_noc_mode le_noc_load_mode;
extern const le_noc_mode le_noc_packet_mode;
#define LE_NOC_LOAD (&le_noc_load_mode)
#define LE_NOC_PACKET (&le_noc_packet_mode)

/* The registered modes: the built-in ones, then those registered at run time, in order. */
const le_noc_mode *le_noc_mode_find(const char *name); /* NULL when unknown */
const char *le_noc_mode_name(const le_noc_mode *m);
const char *le_noc_mode_help(const le_noc_mode *m);
uint32_t le_noc_mode_count(void);
const le_noc_mode *le_noc_mode_at(uint32_t i); /* NULL past the end */
/* "load, packet, systemc" into buf (truncated to cap). */
void le_noc_mode_names(char *buf, size_t cap);
/* le_noc_mode_find with the error "unknown network mode 'x' (known: load, packet, ...)". */
le_code le_noc_mode_lookup(const char *name, const le_noc_mode **out, le_error *err);
/* Adds a mode (the entry must outlive its use); LE_ERR_USAGE for a name already taken or an
 * incomplete entry, LE_ERR_LIMIT when the table is full. Not thread-safe: call at start-up. */
le_code le_noc_mode_register(const le_noc_mode *m, le_error *err);

/* mode: le_noc_mode_find("packet"), LE_NOC_PACKET, ... The topology is copied. */
le_code le_noc_create(const le_topo *t, const le_noc_mode *mode, uint64_t seed, le_noc **out, le_error *err);
void le_noc_free(le_noc *n);

/* Delivers count packets, packet i leaving its source at send_ps[i]; *done_ps = when the
 * phase's traffic is over (the latest arrival into a destination core in packet and systemc
 * modes; 0 when count == 0), on the same time origin. LE_ERR_CONFIG for an id outside the
 * board; nothing is tallied when a call fails. */
le_code le_noc_deliver(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count, int64_t *done_ps,
                       le_error *err);
/* When each packet of the last successful le_noc_deliver() reached its core (load mode: its
 * path time without contention). Valid until the next call; count entries. */
const int64_t *le_noc_arrivals(const le_noc *n);

const le_noc_mode *le_noc_get_mode(const le_noc *n);
/* The mode's own state, for its tools and tests (the SystemC modes: the module tree). */
void *le_noc_mode_state(le_noc *n);
const le_topo *le_noc_topo(const le_noc *n);
/* All-time tallies. */
uint64_t le_noc_link_packets(const le_noc *n, uint32_t link);
const uint32_t *le_noc_touched(const le_noc *n, uint32_t *count); /* links ever used, in first-use order */
uint64_t le_noc_class_hops(const le_noc *n, int cls);              /* link traversals per class */
uint64_t le_noc_packets(const le_noc *n);
/* Dynamic energy of every traversal so far, pJ. */
double le_noc_energy_pj(const le_noc *n);

/* ---- Per-link observation (traces; docs/traces.md). Off by default: a network nobody
 * observes does no extra work. Once enabled, every le_noc_deliver() asks the mode for each
 * hop's start time and adds, per link used, the packets carried, the busy time (packets x
 * serialisation interval) and the queueing delay (start - arrival at the link, summed over
 * its packets), until le_noc_stats_clear(). Work is proportional to the hops. */
typedef struct {
    uint32_t link;
    uint32_t packets;
    int64_t busy_ps;
    int64_t wait_ps;     /* summed over the packets */
    int64_t max_wait_ps; /* the longest single wait */
} le_noc_link_stat;

le_code le_noc_stats_enable(le_noc *n, le_error *err);
/* The links used since the last clear, in first-use order. */
const le_noc_link_stat *le_noc_stats(const le_noc *n, uint32_t *count);
/* Deliveries since the last clear (empty ones included): the cost model makes two per
 * step, the x86 injections' (0) and the neuro-cores' (1). */
uint32_t le_noc_stats_phases(const le_noc *n);
void le_noc_stats_clear(le_noc *n);

/* Every hop as it is served, for waveform traces: phase as in le_noc_stats_phases() before
 * the call, packet index in the phase, times on the phase's origin. NULL fn: none. Needs
 * le_noc_stats_enable(). */
typedef void (*le_noc_hop_fn)(void *ctx, uint32_t phase, uint32_t packet, uint32_t link, int64_t arrive_ps,
                              int64_t start_ps, int64_t ser_ps);
void le_noc_set_hop_observer(le_noc *n, le_noc_hop_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
