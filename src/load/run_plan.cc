#include "load/run_plan.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <tuple>

namespace stampede::load {

namespace asio = boost::asio;
using scenario::Step;

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

core::Result<std::shared_ptr<asio::ssl::context>> MakeTlsContext(bool insecure) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  if (insecure) {
    context->set_verify_mode(asio::ssl::verify_none);
    return context;
  }
  boost::system::error_code ec;
  context->set_default_verify_paths(ec);
  if (ec) {
    return core::MakeError(fmt::format(
        "cannot load the system's CA certificates ({}); use --insecure to skip verification",
        ec.message()));
  }
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

std::string DefaultStepName(const scenario::RequestSpec& request) {
  std::string path = request.url.target.substr(0, request.url.target.find('?'));
  return request.method + " " + path;
}

// Smooth weighted round-robin (as nginx balances upstreams): each turn every class gains its
// weight, the richest is chosen and pays the total. One period is enough for any user index.
std::vector<int> ClassCycle(const std::vector<PlannedUserClass>& classes) {
  if (classes.size() == 1) return {0};
  // Weights scaled to integers (3 decimals) so the period is finite and exact.
  std::vector<std::int64_t> weights;
  std::int64_t total = 0;
  for (const auto& user_class : classes) {
    weights.push_back(static_cast<std::int64_t>(std::llround(user_class.weight * 1000)));
    total += weights.back();
  }
  std::int64_t divisor = 0;
  for (auto w : weights) divisor = std::gcd(divisor, w);
  if (divisor > 1) {
    for (auto& w : weights) w /= divisor;
    total /= divisor;
  }
  std::vector<std::int64_t> current(weights.size(), 0);
  std::vector<int> cycle;
  cycle.reserve(static_cast<std::size_t>(std::min<std::int64_t>(total, 1'000'000)));
  for (std::int64_t turn = 0; turn < std::min<std::int64_t>(total, 1'000'000); ++turn) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    cycle.push_back(static_cast<int>(best));
  }
  return cycle;
}

}  // namespace

void PlannedRequest::Build(std::string& out, const scenario::TemplateContext& context) const {
  if (!templated) {
    out = bytes;
    return;
  }
  const std::string target_text = target.Expand(context);
  std::vector<std::string> values;
  values.reserve(header_values.size());
  for (const auto& value : header_values) values.push_back(value.Expand(context));
  const std::string body_text = body.Expand(context);
  std::vector<std::string_view> views(values.begin(), values.end());
  spec->SerializeTo(out, target_text, views, body_text);
}

int RunPlan::ClassOfUser(std::int64_t user_index) const {
  return class_cycle_[static_cast<std::size_t>(user_index %
                                               static_cast<std::int64_t>(class_cycle_.size()))];
}

core::Result<std::unique_ptr<RunPlan>> RunPlan::Build(const scenario::Scenario& scenario) {
  auto plan = std::make_unique<RunPlan>();
  plan->scenario = scenario;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  std::map<std::tuple<std::string, std::uint16_t, bool, bool>, int> endpoint_ids;
  std::map<bool, std::shared_ptr<asio::ssl::context>> tls_by_insecure;
  core::Result<void> failure;

  // Plans the steps of the scenario held by `plan` (not the caller's copy: the planned requests
  // point into it).
  std::function<std::vector<PlannedStep>(const std::vector<Step>&, const std::string&)> plan_steps =
      [&](const std::vector<Step>& steps, const std::string& prefix) {
        std::vector<PlannedStep> planned;
        for (const Step& step : steps) {
          PlannedStep out;
          out.kind = step.kind;
          out.think = step.think;
          out.count = step.count;
          const bool ws = step.kind == Step::Kind::kWs;
          if ((step.kind == Step::Kind::kRequest || ws) && failure) {
            const auto& url = step.request.url;
            const auto key = std::make_tuple(url.host, url.port, url.tls(), step.request.insecure);
            auto found = endpoint_ids.find(key);
            if (found == endpoint_ids.end()) {
              boost::system::error_code ec;
              auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
              if (ec || results.empty()) {
                failure = core::MakeError(fmt::format("cannot resolve host \"{}\": {}", url.host,
                                                      ec ? ec.message() : "no address"));
                continue;
              }
              Endpoint endpoint{PickEndpoint(io, results), url.host, url.tls(),
                                step.request.insecure};
              std::shared_ptr<asio::ssl::context> tls;
              if (url.tls()) {
                auto& shared = tls_by_insecure[step.request.insecure];
                if (!shared) {
                  auto made = MakeTlsContext(step.request.insecure);
                  if (!made) {
                    failure = made.error();
                    continue;
                  }
                  shared = *made;
                }
                tls = shared;
              }
              found = endpoint_ids.emplace(key, static_cast<int>(plan->endpoints.size())).first;
              plan->endpoints.push_back(std::move(endpoint));
              plan->tls.push_back(std::move(tls));
            }
            PlannedRequest request;
            request.id = static_cast<int>(plan->requests.size());
            request.name = prefix + (step.name.empty() ? DefaultStepName(step.request) : step.name);
            request.spec = &step.request;
            if (ws) {  // its row is "WS /path"; the upgrade request is never sent as bytes
              request.ws = &step.ws;
              const std::string& target = step.request.url.target;
              if (step.name.empty())
                request.name = prefix + "WS " + target.substr(0, target.find('?'));
            }
            request.endpoint = found->second;
            request.bytes = step.request.Serialize();
            request.head = step.request.method == "HEAD";
            if (auto checks = ResponseChecks::Compile(step.request.checks); checks) {
              request.checks = std::make_shared<const ResponseChecks>(std::move(*checks));
            } else if (failure) {
              failure = core::MakeError(
                  fmt::format("step \"{}\": {}",
                              request.name.empty() ? DefaultStepName(step.request) : request.name,
                              checks.error().message));
            }
            const auto* table = plan->scenario.data.get();
            auto compile = [&](const std::string& text) {
              auto compiled = scenario::Template::Compile(text, table);
              if (!compiled) {
                if (failure) failure = compiled.error();
                return scenario::Template();
              }
              request.templated |= !compiled->constant();
              return std::move(*compiled);
            };
            request.target = compile(step.request.url.target);
            for (const auto& header : step.request.headers) {
              request.header_values.push_back(compile(header.value));
            }
            request.body = compile(step.request.body);
            out.request = request.id;
            plan->requests.push_back(std::move(request));
          }
          const std::string child_prefix = step.kind == Step::Kind::kGroup && !step.name.empty()
                                               ? prefix + step.name + "/"
                                               : prefix;
          out.steps = plan_steps(step.steps, child_prefix);
          planned.push_back(std::move(out));
        }
        return planned;
      };

  const bool several_classes = plan->scenario.users.size() > 1;
  for (const auto& user : plan->scenario.users) {
    PlannedUserClass planned{user.name, user.weight, {}};
    planned.steps = plan_steps(user.steps, several_classes ? user.name + ": " : "");
    plan->classes.push_back(std::move(planned));
  }
  if (!failure) return failure.error();
  plan->class_cycle_ = ClassCycle(plan->classes);
  return plan;
}

}  // namespace stampede::load
