#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace stampede::server {
namespace {

// Refill as elapsed * per_minute / minute rather than elapsed * (a per-nanosecond rate): whole
// seconds at whole-number limits then refill whole tokens exactly, with no rounding residue
// that would let the 61st request of a minute in early or keep it out late.
constexpr double kMinuteNanos = static_cast<double>(core::kMinute);
// Tolerance for the sum of many fractional refills.
constexpr double kEpsilon = 1e-9;

}  // namespace

RateLimiter::RateLimiter(double per_minute, core::Nanos now)
    : per_minute_(per_minute > 0 ? per_minute : 0), tokens_(per_minute_), refilled_at_(now) {}

void RateLimiter::Refill(core::Nanos now) {
  // A caller whose clock reading predates the last one (threads race to the lock) adds nothing.
  if (now <= refilled_at_) return;
  const double earned = static_cast<double>(now - refilled_at_) * per_minute_ / kMinuteNanos;
  tokens_ = std::min(per_minute_, tokens_ + earned);
  refilled_at_ = now;
}

bool RateLimiter::TryConsume(double amount, core::Nanos now, core::Nanos& retry_after) {
  retry_after = 0;
  if (!enabled()) return true;
  amount = std::clamp(amount, 0.0, per_minute_);
  const std::lock_guard lock(mutex_);
  Refill(now);
  if (tokens_ + kEpsilon >= amount) {
    tokens_ = std::max(0.0, tokens_ - amount);
    return true;
  }
  const double missing = amount - tokens_;
  retry_after = std::max<core::Nanos>(
      1, static_cast<core::Nanos>(std::ceil(missing * kMinuteNanos / per_minute_)));
  return false;
}

double RateLimiter::Available(core::Nanos now) const {
  if (!enabled()) return 0;
  const std::lock_guard lock(mutex_);
  if (now <= refilled_at_) return tokens_;
  const double earned = static_cast<double>(now - refilled_at_) * per_minute_ / kMinuteNanos;
  return std::min(per_minute_, tokens_ + earned);
}

}  // namespace stampede::server
