#include "server/connection.h"

#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

#include "server/request_gate.h"
#include "server/request_parser.h"
#include "server/responder.h"
#include "server/router.h"

namespace stampede::server {
namespace {

namespace http = boost::beast::http;
using boost::asio::awaitable;
using boost::asio::redirect_error;
using boost::asio::use_awaitable;
using boost::system::error_code;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The status that tells the client what was wrong with its request, or 0 when the error is the
// transport's (nothing to answer, the client is gone or went quiet).
unsigned StatusForReadError(error_code ec) {
  if (ec.category() != http::make_error_code(http::error::end_of_stream).category()) return 0;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return 0;
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}

}  // namespace

Connection::Connection(boost::asio::ip::tcp::socket socket, RouteContext& context)
    : socket_(std::move(socket)), context_(context), timer_(socket_.get_executor()) {}

awaitable<void> Connection::Serve() {
  // While the server drains, a finished response is the last one on the connection.
  while (is_open() && !context_.state.draining.load(std::memory_order_relaxed)) {
    const ServerOptions& options = context_.state.options;
    RequestParser parser;
    ApplyRequestLimits(parser, options);
    error_code ec;
    // Between requests a connection may idle for idle_timeout (longer than any sensible think
    // time, so the mock never closes a connection a load test meant to reuse). Once the first
    // byte of a head is here, the whole head must follow within header_timeout: a slowloris
    // client dribbling a byte at a time holds its connection no longer than that.
    if (buffer_.size() == 0) {
      ArmRequestDeadline(options.idle_timeout);
      co_await socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                                  redirect_error(use_awaitable, ec));
    }
    if (!ec) {
      ArmRequestDeadline(options.header_timeout);
      co_await http::async_read_header(socket_, buffer_, parser, redirect_error(use_awaitable, ec));
    }
    if (!ec && !parser.is_done()) {
      ArmRequestDeadline(options.idle_timeout);
      // curl and others wait up to a second for this before sending a body, which would show up
      // as a phantom second of latency in every POST with a large prompt.
      const auto expect = parser.get()[http::field::expect];
      if (parser.get().version() >= 11 && boost::beast::iequals(expect, "100-continue")) {
        const std::array<boost::asio::const_buffer, 1> buffers{
            boost::asio::buffer(kContinue.data(), kContinue.size())};
        ec = co_await Write(buffers);
      }
      if (!ec) {
        co_await http::async_read(socket_, buffer_, parser, redirect_error(use_awaitable, ec));
      }
    }
    awaiting_request_ = false;
    timer_.cancel();
    if (ec) {
      const unsigned status = is_open() ? StatusForReadError(ec) : 0;
      if (status != 0) {
        Responder responder(*this, context_, 11, false, std::chrono::steady_clock::now());
        const std::string body = "bad request: " + ec.message() + "\n";
        co_await responder.SendFull(status, "text/plain", body);
      }
      break;
    }
    const auto request_read_at = std::chrono::steady_clock::now();
    const HttpRequest request = parser.release();
    if (buffer_.size() == 0) buffer_.shrink_to_fit();

    Responder responder(*this, context_, request.version(), request.keep_alive(), request_read_at);
    co_await ServeRequest(request, responder, context_);
    if (!responder.finished() || !responder.keep_alive()) break;
  }
  CloseGracefully();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

void Connection::CloseGracefully() {
  if (closed_) return;
  // Sending FIN before close lets the client read the end of the last response even if it has
  // unread bytes of ours in flight.
  error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  Close();
}

awaitable<error_code> Connection::Write(std::span<const boost::asio::const_buffer> buffers) {
  if (!is_open()) co_return boost::asio::error::operation_aborted;
  error_code ec;
  co_await boost::asio::async_write(socket_, buffers, redirect_error(use_awaitable, ec));
  if (ec) Close();
  co_return ec;
}

awaitable<error_code> Connection::WaitUntil(std::chrono::steady_clock::time_point deadline) {
  if (!is_open()) co_return boost::asio::error::operation_aborted;
  timer_.expires_at(deadline);
  error_code ec;
  co_await timer_.async_wait(redirect_error(use_awaitable, ec));
  if (!ec && !is_open()) ec = boost::asio::error::operation_aborted;
  co_return ec;
}

void Connection::ArmRequestDeadline(std::chrono::milliseconds timeout) {
  awaiting_request_ = true;
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    // The expiry check rejects a stale completion that was already queued when the request
    // arrived and the next wait began.
    if (!ec && self->awaiting_request_ &&
        self->timer_.expiry() <= std::chrono::steady_clock::now()) {
      self->Close();
    }
  });
}

void Connection::WatchForDisconnect() {
  if (watching_ || closed_) return;
  watching_ = true;
  socket_.async_wait(
      boost::asio::ip::tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
        self->watching_ = false;
        if (self->closed_ || ec == boost::asio::error::operation_aborted) return;
        if (ec) {
          self->Close();
          return;
        }
        // Peek so a pipelined request stays in the socket for the next read.
        char byte = 0;
        const ssize_t received =
            ::recv(self->socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (received == 0 ||
            (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          self->Close();
        }
      });
}

}  // namespace stampede::server
