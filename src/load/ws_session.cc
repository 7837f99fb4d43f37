#include "load/ws_session.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <type_traits>
#include <utility>
#include <vector>

#include "load/worker.h"
#include "load/ws_send_schedule.h"

namespace stampede::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::redirect_error;
using asio::use_awaitable;
using boost::system::error_code;
using core::MonotonicNow;
using core::Nanos;

namespace {

std::chrono::steady_clock::time_point TimePoint(Nanos at) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at));
}

bool IsWebSocketError(const error_code& ec) {
  return ec.category() == websocket::make_error_code(websocket::error::closed).category();
}

bool IsHttpError(const error_code& ec) {
  return ec.category() ==
         beast::http::make_error_code(beast::http::error::end_of_stream).category();
}

}  // namespace

WsSession::WsSession(Worker& worker) : worker_(worker), pace_(worker.io()), wake_(worker.io()) {}

WsSession::~WsSession() = default;

void WsSession::Cancel() {
  cancelled_ = true;
  Abort();
}

void WsSession::Abort() {
  aborted_ = true;
  if (plain_) beast::get_lowest_layer(*plain_).close();
  if (tls_) beast::get_lowest_layer(*tls_).close();
  pace_.cancel();
  wake_.cancel();
}

void WsSession::Expire() {
  fired_ = Deadline::kTotal;
  Abort();
}

template <class Stream>
void WsSession::SetDeadline(Stream& ws, Nanos at, Deadline kind) {
  if (at >= session_end_) {
    at = session_end_;
    kind = Deadline::kTotal;
  }
  deadline_kind_ = kind;
  beast::get_lowest_layer(ws).expires_at(TimePoint(at));
}

asio::awaitable<void> WsSession::Sleep(asio::steady_timer& timer, Nanos at) {
  if (MonotonicNow() >= at) co_return;
  timer.expires_at(TimePoint(at));
  error_code ignored;
  co_await timer.async_wait(redirect_error(use_awaitable, ignored));
}

std::string WsSession::Category(const error_code& ec) const {
  if (cancelled_) return {};
  if (fired_ != Deadline::kNone) return std::string(TimeoutCategory(fired_));
  if (ec == beast::error::timeout) return std::string(TimeoutCategory(deadline_kind_));
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == beast::http::error::end_of_stream) {
    return std::string(kIncomplete);
  }
  if (IsWebSocketError(ec)) return "ws.handshake.invalid";
  if (IsHttpError(ec)) return std::string(kProtocol);
  return std::string(TransportCategory(ec));
}

asio::awaitable<void> WsSession::Run(const PlannedRequest& step,
                                     const scenario::TemplateContext& context) {
  const scenario::WsSpec& spec = *step.ws;
  worker_.OnRequestStarted();
  cancelled_ = aborted_ = reader_done_ = closing_ = cut_ = false;
  fired_ = deadline_kind_ = Deadline::kNone;
  reader_exception_ = nullptr;
  read_error_ = write_error_ = close_error_ = {};
  message_.clear();
  outcome_.interrupted = false;
  outcome_.category.clear();
  outcome_.closed_cleanly = outcome_.completed = false;
  outcome_.close_code = -1;
  outcome_.connect = outcome_.handshake_sent = outcome_.handshake_done = outcome_.end = -1;
  outcome_.send_lateness.clear();
  const std::int64_t to_send = spec.count + (spec.end.empty() ? 0 : 1);
  tracker_.Reset(to_send, spec.end.empty() ? -1 : spec.count,
                 {spec.expect_messages, spec.expect_final, spec.final_marker});

  outcome_.start = MonotonicNow();
  session_end_ = outcome_.start + step.spec->timeouts.total;
  asio::ssl::context* tls = worker_.plan().tls[static_cast<std::size_t>(step.endpoint)].get();
  if (tls) {
    co_await Converse(tls_.emplace(worker_.io(), *tls), step, context);
  } else {
    co_await Converse(plain_.emplace(worker_.io()), step, context);
  }
  outcome_.end = MonotonicNow();
  // Nothing of the conversation runs any more: free the stream's buffers until the next one.
  plain_.reset();
  tls_.reset();
  if (cancelled_) {
    outcome_.interrupted = true;
    outcome_.category.clear();
  } else if (outcome_.category.empty()) {
    Judge(spec, to_send);
  }
  if (reader_exception_) std::rethrow_exception(reader_exception_);
}

template <class Stream>
asio::awaitable<void> WsSession::Converse(Stream& ws, const PlannedRequest& step,
                                          const scenario::TemplateContext& context) {
  const scenario::RequestSpec& upgrade = *step.spec;
  const Endpoint& endpoint = worker_.plan().endpoints[static_cast<std::size_t>(step.endpoint)];
  auto& tcp = beast::get_lowest_layer(ws);
  error_code ec;

  SetDeadline(ws, outcome_.start + upgrade.timeouts.connect, Deadline::kConnect);
  co_await tcp.async_connect(endpoint.address, redirect_error(use_awaitable, ec));
  if (!ec && !aborted_) {
    tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    ec = {};
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      auto& tls = ws.next_layer();
      // SNI (never for an IP address, RFC 6066 §3) and the name the certificate must carry.
      if (asio::ip::make_address(endpoint.host, ec); ec) {
        SSL_set_tlsext_host_name(tls.native_handle(), endpoint.host.c_str());
      }
      ec = {};
      tls.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
      co_await tls.async_handshake(asio::ssl::stream_base::client,
                                   redirect_error(use_awaitable, ec));
    }
  }
  if (ec || aborted_) {
    outcome_.category = Category(ec);
    co_return;
  }
  outcome_.connect = MonotonicNow() - outcome_.start;
  worker_.OnConnected(step.id, outcome_.connect);

  // The upgrade request, its target and header values expanded for this user and iteration.
  target_ = step.templated ? step.target.Expand(context) : upgrade.url.target;
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(upgrade.headers.size());
  for (std::size_t i = 0; i < upgrade.headers.size(); ++i) {
    headers.emplace_back(upgrade.headers[i].name, step.templated
                                                      ? step.header_values[i].Expand(context)
                                                      : upgrade.headers[i].value);
  }
  ws.set_option(websocket::stream_base::decorator(
      [headers = std::move(headers)](websocket::request_type& request) {
        request.set(beast::http::field::user_agent, "stampede/0.1");
        for (const auto& [name, value] : headers) request.set(name, value);
      }));
  // One message, one frame: what a server sees is what the step says it sends.
  ws.auto_fragment(false);

  outcome_.handshake_sent = MonotonicNow();
  SetDeadline(ws, outcome_.handshake_sent + upgrade.timeouts.ttfb, Deadline::kTtfb);
  websocket::response_type response;
  co_await ws.async_handshake(response, upgrade.url.HostHeader(), target_,
                              redirect_error(use_awaitable, ec));
  if (ec == websocket::error::upgrade_declined && !aborted_) {
    outcome_.category = fmt::format("ws.handshake.{}", response.result_int());
    co_return;
  }
  if (ec || aborted_) {
    outcome_.category = Category(ec);
    co_return;
  }
  outcome_.handshake_done = MonotonicNow();

  // The conversation: the reader takes every message while this coroutine sends, then both
  // are joined below before anything they use goes away.
  SetDeadline(ws, session_end_, Deadline::kTotal);
  asio::co_spawn(worker_.io(), ReadMessages(ws), [this](std::exception_ptr exception) {
    reader_exception_ = exception;
    reader_done_ = true;
    pace_.cancel();
    wake_.cancel();
  });
  co_await SendMessages(ws, step);
  // A failed write leaves the stream unusable: cut it, the reader ends (the close frame that
  // may have caused it was read or is lost).
  if (write_error_ && !aborted_ && !reader_done_) tcp.close();
  while (!aborted_ && !reader_done_ && !write_error_ && !tracker_.Satisfied()) {
    if (MonotonicNow() >= session_end_) {
      Expire();
      break;
    }
    co_await Sleep(wake_, session_end_);
  }
  if (!aborted_ && !reader_done_ && !write_error_) {
    switch (step.ws->close) {
      case scenario::WsSpec::Close::kNormal:
        // Beast's close reads up to the server's close frame itself (the pending read then
        // ends with operation_aborted), so the handshake's outcome is the close's.
        closing_ = true;
        co_await ws.async_close(websocket::close_code::normal, redirect_error(use_awaitable, ec));
        if (ec) {
          close_error_ = ec;
        } else {
          outcome_.closed_cleanly = true;
          outcome_.close_code = ws.reason().code;
        }
        break;
      case scenario::WsSpec::Close::kWait:
        while (!aborted_ && !reader_done_) {
          if (MonotonicNow() >= session_end_) {
            Expire();
            break;
          }
          co_await Sleep(wake_, session_end_);
        }
        break;
      case scenario::WsSpec::Close::kAbort:
        cut_ = true;
        tcp.close();
        break;
    }
  }
  // The socket's own deadline ends the reader at the step's end at the latest; once the
  // socket is closed it ends at once. The second's step is a guard, never the normal path.
  while (!reader_done_) {
    const bool closed = aborted_ || cut_ || write_error_;
    if (!closed && MonotonicNow() >= session_end_) Expire();
    co_await Sleep(wake_, closed ? MonotonicNow() + core::kSecond : session_end_);
  }
}

template <class Stream>
asio::awaitable<void> WsSession::ReadMessages(Stream& ws) {
  while (true) {
    error_code ec;
    co_await ws.async_read(message_, redirect_error(use_awaitable, ec));
    if (ec) {
      read_error_ = ec;
      // A close frame from the server (its own, or its answer to ours).
      if (ec == websocket::error::closed) {
        outcome_.close_code = ws.reason().code;
        outcome_.closed_cleanly = true;
      }
      co_return;
    }
    const Nanos now = MonotonicNow();
    const auto data = message_.data();
    const std::string_view payload(static_cast<const char*>(data.data()), data.size());
    const bool first = tracker_.messages() == 0;
    tracker_.OnMessage(payload, ws.got_text(), now);
    worker_.OnProgress(1, static_cast<std::int64_t>(payload.size()));
    if (first) worker_.OnFirstEvent(now - outcome_.handshake_sent);
    message_.consume(message_.size());
    wake_.cancel();
  }
}

template <class Stream>
asio::awaitable<void> WsSession::SendMessages(Stream& ws, const PlannedRequest& step) {
  const WsSendSchedule schedule(*step.ws, outcome_.handshake_done);
  for (std::int64_t k = 0; k < schedule.total(); ++k) {
    const Nanos due = schedule.DueAt(k);
    if (!aborted_ && !reader_done_ && MonotonicNow() < due) {
      co_await Sleep(pace_, std::min(due, session_end_));
    }
    if (aborted_ || reader_done_) co_return;
    Nanos now = MonotonicNow();
    if (now >= session_end_) {
      Expire();
      co_return;
    }
    const auto message = schedule.MessageAt(k);
    if (!schedule.is_end(k)) outcome_.send_lateness.push_back(schedule.Lateness(k, now));
    tracker_.OnSent(k, now);
    ws.text(message.text);
    error_code ec;
    co_await ws.async_write(asio::buffer(message.payload.data(), message.payload.size()),
                            redirect_error(use_awaitable, ec));
    if (ec) {
      write_error_ = ec;
      co_return;
    }
  }
}

void WsSession::Judge(const scenario::WsSpec& spec, std::int64_t to_send) {
  auto fail = [&](std::string category) { outcome_.category = std::move(category); };
  outcome_.completed = outcome_.closed_cleanly || cut_;
  if (fired_ != Deadline::kNone) return fail(std::string(TimeoutCategory(fired_)));
  if (read_error_ == beast::error::timeout || write_error_ == beast::error::timeout ||
      close_error_ == beast::error::timeout) {
    return fail(std::string(TimeoutCategory(deadline_kind_)));
  }
  // The server's close frame, if it sent one: anything but 1000 (normal) is its verdict.
  if (outcome_.close_code >= 0 && outcome_.close_code != websocket::close_code::normal) {
    return fail(fmt::format("ws.close.{}", outcome_.close_code));
  }
  // close: abort cut the connection on purpose; anything else must end in a close handshake.
  if (!outcome_.completed) {
    const error_code& ec = close_error_ ? close_error_ : write_error_ ? write_error_ : read_error_;
    if (!ec || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      return fail("ws.close.1006");  // no close frame: RFC 6455 §7.1.5's abnormal closure
    }
    if (IsWebSocketError(ec)) return fail(std::string(kProtocol));
    return fail(std::string(TransportCategory(ec)));
  }
  // The server closed (normally) before the step had sent everything.
  if (!closing_ && !cut_ && tracker_.sent() < to_send) return fail("ws.close.1000");
  if (spec.expect_messages >= 0 && tracker_.messages() < spec.expect_messages) {
    return fail("check.min_messages");
  }
  if (spec.expect_final && !tracker_.final_seen()) return fail("check.final");
}

}  // namespace stampede::load
