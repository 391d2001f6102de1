// The Network module (the whole board), the router factory and the systemc network modes.
//
// Elaboration builds every module a route can use: per chip its routers, the mesh links
// between neighbouring routers, the local links, the ports towards existing neighbour chips,
// the x86 port and the cores' inputs (a mesh link off the chip's edge or a port off the board's
// edge is never on a route and is not built). Binding follows the ports' order in each
// RouterSpec, which fixes the socket ids the routers see.
//
// SystemC allows one elaboration per process, so a process builds at most one Network. Its
// modules stay until the process ends: they could not be built again, and SystemC 2.3 removes
// a module from its registries in time linear in their size, so deleting Pohoiki Springs'
// 208,000 modules would take about half a minute (40,000 took 1.2 s).
#include "noc/noc_systemc.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <new>
#include <string>

#include "noc/noc.h"
#include "noc/sc_noc.h"

namespace le_scnoc {

static int opposite(int dir) { return dir ^ 1; } // E <-> W, N <-> S

class ChipNet : public sc_core::sc_module {
public:
    ChipNet(sc_core::sc_module_name name, Network &net, uint32_t chip, uint64_t seed, RouterMaker make);
    uint32_t chip;
    std::vector<std::unique_ptr<Router>> routers; // tile order: y * tiles_x + x
    std::vector<std::unique_ptr<Link>> links;
    std::unique_ptr<X86Port> x86;
    std::unique_ptr<Cores> cores;
};

// Whether the chip has a neighbour on side dir, and which.
static bool neighbour(const le_topo *t, uint32_t chip, int dir, uint32_t *out)
{
    uint32_t col = chip % t->g.chip_cols, row = chip / t->g.chip_cols;
    if (dir == LE_DIR_E && col + 1 < t->g.chip_cols)
        col++;
    else if (dir == LE_DIR_W && col > 0)
        col--;
    else if (dir == LE_DIR_N && row + 1 < t->g.chip_rows)
        row++;
    else if (dir == LE_DIR_S && row > 0)
        row--;
    else
        return false;
    *out = row * t->g.chip_cols + col;
    return true;
}

// Whether router (x, y) holds the chip's port on side dir.
static bool port_router(const le_topo *t, uint32_t x, uint32_t y, int dir)
{
    switch (dir) {
    case LE_DIR_E: return x == t->g.tiles_x - 1 && y == t->port_row_ew;
    case LE_DIR_W: return x == 0 && y == t->port_row_ew;
    case LE_DIR_N: return x == t->port_col_ns && y == t->g.tiles_y - 1;
    default: return x == t->port_col_ns && y == 0;
    }
}

static bool mesh_neighbour(const le_topo *t, uint32_t x, uint32_t y, int dir, uint32_t *nx, uint32_t *ny)
{
    *nx = x;
    *ny = y;
    if (dir == LE_DIR_E && x + 1 < t->g.tiles_x)
        ++*nx;
    else if (dir == LE_DIR_W && x > 0)
        --*nx;
    else if (dir == LE_DIR_N && y + 1 < t->g.tiles_y)
        ++*ny;
    else if (dir == LE_DIR_S && y > 0)
        --*ny;
    else
        return false;
    return true;
}

static RouterSpec router_spec(const le_topo *t, uint32_t chip, uint32_t x, uint32_t y, uint64_t seed, Phase *phase)
{
    RouterSpec s{t, chip, x, y, seed, {}, {}, phase};
    uint32_t nx, ny, nc;
    for (int d = 0; d < 4; d++)
        if (mesh_neighbour(t, x, y, d, &nx, &ny)) {
            s.inputs.push_back(Port{PortKind::Mesh, d});
            s.outputs.push_back(Port{PortKind::Mesh, d});
        }
    for (int d = 0; d < 4; d++)
        if (port_router(t, x, y, d) && neighbour(t, chip, d, &nc)) {
            s.inputs.push_back(Port{PortKind::Chip, d});
            s.outputs.push_back(Port{PortKind::Chip, d});
        }
    if (x == t->x86_tx && y == t->x86_ty)
        s.inputs.push_back(Port{PortKind::X86, 0});
    for (uint32_t k = 0; k < t->g.cores_per_tile; k++) {
        s.inputs.push_back(Port{PortKind::Core, (int)k});
        s.outputs.push_back(Port{PortKind::Core, (int)k});
    }
    return s;
}

static const char dir_name[4] = {'E', 'W', 'N', 'S'};

ChipNet::ChipNet(sc_core::sc_module_name name, Network &net, uint32_t chip_, uint64_t seed, RouterMaker make)
    : sc_module(name), chip(chip_)
{
    const le_topo *t = &net.topo_;
    auto add_link = [&](const std::string &n, uint32_t id) {
        links.emplace_back(new Link(n.c_str(), t, id, &net.phase_));
        net.links_[id] = links.back().get();
        net.n_links_++;
    };
    for (uint32_t y = 0; y < t->g.tiles_y; y++)
        for (uint32_t x = 0; x < t->g.tiles_x; x++) {
            std::string at = std::to_string(x) + "_" + std::to_string(y);
            RouterSpec spec = router_spec(t, chip, x, y, seed, &net.phase_);
            routers.emplace_back(make(("router_" + at).c_str(), spec));
            if (!routers.back())
                throw std::runtime_error("the router factory made no router for " + at);
            for (const Port &p : spec.outputs) {
                if (p.kind == PortKind::Mesh)
                    add_link("link_" + at + "_" + dir_name[p.where], le_link_mesh(t, chip, x, y, p.where));
                else if (p.kind == PortKind::Chip)
                    add_link(std::string("port_") + dir_name[p.where], le_link_port(t, chip, p.where));
            }
        }
    for (uint32_t k = 0; k < t->g.cores_per_chip; k++)
        add_link("local" + std::to_string(k), le_link_local(t, chip, k));
    x86.reset(new X86Port("x86"));
    cores.reset(new Cores("cores", chip * t->g.cores_per_chip, &net.phase_));
}

Network::Network(sc_core::sc_module_name name, const le_topo *t, uint64_t seed, RouterMaker make)
    : sc_module(name), topo_(*t), links_(t->n_links, nullptr)
{
    const le_topo *tp = &topo_;
    for (uint32_t c = 0; c < tp->g.n_chips; c++)
        chips_.emplace_back(new ChipNet(("chip" + std::to_string(c)).c_str(), *this, c, seed, make));
    for (uint32_t c = 0; c < tp->g.n_chips; c++) {
        ChipNet &cn = *chips_[c];
        for (auto &r : cn.routers) {
            const RouterSpec &s = r->spec();
            uint32_t tile = s.y * tp->g.tiles_x + s.x;
            for (const Port &p : s.outputs) {
                uint32_t id = p.kind == PortKind::Mesh   ? le_link_mesh(tp, c, s.x, s.y, p.where)
                              : p.kind == PortKind::Chip ? le_link_port(tp, c, p.where)
                                                         : le_link_local(tp, c, tile * tp->g.cores_per_tile + p.where);
                r->out.bind(links_[id]->in);
            }
            for (const Port &p : s.inputs) {
                uint32_t nx = 0, ny = 0, nc = 0;
                if (p.kind == PortKind::Mesh) {
                    mesh_neighbour(tp, s.x, s.y, p.where, &nx, &ny);
                    links_[le_link_mesh(tp, c, nx, ny, opposite(p.where))]->out.bind(r->in);
                } else if (p.kind == PortKind::Chip) {
                    neighbour(tp, c, p.where, &nc);
                    links_[le_link_port(tp, nc, opposite(p.where))]->out.bind(r->in);
                } else if (p.kind == PortKind::X86) {
                    cn.x86->out.bind(r->in);
                }
            }
        }
        for (uint32_t k = 0; k < tp->g.cores_per_chip; k++)
            links_[le_link_local(tp, c, k)]->out.bind(cn.cores->in);
    }
}

Network::~Network() = default;

Router &Network::router(uint32_t chip, uint32_t x, uint32_t y)
{
    return *chips_[chip]->routers[y * topo_.g.tiles_x + x];
}

uint32_t Network::n_routers() const { return (uint32_t)chips_.size() * topo_.n_routers; }

le_code Network::deliver(const le_noc_phase *ph, int64_t *arrive, int64_t *done_ps, le_error *err)
{
    *done_ps = 0;
    if (!phase_.error.empty())
        return le_fail(err, LE_ERR_CONFIG, "the network failed in an earlier phase: %s", phase_.error.c_str());
    const le_board_geom *g = &topo_.g;
    for (uint32_t i = 0; i < ph->count; i++) {
        if (ph->send_ps[i] < 0)
            return le_fail(err, LE_ERR_USAGE, "packet %u sent at %lld ps, before the phase's origin (SystemC time only grows)",
                           i, (long long)ph->send_ps[i]);
        arrive[i] = -1;
    }
    uint64_t now = now_ps();
    phase_.origin = now > phase_.horizon ? now : phase_.horizon;
    phase_.arrive = arrive;
    phase_.count = ph->count;
    phase_.arrived = 0;
    phase_.hop_start = ph->hop_start_ps;
    phase_.route_off = ph->route_off;
    phase_.links = ph->links;
    try {
        spikes_.assign(ph->count, Spike{});
    } catch (const std::bad_alloc &) {
        return le_fail(err, LE_ERR_NOMEM, "out of memory for %u packets", ph->count);
    }
    for (uint32_t i = 0; i < ph->count; i++) {
        const le_packet &p = ph->pk[i];
        spikes_[i] = Spike{i, p.src, p.dst, 0};
        sc_core::sc_time delay = ps(phase_.origin - now + (uint64_t)ph->send_ps[i]);
        if (p.src & LE_SRC_X86_FLAG) {
            chips_[p.src & ~LE_SRC_X86_FLAG]->x86->inject(spikes_[i], delay);
        } else {
            uint32_t chip = p.src / g->cores_per_chip, core = p.src % g->cores_per_chip;
            uint32_t tile = core / g->cores_per_tile;
            chips_[chip]->routers[tile]->inject_from_core(core % g->cores_per_tile, spikes_[i], delay);
        }
    }
    try {
        sc_core::sc_start();
    } catch (const std::exception &e) {
        phase_.fail(std::string("SystemC: ") + e.what());
    }
    if (!phase_.error.empty())
        return le_fail(err, LE_ERR_CONFIG, "%s", phase_.error.c_str());
    if (phase_.arrived != ph->count) {
        phase_.fail(std::to_string(ph->count - phase_.arrived) + " of " + std::to_string(ph->count) +
                    " packets never reached their cores (the routers hold them: a deadlock?)");
        return le_fail(err, LE_ERR_CONFIG, "%s", phase_.error.c_str());
    }
    int64_t done = 0;
    for (uint32_t i = 0; i < ph->count; i++)
        if (arrive[i] > done)
            done = arrive[i];
    *done_ps = done;
    return LE_OK;
}

// ---- The router factory and the modes.

struct FactoryEntry {
    std::string name, mode_name, help;
    RouterMaker make;
    le_noc_mode mode;
};
static std::deque<FactoryEntry> &factory()
{
    static std::deque<FactoryEntry> f; // a deque: the modes' addresses stay valid
    return f;
}

static const struct {
    const char *name;
    RouterMaker make;
} builtin_routers[] = {{"dor", make_dor_router}, {"rr", make_rr_router}};

RouterMaker find_router(const char *name)
{
    if (!name)
        return nullptr;
    for (const auto &b : builtin_routers)
        if (!strcmp(b.name, name))
            return b.make;
    for (const auto &e : factory())
        if (e.name == name)
            return e.make;
    return nullptr;
}

static bool built = false;
static Network *the_network = nullptr; // kept until the process ends (see the top of this file)

static le_code sc_create(const le_noc_mode *self, const le_topo *t, uint64_t seed, void **state, le_error *err)
{
    const char *router = static_cast<const char *>(self->arg);
    RouterMaker make = find_router(router);
    if (!make)
        return le_fail(err, LE_ERR_USAGE, "no router '%s' in the router factory", router ? router : "");
    if (built)
        return le_fail(err, LE_ERR_USAGE,
                       "SystemC allows one elaboration per process, and this process has already built a SystemC network");
    setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    if (sc_core::sc_is_running() || sc_core::sc_get_status() != sc_core::SC_ELABORATION)
        return le_fail(err, LE_ERR_USAGE, "SystemC in this process is past elaboration: no network can be built");
    // Same-time arrivals are ordered by a delta cycle; a link without latency would break that.
    static const char *cls_name[LE_LC_N] = {"local", "E-W", "N-S", "chip-to-chip", "inter-board"};
    for (int c = 0; c < LE_LC_N; c++)
        if (t->cls[c].lat_ps <= 0 || t->cls[c].ser_ps < 0)
            return le_fail(err, LE_ERR_CONFIG, "%s links: latency %lld ps, serialisation %lld ps (needs latency > 0)",
                           cls_name[c], (long long)t->cls[c].lat_ps, (long long)t->cls[c].ser_ps);
    built = true;
    try {
        try {
            sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
        } catch (const std::exception &) {
            // already fixed (by an earlier sc_time); checked below
        }
        if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
            return le_fail(err, LE_ERR_CONFIG, "SystemC time resolution is %s, not 1 ps",
                           sc_core::sc_get_time_resolution().to_string().c_str());
        the_network = new Network("network", t, seed, make);
        // Ends elaboration now, so that binding errors show here and not in the first phase.
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } catch (const std::exception &e) {
        return le_fail(err, LE_ERR_CONFIG, "elaboration failed: %s", e.what());
    }
    *state = the_network;
    return LE_OK;
}

static le_code sc_deliver(void *state, const le_noc_phase *ph, int64_t *arrive, int64_t *done_ps, le_error *err)
{
    return static_cast<Network *>(state)->deliver(ph, arrive, done_ps, err);
}

static void sc_free(void *) {}

le_code add_router(const char *name, const char *help, RouterMaker make, le_error *err)
{
    if (!name || !*name || !make)
        return le_fail(err, LE_ERR_USAGE, "router factory: a router needs a name and a maker");
    if (find_router(name))
        return le_fail(err, LE_ERR_USAGE, "router factory: router '%s' exists already", name);
    factory().push_back(FactoryEntry{name, std::string("systemc:") + name, help ? help : "", make, le_noc_mode{}});
    FactoryEntry &e = factory().back();
    e.mode = le_noc_mode{e.mode_name.c_str(), e.help.c_str(), sc_create, sc_deliver, sc_free, e.name.c_str()};
    le_code rc = le_noc_mode_register(&e.mode, err);
    if (rc)
        factory().pop_back();
    return rc;
}

} // namespace le_scnoc

extern "C" {

const le_noc_mode le_noc_systemc_mode = {
    "systemc",
    "SystemC routers and links (router dor): the same times as packet, slower",
    le_scnoc::sc_create,
    le_scnoc::sc_deliver,
    le_scnoc::sc_free,
    "dor",
};

static const le_noc_mode systemc_rr_mode = {
    "systemc:rr",
    "SystemC network with router rr: round robin, one-packet mesh input buffers",
    le_scnoc::sc_create,
    le_scnoc::sc_deliver,
    le_scnoc::sc_free,
    "rr",
};

le_code le_noc_systemc_register(le_error *err)
{
    le_code rc = le_noc_mode_register(&le_noc_systemc_mode, err);
    if (!rc)
        rc = le_noc_mode_register(&systemc_rr_mode, err);
    return rc;
}
}
