// One ws step of a user: connect (TCP, TLS for wss), the WebSocket handshake, paced sends
// while a reader coroutine takes every message, the wait for what the step expects, the close.
// It opens its own connection (the user's HTTP connection stays as it is) and runs on the
// user's worker. Every wait has a deadline: connect (timeouts.connect), the handshake
// (timeouts.ttfb) and the whole step (timeouts.total, the step's `timeout`).
#pragma once

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "asio/awaitable.h"
#include "core/time.h"
#include "load/error_category.h"
#include "load/run_plan.h"
#include "load/ws_reply_tracker.h"
#include "scenario/template.h"

namespace stampede::load {

class Worker;

// How a ws step ended, and what it measured (times on the monotonic clock).
struct WsOutcome {
  bool interrupted = false;
  std::string category;             // empty: success
  bool closed_cleanly = false;      // the close handshake completed (whoever started it)
  bool completed = false;           // closed cleanly, or cut by close: abort (whatever the code)
  int close_code = -1;              // the code of the server's close frame (-1: none arrived)
  core::Nanos start = 0;            // the step began (before connecting)
  core::Nanos connect = -1;         // TCP (+ TLS) connect time
  core::Nanos handshake_sent = -1;  // the upgrade request went out: the zero of ttfb, ttfe, e2e
  core::Nanos handshake_done = -1;
  core::Nanos end = -1;  // the connection was closed
  std::vector<core::Nanos> send_lateness;
};

class WsSession {
 public:
  explicit WsSession(Worker& worker);
  ~WsSession();
  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;

  // Runs the ws step `step` (a PlannedRequest whose `ws` is set) for this user's `context`.
  boost::asio::awaitable<void> Run(const PlannedRequest& step,
                                   const scenario::TemplateContext& context);
  // Closes the connection at once; Run ends as interrupted. Safe when nothing runs.
  void Cancel();

  const WsOutcome& outcome() const { return outcome_; }
  const WsReplyTracker& replies() const { return tracker_; }

 private:
  using PlainStream = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using TlsStream =
      boost::beast::websocket::stream<boost::asio::ssl::stream<boost::beast::tcp_stream>>;

  template <class Stream>
  boost::asio::awaitable<void> Converse(Stream& ws, const PlannedRequest& step,
                                        const scenario::TemplateContext& context);
  template <class Stream>
  boost::asio::awaitable<void> ReadMessages(Stream& ws);
  template <class Stream>
  boost::asio::awaitable<void> SendMessages(Stream& ws, const PlannedRequest& step);
  // Waits on `timer` until `at` or until it is cancelled (the reader finished or a message came,
  // Cancel, Abort). Returns at once when `at` has passed.
  boost::asio::awaitable<void> Sleep(boost::asio::steady_timer& timer, core::Nanos at);
  // The socket's deadline for what follows (the earlier of `at` and the step's end); the stream
  // closes the socket when it passes and the operation fails with beast::error::timeout.
  template <class Stream>
  void SetDeadline(Stream& ws, core::Nanos at, Deadline kind);
  // The step's time is over: counted as timeout.total, the socket closed.
  void Expire();
  // Closes the socket (pending operations end) and cancels the waits.
  void Abort();
  // The category of a failed connect, TLS or handshake: interrupted (""), the deadline in
  // force, or the transport's.
  std::string Category(const boost::system::error_code& ec) const;
  // Decides outcome_.category (or interrupted) once the conversation is over.
  void Judge(const scenario::WsSpec& spec, std::int64_t to_send);

  Worker& worker_;
  std::optional<PlainStream> plain_;
  std::optional<TlsStream> tls_;
  boost::asio::steady_timer pace_;  // the sender's wait for the next message's time
  boost::asio::steady_timer wake_;  // woken by the reader: a message came, or it finished
  boost::beast::flat_buffer message_;
  WsReplyTracker tracker_;
  WsOutcome outcome_;
  std::string target_;  // the upgrade request's target, templates expanded

  Deadline deadline_kind_ = Deadline::kNone;
  core::Nanos session_end_ = 0;
  bool cancelled_ = false;
  bool aborted_ = false;  // the socket was closed on purpose (cancel, deadline, close: abort)
  Deadline fired_ = Deadline::kNone;
  bool reader_done_ = false;
  std::exception_ptr reader_exception_;
  boost::system::error_code read_error_;   // how the reader's last read ended
  boost::system::error_code write_error_;  // the first failed write
  boost::system::error_code close_error_;  // our close handshake failed
  bool closing_ = false;                   // we sent the close frame
  bool cut_ = false;                       // close: abort cut the connection
};

}  // namespace stampede::load
