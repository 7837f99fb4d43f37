#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace stampede::stats {
namespace {

constexpr std::int64_t kHour = 3'600'000'000'000;

// Percentiles in hundredths, so that the expected nearest rank is computed exactly in integers.
constexpr std::int64_t kPercentileHundredths[] = {0,    100,  1000, 5000, 9000,
                                                  9500, 9900, 9990, 9999, 10000};

// Nearest rank: ceil(p/100 * n), at least 1.
std::int64_t ExactRank(std::int64_t hundredths, std::int64_t n) {
  return std::max<std::int64_t>(1, (hundredths * n + 9999) / 10000);
}

Histogram FromValues(const std::vector<std::int64_t>& values) {
  Histogram histogram = Histogram::ForDurations();
  for (auto value : values) histogram.Record(value);
  return histogram;
}

struct Distribution {
  std::string name;
  std::function<std::int64_t(std::mt19937_64&)> draw;
};

void PrintTo(const Distribution& distribution, std::ostream* out) { *out << distribution.name; }

std::vector<std::int64_t> Draw(const Distribution& distribution, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> values(static_cast<std::size_t>(n));
  for (auto& value : values) value = distribution.draw(rng);
  return values;
}

std::vector<Distribution> Distributions() {
  return {
      {"Uniform1usTo10s",
       [](std::mt19937_64& rng) {
         return std::uniform_int_distribution<std::int64_t>(1'000, 10'000'000'000)(rng);
       }},
      {"LogNormalAround1ms",
       [](std::mt19937_64& rng) {
         return std::llround(std::lognormal_distribution<double>(std::log(1e6), 1.0)(rng));
       }},
      {"ExponentialMean5ms",
       [](std::mt19937_64& rng) {
         return std::llround(std::exponential_distribution<double>(1.0 / 5e6)(rng));
       }},
      {"LogUniform1nsTo1h",
       [](std::mt19937_64& rng) {
         const double exponent =
             std::uniform_real_distribution<double>(0.0, std::log(static_cast<double>(kHour)))(rng);
         return std::clamp<std::int64_t>(std::llround(std::exp(exponent)), 1, kHour);
       }},
      {"SmallExactValues",
       [](std::mt19937_64& rng) {
         return std::uniform_int_distribution<std::int64_t>(0, 3000)(rng);
       }},
      {"Constant", [](std::mt19937_64&) { return std::int64_t{123'456'789}; }},
  };
}

class HistogramDistributionTest : public testing::TestWithParam<Distribution> {
 protected:
  void SetUp() override {
    values_ = Draw(GetParam(), 100'000, /*seed=*/20240611);
    histogram_ = FromValues(values_);
    sorted_ = values_;
    std::sort(sorted_.begin(), sorted_.end());
  }

  std::vector<std::int64_t> values_;
  std::vector<std::int64_t> sorted_;
  Histogram histogram_ = Histogram::ForDurations();
};

TEST_P(HistogramDistributionTest, PercentilesWithinThreeDigitsOfExactNearestRank) {
  const auto n = static_cast<std::int64_t>(sorted_.size());
  for (std::int64_t hundredths : kPercentileHundredths) {
    const double p = static_cast<double>(hundredths) / 100.0;
    const std::int64_t exact = sorted_[static_cast<std::size_t>(ExactRank(hundredths, n) - 1)];
    const std::int64_t got = histogram_.ValueAtPercentile(p);
    SCOPED_TRACE(testing::Message() << "p" << p << " exact " << exact << " got " << got);
    EXPECT_GE(got, histogram_.LowestEquivalent(exact));
    EXPECT_LE(got, histogram_.HighestEquivalent(exact));
    EXPECT_LE(std::abs(static_cast<double>(got - exact)), static_cast<double>(exact) / 1024.0);
  }
  EXPECT_EQ(histogram_.ValueAtPercentile(0), sorted_.front());
  EXPECT_EQ(histogram_.ValueAtPercentile(100), sorted_.back());
}

TEST_P(HistogramDistributionTest, MinMaxMeanExactStdevWithinPrecision) {
  EXPECT_EQ(histogram_.count(), static_cast<std::int64_t>(values_.size()));
  EXPECT_EQ(histogram_.min(), sorted_.front());
  EXPECT_EQ(histogram_.max(), sorted_.back());
  EXPECT_EQ(histogram_.clamped(), 0);

  long double sum = 0;
  for (auto value : values_) sum += static_cast<long double>(value);
  const long double mean = sum / static_cast<long double>(values_.size());
  // The sum is accumulated in doubles, so past 2^53 it is exact only to double rounding.
  EXPECT_NEAR(histogram_.Mean(), static_cast<double>(mean), static_cast<double>(mean) * 1e-12);

  long double squares = 0;
  for (auto value : values_) {
    squares += (static_cast<long double>(value) - mean) * (static_cast<long double>(value) - mean);
  }
  const double stdev =
      static_cast<double>(std::sqrt(squares / static_cast<long double>(values_.size())));
  if (stdev == 0) {
    EXPECT_EQ(histogram_.Stdev(), 0.0);
  } else {
    EXPECT_NEAR(histogram_.Stdev(), stdev, stdev * 1e-3);
  }
}

TEST_P(HistogramDistributionTest, MergeEqualsHistogramOfTheUnion) {
  const auto third = values_.size() / 3;
  const std::vector<std::int64_t> a_values(values_.begin(), values_.begin() + third);
  const std::vector<std::int64_t> b_values(values_.begin() + third, values_.begin() + 2 * third);
  const std::vector<std::int64_t> c_values(values_.begin() + 2 * third, values_.end());
  const Histogram a = FromValues(a_values);
  const Histogram b = FromValues(b_values);
  const Histogram c = FromValues(c_values);

  Histogram ab = a;
  ab.Merge(b);
  std::vector<std::int64_t> ab_values = a_values;
  ab_values.insert(ab_values.end(), b_values.begin(), b_values.end());
  const Histogram ab_union = FromValues(ab_values);
  EXPECT_EQ(ab, ab_union);
  EXPECT_EQ(ab.count(), ab_union.count());
  EXPECT_EQ(ab.min(), ab_union.min());
  EXPECT_EQ(ab.max(), ab_union.max());
  EXPECT_DOUBLE_EQ(ab.Mean(), ab_union.Mean());
  for (std::int64_t hundredths : kPercentileHundredths) {
    const double p = static_cast<double>(hundredths) / 100.0;
    EXPECT_EQ(ab.ValueAtPercentile(p), ab_union.ValueAtPercentile(p)) << "p" << p;
  }

  // (a + b) + c == a + (b + c) == the histogram of everything.
  Histogram left = ab;
  left.Merge(c);
  Histogram bc = b;
  bc.Merge(c);
  Histogram right = a;
  right.Merge(bc);
  EXPECT_EQ(left, right);
  EXPECT_EQ(left, histogram_);
  for (std::int64_t hundredths : kPercentileHundredths) {
    const double p = static_cast<double>(hundredths) / 100.0;
    EXPECT_EQ(left.ValueAtPercentile(p), histogram_.ValueAtPercentile(p)) << "p" << p;
    EXPECT_EQ(right.ValueAtPercentile(p), histogram_.ValueAtPercentile(p)) << "p" << p;
  }
}

TEST_P(HistogramDistributionTest, NonZeroBucketsRestoreRoundTrip) {
  Histogram restored = Histogram::ForDurations();
  ASSERT_TRUE(restored.Restore(histogram_.NonZeroBuckets(), histogram_.min(), histogram_.max(),
                               histogram_.sum()));
  EXPECT_EQ(restored, histogram_);
  EXPECT_EQ(restored.count(), histogram_.count());
  EXPECT_EQ(restored.Mean(), histogram_.Mean());
  EXPECT_EQ(restored.Stdev(), histogram_.Stdev());
  for (std::int64_t hundredths : kPercentileHundredths) {
    const double p = static_cast<double>(hundredths) / 100.0;
    EXPECT_EQ(restored.ValueAtPercentile(p), histogram_.ValueAtPercentile(p)) << "p" << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Distributions, HistogramDistributionTest,
                         testing::ValuesIn(Distributions()),
                         [](const testing::TestParamInfo<Distribution>& info) {
                           return info.param.name;
                         });

// p99.9 of 1e8 values used to read rank 99'900'001: 99.9/100 * 1e8 is 99900000.00000001 in
// doubles, and the fixed 1e-9 epsilon is lost at that magnitude.
TEST(HistogramTest, LargeCountsUseTheExactNearestRank) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(1'000, 99'900'000);
  histogram.Record(1'000'000, 100'000);
  EXPECT_EQ(histogram.ValueAtPercentile(99.9), 1'000);
  EXPECT_EQ(histogram.ValueAtPercentile(99.91), 1'000'000);

  // In general: with exactly ExactRank(p, n) values at 1 and the rest at 2, p must read 1; with
  // one fewer at 1, p must read 2.
  for (std::int64_t n : {std::int64_t{1'000}, std::int64_t{30'000'000}, std::int64_t{100'000'000},
                         std::int64_t{1'000'000'000}, std::int64_t{1'000'000'000'000},
                         std::int64_t{1} << 40, (std::int64_t{1} << 40) + 9'999}) {
    for (std::int64_t hundredths : kPercentileHundredths) {
      const std::int64_t rank = ExactRank(hundredths, n);
      const double p = static_cast<double>(hundredths) / 100.0;
      Histogram at_rank = Histogram::ForCounts();
      at_rank.Record(1, rank);
      at_rank.Record(2, n - rank);
      EXPECT_EQ(at_rank.ValueAtPercentile(p), 1) << "n " << n << " p" << p;
      Histogram below_rank = Histogram::ForCounts();
      below_rank.Record(1, rank - 1);
      below_rank.Record(2, n - rank + 1);
      EXPECT_EQ(below_rank.ValueAtPercentile(p), 2) << "n " << n << " p" << p;
    }
  }
}

// p0 used to report the highest equivalent of the min's bucket (82559 for a min of 82499).
TEST(HistogramTest, PercentileZeroIsTheExactMin) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(82'499);
  histogram.Record(90'000, 1'000);
  EXPECT_EQ(histogram.ValueAtPercentile(0), 82'499);
  EXPECT_EQ(histogram.ValueAtPercentile(0.05), 82'499);  // rank 1 of 1001
  EXPECT_EQ(histogram.ValueAtPercentile(0.1), 90'000);   // rank 2, clamped to max
  EXPECT_EQ(histogram.ValueAtPercentile(100), 90'000);
}

TEST(HistogramTest, PercentileOutsideZeroToHundredClamps) {
  Histogram histogram = Histogram::ForDurations();
  for (std::int64_t value : {5, 10, 15}) histogram.Record(value);
  EXPECT_EQ(histogram.ValueAtPercentile(-10), 5);
  EXPECT_EQ(histogram.ValueAtPercentile(250), 15);
  EXPECT_EQ(histogram.ValueAtPercentile(std::numeric_limits<double>::infinity()), 15);
  EXPECT_EQ(histogram.ValueAtPercentile(-std::numeric_limits<double>::infinity()), 5);
  EXPECT_EQ(histogram.ValueAtPercentile(std::numeric_limits<double>::quiet_NaN()), 5);  // was UB
}

TEST(HistogramTest, MergeWithEmpty) {
  Histogram a = Histogram::ForDurations();
  for (std::int64_t value : {3'000, 40'000, 5'000'000}) a.Record(value);
  const Histogram empty = Histogram::ForDurations();

  Histogram a_plus_empty = a;
  a_plus_empty.Merge(empty);
  EXPECT_EQ(a_plus_empty, a);

  Histogram empty_plus_a = empty;
  empty_plus_a.Merge(a);
  EXPECT_EQ(empty_plus_a, a);
  EXPECT_EQ(empty_plus_a.min(), 3'000);
  EXPECT_EQ(empty_plus_a.max(), 5'000'000);

  // An emptied histogram (buckets allocated, all zero) merges like a fresh one.
  Histogram reset = a;
  reset.Reset();
  reset.Merge(a);
  EXPECT_EQ(reset, a);
  EXPECT_EQ(reset.min(), 3'000);

  Histogram both_empty = empty;
  both_empty.Merge(empty);
  EXPECT_TRUE(both_empty.empty());
  EXPECT_EQ(both_empty, empty);
}

TEST(HistogramTest, MergeAddsClampedAndRejectsAnotherConfig) {
  Histogram a = Histogram::ForDurations();
  a.Record(2 * kHour, 3);
  Histogram b = Histogram::ForDurations();
  b.Record(5 * kHour);
  a.Merge(b);
  EXPECT_EQ(a.clamped(), 4);

  Histogram counts = Histogram::ForCounts();
  counts.Record(1);
  EXPECT_THROW(a.Merge(counts), std::invalid_argument);
}

TEST(HistogramTest, ClampsAboveHighestAndBelowZero) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(kHour);  // the highest value itself is not clamped
  EXPECT_EQ(histogram.clamped(), 0);
  histogram.Record(2 * kHour);
  histogram.Record(std::numeric_limits<std::int64_t>::max(), 5);
  EXPECT_EQ(histogram.clamped(), 6);
  EXPECT_EQ(histogram.count(), 7);
  EXPECT_EQ(histogram.max(), kHour);
  EXPECT_EQ(histogram.ValueAtPercentile(100), kHour);
  EXPECT_DOUBLE_EQ(histogram.Mean(), static_cast<double>(kHour));

  histogram.Record(-5);
  histogram.Record(std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(histogram.clamped(), 6);  // negatives are read as 0, not counted as clamped
  EXPECT_EQ(histogram.count(), 9);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.ValueAtPercentile(0), 0);
  EXPECT_EQ(histogram.LowestEquivalent(-5), 0);
}

TEST(HistogramTest, NonPositiveCountsAreIgnored) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(1'000, 0);
  histogram.Record(1'000, -3);
  EXPECT_TRUE(histogram.empty());
  EXPECT_EQ(histogram, Histogram::ForDurations());
}

TEST(HistogramTest, RestoreRejectsOutOfRangeBuckets) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(kHour);
  const auto top = histogram.NonZeroBuckets();
  ASSERT_EQ(top.size(), 1u);
  Histogram restored = Histogram::ForDurations();
  EXPECT_TRUE(restored.Restore(top, kHour, kHour, static_cast<double>(kHour)));
  EXPECT_EQ(restored, histogram);

  EXPECT_FALSE(restored.Restore({{-1, 1}}, 0, 0, 0));
  EXPECT_FALSE(restored.Restore({{std::numeric_limits<std::int32_t>::max(), 1}}, 0, 0, 0));
  EXPECT_FALSE(restored.Restore({{top[0].first, -1}}, kHour, kHour, 0));
  // An index a ForDurations histogram has but a narrower one does not.
  Histogram narrow(Histogram::Config{10'000, 3});
  EXPECT_FALSE(narrow.Restore(top, kHour, kHour, static_cast<double>(kHour)));

  Histogram empty = Histogram::ForDurations();
  EXPECT_TRUE(empty.Restore({}, 0, 0, 0));
  EXPECT_TRUE(empty.empty());
}

TEST(HistogramTest, ForCountsWithCountsUpTo2To40) {
  constexpr std::int64_t kBig = std::int64_t{1} << 40;
  constexpr std::int64_t kHighest = std::int64_t{1} << 50;
  Histogram histogram = Histogram::ForCounts();
  EXPECT_EQ(histogram.config().highest, kHighest);
  histogram.Record(1, kBig);
  histogram.Record(1'000, kBig);
  histogram.Record(kHighest, kBig);
  histogram.Record(kHighest + 1);  // clamped
  EXPECT_EQ(histogram.count(), 3 * kBig + 1);
  EXPECT_EQ(histogram.clamped(), 1);
  EXPECT_EQ(histogram.min(), 1);
  EXPECT_EQ(histogram.max(), kHighest);
  EXPECT_EQ(histogram.ValueAtPercentile(0), 1);
  EXPECT_EQ(histogram.ValueAtPercentile(33), 1);
  EXPECT_EQ(histogram.ValueAtPercentile(50), 1'000);
  EXPECT_EQ(histogram.ValueAtPercentile(66.66), 1'000);
  EXPECT_EQ(histogram.ValueAtPercentile(66.67), kHighest);
  EXPECT_EQ(histogram.ValueAtPercentile(100), kHighest);
  const long double sum = static_cast<long double>(kBig) * (1 + 1'000 + kHighest) + kHighest;
  EXPECT_DOUBLE_EQ(histogram.sum(), static_cast<double>(sum));
  EXPECT_DOUBLE_EQ(histogram.Mean(), static_cast<double>(sum / (3 * kBig + 1)));

  // Large values keep three digits: 2^50 - 1 lies in a bucket narrower than 1/1024 of it.
  const std::int64_t value = kHighest - 1;
  EXPECT_LE(histogram.HighestEquivalent(value) - histogram.LowestEquivalent(value) + 1,
            value / 1024);
}

// The buckets tile [0, highest] without gaps or overlaps; values below 2048 are exact; from
// there on a bucket is at most 1/1024 of its lowest value wide, so any value is within 1/1024
// (< 0.1%, three significant digits) of every value equivalent to it.
TEST(HistogramTest, EquivalenceRangesTileWithBoundedWidth) {
  const Histogram histogram = Histogram::ForDurations();
  std::int64_t lowest = 0;
  std::int64_t previous_width = 1;
  int buckets = 0;
  while (lowest <= kHour) {
    ASSERT_EQ(histogram.LowestEquivalent(lowest), lowest);
    const std::int64_t highest = histogram.HighestEquivalent(lowest);
    const std::int64_t width = highest - lowest + 1;
    ASSERT_GE(width, previous_width) << lowest;
    ASSERT_EQ(width & (width - 1), 0) << "width " << width << " at " << lowest;
    if (lowest < 2048) {
      ASSERT_EQ(width, 1) << lowest;
    } else {
      ASSERT_LE(width * 1024, lowest) << lowest;
    }
    // Every value of the range maps to the same range.
    const std::int64_t middle = lowest + width / 2;
    for (std::int64_t inside : {lowest, middle, highest}) {
      if (inside > kHour) continue;
      ASSERT_EQ(histogram.LowestEquivalent(inside), lowest) << inside;
      ASSERT_EQ(histogram.HighestEquivalent(inside), highest) << inside;
    }
    previous_width = width;
    lowest = highest + 1;  // the next range starts right after this one
    ++buckets;
  }
  EXPECT_GT(buckets, 30'000);
  EXPECT_EQ(histogram.LowestEquivalent(2047), 2047);
  EXPECT_EQ(histogram.HighestEquivalent(2048), 2049);
  EXPECT_EQ(histogram.LowestEquivalent(2049), 2048);
}

TEST(HistogramTest, RelativeWidthHoldsForEverySignificantDigits) {
  for (int digits = 1; digits <= 5; ++digits) {
    const Histogram histogram(Histogram::Config{kHour, digits});
    const double bound = std::pow(10.0, -digits);
    std::mt19937_64 rng(digits);
    for (int i = 0; i < 10'000; ++i) {
      const std::int64_t value = std::uniform_int_distribution<std::int64_t>(1, kHour)(rng);
      const std::int64_t lowest = histogram.LowestEquivalent(value);
      const std::int64_t highest = histogram.HighestEquivalent(value);
      ASSERT_LE(lowest, value);
      ASSERT_GE(highest, value);
      ASSERT_LE(static_cast<double>(highest - lowest), bound * static_cast<double>(value))
          << "digits " << digits << " value " << value;
    }
  }
}

TEST(HistogramTest, BadConfigThrows) {
  EXPECT_THROW(Histogram(Histogram::Config{kHour, 0}), std::invalid_argument);
  EXPECT_THROW(Histogram(Histogram::Config{kHour, 6}), std::invalid_argument);
  EXPECT_THROW(Histogram(Histogram::Config{1, 3}), std::invalid_argument);
  EXPECT_NO_THROW(Histogram(Histogram::Config{std::numeric_limits<std::int64_t>::max(), 3}));
}

TEST(HistogramTest, EmptyReturnsZeroEverywhere) {
  for (const Histogram& histogram : {Histogram::ForDurations(), Histogram::ForCounts()}) {
    EXPECT_TRUE(histogram.empty());
    EXPECT_EQ(histogram.count(), 0);
    EXPECT_EQ(histogram.clamped(), 0);
    EXPECT_EQ(histogram.min(), 0);
    EXPECT_EQ(histogram.max(), 0);
    EXPECT_EQ(histogram.Mean(), 0.0);
    EXPECT_EQ(histogram.Stdev(), 0.0);
    EXPECT_EQ(histogram.sum(), 0.0);
    for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(histogram.ValueAtPercentile(p), 0);
    EXPECT_TRUE(histogram.NonZeroBuckets().empty());
  }

  Histogram reset = Histogram::ForDurations();
  reset.Record(12'345, 7);
  reset.Record(2 * kHour);
  reset.Reset();
  EXPECT_TRUE(reset.empty());
  EXPECT_EQ(reset.clamped(), 0);
  EXPECT_EQ(reset.min(), 0);
  EXPECT_EQ(reset.max(), 0);
  EXPECT_EQ(reset.Mean(), 0.0);
  EXPECT_EQ(reset.Stdev(), 0.0);
  EXPECT_EQ(reset.ValueAtPercentile(99), 0);
  EXPECT_EQ(reset, Histogram::ForDurations());
}

TEST(HistogramTest, SingleValue) {
  Histogram histogram = Histogram::ForDurations();
  histogram.Record(123'456'789);
  for (std::int64_t hundredths : kPercentileHundredths) {
    EXPECT_EQ(histogram.ValueAtPercentile(static_cast<double>(hundredths) / 100.0), 123'456'789);
  }
  EXPECT_EQ(histogram.Stdev(), 0.0);
  EXPECT_EQ(histogram.Mean(), 123'456'789.0);
}

}  // namespace
}  // namespace stampede::stats
