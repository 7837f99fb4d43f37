// The result model (ARCHITECTURE.md §7): everything a run measured, as plain data. The engine
// builds it; every report (console, JSON, ...) is a formatter over it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/level_stats.h"

namespace stampede::stats {

// One sample of the per-second time series of a level. Counts are for the interval that ends at
// `t`; `active` is the number of users in a request at `t`.
struct TimePoint {
  double t = 0;  // seconds since the level started
  std::int64_t active = 0;
  std::int64_t requests = 0;
  std::int64_t failed = 0;
  std::int64_t events = 0;
  std::int64_t bytes = 0;
  std::int64_t ttfe_p50 = 0;  // ns, of first events seen in the interval (all requests)
  std::int64_t ttfe_p95 = 0;
};

// One request step of the scenario within a level (a row of the per-step table).
struct StepResult {
  std::string name;
  LevelStats stats;
};

// The open model's arrivals in a level: how many were due, started, dropped because
// max_in_flight iterations were running, and how late they started.
struct ArrivalStats {
  std::int64_t intended = 0;
  std::int64_t started = 0;
  std::int64_t dropped = 0;
  std::int64_t late = 0;  // started more than 1 ms after their intended time
  Histogram lateness = Histogram::ForDurations();

  void Merge(const ArrivalStats& other) {
    intended += other.intended;
    started += other.started;
    dropped += other.dropped;
    late += other.late;
    lateness.Merge(other.lateness);
  }
};

struct LevelResult {
  int index = 0;
  std::int64_t users = 0;  // closed model
  double rate = 0;         // open model: arrivals per second (users is 0)
  ArrivalStats arrivals;   // open model
  double started_at = 0;   // Unix seconds
  double duration = 0;     // seconds, first user started -> last request finished
  bool interrupted = false;
  LevelStats stats;               // every step together
  std::vector<StepResult> steps;  // per request step, in scenario order
  std::vector<TimePoint> series;

  double SuccessRate() const;   // succeeded / requests, 0..1 (0 when no requests)
  double CompleteRate() const;  // completed / requests
  double RequestsPerSecond() const;
};

// How the run was configured, as recorded in the result.
struct RunConfig {
  std::string target;  // URL
  std::string method;
  std::string stream;  // auto | none | chunked | sse
  std::string mode;    // burst | duration | rate
  std::vector<std::int64_t> levels;
  std::vector<double> rates;  // the open model: arrivals per second per level
  std::string arrival;        // poisson | constant
  std::int64_t max_in_flight = 0;
  double duration = 0;  // seconds per level, duration mode
  int threads = 0;
  double connect_timeout = 0;  // seconds
  double ttfb_timeout = 0;
  double idle_timeout = 0;
  double total_timeout = 0;
  std::string expect_status;
  std::int64_t min_chunks = 0;
  std::int64_t min_events = 0;
  std::int64_t min_bytes = 0;
  bool embedded_mock = false;  // the target was the built-in mock (no URL given)
  std::string scenario_file;   // -f FILE, empty for a command-line run
  std::string command_line;
};

// What the live view shows while a level runs.
struct LiveStatus {
  int level_index = 0;  // 0-based
  int level_count = 0;
  std::int64_t users = 0;
  double elapsed = 0;         // seconds since the level started
  std::int64_t active = 0;    // users in a request now
  std::int64_t finished = 0;  // requests judged so far in this level
  std::int64_t failed = 0;
  std::int64_t events = 0;
  std::int64_t ttfe_p95 = -1;  // ns, first events seen so far in the level (-1: none yet)
  bool stopping = false;       // Ctrl-C received, draining
};

struct RunResult {
  static constexpr int kSchemaVersion = 1;
  std::string tool_version;
  double started_at = 0;  // Unix seconds
  double finished_at = 0;
  bool interrupted = false;                // stopped by Ctrl-C before every level ran
  std::int64_t client_peak_rss_bytes = 0;  // the load generator's own peak memory
  RunConfig config;
  std::vector<LevelResult> levels;
};

}  // namespace stampede::stats
