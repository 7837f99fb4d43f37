#include "load/worker.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <exception>

#include "load/arrival_schedule.h"
#include "load/user_session.h"
#include "load/ws_session.h"

namespace stampede::load {

namespace asio = boost::asio;

void IntervalSnapshot::Merge(const IntervalSnapshot& other) {
  requests += other.requests;
  failed += other.failed;
  events += other.events;
  bytes += other.bytes;
  in_request += other.in_request;
  ttfe.Merge(other.ttfe);
}

Worker::Worker(int id, const RunPlan& plan)
    : id_(id),
      plan_(plan),
      scratch_(64 * 1024),
      steps_(plan.requests.size()),
      random_(0x5EED0000ULL + static_cast<std::uint64_t>(id)) {}

Worker::~Worker() { Join(); }

void Worker::Start() {
  guard_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
}

void Worker::Join() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    cancelling_ = true;
    for (auto* session : sessions_) session->Cancel();
  });
  guard_.reset();
  thread_.join();
}

void Worker::StartLevel(std::int64_t first_user, std::int64_t stride, std::int64_t users,
                        core::Nanos level_end, core::Nanos ramp, std::int64_t level_users) {
  active_users_.fetch_add(users, std::memory_order_acq_rel);
  asio::post(io_, [this, first_user, stride, users, level_end, ramp, level_users] {
    level_end_ = level_end;
    burst_ = level_end == 0;
    stopping_ = false;
    cancelling_ = false;
    for (std::int64_t i = 0; i < users; ++i) {
      const std::int64_t user = first_user + i * stride;
      const core::Nanos delay =
          ramp > 0 && level_users > 0
              ? static_cast<core::Nanos>(static_cast<double>(ramp) * static_cast<double>(user) /
                                         static_cast<double>(level_users))
              : 0;
      auto session = std::make_shared<UserSession>(*this, user, delay);
      asio::co_spawn(io_, UserSession::Run(std::move(session)), [this](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            std::fprintf(stderr, "stampede: worker %d: user failed unexpectedly: %s\n", id_,
                         e.what());
          }
        }
        OnUserFinished();
      });
    }
  });
}

bool Worker::may_start_iteration() const {
  return !stopping_ && !cancelling_ && !burst_ && core::MonotonicNow() < level_end_;
}

void Worker::StopNewWork() {
  asio::post(io_, [this] { stopping_ = true; });
}

void Worker::CancelAll() {
  asio::post(io_, [this] {
    stopping_ = true;
    cancelling_ = true;
    for (auto* session : sessions_) session->Cancel();
  });
}

std::future<IntervalSnapshot> Worker::CollectInterval() {
  auto promise = std::make_shared<std::promise<IntervalSnapshot>>();
  auto future = promise->get_future();
  asio::post(io_, [this, promise] {
    interval_.in_request = in_request_;
    promise->set_value(interval_);
    interval_.requests = interval_.failed = interval_.events = interval_.bytes = 0;
    interval_.ttfe.Reset();
  });
  return future;
}

std::future<WorkerLevelStats> Worker::TakeLevelStats() {
  auto promise = std::make_shared<std::promise<WorkerLevelStats>>();
  auto future = promise->get_future();
  asio::post(io_, [this, promise] {
    promise->set_value(WorkerLevelStats{std::move(steps_), std::move(arrivals_)});
    steps_ = std::vector<stats::LevelStats>(plan_.requests.size());
    arrivals_ = stats::ArrivalStats();
  });
  return future;
}

void Worker::StartArrivals(double rate, bool poisson, core::Nanos start, core::Nanos end,
                           std::int64_t max_in_flight, std::int64_t first_user,
                           std::int64_t stride) {
  // The arrival loop counts as an active user, so the level waits for it to end.
  active_users_.fetch_add(1, std::memory_order_acq_rel);
  asio::post(io_, [this, rate, poisson, start, end, max_in_flight, first_user, stride] {
    level_end_ = end;
    burst_ = true;  // each arrival runs its class's steps once
    stopping_ = false;
    cancelling_ = false;
    asio::co_spawn(io_, ArrivalLoop(rate, poisson, start, end, max_in_flight, first_user, stride),
                   [this](std::exception_ptr error) {
                     if (error) std::fprintf(stderr, "stampede: worker %d: arrivals failed\n", id_);
                     OnUserFinished();
                   });
  });
}

asio::awaitable<void> Worker::ArrivalLoop(double rate, bool poisson, core::Nanos start,
                                          core::Nanos end, std::int64_t max_in_flight,
                                          std::int64_t first_user, std::int64_t stride) {
  ArrivalSchedule schedule(rate, poisson, random_, start);
  asio::steady_timer timer(io_);
  std::int64_t arrival = 0;
  while (!stopping_ && !cancelling_) {
    const core::Nanos intended = schedule.Next();
    if (intended >= end) break;
    timer.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(intended)));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_ || cancelling_) break;
    const core::Nanos lateness = core::MonotonicNow() - intended;
    ++arrivals_.intended;
    arrivals_.lateness.Record(lateness);
    if (lateness > core::kMillisecond) ++arrivals_.late;
    if (static_cast<std::int64_t>(sessions_.size()) >= max_in_flight) {
      ++arrivals_.dropped;
      continue;
    }
    ++arrivals_.started;
    active_users_.fetch_add(1, std::memory_order_acq_rel);
    auto session = std::make_shared<UserSession>(*this, first_user + arrival * stride, 0, intended);
    ++arrival;
    asio::co_spawn(io_, UserSession::Run(std::move(session)), [this](std::exception_ptr error) {
      if (error) std::fprintf(stderr, "stampede: worker %d: user failed unexpectedly\n", id_);
      OnUserFinished();
    });
  }
}

void Worker::OnConnected(int request_id, core::Nanos connect_time) {
  auto& step = steps_[static_cast<std::size_t>(request_id)];
  ++step.connections;
  step[stats::Metric::kConnect].Record(connect_time);
}

void Worker::OnProgress(std::int64_t new_events, std::int64_t new_bytes) {
  interval_.events += new_events;
  interval_.bytes += new_bytes;
}

void Worker::RecordRetriedAttempt(int request_id, const std::string& category,
                                  const ResponseObserver& response) {
  stats::LevelStats& step = steps_[static_cast<std::size_t>(request_id)];
  ++step.attempts;
  ++step.retried_errors[category];
  step.events += response.events();
  step.chunks += response.chunks();
  step.bytes += response.bytes();
}

void Worker::Record(int request_id, const RequestOutcome& outcome, const ResponseObserver& response,
                    int attempts, core::Nanos request_time, core::Nanos intended_start) {
  --in_request_;
  stats::LevelStats& step = steps_[static_cast<std::size_t>(request_id)];
  ++step.attempts;
  if (attempts > 1) ++step.retried;
  // What arrived counts in the totals whatever became of the request.
  step.events += response.events();
  step.chunks += response.chunks();
  step.bytes += response.bytes();
  if (outcome.interrupted) {
    ++step.interrupted;
    return;
  }
  ++step.requests;
  ++interval_.requests;
  if (response.complete()) ++step.completed;
  if (!outcome.category.empty()) {
    ++step.errors[outcome.category];
    ++interval_.failed;
    return;
  }
  ++step.succeeded;
  const auto& planned = plan_.requests[static_cast<std::size_t>(request_id)];
  if (planned.checks->consistent()) {
    std::string variant = std::to_string(response.bytes()) + ":" + response.sha256();
    if (step.body_variants.size() < stats::LevelStats::kMaxBodyVariants ||
        step.body_variants.count(variant)) {
      ++step.body_variants[variant];
    } else {
      ++step.body_variants["other"];
    }
  }
  using stats::Metric;
  step[Metric::kTtfb].Record(response.first_byte() - response.sent());
  if (response.first_event() >= 0) {
    step[Metric::kTtfe].Record(response.first_event() - response.sent());
  }
  step[Metric::kE2e].Record(response.last_byte() - response.sent());
  auto& gaps = step[Metric::kGap];
  for (core::Nanos gap : response.gaps()) gaps.Record(gap);
  step[Metric::kChunks].Record(response.chunks());
  step[Metric::kEvents].Record(response.events());
  step[Metric::kBytes].Record(response.bytes());
  step[Metric::kRequest].Record(request_time);
  if (intended_start >= 0) step[Metric::kIntended].Record(core::MonotonicNow() - intended_start);
}

// The ws step's timings run from the upgrade request: ttfb its response, ttfe the first message,
// e2e the end of the close; `message` is each reply's latency, `send_lateness` the pacing's.
void Worker::RecordWs(int step_id, const WsOutcome& outcome, const WsReplyTracker& replies,
                      core::Nanos step_time, core::Nanos intended_start) {
  --in_request_;
  stats::LevelStats& step = steps_[static_cast<std::size_t>(step_id)];
  ++step.attempts;
  step.events += replies.messages();
  step.bytes += replies.bytes();
  if (outcome.interrupted) {
    ++step.interrupted;
    return;
  }
  ++step.requests;
  ++interval_.requests;
  if (outcome.completed) ++step.completed;
  if (!outcome.category.empty()) {
    ++step.errors[outcome.category];
    ++interval_.failed;
    return;
  }
  ++step.succeeded;
  using stats::Metric;
  const core::Nanos zero = outcome.handshake_sent;
  step[Metric::kTtfb].Record(outcome.handshake_done - zero);
  if (replies.first_message() >= 0) step[Metric::kTtfe].Record(replies.first_message() - zero);
  step[Metric::kE2e].Record(outcome.end - zero);
  auto& gaps = step[Metric::kGap];
  for (core::Nanos gap : replies.gaps()) gaps.Record(gap);
  step[Metric::kEvents].Record(replies.messages());
  step[Metric::kBytes].Record(replies.bytes());
  step[Metric::kRequest].Record(step_time);
  auto& latencies = step[Metric::kMessage];
  for (core::Nanos latency : replies.latencies()) latencies.Record(latency);
  auto& lateness = step[Metric::kSendLateness];
  for (core::Nanos late : outcome.send_lateness) lateness.Record(late);
  if (intended_start >= 0) step[Metric::kIntended].Record(core::MonotonicNow() - intended_start);
}

}  // namespace stampede::load
