// Convolutions in network files ('conv', population axons): the file gives the le_conv of
// models/network.h, and its expansion is the synapse list written by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "models/netfile.h"
#include "models/npy_write.h"

namespace {

std::string write_tmp(const std::string &name, const std::string &text)
{
    std::string p = ::testing::TempDir() + "nfc_" + name;
    FILE *f = std::fopen(p.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return p;
}

const char *kNet = "populations:\n"                          // 1
                   "  - {name: img, kind: input, size: 18}\n" // 2: 3 x 3 x 2
                   "  - {name: map, size: 8}\n"               // 3: 2 x 2 x 2
                   "connections:\n"                           // 4
                   "  - from: img\n"                          // 5
                   "    to: map\n"                            // 6
                   "    delay: 2\n"                           // 7
                   "    conv:\n";                             // 8

} // namespace

TEST(NetfileConv, KernelFromNpyIsTheHandWrittenSynapses)
{
    // OIHW kernel (2, 2, 2, 2): value = 10 o + 5 i + 2 ky + kx + 1.
    std::vector<int16_t> k(16);
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 2; i++)
            for (int ky = 0; ky < 2; ky++)
                for (int kx = 0; kx < 2; kx++)
                    k[((o * 2 + i) * 2 + ky) * 2 + kx] = (int16_t)(10 * o + 5 * i + 2 * ky + kx + 1);
    le_error err;
    ASSERT_EQ(le_npy_write((::testing::TempDir() + "nfc_k.npy").c_str(), LE_NPY_INT16, 2, 8, k.data(), &err), LE_OK);
    le_network net;
    std::string p = write_tmp("ok.yaml", std::string(kNet) +
                                             "      {in_size: 3, in_channels: 2, out_channels: 2, kernel: [2, 2],\n"
                                             "       stride: 1, padding: 0, weights: nfc_k.npy, pop_type: 16}\n");
    ASSERT_EQ(le_netfile_load(p.c_str(), &net, &err), LE_OK) << err.msg;
    ASSERT_EQ(net.n_conns, 1u);
    const le_connection &c = net.conns[0];
    ASSERT_NE(c.conv, nullptr);
    EXPECT_EQ(c.conv->in_h, 3u);
    EXPECT_EQ(c.conv->kernel_w, 2u);
    EXPECT_EQ(c.conv->pop_type, 16);
    EXPECT_EQ(c.conv->delay, 2);
    le_connection x;
    ASSERT_EQ(le_conv_expand(&c, &x, &err), LE_OK) << err.msg;
    // By hand: output (oy, ox, o) takes input (oy + ky, ox + kx, i), channels last.
    std::vector<std::tuple<uint32_t, uint32_t, int>> want, got;
    for (int oy = 0; oy < 2; oy++)
        for (int ox = 0; ox < 2; ox++)
            for (int o = 0; o < 2; o++)
                for (int i = 0; i < 2; i++)
                    for (int ky = 0; ky < 2; ky++)
                        for (int kx = 0; kx < 2; kx++)
                            want.emplace_back(((oy + ky) * 3 + ox + kx) * 2 + i, (oy * 2 + ox) * 2 + o,
                                              10 * o + 5 * i + 2 * ky + kx + 1);
    for (uint32_t s = 0; s < x.n; s++) {
        got.emplace_back(x.src[s], x.dst[s], x.weight[s]);
        EXPECT_EQ(x.delay[s], 2);
    }
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want);
    free(x.src);
    free(x.dst);
    free(x.weight);
    free(x.delay);
    le_network_free(&net);
}

TEST(NetfileConv, ShapeErrorsNameTheLine)
{
    le_network net;
    le_error err;
    // its own kernel file: ctest runs each test in a process of its own, in any order
    std::vector<int16_t> k(16, 1);
    ASSERT_EQ(le_npy_write((::testing::TempDir() + "nfc_k_shape.npy").c_str(), LE_NPY_INT16, 2, 8, k.data(), &err),
              LE_OK);
    std::string p = write_tmp("bad.yaml", std::string(kNet) +
                                              "      {in_size: 4, in_channels: 2, out_channels: 2, kernel: 2,\n"
                                              "       weights: nfc_k_shape.npy}\n");
    EXPECT_EQ(le_netfile_load(p.c_str(), &net, &err), LE_ERR_CONFIG);
    EXPECT_EQ(std::string(err.msg).rfind(p + ":9: ", 0), 0u) << err.msg;
    EXPECT_NE(std::strstr(err.msg, "convolution input 4x4x2 = 32 neurons but img has 18"), nullptr) << err.msg;
    le_network_free(&net);
    std::string q = write_tmp("nokernel.yaml", std::string(kNet) + "      {in_size: 3, in_channels: 2, out_channels: 2}\n");
    EXPECT_EQ(le_netfile_load(q.c_str(), &net, &err), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(err.msg, "conv: missing 'kernel'"), nullptr) << err.msg;
    le_network_free(&net);
}
