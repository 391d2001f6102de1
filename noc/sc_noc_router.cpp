// The Router base class: wiring, dimension-order routing, credits and the timing of calls.
//
// Why two methods and a delta apart: packets reach a router at a time T through timed events,
// which all fire in the first delta cycle of T; on_due() takes them in. Arbitration runs in a
// later delta (on_arbitrate()), so it sees every packet due at T whatever order the kernel runs
// the routers in; that is what lets the dor router reproduce packet mode's FIFO-with-ties order.
// Credits that come back on the backward path during a delta are used from the next delta on,
// for the same reason.
#include "noc/sc_noc.h"

#include <sstream>

namespace le_scnoc {

uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }
sc_core::sc_time ps(uint64_t t) { return sc_core::sc_time::from_value(t); }

Router::Router(sc_core::sc_module_name name, const RouterSpec &spec)
    : sc_module(name), in("in"), out("out"), spec_(spec)
{
    in.register_nb_transport_fw(this, &Router::in_fw);
    out.register_nb_transport_bw(this, &Router::out_bw);
    for (int d = 0; d < 4; d++)
        out_mesh_[d] = out_chip_[d] = -1;
    out_core_.assign(spec.topo->g.cores_per_tile, -1);
    in_core_.assign(spec.topo->g.cores_per_tile, -1);
    for (int o = 0; o < n_outputs(); o++) {
        const Port &p = spec.outputs[o];
        if (p.kind == PortKind::Mesh)
            out_mesh_[p.where] = o;
        else if (p.kind == PortKind::Chip)
            out_chip_[p.where] = o;
        else if (p.kind == PortKind::Core)
            out_core_[p.where] = o;
    }
    for (int i = 0; i < n_inputs(); i++)
        if (spec.inputs[i].kind == PortKind::Core)
            in_core_[spec.inputs[i].where] = i;
    until_.assign(n_outputs(), 0);
    in_flight_.assign(n_outputs(), nullptr);
    wake_.assign(n_outputs(), 0);
    held_.assign(n_inputs(), nullptr);
    SC_METHOD(on_due);
    sensitive << due_ev_;
    dont_initialize();
    SC_METHOD(on_arbitrate);
    sensitive << arb_ev_;
    dont_initialize();
}

void Router::fail(const std::string &what) { spec_.phase->fail(std::string(name()) + ": " + what); }

void Router::schedule(uint64_t t, int what, Spike *s)
{
    uint64_t now = now_ps();
    bool earliest = due_.empty() || t < due_.top().t;
    due_.push(Due{t, seq_++, what, s});
    // The event is pending for the earliest entry already; re-notifying it for every packet
    // would only churn the kernel's timed queue.
    if (!earliest)
        return;
    if (t <= now)
        due_ev_.notify(sc_core::SC_ZERO_TIME);
    else
        due_ev_.notify(ps(t - now));
}

void Router::take(int port, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d, tlm::tlm_sync_enum &ret)
{
    if (ph != tlm::BEGIN_REQ) {
        fail("input " + std::to_string(port) + ": unexpected phase " + ph.get_name());
        ret = tlm::TLM_COMPLETED;
        return;
    }
    schedule(now_ps() + d.value(), port, &s);
    if (is_source(port) || unbounded_input(port)) {
        ph = tlm::END_REQ;
        d = sc_core::SC_ZERO_TIME;
        ret = tlm::TLM_UPDATED;
        return;
    }
    if (held_[port])
        fail("input " + std::to_string(port) + ": a packet came before the buffer's credit went back");
    held_[port] = &s;
    ret = tlm::TLM_ACCEPTED;
}

tlm::tlm_sync_enum Router::in_fw(int port, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d)
{
    tlm::tlm_sync_enum ret;
    if (port < 0 || port >= n_inputs() || spec_.inputs[port].kind == PortKind::Core) {
        fail("socket id " + std::to_string(port) + " is not a linked input");
        return tlm::TLM_COMPLETED;
    }
    take(port, s, ph, d, ret);
    return ret;
}

void Router::inject_from_core(uint32_t k, Spike &s, const sc_core::sc_time &delay)
{
    int port = k < in_core_.size() ? in_core_[k] : -1;
    if (port < 0) {
        fail("no input from core " + std::to_string(k));
        return;
    }
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_core::sc_time d = delay;
    tlm::tlm_sync_enum ret;
    take(port, s, ph, d, ret);
}

void Router::credit(int o, uint64_t t)
{
    in_flight_[o] = nullptr;
    until_[o] = t;
    if (t > spec_.phase->horizon)
        spec_.phase->horizon = t;
}

tlm::tlm_sync_enum Router::out_bw(int o, Spike &s, tlm::tlm_phase &ph, sc_core::sc_time &d)
{
    if (ph != tlm::END_REQ || o < 0 || o >= n_outputs() || in_flight_[o] != &s) {
        fail("output " + std::to_string(o) + ": unexpected credit");
        return tlm::TLM_COMPLETED;
    }
    credits_.push_back(Credit{o, now_ps() + d.value(), sc_core::sc_delta_count()});
    arb_ev_.notify(sc_core::SC_ZERO_TIME);
    return tlm::TLM_COMPLETED;
}

void Router::on_due()
{
    spec_.phase->wakeups++;
    uint64_t now = now_ps();
    while (!due_.empty() && due_.top().t <= now) {
        Due e = due_.top();
        due_.pop();
        if (e.what >= 0)
            arrived(e.what, *e.s);
        else
            wake_[-1 - e.what] = 0;
    }
    if (!due_.empty())
        due_ev_.notify(ps(due_.top().t - now));
    arb_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Router::on_arbitrate()
{
    spec_.phase->wakeups++;
    uint64_t delta = sc_core::sc_delta_count();
    size_t keep = 0;
    for (size_t i = 0; i < credits_.size(); i++) {
        if (credits_[i].delta < delta)
            credit(credits_[i].o, credits_[i].t);
        else
            credits_[keep++] = credits_[i];
    }
    credits_.resize(keep);
    if (keep)
        arb_ev_.notify(sc_core::SC_ZERO_TIME);
    arbitrate();
}

bool Router::ready(int o)
{
    if (in_flight_[o])
        return false;
    uint64_t now = now_ps();
    if (until_[o] <= now)
        return true;
    if (!wake_[o]) {
        wake_[o] = 1;
        schedule(until_[o], -1 - o, nullptr);
    }
    return false;
}

void Router::send(int o, Spike &s)
{
    if (!ready(o)) {
        fail("output " + std::to_string(o) + " sent to while busy");
        return;
    }
    in_flight_[o] = &s;
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    tlm::tlm_sync_enum r = out[o]->nb_transport_fw(s, ph, d);
    if (r == tlm::TLM_UPDATED && ph == tlm::END_REQ)
        credit(o, now_ps() + d.value());
    else if (r != tlm::TLM_ACCEPTED)
        fail("output " + std::to_string(o) + ": the link refused the packet");
}

void Router::release(int port)
{
    Spike *s = held_[port];
    if (!s)
        return;
    held_[port] = nullptr;
    tlm::tlm_phase ph = tlm::END_REQ;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    in[port]->nb_transport_bw(*s, ph, d);
}

// Dimension order, decided here from the destination alone: while the chip column differs,
// X then Y to the east or west port router and across; then the same for rows through the
// north or south port; then X then Y to the destination tile and into its core. This is
// le_route's path (noc/topo.c), which the tests check link by link.
int Router::route(const Spike &s)
{
    const le_topo *t = spec_.topo;
    const le_board_geom *g = &t->g;
    uint32_t dchip = s.dst / g->cores_per_chip, dcore = s.dst % g->cores_per_chip;
    uint32_t dtile = dcore / g->cores_per_tile;
    uint32_t col = spec_.chip % g->chip_cols, row = spec_.chip / g->chip_cols;
    uint32_t dcol = dchip % g->chip_cols, drow = dchip / g->chip_cols;
    uint32_t tx, ty;
    int o;
    int port = -1;
    if (col != dcol) {
        port = dcol > col ? LE_DIR_E : LE_DIR_W;
        tx = port == LE_DIR_E ? g->tiles_x - 1 : 0;
        ty = t->port_row_ew;
    } else if (row != drow) {
        port = drow > row ? LE_DIR_N : LE_DIR_S;
        tx = t->port_col_ns;
        ty = port == LE_DIR_N ? g->tiles_y - 1 : 0;
    } else {
        tx = dtile % g->tiles_x;
        ty = dtile / g->tiles_x;
    }
    if (spec_.x < tx)
        o = out_mesh_[LE_DIR_E];
    else if (spec_.x > tx)
        o = out_mesh_[LE_DIR_W];
    else if (spec_.y < ty)
        o = out_mesh_[LE_DIR_N];
    else if (spec_.y > ty)
        o = out_mesh_[LE_DIR_S];
    else if (port >= 0)
        o = out_chip_[port];
    else
        o = out_core_[dcore % g->cores_per_tile];
    if (o < 0) {
        std::ostringstream m;
        m << "no output towards core " << s.dst << " (packet " << s.index << ")";
        fail(m.str());
    }
    return o;
}

} // namespace le_scnoc
