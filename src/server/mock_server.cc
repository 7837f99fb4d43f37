#include "server/mock_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/latency_profile.h"
#include "server/listen_address.h"
#include "server/worker.h"

namespace stampede::server {
namespace {

using boost::asio::ip::tcp;

// How long Stop() lets connections unwind after closing them before it abandons the rest.
constexpr auto kStopGrace = std::chrono::seconds(2);

core::Result<tcp::endpoint> ResolveListenEndpoint(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  boost::asio::io_context resolver_context;
  tcp::resolver resolver(resolver_context);
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return core::MakeError("cannot listen on " + FormatHostPort(host, port) +
                           ": cannot resolve host: " + (ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

}  // namespace

class MockServer::Impl {
 public:
  explicit Impl(ServerOptions options) : options_(options), state_(std::move(options)) {}

  core::Result<void> Start() {
    const std::lock_guard lock(mutex_);
    if (!workers_.empty()) return core::MakeError("the mock server is already running");
    if (auto profile = ValidateProfile(options_.profile); !profile) return profile.error();
    auto endpoint = ResolveListenEndpoint(options_.host, options_.port);
    if (!endpoint) return endpoint.error();
    int threads = options_.threads;
    if (threads <= 0) threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<Worker>> workers;
    for (int index = 0; index < threads; ++index) {
      if (state_.worker_metrics.size() <= static_cast<std::size_t>(index)) {
        state_.worker_metrics.push_back(std::make_unique<WorkerMetrics>());
      }
      auto worker = std::make_unique<Worker>(index, state_, *state_.worker_metrics[index]);
      if (const auto ec = worker->Listen(*endpoint)) {
        return core::MakeError("cannot listen on " +
                               FormatHostPort(options_.host, endpoint->port()) + ": " +
                               ec.message());
      }
      // Port 0 means "any free port" for the first acceptor only; the rest must share it.
      if (index == 0) endpoint->port(worker->port());
      workers.push_back(std::move(worker));
    }
    port_ = endpoint->port();
    for (auto& worker : workers) worker->Start();
    workers_ = std::move(workers);
    return {};
  }

  void Stop() {
    const std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker->RequestStop();
    for (auto& worker : workers_) worker->Join(kStopGrace);
    workers_.clear();
  }

  void Drain(std::chrono::milliseconds drain) {
    {
      const std::lock_guard lock(mutex_);
      state_.draining = true;
      for (auto& worker : workers_) worker->RequestDrain();
      const auto deadline = std::chrono::steady_clock::now() + drain;
      auto open = [this] {
        int total = 0;
        for (const auto& worker : workers_) total += worker->open_connections();
        return total;
      };
      while (open() > 0 && std::chrono::steady_clock::now() < deadline && !cut_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    Stop();
    state_.draining = false;
    cut_ = false;
  }

  void CutDrain() { cut_ = true; }

  std::uint16_t port() const { return port_; }

 private:
  const ServerOptions options_;
  ServerState state_;
  std::atomic<bool> cut_{false};
  std::mutex mutex_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
};

MockServer::MockServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

MockServer::~MockServer() { Stop(); }

core::Result<void> MockServer::Start() { return impl_->Start(); }

std::uint16_t MockServer::port() const { return impl_->port(); }

void MockServer::Stop() { impl_->Stop(); }

void MockServer::Drain(std::chrono::milliseconds drain) { impl_->Drain(drain); }

void MockServer::CutDrain() { impl_->CutDrain(); }

}  // namespace stampede::server
