#include "server/stream_route.h"

#include <string>
#include <string_view>

#include "server/jitter.h"
#include "server/payload.h"
#include "server/route_limits.h"

namespace stampede::server {

core::Result<StreamSpec> ParseStreamSpec(const QueryParams& query) {
  StreamSpec spec;
  auto initial = query.GetUint("initial_ms", 0, 0, kMaxDelayMs);
  if (!initial) return initial.error();
  auto delay = query.GetUint("delay_ms", 100, 0, kMaxDelayMs);
  if (!delay) return delay.error();
  auto chunks = query.GetUint("chunks", 10, 0, kMaxCount);
  if (!chunks) return chunks.error();
  // Not 0: an empty chunk is the chunked encoding's end-of-body marker.
  auto chunk_bytes = query.GetUint("chunk_bytes", 16, 1, kMaxChunkBytes);
  if (!chunk_bytes) return chunk_bytes.error();
  auto jitter = query.GetUint("jitter_ms", 0, 0, kMaxDelayMs);
  if (!jitter) return jitter.error();
  spec.jitter = std::chrono::milliseconds(*jitter);
  spec.initial = std::chrono::milliseconds(*initial);
  spec.delay = std::chrono::milliseconds(*delay);
  spec.chunks = *chunks;
  spec.chunk_bytes = *chunk_bytes;
  return spec;
}

boost::asio::awaitable<void> ServeStream(StreamSpec spec, Responder& responder,
                                         core::Random& random) {
  if (co_await responder.SendStreamHead(200, "text/plain")) co_return;
  responder.ExpectParts(spec.chunks);
  // One period longer than a chunk, so chunk k is a view at offset (k * chunk_bytes) mod period
  // and the body stays one continuous pattern without building each chunk.
  const std::string pattern =
      MakePayload(static_cast<std::size_t>(spec.chunk_bytes) + kPayloadAlphabet.size());
  const std::string_view pattern_view = pattern;
  const auto first_due = responder.request_read_at() + spec.initial;
  auto previous_due = responder.request_read_at();
  for (std::uint64_t k = 0; k < spec.chunks; ++k) {
    const auto due = Jitter(first_due + spec.delay * static_cast<std::int64_t>(k), previous_due,
                            spec.jitter, random);
    previous_due = due;
    if (co_await responder.WaitUntil(due)) co_return;
    const std::size_t offset = (k * spec.chunk_bytes) % kPayloadAlphabet.size();
    if (co_await responder.SendChunk(pattern_view.substr(offset, spec.chunk_bytes))) co_return;
  }
  co_await responder.SendStreamEnd();
}

}  // namespace stampede::server
