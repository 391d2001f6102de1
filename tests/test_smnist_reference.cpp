// The sMNIST network as the emulator runs it (models/smnist/*.c -> placement -> run/sim.c ->
// core/neurocore.c) against a plain dense-matrix integer implementation of the LSNN written
// here straight from spec smnist-on-loihi.md §3: 64 * (W x) currents (256 into adaptive
// mains), round-to-zero decays, the aux voltage added to the main current, reset to 0 on a
// spike, voltage saturation at +-(2^23 - 1). Predictions, final output voltages and spike
// counts must agree exactly. Also: the authors' 100-image unit test against the chip.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "board/board.h"
#include "run/sim.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "models/smnist/encoder.h"
#include "models/smnist/snips.h"
#include "tests/smnist_pipeline.h"

namespace {

// The CLI's own rule (LE_DATA_DIR, else the source tree's data/).
std::string data_dir() { return le_data_dir(nullptr); }

std::string source_dir()
{
    const char *s = std::getenv("LE_SOURCE_DIR");
    return s ? s : ".";
}

// The dense reference. Weights as int64 [src][dst].
struct Reference {
    std::vector<int64_t> win, wrec, wout; // 80 x 240, 240 x 240, 240 x 10
    int latency = 1;                      // steps from injection to integration

    static int64_t decay(int64_t x, int64_t k) { return x * (4096 - k) / 4096; } // C++ '/' truncates to zero
    static int64_t sat(int64_t x)
    {
        const int64_t m = (1 << 23) - 1;
        return x > m ? m : (x < -m ? -m : x);
    }
    static int64_t wrap(int64_t x, int bits)
    {
        int64_t m = (int64_t)1 << bits;
        x &= m - 1;
        return x >= m / 2 ? x - m : x;
    }

    struct Result {
        int64_t vout[10];
        uint64_t spikes = 0; // recurrent + output
        uint64_t overflow = 0;
        int pred = 0;
    };

    Result run(const uint8_t *img) const
    {
        Result r;
        std::vector<int64_t> v(240, 0), va(100, 0), vo(10, 0), z(240, 0), x(80, 0), xprev(80, 0);
        int32_t thr[LE_SMNIST_N_THR];
        le_smnist_thresholds(thr);
        for (uint32_t s = 1; s <= 840; s++) {
            std::vector<int64_t> xnow(80, 0);
            uint8_t in[80];
            uint32_t n = le_smnist_encode_step(img, s, thr, in, nullptr);
            for (uint32_t i = 0; i < n; i++)
                xnow[in[i]] = 1;
            const std::vector<int64_t> &xe = latency ? xprev : xnow;
            std::vector<int64_t> zn(240, 0);
            // aux compartments first: a_j = decay(a_j, 5) - 384 z_j(t-1)
            for (int j = 0; j < 100; j++)
                va[j] = sat(decay(va[j], 5) + wrap(-384 * z[140 + j], 22));
            for (int j = 0; j < 240; j++) {
                int64_t in_w = 0;
                for (int i = 0; i < 80; i++)
                    in_w += win[i * 240 + j] * xe[i];
                for (int k = 0; k < 240; k++)
                    in_w += wrec[k * 240 + j] * z[k];
                int64_t q = (j < 140 ? 64 : 256) * in_w;
                if (q != wrap(q, 22))
                    r.overflow++;
                int64_t u = wrap(wrap(q, 22) + (j < 140 ? 0 : va[j - 140]), 24);
                v[j] = sat(decay(v[j], 204) + u);
                int64_t vth = (j < 140 ? 127 : 508) * 64;
                if (v[j] > vth) {
                    zn[j] = 1;
                    v[j] = 0;
                    r.spikes++;
                }
            }
            for (int c = 0; c < 10; c++) {
                int64_t in_w = 0;
                for (int k = 0; k < 240; k++)
                    in_w += wout[k * 10 + c] * z[k];
                vo[c] = sat(decay(vo[c], 204) + wrap(64 * in_w, 22));
                if (vo[c] > (int64_t)131071 * 64) { // only at saturation
                    vo[c] = 0;
                    r.spikes++;
                }
            }
            z = zn;
            xprev = xnow;
        }
        int64_t best = -(1 << 23);
        for (int c = 0; c < 10; c++) {
            r.vout[c] = vo[c];
            if (vo[c] > best) {
                best = vo[c];
                r.pred = c;
            }
        }
        return r;
    }
};

struct Fixture {
    le_mnist mnist{};
    le_smnist_weights w{};
    Reference ref;
    bool ok = false;
    std::string why;

    Fixture()
    {
        le_error err;
        if (le_mnist_load_t10k(data_dir().c_str(), &mnist, &err)) {
            why = err.msg;
            return;
        }
        if (le_smnist_weights_load((data_dir() + "/" LE_SMNIST_WEIGHTS).c_str(), &w, &err)) {
            why = err.msg;
            return;
        }
        ref.win.assign(w.w_in.data, w.w_in.data + w.w_in.count);
        ref.wrec.assign(w.w_rec.data, w.w_rec.data + w.w_rec.count);
        ref.wout.assign(w.w_out.data, w.w_out.data + w.w_out.count);
        ok = true;
    }
    ~Fixture()
    {
        le_smnist_weights_free(&w);
        le_mnist_free(&mnist);
    }
};

Fixture &fixture()
{
    static Fixture f;
    return f;
}

// The emulator on a list of images: predictions, output voltages at the decision, spikes.
struct EmuRun {
    std::vector<uint8_t> pred;
    std::vector<int32_t> vout;
    std::vector<uint64_t> spikes; // per image
};

EmuRun run_emulator(const std::vector<uint32_t> &idx, uint32_t latency)
{
    Fixture &f = fixture();
    EmuRun out;
    le_smnist_options opt = le_smnist_options_default();
    opt.inject_latency = latency;
    SmnistRun chip(&f.w, &opt, nullptr);
    le_error err;
    if (!chip.ok)
        return out;
    out.pred.assign(idx.size(), 255);
    out.vout.assign(idx.size() * 10, 0);
    le_smnist_snip_state st;
    le_smnist_snip_init(&st, &f.mnist, idx.data(), (uint32_t)idx.size(), &chip.pops, out.pred.data(), out.vout.data(),
                        le_sim_step_now(chip.p.sim));
    struct Ctx {
        le_sim *sim;
        uint64_t last;
        std::vector<uint64_t> *spikes;
    } ctx{chip.p.sim, 0, &out.spikes};
    auto cb = [](void *c, uint32_t, le_error *) {
        Ctx *x = static_cast<Ctx *>(c);
        uint64_t now = le_sim_total_spikes(x->sim);
        x->spikes->push_back(now - x->last);
        x->last = now;
        return LE_OK;
    };
    le_code rc = chip.run(&st, cb, &ctx, &err);
    EXPECT_EQ(rc, LE_OK) << err.msg;
    return out;
}

std::vector<std::pair<uint32_t, int>> authors_sample()
{
    std::vector<std::pair<uint32_t, int>> s;
    std::string path = source_dir() + "/models/smnist/authors_sample.csv";
    FILE *f = std::fopen(path.c_str(), "r");
    if (!f)
        return s;
    char line[256];
    bool header = false;
    while (std::fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (!header) {
            header = true;
            continue;
        }
        unsigned pos, idx, cls;
        if (std::sscanf(line, "%u,%u,%u", &pos, &idx, &cls) == 3)
            s.push_back({idx, (int)cls});
    }
    std::fclose(f);
    return s;
}

} // namespace

#define NEED_DATA()                                                                                                    \
    ASSERT_TRUE(fixture().ok) << fixture().why << " (CI has the data: set LE_DATA_DIR or run tools/fetch-data.sh)"

TEST(SmnistReference, ParametersFromTheSpec)
{
    // int(4096 / 20) = 204, int(4096 / 700) = 5, int(1390000 * (1/(700*20) - 1/700^2)) = 96.
    EXPECT_EQ(LE_SMNIST_DECAY_V, 4096 / 20);
    EXPECT_EQ(LE_SMNIST_DECAY_AUX, 4096 / 700);
    EXPECT_EQ(-LE_SMNIST_AHP_WEIGHT, (int)(1390000.0 * (1.0 / (700 * 20) - 1.0 / (700.0 * 700.0))));
    EXPECT_EQ(LE_SMNIST_VTH_ADA, 4 * LE_SMNIST_VTH);
    EXPECT_EQ(LE_SMNIST_WEXP_ADA, 6 - 4);
}

// Rows of w_rec are sources: every row has one sign (Dale's law per presynaptic neuron),
// inhibitory neurons are the first 60 regular ones [spec §1-§2].
TEST(SmnistReference, WeightOrientation)
{
    NEED_DATA();
    const le_npy &w = fixture().w.w_rec;
    int mixed_rows = 0, inhibitory_rows = 0;
    for (size_t r = 0; r < 240; r++) {
        bool pos = false, neg = false;
        for (size_t c = 0; c < 240; c++) {
            pos |= w.data[r * 240 + c] > 0;
            neg |= w.data[r * 240 + c] < 0;
        }
        mixed_rows += pos && neg;
        inhibitory_rows += neg;
        if (neg) {
            EXPECT_LT(r, 60u) << "row " << r;
        }
    }
    EXPECT_EQ(mixed_rows, 0);
    EXPECT_EQ(inhibitory_rows, 59); // row 59 has no negative entry (spec §1)
}

TEST(SmnistReference, EmulatorMatchesDenseReference)
{
    NEED_DATA();
    Fixture &f = fixture();
    // A few ordinary images and the two borderline ones of the authors' sample (spec §8).
    std::vector<uint32_t> idx = {0, 1, 2, 9394, 6332, 5334};
    for (uint32_t latency : {1u, 0u}) {
        Reference ref = f.ref;
        ref.latency = (int)latency;
        EmuRun e = run_emulator(idx, latency);
        ASSERT_EQ(e.pred.size(), idx.size());
        ASSERT_EQ(e.spikes.size(), idx.size());
        for (size_t k = 0; k < idx.size(); k++) {
            Reference::Result r = ref.run(le_mnist_image(&f.mnist, idx[k]));
            EXPECT_EQ(r.overflow, 0u);
            EXPECT_EQ((int)e.pred[k], r.pred) << "image " << idx[k] << " latency " << latency;
            for (int c = 0; c < 10; c++)
                EXPECT_EQ(e.vout[k * 10 + c], r.vout[c]) << "image " << idx[k] << " output " << c << " latency " << latency;
            EXPECT_EQ(e.spikes[k], r.spikes) << "image " << idx[k] << " latency " << latency;
            // spec §8.5: on the order of 10^4 spikes per image
            EXPECT_GT(r.spikes, 3000u);
            EXPECT_LT(r.spikes, 30000u);
        }
    }
}

// The authors' unit test (tests/test_seq_mnist.py): the chip's classes of 100 random test
// images. With one step between injection and integration the emulator agrees on all 100.
TEST(SmnistReference, AuthorsSampleAgreesWithChip)
{
    NEED_DATA();
    auto sample = authors_sample();
    ASSERT_EQ(sample.size(), 100u) << "models/smnist/authors_sample.csv";
    std::vector<uint32_t> idx;
    for (auto &p : sample)
        idx.push_back(p.first);
    EmuRun e = run_emulator(idx, 1);
    ASSERT_EQ(e.pred.size(), 100u);
    int agree = 0, correct = 0;
    for (size_t k = 0; k < 100; k++) {
        agree += e.pred[k] == sample[k].second;
        correct += e.pred[k] == fixture().mnist.labels[idx[k]];
        EXPECT_EQ((int)e.pred[k], sample[k].second)
            << "position " << k << " image " << idx[k] << " label " << (int)fixture().mnist.labels[idx[k]];
    }
    EXPECT_EQ(agree, 100);
    EXPECT_EQ(correct, 94); // the chip's outputs match 94 of the 100 true labels (spec §8.2)
}

// With the run loop's own semantics (an injected spike integrated in the step it is sent) the
// emulator disagrees with the chip on exactly one image: position 52, t10k image 6332 (a 4),
// where the chip says 4 and this timing makes output 4 saturate, spike and reset to 0, so 9
// wins. The dense reference predicted this before the emulator ran (docs/smnist.md).
TEST(SmnistReference, SameStepInjectionDisagreesOnOneImage)
{
    NEED_DATA();
    auto sample = authors_sample();
    ASSERT_EQ(sample.size(), 100u);
    std::vector<uint32_t> idx;
    for (auto &p : sample)
        idx.push_back(p.first);
    EmuRun e = run_emulator(idx, 0);
    ASSERT_EQ(e.pred.size(), 100u);
    std::vector<size_t> dis;
    for (size_t k = 0; k < 100; k++)
        if (e.pred[k] != sample[k].second)
            dis.push_back(k);
    ASSERT_EQ(dis.size(), 1u);
    EXPECT_EQ(dis[0], 52u);
    EXPECT_EQ(idx[52], 6332u);
    EXPECT_EQ((int)e.pred[52], 9);
    EXPECT_EQ(e.vout[52 * 10 + 4], 0); // output 4 fired at saturation and was reset
}

// The authors' measurement notebook ran 200 images (same seed) on the chip: 94.50 %, errors in
// order true [1 3 8 0 9 8 7 3 4 4 2] predicted [7 5 5 8 3 0 9 2 8 0 3]. The emulator makes the
// same 11 errors in the same order, plus position 35 (image 5334, a 7): there the unit test's
// chip run says 9 (as the emulator does: output 7 saturates and fires) and the notebook's run
// got 7. The two chip runs disagree on that image; the emulator follows the unit test.
TEST(SmnistReference, NotebookSampleErrors)
{
    NEED_DATA();
    std::vector<uint32_t> idx;
    {
        std::string path = source_dir() + "/models/smnist/notebook_sample.csv";
        FILE *f = std::fopen(path.c_str(), "r");
        ASSERT_NE(f, nullptr) << path;
        char line[256];
        bool header = false;
        while (std::fgets(line, sizeof line, f)) {
            if (line[0] == '#')
                continue;
            if (!header) {
                header = true;
                continue;
            }
            unsigned pos, i;
            if (std::sscanf(line, "%u,%u", &pos, &i) == 2 && pos == idx.size())
                idx.push_back(i);
        }
        std::fclose(f);
    }
    ASSERT_EQ(idx.size(), 200u);
    auto sample = authors_sample();
    ASSERT_EQ(sample.size(), 100u);
    for (size_t k = 0; k < 100; k++)
        ASSERT_EQ(idx[k], sample[k].first) << "the first 100 are the unit test's images";
    EmuRun e = run_emulator(idx, 1);
    ASSERT_EQ(e.pred.size(), 200u);
    std::vector<int> t, p;
    int correct = 0;
    for (size_t k = 0; k < 200; k++) {
        int label = fixture().mnist.labels[idx[k]];
        correct += e.pred[k] == label;
        if (e.pred[k] != label && k != 35) {
            t.push_back(label);
            p.push_back(e.pred[k]);
        }
    }
    EXPECT_EQ(t, (std::vector<int>{1, 3, 8, 0, 9, 8, 7, 3, 4, 4, 2}));
    EXPECT_EQ(p, (std::vector<int>{7, 5, 5, 8, 3, 0, 9, 2, 8, 0, 3}));
    EXPECT_EQ((int)e.pred[35], 9);
    EXPECT_EQ(correct, 188); // 189 on the notebook's run, which got position 35 right
}
