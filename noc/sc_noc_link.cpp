// Links, the x86 injection port and the cores' inputs: modules without processes, which act
// inside the transport calls that pass through them.
#include "noc/sc_noc.h"

namespace le_scnoc {

Link::Link(sc_core::sc_module_name name, const le_topo *t, uint32_t id, Phase *phase)
    : sc_module(name), in("in"), out("out"), id_(id), cls_(le_link_class(t, id)),
      lat_((uint64_t)t->cls[cls_].lat_ps), ser_((uint64_t)t->cls[cls_].ser_ps), phase_(phase)
{
    in.bind(*this);
    out.bind(*this);
}

// The router sends when the link is free; the packet is at the next router `latency` later.
// The link can take the next packet when its serialisation interval is over and the next
// router has given the credit for its input buffer, whichever is later.
tlm::tlm_sync_enum Link::nb_transport_fw(Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d)
{
    if (ph != tlm::BEGIN_REQ) {
        phase_->fail(std::string(name()) + ": unexpected phase " + ph.get_name());
        return tlm::TLM_COMPLETED;
    }
    uint64_t now = now_ps();
    start_ = now + d.value();
    ser_done_ = start_ + ser_;
    packets_++;
    if (phase_->hop_start && s.index < phase_->count) {
        uint32_t k = phase_->route_off[s.index] + s.hop;
        if (k < phase_->route_off[s.index + 1] && phase_->links[k] == id_)
            phase_->hop_start[k] = (int64_t)(start_ - phase_->origin);
    }
    s.hop++;
    tlm::tlm_phase p2 = tlm::BEGIN_REQ;
    sc_core::sc_time d2 = d + ps(lat_);
    tlm::tlm_sync_enum r = out->nb_transport_fw(s, p2, d2);
    if (r == tlm::TLM_UPDATED && p2 == tlm::END_REQ) {
        uint64_t credit = now + d2.value();
        uint64_t ready = credit > ser_done_ ? credit : ser_done_;
        busy_ += ready - start_;
        ph = tlm::END_REQ;
        d = ps(ready - now);
        return tlm::TLM_UPDATED;
    }
    if (r != tlm::TLM_ACCEPTED)
        phase_->fail(std::string(name()) + ": the next router refused the packet");
    return tlm::TLM_ACCEPTED;
}

tlm::tlm_sync_enum Link::nb_transport_bw(Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d)
{
    if (ph != tlm::END_REQ) {
        phase_->fail(std::string(name()) + ": unexpected phase " + ph.get_name() + " from the next router");
        return tlm::TLM_COMPLETED;
    }
    uint64_t now = now_ps();
    uint64_t credit = now + d.value();
    uint64_t ready = credit > ser_done_ ? credit : ser_done_;
    busy_ += ready - start_;
    tlm::tlm_phase p2 = tlm::END_REQ;
    sc_core::sc_time d2 = ps(ready - now);
    in->nb_transport_bw(s, p2, d2);
    return tlm::TLM_COMPLETED;
}

void Link::b_transport(Spike &, sc_core::sc_time &)
{
    phase_->fail(std::string(name()) + ": spikes travel by nb_transport only");
}

X86Port::X86Port(sc_core::sc_module_name name) : sc_module(name), out("out") { out.bind(*this); }

void X86Port::inject(Spike &s, const sc_core::sc_time &delay)
{
    packets_++;
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_core::sc_time d = delay;
    out->nb_transport_fw(s, ph, d);
}

// The router takes x86 packets into an unbounded queue: credits need no action.
tlm::tlm_sync_enum X86Port::nb_transport_bw(Spike &, tlm::tlm_phase &, sc_core::sc_time &)
{
    return tlm::TLM_COMPLETED;
}

Cores::Cores(sc_core::sc_module_name name, uint32_t first_gid, Phase *phase)
    : sc_module(name), in("in"), first_(first_gid), phase_(phase)
{
    in.register_nb_transport_fw(this, &Cores::in_fw);
}

// Socket id k is the local link into core k of the chip (bound in that order).
tlm::tlm_sync_enum Cores::in_fw(int k, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d)
{
    if (s.dst != first_ + (uint32_t)k) {
        phase_->fail(std::string(name()) + ": packet " + std::to_string(s.index) + " for core " +
                     std::to_string(s.dst) + " came into core " + std::to_string(first_ + (uint32_t)k));
    } else if (s.index < phase_->count && phase_->arrive[s.index] < 0) {
        phase_->arrive[s.index] = (int64_t)(now_ps() + d.value() - phase_->origin);
        phase_->arrived++;
    } else {
        phase_->fail(std::string(name()) + ": packet " + std::to_string(s.index) + " arrived twice");
    }
    ph = tlm::END_REQ;
    d = sc_core::SC_ZERO_TIME;
    return tlm::TLM_UPDATED;
}

} // namespace le_scnoc
