// One thread of the mock server: its own io_context and its own SO_REUSEPORT acceptor, so the
// kernel spreads connections over workers and nothing is shared between them.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "asio/awaitable.h"
#include "core/random.h"
#include "server/server_state.h"

namespace stampede::server {

class Connection;

class Worker {
 public:
  Worker(int index, ServerState& state, WorkerMetrics& metrics);
  ~Worker();  // joins the thread if it still runs
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens, binds and listens on the caller's thread, so a bind error reaches Start().
  boost::system::error_code Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;

  // Starts the thread that accepts and serves connections.
  void Start();
  // Thread-safe: closes the acceptor and every connection on the worker's own thread.
  void RequestStop();
  // Thread-safe: stops accepting and closes idle connections; responses in progress go on
  // (and their connections close when they end).
  void RequestDrain();
  // Connections still open (any thread).
  int open_connections() const { return open_connections_.load(std::memory_order_acquire); }
  // Waits for the worker's loop to run out of work; after `grace` abandons what is left.
  void Join(std::chrono::milliseconds grace);

 private:
  boost::asio::awaitable<void> AcceptLoop();
  void Serve(boost::asio::ip::tcp::socket socket);
  void Shutdown();
  void Run();

  const int index_;
  core::Random random_;
  RouteContext context_;
  // Declared first so it is destroyed last: the acceptor and sockets refer to its services.
  boost::asio::io_context io_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Touched only on the worker thread; a connection removes itself when its coroutine ends.
  std::unordered_set<Connection*> connections_;
  bool stopping_ = false;
  std::atomic<int> open_connections_{0};
  std::thread thread_;

  std::mutex finished_mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
};

}  // namespace stampede::server
