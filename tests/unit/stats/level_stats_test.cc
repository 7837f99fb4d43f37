#include "stats/level_stats.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace stampede::stats {
namespace {

// Every metric has its own name: a missing one once wrote the open model's metric as "".
TEST(MetricName, EveryMetricIsNamedOnce) {
  std::set<std::string_view> names;
  for (Metric metric : kAllMetrics) {
    EXPECT_FALSE(MetricName(metric).empty());
    names.insert(MetricName(metric));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kMetricCount));
  EXPECT_EQ(MetricName(Metric::kIntended), "intended");
}

}  // namespace
}  // namespace stampede::stats
