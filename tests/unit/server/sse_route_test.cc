#include "server/sse_route.h"

#include <gtest/gtest.h>

namespace stampede::server {
namespace {

TEST(ParseSseSpecTest, Defaults) {
  auto spec = ParseSseSpec(QueryParams::Parse(""));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->initial.count(), 0);
  EXPECT_EQ(spec->interval.count(), 1000);
  EXPECT_EQ(spec->count, 10U);
  EXPECT_EQ(spec->event_bytes, 16U);
}

TEST(ParseSseSpecTest, ReadsEveryParameterAndAcceptsUnlimitedCount) {
  auto spec = ParseSseSpec(QueryParams::Parse("initial_ms=5&interval_ms=20&count=0&event_bytes=0"));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->initial.count(), 5);
  EXPECT_EQ(spec->interval.count(), 20);
  EXPECT_EQ(spec->count, 0U);
  EXPECT_EQ(spec->event_bytes, 0U);
}

TEST(ParseSseSpecTest, RejectsInvalidValuesNamingTheParameter) {
  for (const char* query :
       {"initial_ms=", "interval_ms=fast", "count=-1", "event_bytes=2000000", "count=1e3"}) {
    auto spec = ParseSseSpec(QueryParams::Parse(query));
    ASSERT_FALSE(spec.ok()) << query;
    const std::string name(query, std::string_view(query).find('='));
    EXPECT_NE(spec.error().message.find("'" + name + "'"), std::string::npos)
        << spec.error().message;
  }
}

}  // namespace
}  // namespace stampede::server
