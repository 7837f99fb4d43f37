#include "server/metrics_route.h"

#include <string>

namespace stampede::server {

boost::asio::awaitable<void> ServeMetrics(Responder& responder, const ServerState& state) {
  const std::string text = state.server_metrics.RenderPrometheus(
      state.SendLateness(), state.in_progress.load(std::memory_order_relaxed));
  co_await responder.SendFull(200, kPrometheusContentType, text);
}

}  // namespace stampede::server
