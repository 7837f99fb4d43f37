// Fuzzes the mock server's request handling up to its routes: Beast's request parser with the
// server's header and body limits (fed whole and in two pieces, as reads split it), then, for a
// parsed request, the target split, query parsing, per-request knobs, fault planning and the
// spec parsers of /stream, /sse and /bytes. Nothing may crash, and what the parsers accept must
// respect their own bounds.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "server/bytes_route.h"
#include "server/fault_injector.h"
#include "server/query_params.h"
#include "server/request_gate.h"
#include "server/request_knobs.h"
#include "server/request_parser.h"
#include "server/route_limits.h"
#include "server/server_metrics.h"
#include "server/sse_route.h"
#include "server/stream_route.h"

namespace {

namespace http = boost::beast::http;
using namespace stampede::server;  // NOLINT(google-build-using-namespace): a fuzz target

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Parsed {
  bool done = false;
  bool failed = false;
  std::string target;
  std::string body;
};

// Feeds `pieces` to `parser` the way Connection's reads do: unconsumed bytes stay buffered and
// are offered again with the next piece.
Parsed Parse(RequestParser& parser, std::string_view first, std::string_view second) {
  Parsed parsed;
  std::string pending;
  for (const std::string_view piece : {first, second}) {
    pending.append(piece);
    while (!pending.empty() && !parser.is_done()) {
      boost::beast::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
      Check(used <= pending.size());
      pending.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) {
        parsed.failed = true;
        return parsed;
      }
      if (used == 0) break;
    }
  }
  parsed.done = parser.is_done();
  if (parsed.done) {
    parsed.target = std::string(parser.get().target());
    parsed.body = parser.get().body();
  }
  return parsed;
}

void Exercise(const HttpRequest& request) {
  const auto [path, query_string] = SplitTarget(request.target());
  Check(path.size() + query_string.size() <= request.target().size());
  const QueryParams query = QueryParams::Parse(query_string);
  for (const auto& [name, value] : query.pairs()) {
    (void)PercentDecode(name);
    (void)PercentDecode(value);
  }
  const RequestKnobs knobs(query, request);
  (void)knobs.Get("fault");
  (void)knobs.GetUint("initial_ms", 0, 0, kMaxDelayMs);
  (void)knobs.GetDouble("temperature", 1, 0, 2);

  if (auto stream = ParseStreamSpec(query)) {
    Check(stream->chunk_bytes >= 1 && stream->chunk_bytes <= kMaxChunkBytes);
    Check(stream->chunks <= kMaxCount);
    Check(stream->jitter.count() >= 0);
  }
  if (auto sse = ParseSseSpec(query)) {
    Check(sse->event_bytes <= kMaxEventBytes);
    Check(sse->count <= kMaxCount);
  }
  if (auto bytes = ParseBytesSpec(path, query, 1)) {
    Check(bytes->size <= kMaxBytes);
    const std::uint64_t slice = SliceBytes(*bytes);
    Check(slice >= 1);
    Check(SliceDue(*bytes, bytes->size) < kMaxThrottledDuration);
  }
  Check(ServerMetrics::RouteIndex(path) < ServerMetrics::kRouteLabels.size());
  (void)IsExemptPath(path);

  stampede::core::Random random(request.target().size());
  const FaultRates rates{.error = 0.25, .drop = 0.25, .stall = 0.25, .corrupt = 0.25};
  if (auto plan = PlanFault(knobs, request, rates, random)) {
    if (plan->kind == FaultKind::kError) Check(plan->error_status >= 400);
    FaultInjector injector(*plan);
    injector.ExpectParts(4);
    bool cut = false;
    for (int part = 0; part < 8 && !cut; ++part) {
      const auto action = injector.BeforePart();
      cut = action == FaultInjector::Action::kDrop || action == FaultInjector::Action::kStall;
    }
    if (!cut) (void)injector.BeforeEnd();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] * size / 256;
  // Small limits make 431 and 413 reachable; the defaults are what `stampede serve` runs with.
  ServerOptions small;
  small.max_header_bytes = 64;
  small.max_body_bytes = 16;
  for (const ServerOptions& options : {small, ServerOptions{}}) {
    RequestParser whole_parser;
    ApplyRequestLimits(whole_parser, options);
    const Parsed whole = Parse(whole_parser, input, {});
    RequestParser split_parser;
    ApplyRequestLimits(split_parser, options);
    const Parsed pieces = Parse(split_parser, input.substr(0, split), input.substr(split));
    if (whole.done && pieces.done) {
      Check(whole.target == pieces.target);
      Check(whole.body == pieces.body);
    }
    if (whole.done) {
      Check(whole.body.size() <= options.max_body_bytes);
      Exercise(whole_parser.get());
    }
  }
  return 0;
}
