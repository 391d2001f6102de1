// The .npy reader against files written byte by byte here (format per the NumPy
// "format.py" documentation), not by numpy, so the expected values are independent.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "models/npy.h"

namespace {

std::string tmp_path(const char *name)
{
    return ::testing::TempDir() + "npytest_" + name + ".npy";
}

// Writes magic, version, header dict (padded to a multiple of 64 with a trailing newline), data.
void write_npy(const std::string &path, const std::string &dict, const std::vector<unsigned char> &data,
               int major = 1, const char *magic = "\x93NUMPY")
{
    std::string h = dict;
    size_t pre = major == 1 ? 10 : 12;
    while ((pre + h.size() + 1) % 64 != 0)
        h += ' ';
    h += '\n';
    FILE *f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(magic, 1, 6, f);
    unsigned char ver[2] = {(unsigned char)major, 0};
    std::fwrite(ver, 1, 2, f);
    if (major == 1) {
        unsigned char l[2] = {(unsigned char)(h.size() & 0xff), (unsigned char)(h.size() >> 8)};
        std::fwrite(l, 1, 2, f);
    } else {
        unsigned char l[4] = {(unsigned char)(h.size() & 0xff), (unsigned char)(h.size() >> 8), 0, 0};
        std::fwrite(l, 1, 4, f);
    }
    std::fwrite(h.data(), 1, h.size(), f);
    if (!data.empty())
        std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

template <typename T> void put_le(std::vector<unsigned char> &b, T x)
{
    unsigned char c[sizeof(T)];
    std::memcpy(c, &x, sizeof(T)); // the test host is little endian (x86-64 / aarch64)
    for (size_t i = 0; i < sizeof(T); i++)
        b.push_back(c[i]);
}
template <typename T> void put_be(std::vector<unsigned char> &b, T x)
{
    unsigned char c[sizeof(T)];
    std::memcpy(c, &x, sizeof(T));
    for (size_t i = 0; i < sizeof(T); i++)
        b.push_back(c[sizeof(T) - 1 - i]);
}

} // namespace

TEST(Npy, ReadsLittleEndianFloat32Matrix)
{
    std::vector<unsigned char> d;
    const float v[6] = {1.0f, -2.0f, 3.5f, 0.0f, 255.0f, -256.0f};
    for (float x : v)
        put_le(d, x);
    auto p = tmp_path("f4");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d);
    le_npy a;
    le_error e;
    ASSERT_EQ(le_npy_read(p.c_str(), 2, 3, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.ndim, 2u);
    EXPECT_EQ(a.shape[0], 2u);
    EXPECT_EQ(a.shape[1], 3u);
    ASSERT_EQ(a.count, 6u);
    for (int i = 0; i < 6; i++)
        EXPECT_EQ(a.data[i], v[i]);
    le_npy_free(&a);
}

TEST(Npy, ReadsBigEndianInt16AndOtherIntegerTypes)
{
    std::vector<unsigned char> d;
    put_be<int16_t>(d, -300);
    put_be<int16_t>(d, 7);
    auto p = tmp_path("i2be");
    write_npy(p, "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", d);
    le_npy a;
    le_error e;
    ASSERT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.ndim, 1u);
    EXPECT_EQ(a.data[0], -300.0f);
    EXPECT_EQ(a.data[1], 7.0f);
    le_npy_free(&a);

    d.clear();
    put_le<int64_t>(d, -5);
    put_le<int64_t>(d, 1LL << 20);
    p = tmp_path("i8");
    write_npy(p, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", d);
    ASSERT_EQ(le_npy_read(p.c_str(), 1, 2, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.data[0], -5.0f);
    EXPECT_EQ(a.data[1], 1048576.0f);
    le_npy_free(&a);

    d = {0xff, 0x7f, 0x80};
    p = tmp_path("i1");
    write_npy(p, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", d);
    ASSERT_EQ(le_npy_read(p.c_str(), 3, 0, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.data[0], -1.0f);
    EXPECT_EQ(a.data[1], 127.0f);
    EXPECT_EQ(a.data[2], -128.0f);
    le_npy_free(&a);
}

TEST(Npy, ReadsFloat64InFormatVersion2)
{
    std::vector<unsigned char> d;
    put_le<double>(d, -254.0);
    put_le<double>(d, 0.25);
    auto p = tmp_path("f8v2");
    write_npy(p, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", d, 2);
    le_npy a;
    le_error e;
    ASSERT_EQ(le_npy_read(p.c_str(), 2, 1, &a, &e), LE_OK) << e.msg;
    EXPECT_EQ(a.data[0], -254.0f);
    EXPECT_EQ(a.data[1], 0.25f);
    le_npy_free(&a);
}

TEST(Npy, RejectsUnknownDtype)
{
    std::vector<unsigned char> d(16, 0);
    auto p = tmp_path("c8");
    write_npy(p, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", d);
    le_npy a;
    le_error e;
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "unsupported dtype '<c8'"), nullptr) << e.msg;
    EXPECT_NE(std::strstr(e.msg, p.c_str()), nullptr) << e.msg;
    EXPECT_EQ(a.data, nullptr);
}

TEST(Npy, RejectsFortranOrder)
{
    std::vector<unsigned char> d;
    for (int i = 0; i < 4; i++)
        put_le<float>(d, (float)i);
    auto p = tmp_path("fortran");
    write_npy(p, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", d);
    le_npy a;
    le_error e;
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "Fortran"), nullptr) << e.msg;
    EXPECT_NE(std::strstr(e.msg, p.c_str()), nullptr) << e.msg;
}

TEST(Npy, RejectsWrongShape)
{
    std::vector<unsigned char> d;
    for (int i = 0; i < 6; i++)
        put_le<float>(d, (float)i);
    auto p = tmp_path("shape");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d);
    le_npy a;
    le_error e;
    EXPECT_EQ(le_npy_read(p.c_str(), 3, 2, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "shape (2, 3); expected (3, 2)"), nullptr) << e.msg;
    // A 1-D array where a matrix is expected.
    p = tmp_path("shape1d");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", d);
    EXPECT_EQ(le_npy_read(p.c_str(), 6, 1, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "(6,)"), nullptr) << e.msg;
    // Three dimensions.
    p = tmp_path("shape3d");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", d);
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "1 or 2 dimensions"), nullptr) << e.msg;
}

TEST(Npy, RejectsTruncatedDataAndTrailingBytes)
{
    std::vector<unsigned char> d;
    for (int i = 0; i < 5; i++) // 5 of the 6 floats
        put_le<float>(d, (float)i);
    auto p = tmp_path("trunc");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d);
    le_npy a;
    le_error e;
    EXPECT_EQ(le_npy_read(p.c_str(), 2, 3, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "truncated data: 20 of 24 bytes"), nullptr) << e.msg;
    put_le<float>(d, 5.0f);
    put_le<float>(d, 6.0f);
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", d);
    EXPECT_EQ(le_npy_read(p.c_str(), 2, 3, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "unexpected bytes"), nullptr) << e.msg;
}

TEST(Npy, RejectsBadMagicVersionAndMissingFile)
{
    std::vector<unsigned char> d(8, 0);
    auto p = tmp_path("magic");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", d, 1, "\x93NUMPX");
    le_npy a;
    le_error e;
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "bad magic"), nullptr) << e.msg;

    p = tmp_path("version");
    write_npy(p, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", d, 7);
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "version 7.0"), nullptr) << e.msg;

    p = tmp_path("does_not_exist");
    std::remove(p.c_str());
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_IO);
    EXPECT_NE(std::strstr(e.msg, p.c_str()), nullptr) << e.msg;

    // A header that is not a dict at all.
    p = tmp_path("nodict");
    write_npy(p, "descr", d);
    EXPECT_EQ(le_npy_read(p.c_str(), 0, 0, &a, &e), LE_ERR_PARSE);
    EXPECT_NE(std::strstr(e.msg, "not a dictionary"), nullptr) << e.msg;
}
