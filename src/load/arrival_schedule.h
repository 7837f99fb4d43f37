// When the iterations of the open model should start: at a constant rate, or as a Poisson
// process (exponential gaps) with the same mean. Sans-I/O and seeded, so it is tested in
// simulated time; the worker sleeps until each time it hands out.
#pragma once

#include "core/random.h"
#include "core/time.h"

namespace stampede::load {

class ArrivalSchedule {
 public:
  // `rate` in arrivals per second (> 0). The first arrival is at `start` for a constant rate,
  // one exponential gap after it for Poisson.
  ArrivalSchedule(double rate, bool poisson, core::Random& random, core::Nanos start);

  // The intended start of the next arrival.
  core::Nanos Next();

 private:
  double interval_ns_;
  bool poisson_;
  core::Random& random_;
  core::Nanos start_;
  double offset_ns_ = 0;  // from start_, kept fractional so a constant rate never drifts
  bool first_ = true;
};

}  // namespace stampede::load
