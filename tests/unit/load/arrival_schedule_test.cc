#include "load/arrival_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace stampede::load {
namespace {

using core::kSecond;

std::vector<double> Gaps(double rate, bool poisson, int count, std::uint64_t seed) {
  core::Random random(seed);
  ArrivalSchedule schedule(rate, poisson, random, 5 * kSecond);
  std::vector<double> gaps;
  core::Nanos previous = schedule.Next();
  for (int i = 0; i < count; ++i) {
    const core::Nanos next = schedule.Next();
    gaps.push_back(static_cast<double>(next - previous));
    previous = next;
  }
  return gaps;
}

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double Variance(const std::vector<double>& values) {
  const double mean = Mean(values);
  double sum = 0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return sum / static_cast<double>(values.size());
}

TEST(ArrivalSchedule, ConstantRateIsExactAndNeverDrifts) {
  core::Random random(1);
  ArrivalSchedule schedule(3.0, false, random, 10 * kSecond);  // 333,333,333.3 ns apart
  EXPECT_EQ(schedule.Next(), 10 * kSecond);
  core::Nanos last = 0;
  for (int i = 1; i <= 3000; ++i) last = schedule.Next();
  EXPECT_EQ(last, 10 * kSecond + 1000 * kSecond);  // 3000 intervals of 1/3 s, no rounding drift
}

TEST(ArrivalSchedule, PoissonGapsHaveTheRatesMeanAndDispersion) {
  constexpr double kRate = 50.0;
  const auto gaps = Gaps(kRate, true, 100'000, 42);
  const double mean = Mean(gaps);
  const double expected = 1e9 / kRate;
  // The mean of 100,000 exponential gaps is within 1% of 1/rate (its standard error is 0.3%).
  EXPECT_NEAR(mean, expected, 0.01 * expected);
  // Exponential gaps: standard deviation equals the mean (coefficient of variation 1).
  EXPECT_NEAR(std::sqrt(Variance(gaps)) / mean, 1.0, 0.02);
  // Counts per 1 s window are Poisson: variance equals mean (index of dispersion 1).
  std::vector<double> counts;
  double t = 0;
  double window_end = 1e9;
  double in_window = 0;
  for (double gap : gaps) {
    t += gap;
    while (t >= window_end) {
      counts.push_back(in_window);
      in_window = 0;
      window_end += 1e9;
    }
    ++in_window;
  }
  EXPECT_NEAR(Mean(counts), kRate, 0.5);
  EXPECT_NEAR(Variance(counts) / Mean(counts), 1.0, 0.1);
}

TEST(ArrivalSchedule, SameSeedSameArrivals) {
  EXPECT_EQ(Gaps(10, true, 100, 7), Gaps(10, true, 100, 7));
  EXPECT_NE(Gaps(10, true, 100, 7), Gaps(10, true, 100, 8));
}

}  // namespace
}  // namespace stampede::load
