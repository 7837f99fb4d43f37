// What all workers of one server process share: the options and the process-wide state that
// limits, faults and /metrics need. Routes reach it through their RouteContext.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/random.h"
#include "core/time.h"
#include "server/rate_limiter.h"
#include "server/server_metrics.h"
#include "server/server_options.h"
#include "server/worker_metrics.h"
#include "stats/histogram.h"

namespace stampede::server {

struct ServerState {
  explicit ServerState(ServerOptions server_options)
      : options(std::move(server_options)),
        request_limiter(options.rpm),
        token_limiter(options.tpm) {}

  // Send lateness of every worker merged (the histogram of the whole process).
  stats::Histogram SendLateness() const {
    stats::Histogram merged = stats::Histogram::ForDurations();
    for (const auto& worker : worker_metrics) merged.Merge(worker->SendLateness());
    return merged;
  }

  const ServerOptions options;
  std::atomic<std::int64_t> in_progress{0};  // requests being answered, for --max-concurrent
  std::atomic<bool> draining{false};         // stopping: answer what is in progress, no more
  // One per worker, created before the workers start and kept until the state goes.
  std::vector<std::unique_ptr<WorkerMetrics>> worker_metrics;
  ServerMetrics server_metrics;  // what GET /metrics exposes
  RateLimiter request_limiter;   // --rpm, one token per request (request_gate.cc)
  RateLimiter token_limiter;     // --tpm, see TryConsumeTokens

  // --tpm for the LLM routes: takes `tokens` (the request's max_tokens, plus its prompt tokens
  // when known) from the process's token bucket. When it returns false, answer 429 with
  // SendRateLimited(responder, context, retry_after, RateLimitKind::kTokens) (error_response.h).
  // Always true without --tpm.
  bool TryConsumeTokens(double tokens, core::Nanos& retry_after) {
    return token_limiter.TryConsume(tokens, retry_after);
  }
};

// What a route may use besides the request and its Responder. `random` belongs to the worker
// thread the request is served on.
struct RouteContext {
  ServerState& state;
  core::Random& random;
  WorkerMetrics& metrics;
};

}  // namespace stampede::server
