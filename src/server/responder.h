// Writes one HTTP/1.x response on a Connection: either a complete response with Content-Length,
// or a streamed one (status line and headers at once, then chunks as the route produces them,
// then the end), or a body of known length sent in parts (a download too large to hold). Bytes
// are preformatted and each chunk is one write, so the client sees every chunk at the moment the
// route sends it. HTTP/1.0 clients get a close-delimited body instead of chunked framing
// (RFC 9112 §7: they cannot parse it).
//
// The Responder also applies the request's fault plan (fault_injector.h) to whatever the route
// sends, and counts responses, chunks and bytes in the process's ServerMetrics.
//
// Every call returns an error_code instead of throwing; on error the route should return at
// once. String arguments must stay alive until the call completes: always co_await a call in
// the expression that makes it.
#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "asio/awaitable.h"
#include "server/fault_injector.h"
#include "server/server_metrics.h"
#include "server/server_state.h"

namespace stampede::server {

class Connection;

class Responder {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `version` is the request's (10 or 11); `keep_alive` is what the request asked for.
  Responder(Connection& connection, RouteContext& context, unsigned version, bool keep_alive,
            TimePoint request_read_at);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Set before the route runs: the `route` label of the metrics (ServerMetrics::RouteIndex) and
  // the faults to inject into the response.
  void set_route(std::size_t route) { route_ = route; }
  void SetFaultPlan(FaultPlan plan) { faults_ = FaultInjector(plan); }
  // Counts the request in state.in_progress until the Responder goes; returns the count with it.
  std::int64_t EnterInProgress();
  // Optional, for routes that know it: how many chunks (or body parts) they will send, so a
  // drop, stall or corrupt fault without `fault_after` hits the middle one.
  void ExpectParts(std::uint64_t parts) { faults_.ExpectParts(parts); }

  // A whole response. `extra_headers` are complete header lines, each ending in "\r\n".
  boost::asio::awaitable<boost::system::error_code> SendFull(unsigned status,
                                                             std::string_view content_type,
                                                             std::string_view body,
                                                             std::string_view extra_headers = {});

  // The head of a streamed response, sent at once so the time to first byte is not the time to
  // the first chunk.
  boost::asio::awaitable<boost::system::error_code> SendStreamHead(
      unsigned status, std::string_view content_type, std::string_view extra_headers = {});
  // One chunk made of up to three parts (so a route can frame a payload without copying it).
  // The parts together must not be empty: an empty chunk would end the body.
  boost::asio::awaitable<boost::system::error_code> SendChunk(std::string_view first,
                                                              std::string_view second = {},
                                                              std::string_view third = {});
  boost::asio::awaitable<boost::system::error_code> SendStreamEnd();

  // The head of a response with Content-Length `content_length` whose body follows in parts
  // (SendBodyPart); the response is finished when that many bytes are sent.
  boost::asio::awaitable<boost::system::error_code> SendBodyHead(
      unsigned status, std::string_view content_type, std::uint64_t content_length,
      std::string_view extra_headers = {});
  // The next part of such a body; an error if it would exceed the Content-Length.
  boost::asio::awaitable<boost::system::error_code> SendBodyPart(std::string_view part);

  // Sleeps on the connection's timer; fails early when the connection closes. The next chunk
  // sent is taken as due at `deadline`: how late it starts is recorded as send lateness.
  boost::asio::awaitable<boost::system::error_code> WaitUntil(TimePoint deadline);

  // When the request was parsed: the origin of every delay a route schedules.
  TimePoint request_read_at() const { return request_read_at_; }
  // True once the whole response is written; the connection may then read the next request.
  bool finished() const { return state_ == State::kFinished; }
  bool keep_alive() const { return keep_alive_; }
  // False once the connection is closed (by the client, a fault or the server stopping).
  bool connection_open() const;
  // For a route that takes the connection over (a WebSocket upgrade).
  Connection& connection() { return connection_; }

 private:
  enum class State { kIdle, kStreaming, kBody, kFinished, kFailed };

  void AppendHead(std::string& head, unsigned status, std::string_view content_type,
                  std::string_view extra_headers) const;
  void RecordLateness();
  void StartStream();
  // Applies a drop or stall that just fired; returns the error the route sees.
  boost::asio::awaitable<boost::system::error_code> Cut(FaultInjector::Action action);

  Connection& connection_;
  RouteContext& context_;
  unsigned version_;
  bool keep_alive_;
  bool chunked_ = false;
  bool counted_stream_ = false;
  bool in_progress_ = false;
  State state_ = State::kIdle;
  std::size_t route_ = ServerMetrics::kOtherRoute;
  FaultInjector faults_;
  std::uint64_t body_remaining_ = 0;  // kBody: bytes still owed to the Content-Length
  TimePoint request_read_at_;
  std::optional<TimePoint> due_;  // of the next chunk, set by WaitUntil
  std::array<char, 20> chunk_size_line_{};
};

}  // namespace stampede::server
