#include "scenario/scenario.h"

#include <gtest/gtest.h>

namespace stampede::scenario {
namespace {

TEST(ParseStatusList, AcceptsCodesClassesRangesAndLists) {
  auto single = ParseStatusList("200");
  ASSERT_TRUE(single.ok());
  ASSERT_EQ(single->size(), 1u);
  EXPECT_TRUE(single->at(0).Contains(200));
  EXPECT_FALSE(single->at(0).Contains(201));
  auto klass = ParseStatusList("2xx");
  ASSERT_TRUE(klass.ok());
  EXPECT_TRUE(klass->at(0).Contains(299));
  EXPECT_FALSE(klass->at(0).Contains(300));
  auto list = ParseStatusList("200-204,429");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->at(0).Contains(204));
  EXPECT_TRUE(list->at(1).Contains(429));
}

TEST(ParseStatusList, RejectsNonsenseWithAHint) {
  for (const char* bad : {"", "abc", "99", "600", "204-200", "6xx", "200,", "2x"}) {
    auto parsed = ParseStatusList(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("write e.g."), std::string::npos) << bad;
  }
}

TEST(ParseStreamMode, KnowsEveryModeAndNamesTheChoices) {
  EXPECT_EQ(*ParseStreamMode("sse"), StreamMode::kSse);
  EXPECT_EQ(*ParseStreamMode("chunked"), StreamMode::kChunked);
  EXPECT_EQ(*ParseStreamMode("none"), StreamMode::kNone);
  EXPECT_EQ(*ParseStreamMode("auto"), StreamMode::kAuto);
  auto bad = ParseStreamMode("websocket");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("auto, none, chunked or sse"), std::string::npos);
}

TEST(RequestSpec, SerializesRequestLineHostHeadersAndBody) {
  RequestSpec spec;
  spec.method = "POST";
  spec.url = *ParseUrl("http://127.0.0.1:8002/api/chat?x=1");
  spec.headers = {{"Content-Type", "application/json"}};
  spec.body = R"({"prompt":"hi"})";
  EXPECT_EQ(spec.Serialize(),
            "POST /api/chat?x=1 HTTP/1.1\r\n"
            "Host: 127.0.0.1:8002\r\n"
            "User-Agent: stampede/0.1\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 15\r\n"
            "\r\n"
            R"({"prompt":"hi"})");
}

TEST(RequestSpec, UserHostAndUserAgentReplaceTheDefaults) {
  RequestSpec spec;
  spec.url = *ParseUrl("http://127.0.0.1/");
  spec.headers = {{"host", "example.test"}, {"User-Agent", "k6"}};
  EXPECT_EQ(spec.Serialize(), "GET / HTTP/1.1\r\nhost: example.test\r\nUser-Agent: k6\r\n\r\n");
}

TEST(Validate, NamesTheFlagToFix) {
  Scenario scenario = Scenario::SingleRequest(RequestSpec{}, LoadProfile{});
  auto no_levels = Validate(scenario);
  ASSERT_FALSE(no_levels.ok());
  EXPECT_NE(no_levels.error().message.find("--users"), std::string::npos);
  scenario.load.levels = {10};
  EXPECT_TRUE(Validate(scenario).ok());
  scenario.load.mode = LoadMode::kDuration;
  auto no_duration = Validate(scenario);
  ASSERT_FALSE(no_duration.ok());
  EXPECT_NE(no_duration.error().message.find("--duration"), std::string::npos);
  scenario.load.duration = core::kSecond;
  auto& request = scenario.users[0].steps[0].request;
  request.headers = {{"Bad Name", "x"}};
  EXPECT_FALSE(Validate(scenario).ok());
  request.headers = {{"X-Ok", "line\r\nbreak"}};
  EXPECT_FALSE(Validate(scenario).ok());
}

TEST(Validate, UserClassesNeedARequestAndAPositiveTotalWeight) {
  Scenario scenario = Scenario::SingleRequest(RequestSpec{}, LoadProfile{{10}});
  UserClass idle;
  idle.name = "idle";
  Step think;
  think.kind = Step::Kind::kThink;
  idle.steps.push_back(think);
  scenario.users.push_back(idle);
  auto no_request = Validate(scenario);
  ASSERT_FALSE(no_request.ok());
  EXPECT_NE(no_request.error().message.find("\"idle\" sends no request"), std::string::npos);
  scenario.users.pop_back();
  scenario.users[0].weight = 0;
  EXPECT_FALSE(Validate(scenario).ok());
}

TEST(ParseThinkTime, FixedAndRange) {
  auto fixed = ParseThinkTime("1s");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->min, core::kSecond);
  EXPECT_EQ(fixed->max, core::kSecond);
  auto range = ParseThinkTime("500ms..2s");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->min, 500 * core::kMillisecond);
  EXPECT_EQ(range->max, 2 * core::kSecond);
  EXPECT_FALSE(ParseThinkTime("2s..1s").ok());
  EXPECT_FALSE(ParseThinkTime("1..2").ok());
  EXPECT_FALSE(ParseThinkTime("soon").ok());
}

TEST(ForEachRequest, VisitsNestedStepsInOrder) {
  Scenario scenario;
  UserClass user;
  Step a;
  a.name = "a";
  Step loop;
  loop.kind = Step::Kind::kLoop;
  Step b;
  b.name = "b";
  Step think;
  think.kind = Step::Kind::kThink;
  loop.steps = {b, think};
  Step c;
  c.name = "c";
  user.steps = {a, loop, c};
  scenario.users = {user};
  std::string order;
  ForEachRequest(scenario, [&](const Step& step) { order += step.name; });
  EXPECT_EQ(order, "abc");
}

}  // namespace
}  // namespace stampede::scenario

namespace stampede::scenario {
namespace {

TEST(RetryPolicy, MatchesCodesFamiliesAndCategories) {
  RetryPolicy policy;
  policy.on = {"429", "5xx", "timeout", "reset"};
  EXPECT_TRUE(policy.Matches("http.429"));
  EXPECT_TRUE(policy.Matches("http.503"));
  EXPECT_FALSE(policy.Matches("http.404"));
  EXPECT_TRUE(policy.Matches("timeout.ttfb"));
  EXPECT_TRUE(policy.Matches("reset"));
  EXPECT_FALSE(policy.Matches("refused"));
  EXPECT_FALSE(policy.Matches("check.min_events"));
}

TEST(RetryPolicy, BackoffDoublesUpToItsCapUnlessRetryAfterSpeaks) {
  RetryPolicy policy;
  policy.backoff_min = 200 * core::kMillisecond;
  policy.backoff_max = core::kSecond;
  EXPECT_EQ(policy.Backoff(1, -1), 200 * core::kMillisecond);
  EXPECT_EQ(policy.Backoff(2, -1), 400 * core::kMillisecond);
  EXPECT_EQ(policy.Backoff(3, -1), 800 * core::kMillisecond);
  EXPECT_EQ(policy.Backoff(4, -1), core::kSecond);
  EXPECT_EQ(policy.Backoff(1, 3 * core::kSecond), 3 * core::kSecond);
  policy.respect_retry_after = false;
  EXPECT_EQ(policy.Backoff(1, 3 * core::kSecond), 200 * core::kMillisecond);
}

}  // namespace
}  // namespace stampede::scenario

namespace stampede::scenario {
namespace {

TEST(ThinkTime, DistributionsHaveTheirMeanAndStayInBounds) {
  core::Random random(11);
  ThinkTime exponential;
  exponential.distribution = ThinkTime::Distribution::kExponential;
  exponential.mean = 2 * core::kSecond;
  ThinkTime normal;
  normal.distribution = ThinkTime::Distribution::kNormal;
  normal.mean = core::kSecond;
  normal.stdev = 300 * core::kMillisecond;
  normal.min = 500 * core::kMillisecond;
  normal.max = 1500 * core::kMillisecond;
  ThinkTime uniform{core::kSecond, 3 * core::kSecond};
  double exponential_sum = 0;
  double uniform_sum = 0;
  for (int i = 0; i < 20'000; ++i) {
    exponential_sum += static_cast<double>(exponential.Draw(random));
    const core::Nanos n = normal.Draw(random);
    ASSERT_GE(n, normal.min);
    ASSERT_LE(n, normal.max);
    const core::Nanos u = uniform.Draw(random);
    ASSERT_GE(u, uniform.min);
    ASSERT_LE(u, uniform.max);
    uniform_sum += static_cast<double>(u);
  }
  // Means of 20,000 draws: within 3% (exponential's standard error is 0.7%).
  EXPECT_NEAR(exponential_sum / 20'000, 2e9, 0.03 * 2e9);
  EXPECT_NEAR(uniform_sum / 20'000, 2e9, 0.03 * 2e9);
  EXPECT_EQ(ThinkTime({core::kSecond, core::kSecond}).Draw(random), core::kSecond);
}

}  // namespace
}  // namespace stampede::scenario
