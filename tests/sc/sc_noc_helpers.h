// Shared by the SystemC network tests: one phase through two networks on the same board, the
// SystemC one and packet mode (the second implementation the equality tests compare with).
#ifndef LE_TESTS_SC_NOC_HELPERS_H
#define LE_TESTS_SC_NOC_HELPERS_H

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "cost/costmodel_internal.h"
#include "noc/noc.h"
#include "noc/noc_systemc.h"
#include "noc/sc_noc.h"

// A board's topology, from the cost model that loads it.
struct NocBoard {
    le_costmodel *cm = nullptr;
    explicit NocBoard(const char *name)
    {
        le_error err{};
        EXPECT_EQ(le_costmodel_open(name, nullptr, LE_NOC_LOAD, 1, &cm, &err), LE_OK) << err.msg;
    }
    ~NocBoard() { le_costmodel_free(cm); }
    const le_topo &topo() const { return *le_costmodel_topo(cm); }
};

struct Traffic {
    std::vector<le_packet> pk;
    std::vector<int64_t> send;
    void add(uint32_t src, uint32_t dst, int64_t t)
    {
        pk.push_back(le_packet{src, dst, 0, 0});
        send.push_back(t);
    }
};

struct NocNet {
    le_noc *noc = nullptr;
    NocNet(const le_topo &t, const le_noc_mode *mode, uint64_t seed = 7)
    {
        le_error err{};
        EXPECT_EQ(le_noc_create(&t, mode, seed, &noc, &err), LE_OK) << err.msg;
    }
    ~NocNet() { le_noc_free(noc); }
    // The phase's end; every packet's arrival into `arrive`.
    int64_t run(const Traffic &p, std::vector<int64_t> *arrive = nullptr)
    {
        int64_t done = -1;
        le_error err{};
        le_code rc = le_noc_deliver(noc, p.pk.data(), p.send.data(), (uint32_t)p.pk.size(), &done, &err);
        EXPECT_EQ(rc, LE_OK) << err.msg;
        if (arrive)
            arrive->assign(le_noc_arrivals(noc), le_noc_arrivals(noc) + p.pk.size());
        return done;
    }
    le_scnoc::Network &sc() { return *static_cast<le_scnoc::Network *>(le_noc_mode_state(noc)); }
};

// Random traffic on the board: `n` packets from random cores (one in ten from an x86), to a
// core of the same chip or anywhere, leaving within `window_ps` (small windows queue).
inline Traffic random_traffic(const le_topo &t, std::mt19937 &rng, uint32_t n, int64_t window_ps)
{
    Traffic p;
    const uint32_t cpc = t.g.cores_per_chip;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t src = rng() % t.n_cores;
        if (rng() % 10 == 0)
            src = LE_SRC_X86(rng() % t.g.n_chips);
        uint32_t chip = (src & LE_SRC_X86_FLAG) ? (src & ~LE_SRC_X86_FLAG) : src / cpc;
        uint32_t dst = rng() % 2 ? chip * cpc + rng() % cpc : rng() % t.n_cores;
        p.add(src, dst, window_ps ? (int64_t)(rng() % (uint64_t)window_ps) : 0);
    }
    return p;
}

// Every arrival, the phase's end and the tallies of the SystemC network equal packet mode's;
// and the SystemC link modules counted the packets that le_route's paths put on them.
inline void expect_same(NocNet &sc, NocNet &pk, const Traffic &p, const char *what)
{
    std::vector<int64_t> a, b;
    int64_t ds = sc.run(p, &a), dp = pk.run(p, &b);
    ASSERT_EQ(ds, dp) << what << ": the phase's end";
    for (size_t i = 0; i < p.pk.size(); i++)
        ASSERT_EQ(a[i], b[i]) << what << ": packet " << i << " from " << p.pk[i].src << " to " << p.pk[i].dst;
}

inline void expect_same_tallies(NocNet &sc, NocNet &pk)
{
    EXPECT_EQ(le_noc_packets(sc.noc), le_noc_packets(pk.noc));
    for (int c = 0; c < LE_LC_N; c++)
        EXPECT_EQ(le_noc_class_hops(sc.noc, c), le_noc_class_hops(pk.noc, c)) << "class " << c;
    EXPECT_EQ(le_noc_energy_pj(sc.noc), le_noc_energy_pj(pk.noc));
    uint32_t ns = 0, np = 0;
    const uint32_t *ts = le_noc_touched(sc.noc, &ns), *tp = le_noc_touched(pk.noc, &np);
    ASSERT_EQ(ns, np);
    for (uint32_t i = 0; i < ns; i++)
        ASSERT_EQ(ts[i], tp[i]);
    const le_topo *t = le_noc_topo(sc.noc);
    uint64_t carried = 0, hops = 0;
    for (uint32_t l = 0; l < t->n_links; l++) {
        const le_scnoc::Link *m = sc.sc().link(l);
        uint64_t want = le_noc_link_packets(pk.noc, l);
        if (!m) {
            ASSERT_EQ(want, 0u) << "link " << l << " is on a route but has no module";
            continue;
        }
        ASSERT_EQ(m->packets(), want) << "link " << l;
        carried += m->packets();
    }
    for (int c = 0; c < LE_LC_N; c++)
        hops += le_noc_class_hops(pk.noc, c);
    EXPECT_EQ(carried, hops);
}

#endif
