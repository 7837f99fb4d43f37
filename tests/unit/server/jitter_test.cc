#include "server/jitter.h"

#include <gtest/gtest.h>

#include "server/sse_route.h"
#include "server/stream_route.h"

namespace stampede::server {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

TEST(JitterTest, StaysWithinPlusMinusTheJitter) {
  core::Random random(11);
  const TimePoint start{std::chrono::seconds(1000)};
  const TimePoint due = start + milliseconds(100);
  double sum_ms = 0;
  bool early = false;
  bool late = false;
  constexpr int kDraws = 10000;
  for (int i = 0; i < kDraws; ++i) {
    const TimePoint jittered = Jitter(due, start, milliseconds(20), random);
    ASSERT_GE(jittered, due - milliseconds(20));
    ASSERT_LE(jittered, due + milliseconds(20));
    early |= jittered < due - milliseconds(15);
    late |= jittered > due + milliseconds(15);
    sum_ms += std::chrono::duration<double, std::milli>(jittered - due).count();
  }
  EXPECT_TRUE(early && late) << "uniform over the whole range";
  EXPECT_NEAR(sum_ms / kDraws, 0.0, 0.5);
}

TEST(JitterTest, NeverBeforeThePreviousEvent) {
  core::Random random(12);
  const TimePoint start{std::chrono::seconds(1000)};
  TimePoint previous = start;
  for (int k = 0; k < 1000; ++k) {
    // Events 1 ms apart with ±50 ms of jitter: order holds only by the clamp.
    const TimePoint due = Jitter(start + milliseconds(k), previous, milliseconds(50), random);
    ASSERT_GE(due, previous) << k;
    ASSERT_GE(due, start);
    previous = due;
  }
}

TEST(JitterTest, ZeroJitterDrawsNothing) {
  core::Random random(13);
  core::Random untouched(13);
  const TimePoint due{std::chrono::seconds(5)};
  EXPECT_EQ(Jitter(due, due - milliseconds(1), milliseconds(0), random), due);
  EXPECT_EQ(Jitter(due, due + milliseconds(1), milliseconds(0), random), due + milliseconds(1));
  EXPECT_EQ(random.Next(), untouched.Next());
}

TEST(JitterTest, ReplaysFromTheSeed) {
  core::Random a(99);
  core::Random b(99);
  const TimePoint due{std::chrono::seconds(5)};
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Jitter(due, TimePoint{}, milliseconds(7), a),
              Jitter(due, TimePoint{}, milliseconds(7), b));
  }
}

}  // namespace
}  // namespace stampede::server

namespace stampede::server {
namespace {

TEST(JitterKnobTest, StreamAndSseReadJitterMs) {
  auto stream = ParseStreamSpec(QueryParams::Parse("jitter_ms=25"));
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->jitter, std::chrono::milliseconds(25));
  EXPECT_EQ(ParseStreamSpec(QueryParams::Parse(""))->jitter.count(), 0);
  auto sse = ParseSseSpec(QueryParams::Parse("jitter_ms=7"));
  ASSERT_TRUE(sse.ok());
  EXPECT_EQ(sse->jitter, std::chrono::milliseconds(7));
  EXPECT_FALSE(ParseSseSpec(QueryParams::Parse("jitter_ms=-1")).ok());
  EXPECT_FALSE(ParseStreamSpec(QueryParams::Parse("jitter_ms=3600001")).ok());
}

}  // namespace
}  // namespace stampede::server
