#include "server/query_params.h"

#include <gtest/gtest.h>

namespace stampede::server {
namespace {

TEST(SplitTargetTest, SeparatesPathAndQuery) {
  const auto split = SplitTarget("/sse?count=3&interval_ms=20");
  EXPECT_EQ(split.path, "/sse");
  EXPECT_EQ(split.query, "count=3&interval_ms=20");
}

TEST(SplitTargetTest, TargetWithoutQueryHasEmptyQuery) {
  const auto split = SplitTarget("/health");
  EXPECT_EQ(split.path, "/health");
  EXPECT_TRUE(split.query.empty());
}

TEST(SplitTargetTest, DropsFragment) {
  EXPECT_EQ(SplitTarget("/stream?chunks=2#top").query, "chunks=2");
}

TEST(QueryParamsTest, ParsesPairs) {
  const auto query = QueryParams::Parse("a=1&b=two&flag&c=");
  ASSERT_EQ(query.pairs().size(), 4U);
  EXPECT_EQ(query.Get("a"), "1");
  EXPECT_EQ(query.Get("b"), "two");
  EXPECT_EQ(query.Get("flag"), "");
  EXPECT_EQ(query.Get("c"), "");
  EXPECT_FALSE(query.Get("missing").has_value());
  EXPECT_TRUE(query.Has("flag"));
}

TEST(QueryParamsTest, SkipsEmptyPairsAndKeepsFirstOfRepeatedNames) {
  const auto query = QueryParams::Parse("&&x=1&&x=2&");
  ASSERT_EQ(query.pairs().size(), 2U);
  EXPECT_EQ(query.Get("x"), "1");
}

TEST(QueryParamsTest, ValueMayContainEquals) {
  EXPECT_EQ(QueryParams::Parse("expr=a=b").Get("expr"), "a=b");
}

TEST(QueryParamsTest, GetUintReturnsValueOrFallback) {
  const auto query = QueryParams::Parse("chunks=5&big=18446744073709551615");
  auto chunks = query.GetUint("chunks", 10, 0, 100);
  ASSERT_TRUE(chunks.ok());
  EXPECT_EQ(*chunks, 5U);
  auto absent = query.GetUint("delay_ms", 100, 0, 1000);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, 100U);
  auto big = query.GetUint("big", 0, 0, UINT64_MAX);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(*big, UINT64_MAX);
}

TEST(QueryParamsTest, GetUintRejectsWhatIsNotAPlainNumberInRange) {
  const auto query = QueryParams::Parse(
      "neg=-1&text=abc&mixed=12x&empty=&space=%205&high=101&low=0&overflow=99999999999999999999");
  for (const char* name : {"neg", "text", "mixed", "empty", "space", "high", "low", "overflow"}) {
    const auto value = query.GetUint(name, 7, 1, 100);
    ASSERT_FALSE(value.ok()) << name;
    EXPECT_NE(value.error().message.find(std::string("'") + name + "'"), std::string::npos)
        << value.error().message;
    EXPECT_NE(value.error().message.find("from 1 to 100"), std::string::npos)
        << value.error().message;
  }
  EXPECT_EQ(query.GetUint("text", 7, 0, 100).error().message,
            "query parameter 'text' must be an integer from 0 to 100, got 'abc'");
}

TEST(PercentDecodeTest, DecodesEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c%2Fd%2f"), "a b c/d/");
  EXPECT_EQ(PercentDecode(""), "");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_FALSE(PercentDecode("%").has_value());
  EXPECT_FALSE(PercentDecode("%2").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
  EXPECT_FALSE(PercentDecode("ab%g1").has_value());
}

}  // namespace
}  // namespace stampede::server
