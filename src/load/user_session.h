// One simulated user: its connection (kept alive across iterations), its response observer and
// its deadline timer. A user lives on one worker for its whole life.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "asio/awaitable.h"
#include "core/time.h"
#include "load/connection.h"
#include "load/error_category.h"
#include "load/response_observer.h"
#include "load/run_plan.h"

namespace stampede::load {

class Worker;
class WsSession;

// How one request ended. `category` is empty for a success.
struct RequestOutcome {
  bool interrupted = false;
  std::string category;
  core::Nanos connect = -1;  // this request opened a connection that took this long
};

class UserSession : public std::enable_shared_from_this<UserSession> {
 public:
  // The user starts its first iteration `start_delay` after it is created (a ramp).
  // `intended_start` is the open model's intended start of its one iteration (-1: closed).
  UserSession(Worker& worker, std::int64_t user_index, core::Nanos start_delay = 0,
              core::Nanos intended_start = -1);
  ~UserSession();

  // Runs the user's iterations (one in burst mode): its class's steps in order each time.
  static boost::asio::awaitable<void> Run(std::shared_ptr<UserSession> self);
  // Cuts the request in flight (it is counted as interrupted).
  void Cancel();

 private:
  static constexpr core::Nanos kNever = std::numeric_limits<core::Nanos>::max();

  boost::asio::awaitable<void> RunSteps(const std::vector<PlannedStep>& steps);
  boost::asio::awaitable<void> Think(const scenario::ThinkTime& think);
  // Waits (cut short by Cancel).
  boost::asio::awaitable<void> Pause(core::Nanos pause);
  boost::asio::awaitable<RequestOutcome> Request(const PlannedRequest& request);
  // A ws step, on a WebSocket connection of its own (the HTTP connection stays as it is).
  boost::asio::awaitable<void> RunWs(const PlannedRequest& step);
  boost::asio::awaitable<boost::system::error_code> OpenConnection(const PlannedRequest& request,
                                                                   RequestOutcome& outcome);
  // The earliest deadline for the current phase. Moving it later costs one store; the timer
  // finds the new value when it fires.
  void SetDeadline(core::Nanos at, Deadline kind);
  void ArmTimer(core::Nanos at);
  void OnTimer();
  std::string FailureCategory(const boost::system::error_code& ec) const;

  Worker& worker_;
  std::int64_t user_index_;
  const PlannedUserClass& user_class_;
  Connection connection_;
  int connected_endpoint_ = -1;  // the endpoint the open connection goes to
  ResponseObserver observer_;
  boost::asio::steady_timer timer_;        // deadlines
  boost::asio::steady_timer think_timer_;  // think steps
  core::Nanos deadline_ = kNever;
  Deadline deadline_kind_ = Deadline::kNone;
  core::Nanos armed_ = kNever;
  std::uint64_t timer_generation_ = 0;
  Deadline fired_ = Deadline::kNone;
  bool cancelled_ = false;
  std::int64_t iteration_ = 0;
  core::Nanos start_delay_ = 0;
  core::Nanos intended_start_ = -1;
  std::string request_bytes_;      // a templated request, built for this user and iteration
  std::unique_ptr<WsSession> ws_;  // made by the user's first ws step
};

}  // namespace stampede::load
