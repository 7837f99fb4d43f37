// What every worker shares, read-only, for a whole run: the scenario flattened into what users
// execute (request steps with their bytes prebuilt, resolved endpoints, the TLS context) and the
// order in which users are dealt to user classes. Built once before the first level.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "load/response_checks.h"
#include "scenario/scenario.h"

namespace stampede::load {

// Where requests go: an address resolved once, so connects never wait on DNS.
struct Endpoint {
  boost::asio::ip::tcp::endpoint address;
  std::string host;  // for SNI and certificate verification
  bool tls = false;
  bool insecure = false;
};

struct PlannedRequest {
  int id = 0;  // index in RunPlan::requests and in each level's per-step stats
  std::string name;
  const scenario::RequestSpec* spec = nullptr;
  // A ws step: what is said on the WebSocket (`spec` is then its upgrade request).
  const scenario::WsSpec* ws = nullptr;
  int endpoint = 0;
  std::string bytes;  // the request as sent, when it has no placeholders
  bool head = false;
  std::shared_ptr<const ResponseChecks> checks;
  // With placeholders ({{user}}, {{data.X}}, ...): the parts expanded per request.
  bool templated = false;
  scenario::Template target;
  std::vector<scenario::Template> header_values;
  scenario::Template body;

  // The request bytes for this user and iteration into `out` (`bytes` when not templated).
  void Build(std::string& out, const scenario::TemplateContext& context) const;
};

struct PlannedStep {
  scenario::Step::Kind kind = scenario::Step::Kind::kRequest;
  int request = -1;  // kRequest: index in RunPlan::requests
  scenario::ThinkTime think;
  std::int64_t count = 1;
  std::vector<PlannedStep> steps;
};

struct PlannedUserClass {
  std::string name;
  double weight = 1;
  std::vector<PlannedStep> steps;
};

struct RunPlan {
  scenario::Scenario scenario;
  std::vector<Endpoint> endpoints;
  std::vector<PlannedRequest> requests;
  std::vector<PlannedUserClass> classes;
  // Contexts by endpoint (null for plain http); endpoints with the same verification share one.
  std::vector<std::shared_ptr<boost::asio::ssl::context>> tls;

  // The user class of the user with this index: a smooth weighted round-robin, so any first N
  // users are split between the classes as close to their weights as whole users allow.
  int ClassOfUser(std::int64_t user_index) const;

  // Resolves every host (once) and prepares TLS; the error names the host that failed.
  static core::Result<std::unique_ptr<RunPlan>> Build(const scenario::Scenario& scenario);

 private:
  std::vector<int> class_cycle_;  // one period of the round-robin
};

}  // namespace stampede::load
