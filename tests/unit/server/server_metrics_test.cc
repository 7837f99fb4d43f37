#include "server/server_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace stampede::server {
namespace {

// The samples of a Prometheus text exposition, keyed by "name{labels}", after checking that
// every line is a well-formed comment or sample and every sample's family was declared.
std::map<std::string, std::string> ParseExposition(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)\})? (\S+)$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary)$)");
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)");
  std::map<std::string, std::string> samples;
  std::set<std::string> families;
  std::istringstream lines(text);
  EXPECT_TRUE(!text.empty() && text.back() == '\n') << "the exposition ends with a line feed";
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, kType)) {
      families.insert(match[1]);
    } else if (std::regex_match(line, match, kHelp)) {
      continue;
    } else if (std::regex_match(line, match, kSample)) {
      std::string family = match[1];
      for (const char* suffix : {"_sum", "_count"}) {
        if (family.ends_with(suffix) && !families.contains(family)) {
          family.resize(family.size() - std::string_view(suffix).size());
        }
      }
      EXPECT_TRUE(families.contains(family)) << "no # TYPE before " << line;
      const std::string value = match[5];
      if (value != "NaN") {
        EXPECT_NO_THROW((void)std::stod(value)) << line;
      }
      const std::string key = std::string(match[1]) + std::string(match[2]);
      EXPECT_FALSE(samples.contains(key)) << "duplicate " << key;
      samples[key] = value;
    } else {
      ADD_FAILURE() << "malformed line: " << line;
    }
  }
  return samples;
}

TEST(ServerMetricsTest, RouteLabelsOfPaths) {
  EXPECT_EQ(ServerMetrics::kRouteLabels[ServerMetrics::RouteIndex("/stream")], "/stream");
  EXPECT_EQ(ServerMetrics::kRouteLabels[ServerMetrics::RouteIndex("/bytes/100")], "/bytes");
  EXPECT_EQ(ServerMetrics::kRouteLabels[ServerMetrics::RouteIndex("/v1/chat/completions")],
            "/v1/chat/completions");
  EXPECT_EQ(ServerMetrics::RouteIndex("/nowhere"), ServerMetrics::kOtherRoute);
  EXPECT_EQ(ServerMetrics::RouteIndex("/streamx"), ServerMetrics::kOtherRoute);
  EXPECT_EQ(ServerMetrics::RouteIndex("other"), ServerMetrics::kOtherRoute);
}

TEST(ServerMetricsTest, RendersEveryCounterInThePrometheusTextFormat) {
  ServerMetrics metrics;
  const std::size_t stream = ServerMetrics::RouteIndex("/stream");
  const std::size_t sse = ServerMetrics::RouteIndex("/sse");
  for (int i = 0; i < 3; ++i) metrics.CountResponse(stream, 200);
  metrics.CountResponse(stream, 429);
  metrics.CountResponse(sse, 503);
  metrics.CountResponse(ServerMetrics::kOtherRoute, 431);
  metrics.CountResponse(sse, 99);   // ignored
  metrics.CountResponse(sse, 600);  // ignored
  metrics.StreamStarted();
  metrics.StreamStarted();
  metrics.StreamEnded();
  metrics.CountEvent(10);
  metrics.CountEvent(20);
  metrics.CountBytes(1000);
  metrics.CountRateLimited(RateLimitKind::kRequests);
  metrics.CountRateLimited(RateLimitKind::kRequests);
  metrics.CountRateLimited(RateLimitKind::kTokens);
  metrics.CountOverloaded();
  metrics.CountFault(FaultKind::kDrop);
  metrics.CountFault(FaultKind::kDrop);
  metrics.CountFault(FaultKind::kCorrupt);
  metrics.CountFault(FaultKind::kNone);  // ignored

  stats::Histogram lateness = stats::Histogram::ForDurations();
  for (int i = 1; i <= 1000; ++i) lateness.Record(i * 1000);  // 1 µs .. 1 ms
  const auto samples = ParseExposition(metrics.RenderPrometheus(lateness, 4));

  EXPECT_EQ(samples.at(R"(stampede_requests_total{route="/stream",status="200"})"), "3");
  EXPECT_EQ(samples.at(R"(stampede_requests_total{route="/stream",status="429"})"), "1");
  EXPECT_EQ(samples.at(R"(stampede_requests_total{route="/sse",status="503"})"), "1");
  EXPECT_EQ(samples.at(R"(stampede_requests_total{route="other",status="431"})"), "1");
  int request_series = 0;
  for (const auto& [key, value] : samples)
    request_series += key.starts_with("stampede_requests_total") ? 1 : 0;
  EXPECT_EQ(request_series, 4);
  EXPECT_EQ(samples.at("stampede_requests_in_progress"), "4");
  EXPECT_EQ(samples.at("stampede_active_streams"), "1");
  EXPECT_EQ(samples.at("stampede_events_sent_total"), "2");
  EXPECT_EQ(samples.at("stampede_bytes_sent_total"), "1030");
  EXPECT_EQ(samples.at(R"(stampede_rate_limited_total{limit="requests"})"), "2");
  EXPECT_EQ(samples.at(R"(stampede_rate_limited_total{limit="tokens"})"), "1");
  EXPECT_EQ(samples.at("stampede_overloaded_total"), "1");
  EXPECT_EQ(samples.at(R"(stampede_faults_total{kind="error"})"), "0");
  EXPECT_EQ(samples.at(R"(stampede_faults_total{kind="drop"})"), "2");
  EXPECT_EQ(samples.at(R"(stampede_faults_total{kind="stall"})"), "0");
  EXPECT_EQ(samples.at(R"(stampede_faults_total{kind="corrupt"})"), "1");

  // Seconds, within the histogram's 3 significant digits.
  EXPECT_NEAR(std::stod(samples.at(R"(stampede_send_lateness_seconds{quantile="0.5"})")), 500e-6,
              1e-6);
  EXPECT_NEAR(std::stod(samples.at(R"(stampede_send_lateness_seconds{quantile="0.9"})")), 900e-6,
              1e-6);
  EXPECT_NEAR(std::stod(samples.at(R"(stampede_send_lateness_seconds{quantile="0.99"})")), 990e-6,
              1e-6);
  EXPECT_NEAR(std::stod(samples.at(R"(stampede_send_lateness_seconds{quantile="0.999"})")), 999e-6,
              1e-6);
  EXPECT_NEAR(std::stod(samples.at("stampede_send_lateness_seconds_sum")), 0.5005, 1e-9);
  EXPECT_EQ(samples.at("stampede_send_lateness_seconds_count"), "1000");
}

TEST(ServerMetricsTest, AnEmptySummaryHasNaNQuantilesAndZeroCount) {
  ServerMetrics metrics;
  const auto samples =
      ParseExposition(metrics.RenderPrometheus(stats::Histogram::ForDurations(), 0));
  EXPECT_EQ(samples.at(R"(stampede_send_lateness_seconds{quantile="0.99"})"), "NaN");
  EXPECT_EQ(samples.at("stampede_send_lateness_seconds_count"), "0");
  EXPECT_EQ(samples.at("stampede_send_lateness_seconds_sum"), "0");
  EXPECT_EQ(samples.at("stampede_events_sent_total"), "0");
}

TEST(ServerMetricsTest, CountsFromManyThreadsAddUp) {
  ServerMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t) {  // more threads than stripes
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        metrics.CountEvent(3);
        metrics.CountResponse(0, 200);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(metrics.events(), 20000U);
  EXPECT_EQ(metrics.bytes(), 60000U);
  EXPECT_EQ(metrics.Responses(0, 200), 20000U);
}

}  // namespace
}  // namespace stampede::server
