// The SystemC network behind the systemc modes (noc/noc_systemc.h): per chip, one Router per
// tile, a Link module per mesh link, per local (router -> core) link and per chip-to-chip or
// inter-board port, the x86's injection port (X86Port) and the cores' inputs (Cores). They are
// joined by TLM-2.0 sockets that carry Spike transactions:
//
//   Router.out --> Link.in   Link.out --> Router.in   (mesh, chip and board links)
//                            Link.out --> Cores.in    (local links)
//   X86Port.out --> Router.in                         (the x86 of the chip, at its tile's router)
//   cores of a tile --> Router::inject_from_core()    (the source's own input port)
//
// Protocol (nb_transport, phases of the base protocol, no responses):
//   BEGIN_REQ forward, delay d: the packet starts across the link (sent to a Link) or reaches
//     the input (sent to a Router or Cores) at now + d.
//   END_REQ, returned with TLM_UPDATED or sent later on the backward path, delay d: the sender
//     may send its next packet through that port at now + d (a credit).
// A Link adds its latency to the forward delay and gives its credit back when its serialisation
// interval is over and the next router has taken the packet into its input buffer.
//
// No process runs unless a packet is due: a Router has two methods (packets due now; then
// arbitration, one delta later so that every packet due at this time is in), both woken by
// events that packets cause. Links, ports and Cores have no process: they act inside the calls.
#ifndef LE_NOC_SC_NOC_H
#define LE_NOC_SC_NOC_H

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "util/error.h"
#include "noc/noc_mode.h"
#include "noc/topo.h"

namespace le_scnoc {

// One spike packet in flight: the transaction every port carries.
struct Spike {
    uint32_t index; // position in the phase's packet list (arrival record, arbitration key)
    uint32_t src;   // source core gid, or LE_SRC_X86(chip)
    uint32_t dst;   // destination core gid
    uint32_t hop;   // links crossed so far = index of the next link on its route
};

struct SpikeProtocol {
    typedef Spike tlm_payload_type;
    typedef tlm::tlm_phase tlm_phase_type;
};

typedef tlm::tlm_fw_transport_if<SpikeProtocol> FwIf;
typedef tlm::tlm_bw_transport_if<SpikeProtocol> BwIf;

// What the network shares during a phase: its time origin, the packets' arrivals, the latest
// time any port is busy until, and the first failure (SystemC processes cannot return one).
struct Phase {
    uint64_t origin = 0;  // SystemC time (ps) of the phase's time 0
    uint64_t horizon = 0; // no port is busy after this (the next phase starts there or later)
    int64_t *arrive = nullptr;
    uint32_t count = 0, arrived = 0;
    // observers (le_noc_stats_enable): when each route entry's link took its packet
    int64_t *hop_start = nullptr;
    const uint32_t *route_off = nullptr, *links = nullptr;
    uint64_t wakeups = 0; // router process runs, all time (idle routers add none)
    std::string error;
    void fail(const std::string &what)
    {
        if (error.empty())
            error = what;
    }
};

uint64_t now_ps();
sc_core::sc_time ps(uint64_t t);

// A port of a router: inputs are named by the side they come from, outputs by the side they
// leave to.
enum class PortKind { Mesh, Chip, X86, Core };
struct Port {
    PortKind kind;
    int where; // Mesh, Chip: LE_DIR_E/W/N/S; Core: index of the core in the tile; X86: 0
};

struct RouterSpec {
    const le_topo *topo;
    uint32_t chip, x, y;
    uint64_t seed;                // of the arbitration order (le_noc_tie_key)
    std::vector<Port> inputs;     // mesh E W N S, chip E W N S, x86, cores: those that exist
    std::vector<Port> outputs;    // mesh E W N S, chip E W N S, cores: those a route can use
    Phase *phase;
};

// A router. The base class owns the wiring, the routing function, the per-output credits and
// the timing of calls; a router microarchitecture derives from it and implements arrived()
// and arbitrate() (docs/systemc-network.md).
class Router : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Router);
    Router(sc_core::sc_module_name name, const RouterSpec &spec);
    const RouterSpec &spec() const { return spec_; }
    int n_inputs() const { return (int)spec_.inputs.size(); }
    int n_outputs() const { return (int)spec_.outputs.size(); }

    // Bound in port order by the Network (core inputs have no socket).
    tlm_utils::multi_passthrough_target_socket<Router, 32, SpikeProtocol> in;
    tlm_utils::multi_passthrough_initiator_socket<Router, 32, SpikeProtocol> out;
    // Core k of the tile hands over a packet at now + delay.
    void inject_from_core(uint32_t k, Spike &s, const sc_core::sc_time &delay);

protected:
    // ---- What a router implements.
    // Packet s is at input `port` now. Called at the first delta of its time, before any
    // arbitrate() of that time.
    virtual void arrived(int port, Spike &s) = 0;
    // Send what can be sent now (ready() outputs only). Called after the arrivals of a time,
    // when a credit came back, and after rearbitrate().
    virtual void arbitrate() = 0;
    // Whether a link input takes its next packet at once (unbounded buffer: the default), or
    // only after release(port). Inputs from the x86 and the cores always take it at once (the
    // source holds its own packets).
    virtual bool unbounded_input(int port) const
    {
        (void)port;
        return true;
    }

    // ---- What the base provides.
    // The output that dimension-order routing takes for s from this router (le_route's path);
    // -1 (and a failure) when the router has no such output.
    int route(const Spike &s);
    // Whether output o may send now. When it may not because its link is still busy, asking
    // arranges an arbitrate() call for when it is free.
    bool ready(int o);
    // Sends s on output o (ready(o) must hold).
    void send(int o, Spike &s);
    // The packet that came on link input `port` has left the input buffer: credit to the link.
    void release(int port);
    // arbitrate() again one delta later (more may be sent at this time).
    void rearbitrate() { arb_ev_.notify(sc_core::SC_ZERO_TIME); }
    // Packet mode's seeded arbitration key of s at this router (lower goes first).
    uint64_t tie_key(const Spike &s) const { return le_noc_tie_key(spec_.seed, s.index, s.hop); }
    bool is_source(int port) const
    {
        return spec_.inputs[port].kind == PortKind::X86 || spec_.inputs[port].kind == PortKind::Core;
    }
    void fail(const std::string &what);

private:
    struct Due {
        uint64_t t, seq;
        int what; // >= 0: an arrival on that input; < 0: output -1 - what is free again
        Spike *s;
    };
    struct Later {
        bool operator()(const Due &a, const Due &b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }
    };
    struct Credit {
        int o;
        uint64_t t;
        uint64_t delta; // received in this delta cycle; used from the next one
    };
    void schedule(uint64_t t, int what, Spike *s);
    void take(int port, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d, tlm::tlm_sync_enum &ret);
    void credit(int o, uint64_t t);
    void on_due();
    void on_arbitrate();
    tlm::tlm_sync_enum in_fw(int port, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d);
    tlm::tlm_sync_enum out_bw(int o, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d);

    RouterSpec spec_;
    std::priority_queue<Due, std::vector<Due>, Later> due_;
    uint64_t seq_ = 0;
    sc_core::sc_event due_ev_, arb_ev_;
    std::vector<uint64_t> until_;    // per output: free from then on (ps)
    std::vector<Spike *> in_flight_; // per output: sent, credit outstanding
    std::vector<char> wake_;         // per output: a wake-up is scheduled
    std::vector<Credit> credits_;    // came on the backward path, not yet applied
    std::vector<Spike *> held_;      // per input: taken, credit not yet returned
    int out_mesh_[4], out_chip_[4];
    std::vector<int> out_core_, in_core_;
};

// A one-directional link: latency, serialisation interval; counts its packets and busy time.
class Link : public sc_core::sc_module, public FwIf, public BwIf {
public:
    Link(sc_core::sc_module_name name, const le_topo *t, uint32_t id, Phase *phase);
    tlm::tlm_target_socket<32, SpikeProtocol> in;
    tlm::tlm_initiator_socket<32, SpikeProtocol> out;
    uint32_t id() const { return id_; }
    int link_class() const { return cls_; }
    uint64_t packets() const { return packets_; }
    // Time it held a packet: from each start until it could take the next one.
    uint64_t busy_ps() const { return busy_; }

    tlm::tlm_sync_enum nb_transport_fw(Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d) override;
    tlm::tlm_sync_enum nb_transport_bw(Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d) override;
    void b_transport(Spike &, sc_core::sc_time &) override;
    bool get_direct_mem_ptr(Spike &, tlm::tlm_dmi &) override { return false; }
    unsigned int transport_dbg(Spike &) override { return 0; }
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}

private:
    uint32_t id_;
    int cls_;
    uint64_t lat_, ser_;
    Phase *phase_;
    uint64_t packets_ = 0, busy_ = 0, start_ = 0, ser_done_ = 0;
};

// Where the x86 cores of a chip put their packets on the mesh: the router of their tile.
class X86Port : public sc_core::sc_module, public BwIf {
public:
    X86Port(sc_core::sc_module_name name);
    tlm::tlm_initiator_socket<32, SpikeProtocol> out;
    void inject(Spike &s, const sc_core::sc_time &delay);
    uint64_t packets() const { return packets_; }

    tlm::tlm_sync_enum nb_transport_bw(Spike &, tlm::tlm_phase &, sc_core::sc_time &) override;
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}

private:
    uint64_t packets_ = 0;
};

// The receiving side of a chip's neuro-cores: notes when each packet is in its core.
class Cores : public sc_core::sc_module {
public:
    Cores(sc_core::sc_module_name name, uint32_t first_gid, Phase *phase);
    tlm_utils::multi_passthrough_target_socket<Cores, 32, SpikeProtocol> in; // bound in core order

private:
    tlm::tlm_sync_enum in_fw(int k, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d);
    uint32_t first_;
    Phase *phase_;
};

// ---- The router factory.
typedef Router *(*RouterMaker)(sc_core::sc_module_name name, const RouterSpec &spec);

// Adds router `name` and its network mode "systemc:<name>" (help: `help`). Call at start-up.
le_code add_router(const char *name, const char *help, RouterMaker make, le_error *err);
template <class R> Router *make_router(sc_core::sc_module_name name, const RouterSpec &spec)
{
    return new R(name, spec);
}
template <class R> le_code add_router(const char *name, const char *help, le_error *err)
{
    return add_router(name, help, &make_router<R>, err);
}
// NULL when unknown. Built in: "dor" (the systemc mode), "rr".
RouterMaker find_router(const char *name);

// The built-in routers (noc/sc_noc_dor.cpp, noc/sc_noc_rr.cpp).
Router *make_dor_router(sc_core::sc_module_name name, const RouterSpec &spec);
Router *make_rr_router(sc_core::sc_module_name name, const RouterSpec &spec);

class ChipNet;

// The whole board's network.
class Network : public sc_core::sc_module {
public:
    Network(sc_core::sc_module_name name, const le_topo *t, uint64_t seed, RouterMaker make);
    ~Network() override;
    le_code deliver(const le_noc_phase *ph, int64_t *arrive, int64_t *done_ps, le_error *err);
    // The module of link `id` (le_link_* ids); nullptr for links no route can use.
    const Link *link(uint32_t id) const { return id < links_.size() ? links_[id] : nullptr; }
    Router &router(uint32_t chip, uint32_t x, uint32_t y);
    uint32_t n_links() const { return n_links_; }
    uint32_t n_routers() const;
    uint64_t wakeups() const { return phase_.wakeups; }

private:
    le_topo topo_;
    Phase phase_;
    std::vector<std::unique_ptr<ChipNet>> chips_;
    std::vector<Link *> links_;
    uint32_t n_links_ = 0;
    std::vector<Spike> spikes_;
    friend class ChipNet;
};

} // namespace le_scnoc

#endif
