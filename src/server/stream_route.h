// GET /stream: a chunked text body produced on a timer, the shape of any slow streaming API.
// Query: initial_ms (0) before the first chunk, delay_ms (100) between chunks, chunks (10),
// chunk_bytes (16), jitter_ms (0: each chunk's time moves uniformly within ±jitter, never before
// the previous chunk). The body is the payload pattern (payload.h) from offset 0.
#pragma once

#include <chrono>
#include <cstdint>

#include "asio/awaitable.h"
#include "core/random.h"
#include "core/result.h"
#include "server/query_params.h"
#include "server/responder.h"

namespace stampede::server {

struct StreamSpec {
  std::chrono::milliseconds initial{0};
  std::chrono::milliseconds delay{100};
  std::uint64_t chunks = 10;
  std::uint64_t chunk_bytes = 16;
  std::chrono::milliseconds jitter{0};
};

core::Result<StreamSpec> ParseStreamSpec(const QueryParams& query);

// Chunk k (from 0) is due at request_read_at + initial + k * delay: a fixed schedule, so a late
// timer delays one chunk instead of every chunk after it. Jitter is drawn from `random`.
boost::asio::awaitable<void> ServeStream(StreamSpec spec, Responder& responder,
                                         core::Random& random);

}  // namespace stampede::server
