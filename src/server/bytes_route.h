// GET /bytes/{n}: n bytes of deterministic content (bytes_content.h) with Content-Length and
// X-Content-SHA256 (the hex SHA-256 of the body), for download tests. Query: seed (the server's
// --seed) selects the content; rate (0) throttles to that many bytes per second. The body is
// generated and sent in slices, never held whole, so n may reach kMaxBytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "asio/awaitable.h"
#include "core/result.h"
#include "server/query_params.h"
#include "server/responder.h"

namespace stampede::server {

inline constexpr std::uint64_t kMaxBytes = std::uint64_t{8} << 30;  // 8 GiB
// A throttled download may last at most this long (it keeps steady_clock far from overflow).
inline constexpr std::chrono::hours kMaxThrottledDuration{24};

struct BytesSpec {
  std::uint64_t size = 0;
  std::uint64_t seed = 0;
  std::uint64_t rate = 0;  // bytes per second; 0: as fast as the client reads
};

// `path` is the request path ("/bytes/1000").
core::Result<BytesSpec> ParseBytesSpec(std::string_view path, const QueryParams& query,
                                       std::uint64_t default_seed);

// The size of each slice written: 64 KiB, or for a throttled body about 20 ms of it.
std::uint64_t SliceBytes(const BytesSpec& spec);
// When the slice ending at body offset `end` is due: start + end / rate (the rate is kept on
// average from the start, so a late timer never slows the whole download).
std::chrono::nanoseconds SliceDue(const BytesSpec& spec, std::uint64_t end);

// The hex SHA-256 of the body. Large bodies are hashed in steps that yield to the event loop
// (so other connections of the worker are served meanwhile), and their digests cached.
boost::asio::awaitable<std::string> ContentDigest(std::uint64_t seed, std::uint64_t size,
                                                  const Responder& responder);

boost::asio::awaitable<void> ServeBytes(BytesSpec spec, Responder& responder);

}  // namespace stampede::server
