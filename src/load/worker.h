// A worker: one thread, one io_context, the users placed on it, and their recorder. Nothing on
// the hot path is shared with other workers; the coordinator reaches a worker only by posting
// to its io_context (ARCHITECTURE.md §4).
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <future>
#include <optional>
#include <span>
#include <thread>
#include <unordered_set>
#include <vector>

#include "asio/awaitable.h"
#include "core/random.h"
#include "core/time.h"
#include "load/run_plan.h"
#include "stats/histogram.h"
#include "stats/level_stats.h"
#include "stats/run_result.h"

namespace stampede::load {

class UserSession;
class ResponseObserver;
struct RequestOutcome;
struct WsOutcome;
class WsReplyTracker;

// Counts since the previous collection, for the live line and the time series.
struct IntervalSnapshot {
  std::int64_t requests = 0;
  std::int64_t failed = 0;
  std::int64_t events = 0;
  std::int64_t bytes = 0;
  std::int64_t in_request = 0;  // users in a request at collection time
  stats::Histogram ttfe = stats::Histogram::ForDurations();  // first events seen in the interval

  void Merge(const IntervalSnapshot& other);
};

// What a worker hands back at the end of a level.
struct WorkerLevelStats {
  std::vector<stats::LevelStats> steps;  // per request step, in RunPlan::requests order
  stats::ArrivalStats arrivals;          // open model
};

class Worker {
 public:
  Worker(int id, const RunPlan& plan);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Start();
  void Join();

  // --- Called by the coordinator thread.
  // Starts `users` users now. `level_end` is when duration-mode users stop starting
  // iterations; 0 means burst (one iteration each).
  // Starts `users` users now, numbered first_user, first_user + stride, ... With a ramp, user u
  // of the level's `level_users` starts u * ramp / level_users late.
  void StartLevel(std::int64_t first_user, std::int64_t stride, std::int64_t users,
                  core::Nanos level_end, core::Nanos ramp = 0, std::int64_t level_users = 0);
  // No user starts another iteration; requests in flight go on.
  void StopNewWork();
  // Every request in flight is cut and counted as interrupted.
  void CancelAll();
  std::future<IntervalSnapshot> CollectInterval();
  // The level's stats, leaving the worker's empty for the next level.
  std::future<WorkerLevelStats> TakeLevelStats();
  // The open model: from `start` until `end`, iterations arrive at `rate` per second (this
  // worker's share), each run by a new user numbered first_user, first_user + stride, ...;
  // an arrival finding max_in_flight iterations running is dropped.
  void StartArrivals(double rate, bool poisson, core::Nanos start, core::Nanos end,
                     std::int64_t max_in_flight, std::int64_t first_user, std::int64_t stride);
  // Users of the current level that have not finished.
  std::int64_t active_users() const { return active_users_.load(std::memory_order_acquire); }

  // --- Called on the worker's thread by its users.
  const RunPlan& plan() const { return plan_; }
  boost::asio::io_context& io() { return io_; }
  std::span<char> scratch() { return scratch_; }
  bool may_start_iteration() const;
  bool cancelling() const { return cancelling_; }
  void Register(UserSession* session) { sessions_.insert(session); }
  void Unregister(UserSession* session) { sessions_.erase(session); }
  void OnRequestStarted() { ++in_request_; }
  void OnConnected(int request_id, core::Nanos connect_time);
  void OnProgress(std::int64_t new_events, std::int64_t new_bytes);
  void OnFirstEvent(core::Nanos ttfe) { interval_.ttfe.Record(ttfe); }
  // The final attempt of a request: `attempts` in all, `request_time` as the user saw it.
  // `intended_start` is the open model's intended start of the iteration (-1: closed model).
  void Record(int request_id, const RequestOutcome& outcome, const ResponseObserver& response,
              int attempts, core::Nanos request_time, core::Nanos intended_start);
  // An attempt that failed with `category` and will be sent again.
  void RecordRetriedAttempt(int request_id, const std::string& category,
                            const ResponseObserver& response);
  // A ws step that ended: messages received are its events, their bytes its bytes.
  void RecordWs(int step_id, const WsOutcome& outcome, const WsReplyTracker& replies,
                core::Nanos step_time, core::Nanos intended_start);
  core::Random& random() { return random_; }
  void OnUserFinished() { active_users_.fetch_sub(1, std::memory_order_acq_rel); }

 private:
  boost::asio::awaitable<void> ArrivalLoop(double rate, bool poisson, core::Nanos start,
                                           core::Nanos end, std::int64_t max_in_flight,
                                           std::int64_t first_user, std::int64_t stride);

  int id_;
  const RunPlan& plan_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
  std::vector<char> scratch_;

  std::atomic<std::int64_t> active_users_{0};
  core::Nanos level_end_ = 0;
  bool burst_ = true;
  bool stopping_ = false;
  bool cancelling_ = false;
  std::int64_t in_request_ = 0;
  std::unordered_set<UserSession*> sessions_;
  std::vector<stats::LevelStats> steps_;  // per request step
  stats::ArrivalStats arrivals_;
  core::Random random_;
  IntervalSnapshot interval_;
};

}  // namespace stampede::load
