// The MNIST IDX reader (models/smnist/mnist.c): real t10k files, and small gzip files written here
// with known contents, wrong magic numbers, truncation and missing files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "models/smnist/mnist.h"

namespace {

// The CLI's own rule (LE_DATA_DIR, else the source tree's data/).
std::string data_dir() { return le_data_dir(nullptr); }

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/le_mnist_XXXXXX";
        char *p = mkdtemp(tmpl);
        path = p ? p : "/tmp";
    }
    ~TempDir()
    {
        std::string cmd = "rm -rf '" + path + "'";
        if (std::system(cmd.c_str()) != 0) {
        }
    }
};

void put_be32(std::vector<unsigned char> &b, uint32_t x)
{
    b.push_back((unsigned char)(x >> 24));
    b.push_back((unsigned char)(x >> 16));
    b.push_back((unsigned char)(x >> 8));
    b.push_back((unsigned char)x);
}

void write_gz(const std::string &path, const std::vector<unsigned char> &b)
{
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    if (!b.empty()) {
        ASSERT_EQ(gzwrite(f, b.data(), (unsigned)b.size()), (int)b.size());
    }
    gzclose(f);
}

std::vector<unsigned char> idx3(uint32_t magic, uint32_t n, uint32_t r, uint32_t c, size_t payload)
{
    std::vector<unsigned char> b;
    put_be32(b, magic);
    put_be32(b, n);
    put_be32(b, r);
    put_be32(b, c);
    for (size_t i = 0; i < payload; i++)
        b.push_back((unsigned char)(i * 7 % 256));
    return b;
}

} // namespace

TEST(SmnistData, ReadsSmallImageFile)
{
    TempDir t;
    std::string p = t.path + "/img.gz";
    write_gz(p, idx3(0x803, 3, 2, 5, 30));
    uint8_t *px = nullptr;
    uint32_t n = 0, r = 0, c = 0;
    le_error err;
    ASSERT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_OK) << err.msg;
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(r, 2u);
    EXPECT_EQ(c, 5u);
    EXPECT_EQ(px[0], 0);
    EXPECT_EQ(px[29], (29 * 7) % 256);
    std::free(px);
}

TEST(SmnistData, WrongMagicNamesFileAndFetchScript)
{
    TempDir t;
    std::string p = t.path + "/img.gz";
    write_gz(p, idx3(0x801, 3, 2, 5, 30));
    uint8_t *px = nullptr;
    uint32_t n, r, c;
    le_error err;
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_ERR_DATA);
    EXPECT_NE(std::string(err.msg).find(p), std::string::npos) << err.msg;
    EXPECT_NE(std::string(err.msg).find("0x00000801"), std::string::npos) << err.msg;
    EXPECT_NE(std::string(err.msg).find("tools/fetch-data.sh"), std::string::npos) << err.msg;
}

TEST(SmnistData, TruncatedAndOverlongFilesAreErrors)
{
    TempDir t;
    std::string p = t.path + "/img.gz";
    uint8_t *px = nullptr;
    uint32_t n, r, c;
    le_error err;
    write_gz(p, idx3(0x803, 3, 2, 5, 29)); // one pixel short
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_ERR_DATA);
    EXPECT_NE(std::string(err.msg).find("truncated"), std::string::npos) << err.msg;
    write_gz(p, idx3(0x803, 3, 2, 5, 31)); // one byte too many
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_ERR_DATA);
    EXPECT_NE(std::string(err.msg).find("extra bytes"), std::string::npos) << err.msg;
    write_gz(p, {0x00, 0x00}); // not even a header
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_ERR_DATA);
}

TEST(SmnistData, CorruptGzipIsAnError)
{
    TempDir t;
    std::string p = t.path + "/img.gz";
    write_gz(p, idx3(0x803, 100, 28, 28, 78400));
    // Flip bytes in the middle of the compressed stream.
    FILE *f = std::fopen(p.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 0, SEEK_END);
    long len = std::ftell(f);
    std::fseek(f, len / 2, SEEK_SET);
    unsigned char junk[16];
    for (int i = 0; i < 16; i++)
        junk[i] = (unsigned char)(0xA5 ^ i);
    std::fwrite(junk, 1, sizeof junk, f);
    std::fclose(f);
    uint8_t *px = nullptr;
    uint32_t n, r, c;
    le_error err;
    EXPECT_EQ(le_idx_read_images(p.c_str(), &px, &n, &r, &c, &err), LE_ERR_DATA);
    EXPECT_NE(std::string(err.msg).find(p), std::string::npos) << err.msg;
}

TEST(SmnistData, MissingFolderSaysWhichFileAndHowToGetIt)
{
    le_mnist m;
    le_error err;
    EXPECT_EQ(le_mnist_load_t10k("/nonexistent/le-data", &m, &err), LE_ERR_DATA);
    std::string msg = err.msg;
    EXPECT_NE(msg.find("/nonexistent/le-data/mnist/t10k-images-idx3-ubyte.gz"), std::string::npos) << msg;
    EXPECT_NE(msg.find("tools/fetch-data.sh"), std::string::npos) << msg;
}

TEST(SmnistData, LabelFileChecks)
{
    TempDir t;
    std::string p = t.path + "/lab.gz";
    std::vector<unsigned char> b;
    put_be32(b, 0x801);
    put_be32(b, 4);
    for (unsigned char x : {7, 2, 1, 0})
        b.push_back(x);
    write_gz(p, b);
    uint8_t *lab = nullptr;
    uint32_t n = 0;
    le_error err;
    ASSERT_EQ(le_idx_read_labels(p.c_str(), &lab, &n, &err), LE_OK) << err.msg;
    ASSERT_EQ(n, 4u);
    EXPECT_EQ(lab[0], 7);
    EXPECT_EQ(lab[3], 0);
    std::free(lab);
    b[3] = 0x03; // image magic in a label file
    write_gz(p, b);
    EXPECT_EQ(le_idx_read_labels(p.c_str(), &lab, &n, &err), LE_ERR_DATA);
}

// The real t10k set: the first labels of the official file are 7 2 1 0 4 1 4 9 5 9
// (LeCun's t10k-labels-idx1-ubyte); image 0's pixels sum to 18454 and pixel (7, 6) is 84
// (numpy on the same file).
TEST(SmnistData, RealT10k)
{
    le_mnist m;
    le_error err;
    ASSERT_EQ(le_mnist_load_t10k(data_dir().c_str(), &m, &err), LE_OK)
        << err.msg << " (CI has the data: set LE_DATA_DIR or run tools/fetch-data.sh)";
    EXPECT_EQ(m.n, 10000u);
    EXPECT_EQ(m.rows, 28u);
    const int first[10] = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
    for (int i = 0; i < 10; i++)
        EXPECT_EQ(m.labels[i], first[i]) << i;
    unsigned sum = 0;
    for (uint32_t p = 0; p < 784; p++)
        sum += le_mnist_image(&m, 0)[p];
    EXPECT_EQ(sum, 18454u);
    EXPECT_EQ(le_mnist_image(&m, 0)[7 * 28 + 6], 84);
    le_mnist_free(&m);
}
