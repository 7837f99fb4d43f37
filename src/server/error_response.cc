#include "server/error_response.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "server/json_text.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;

constexpr std::string_view kJson = "application/json";

std::int64_t CeilDiv(core::Nanos value, core::Nanos unit) {
  return std::max<std::int64_t>(1, (value + unit - 1) / unit);
}

// Owns its strings for as long as the write takes.
awaitable<void> SendJson(Responder& responder, unsigned status, std::string body,
                         std::string extra_headers) {
  co_await responder.SendFull(status, kJson, body, extra_headers);
}

}  // namespace

std::string OpenAiErrorBody(std::string_view message, std::string_view type,
                            std::string_view code) {
  std::string body = R"({"error":{"message":)";
  AppendJsonString(body, message);
  body.append(R"(,"type":)");
  AppendJsonString(body, type);
  body.append(R"(,"param":null,"code":)");
  if (code.empty()) {
    body.append("null");
  } else {
    AppendJsonString(body, code);
  }
  body.append("}}");
  return body;
}

std::string RetryAfterHeaders(core::Nanos retry_after) {
  return fmt::format("Retry-After: {}\r\nretry-after-ms: {}\r\n",
                     CeilDiv(retry_after, core::kSecond), CeilDiv(retry_after, core::kMillisecond));
}

awaitable<void> SendRateLimited(Responder& responder, RouteContext& context,
                                core::Nanos retry_after, RateLimitKind kind) {
  context.state.server_metrics.CountRateLimited(kind);
  const bool requests = kind == RateLimitKind::kRequests;
  const double limit = requests ? context.state.options.rpm : context.state.options.tpm;
  const std::string message =
      fmt::format("Rate limit reached for {} per minute (limit {}): please try again in {} s.",
                  requests ? "requests" : "tokens", limit, CeilDiv(retry_after, core::kSecond));
  return SendJson(responder, 429,
                  OpenAiErrorBody(message, requests ? "requests" : "tokens", "rate_limit_exceeded"),
                  RetryAfterHeaders(retry_after));
}

awaitable<void> SendOverloaded(Responder& responder, RouteContext& context,
                               std::int64_t in_progress) {
  context.state.server_metrics.CountOverloaded();
  const std::string message =
      fmt::format("The server is overloaded: {} requests in progress, the limit is {}.",
                  in_progress, context.state.options.max_concurrent);
  return SendJson(responder, 503, OpenAiErrorBody(message, "server_error", "overloaded"),
                  RetryAfterHeaders(core::kSecond));
}

awaitable<void> SendInjectedError(Responder& responder, unsigned status) {
  const std::string message = fmt::format("Injected fault: status {}.", status);
  std::string headers;
  std::string type = status >= 500 ? "server_error" : "invalid_request_error";
  std::string code;
  if (status == 429) {
    type = "requests";
    code = "rate_limit_exceeded";
  }
  if (status == 429 || status == 503) headers = RetryAfterHeaders(core::kSecond);
  return SendJson(responder, status, OpenAiErrorBody(message, type, code), std::move(headers));
}

awaitable<void> SendInvalidRequest(Responder& responder, std::string message) {
  return SendJson(responder, 400, OpenAiErrorBody(message, "invalid_request_error", ""), {});
}

}  // namespace stampede::server
