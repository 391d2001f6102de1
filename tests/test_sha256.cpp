// SHA-256 against the FIPS 180-2 / NIST CAVS example vectors (the digests below are the
// published ones, not this code's output).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "util/sha256.h"

namespace {

std::string hex_of(const void *data, size_t n)
{
    uint8_t d[LE_SHA256_BYTES];
    le_sha256(data, n, d);
    char h[LE_SHA256_HEX];
    le_sha256_hex(d, h);
    return h;
}

std::string hex_of(const std::string &s) { return hex_of(s.data(), s.size()); }

} // namespace

TEST(Sha256, Abc)
{
    EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, EmptyString)
{
    EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, TwoBlockMessage448Bits)
{
    EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Message896Bits)
{
    EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                     "mnopqrstnopqrstu"),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionA)
{
    std::string a(1000000, 'a');
    EXPECT_EQ(hex_of(a), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Streaming in pieces that straddle block boundaries gives the one-shot digest; the one
// million 'a' vector again, fed in chunks of 1, 63, 64, 65 and 1000 bytes.
TEST(Sha256, StreamingInUnevenPiecesMatchesVector)
{
    std::string a(1000000, 'a');
    const size_t pieces[] = {1, 63, 64, 65, 1000};
    for (size_t piece : pieces) {
        le_sha256_ctx c;
        le_sha256_init(&c);
        for (size_t off = 0; off < a.size(); off += piece)
            le_sha256_update(&c, a.data() + off, std::min(piece, a.size() - off));
        uint8_t d[LE_SHA256_BYTES];
        le_sha256_final(&c, d);
        char h[LE_SHA256_HEX];
        le_sha256_hex(d, h);
        EXPECT_STREQ(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") << "piece " << piece;
    }
}

// Lengths 55, 56 and 64 sit at the padding boundaries (the length field fits in the last
// block or needs a new one). Expected digests from coreutils sha256sum.
TEST(Sha256, PaddingBoundaries)
{
    EXPECT_EQ(hex_of(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    EXPECT_EQ(hex_of(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    EXPECT_EQ(hex_of(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, FileEqualsMemory)
{
    std::string path = ::testing::TempDir() + "sha256_file.bin";
    FILE *f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("abc", f);
    std::fclose(f);
    uint8_t d[LE_SHA256_BYTES];
    le_error e;
    ASSERT_EQ(le_sha256_file(path.c_str(), d, &e), LE_OK) << e.msg;
    char h[LE_SHA256_HEX];
    le_sha256_hex(d, h);
    EXPECT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::remove(path.c_str());
    EXPECT_EQ(le_sha256_file(path.c_str(), d, &e), LE_ERR_IO);
    EXPECT_NE(std::string(e.msg).find(path), std::string::npos) << e.msg;
}
