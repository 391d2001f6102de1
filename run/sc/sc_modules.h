// Thin SystemC modules around the C cost model: the hierarchy (Board > Chip > NeuroCore,
// Router > Link, X86Core, ChipLink; Board > Barrier) mirrors the hardware, and each module
// reads its figures from the C model. Time advances in one process only: the Barrier's
// engine thread, which per step waits the computed phase durations, so sc_time_stamp()
// equals the emulated time. No module has a process of its own, so idle components cost
// nothing in the SystemC kernel either.
#ifndef LE_RUN_SC_SC_MODULES_H
#define LE_RUN_SC_SC_MODULES_H

#include <deque>
#include <memory>
#include <vector>

#include <systemc>

#include "cost/costmodel_internal.h"

namespace le_sc {

sc_core::sc_time ps(int64_t t);

class NeuroCore : public sc_core::sc_module {
public:
    NeuroCore(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t gid);
    uint32_t gid() const { return gid_; }
    bool in_use() const;
    sc_core::sc_time busy_time() const; // synaptic + compartment + output work so far
    double energy_j() const;            // dynamic compute energy so far

private:
    const le_costmodel *cm_;
    uint32_t gid_;
};

class Link : public sc_core::sc_module {
public:
    Link(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t link);
    uint32_t id() const { return link_; }
    int link_class() const;
    uint64_t packets() const;
    sc_core::sc_time busy_time() const; // packets x serialisation interval
    double energy_j() const;

private:
    const le_costmodel *cm_;
    uint32_t link_;
};

// A tile's router: its four mesh output links and the local links into its cores.
class Router : public sc_core::sc_module {
public:
    Router(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, uint32_t tx, uint32_t ty);
    Link &out(int dir) { return *mesh_[dir]; }
    Link &local(uint32_t k) { return *local_[k]; }
    uint64_t packets() const; // traversals of all its output links

private:
    std::vector<std::unique_ptr<Link>> mesh_, local_;
};

class ChipLink : public sc_core::sc_module {
public:
    ChipLink(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, int dir);
    bool inter_board() const;
    uint64_t packets() const { return link_->packets(); }
    sc_core::sc_time busy_time() const { return link_->busy_time(); }
    double energy_j() const { return link_->energy_j(); }

private:
    std::unique_ptr<Link> link_;
};

class X86Core : public sc_core::sc_module {
public:
    X86Core(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip);
    sc_core::sc_time busy_time() const;
    double energy_j() const;

private:
    const le_costmodel *cm_;
    uint32_t chip_;
};

// The end-of-step barrier, and the engine that moves SystemC time step by step.
class Barrier : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(Barrier);
    Barrier(sc_core::sc_module_name name, const le_costmodel *cm);
    sc_core::sc_time latency(uint32_t chips) const;
    void post(const le_step_cost &c); // queue one step's phases
    uint64_t steps() const { return steps_; }
    // Notified when each phase of a step ends (for observers; nothing depends on them).
    sc_core::sc_event inject_done, cores_done, barrier_done, step_done;

private:
    void engine();
    const le_costmodel *cm_;
    std::deque<le_step_cost> queue_;
    sc_core::sc_event posted_;
    uint64_t steps_ = 0;
};

// One chip. Its parts are elaborated only when `detailed`: chips in use on large boards.
class Chip : public sc_core::sc_module {
public:
    Chip(sc_core::sc_module_name name, const le_costmodel *cm, uint32_t chip, bool detailed);
    uint32_t id() const { return chip_; }
    bool detailed() const { return !cores_.empty(); }
    NeuroCore &core(uint32_t k) { return *cores_[k]; }
    Router &router(uint32_t tx, uint32_t ty);
    X86Core &x86() { return *x86_; }
    ChipLink &port(int dir) { return *ports_[dir]; }

private:
    const le_costmodel *cm_;
    uint32_t chip_;
    std::vector<std::unique_ptr<NeuroCore>> cores_;
    std::vector<std::unique_ptr<Router>> routers_;
    std::unique_ptr<X86Core> x86_;
    std::vector<std::unique_ptr<ChipLink>> ports_;
};

class Board : public sc_core::sc_module {
public:
    Board(sc_core::sc_module_name name, const le_costmodel *cm);
    uint32_t n_chips() const { return (uint32_t)chips_.size(); }
    Chip &chip(uint32_t c) { return *chips_[c]; }
    Barrier &barrier() { return *barrier_; }

private:
    std::vector<std::unique_ptr<Chip>> chips_;
    std::unique_ptr<Barrier> barrier_;
};

} // namespace le_sc

#endif
