#include "server/llm_generation.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/query_params.h"

namespace stampede::server {
namespace {

using core::kMillisecond;

// A plan for `request` with the knobs of `query` and of `headers` (name, value).
class PlanTest : public ::testing::Test {
 protected:
  core::Result<GenerationPlan> Plan(const LlmRequest& request, std::string query_string = "",
                                    std::vector<std::pair<std::string, std::string>> headers = {},
                                    std::string_view server_profile = "default") {
    query_string_ = std::move(query_string);
    query_ = QueryParams::Parse(query_string_);
    http_request_ = HttpRequest();
    for (const auto& [name, value] : headers) http_request_.set(name, value);
    const RequestKnobs knobs(query_, http_request_);
    return PlanGeneration(request, knobs, server_profile);
  }

  std::string query_string_;
  QueryParams query_;
  HttpRequest http_request_;
};

LlmRequest WithMaxTokens(std::optional<std::uint64_t> max_tokens) {
  LlmRequest request;
  request.model = "m";
  request.max_tokens = max_tokens;
  return request;
}

TEST_F(PlanTest, TheServerProfileByDefault) {
  auto plan = Plan(WithMaxTokens(std::nullopt), "", {}, "django-report");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->profile.ttft.ToString(), "fixed:1100ms");
  EXPECT_EQ(plan->profile.itl.ToString(), "fixed:140ms");
  EXPECT_EQ(plan->completion_tokens, 400U);  // the profile's length
  EXPECT_FALSE(plan->truncated);
  EXPECT_EQ(plan->tokens_per_chunk, 1U);
  EXPECT_FALSE(plan->include_usage);
}

TEST_F(PlanTest, LengthFromTheBoundTheNaturalLengthOrBoth) {
  auto bound = Plan(WithMaxTokens(20));
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->completion_tokens, 20U);
  EXPECT_TRUE(bound->truncated);

  auto natural = Plan(WithMaxTokens(std::nullopt), "output_tokens=7");
  ASSERT_TRUE(natural.ok());
  EXPECT_EQ(natural->completion_tokens, 7U);
  EXPECT_FALSE(natural->truncated);

  auto shorter = Plan(WithMaxTokens(20), "output_tokens=7");
  ASSERT_TRUE(shorter.ok());
  EXPECT_EQ(shorter->completion_tokens, 7U);
  EXPECT_FALSE(shorter->truncated);

  auto longer = Plan(WithMaxTokens(20), "output_tokens=70");
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->completion_tokens, 20U);
  EXPECT_TRUE(longer->truncated);

  auto knob_bound = Plan(WithMaxTokens(20), "", {{"x-stampede-max-tokens", "5"}});
  ASSERT_TRUE(knob_bound.ok());
  EXPECT_EQ(knob_bound->completion_tokens, 5U);
  EXPECT_TRUE(knob_bound->truncated);
}

TEST_F(PlanTest, DelayKnobsOverrideInOrder) {
  auto plan = Plan(WithMaxTokens(4), "profile=instant&itl=uniform%3A1ms..3ms",
                   {{"x-stampede-ttft", "normal:300ms,10ms"},
                    {"x-stampede-tokens-per-chunk", "3"},
                    {"x-stampede-include-usage", "true"}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->profile.ttft.ToString(), "normal:300ms,10ms");
  EXPECT_EQ(plan->profile.itl.ToString(), "uniform:1ms..3ms");
  EXPECT_EQ(plan->tokens_per_chunk, 3U);
  EXPECT_TRUE(plan->include_usage);

  // Fixed milliseconds win over distributions.
  auto fixed = Plan(WithMaxTokens(4), "ttft=fixed:1s&ttft_ms=300", {{"x-stampede-itl-ms", "20"}});
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  EXPECT_EQ(fixed->profile.ttft.ToString(), "fixed:300ms");
  EXPECT_EQ(fixed->profile.itl.ToString(), "fixed:20ms");
}

TEST_F(PlanTest, IncludeUsageKnobOverridesTheBody) {
  LlmRequest request = WithMaxTokens(3);
  request.include_usage = true;
  auto from_body = Plan(request);
  ASSERT_TRUE(from_body.ok());
  EXPECT_TRUE(from_body->include_usage);
  auto knob = Plan(request, "include_usage=0");
  ASSERT_TRUE(knob.ok());
  EXPECT_FALSE(knob->include_usage);
}

TEST_F(PlanTest, InvalidKnobsAreErrorsNamingTheKnob) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"profile=warp", "invalid profile: unknown latency profile \"warp\""},
      {"ttft=normal:1s", "invalid ttft: invalid distribution \"normal:1s\""},
      {"itl=5", "invalid itl: invalid distribution \"5\""},
      {"ttft_ms=-1", "invalid ttft_ms=\"-1\""},
      {"itl_ms=4000000", "invalid itl_ms=\"4000000\""},
      {"max_tokens=0", "invalid max_tokens=\"0\": expected a whole number from 1 to 100000"},
      {"output_tokens=x", "invalid output_tokens=\"x\""},
      {"tokens_per_chunk=0", "invalid tokens_per_chunk=\"0\""},
      {"include_usage=maybe", "invalid include_usage=\"maybe\": expected true or false"},
  };
  for (const auto& [query, expected] : cases) {
    auto plan = Plan(WithMaxTokens(3), query);
    ASSERT_FALSE(plan.ok()) << query;
    EXPECT_NE(plan.error().message.find(expected), std::string::npos)
        << query << " -> " << plan.error().message;
  }
  auto server = Plan(WithMaxTokens(3), "", {}, "nope");
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.error().message.find("invalid --profile"), std::string::npos);
}

TEST(MakeAnswerIdTest, PrefixAnd24AlphanumericsFromTheSeed) {
  core::Random first(3);
  core::Random second(3);
  const std::string id = MakeAnswerId("chatcmpl-", first);
  EXPECT_EQ(id, MakeAnswerId("chatcmpl-", second));
  ASSERT_EQ(id.size(), 9U + 24U);
  EXPECT_TRUE(id.starts_with("chatcmpl-"));
  for (const char c : id.substr(9)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

}  // namespace
}  // namespace stampede::server
