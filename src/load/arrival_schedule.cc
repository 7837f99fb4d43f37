#include "load/arrival_schedule.h"

#include <cmath>

namespace stampede::load {

ArrivalSchedule::ArrivalSchedule(double rate, bool poisson, core::Random& random, core::Nanos start)
    : interval_ns_(1e9 / rate), poisson_(poisson), random_(random), start_(start) {}

core::Nanos ArrivalSchedule::Next() {
  if (poisson_) {
    offset_ns_ += random_.Exponential(1.0) * interval_ns_;
  } else if (!first_) {
    offset_ns_ += interval_ns_;
  }
  first_ = false;
  return start_ + static_cast<core::Nanos>(std::llround(offset_ns_));
}

}  // namespace stampede::load
