#include "load/user_session.h"

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "load/worker.h"
#include "load/ws_session.h"

namespace stampede::load {

namespace asio = boost::asio;
using boost::system::error_code;
using core::MonotonicNow;
using core::Nanos;

UserSession::UserSession(Worker& worker, std::int64_t user_index, Nanos start_delay,
                         Nanos intended_start)
    : worker_(worker),
      user_index_(user_index),
      user_class_(
          worker.plan().classes[static_cast<std::size_t>(worker.plan().ClassOfUser(user_index))]),
      connection_(worker.io()),
      observer_(scenario::StreamMode::kAuto),
      timer_(worker.io()),
      think_timer_(worker.io()),
      start_delay_(start_delay),
      intended_start_(intended_start) {
  worker_.Register(this);
}

UserSession::~UserSession() { worker_.Unregister(this); }

asio::awaitable<void> UserSession::Run(std::shared_ptr<UserSession> self) {
  co_await self->Pause(self->start_delay_);
  if (self->cancelled_) co_return;
  do {
    co_await self->RunSteps(self->user_class_.steps);
    ++self->iteration_;
    if (self->cancelled_) break;
  } while (self->worker_.may_start_iteration());
  self->connection_.Close();
  self->deadline_ = kNever;
  self->armed_ = kNever;
  self->timer_.cancel();
}

void UserSession::Cancel() {
  cancelled_ = true;
  connection_.Close();
  think_timer_.cancel();
  if (ws_) ws_->Cancel();
}

asio::awaitable<void> UserSession::RunSteps(const std::vector<PlannedStep>& steps) {
  using Kind = scenario::Step::Kind;
  for (const PlannedStep& step : steps) {
    if (cancelled_) co_return;
    switch (step.kind) {
      case Kind::kRequest: {
        const PlannedRequest& request =
            worker_.plan().requests[static_cast<std::size_t>(step.request)];
        const auto& retry = request.spec->retry;
        const Nanos start = MonotonicNow();
        int attempts = 1;
        RequestOutcome outcome = co_await Request(request);
        while (attempts <= retry.max && !outcome.interrupted && !outcome.category.empty() &&
               retry.Matches(outcome.category) && !cancelled_) {
          worker_.RecordRetriedAttempt(request.id, outcome.category, observer_);
          co_await Pause(retry.Backoff(attempts, observer_.retry_after()));
          if (cancelled_) {
            outcome = RequestOutcome{.interrupted = true};
            break;
          }
          ++attempts;
          outcome = co_await Request(request);
        }
        worker_.Record(request.id, outcome, observer_, attempts, MonotonicNow() - start,
                       intended_start_);
        break;
      }
      case Kind::kThink:
        co_await Think(step.think);
        break;
      case Kind::kLoop:
        for (std::int64_t i = 0; i < step.count && !cancelled_; ++i) co_await RunSteps(step.steps);
        break;
      case Kind::kGroup:
        co_await RunSteps(step.steps);
        break;
      case Kind::kWs:
        co_await RunWs(worker_.plan().requests[static_cast<std::size_t>(step.request)]);
        break;
    }
  }
}

asio::awaitable<void> UserSession::RunWs(const PlannedRequest& step) {
  if (!ws_) ws_ = std::make_unique<WsSession>(worker_);
  scenario::TemplateContext context{user_index_, iteration_, &worker_.random(), nullptr};
  if (const auto& data = worker_.plan().scenario.data) {
    context.row = &data->rows[static_cast<std::size_t>(
        (user_index_ + iteration_) % static_cast<std::int64_t>(data->rows.size()))];
  }
  const Nanos start = MonotonicNow();
  co_await ws_->Run(step, context);
  worker_.RecordWs(step.id, ws_->outcome(), ws_->replies(), MonotonicNow() - start,
                   intended_start_);
}

asio::awaitable<void> UserSession::Think(const scenario::ThinkTime& think) {
  co_await Pause(think.Draw(worker_.random()));
}

asio::awaitable<void> UserSession::Pause(Nanos pause) {
  if (pause <= 0) co_return;
  think_timer_.expires_after(std::chrono::nanoseconds(pause));
  error_code ec;
  co_await think_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void UserSession::SetDeadline(Nanos at, Deadline kind) {
  deadline_ = at;
  deadline_kind_ = kind;
  if (at < armed_) ArmTimer(at);
}

void UserSession::ArmTimer(Nanos at) {
  armed_ = at;
  timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at)));
  timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](error_code ec) {
    if (ec || generation != self->timer_generation_) return;
    self->OnTimer();
  });
}

void UserSession::OnTimer() {
  armed_ = kNever;
  if (deadline_ == kNever) return;
  if (MonotonicNow() >= deadline_) {
    fired_ = deadline_kind_;
    deadline_ = kNever;
    connection_.Close();
  } else {
    ArmTimer(deadline_);
  }
}

std::string UserSession::FailureCategory(const error_code& ec) const {
  if (cancelled_) return {};
  if (fired_ != Deadline::kNone) return std::string(TimeoutCategory(fired_));
  return std::string(TransportCategory(ec));
}

asio::awaitable<error_code> UserSession::OpenConnection(const PlannedRequest& request,
                                                        RequestOutcome& outcome) {
  const RunPlan& plan = worker_.plan();
  const auto& timeouts = request.spec->timeouts;
  const Nanos start = MonotonicNow();
  SetDeadline(start + timeouts.connect, Deadline::kConnect);
  const auto endpoint = static_cast<std::size_t>(request.endpoint);
  error_code ec = co_await connection_.Connect(
      plan.endpoints[endpoint].address, plan.tls[endpoint].get(), plan.endpoints[endpoint].host);
  connected_endpoint_ = request.endpoint;
  if (!ec && fired_ == Deadline::kNone && !cancelled_) {
    outcome.connect = MonotonicNow() - start;
    worker_.OnConnected(request.id, outcome.connect);
  }
  co_return ec;
}

asio::awaitable<RequestOutcome> UserSession::Request(const PlannedRequest& request) {
  const auto& timeouts = request.spec->timeouts;
  RequestOutcome outcome;
  fired_ = Deadline::kNone;
  worker_.OnRequestStarted();
  auto fail = [&](std::string category) {
    deadline_ = kNever;
    connection_.Close();
    if (cancelled_ || category.empty()) {
      outcome.interrupted = true;
    } else {
      outcome.category = std::move(category);
    }
    return outcome;
  };

  // A kept-alive connection the server closed while idle fails on first use without a byte of
  // response; such a request is sent again once on a new connection, as browsers do.
  observer_.SetMode(request.spec->stream);
  const ResponseChecks& checks = *request.checks;
  observer_.SetCapture(checks.needs_headers(), checks.needs_body(), checks.needs_sha256(),
                       checks.needs_md5());
  if (connected_endpoint_ != request.endpoint) connection_.Close();
  for (int attempt = 0;; ++attempt) {
    const bool reused = connection_.is_open();
    if (!reused) {
      if (error_code ec = co_await OpenConnection(request, outcome);
          ec || fired_ != Deadline::kNone) {
        co_return fail(FailureCategory(ec));
      }
    }
    if (cancelled_) co_return fail({});

    const Nanos sent = MonotonicNow();
    const Nanos total_deadline = sent + timeouts.total;
    const auto phase_deadline = [&](Nanos at, Deadline kind) {
      if (at < total_deadline) {
        SetDeadline(at, kind);
      } else {
        SetDeadline(total_deadline, Deadline::kTotal);
      }
    };
    phase_deadline(sent + timeouts.ttfb, Deadline::kTtfb);
    observer_.Begin(sent, request.head);

    std::string_view bytes = request.bytes;
    if (request.templated) {
      const auto& data = worker_.plan().scenario.data;
      scenario::TemplateContext context{user_index_, iteration_, &worker_.random(), nullptr};
      // Each user starts at its own row and moves one row on per iteration.
      if (data) {
        context.row = &data->rows[static_cast<std::size_t>(
            (user_index_ + iteration_) % static_cast<std::int64_t>(data->rows.size()))];
      }
      request.Build(request_bytes_, context);
      bytes = request_bytes_;
    }
    if (error_code ec = co_await connection_.Write(bytes); ec) {
      if (reused && attempt == 0 && !cancelled_ && fired_ == Deadline::kNone) {
        connection_.Close();
        continue;
      }
      co_return fail(FailureCategory(ec));
    }

    std::int64_t seen_events = 0;
    std::int64_t seen_bytes = 0;
    while (true) {
      std::string_view got;
      error_code ec = co_await connection_.Read(worker_.scratch(), got);
      const Nanos now = MonotonicNow();
      if (!got.empty()) {
        const bool first_event_before = observer_.first_event() >= 0;
        if (!observer_.got_first_byte()) {
          phase_deadline(now + timeouts.idle, Deadline::kIdle);
        } else if (now + timeouts.idle < total_deadline) {
          deadline_ = now + timeouts.idle;  // later than the armed timer: a store suffices
        }
        auto consumed = observer_.Feed(got, now);
        worker_.OnProgress(observer_.events() - seen_events, observer_.bytes() - seen_bytes);
        seen_events = observer_.events();
        seen_bytes = observer_.bytes();
        if (!first_event_before && observer_.first_event() >= 0) {
          worker_.OnFirstEvent(observer_.first_event() - sent);
        }
        if (!consumed.ok()) co_return fail(std::string(kProtocol));
        if (observer_.complete()) {
          // Bytes after the response, or a server that will close: do not reuse.
          if (*consumed < got.size() || !observer_.keep_alive()) connection_.Close();
          break;
        }
      }
      if (!ec) continue;
      if (ec == asio::error::eof && !cancelled_ && fired_ == Deadline::kNone) {
        if (observer_.FinishOnEof(now).ok()) {
          connection_.Close();
          break;
        }
        if (reused && attempt == 0 && !observer_.got_first_byte()) break;  // retry below
        co_return fail(std::string(kIncomplete));
      }
      if (reused && attempt == 0 && !observer_.got_first_byte() && !cancelled_ &&
          fired_ == Deadline::kNone && ec != asio::error::operation_aborted) {
        break;  // retry below
      }
      co_return fail(FailureCategory(ec));
    }
    if (!observer_.complete()) {
      connection_.Close();
      continue;  // the retry of a dead kept-alive connection
    }
    deadline_ = kNever;

    outcome.category = request.checks->Judge(observer_);
    co_return outcome;
  }
}

}  // namespace stampede::load
