// The authors' x86 work as the snips report it (requirement: the spiking snip's threshold tests,
// one injection per spike and the host words of each 10-image batch; the management snip's 10
// register reads, argmax, reset writes and one host message per 10 images), checked against
// counts worked out here from the encoder; and the cost model's ledger, identical run to run.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "board/board.h"
#include "cost/costmodel.h"
#include "run/sim.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "models/smnist/encoder.h"
#include "models/smnist/snips.h"
#include "tests/smnist_pipeline.h"

namespace {

// The CLI's own rule (LE_DATA_DIR, else the source tree's data/).
std::string data_dir() { return le_data_dir(nullptr); }

struct Data {
    le_mnist mnist{};
    le_smnist_weights w{};
    bool ok = false;
    std::string why;
    Data()
    {
        le_error err;
        if (le_mnist_load_t10k(data_dir().c_str(), &mnist, &err) ||
            le_smnist_weights_load((data_dir() + "/" LE_SMNIST_WEIGHTS).c_str(), &w, &err)) {
            why = err.msg;
            return;
        }
        ok = true;
    }
    ~Data()
    {
        le_smnist_weights_free(&w);
        le_mnist_free(&mnist);
    }
};

Data &data()
{
    static Data d;
    return d;
}

// Per-step x86 activity as the run loop reports it.
struct X86Log {
    std::vector<le_x86_activity> steps; // one per step (zeros when the x86 did nothing)
    std::vector<uint32_t> injected;     // host injections per step
};

le_code log_step(void *ctx, const le_step_activity *act, le_error *)
{
    X86Log *l = static_cast<X86Log *>(ctx);
    le_x86_activity a;
    std::memset(&a, 0, sizeof a);
    for (uint32_t i = 0; i < act->n_x86; i++) {
        a.spikes_injected += act->x86[i].spikes_injected;
        a.host_words_in += act->x86[i].host_words_in;
        a.host_words_out += act->x86[i].host_words_out;
        a.reg_reads += act->x86[i].reg_reads;
        a.reg_writes += act->x86[i].reg_writes;
        a.snip_ops += act->x86[i].snip_ops;
    }
    l->steps.push_back(a);
    l->injected.push_back(act->n_injected);
    return LE_OK;
}

} // namespace

#define NEED_DATA() ASSERT_TRUE(data().ok) << data().why << " (CI has the data: set LE_DATA_DIR or run tools/fetch-data.sh)"

TEST(SmnistLedger, X86WorkOfTheSnips)
{
    NEED_DATA();
    Data &d = data();
    // 12 images: one whole batch of 10 and the start of the next.
    std::vector<uint32_t> idx;
    for (uint32_t i = 0; i < 12; i++)
        idx.push_back(100 + i);
    SmnistRun chip(&d.w, nullptr, nullptr);
    ASSERT_TRUE(chip.ok);
    le_error err;
    X86Log log;
    le_cost_sink sink{log_step, &log};
    le_sim_set_cost_sink(chip.p.sim, &sink);
    std::vector<uint8_t> pred(idx.size());
    le_smnist_snip_state st;
    le_smnist_snip_init(&st, &d.mnist, idx.data(), (uint32_t)idx.size(), &chip.pops, pred.data(), nullptr, 0);
    ASSERT_EQ(chip.run(&st, nullptr, nullptr, &err), LE_OK) << err.msg;
    ASSERT_EQ(log.steps.size(), 12u * 840u);

    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    uint8_t buf[80];
    for (size_t k = 0; k < idx.size(); k++) {
        const uint8_t *img = le_mnist_image(&d.mnist, idx[k]);
        for (uint32_t s = 1; s <= 840; s++) {
            const le_x86_activity &a = log.steps[k * 840 + s - 1];
            uint32_t spikes = le_smnist_encode_step(img, s, thr, buf, nullptr);
            ASSERT_EQ(a.spikes_injected, spikes) << "image " << k << " step " << s;
            ASSERT_EQ(log.injected[k * 840 + s - 1], spikes) << "image " << k << " step " << s;
            // threshold tests 1..39 on pixel steps, one branch on cue steps; +1 management guard
            uint32_t ops = (s <= 784 ? 39u : 1u) + 1u + (s == 840 ? 10u : 0u);
            ASSERT_EQ(a.snip_ops, ops) << "image " << k << " step " << s;
            ASSERT_EQ(a.host_words_in, (k % 10 == 0 && s == 1) ? 7840u : 0u) << "image " << k << " step " << s;
            ASSERT_EQ(a.reg_reads, s == 840 ? 10u : 0u) << "image " << k << " step " << s;
            if (s == 840) {
                EXPECT_GT(a.reg_writes, 0u);
            } else {
                ASSERT_EQ(a.reg_writes, 0u) << "image " << k << " step " << s;
            }
            uint32_t out = (s == 840 && (k == 9 || k == 11)) ? 10u : 0u; // after the 10th and the last image
            ASSERT_EQ(a.host_words_out, out) << "image " << k << " step " << s;
        }
    }
}

static le_cost_summary ledger_run(const char *board)
{
    Data &d = data();
    le_cost_summary s;
    std::memset(&s, 0, sizeof s);
    le_error err;
    SmnistRun chip(&d.w, nullptr, board);
    if (!chip.ok)
        return s;
    std::vector<uint32_t> idx = {3, 4, 5, 6, 7};
    std::vector<uint8_t> pred(idx.size());
    le_smnist_snip_state st;
    le_smnist_snip_init(&st, &d.mnist, idx.data(), (uint32_t)idx.size(), &chip.pops, pred.data(), nullptr,
                        le_sim_step_now(chip.p.sim));
    EXPECT_EQ(chip.run(&st, nullptr, nullptr, &err), LE_OK) << err.msg;
    le_costmodel_summary(chip.p.cm, &s);
    return s;
}

TEST(SmnistLedger, StableFromRunToRunAndSane)
{
    NEED_DATA();
    le_cost_summary a = ledger_run("nahuku32");
    le_cost_summary b = ledger_run("nahuku32");
    EXPECT_EQ(a.steps, 5u * 840u);
    EXPECT_EQ(a.inferences, 5u);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.time_s, b.time_s);
    EXPECT_EQ(a.e_total_j, b.e_total_j);
    EXPECT_EQ(a.e_x86_dynamic_j, b.e_x86_dynamic_j);
    EXPECT_EQ(a.e_nc_dynamic_j, b.e_nc_dynamic_j);
    EXPECT_EQ(a.step_p99_s, b.step_p99_s);
    // Internal consistency: latency = time / images, EDP = energy per image x latency.
    EXPECT_NEAR(a.latency_per_inference_s, a.time_s / 5, 1e-12);
    EXPECT_NEAR(a.energy_per_inference_j, a.e_total_j / 5, 1e-15);
    EXPECT_NEAR(a.edp_js, a.energy_per_inference_j * a.latency_per_inference_s, 1e-18);
    EXPECT_NEAR(a.e_total_j, a.e_nc_static_j + a.e_nc_dynamic_j + a.e_x86_static_j + a.e_x86_dynamic_j,
                1e-9 * a.e_total_j);
    EXPECT_GT(a.e_x86_dynamic_j, 0);
    EXPECT_GT(a.e_nc_dynamic_j, 0);
}
