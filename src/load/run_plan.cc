#include "load/run_plan.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace stampede::load {

namespace asio = boost::asio;

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
  plan->endpoint = results.begin()->endpoint();

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
