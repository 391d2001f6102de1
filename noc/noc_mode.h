/* What a network mode implements: how the board's network turns one phase's packets into
 * arrival times. Modes sit behind one table (name -> create / deliver / free; the table's
 * functions are in noc/noc.h). The common part (noc/noc.c) routes every packet once and keeps
 * the tallies that do not depend on timing (packets per link, links touched, hops per link
 * class, energy); a mode computes only the timing.
 *
 * Adding a mode: one file with a `const le_noc_mode` entry, plus one line that registers it
 * (the built-in table in noc/noc.c, or le_noc_mode_register() from the program's start-up
 * for modes that live outside the C library, such as the SystemC ones). */
#ifndef LE_NOC_NOC_MODE_H
#define LE_NOC_NOC_MODE_H

#include <stdint.h>

#include "util/error.h"
#include "core/activity.h"
#include "noc/topo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_noc_mode le_noc_mode;

/* One phase as the common part hands it to a mode. Send times are relative to the phase's
 * origin and may be in any order; ids are valid. */
typedef struct {
    const le_packet *pk;
    const int64_t *send_ps;
    uint32_t count;
    /* Packet i crosses links[route_off[i] .. route_off[i + 1]) (le_route), of classes cls[...]. */
    const uint32_t *route_off;
    const uint32_t *links;
    const uint8_t *cls;
    /* NULL unless someone observes the links (le_noc_stats_enable): then the mode writes
     * hop_start_ps[k], when the k-th route entry's link began to carry its packet (phase
     * origin). The common part derives busy time and queueing delay from it. */
    int64_t *hop_start_ps;
} le_noc_phase;

struct le_noc_mode {
    const char *name; /* as given to --noc */
    const char *help; /* one line for --help */
    /* self: this entry (one create function can serve several entries through `arg`). */
    le_code (*create)(const le_noc_mode *self, const le_topo *t, uint64_t seed, void **state, le_error *err);
    /* Fills arrive_ps[i], when packet i is in its destination core, and *done_ps, when the
     * phase's network traffic is over (0 when count == 0), both on the phase's time origin. */
    le_code (*deliver)(void *state, const le_noc_phase *ph, int64_t *arrive_ps, int64_t *done_ps, le_error *err);
    void (*free)(void *state);
    const void *arg; /* the mode's own (the SystemC modes: which router) */
};

/* The seeded arbitration order among packets that reach a router at the same time: packet i
 * about to cross the h-th link of its route has priority key(seed, i, h), lowest first
 * (splitmix64 of the three). Shared by every mode that must order packets as packet mode does. */
static inline uint64_t le_noc_tie_key(uint64_t seed, uint32_t packet, uint32_t hop)
{
    uint64_t x = seed ^ ((uint64_t)packet << 24) ^ hop;
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

#ifdef __cplusplus
}
#endif
#endif
