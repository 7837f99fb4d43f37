#include "server/payload.h"

#include <gtest/gtest.h>

#include <cctype>

namespace stampede::server {
namespace {

TEST(MakePayloadTest, IsTheAlphabetRepeated) {
  EXPECT_EQ(MakePayload(0), "");
  EXPECT_EQ(MakePayload(10), "0123456789");
  const std::string long_payload = MakePayload(200);
  ASSERT_EQ(long_payload.size(), 200U);
  for (std::size_t i = 0; i < long_payload.size(); ++i) {
    ASSERT_EQ(long_payload[i], kPayloadAlphabet[i % kPayloadAlphabet.size()]) << i;
    ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(long_payload[i])));
  }
}

TEST(MakePayloadTest, OffsetContinuesTheSameBody) {
  const std::string whole = MakePayload(500);
  for (std::uint64_t offset : {0U, 1U, 61U, 62U, 63U, 137U}) {
    EXPECT_EQ(MakePayload(100, offset), whole.substr(offset, 100)) << offset;
  }
}

}  // namespace
}  // namespace stampede::server
