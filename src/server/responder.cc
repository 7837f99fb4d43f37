#include "server/responder.h"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <string>

#include "server/connection.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;
using boost::asio::buffer;
using boost::asio::const_buffer;
using boost::system::error_code;

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
// A stalled response waits in steps of this for the connection to close.
constexpr auto kStallStep = std::chrono::hours(1);

}  // namespace

Responder::Responder(Connection& connection, RouteContext& context, unsigned version,
                     bool keep_alive, TimePoint request_read_at)
    : connection_(connection),
      context_(context),
      version_(version),
      keep_alive_(keep_alive),
      request_read_at_(request_read_at) {}

Responder::~Responder() {
  if (counted_stream_) context_.state.server_metrics.StreamEnded();
  if (in_progress_) context_.state.in_progress.fetch_sub(1, std::memory_order_relaxed);
}

std::int64_t Responder::EnterInProgress() {
  if (in_progress_) return context_.state.in_progress.load(std::memory_order_relaxed);
  in_progress_ = true;
  return context_.state.in_progress.fetch_add(1, std::memory_order_relaxed) + 1;
}

bool Responder::connection_open() const { return connection_.is_open(); }

void Responder::AppendHead(std::string& head, unsigned status, std::string_view content_type,
                           std::string_view extra_headers) const {
  const auto reason =
      boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  head.append("HTTP/1.1 ");
  head.append(std::to_string(status));
  head.push_back(' ');
  head.append(reason.data(), reason.size());
  head.append("\r\nServer: stampede\r\nContent-Type: ");
  head.append(content_type);
  head.append(kCrlf);
  // Persistence is the default in 1.1 and the exception in 1.0, so each says the other case.
  if (version_ >= 11 && !keep_alive_) head.append("Connection: close\r\n");
  if (version_ < 11 && keep_alive_) head.append("Connection: keep-alive\r\n");
  head.append(extra_headers);
}

void Responder::RecordLateness() {
  if (!due_) return;
  const auto lateness = std::chrono::steady_clock::now() - *due_;
  context_.metrics.RecordSendLateness(
      std::chrono::duration_cast<std::chrono::nanoseconds>(lateness).count());
  due_.reset();
}

void Responder::StartStream() {
  connection_.WatchForDisconnect();
  if (!counted_stream_) {
    counted_stream_ = true;
    context_.state.server_metrics.StreamStarted();
  }
}

awaitable<error_code> Responder::Cut(FaultInjector::Action action) {
  context_.state.server_metrics.CountFault(faults_.fired());
  state_ = State::kFailed;
  if (action == FaultInjector::Action::kDrop) {
    // No terminating chunk, no lingering: the client sees the body end mid-stream.
    connection_.Close();
    co_return boost::asio::error::connection_aborted;
  }
  // A stall keeps the connection open, sending nothing, until the client leaves or the server
  // stops (both close the connection, which ends the wait).
  while (connection_.is_open()) {
    co_await connection_.WaitUntil(std::chrono::steady_clock::now() + kStallStep);
  }
  co_return boost::asio::error::operation_aborted;
}

awaitable<error_code> Responder::SendFull(unsigned status, std::string_view content_type,
                                          std::string_view body, std::string_view extra_headers) {
  if (state_ != State::kIdle) co_return boost::asio::error::invalid_argument;
  context_.state.server_metrics.CountResponse(route_, status);
  std::string head;
  head.reserve(160 + extra_headers.size());
  AppendHead(head, status, content_type, extra_headers);
  head.append("Content-Length: ");
  head.append(std::to_string(body.size()));
  head.append("\r\n\r\n");
  const auto action = body.empty() ? FaultInjector::Action::kSend : faults_.ForWholeBody();
  std::string corrupted;
  if (action == FaultInjector::Action::kCorrupt) {
    corrupted.assign(body);
    FaultInjector::Corrupt(corrupted);
    body = corrupted;
    context_.state.server_metrics.CountFault(FaultKind::kCorrupt);
  }
  // A drop or stall sends half the body first, so the client sees a response cut short.
  const bool cut =
      action == FaultInjector::Action::kDrop || action == FaultInjector::Action::kStall;
  const std::string_view sent = cut ? body.substr(0, body.size() / 2) : body;
  const std::array<const_buffer, 2> buffers{buffer(head), buffer(sent.data(), sent.size())};
  const error_code ec = co_await connection_.Write(buffers);
  if (!ec) context_.state.server_metrics.CountBytes(sent.size());
  if (!ec && cut) co_return co_await Cut(action);
  state_ = ec ? State::kFailed : State::kFinished;
  co_return ec;
}

awaitable<error_code> Responder::SendStreamHead(unsigned status, std::string_view content_type,
                                                std::string_view extra_headers) {
  if (state_ != State::kIdle) co_return boost::asio::error::invalid_argument;
  context_.state.server_metrics.CountResponse(route_, status);
  chunked_ = version_ >= 11;
  // Without chunked framing the only way to mark the end of the body is to close.
  if (!chunked_) keep_alive_ = false;
  std::string head;
  head.reserve(160 + extra_headers.size());
  AppendHead(head, status, content_type, extra_headers);
  if (chunked_) head.append("Transfer-Encoding: chunked\r\n");
  head.append(kCrlf);
  const std::array<const_buffer, 1> buffers{buffer(head)};
  const error_code ec = co_await connection_.Write(buffers);
  if (ec) {
    state_ = State::kFailed;
    co_return ec;
  }
  state_ = State::kStreaming;
  StartStream();
  co_return ec;
}

awaitable<error_code> Responder::SendChunk(std::string_view first, std::string_view second,
                                           std::string_view third) {
  if (state_ != State::kStreaming) co_return boost::asio::error::invalid_argument;
  const std::size_t size = first.size() + second.size() + third.size();
  if (size == 0) co_return boost::asio::error::invalid_argument;
  const auto action = faults_.BeforePart();
  if (action == FaultInjector::Action::kDrop || action == FaultInjector::Action::kStall) {
    co_return co_await Cut(action);
  }
  std::string corrupted;
  if (action == FaultInjector::Action::kCorrupt) {
    // The byte flipped is in the largest part: the payload, not the route's framing of it.
    corrupted.reserve(size);
    corrupted.append(first).append(second).append(third);
    std::size_t offset = 0;
    std::size_t length = first.size();
    if (second.size() > length) {
      offset = first.size();
      length = second.size();
    }
    if (third.size() > length) {
      offset = first.size() + second.size();
      length = third.size();
    }
    FaultInjector::Corrupt(std::span<char>(corrupted.data() + offset, length));
    first = corrupted;
    second = {};
    third = {};
    context_.state.server_metrics.CountFault(FaultKind::kCorrupt);
  }
  std::array<const_buffer, 5> buffers{buffer(first.data(), first.size()),
                                      buffer(second.data(), second.size()),
                                      buffer(third.data(), third.size())};
  RecordLateness();
  std::span<const const_buffer> to_write(buffers.data(), 3);
  if (chunked_) {
    char* const begin = chunk_size_line_.data();
    char* end = std::to_chars(begin, begin + chunk_size_line_.size() - 2, size, 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    buffers = {buffer(begin, static_cast<std::size_t>(end - begin)),
               buffer(first.data(), first.size()), buffer(second.data(), second.size()),
               buffer(third.data(), third.size()), buffer(kCrlf.data(), kCrlf.size())};
    to_write = std::span<const const_buffer>(buffers);
  }
  const error_code ec = co_await connection_.Write(to_write);
  if (ec) {
    state_ = State::kFailed;
  } else {
    context_.state.server_metrics.CountEvent(size);
  }
  co_return ec;
}

awaitable<error_code> Responder::SendStreamEnd() {
  if (state_ != State::kStreaming) co_return boost::asio::error::invalid_argument;
  if (const auto action = faults_.BeforeEnd(); action != FaultInjector::Action::kSend) {
    co_return co_await Cut(action);
  }
  error_code ec;
  if (chunked_) {
    const std::array<const_buffer, 1> buffers{buffer(kLastChunk.data(), kLastChunk.size())};
    ec = co_await connection_.Write(buffers);
  }
  state_ = ec ? State::kFailed : State::kFinished;
  co_return ec;
}

awaitable<error_code> Responder::SendBodyHead(unsigned status, std::string_view content_type,
                                              std::uint64_t content_length,
                                              std::string_view extra_headers) {
  if (state_ != State::kIdle) co_return boost::asio::error::invalid_argument;
  context_.state.server_metrics.CountResponse(route_, status);
  std::string head;
  head.reserve(160 + extra_headers.size());
  AppendHead(head, status, content_type, extra_headers);
  head.append("Content-Length: ");
  head.append(std::to_string(content_length));
  head.append("\r\n\r\n");
  const std::array<const_buffer, 1> buffers{buffer(head)};
  const error_code ec = co_await connection_.Write(buffers);
  if (ec) {
    state_ = State::kFailed;
    co_return ec;
  }
  body_remaining_ = content_length;
  state_ = content_length == 0 ? State::kFinished : State::kBody;
  if (state_ == State::kBody) StartStream();
  co_return ec;
}

awaitable<error_code> Responder::SendBodyPart(std::string_view part) {
  if (state_ != State::kBody || part.size() > body_remaining_) {
    co_return boost::asio::error::invalid_argument;
  }
  if (part.empty()) co_return error_code{};
  auto action = faults_.BeforePart();
  // A drop or stall planned past the last part cuts the last part instead: the body must still
  // come up short of its Content-Length.
  if (action == FaultInjector::Action::kSend && part.size() == body_remaining_) {
    action = faults_.BeforeEnd();
  }
  if (action == FaultInjector::Action::kDrop || action == FaultInjector::Action::kStall) {
    co_return co_await Cut(action);
  }
  std::string corrupted;
  if (action == FaultInjector::Action::kCorrupt) {
    corrupted.assign(part);
    FaultInjector::Corrupt(corrupted);
    part = corrupted;
    context_.state.server_metrics.CountFault(FaultKind::kCorrupt);
  }
  RecordLateness();
  const std::array<const_buffer, 1> buffers{buffer(part.data(), part.size())};
  const error_code ec = co_await connection_.Write(buffers);
  if (ec) {
    state_ = State::kFailed;
    co_return ec;
  }
  context_.state.server_metrics.CountBytes(part.size());
  body_remaining_ -= part.size();
  if (body_remaining_ == 0) state_ = State::kFinished;
  co_return ec;
}

// Not a coroutine itself: handing out the connection's awaitable saves a frame per wait.
awaitable<error_code> Responder::WaitUntil(TimePoint deadline) {
  due_ = deadline;
  return connection_.WaitUntil(deadline);
}

}  // namespace stampede::server
