// The engine runs a scenario's levels one after another on N workers and collects the result.
// The calling thread is the coordinator: it starts each level, collects the workers' interval
// snapshots once a second for the live view and the time series, and merges their stats.
#pragma once

#include <atomic>
#include <memory>

#include "core/result.h"
#include "scenario/scenario.h"
#include "stats/run_result.h"

namespace stampede::load {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void OnLevelStart(int level_index, int level_count, std::int64_t users) = 0;
  virtual void OnProgress(const stats::LiveStatus& status) = 0;
  virtual void OnLevelEnd(const stats::LevelResult& level) = 0;
};

struct EngineOptions {
  int threads = 0;                                // 0: one per core
  core::Nanos drain = 5 * core::kSecond;          // after the first Ctrl-C, before cancelling
  core::Nanos progress_interval = core::kSecond;  // live view and time-series period
};

class Engine {
 public:
  explicit Engine(EngineOptions options) : options_(options) {}

  // Runs every level. `interrupts` counts Ctrl-Cs: at 1 no new work starts and requests in
  // flight get `drain` to finish; at 2, or when the drain is over, they are cut (interrupted).
  // The result holds every level that ran, the interrupted one included.
  core::Result<stats::RunResult> Run(const scenario::Scenario& scenario, ProgressSink& sink,
                                     const std::atomic<int>& interrupts);

 private:
  EngineOptions options_;
};

}  // namespace stampede::load
