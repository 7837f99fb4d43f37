#include "server/router.h"

#include <unistd.h>

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "server/bytes_route.h"
#include "server/llm_routes.h"
#include "server/metrics_route.h"
#include "server/query_params.h"
#include "server/sse_route.h"
#include "server/stream_route.h"
#include "server/transcribe_route.h"
#include "server/ws_route.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;

// Owns its strings, so Route can return it after the request's locals are gone.
awaitable<void> SendFixed(Responder& responder, unsigned status, std::string_view content_type,
                          std::string body, std::string extra_headers = {}) {
  co_await responder.SendFull(status, content_type, body, extra_headers);
}

awaitable<void> SendText(Responder& responder, unsigned status, std::string body,
                         std::string extra_headers = {}) {
  return SendFixed(responder, status, "text/plain", std::move(body), std::move(extra_headers));
}

}  // namespace

// Not a coroutine: it picks the route and returns the route's coroutine, so a stream that
// lives for minutes does not also keep a router frame alive.
awaitable<void> Route(const HttpRequest& request, Responder& responder, RouteContext& context) {
  const auto [path, query_string] = SplitTarget(request.target());
  // The LLM APIs take POST (and answer 405 with their own error bodies).
  if (IsLlmPath(path)) return RouteLlm(path, query_string, request, responder, context);
  // WebSocket upgrades (GET) and audio uploads (POST) check their own methods.
  if (IsWebSocketPath(path)) {
    return RouteWebSocket(path, query_string, request, responder, context);
  }
  if (IsTranscribePath(path)) {
    return RouteTranscribe(path, query_string, request, responder, context);
  }
  const bool known = path == "/health" || path == "/stream" || path == "/sse" ||
                     path == "/metrics" || path.starts_with("/bytes/");
  if (!known) {
    return SendText(responder, 404,
                    "not found: " + std::string(path) +
                        " (try /stream, /sse, /bytes/<n>, /metrics or /health)\n");
  }
  if (request.method() != boost::beast::http::verb::get) {
    return SendText(responder, 405, "method not allowed: use GET\n", "Allow: GET\r\n");
  }
  const QueryParams query = QueryParams::Parse(query_string);
  if (path == "/stream") {
    auto spec = ParseStreamSpec(query);
    if (!spec) return SendText(responder, 400, spec.error().message + "\n");
    return ServeStream(*spec, responder, context.random);
  }
  if (path == "/sse") {
    auto spec = ParseSseSpec(query);
    if (!spec) return SendText(responder, 400, spec.error().message + "\n");
    return ServeSse(*spec, responder, context.random);
  }
  if (path == "/metrics") return ServeMetrics(responder, context.state);
  if (path.starts_with("/bytes/")) {
    auto spec = ParseBytesSpec(path, query, context.state.options.seed);
    if (!spec) return SendText(responder, 400, spec.error().message + "\n");
    return ServeBytes(*spec, responder);
  }
  // ?verbose names the process that answered: with --processes, which one the kernel chose.
  if (query.Has("verbose")) {
    return SendFixed(responder, 200, "application/json",
                     R"({"status":"ok","pid":)" + std::to_string(::getpid()) + "}");
  }
  return SendFixed(responder, 200, "application/json", R"({"status":"ok"})");
}

}  // namespace stampede::server
