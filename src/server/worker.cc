#include "server/worker.h"

#include <pthread.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include "server/connection.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;
using boost::asio::redirect_error;
using boost::asio::use_awaitable;
using boost::asio::ip::tcp;
using boost::system::error_code;

// Clients connect in bursts of thousands; the kernel clamps this to net.core.somaxconn.
constexpr int kListenBacklog = 65535;
// Running out of descriptors is a state the server recovers from once clients leave, so the
// accept loop pauses instead of spinning on EMFILE or giving up.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(20);

void ReportException(const char* where, const std::exception_ptr& exception) {
  if (!exception) return;
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "stampede serve: internal error in %s: %s\n", where, error.what());
  } catch (...) {
    std::fprintf(stderr, "stampede serve: internal error in %s\n", where);
  }
}

}  // namespace

// A concurrency hint of 1 lets Asio drop the locking a shared io_context would need.
Worker::Worker(int index, ServerState& state, WorkerMetrics& metrics)
    : index_(index),
      random_(state.options.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(index)),
      context_{state, random_, metrics},
      io_context_(1),
      acceptor_(io_context_) {}

Worker::~Worker() {
  if (thread_.joinable()) {
    RequestStop();
    Join(std::chrono::seconds(2));
  }
}

error_code Worker::Listen(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return ec;
  // Every worker binds the same port; SO_REUSEPORT makes the kernel balance new connections
  // over their accept queues (and lets several `stampede serve` processes share a port).
  const int enable = 1;
  if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &enable, sizeof(enable)) !=
      0) {
    return error_code(errno, boost::system::system_category());
  }
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(kListenBacklog, ec);
  return ec;
}

std::uint16_t Worker::port() const {
  error_code ec;
  const auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Worker::Start() {
  // Spawned before the thread runs so run() has work from its first instant.
  boost::asio::co_spawn(io_context_, AcceptLoop(), [](const std::exception_ptr& exception) {
    ReportException("the accept loop", exception);
  });
  thread_ = std::thread([this] { Run(); });
}

void Worker::Run() {
  const std::string name = "serve-" + std::to_string(index_);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  for (;;) {
    try {
      io_context_.run();
      break;
    } catch (const std::exception& error) {
      // Only a bug gets here (handlers report their own errors); keep serving the others.
      std::fprintf(stderr, "stampede serve: internal error in worker %d: %s\n", index_,
                   error.what());
    }
  }
  const std::lock_guard lock(finished_mutex_);
  finished_ = true;
  finished_cv_.notify_all();
}

void Worker::RequestStop() {
  boost::asio::post(io_context_, [this] { Shutdown(); });
}

void Worker::RequestDrain() {
  boost::asio::post(io_context_, [this] {
    stopping_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    for (Connection* connection : connections_) connection->CloseIfIdle();
  });
}

void Worker::Shutdown() {
  stopping_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  // Close() does not erase from the set (the coroutine does, when it ends), so iterating is safe.
  for (Connection* connection : connections_) connection->Close();
}

void Worker::Join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  {
    std::unique_lock lock(finished_mutex_);
    if (!finished_cv_.wait_for(lock, grace, [this] { return finished_; })) {
      // Something still waits despite Shutdown (a bug): abandon it rather than hang the caller.
      io_context_.stop();
    }
  }
  thread_.join();
}

awaitable<void> Worker::AcceptLoop() {
  boost::asio::steady_timer retry_timer(io_context_);
  while (!stopping_) {
    error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(redirect_error(use_awaitable, ec));
    if (stopping_ || ec == boost::asio::error::operation_aborted) break;
    if (ec) {
      if (ec == boost::asio::error::no_descriptors ||
          ec == boost::system::errc::too_many_files_open_in_system ||
          ec == boost::asio::error::no_buffer_space || ec == boost::asio::error::no_memory) {
        retry_timer.expires_after(kAcceptRetryDelay);
        co_await retry_timer.async_wait(redirect_error(use_awaitable, ec));
      }
      continue;
    }
    Serve(std::move(socket));
  }
}

void Worker::Serve(tcp::socket socket) {
  error_code ignored;
  // Each chunk is one small write the client must see at once, not after Nagle's 40 ms.
  socket.set_option(tcp::no_delay(true), ignored);
  auto connection = std::make_shared<Connection>(std::move(socket), context_);
  connections_.insert(connection.get());
  open_connections_.fetch_add(1, std::memory_order_acq_rel);
  boost::asio::co_spawn(io_context_, connection->Serve(),
                        [this, connection](const std::exception_ptr& exception) {
                          connections_.erase(connection.get());
                          open_connections_.fetch_sub(1, std::memory_order_acq_rel);
                          ReportException("a connection", exception);
                        });
}

}  // namespace stampede::server
