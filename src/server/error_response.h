// The answers the mock gives instead of a route's response — rate limited (429), overloaded
// (503), an injected error status — with OpenAI-style JSON error bodies, so SDKs and load
// generators parse them as they parse the real API's.
#pragma once

#include <string>
#include <string_view>

#include "asio/awaitable.h"
#include "core/time.h"
#include "server/responder.h"
#include "server/server_metrics.h"
#include "server/server_state.h"

namespace stampede::server {

// {"error":{"message":...,"type":...,"param":null,"code":...}}; an empty `code` is null.
std::string OpenAiErrorBody(std::string_view message, std::string_view type, std::string_view code);

// "Retry-After: <whole seconds, rounded up>\r\nretry-after-ms: <milliseconds, rounded up>\r\n",
// never less than 1 of either.
std::string RetryAfterHeaders(core::Nanos retry_after);

// 429 for an empty --rpm (kRequests) or --tpm (kTokens) bucket, counted in the metrics.
boost::asio::awaitable<void> SendRateLimited(Responder& responder, RouteContext& context,
                                             core::Nanos retry_after, RateLimitKind kind);
// 503 for a request beyond --max-concurrent, counted in the metrics.
boost::asio::awaitable<void> SendOverloaded(Responder& responder, RouteContext& context,
                                            std::int64_t in_progress);
// The injected error fault's answer (its counting is the caller's).
boost::asio::awaitable<void> SendInjectedError(Responder& responder, unsigned status);
// 400 for a request whose knobs are invalid.
boost::asio::awaitable<void> SendInvalidRequest(Responder& responder, std::string message);

}  // namespace stampede::server
