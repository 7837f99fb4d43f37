#include "server/ws_route.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <exception>
#include <string>
#include <utility>

#include "server/asr_session.h"
#include "server/connection.h"
#include "server/prefetched_socket.h"
#include "server/query_params.h"
#include "server/server_metrics.h"

namespace stampede::server {
namespace {

namespace websocket = boost::beast::websocket;
using boost::asio::awaitable;
using boost::asio::redirect_error;
using boost::asio::use_awaitable;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using WebSocket = websocket::stream<PrefetchedSocket>;

constexpr std::string_view kEchoPath = "/ws/echo";
constexpr std::string_view kAsrPath = "/ws/asr";

// A client can send frames far faster than a long delay lets their replies go; past this many
// waiting replies its connection is cut rather than let the queue grow without bound.
constexpr std::size_t kMaxPendingReplies = 10'000;

enum class Session { kEcho, kAsr };

// Owns its strings, so RouteWebSocket can return it after the request's locals are gone.
awaitable<void> SendText(Responder& responder, unsigned status, std::string body,
                         std::string extra_headers) {
  co_await responder.SendFull(status, "text/plain", body, extra_headers);
}

void Configure(WebSocket& ws, const ServerOptions& options) {
  // A 30 s limit on the handshake and the close handshake; an idle client gets a ping after
  // half the idle timeout and is closed if the other half passes without a byte from it.
  auto timeouts = websocket::stream_base::timeout::suggested(boost::beast::role_type::server);
  if (options.idle_timeout.count() > 0) timeouts.idle_timeout = options.idle_timeout;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(boost::beast::http::field::server, "stampede");
  }));
  ws.read_message_max(kWebSocketMessageMax);
}

// Counts the session in the server's active streams while it lives.
class ActiveStream {
 public:
  explicit ActiveStream(ServerMetrics& metrics) : metrics_(metrics) { metrics_.StreamStarted(); }
  ~ActiveStream() { metrics_.StreamEnded(); }
  ActiveStream(const ActiveStream&) = delete;
  ActiveStream& operator=(const ActiveStream&) = delete;

 private:
  ServerMetrics& metrics_;
};

awaitable<void> RunEcho(WebSocket& ws, ServerMetrics& metrics) {
  boost::beast::flat_buffer message;
  for (;;) {
    error_code ec;
    // A close from the client, a protocol violation (answered with its close code by Beast), a
    // timeout or the server stopping all end the read with an error.
    co_await ws.async_read(message, redirect_error(use_awaitable, ec));
    if (ec) co_return;
    ws.text(ws.got_text());
    co_await ws.async_write(message.data(), redirect_error(use_awaitable, ec));
    if (ec) co_return;
    metrics.CountEvent(message.size());
    message.consume(message.size());
  }
}

// What the reading and the sending half of an /ws/asr session share. Both run on the worker's
// thread, so plain fields suffice; the timers are the wake-ups between them.
struct AsrOutbox {
  explicit AsrOutbox(const boost::asio::any_io_executor& executor)
      : wake(executor), joined(executor) {}

  // Due in this order (AsrSession keeps due times ascending). std::deque: push_back keeps the
  // front, which a write in progress refers to, in place.
  std::deque<AsrSession::Reply> replies;
  boost::asio::steady_timer wake;    // the sender sleeps on it while there is nothing to send
  boost::asio::steady_timer joined;  // the reader waits on it for the sender to finish
  bool failed = false;               // the session is over: send nothing more
  bool sender_done = false;
  std::exception_ptr sender_exception;
};

// Sends each reply when it is due, then after the final one closes with 1000. Waits on the
// connection's timer, which Close() cancels, so a server stop ends it at once.
awaitable<void> SendAsrReplies(WebSocket& ws, Connection& connection, AsrOutbox& outbox,
                               RouteContext& context) {
  while (!outbox.failed) {
    error_code ec;
    if (outbox.replies.empty()) {
      outbox.wake.expires_at(Clock::time_point::max());
      co_await outbox.wake.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    const AsrSession::Reply& reply = outbox.replies.front();
    const auto now = Clock::now();
    if (now < reply.due) {
      if (co_await connection.WaitUntil(reply.due)) break;
      continue;
    }
    context.metrics.RecordSendLateness(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - reply.due).count());
    ws.text(true);
    co_await ws.async_write(boost::asio::buffer(reply.json), redirect_error(use_awaitable, ec));
    if (ec) break;
    context.state.server_metrics.CountEvent(reply.json.size());
    const bool final = reply.final;
    outbox.replies.pop_front();
    if (final) {
      co_await ws.async_close(websocket::close_code::normal, redirect_error(use_awaitable, ec));
      break;
    }
  }
  // Done or failed, the session is over: closing ends the reader's read if it still waits.
  outbox.failed = true;
  connection.Close();
}

// Reads frames and schedules their replies while earlier replies wait to be sent: a reply is
// due a delay after its own frame arrived, however the frames and the delay compare.
awaitable<void> RunAsr(WebSocket& ws, Connection& connection, AsrSpec spec, RouteContext& context) {
  const auto executor = co_await boost::asio::this_coro::executor;
  AsrOutbox outbox(executor);
  AsrSession session(spec, context.random);
  // The reader waits for the sender below, so `outbox`, `ws` and `connection` outlive it.
  boost::asio::co_spawn(executor, SendAsrReplies(ws, connection, outbox, context),
                        [&outbox](const std::exception_ptr& exception) {
                          outbox.sender_exception = exception;
                          outbox.sender_done = true;
                          outbox.joined.cancel();
                        });
  boost::beast::flat_buffer message;
  while (!outbox.failed) {
    error_code ec;
    co_await ws.async_read(message, redirect_error(use_awaitable, ec));
    if (ec) {
      // The session is over (a close, a protocol violation, a timeout, a stop): replies still
      // pending have no one to go to, and closing cancels the sender's wait.
      outbox.failed = true;
      connection.Close();
      break;
    }
    const auto arrived = Clock::now();
    bool ended = false;
    if (ws.got_binary()) {
      outbox.replies.push_back(session.OnAudio(message.size(), arrived));
    } else {
      const std::string_view text(static_cast<const char*>(message.data().data()), message.size());
      ended = AsrSession::IsEndMessage(text);
      if (ended) outbox.replies.push_back(session.OnEnd(arrived));
    }
    message.consume(message.size());
    if (outbox.replies.size() > kMaxPendingReplies) {
      outbox.failed = true;
      connection.Close();
      break;
    }
    outbox.wake.cancel();
    // After the end the sender closes; Beast's close reads (and drops) what else comes.
    if (ended) break;
  }
  outbox.wake.cancel();
  outbox.joined.expires_at(Clock::time_point::max());
  while (!outbox.sender_done) {
    error_code ignored;
    co_await outbox.joined.async_wait(redirect_error(use_awaitable, ignored));
  }
  if (outbox.sender_exception) std::rethrow_exception(outbox.sender_exception);
}

awaitable<void> ServeSession(Session kind, AsrSpec spec, const HttpRequest& request,
                             Responder& responder, RouteContext& context) {
  Connection& connection = responder.connection();
  WebSocket ws(connection.upgraded_socket(), connection.unparsed_bytes());
  Configure(ws, context.state.options);
  error_code ec;
  // On a bad handshake (no Sec-WebSocket-Key, a version other than 13) Beast answers it with
  // 400 or 426 itself; the route ends unfinished and the connection closes.
  co_await ws.async_accept(request, redirect_error(use_awaitable, ec));
  if (ec) co_return;
  ServerMetrics& metrics = context.state.server_metrics;
  metrics.CountResponse(ServerMetrics::RouteIndex(kind == Session::kEcho ? kEchoPath : kAsrPath),
                        101);
  const ActiveStream active(metrics);
  if (kind == Session::kEcho) {
    co_await RunEcho(ws, metrics);
  } else {
    co_await RunAsr(ws, connection, spec, context);
  }
}

}  // namespace

bool IsWebSocketPath(std::string_view path) { return path == kEchoPath || path == kAsrPath; }

awaitable<void> RouteWebSocket(std::string_view path, std::string_view query_string,
                               const HttpRequest& request, Responder& responder,
                               RouteContext& context) {
  if (request.method() != boost::beast::http::verb::get) {
    return SendText(responder, 405, "method not allowed: use GET with a WebSocket upgrade\n",
                    "Allow: GET\r\n");
  }
  if (!websocket::is_upgrade(request)) {
    // RFC 9110 §15.5.22: a 426 names the protocol to switch to.
    return SendText(responder, 426,
                    "upgrade required: " + std::string(path) + " is a WebSocket endpoint\n",
                    "Upgrade: websocket\r\n");
  }
  const Session kind = path == kEchoPath ? Session::kEcho : Session::kAsr;
  AsrSpec spec;
  if (kind == Session::kAsr) {
    const QueryParams query = QueryParams::Parse(query_string);
    auto parsed = ParseAsrSpec(RequestKnobs(query, request));
    if (!parsed) return SendText(responder, 400, parsed.error().message + "\n", {});
    spec = *parsed;
  }
  return ServeSession(kind, spec, request, responder, context);
}

}  // namespace stampede::server
