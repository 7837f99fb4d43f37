#include "server/stream_route.h"

#include <gtest/gtest.h>

namespace stampede::server {
namespace {

TEST(ParseStreamSpecTest, Defaults) {
  auto spec = ParseStreamSpec(QueryParams::Parse(""));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->initial.count(), 0);
  EXPECT_EQ(spec->delay.count(), 100);
  EXPECT_EQ(spec->chunks, 10U);
  EXPECT_EQ(spec->chunk_bytes, 16U);
}

TEST(ParseStreamSpecTest, ReadsEveryParameter) {
  auto spec =
      ParseStreamSpec(QueryParams::Parse("initial_ms=300&delay_ms=50&chunks=5&chunk_bytes=10"));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->initial.count(), 300);
  EXPECT_EQ(spec->delay.count(), 50);
  EXPECT_EQ(spec->chunks, 5U);
  EXPECT_EQ(spec->chunk_bytes, 10U);
}

TEST(ParseStreamSpecTest, RejectsInvalidValuesNamingTheParameter) {
  for (const char* query : {"initial_ms=x", "delay_ms=-5", "chunks=1.5", "chunk_bytes=0",
                            "chunk_bytes=999999999999", "delay_ms=3600001"}) {
    auto spec = ParseStreamSpec(QueryParams::Parse(query));
    ASSERT_FALSE(spec.ok()) << query;
    const std::string name(query, std::string_view(query).find('='));
    EXPECT_NE(spec.error().message.find("'" + name + "'"), std::string::npos)
        << spec.error().message;
  }
}

}  // namespace
}  // namespace stampede::server
