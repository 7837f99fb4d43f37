#include "server/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/error_response.h"

namespace stampede::server {
namespace {

using core::kSecond;
using core::Nanos;

TEST(RateLimiterTest, ABurstOfTwiceTheRpmPassesExactlyTheRpm) {
  RateLimiter limiter(60, 0);
  int passed = 0;
  Nanos retry_after = 0;
  for (int i = 0; i < 120; ++i) passed += limiter.TryConsume(1, 0, retry_after) ? 1 : 0;
  EXPECT_EQ(passed, 60);
  EXPECT_EQ(retry_after, kSecond);  // one token at one per second
}

TEST(RateLimiterTest, RefillsContinuouslyAtAMinutesAmountPerMinute) {
  RateLimiter limiter(60, 0);
  Nanos retry_after = 0;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.TryConsume(1, 0, retry_after));
  EXPECT_FALSE(limiter.TryConsume(1, kSecond / 2, retry_after));
  EXPECT_EQ(retry_after, kSecond / 2);                       // half a token is there already
  EXPECT_TRUE(limiter.TryConsume(1, kSecond, retry_after));  // exactly one more after 1 s
  EXPECT_EQ(retry_after, 0);
  EXPECT_FALSE(limiter.TryConsume(1, kSecond, retry_after));
  EXPECT_EQ(retry_after, kSecond);
  // Ten seconds refill ten, never more than the capacity.
  int passed = 0;
  for (int i = 0; i < 20; ++i) passed += limiter.TryConsume(1, 11 * kSecond, retry_after) ? 1 : 0;
  EXPECT_EQ(passed, 10);
  EXPECT_DOUBLE_EQ(limiter.Available(1000 * kSecond), 60.0);
}

TEST(RateLimiterTest, RejectedRequestsTakeNothing) {
  RateLimiter limiter(2, 0);
  Nanos retry_after = 0;
  ASSERT_TRUE(limiter.TryConsume(1, 0, retry_after));
  ASSERT_TRUE(limiter.TryConsume(1, 0, retry_after));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.TryConsume(1, 0, retry_after));
  EXPECT_EQ(retry_after, 30 * kSecond);  // 2 per minute: one every 30 s
  EXPECT_TRUE(limiter.TryConsume(1, 30 * kSecond, retry_after));
}

TEST(RateLimiterTest, TokensPerMinuteTakeTheRequestsBudget) {
  RateLimiter limiter(1000, 0);
  Nanos retry_after = 0;
  EXPECT_TRUE(limiter.TryConsume(600, 0, retry_after));
  EXPECT_FALSE(limiter.TryConsume(600, 0, retry_after));
  EXPECT_EQ(retry_after, 12 * kSecond);  // 200 missing at 1000 per minute
  EXPECT_TRUE(limiter.TryConsume(400, 0, retry_after));
  EXPECT_TRUE(limiter.TryConsume(600, 36 * kSecond, retry_after));
}

TEST(RateLimiterTest, AnOversizedRequestWaitsForAFullBucketInsteadOfFailingForever) {
  RateLimiter limiter(1000, 0);
  Nanos retry_after = 0;
  EXPECT_TRUE(limiter.TryConsume(5000, 0, retry_after));
  EXPECT_FALSE(limiter.TryConsume(5000, 0, retry_after));
  EXPECT_EQ(retry_after, 60 * kSecond);
  EXPECT_TRUE(limiter.TryConsume(5000, 60 * kSecond, retry_after));
}

TEST(RateLimiterTest, ZeroMeansNoLimit) {
  RateLimiter limiter(0, 0);
  EXPECT_FALSE(limiter.enabled());
  Nanos retry_after = 7;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.TryConsume(1e9, 0, retry_after));
  EXPECT_EQ(retry_after, 0);
}

TEST(RateLimiterTest, AnEarlierClockReadingAddsNothing) {
  RateLimiter limiter(60, 10 * kSecond);
  Nanos retry_after = 0;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.TryConsume(1, 10 * kSecond, retry_after));
  EXPECT_FALSE(limiter.TryConsume(1, 5 * kSecond, retry_after));
  EXPECT_FALSE(limiter.TryConsume(1, 10 * kSecond, retry_after));
}

TEST(RateLimiterTest, WorkersSharingTheBucketNeverOverspend) {
  RateLimiter limiter(1000, 0);
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Nanos retry_after = 0;
      for (int i = 0; i < 1000; ++i) {
        if (limiter.TryConsume(1, 0, retry_after)) passed.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(passed.load(), 1000);
}

TEST(RetryAfterHeadersTest, WholeSecondsAndMillisecondsRoundedUp) {
  EXPECT_EQ(RetryAfterHeaders(kSecond), "Retry-After: 1\r\nretry-after-ms: 1000\r\n");
  EXPECT_EQ(RetryAfterHeaders(kSecond + kSecond / 2), "Retry-After: 2\r\nretry-after-ms: 1500\r\n");
  EXPECT_EQ(RetryAfterHeaders(20 * kSecond), "Retry-After: 20\r\nretry-after-ms: 20000\r\n");
  EXPECT_EQ(RetryAfterHeaders(1), "Retry-After: 1\r\nretry-after-ms: 1\r\n");
  EXPECT_EQ(RetryAfterHeaders(0), "Retry-After: 1\r\nretry-after-ms: 1\r\n");
}

TEST(OpenAiErrorBodyTest, HasTheApisShapeAndEscapes) {
  EXPECT_EQ(OpenAiErrorBody("Rate limit reached", "requests", "rate_limit_exceeded"),
            R"({"error":{"message":"Rate limit reached","type":"requests","param":null,)"
            R"("code":"rate_limit_exceeded"}})");
  EXPECT_EQ(
      OpenAiErrorBody("a \"b\"\n\\", "server_error", ""),
      R"({"error":{"message":"a \"b\"\n\\","type":"server_error","param":null,"code":null}})");
}

}  // namespace
}  // namespace stampede::server
