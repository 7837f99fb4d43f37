// The counters of one mock server process that GET /metrics exposes in the Prometheus text
// format: responses by route and status, streams in progress, events and bytes sent, requests
// refused by a limit and faults injected. Every worker writes, /metrics reads, all with relaxed
// atomics; the per-event counters are striped by thread so workers never share a cache line on
// the hot path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/fault_injector.h"
#include "stats/histogram.h"

namespace stampede::server {

enum class RateLimitKind { kRequests, kTokens };

class ServerMetrics {
 public:
  // The `route` label: the mock's endpoints, and "other" for anything else (unknown paths and
  // requests refused before they were routed).
  static constexpr std::array<std::string_view, 13> kRouteLabels = {
      "/health",      "/metrics",       "/stream",         "/sse",
      "/bytes",       "/v1/models",     "/v1/completions", "/v1/chat/completions",
      "/v1/messages", "/v1/transcribe", "/ws/echo",        "/ws/asr",
      "other"};
  static constexpr std::size_t kOtherRoute = kRouteLabels.size() - 1;
  // The label index of a request path ("/bytes/100" is "/bytes").
  static std::size_t RouteIndex(std::string_view path);

  ServerMetrics() = default;
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // A response head sent (statuses outside 100-599 are not counted).
  void CountResponse(std::size_t route, unsigned status);
  void StreamStarted() { active_streams_.fetch_add(1, std::memory_order_relaxed); }
  void StreamEnded() { active_streams_.fetch_sub(1, std::memory_order_relaxed); }
  // One chunk (an event of a stream) of `bytes` body bytes.
  void CountEvent(std::uint64_t bytes) {
    Stripe& stripe = LocalStripe();
    stripe.events.fetch_add(1, std::memory_order_relaxed);
    stripe.bytes.fetch_add(bytes, std::memory_order_relaxed);
  }
  // Body bytes sent outside chunks (whole bodies and Content-Length slices).
  void CountBytes(std::uint64_t bytes) {
    LocalStripe().bytes.fetch_add(bytes, std::memory_order_relaxed);
  }
  void CountRateLimited(RateLimitKind kind) {
    rate_limited_[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  void CountOverloaded() { overloaded_.fetch_add(1, std::memory_order_relaxed); }
  void CountFault(FaultKind kind);

  std::uint64_t Responses(std::size_t route, unsigned status) const;
  std::int64_t active_streams() const { return active_streams_.load(std::memory_order_relaxed); }
  std::uint64_t events() const;
  std::uint64_t bytes() const;
  std::uint64_t rate_limited(RateLimitKind kind) const {
    return rate_limited_[static_cast<std::size_t>(kind)].load(std::memory_order_relaxed);
  }
  std::uint64_t overloaded() const { return overloaded_.load(std::memory_order_relaxed); }
  std::uint64_t faults(FaultKind kind) const;

  // Every metric in the Prometheus text exposition format 0.0.4, with `send_lateness` (in
  // nanoseconds) as a summary in seconds and `in_progress` as a gauge.
  std::string RenderPrometheus(const stats::Histogram& send_lateness,
                               std::int64_t in_progress) const;

 private:
  static constexpr unsigned kMinStatus = 100;
  static constexpr unsigned kMaxStatus = 599;
  static constexpr std::size_t kStatuses = kMaxStatus - kMinStatus + 1;
  static constexpr std::size_t kStripes = 16;

  struct alignas(64) Stripe {
    std::atomic<std::uint64_t> events{0};
    std::atomic<std::uint64_t> bytes{0};
  };
  Stripe& LocalStripe();

  std::array<std::array<std::atomic<std::uint64_t>, kStatuses>, kRouteLabels.size()> responses_{};
  std::atomic<std::int64_t> active_streams_{0};
  std::array<Stripe, kStripes> stripes_{};
  std::array<std::atomic<std::uint64_t>, 2> rate_limited_{};
  std::atomic<std::uint64_t> overloaded_{0};
  std::array<std::atomic<std::uint64_t>, kFaultKinds.size()> faults_{};
};

}  // namespace stampede::server
