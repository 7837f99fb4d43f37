#include "server/request_gate.h"

#include "server/error_response.h"
#include "server/fault_injector.h"
#include "server/query_params.h"
#include "server/request_knobs.h"
#include "server/server_metrics.h"

namespace stampede::server {

bool IsExemptPath(std::string_view path) { return path == "/health" || path == "/metrics"; }

// Not a coroutine, like Route: a stream that lives for minutes keeps no gate frame alive. What
// must last as long as the response (the in-progress count, the fault plan) lives in the
// Responder.
boost::asio::awaitable<void> ServeRequest(const HttpRequest& request, Responder& responder,
                                          RouteContext& context) {
  const auto [path, query_string] = SplitTarget(request.target());
  responder.set_route(ServerMetrics::RouteIndex(path));
  if (IsExemptPath(path)) return Route(request, responder, context);
  ServerState& state = context.state;

  // The cap comes first so that refused requests take no rate-limit token.
  const std::int64_t in_progress = responder.EnterInProgress();
  if (state.options.max_concurrent > 0 && in_progress > state.options.max_concurrent) {
    return SendOverloaded(responder, context, in_progress);
  }
  core::Nanos retry_after = 0;
  if (!state.request_limiter.TryConsume(1, retry_after)) {
    return SendRateLimited(responder, context, retry_after, RateLimitKind::kRequests);
  }

  const QueryParams query = QueryParams::Parse(query_string);
  const RequestKnobs knobs(query, request);
  auto plan = PlanFault(knobs, request, state.options.faults, context.random);
  if (!plan) return SendInvalidRequest(responder, plan.error().message);
  if (plan->kind == FaultKind::kError) {
    state.server_metrics.CountFault(FaultKind::kError);
    return SendInjectedError(responder, plan->error_status);
  }
  responder.SetFaultPlan(*plan);
  return Route(request, responder, context);
}

}  // namespace stampede::server
