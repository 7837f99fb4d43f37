#include "stats/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace stampede::stats {

// The layout follows HdrHistogram with a unit of 1: bucket 0 holds [0, 2·half) at resolution 1,
// and each following bucket doubles both its range and its resolution while keeping `half`
// sub-buckets, so the relative error stays below 1 / half (< 0.1% for 3 digits).
Histogram::Histogram(Config config) : config_(config) {
  if (config_.significant_digits < 1 || config_.significant_digits > 5 || config_.highest < 2) {
    throw std::invalid_argument("Histogram: bad config");
  }
  std::int64_t largest_single_unit = 2;
  for (int i = 0; i < config_.significant_digits; ++i) largest_single_unit *= 10;
  sub_bucket_count_magnitude_ =
      static_cast<int>(std::ceil(std::log2(static_cast<double>(largest_single_unit))));
  sub_bucket_half_count_magnitude_ = sub_bucket_count_magnitude_ - 1;
  sub_bucket_count_ = std::int64_t{1} << sub_bucket_count_magnitude_;
  sub_bucket_half_count_ = sub_bucket_count_ / 2;
  sub_bucket_mask_ = sub_bucket_count_ - 1;
  leading_zero_count_base_ = 64 - sub_bucket_count_magnitude_;

  std::int64_t smallest_untrackable = sub_bucket_count_;
  int bucket_count = 1;
  while (smallest_untrackable <= config_.highest) {
    if (smallest_untrackable > (std::int64_t{1} << 61)) {
      ++bucket_count;
      break;
    }
    smallest_untrackable <<= 1;
    ++bucket_count;
  }
  counts_length_ = static_cast<std::int32_t>((bucket_count + 1) * sub_bucket_half_count_);
}

std::int32_t Histogram::IndexOf(std::int64_t value) const {
  const auto v = static_cast<std::uint64_t>(value | sub_bucket_mask_);
  const int bucket_index = leading_zero_count_base_ - std::countl_zero(v);
  const std::int64_t sub_bucket_index = value >> bucket_index;
  return static_cast<std::int32_t>(
      ((static_cast<std::int64_t>(bucket_index) + 1) << sub_bucket_half_count_magnitude_) +
      (sub_bucket_index - sub_bucket_half_count_));
}

std::int64_t Histogram::ValueAtIndex(std::int32_t index) const {
  int bucket_index = (index >> sub_bucket_half_count_magnitude_) - 1;
  std::int64_t sub_bucket_index = (index & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
  if (bucket_index < 0) {
    sub_bucket_index -= sub_bucket_half_count_;
    bucket_index = 0;
  }
  return sub_bucket_index << bucket_index;
}

std::int64_t Histogram::BucketWidthAt(std::int32_t index) const {
  const int bucket_index = std::max((index >> sub_bucket_half_count_magnitude_) - 1, 0);
  return std::int64_t{1} << bucket_index;
}

std::int64_t Histogram::LowestEquivalent(std::int64_t value) const {
  return ValueAtIndex(IndexOf(std::clamp<std::int64_t>(value, 0, config_.highest)));
}

std::int64_t Histogram::HighestEquivalent(std::int64_t value) const {
  const std::int32_t index = IndexOf(std::clamp<std::int64_t>(value, 0, config_.highest));
  return ValueAtIndex(index) + BucketWidthAt(index) - 1;
}

void Histogram::Record(std::int64_t value, std::int64_t count) {
  if (count <= 0) return;
  if (value < 0) value = 0;
  if (value > config_.highest) {
    value = config_.highest;
    clamped_ += count;
  }
  if (counts_.empty()) counts_.assign(static_cast<std::size_t>(counts_length_), 0);
  counts_[static_cast<std::size_t>(IndexOf(value))] += count;
  if (total_count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  total_count_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

void Histogram::Merge(const Histogram& other) {
  if (!(other.config_ == config_)) throw std::invalid_argument("Histogram::Merge: configs differ");
  if (other.total_count_ == 0) return;
  if (counts_.empty()) counts_.assign(static_cast<std::size_t>(counts_length_), 0);
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (total_count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  total_count_ += other.total_count_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
}

void Histogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_count_ = clamped_ = min_ = max_ = 0;
  sum_ = 0;
}

double Histogram::Mean() const {
  return total_count_ ? sum_ / static_cast<double>(total_count_) : 0.0;
}

double Histogram::Stdev() const {
  if (total_count_ == 0) return 0.0;
  const double mean = Mean();
  double squares = 0;
  for (std::int32_t i = 0; i < counts_length_; ++i) {
    const std::int64_t c = counts_[static_cast<std::size_t>(i)];
    if (c == 0) continue;
    const double lowest = static_cast<double>(ValueAtIndex(i));
    double mid = lowest + static_cast<double>(BucketWidthAt(i) - 1) / 2.0;
    mid = std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    squares += (mid - mean) * (mid - mean) * static_cast<double>(c);
  }
  return std::sqrt(squares / static_cast<double>(total_count_));
}

std::int64_t Histogram::ValueAtPercentile(double p) const {
  if (total_count_ == 0) return 0;
  // ceil(p/100 * count) in doubles can land just above a whole rank and read the next one
  // (99.9/100 * 1e8 = 99900000.00000001), and no fixed epsilon covers every count. So p is read in
  // millionths (p99.9999 is still exact) and the rank computed in integers, with the count split
  // as q·1e8 + r so that no product overflows. NaN reads as 0.
  constexpr std::uint64_t kHundredPercent = 100'000'000;  // in millionths of a percent
  const double clamped_p = std::isnan(p) ? 0.0 : std::clamp(p, 0.0, 100.0);
  const auto millionths = static_cast<std::uint64_t>(std::llround(clamped_p * 1e6));
  const auto count = static_cast<std::uint64_t>(total_count_);
  const std::uint64_t exact_rank =
      millionths * (count / kHundredPercent) +
      (millionths * (count % kHundredPercent) + kHundredPercent - 1) / kHundredPercent;
  const std::int64_t rank =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(exact_rank), 1, total_count_);
  // Rank 1 is the exact min; the highest equivalent of its bucket would report p0 above min().
  if (rank == 1) return min_;
  std::int64_t seen = 0;
  for (std::int32_t i = 0; i < counts_length_; ++i) {
    seen += counts_[static_cast<std::size_t>(i)];
    if (seen >= rank) {
      const std::int64_t highest = ValueAtIndex(i) + BucketWidthAt(i) - 1;
      return std::clamp(highest, min_, max_);
    }
  }
  return max_;
}

std::vector<std::pair<std::int32_t, std::int64_t>> Histogram::NonZeroBuckets() const {
  std::vector<std::pair<std::int32_t, std::int64_t>> buckets;
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(counts_.size()); ++i) {
    if (counts_[static_cast<std::size_t>(i)] != 0) {
      buckets.emplace_back(i, counts_[static_cast<std::size_t>(i)]);
    }
  }
  return buckets;
}

bool Histogram::Restore(const std::vector<std::pair<std::int32_t, std::int64_t>>& buckets,
                        std::int64_t min, std::int64_t max, double sum) {
  Reset();
  for (const auto& [index, count] : buckets) {
    if (index < 0 || index >= counts_length_ || count < 0) return false;
  }
  if (buckets.empty()) return true;
  counts_.assign(static_cast<std::size_t>(counts_length_), 0);
  for (const auto& [index, count] : buckets) {
    counts_[static_cast<std::size_t>(index)] += count;
    total_count_ += count;
  }
  min_ = min;
  max_ = max;
  sum_ = sum;
  return true;
}

bool operator==(const Histogram& a, const Histogram& b) {
  return a.config_ == b.config_ && a.total_count_ == b.total_count_ && a.min_ == b.min_ &&
         a.max_ == b.max_ && a.NonZeroBuckets() == b.NonZeroBuckets();
}

}  // namespace stampede::stats
