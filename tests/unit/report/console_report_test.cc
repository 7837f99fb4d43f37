#include "report/console_report.h"

#include <gtest/gtest.h>

#include "golden.h"
#include "report_fixture.h"

namespace stampede::report {
namespace {

TEST(ConsoleReport, SummaryMatchesGolden) {
  testing::ExpectMatchesGolden(FormatSummary(testing::MakeFixtureResult()), "console_summary.txt");
}

TEST(ConsoleReport, SummaryWithStepsMatchesGolden) {
  testing::ExpectMatchesGolden(FormatSummary(testing::MakeTwoStepFixtureResult()),
                               "console_summary_steps.txt");
}

TEST(ConsoleReport, StepTableHasARowPerLevelAndStep) {
  const std::string table = FormatStepTable(testing::MakeTwoStepFixtureResult());
  // Title, header, 2 levels x 2 steps, and each step over the whole run.
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 2 + 4 + 2);
  EXPECT_NE(table.find("all    chat: stream       150         2"), std::string::npos);
  EXPECT_NE(table.find("chat: open"), std::string::npos);
  EXPECT_NE(table.find("chat: stream"), std::string::npos);
  // The summary of a one-step run has no step table.
  EXPECT_EQ(FormatSummary(testing::MakeFixtureResult()).find("steps ("), std::string::npos);
}

TEST(ConsoleReport, TableHasOneRowPerLevelWithTheRightNumbers) {
  const std::string table = FormatLevelTable(testing::MakeFixtureResult());
  // Header + two levels.
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3);
  EXPECT_NE(table.find("events avg"), std::string::npos);
  EXPECT_NE(table.find("98.0%"), std::string::npos);  // 98 of 100 succeeded at level 2
  EXPECT_NE(table.find("99.0%"), std::string::npos);  // 99 of 100 completed
  EXPECT_NE(table.find("40.0"), std::string::npos);   // 50 requests in 1.25 s
}

TEST(ConsoleReport, ErrorBreakdownListsCategoriesPerLevel) {
  auto result = testing::MakeFixtureResult();
  const std::string errors = FormatErrorBreakdown(result);
  EXPECT_NE(errors.find("http.503"), std::string::npos);
  EXPECT_NE(errors.find("incomplete"), std::string::npos);
  for (auto& level : result.levels) level.stats.errors.clear();
  EXPECT_EQ(FormatErrorBreakdown(result), "errors: none\n");
}

TEST(ConsoleReport, ProgressLineShowsTheLiveNumbers) {
  stats::LiveStatus status;
  status.level_index = 2;
  status.level_count = 5;
  status.users = 200;
  status.elapsed = 4.25;
  status.active = 180;
  status.finished = 20;
  status.failed = 1;
  status.ttfe_p95 = 301'000'000;
  EXPECT_EQ(FormatProgressLine(status),
            "level 3/5 · 200 users · 4.2s · active 180 · done 20 · errors 1 · ttfe p95 301ms");
  status.ttfe_p95 = -1;
  status.stopping = true;
  EXPECT_EQ(FormatProgressLine(status),
            "level 3/5 · 200 users · 4.2s · active 180 · done 20 · errors 1 · ttfe p95 - · "
            "stopping (Ctrl-C again to cut)");
}

}  // namespace
}  // namespace stampede::report
