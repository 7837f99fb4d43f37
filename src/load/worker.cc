#include "load/worker.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <exception>

#include "load/user_session.h"

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

Worker::Worker(int id, const RunPlan& plan) : id_(id), plan_(plan), scratch_(64 * 1024) {}

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

void Worker::StartLevel(std::int64_t first_user, std::int64_t users, core::Nanos level_end) {
  active_users_.fetch_add(users, std::memory_order_acq_rel);
  asio::post(io_, [this, first_user, users, level_end] {
    level_end_ = level_end;
    burst_ = level_end == 0;
    stopping_ = false;
    cancelling_ = false;
    for (std::int64_t i = 0; i < users; ++i) {
      auto session = std::make_shared<UserSession>(*this, first_user + i);
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

std::future<stats::LevelStats> Worker::TakeLevelStats() {
  auto promise = std::make_shared<std::promise<stats::LevelStats>>();
  auto future = promise->get_future();
  asio::post(io_, [this, promise] {
    promise->set_value(std::move(level_));
    level_ = stats::LevelStats();
  });
  return future;
}

void Worker::OnConnected(core::Nanos connect_time) {
  ++level_.connections;
  level_[stats::Metric::kConnect].Record(connect_time);
}

void Worker::OnProgress(std::int64_t new_events, std::int64_t new_bytes) {
  interval_.events += new_events;
  interval_.bytes += new_bytes;
}

void Worker::Record(const RequestOutcome& outcome, const ResponseObserver& response) {
  --in_request_;
  // What arrived counts in the totals whatever became of the request.
  level_.events += response.events();
  level_.chunks += response.chunks();
  level_.bytes += response.bytes();
  if (outcome.interrupted) {
    ++level_.interrupted;
    return;
  }
  ++level_.requests;
  ++interval_.requests;
  if (response.complete()) ++level_.completed;
  if (!outcome.category.empty()) {
    ++level_.errors[outcome.category];
    ++interval_.failed;
    return;
  }
  ++level_.succeeded;
  using stats::Metric;
  level_[Metric::kTtfb].Record(response.first_byte() - response.sent());
  if (response.first_event() >= 0) {
    level_[Metric::kTtfe].Record(response.first_event() - response.sent());
  }
  level_[Metric::kE2e].Record(response.last_byte() - response.sent());
  auto& gaps = level_[Metric::kGap];
  for (core::Nanos gap : response.gaps()) gaps.Record(gap);
  level_[Metric::kChunks].Record(response.chunks());
  level_[Metric::kEvents].Record(response.events());
  level_[Metric::kBytes].Record(response.bytes());
}

}  // namespace stampede::load
