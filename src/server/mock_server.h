// The mock streaming server behind `stampede serve` and the embedded default target of
// `stampede run`: N worker threads, each with its own io_context and its own SO_REUSEPORT
// acceptor on the same port; every stream is driven by timers, never a thread per stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "server/server_options.h"

namespace stampede::server {

class MockServer {
 public:
  explicit MockServer(ServerOptions options);
  ~MockServer();  // stops the server if it is running
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds, listens and starts the worker threads; returns once the server accepts connections.
  core::Result<void> Start();
  // The bound port (the chosen one when ServerOptions::port was 0). Valid after Start().
  std::uint16_t port() const;
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();
  // Stops accepting and closes idle connections at once, lets responses in progress finish for
  // up to `drain`, then Stop()s.
  void Drain(std::chrono::milliseconds drain);
  // Thread-safe: ends a Drain() in progress now (a second Ctrl-C).
  void CutDrain();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stampede::server
