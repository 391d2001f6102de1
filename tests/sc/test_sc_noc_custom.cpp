// The example of docs/systemc-network.md: an architect's own router, registered by name and
// run as network mode systemc:prio. Keep the two in step.
#include <algorithm>
#include <queue>
#include <vector>

#include "noc/sc_noc.h"
#include "sc_noc_helpers.h"

// Output-queued like dor, but each output serves the lowest input port first (links from the
// E, W, N, S neighbours, the chip ports, the x86, then the tile's cores), FIFO within a port.
class PriorityRouter : public le_scnoc::Router {
public:
    PriorityRouter(sc_core::sc_module_name name, const le_scnoc::RouterSpec &spec)
        : Router(name, spec), waiting_(spec.outputs.size())
    {
    }

protected:
    void arrived(int port, le_scnoc::Spike &s) override
    {
        int o = route(s); // dimension order, from the base class
        if (o >= 0)
            waiting_[o].push(Entry{port, seq_++, &s});
    }

    void arbitrate() override
    {
        for (int o = 0; o < n_outputs(); o++)
            while (!waiting_[o].empty() && ready(o)) {
                le_scnoc::Spike *s = waiting_[o].top().s;
                waiting_[o].pop();
                send(o, *s);
            }
    }

private:
    struct Entry {
        int port;
        uint64_t seq;
        le_scnoc::Spike *s;
    };
    struct Later {
        bool operator()(const Entry &a, const Entry &b) const
        {
            return a.port != b.port ? a.port > b.port : a.seq > b.seq;
        }
    };
    std::vector<std::priority_queue<Entry, std::vector<Entry>, Later>> waiting_;
    uint64_t seq_ = 0;
};

namespace {

// The hot spot of test_sc_noc_rr.cpp on one chip: cores 1, 2, 3 and four packets of core 4
// (tile (1,0)) to core 0, all at 0. At (0,0), ports: 0 from E, 1 from N, 2 x86, 3..6 cores.
//   0: cores 1, 2, 3 wait: core 1 -> in at 2.1;  2.1: core 2 -> in at 4.2
//   4.2: core 4's first (at the E input since 4.1) beats core 3 -> in at 6.3; core 3 -> 8.4
//   core 4's others reach (0,0) at 8.2, 12.3, 16.4 (4.1 ns apart) -> in at 10.5, 14.4, 18.5
TEST(ScNocCustom, PriorityRouterByHand)
{
    le_error err{};
    ASSERT_EQ(le_scnoc::add_router<PriorityRouter>("prio", "lowest input port first", &err), LE_OK) << err.msg;
    NocBoard b("1x1");
    NocNet prio(b.topo(), le_noc_mode_find("systemc:prio"));
    Traffic p;
    for (uint32_t c = 1; c <= 3; c++)
        p.add(c, 0, 0);
    for (int k = 0; k < 4; k++)
        p.add(4, 0, 0);
    std::vector<int64_t> a;
    EXPECT_EQ(prio.run(p, &a), 18500);
    std::vector<int64_t> want{2100, 4200, 8400, 6300, 10500, 14400, 18500};
    EXPECT_EQ(a, want);
}

} // namespace
