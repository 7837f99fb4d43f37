// What every worker shares, read-only, for a whole run: the scenario, the request bytes, the
// resolved endpoint and the TLS context. Built once before the first level.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "core/result.h"
#include "scenario/scenario.h"

namespace stampede::load {

struct RunPlan {
  scenario::Scenario scenario;
  std::string request_bytes;
  boost::asio::ip::tcp::endpoint endpoint;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null for http://
  bool head_request = false;

  // Resolves the target's host (once, so connects never wait on DNS) and prepares TLS.
  static core::Result<std::unique_ptr<RunPlan>> Build(const scenario::Scenario& scenario);
};

}  // namespace stampede::load
