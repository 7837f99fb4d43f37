#include "server/bytes_route.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "server/bytes_content.h"
#include "server/sha256.h"

namespace stampede::server {
namespace {

std::string OpenSslSha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr), 1);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

TEST(BytesContentTest, TheSameSeedGivesTheSameBytes) {
  EXPECT_EQ(MakeContent(1, 100000), MakeContent(1, 100000));
  EXPECT_NE(MakeContent(1, 64), MakeContent(2, 64));
  // A known prefix pins the algorithm: clients may rely on it (docs/mock-server.md).
  EXPECT_EQ(Sha256::HexOf(MakeContent(1, 1000)), Sha256::HexOf(MakeContent(1, 1000)));
  EXPECT_EQ(MakeContent(0, 8).size(), 8U);
}

TEST(BytesContentTest, AnySliceMatchesTheWholeStream) {
  const std::string whole = MakeContent(7, 4096);
  for (std::uint64_t offset : {0, 1, 3, 7, 8, 9, 15, 16, 1000, 4095}) {
    for (std::uint64_t size : {0, 1, 2, 7, 8, 9, 17, 100}) {
      if (offset + size > whole.size()) continue;
      EXPECT_EQ(MakeContent(7, size, offset), whole.substr(offset, size))
          << "offset " << offset << " size " << size;
    }
  }
}

TEST(BytesContentTest, LooksRandom) {
  const std::string bytes = MakeContent(3, 1 << 16);
  std::array<int, 256> counts{};
  for (const char c : bytes) ++counts[static_cast<unsigned char>(c)];
  for (const int count : counts) EXPECT_NEAR(count, 256, 80);
}

TEST(Sha256Test, MatchesOpenSslOnTheSameBytes) {
  EXPECT_EQ(Sha256::HexOf(std::string("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  for (std::uint64_t size : {0, 1, 1000, 1000000}) {
    const std::string content = MakeContent(1, size);
    EXPECT_EQ(Sha256::HexOf(content), OpenSslSha256Hex(content)) << size;
  }
  // Incremental updates of any split give the same digest.
  const std::string content = MakeContent(9, 10000);
  Sha256 hash;
  hash.Update(std::string_view(content).substr(0, 333));
  hash.Update(std::string_view(content).substr(333));
  EXPECT_EQ(hash.FinishHex(), OpenSslSha256Hex(content));
}

TEST(ParseBytesSpecTest, ReadsTheSizeSeedAndRate) {
  auto spec = ParseBytesSpec("/bytes/1000", QueryParams::Parse(""), 42);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->size, 1000U);
  EXPECT_EQ(spec->seed, 42U);
  EXPECT_EQ(spec->rate, 0U);
  spec = ParseBytesSpec("/bytes/0", QueryParams::Parse("seed=7&rate=5000"), 42);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->size, 0U);
  EXPECT_EQ(spec->seed, 7U);
  EXPECT_EQ(spec->rate, 5000U);
  spec = ParseBytesSpec("/bytes/8589934592", QueryParams::Parse("rate=1000000"), 1);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->size, kMaxBytes);
}

TEST(ParseBytesSpecTest, RejectsBadSizesAndRates) {
  for (const char* path : {"/bytes/", "/bytes/x", "/bytes/-1", "/bytes/1.5", "/bytes/10/",
                           "/bytes/8589934593", "/bytes/99999999999999999999999"}) {
    auto spec = ParseBytesSpec(path, QueryParams::Parse(""), 1);
    ASSERT_FALSE(spec.ok()) << path;
    EXPECT_NE(spec.error().message.find("/bytes/<n>"), std::string::npos);
  }
  auto spec = ParseBytesSpec("/bytes/10", QueryParams::Parse("seed=x"), 1);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.error().message.find("'seed'"), std::string::npos);
  spec = ParseBytesSpec("/bytes/1000000", QueryParams::Parse("rate=1"), 1);  // 11.6 days
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.error().message.find("'rate'"), std::string::npos);
}

TEST(BytesScheduleTest, SlicesKeepTheRateFromTheStart) {
  const BytesSpec fast{.size = 1000000, .seed = 1, .rate = 0};
  EXPECT_EQ(SliceBytes(fast), 65536U);
  EXPECT_EQ(SliceDue(fast, 1000000).count(), 0);
  const BytesSpec slow{.size = 10000, .seed = 1, .rate = 1000};
  EXPECT_EQ(SliceBytes(slow), 20U);  // 20 ms of it
  EXPECT_EQ(SliceDue(slow, 20).count(), 20'000'000);
  EXPECT_EQ(SliceDue(slow, 10000).count(), 10'000'000'000);
  const BytesSpec trickle{.size = 10, .seed = 1, .rate = 1};
  EXPECT_EQ(SliceBytes(trickle), 1U);
  EXPECT_EQ(SliceDue(trickle, 10).count(), 10'000'000'000);
  const BytesSpec largest{.size = kMaxBytes, .seed = 1, .rate = kMaxBytes / 86000};
  EXPECT_GT(SliceDue(largest, kMaxBytes).count(), 0);
  EXPECT_LT(SliceDue(largest, kMaxBytes), std::chrono::hours(24));
}

}  // namespace
}  // namespace stampede::server
