// The rr router (systemc:rr), a second microarchitecture: input-buffered, one packet per link
// input, round-robin arbitration per output over the input ports.
//  - A mesh input holds one packet; the upstream link gets its credit back (and may send the
//    next packet) only when that packet leaves the buffer. Inputs from the x86 and the cores
//    queue without a bound (the source keeps its own packets), and so do the chip ports (the
//    chip-to-chip interface's FIFO): a route chains X-then-Y segments chip after chip, so a
//    packet may turn from Y in one chip to X in the next, and with small buffers on the ports
//    too the channels could wait on each other in a cycle (a deadlock the network would
//    report as packets that never arrive).
//  - Each free output grants one input whose head packet wants it, searching from the port
//    after the one it granted last. Ports are numbered in spec order: links from the E, W, N,
//    S neighbours, chip ports E, W, N, S, the x86, then the tile's cores.
//  - Arbitration works in rounds: a round looks at the heads as they were at its start (an
//    input sends at most one packet per round); another round follows one delta later when
//    a free output still has a request. Decisions thus do not depend on the order in which
//    the kernel runs processes.
// Head-of-line blocking and the back-pressure of one-packet buffers make it slower than dor
// on hot spots (tests/sc/test_sc_noc_rr.cpp works an example by hand).
#include <deque>

#include "noc/sc_noc.h"

namespace le_scnoc {

namespace {

class RrRouter : public Router {
public:
    RrRouter(sc_core::sc_module_name name, const RouterSpec &spec)
        : Router(name, spec), q_(spec.inputs.size()), next_(spec.outputs.size(), 0), taken_(spec.inputs.size(), 0)
    {
    }

protected:
    bool unbounded_input(int port) const override { return spec().inputs[port].kind != PortKind::Mesh; }

    void arrived(int port, Spike &s) override
    {
        int o = route(s);
        if (o < 0)
            return;
        if (!unbounded_input(port) && !q_[port].empty())
            fail("input " + std::to_string(port) + ": one-packet buffer overrun");
        q_[port].push_back(Head{&s, o});
    }

    void arbitrate() override
    {
        const int n = n_inputs();
        for (int p = 0; p < n; p++)
            taken_[p] = 0;
        for (int o = 0; o < n_outputs(); o++) {
            int p = pick(o);
            if (p < 0 || !ready(o))
                continue;
            Spike *s = q_[p].front().s;
            q_[p].pop_front();
            taken_[p] = 1;
            next_[o] = (p + 1) % n;
            send(o, *s);
            release(p); // a no-op for inputs that took their credit at once
        }
        // Heads exposed by this round, or an output free again at once, wait for the next round.
        for (int p = 0; p < n; p++)
            taken_[p] = 0;
        for (int o = 0; o < n_outputs(); o++)
            if (pick(o) >= 0 && ready(o)) {
                rearbitrate();
                break;
            }
    }

private:
    struct Head {
        Spike *s;
        int o;
    };
    // The first port from next_[o] on whose head (as at the round's start) wants output o.
    int pick(int o) const
    {
        const int n = n_inputs();
        for (int k = 0; k < n; k++) {
            int p = (next_[o] + k) % n;
            if (!taken_[p] && !q_[p].empty() && q_[p].front().o == o)
                return p;
        }
        return -1;
    }
    std::vector<std::deque<Head>> q_;
    std::vector<int> next_;
    std::vector<char> taken_;
};

} // namespace

Router *make_rr_router(sc_core::sc_module_name name, const RouterSpec &spec) { return new RrRouter(name, spec); }

} // namespace le_scnoc
