#include "load/engine.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "load/run_plan.h"
#include "load/worker.h"

namespace stampede::load {

using core::MonotonicNow;
using core::Nanos;

namespace {

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

IntervalSnapshot CollectAll(std::vector<std::unique_ptr<Worker>>& workers) {
  std::vector<std::future<IntervalSnapshot>> futures;
  for (auto& worker : workers) futures.push_back(worker->CollectInterval());
  IntervalSnapshot merged;
  for (auto& future : futures) merged.Merge(future.get());
  return merged;
}

std::int64_t ActiveUsers(const std::vector<std::unique_ptr<Worker>>& workers) {
  std::int64_t active = 0;
  for (const auto& worker : workers) active += worker->active_users();
  return active;
}

}  // namespace

core::Result<stats::RunResult> Engine::Run(const scenario::Scenario& scenario, ProgressSink& sink,
                                           const std::atomic<int>& interrupts) {
  if (auto valid = scenario::Validate(scenario); !valid) return valid.error();
  auto plan = RunPlan::Build(scenario);
  if (!plan) return plan.error();

  const int threads = ResolveThreads(scenario.threads > 0 ? scenario.threads : options_.threads);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>(i, **plan));
  for (auto& worker : workers) worker->Start();

  stats::RunResult result;
  result.started_at = core::WallNowSeconds();
  const auto& levels = scenario.load.levels;
  const bool burst = scenario.load.mode == scenario::LoadMode::kBurst;
  const bool open_model = scenario.load.mode == scenario::LoadMode::kRate;
  const std::size_t level_count = open_model ? scenario.load.rates.size() : levels.size();

  for (std::size_t index = 0; index < level_count; ++index) {
    if (interrupts.load() > 0) {
      result.interrupted = true;
      break;
    }
    // A cooldown between levels lets the target settle; Ctrl-C cuts it short.
    if (index > 0 && scenario.load.cooldown > 0) {
      const Nanos cooldown_end = MonotonicNow() + scenario.load.cooldown;
      while (MonotonicNow() < cooldown_end && interrupts.load() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (interrupts.load() > 0) {
        result.interrupted = true;
        break;
      }
    }
    const std::int64_t users = open_model ? 0 : levels[index];
    const double rate = open_model ? scenario.load.rates[index] : 0;
    sink.OnLevelStart(static_cast<int>(index), static_cast<int>(level_count), users);

    stats::LevelResult level;
    level.index = static_cast<int>(index);
    level.users = users;
    level.rate = rate;
    level.started_at = core::WallNowSeconds();
    const Nanos start = MonotonicNow();
    const Nanos level_end = burst ? 0 : start + scenario.load.DurationOf(index);

    // Users are dealt round-robin (user u to worker u mod N), so each worker gets an equal
    // share and a ramp starts users on every worker alike.
    // In the open model each worker runs its share of the arrivals (splitting a Poisson process
    // gives Poisson processes).
    for (int w = 0; w < threads; ++w) {
      auto& worker = *workers[static_cast<std::size_t>(w)];
      if (open_model) {
        const std::int64_t max_in_flight = (scenario.load.max_in_flight + threads - 1) / threads;
        worker.StartArrivals(rate / threads, scenario.load.poisson, start, level_end, max_in_flight,
                             w, threads);
        continue;
      }
      const std::int64_t share = users / threads + (w < users % threads ? 1 : 0);
      if (share > 0) {
        worker.StartLevel(w, threads, share, level_end, scenario.load.RampOf(index), users);
      }
    }

    stats::Histogram level_ttfe = stats::Histogram::ForDurations();
    stats::LiveStatus live;
    live.level_index = static_cast<int>(index);
    live.level_count = static_cast<int>(level_count);
    live.users = users;
    Nanos next_tick = start + options_.progress_interval;
    Nanos drain_until = 0;
    bool stop_sent = false;
    bool cancel_sent = false;

    auto record_interval = [&](Nanos now) {
      IntervalSnapshot snapshot = CollectAll(workers);
      level_ttfe.Merge(snapshot.ttfe);
      stats::TimePoint point;
      point.t = static_cast<double>(now - start) / 1e9;
      point.active = snapshot.in_request;
      point.requests = snapshot.requests;
      point.failed = snapshot.failed;
      point.events = snapshot.events;
      point.bytes = snapshot.bytes;
      point.ttfe_p50 = snapshot.ttfe.ValueAtPercentile(50);
      point.ttfe_p95 = snapshot.ttfe.ValueAtPercentile(95);
      level.series.push_back(point);
      live.elapsed = point.t;
      live.active = snapshot.in_request;
      live.finished += snapshot.requests;
      live.failed += snapshot.failed;
      live.events += snapshot.events;
      live.ttfe_p95 = level_ttfe.empty() ? -1 : level_ttfe.ValueAtPercentile(95);
    };

    while (ActiveUsers(workers) > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const Nanos now = MonotonicNow();
      const int interrupt_count = interrupts.load();
      if (interrupt_count > 0 && !stop_sent) {
        for (auto& worker : workers) worker->StopNewWork();
        stop_sent = true;
        live.stopping = true;
        drain_until = now + options_.drain;
        level.interrupted = true;
      }
      const bool graceful_over = !burst && now >= level_end + scenario.load.graceful_stop;
      const bool drain_over = stop_sent && (interrupt_count > 1 || now >= drain_until);
      if (!cancel_sent && (graceful_over || drain_over)) {
        for (auto& worker : workers) worker->CancelAll();
        cancel_sent = true;
      }
      if (now >= next_tick) {
        record_interval(now);
        sink.OnProgress(live);
        next_tick += options_.progress_interval;
      }
    }
    const Nanos end = MonotonicNow();
    record_interval(end);
    level.duration = static_cast<double>(end - start) / 1e9;
    std::vector<std::future<WorkerLevelStats>> futures;
    for (auto& worker : workers) futures.push_back(worker->TakeLevelStats());
    for (const auto& request : (*plan)->requests) level.steps.push_back({request.name, {}});
    for (auto& future : futures) {
      const WorkerLevelStats taken = future.get();
      for (std::size_t i = 0; i < taken.steps.size(); ++i) {
        level.steps[i].stats.Merge(taken.steps[i]);
      }
      level.arrivals.Merge(taken.arrivals);
    }
    // "consistent": every successful body of the step like the most common one; the others
    // fail check.consistent (their timings stay in the histograms).
    for (std::size_t i = 0; i < level.steps.size(); ++i) {
      auto& stats = level.steps[i].stats;
      if (!(*plan)->requests[i].checks->consistent() || stats.body_variants.size() < 2) continue;
      std::int64_t total = 0;
      std::int64_t majority = 0;
      for (const auto& [variant, count] : stats.body_variants) {
        total += count;
        if (variant != "other") majority = std::max(majority, count);
      }
      if (total > majority) {
        stats.errors["check.consistent"] += total - majority;
        stats.succeeded -= total - majority;
      }
    }
    for (const auto& step : level.steps) level.stats.Merge(step.stats);
    sink.OnLevelEnd(level);
    result.levels.push_back(std::move(level));
    if (interrupts.load() > 0) {
      result.interrupted = index + 1 < level_count || result.levels.back().interrupted;
      break;
    }
  }

  for (auto& worker : workers) worker->Join();
  result.finished_at = core::WallNowSeconds();
  return result;
}

}  // namespace stampede::load
