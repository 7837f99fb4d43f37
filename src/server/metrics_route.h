// GET /metrics: the process's ServerMetrics and merged send lateness in the Prometheus text
// exposition format 0.0.4.
#pragma once

#include "asio/awaitable.h"
#include "server/responder.h"
#include "server/server_state.h"

namespace stampede::server {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

boost::asio::awaitable<void> ServeMetrics(Responder& responder, const ServerState& state);

}  // namespace stampede::server
