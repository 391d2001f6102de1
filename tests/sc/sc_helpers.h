// Shared helpers of the SystemC tests: a cost model with the SystemC engine attached, and
// step activities built from vectors.
#ifndef LE_TESTS_SC_SC_HELPERS_H
#define LE_TESTS_SC_SC_HELPERS_H

#include <gtest/gtest.h>

#include <vector>

#include "cost/costmodel_internal.h"
#include "run/sc/sc_engine.h"
#include "run/sc/sc_modules.h"
#include "tests/step_activity.h"

struct ScModel {
    le_costmodel *cm = nullptr;
    le_sc_engine *eng = nullptr;
    le_cost_sink sink{};
    // cores: declared in use before elaboration (empty: nothing declared)
    ScModel(const char *board, const le_noc_mode *mode, const std::vector<uint32_t> &cores = {})
    {
        le_error err{};
        EXPECT_EQ(le_costmodel_open(board, nullptr, mode, 1, &cm, &err), LE_OK) << err.msg;
        if (!cores.empty()) {
            EXPECT_EQ(le_costmodel_set_cores_used(cm, cores.data(), (uint32_t)cores.size(), &err), LE_OK) << err.msg;
        }
        EXPECT_EQ(le_systemc_attach(cm, &eng, &err), LE_OK) << err.msg;
        sink = le_systemc_sink(eng);
    }
    ~ScModel()
    {
        le_systemc_detach(eng);
        le_costmodel_free(cm);
    }
    le_sc::Board &board() { return *reinterpret_cast<le_sc::Board *>(sc_core::sc_find_object("board")); }
    void step(std::vector<le_core_activity> cores, std::vector<le_packet> pk = {}, std::vector<le_packet> inj = {},
              std::vector<le_x86_activity> x86 = {})
    {
        le_step_activity a = le_test_activity(cores, pk, inj, x86);
        le_error e{};
        EXPECT_EQ(sink.step(sink.ctx, &a, &e), LE_OK) << e.msg;
    }
    int64_t emulated_ps() const { return le_costmodel_ledger(cm)->time_ps; }
};

inline int64_t sc_now_ps() { return (int64_t)(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5); }

#endif
