// Writes one HTTP/1.x response on a Connection: either a complete response with Content-Length,
// or a streamed one (status line and headers at once, then chunks as the route produces them,
// then the end). Bytes are preformatted and each chunk is one write, so the client sees every
// chunk at the moment the route sends it. HTTP/1.0 clients get a close-delimited body instead
// of chunked framing (RFC 9112 §7: they cannot parse it).
//
// Every call returns an error_code instead of throwing; on error the route should return at
// once. String arguments must stay alive until the call completes: always co_await a call in
// the expression that makes it.
#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "asio/awaitable.h"
#include "server/server_state.h"

namespace stampede::server {

class Connection;

class Responder {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `version` is the request's (10 or 11); `keep_alive` is what the request asked for.
  Responder(Connection& connection, RouteContext& context, unsigned version, bool keep_alive,
            TimePoint request_read_at);

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

  // Sleeps on the connection's timer; fails early when the connection closes. The next chunk
  // sent is taken as due at `deadline`: how late it starts is recorded as send lateness.
  boost::asio::awaitable<boost::system::error_code> WaitUntil(TimePoint deadline);

  // When the request was parsed: the origin of every delay a route schedules.
  TimePoint request_read_at() const { return request_read_at_; }
  // True once the whole response is written; the connection may then read the next request.
  bool finished() const { return state_ == State::kFinished; }
  bool keep_alive() const { return keep_alive_; }

 private:
  enum class State { kIdle, kStreaming, kFinished, kFailed };

  void AppendHead(std::string& head, unsigned status, std::string_view content_type,
                  std::string_view extra_headers) const;

  Connection& connection_;
  RouteContext& context_;
  unsigned version_;
  bool keep_alive_;
  bool chunked_ = false;
  State state_ = State::kIdle;
  TimePoint request_read_at_;
  std::optional<TimePoint> due_;  // of the next chunk, set by WaitUntil
  std::array<char, 20> chunk_size_line_{};
};

}  // namespace stampede::server
