// GET /sse: a Server-Sent Events ticker. Query: initial_ms (0) before the first event,
// interval_ms (1000) between events, count (10; 0 = until the client goes), event_bytes (16)
// the length of each event's data, jitter_ms (0: each event's time moves uniformly within
// ±jitter, never before the previous event). Event n (from 1) is "id: n\ndata: <payload>\n\n", one
// event per chunk; the payload is the pattern of payload.h from offset 0.
#pragma once

#include <chrono>
#include <cstdint>

#include "asio/awaitable.h"
#include "core/random.h"
#include "core/result.h"
#include "server/query_params.h"
#include "server/responder.h"

namespace stampede::server {

struct SseSpec {
  std::chrono::milliseconds initial{0};
  std::chrono::milliseconds interval{1000};
  std::uint64_t count = 10;  // 0: unlimited
  std::uint64_t event_bytes = 16;
  std::chrono::milliseconds jitter{0};
};

core::Result<SseSpec> ParseSseSpec(const QueryParams& query);

// Event k (from 0) is due at request_read_at + initial + k * interval, so timer lateness never
// accumulates into drift over a long ticker. Jitter is drawn from `random`.
boost::asio::awaitable<void> ServeSse(SseSpec spec, Responder& responder, core::Random& random);

}  // namespace stampede::server
