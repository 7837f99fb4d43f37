// A log-linear (HdrHistogram-style) histogram of non-negative integers: every value is kept to
// `significant_digits` decimal digits between 1 and `highest`, merge is exact (counts add), and
// the non-zero buckets serialise compactly. Memory is allocated on the first Record.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace stampede::stats {

class Histogram {
 public:
  struct Config {
    std::int64_t highest = 3'600'000'000'000;  // 1 h in nanoseconds
    int significant_digits = 3;
    friend bool operator==(const Config&, const Config&) = default;
  };

  // Durations in nanoseconds: 3 significant digits from 1 ns (so from 1 µs on, every value is
  // kept to 3 digits) up to 1 hour. Larger values are clamped to 1 hour.
  static Histogram ForDurations() { return Histogram(Config{}); }
  // Counts and sizes (events, chunks, bytes): 3 significant digits up to 2^50.
  static Histogram ForCounts() { return Histogram(Config{std::int64_t{1} << 50, 3}); }

  explicit Histogram(Config config);

  // Values below 0 are recorded as 0, above `highest` as `highest` (and counted in clamped()).
  void Record(std::int64_t value, std::int64_t count = 1);
  // Adds every count of `other`; both must have the same Config.
  void Merge(const Histogram& other);
  void Reset();

  std::int64_t count() const { return total_count_; }
  std::int64_t clamped() const { return clamped_; }
  bool empty() const { return total_count_ == 0; }
  // Exact minimum and maximum of the recorded values; 0 when empty.
  std::int64_t min() const { return total_count_ ? min_ : 0; }
  std::int64_t max() const { return total_count_ ? max_ : 0; }
  // Exact mean of the recorded (clamped) values; 0 when empty.
  double Mean() const;
  // Population standard deviation, from bucket midpoints (within the histogram's precision).
  double Stdev() const;
  // Nearest-rank percentile, p in [0, 100] to six decimal places: the highest value equivalent to
  // the recorded value of rank ceil(p/100 * count) (computed exactly), clamped to [min, max];
  // rank 1 (so p0) is min() exactly and p100 is max(). 0 when empty.
  std::int64_t ValueAtPercentile(double p) const;
  // Sum of recorded values: exact while below 2^53 (104 days of nanoseconds), then within double
  // rounding.
  double sum() const { return sum_; }

  const Config& config() const { return config_; }

  // The non-zero buckets as (bucket index, count), ascending, for serialisation.
  std::vector<std::pair<std::int32_t, std::int64_t>> NonZeroBuckets() const;
  // Rebuilds a histogram from NonZeroBuckets() plus the exact min, max and sum. Returns false if
  // an index is out of range.
  bool Restore(const std::vector<std::pair<std::int32_t, std::int64_t>>& buckets, std::int64_t min,
               std::int64_t max, double sum);

  // The range [lowest, highest] of values that share `value`'s bucket.
  std::int64_t LowestEquivalent(std::int64_t value) const;
  std::int64_t HighestEquivalent(std::int64_t value) const;

  friend bool operator==(const Histogram& a, const Histogram& b);

 private:
  std::int32_t IndexOf(std::int64_t value) const;
  std::int64_t ValueAtIndex(std::int32_t index) const;
  std::int64_t BucketWidthAt(std::int32_t index) const;

  Config config_;
  int sub_bucket_count_magnitude_ = 0;
  int sub_bucket_half_count_magnitude_ = 0;
  std::int64_t sub_bucket_count_ = 0;
  std::int64_t sub_bucket_half_count_ = 0;
  std::int64_t sub_bucket_mask_ = 0;
  int leading_zero_count_base_ = 0;
  std::int32_t counts_length_ = 0;

  std::vector<std::int64_t> counts_;  // empty until the first Record
  std::int64_t total_count_ = 0;
  std::int64_t clamped_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace stampede::stats
