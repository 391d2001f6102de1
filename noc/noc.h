/* The network of a board in one of two modes behind one interface:
 *   load:   per phase, walk each packet's route and count packets per link (flat counters,
 *           reset through a dirty list); delivery time = the latest of every packet's path
 *           time and, per link, first arrival + (load - 1) * serialisation + the longest
 *           remaining path behind it (the busiest path).
 *   packet: every packet is a discrete event; at each link it waits until the link is free
 *           (FIFO by arrival time, ties broken by a seeded arbitration order), so contention
 *           emerges hop by hop. Event queue: a binary heap.
 * With no two packets on one link at once both give the same times. Work per phase is
 * proportional to the packets' hops; nothing iterates over idle links. */
#ifndef LE_NOC_NOC_H
#define LE_NOC_NOC_H

#include <stdint.h>

#include "core/activity.h"
#include "noc/topo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LE_NOC_LOAD = 0, LE_NOC_PACKET = 1 } le_noc_mode;

typedef struct le_noc le_noc;

le_code le_noc_create(const le_topo *t, le_noc_mode mode, uint64_t seed, le_noc **out, le_error *err);
void le_noc_free(le_noc *n);

/* Delivers count packets (valid ids), packet i leaving its source at send_ps[i]; returns
 * the latest arrival into a destination core (0 when count == 0), on the same time origin.
 * Returns -1 when out of memory (packet mode only). */
int64_t le_noc_deliver(le_noc *n, const le_packet *pk, const int64_t *send_ps, uint32_t count);

le_noc_mode le_noc_get_mode(const le_noc *n);
const le_topo *le_noc_topo(const le_noc *n);
/* All-time tallies. */
uint64_t le_noc_link_packets(const le_noc *n, uint32_t link);
const uint32_t *le_noc_touched(const le_noc *n, uint32_t *count); /* links ever used, in first-use order */
uint64_t le_noc_class_hops(const le_noc *n, int cls);              /* link traversals per class */
uint64_t le_noc_packets(const le_noc *n);
/* Dynamic energy of every traversal so far, pJ. */
double le_noc_energy_pj(const le_noc *n);

#ifdef __cplusplus
}
#endif
#endif
