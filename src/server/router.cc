#include "server/router.h"

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>

#include "server/query_params.h"
#include "server/sse_route.h"
#include "server/stream_route.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;

awaitable<void> SendBadRequest(Responder& responder, const core::Error& error) {
  co_await responder.SendFull(400, "text/plain", error.message + "\n");
}

}  // namespace

awaitable<void> Route(const HttpRequest& request, Responder& responder) {
  const std::string_view target = request.target();
  const auto [path, query_string] = SplitTarget(target);
  const bool is_get = request.method() == boost::beast::http::verb::get;
  const bool known = path == "/health" || path == "/stream" || path == "/sse";
  if (!known) {
    co_await responder.SendFull(
        404, "text/plain", "not found: " + std::string(path) + " (try /stream, /sse or /health)\n");
    co_return;
  }
  if (!is_get) {
    co_await responder.SendFull(405, "text/plain", "method not allowed: use GET\n",
                                "Allow: GET\r\n");
    co_return;
  }
  const QueryParams query = QueryParams::Parse(query_string);
  if (path == "/health") {
    co_await responder.SendFull(200, "application/json", R"({"status":"ok"})");
  } else if (path == "/stream") {
    auto spec = ParseStreamSpec(query);
    if (!spec) {
      co_await SendBadRequest(responder, spec.error());
      co_return;
    }
    co_await ServeStream(*spec, responder);
  } else if (path == "/sse") {
    auto spec = ParseSseSpec(query);
    if (!spec) {
      co_await SendBadRequest(responder, spec.error());
      co_return;
    }
    co_await ServeSse(*spec, responder);
  }
}

}  // namespace stampede::server
