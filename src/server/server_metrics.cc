#include "server/server_metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace stampede::server {
namespace {

// Threads take stripes in turn, so up to kStripes workers each write a line of their own.
std::atomic<std::size_t> next_stripe{0};

// Prometheus floats: Go's ParseFloat syntax, which the shortest round-trip form satisfies.
std::string FormatSeconds(double seconds) {
  if (std::isnan(seconds)) return "NaN";
  return fmt::format("{}", seconds);
}

void AppendHeader(std::string& text, std::string_view name, std::string_view type,
                  std::string_view help) {
  fmt::format_to(std::back_inserter(text), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::size_t ServerMetrics::RouteIndex(std::string_view path) {
  if (path.starts_with("/bytes/")) path = "/bytes";
  for (std::size_t index = 0; index + 1 < kRouteLabels.size(); ++index) {
    if (kRouteLabels[index] == path) return index;
  }
  return kOtherRoute;
}

ServerMetrics::Stripe& ServerMetrics::LocalStripe() {
  thread_local const std::size_t index =
      next_stripe.fetch_add(1, std::memory_order_relaxed) % kStripes;
  return stripes_[index];
}

void ServerMetrics::CountResponse(std::size_t route, unsigned status) {
  if (route >= kRouteLabels.size() || status < kMinStatus || status > kMaxStatus) return;
  responses_[route][status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::CountFault(FaultKind kind) {
  for (std::size_t index = 0; index < kFaultKinds.size(); ++index) {
    if (kFaultKinds[index] == kind) faults_[index].fetch_add(1, std::memory_order_relaxed);
  }
}

std::uint64_t ServerMetrics::Responses(std::size_t route, unsigned status) const {
  if (route >= kRouteLabels.size() || status < kMinStatus || status > kMaxStatus) return 0;
  return responses_[route][status - kMinStatus].load(std::memory_order_relaxed);
}

std::uint64_t ServerMetrics::events() const {
  std::uint64_t total = 0;
  for (const Stripe& stripe : stripes_) total += stripe.events.load(std::memory_order_relaxed);
  return total;
}

std::uint64_t ServerMetrics::bytes() const {
  std::uint64_t total = 0;
  for (const Stripe& stripe : stripes_) total += stripe.bytes.load(std::memory_order_relaxed);
  return total;
}

std::uint64_t ServerMetrics::faults(FaultKind kind) const {
  for (std::size_t index = 0; index < kFaultKinds.size(); ++index) {
    if (kFaultKinds[index] == kind) return faults_[index].load(std::memory_order_relaxed);
  }
  return 0;
}

std::string ServerMetrics::RenderPrometheus(const stats::Histogram& send_lateness,
                                            std::int64_t in_progress) const {
  std::string text;
  text.reserve(4096);
  auto out = std::back_inserter(text);

  AppendHeader(text, "stampede_requests_total", "counter",
               "Responses sent by the mock, by route and status.");
  for (std::size_t route = 0; route < kRouteLabels.size(); ++route) {
    for (unsigned status = kMinStatus; status <= kMaxStatus; ++status) {
      const std::uint64_t count = Responses(route, status);
      if (count == 0) continue;
      fmt::format_to(out, "stampede_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                     kRouteLabels[route], status, count);
    }
  }
  AppendHeader(text, "stampede_requests_in_progress", "gauge",
               "Requests being answered (what --max-concurrent bounds).");
  fmt::format_to(out, "stampede_requests_in_progress {}\n", in_progress);
  AppendHeader(text, "stampede_active_streams", "gauge",
               "Streamed responses (chunked, SSE, slices of /bytes) in progress.");
  fmt::format_to(out, "stampede_active_streams {}\n", active_streams());
  AppendHeader(text, "stampede_events_sent_total", "counter",
               "Chunks of streamed responses sent (one per SSE event or token).");
  fmt::format_to(out, "stampede_events_sent_total {}\n", events());
  AppendHeader(text, "stampede_bytes_sent_total", "counter",
               "Response body bytes sent (without heads and chunk framing).");
  fmt::format_to(out, "stampede_bytes_sent_total {}\n", bytes());
  AppendHeader(text, "stampede_rate_limited_total", "counter",
               "Requests answered 429 by --rpm (requests) or --tpm (tokens).");
  fmt::format_to(out, "stampede_rate_limited_total{{limit=\"requests\"}} {}\n",
                 rate_limited(RateLimitKind::kRequests));
  fmt::format_to(out, "stampede_rate_limited_total{{limit=\"tokens\"}} {}\n",
                 rate_limited(RateLimitKind::kTokens));
  AppendHeader(text, "stampede_overloaded_total", "counter",
               "Requests answered 503 by --max-concurrent.");
  fmt::format_to(out, "stampede_overloaded_total {}\n", overloaded());
  AppendHeader(text, "stampede_faults_total", "counter", "Faults injected, by kind.");
  for (const FaultKind kind : kFaultKinds) {
    fmt::format_to(out, "stampede_faults_total{{kind=\"{}\"}} {}\n", FaultName(kind), faults(kind));
  }
  AppendHeader(text, "stampede_send_lateness_seconds", "summary",
               "How late the mock started scheduled writes (chunks, events, throttled slices).");
  for (const auto& [label, percentile] : {std::pair{"0.5", 50.0}, std::pair{"0.9", 90.0},
                                          std::pair{"0.99", 99.0}, std::pair{"0.999", 99.9}}) {
    const double seconds =
        send_lateness.empty()
            ? std::nan("")
            : static_cast<double>(send_lateness.ValueAtPercentile(percentile)) / 1e9;
    fmt::format_to(out, "stampede_send_lateness_seconds{{quantile=\"{}\"}} {}\n", label,
                   FormatSeconds(seconds));
  }
  fmt::format_to(out, "stampede_send_lateness_seconds_sum {}\n",
                 FormatSeconds(send_lateness.sum() / 1e9));
  fmt::format_to(out, "stampede_send_lateness_seconds_count {}\n", send_lateness.count());
  return text;
}

}  // namespace stampede::server
