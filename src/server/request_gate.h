// What stands between a parsed request and its route: the metrics label, the --max-concurrent
// cap (503), the --rpm bucket (429) and the fault plan (an injected error answers here; drop,
// stall and corrupt go to the Responder). /health and /metrics pass untouched, so probes and
// scrapes keep working while the limits and faults bite.
#pragma once

#include <string_view>

#include "asio/awaitable.h"
#include "server/responder.h"
#include "server/router.h"
#include "server/server_state.h"

namespace stampede::server {

// True for the paths no limit or fault applies to.
bool IsExemptPath(std::string_view path);

// Answers `request` completely: a rejection, an injected error, or the route's response.
boost::asio::awaitable<void> ServeRequest(const HttpRequest& request, Responder& responder,
                                          RouteContext& context);

}  // namespace stampede::server
