// The dor router (the systemc mode): dimension-order routing into output queues without a
// bound; each output serves its queue in order of arrival time, packets that arrived at the
// same time in packet mode's seeded order (le_noc_tie_key). Inputs never hold a packet back,
// so every link behaves as in packet mode and each packet arrives at packet mode's time.
#include "noc/sc_noc.h"

namespace le_scnoc {

namespace {

class DorRouter : public Router {
public:
    DorRouter(sc_core::sc_module_name name, const RouterSpec &spec) : Router(name, spec), q_(spec.outputs.size()) {}

protected:
    void arrived(int, Spike &s) override
    {
        int o = route(s);
        if (o >= 0)
            q_[o].push(Waiting{now_ps(), tie_key(s), &s});
    }

    void arbitrate() override
    {
        for (int o = 0; o < n_outputs(); o++)
            while (!q_[o].empty() && ready(o)) {
                Spike *s = q_[o].top().s;
                q_[o].pop();
                send(o, *s);
            }
    }

private:
    struct Waiting {
        uint64_t t, key;
        Spike *s;
    };
    struct Later {
        bool operator()(const Waiting &a, const Waiting &b) const { return a.t != b.t ? a.t > b.t : a.key > b.key; }
    };
    std::vector<std::priority_queue<Waiting, std::vector<Waiting>, Later>> q_;
};

} // namespace

Router *make_dor_router(sc_core::sc_module_name name, const RouterSpec &spec) { return new DorRouter(name, spec); }

} // namespace le_scnoc
