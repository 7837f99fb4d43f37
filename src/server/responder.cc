#include "server/responder.h"

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

}  // namespace

Responder::Responder(Connection& connection, RouteContext& context, unsigned version,
                     bool keep_alive, TimePoint request_read_at)
    : connection_(connection),
      context_(context),
      version_(version),
      keep_alive_(keep_alive),
      request_read_at_(request_read_at) {}

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

awaitable<error_code> Responder::SendFull(unsigned status, std::string_view content_type,
                                          std::string_view body, std::string_view extra_headers) {
  if (state_ != State::kIdle) co_return boost::asio::error::invalid_argument;
  std::string head;
  head.reserve(160 + extra_headers.size());
  AppendHead(head, status, content_type, extra_headers);
  head.append("Content-Length: ");
  head.append(std::to_string(body.size()));
  head.append("\r\n\r\n");
  const std::array<const_buffer, 2> buffers{buffer(head), buffer(body.data(), body.size())};
  const error_code ec = co_await connection_.Write(buffers);
  state_ = ec ? State::kFailed : State::kFinished;
  co_return ec;
}

awaitable<error_code> Responder::SendStreamHead(unsigned status, std::string_view content_type,
                                                std::string_view extra_headers) {
  if (state_ != State::kIdle) co_return boost::asio::error::invalid_argument;
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
  connection_.WatchForDisconnect();
  co_return ec;
}

awaitable<error_code> Responder::SendChunk(std::string_view first, std::string_view second,
                                           std::string_view third) {
  if (state_ != State::kStreaming) co_return boost::asio::error::invalid_argument;
  const std::size_t size = first.size() + second.size() + third.size();
  if (size == 0) co_return boost::asio::error::invalid_argument;
  std::array<const_buffer, 5> buffers{buffer(first.data(), first.size()),
                                      buffer(second.data(), second.size()),
                                      buffer(third.data(), third.size())};
  if (due_) {
    const auto lateness = std::chrono::steady_clock::now() - *due_;
    context_.metrics.RecordSendLateness(
        std::chrono::duration_cast<std::chrono::nanoseconds>(lateness).count());
    due_.reset();
  }
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
  if (ec) state_ = State::kFailed;
  co_return ec;
}

awaitable<error_code> Responder::SendStreamEnd() {
  if (state_ != State::kStreaming) co_return boost::asio::error::invalid_argument;
  error_code ec;
  if (chunked_) {
    const std::array<const_buffer, 1> buffers{buffer(kLastChunk.data(), kLastChunk.size())};
    ec = co_await connection_.Write(buffers);
  }
  state_ = ec ? State::kFailed : State::kFinished;
  co_return ec;
}

// Not a coroutine itself: handing out the connection's awaitable saves a frame per wait.
awaitable<error_code> Responder::WaitUntil(TimePoint deadline) {
  due_ = deadline;
  return connection_.WaitUntil(deadline);
}

}  // namespace stampede::server
