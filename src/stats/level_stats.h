// What the requests of one level produced: counters, the error breakdown and one histogram per
// metric. Each worker fills its own; merging them (and shards, and saved runs) is exact.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "stats/histogram.h"

namespace stampede::stats {

// Latency metrics are nanoseconds; kChunks, kEvents and kBytes are per-request counts.
// Every histogram holds successful requests only (failures are in the error breakdown),
// except kConnect, which holds every connection that was established. ttfb, ttfe, e2e and gap
// are of the attempt that succeeded; kRequest is the request as the user saw it: from its first
// attempt's start (connect included) to the final attempt's last byte, retries and backoff
// included. kIntended (open model only) runs from the intended start of the request's iteration
// to its last byte: coordinated-omission corrected, it includes any wait to start. For ws steps
// only: kMessage is a message sent -> the server's reply to it, kSendLateness how long after its
// scheduled time each paced message went out.
enum class Metric : int {
  kConnect,
  kTtfb,
  kTtfe,
  kE2e,
  kGap,
  kChunks,
  kEvents,
  kBytes,
  kRequest,
  kIntended,
  kMessage,
  kSendLateness
};
inline constexpr int kMetricCount = 12;
inline constexpr std::array<Metric, kMetricCount> kAllMetrics = {
    Metric::kConnect, Metric::kTtfb,     Metric::kTtfe,    Metric::kE2e,
    Metric::kGap,     Metric::kChunks,   Metric::kEvents,  Metric::kBytes,
    Metric::kRequest, Metric::kIntended, Metric::kMessage, Metric::kSendLateness};

// "connect", "ttfb", "ttfe", "e2e", "gap", "chunks", "events", "bytes", "request", "intended",
// "message", "send_lateness".
std::string_view MetricName(Metric metric);
bool IsDuration(Metric metric);

struct LevelStats {
  LevelStats();

  std::int64_t requests = 0;     // finished and judged: succeeded + failed
  std::int64_t succeeded = 0;    // complete, expected status, every check passed
  std::int64_t completed = 0;    // the whole response arrived (whatever its status)
  std::int64_t interrupted = 0;  // cut short by the end of the level or Ctrl-C; not judged
  std::int64_t connections = 0;  // connections established
  std::int64_t attempts = 0;     // attempts sent, retries included (>= requests)
  std::int64_t retried = 0;      // requests that needed more than one attempt
  // Attempts that failed and were retried, by category (not in `errors`: the request went on).
  std::map<std::string, std::int64_t> retried_errors;
  std::int64_t events = 0;  // received, over all requests (failed, interrupted too)
  std::int64_t chunks = 0;
  std::int64_t bytes = 0;  // response body bytes
  // Failed requests by category: "refused", "reset", "timeout.ttfb", "incomplete",
  // "http.503", "check.min_events", ... (docs/result-schema.md lists them all).
  std::map<std::string, std::int64_t> errors;
  std::array<Histogram, kMetricCount> metrics;
  // Successful bodies of a step checked for consistency, by "size:sha256" (at most
  // kMaxBodyVariants; the rest under "other").
  std::map<std::string, std::int64_t> body_variants;
  static constexpr std::size_t kMaxBodyVariants = 64;

  std::int64_t failed() const { return requests - succeeded; }
  Histogram& operator[](Metric metric) { return metrics[static_cast<int>(metric)]; }
  const Histogram& operator[](Metric metric) const { return metrics[static_cast<int>(metric)]; }

  void Merge(const LevelStats& other);
};

}  // namespace stampede::stats
