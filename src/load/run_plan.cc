#include "load/run_plan.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace stampede::load {

namespace asio = boost::asio;

namespace {

// A name like "localhost" often resolves to ::1 and 127.0.0.1 while the server listens on one
// of them: take the first address that accepts a connection (each tried for at most 2 s), or
// the first address when none does (the run then reports why, per request).
asio::ip::tcp::endpoint PickEndpoint(asio::io_context& io,
                                     const asio::ip::tcp::resolver::results_type& results) {
  if (results.size() == 1) return results.begin()->endpoint();
  for (const auto& entry : results) {
    asio::ip::tcp::socket probe(io);
    boost::system::error_code result = asio::error::would_block;
    probe.async_connect(entry.endpoint(), [&](boost::system::error_code ec) { result = ec; });
    io.restart();
    io.run_for(std::chrono::seconds(2));
    boost::system::error_code ignored;
    probe.close(ignored);
    io.restart();
    io.run();
    if (!result) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

}  // namespace

core::Result<std::unique_ptr<RunPlan>> RunPlan::Build(const scenario::Scenario& scenario) {
  auto plan = std::make_unique<RunPlan>();
  plan->scenario = scenario;
  plan->request_bytes = scenario.request.Serialize();
  plan->head_request = scenario.request.method == "HEAD";

  const auto& url = scenario.request.url;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    return core::MakeError(
        fmt::format("cannot resolve host \"{}\": {}", url.host, ec ? ec.message() : "no address"));
  }
  plan->endpoint = PickEndpoint(io, results);

  if (url.tls()) {
    plan->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (scenario.request.insecure) {
      plan->tls->set_verify_mode(asio::ssl::verify_none);
    } else {
      plan->tls->set_default_verify_paths(ec);
      if (ec) {
        return core::MakeError(fmt::format(
            "cannot load the system's CA certificates ({}); use --insecure to skip verification",
            ec.message()));
      }
      plan->tls->set_verify_mode(asio::ssl::verify_peer);
    }
  }
  return plan;
}

}  // namespace stampede::load
