#include "report/json_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "report_fixture.h"

namespace stampede::report {
namespace {

using stats::Metric;

TEST(JsonReport, CarriesSchemaVersionSummariesAndHistograms) {
  const auto json = ToJson(testing::MakeFixtureResult());
  EXPECT_EQ(json.at("schema_version"), 1);
  const auto& level = json.at("levels").at(1);
  EXPECT_EQ(level.at("users"), 100);
  EXPECT_EQ(level.at("succeeded"), 98);
  EXPECT_EQ(level.at("failed"), 2);
  EXPECT_EQ(level.at("errors").at("http.503"), 1);
  const auto& ttfe = level.at("metrics").at("ttfe");
  EXPECT_EQ(ttfe.at("unit"), "ns");
  EXPECT_EQ(ttfe.at("count"), 98);
  EXPECT_EQ(ttfe.at("min"), 300'000'000);
  EXPECT_EQ(ttfe.at("max"), 300'000'000 + 97 * 200'000);
  EXPECT_TRUE(ttfe.at("histogram").at("buckets").is_array());
  EXPECT_EQ(level.at("metrics").at("events").at("unit"), "count");
}

TEST(JsonReport, RoundTripKeepsEveryCountAndPercentile) {
  const auto original = testing::MakeTwoStepFixtureResult();
  auto parsed = FromJson(ToJson(original));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->levels.size(), original.levels.size());
  for (std::size_t i = 0; i < original.levels.size(); ++i) {
    const auto& a = original.levels[i];
    const auto& b = parsed->levels[i];
    EXPECT_EQ(a.stats.requests, b.stats.requests);
    EXPECT_EQ(a.stats.errors, b.stats.errors);
    for (Metric metric : stats::kAllMetrics) {
      EXPECT_TRUE(a.stats[metric] == b.stats[metric]) << stats::MetricName(metric);
      EXPECT_EQ(a.stats[metric].ValueAtPercentile(99), b.stats[metric].ValueAtPercentile(99));
      EXPECT_DOUBLE_EQ(a.stats[metric].Mean(), b.stats[metric].Mean());
    }
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (std::size_t k = 0; k < a.steps.size(); ++k) {
      EXPECT_EQ(a.steps[k].name, b.steps[k].name);
      EXPECT_TRUE(a.steps[k].stats[Metric::kE2e] == b.steps[k].stats[Metric::kE2e]);
    }
    ASSERT_EQ(a.series.size(), b.series.size());
    EXPECT_EQ(a.series.back().ttfe_p95, b.series.back().ttfe_p95);
  }
  EXPECT_EQ(ToJson(*parsed), ToJson(original));
}

TEST(JsonReport, RejectsOtherSchemaVersionsAndNonResults) {
  auto json = ToJson(testing::MakeFixtureResult());
  json["schema_version"] = 2;
  auto other = FromJson(json);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("schema_version 2"), std::string::npos);
  EXPECT_FALSE(FromJson(nlohmann::json::object()).ok());
}

// Schema version 1 only ever gains fields: a result written before a metric or a counter was
// added still reads, the missing parts empty.
TEST(JsonReport, ReadsResultsWrittenBeforeFieldsWereAdded) {
  auto json = ToJson(testing::MakeFixtureResult());
  for (auto& level : json["levels"]) {
    level["metrics"].erase("intended");
    level.erase("attempts");
    level.erase("retried_errors");
    level.erase("steps");
  }
  auto parsed = FromJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->levels[0].stats[Metric::kIntended].empty());
  EXPECT_EQ(parsed->levels[1].stats.attempts, parsed->levels[1].stats.requests);
  EXPECT_EQ(parsed->levels[1].stats[Metric::kTtfe].count(), 98);
}

TEST(JsonReport, FileRoundTrip) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "stampede_json_report_test.json").string();
  ASSERT_TRUE(WriteJsonFile(testing::MakeFixtureResult(), path).ok());
  auto read = ReadJsonFile(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->levels.at(0).stats.succeeded, 50);
  std::remove(path.c_str());
  auto missing = ReadJsonFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace stampede::report
