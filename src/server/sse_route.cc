#include "server/sse_route.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>

#include "server/jitter.h"
#include "server/payload.h"
#include "server/route_limits.h"

namespace stampede::server {

core::Result<SseSpec> ParseSseSpec(const QueryParams& query) {
  SseSpec spec;
  auto initial = query.GetUint("initial_ms", 0, 0, kMaxDelayMs);
  if (!initial) return initial.error();
  auto interval = query.GetUint("interval_ms", 1000, 0, kMaxDelayMs);
  if (!interval) return interval.error();
  auto count = query.GetUint("count", 10, 0, kMaxCount);
  if (!count) return count.error();
  auto event_bytes = query.GetUint("event_bytes", 16, 0, kMaxEventBytes);
  if (!event_bytes) return event_bytes.error();
  auto jitter = query.GetUint("jitter_ms", 0, 0, kMaxDelayMs);
  if (!jitter) return jitter.error();
  spec.jitter = std::chrono::milliseconds(*jitter);
  spec.initial = std::chrono::milliseconds(*initial);
  spec.interval = std::chrono::milliseconds(*interval);
  spec.count = *count;
  spec.event_bytes = *event_bytes;
  return spec;
}

boost::asio::awaitable<void> ServeSse(SseSpec spec, Responder& responder, core::Random& random) {
  // X-Accel-Buffering stops nginx (a common front of real SSE servers) from buffering events.
  if (co_await responder.SendStreamHead(200, "text/event-stream",
                                        "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n")) {
    co_return;
  }
  responder.ExpectParts(spec.count);
  const std::string payload = MakePayload(static_cast<std::size_t>(spec.event_bytes));
  constexpr std::string_view kIdField = "id: ";
  constexpr std::string_view kDataField = "\ndata: ";
  constexpr std::string_view kEventEnd = "\n\n";
  std::array<char, 48> prefix{};
  const auto first_due = responder.request_read_at() + spec.initial;
  auto previous_due = responder.request_read_at();
  for (std::uint64_t k = 0; spec.count == 0 || k < spec.count; ++k) {
    const auto due = Jitter(first_due + spec.interval * static_cast<std::int64_t>(k), previous_due,
                            spec.jitter, random);
    previous_due = due;
    if (co_await responder.WaitUntil(due)) co_return;
    char* end = std::copy(kIdField.begin(), kIdField.end(), prefix.data());
    end = std::to_chars(end, prefix.data() + prefix.size(), k + 1).ptr;
    end = std::copy(kDataField.begin(), kDataField.end(), end);
    const std::string_view prefix_view(prefix.data(),
                                       static_cast<std::size_t>(end - prefix.data()));
    if (co_await responder.SendChunk(prefix_view, payload, kEventEnd)) co_return;
  }
  co_await responder.SendStreamEnd();
}

}  // namespace stampede::server
