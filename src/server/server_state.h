// What all workers of one server process share: the options and the process-wide state that
// limits, faults and /metrics need. Routes reach it through their RouteContext.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/random.h"
#include "server/server_options.h"

namespace stampede::server {

struct ServerState {
  explicit ServerState(ServerOptions server_options) : options(std::move(server_options)) {}

  const ServerOptions options;
  std::atomic<std::int64_t> in_progress{0};  // requests being answered, for --max-concurrent
};

// What a route may use besides the request and its Responder. `random` belongs to the worker
// thread the request is served on.
struct RouteContext {
  ServerState& state;
  core::Random& random;
};

}  // namespace stampede::server
