// Time on the monotonic clock as integer nanoseconds, and an injectable Clock for code that
// schedules (so schedulers can be tested in simulated time).
#pragma once

#include <chrono>
#include <cstdint>

namespace stampede::core {

using Nanos = std::int64_t;

inline constexpr Nanos kMicrosecond = 1'000;
inline constexpr Nanos kMillisecond = 1'000'000;
inline constexpr Nanos kSecond = 1'000'000'000;
inline constexpr Nanos kMinute = 60 * kSecond;
inline constexpr Nanos kHour = 60 * kMinute;

// Nanoseconds on the monotonic clock (an arbitrary epoch, the same for every thread).
inline Nanos MonotonicNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Seconds since the Unix epoch with a fractional part, for wall-clock stamps in results.
inline double WallNowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Nanos Now() const = 0;
};

class MonotonicClock final : public Clock {
 public:
  Nanos Now() const override { return MonotonicNow(); }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Nanos start = 0) : now_(start) {}
  Nanos Now() const override { return now_; }
  void Advance(Nanos by) { now_ += by; }
  void Set(Nanos to) { now_ = to; }

 private:
  Nanos now_;
};

}  // namespace stampede::core
