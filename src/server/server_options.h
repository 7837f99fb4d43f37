// Everything `stampede serve` (and the embedded mock of `stampede run`) can be configured with.
// Per-request knobs (query parameters and x-stampede-* headers) override the defaults here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stampede::server {

// Global fault rates, each the probability that a request gets that fault (forced per request
// with `x-stampede-fault: error|drop|stall|corrupt`).
struct FaultRates {
  double error = 0;    // answer `error_status` instead of the route's response
  double drop = 0;     // close the connection in the middle of the stream
  double stall = 0;    // stop sending in the middle of the stream, keep the connection open
  double corrupt = 0;  // flip one byte of the body
  unsigned error_status = 500;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;              // 0 picks a free port
  int threads = 1;                        // <= 0: one per core
  int processes = 1;                      // `serve` only: N processes share the port (SO_REUSEPORT)
  std::chrono::milliseconds drain{5000};  // on SIGTERM: streams get this long to finish
  std::uint64_t seed = 1;                 // of every random choice (delays, faults, content)

  // The latency profile of the LLM routes: a preset name or a spec (docs/mock-server.md).
  std::string profile = "default";

  // Limits (0 = none). --rpm and --tpm are token buckets answering 429 with Retry-After.
  double rpm = 0;
  double tpm = 0;
  std::int64_t max_concurrent = 0;  // requests in progress beyond it get 503

  FaultRates faults;

  // Hostile clients.
  std::size_t max_header_bytes = 16 * 1024;          // 431 beyond
  std::size_t max_body_bytes = 1024 * 1024;          // 413 beyond
  std::chrono::milliseconds header_timeout{10'000};  // whole request head must arrive
  std::chrono::milliseconds idle_timeout{120'000};   // kept-alive connection, no request
};

}  // namespace stampede::server
