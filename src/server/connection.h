// One accepted TCP connection of the mock server: reads HTTP/1.1 requests one after another
// (keep-alive, pipelining), hands each to the router, and owns the socket and the one timer
// that every wait on this connection uses. Lives on one worker's io_context; not thread-safe.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <span>

#include "asio/awaitable.h"
#include "server/server_state.h"

namespace stampede::server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, RouteContext& context);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves requests until the client leaves, a response ends with Connection: close, or
  // Close() is called. Never throws for network outcomes.
  boost::asio::awaitable<void> Serve();

  // Closes the socket and cancels the timer; every pending and later operation fails promptly.
  // Used on server stop and when the client is gone.
  void Close();
  // Closes the connection if it waits for a request (not in the middle of one): for draining.
  void CloseIfIdle() {
    if (awaiting_request_) Close();
  }
  bool is_open() const { return !closed_; }

  // The primitives a Responder builds a response from. Both return an error once the
  // connection is closed; a write error closes it.
  boost::asio::awaitable<boost::system::error_code> Write(
      std::span<const boost::asio::const_buffer> buffers);
  boost::asio::awaitable<boost::system::error_code> WaitUntil(
      std::chrono::steady_clock::time_point deadline);

  // Notices a client that goes away while a stream sits between events, instead of only at the
  // next write (which may be many seconds later, and the first write after a close succeeds).
  void WatchForDisconnect();

  // For a route that switches protocols (a WebSocket upgrade): the socket and the bytes received
  // past the request, which the route reads and writes itself from then on. The connection still
  // owns both, so Close() (server stop) ends the route's I/O too; it closes when the route ends.
  boost::asio::ip::tcp::socket& upgraded_socket() { return socket_; }
  boost::beast::flat_buffer& unparsed_bytes() { return buffer_; }

 private:
  // Closes the connection unless the request (or its next part) arrives within `timeout`.
  void ArmRequestDeadline(std::chrono::milliseconds timeout);
  void CloseGracefully();

  boost::asio::ip::tcp::socket socket_;
  RouteContext& context_;
  boost::asio::steady_timer timer_;
  // Holds only what was received and not yet parsed; shrunk to nothing between requests so an
  // idle stream costs no buffer.
  boost::beast::flat_buffer buffer_;
  bool closed_ = false;
  bool awaiting_request_ = false;
  bool watching_ = false;
};

}  // namespace stampede::server
