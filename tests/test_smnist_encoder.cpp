// The sMNIST threshold-crossing encoding (models/smnist/encoder.c) against counts worked out by
// hand and against a second, literal implementation of the authors' spiking snip.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "models/smnist/mnist.h"
#include "models/smnist/encoder.h"

namespace {

// The CLI's own rule (LE_DATA_DIR, else the source tree's data/).
std::string data_dir() { return le_data_dir(nullptr); }

std::vector<int> counts_over_image(const uint8_t *img)
{
    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    std::vector<int> cnt(LE_SMNIST_N_INPUT, 0);
    uint8_t out[LE_SMNIST_N_INPUT];
    for (uint32_t s = 1; s <= LE_SMNIST_STEPS_PER_IMAGE; s++) {
        uint32_t n = le_smnist_encode_step(img, s, thr, out, nullptr);
        for (uint32_t i = 0; i < n; i++)
            cnt[out[i]]++;
    }
    return cnt;
}

} // namespace

// numpy: np.floor(np.linspace(0, 255, 40)).astype(int)
TEST(SmnistEncoder, ThresholdsAreNumpyLinspaceFloor)
{
    const int expect[40] = {0,   6,   13,  19,  26,  32,  39,  45,  52,  58,  65,  71,  78,  85,
                            91,  98,  104, 111, 117, 124, 130, 137, 143, 150, 156, 163, 170, 176,
                            183, 189, 196, 202, 209, 215, 222, 228, 235, 241, 248, 255};
    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    for (int i = 0; i < 40; i++)
        EXPECT_EQ(thr[i], expect[i]) << i;
}

// A hand-made image: black except pixel 10 = 100, pixel 11 = 255 and the last pixel = 255.
//  step 10  (0 -> 100):   thresholds 6..98 (t = 1..15) crossed upward: inputs 2, 4, ..., 30
//  step 11  (100 -> 255): thresholds 104..248 (t = 16..38) upward: inputs 32, 34, ..., 76
//                         (255 is the "touch" threshold, tested on the current pixel only)
//  step 12  (255 -> 0):   all 38 thresholds 6..248 downward: inputs 3, 5, ..., 77, and touch 78
//  step 783 (0 -> 255):   thresholds 6..248 upward: inputs 2, 4, ..., 76
//  step 784 (last pixel 255): no successor, so only the touch input 78
//  steps 785..840: the cue input 79, 56 times. Inputs 0 and 1 never spike.
TEST(SmnistEncoder, HandMadeImageCountsByHand)
{
    uint8_t img[784] = {0};
    img[10] = 100;
    img[11] = 255;
    img[783] = 255;
    std::vector<int> cnt = counts_over_image(img);
    std::vector<int> expect(80, 0);
    for (int in = 2; in <= 76; in += 2)
        expect[in] = 2;
    for (int in = 3; in <= 77; in += 2)
        expect[in] = 1;
    expect[78] = 2;
    expect[79] = 56;
    int total = 0;
    for (int i = 0; i < 80; i++) {
        EXPECT_EQ(cnt[i], expect[i]) << "input " << i;
        total += cnt[i];
    }
    EXPECT_EQ(total, 15 + 23 + 39 + 38 + 1 + 56);
}

// At step 10 exactly the 15 upward inputs of the first jump, nothing else.
TEST(SmnistEncoder, OneStepOfTheHandMadeImage)
{
    uint8_t img[784] = {0};
    img[10] = 100;
    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    uint8_t out[80];
    uint32_t cmp = 0;
    uint32_t n = le_smnist_encode_step(img, 10, thr, out, &cmp);
    ASSERT_EQ(n, 15u);
    for (uint32_t i = 0; i < n; i++)
        EXPECT_EQ(out[i], 2 * (i + 1));
    EXPECT_EQ(cmp, 39u); // thresholds 1..39 tested
    EXPECT_EQ(le_smnist_encode_step(img, 9, thr, out, nullptr), 0u);   // 0 -> 0: nothing
    EXPECT_EQ(le_smnist_encode_step(img, 800, thr, out, &cmp), 1u);    // cue
    EXPECT_EQ(out[0], 79);
    EXPECT_EQ(le_smnist_encode_step(img, 841, thr, out, nullptr), 0u); // past the image
}

// A pixel equal to a threshold counts as reaching it: c < thr <= n is upward. 0 -> 6 crosses
// threshold 6 (input 2); 6 -> 0 crosses it downward (input 3); 6 -> 12 crosses nothing.
TEST(SmnistEncoder, EqualityAtThreshold)
{
    uint8_t img[784] = {0};
    img[1] = 6;
    img[2] = 0;
    img[3] = 6;
    img[4] = 12;
    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    uint8_t out[80];
    ASSERT_EQ(le_smnist_encode_step(img, 1, thr, out, nullptr), 1u);
    EXPECT_EQ(out[0], 2);
    ASSERT_EQ(le_smnist_encode_step(img, 2, thr, out, nullptr), 1u);
    EXPECT_EQ(out[0], 3);
    EXPECT_EQ(le_smnist_encode_step(img, 4, thr, out, nullptr), 0u);
}

// A second implementation, written from the authors' spiking.c as the spec §4 quotes it:
// get_onset_spikes / get_offset_spikes / get_touch_spikes with float-linspace thresholds.
static std::set<int> snip_literal(const uint8_t *img, int pixel_idx)
{
    std::set<int> s;
    if (pixel_idx >= 784) {
        s.insert(79);
        return s;
    }
    for (int t = 1; t < 40; t++) {
        int threshold = (int)std::floor(0.0 + t * (255.0 / 39.0));
        if (t == 39)
            threshold = 255;
        if (t != 39) {
            if (pixel_idx != 783 && img[pixel_idx] < threshold && img[pixel_idx + 1] >= threshold)
                s.insert(2 * t);
            if (pixel_idx != 783 && img[pixel_idx] >= threshold && img[pixel_idx + 1] < threshold)
                s.insert(2 * t + 1);
        } else if (img[pixel_idx] == threshold) {
            s.insert(2 * t);
        }
    }
    return s;
}

TEST(SmnistEncoder, RealImagesMatchLiteralSnip)
{
    le_mnist m;
    le_error err;
    ASSERT_EQ(le_mnist_load_t10k(data_dir().c_str(), &m, &err), LE_OK)
        << err.msg << " (CI has the data: set LE_DATA_DIR or run tools/fetch-data.sh)";
    int32_t thr[LE_SMNIST_N_THR];
    le_smnist_thresholds(thr);
    uint8_t out[80];
    for (uint32_t i : {0u, 1u, 9394u, 6332u}) {
        const uint8_t *img = le_mnist_image(&m, i);
        size_t total = 0;
        for (uint32_t s = 1; s <= 840; s++) {
            uint32_t n = le_smnist_encode_step(img, s, thr, out, nullptr);
            std::set<int> got(out, out + n);
            ASSERT_EQ(got.size(), n) << "duplicate input at step " << s;
            ASSERT_EQ(got, snip_literal(img, (int)s - 1)) << "image " << i << " step " << s;
            total += n;
        }
        EXPECT_GT(total, 56u + 20u) << "image " << i << " should cross thresholds";
    }
    le_mnist_free(&m);
}
