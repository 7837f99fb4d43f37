// A token bucket for the mock's --rpm and --tpm limits: it holds up to `per_minute` tokens,
// refills continuously at per_minute / 60 per second and starts full, so a burst of a whole
// minute's allowance passes at once and then requests pass at the refill rate. Sans-I/O (the
// caller passes the time) and thread-safe: every worker of the process shares one.
#pragma once

#include <mutex>

#include "core/time.h"

namespace stampede::server {

class RateLimiter {
 public:
  // `per_minute` <= 0: no limit, every TryConsume succeeds.
  explicit RateLimiter(double per_minute, core::Nanos now = core::MonotonicNow());

  // Takes `amount` tokens if the bucket holds them. Otherwise takes nothing, returns false and
  // sets `retry_after` to how long until it will (> 0). An amount larger than the bucket waits
  // for a full bucket and empties it, so an oversized request is slowed, never refused forever.
  bool TryConsume(double amount, core::Nanos now, core::Nanos& retry_after);
  bool TryConsume(double amount, core::Nanos& retry_after) {
    return TryConsume(amount, core::MonotonicNow(), retry_after);
  }

  bool enabled() const { return per_minute_ > 0; }
  double per_minute() const { return per_minute_; }
  // The tokens held at `now` (for tests and diagnostics).
  double Available(core::Nanos now) const;

 private:
  void Refill(core::Nanos now);

  const double per_minute_;
  mutable std::mutex mutex_;
  double tokens_;
  core::Nanos refilled_at_;
};

}  // namespace stampede::server
