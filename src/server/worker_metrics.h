// What one worker thread of the mock measures of itself: how late it sends what it scheduled.
// Written on the worker's thread, read by /metrics from another, hence the (uncontended) lock.
#pragma once

#include <mutex>

#include "core/time.h"
#include "stats/histogram.h"

namespace stampede::server {

class WorkerMetrics {
 public:
  // `lateness`: the time a scheduled write started minus the time it was due.
  void RecordSendLateness(core::Nanos lateness) {
    const std::lock_guard lock(mutex_);
    send_lateness_.Record(lateness);
  }
  stats::Histogram SendLateness() const {
    const std::lock_guard lock(mutex_);
    return send_lateness_;
  }

 private:
  mutable std::mutex mutex_;
  stats::Histogram send_lateness_ = stats::Histogram::ForDurations();
};

}  // namespace stampede::server
