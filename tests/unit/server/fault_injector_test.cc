#include "server/fault_injector.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace stampede::server {
namespace {

using Action = FaultInjector::Action;

HttpRequest Get(std::string_view target) {
  HttpRequest request;
  request.method(boost::beast::http::verb::get);
  request.target(target);
  request.version(11);
  return request;
}

core::Result<FaultPlan> Plan(const HttpRequest& request, const FaultRates& rates,
                             core::Random& random) {
  const QueryParams query = QueryParams::Parse(SplitTarget(request.target()).query);
  return PlanFault(RequestKnobs(query, request), request, rates, random);
}

TEST(PlanFaultTest, NoRatesNoForcingMeansNoFaultAndNoDraw) {
  core::Random random(5);
  core::Random untouched(5);
  auto plan = Plan(Get("/stream"), FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kNone);
  EXPECT_EQ(random.Next(), untouched.Next());
}

TEST(PlanFaultTest, ForcedByHeaderOrQuery) {
  core::Random random(1);
  HttpRequest request = Get("/stream");
  request.set("x-stampede-fault", "drop");
  auto plan = Plan(request, FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kDrop);
  EXPECT_FALSE(plan->after);

  plan = Plan(Get("/sse?fault=stall&fault_after=3"), FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kStall);
  EXPECT_EQ(plan->after, 3U);

  plan = Plan(Get("/sse?fault=corrupt"), FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kCorrupt);

  // Forcing "none" wins over a rate of 1.
  plan = Plan(Get("/sse?fault=none"), FaultRates{.drop = 1}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kNone);
}

TEST(PlanFaultTest, ForcedErrorTakesTheConfiguredOrRequestedStatus) {
  core::Random random(1);
  auto plan = Plan(Get("/stream?fault=error"), FaultRates{.error_status = 502}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kError);
  EXPECT_EQ(plan->error_status, 502U);
  plan = Plan(Get("/stream?fault=error&error_status=429"), FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->error_status, 429U);

  HttpRequest request = Get("/v1/chat/completions");
  request.set("X-Return-Error", "503");
  plan = Plan(request, FaultRates{}, random);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->kind, FaultKind::kError);
  EXPECT_EQ(plan->error_status, 503U);
}

TEST(PlanFaultTest, RejectsBadValuesNamingThem) {
  core::Random random(1);
  auto plan = Plan(Get("/stream?fault=boom"), FaultRates{}, random);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("fault"), std::string::npos);
  plan = Plan(Get("/stream?fault=drop&fault_after=x"), FaultRates{}, random);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("fault_after"), std::string::npos);
  HttpRequest request = Get("/stream");
  request.set("X-Return-Error", "200");
  plan = Plan(request, FaultRates{}, random);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("X-Return-Error"), std::string::npos);
}

TEST(PlanFaultTest, DrawsFollowTheRatesAndReplayFromTheSeed) {
  const FaultRates rates{
      .error = 0.1, .drop = 0.2, .stall = 0.3, .corrupt = 0.1, .error_status = 500};
  core::Random random(42);
  core::Random replay(42);
  std::map<FaultKind, int> counts;
  constexpr int kRequests = 10000;
  for (int i = 0; i < kRequests; ++i) {
    auto plan = Plan(Get("/stream"), rates, random);
    auto again = Plan(Get("/stream"), rates, replay);
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(plan->kind, again->kind);
    ++counts[plan->kind];
  }
  // Binomial standard deviations are at most 50 here; 5 of them is a generous bound.
  EXPECT_NEAR(counts[FaultKind::kError], 1000, 250);
  EXPECT_NEAR(counts[FaultKind::kDrop], 2000, 250);
  EXPECT_NEAR(counts[FaultKind::kStall], 3000, 250);
  EXPECT_NEAR(counts[FaultKind::kCorrupt], 1000, 250);
  EXPECT_NEAR(counts[FaultKind::kNone], 3000, 250);
}

TEST(PlanFaultTest, ARateOfOneAlwaysFaults) {
  core::Random random(3);
  for (int i = 0; i < 100; ++i) {
    auto plan = Plan(Get("/sse"), FaultRates{.drop = 1}, random);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->kind, FaultKind::kDrop);
  }
}

TEST(FaultInjectorTest, DropHitsTheMiddlePartOfAnnouncedParts) {
  FaultInjector injector(FaultPlan{.kind = FaultKind::kDrop});
  injector.ExpectParts(10);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(injector.BeforePart(), Action::kSend) << i;
  EXPECT_EQ(injector.fired(), FaultKind::kNone);
  EXPECT_EQ(injector.BeforePart(), Action::kDrop);
  EXPECT_EQ(injector.fired(), FaultKind::kDrop);
}

TEST(FaultInjectorTest, WithoutACountTheSecondPartIsHit) {
  FaultInjector injector(FaultPlan{.kind = FaultKind::kStall});
  EXPECT_EQ(injector.BeforePart(), Action::kSend);
  EXPECT_EQ(injector.BeforePart(), Action::kStall);
}

TEST(FaultInjectorTest, FaultAfterPlacesIt) {
  FaultInjector injector(FaultPlan{.kind = FaultKind::kCorrupt, .after = 0});
  injector.ExpectParts(10);
  EXPECT_EQ(injector.BeforePart(), Action::kCorrupt);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(injector.BeforePart(), Action::kSend);  // only once
  EXPECT_EQ(injector.BeforeEnd(), Action::kSend);
}

TEST(FaultInjectorTest, ADropPastTheLastPartHappensInsteadOfTheEnd) {
  FaultInjector injector(FaultPlan{.kind = FaultKind::kDrop, .after = 50});
  injector.ExpectParts(3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(injector.BeforePart(), Action::kSend);
  EXPECT_EQ(injector.BeforeEnd(), Action::kDrop);
  EXPECT_EQ(injector.fired(), FaultKind::kDrop);
}

TEST(FaultInjectorTest, NoPlanNeverInterferes) {
  FaultInjector injector;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(injector.BeforePart(), Action::kSend);
  EXPECT_EQ(injector.BeforeEnd(), Action::kSend);
  EXPECT_EQ(injector.ForWholeBody(), Action::kSend);
  EXPECT_EQ(injector.fired(), FaultKind::kNone);
}

TEST(FaultInjectorTest, CorruptChangesExactlyOneByte) {
  for (const std::string& original :
       {std::string("a"), std::string("0123456789"), std::string(1000, '\0')}) {
    std::string bytes = original;
    const std::size_t index = FaultInjector::Corrupt(bytes);
    int differing = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) differing += bytes[i] != original[i] ? 1 : 0;
    EXPECT_EQ(differing, 1);
    EXPECT_NE(bytes[index], original[index]);
  }
}

}  // namespace
}  // namespace stampede::server
