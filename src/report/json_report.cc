#include "report/json_report.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace stampede::report {

using nlohmann::json;
using stats::Histogram;
using stats::Metric;

namespace {

constexpr double kPercentiles[] = {50, 90, 95, 99, 99.9};
constexpr const char* kPercentileNames[] = {"p50", "p90", "p95", "p99", "p999"};

json HistogramToJson(const Histogram& histogram, bool duration) {
  json out;
  out["unit"] = duration ? "ns" : "count";
  out["count"] = histogram.count();
  out["min"] = histogram.min();
  out["mean"] = histogram.Mean();
  out["stdev"] = histogram.Stdev();
  for (std::size_t i = 0; i < std::size(kPercentiles); ++i) {
    out[kPercentileNames[i]] = histogram.ValueAtPercentile(kPercentiles[i]);
  }
  out["max"] = histogram.max();
  json buckets = json::array();
  for (const auto& [index, count] : histogram.NonZeroBuckets()) {
    buckets.push_back(index);
    buckets.push_back(count);
  }
  out["histogram"] = {{"significant_digits", histogram.config().significant_digits},
                      {"highest", histogram.config().highest},
                      {"sum", histogram.sum()},
                      {"buckets", std::move(buckets)}};
  return out;
}

core::Result<void> HistogramFromJson(const json& in, Histogram& histogram) {
  const json& h = in.at("histogram");
  const Histogram::Config config{h.at("highest").get<std::int64_t>(),
                                 h.at("significant_digits").get<int>()};
  if (!(config == histogram.config())) {
    return core::MakeError("histogram configuration differs from this version's");
  }
  const json& flat = h.at("buckets");
  if (flat.size() % 2 != 0) return core::MakeError("histogram buckets must be index/count pairs");
  std::vector<std::pair<std::int32_t, std::int64_t>> buckets;
  for (std::size_t i = 0; i < flat.size(); i += 2) {
    buckets.emplace_back(flat[i].get<std::int32_t>(), flat[i + 1].get<std::int64_t>());
  }
  if (!histogram.Restore(buckets, in.at("min").get<std::int64_t>(),
                         in.at("max").get<std::int64_t>(), h.at("sum").get<double>())) {
    return core::MakeError("histogram bucket index out of range");
  }
  return {};
}

// The counters, error breakdown and metrics of a level or of one step of it.
json StatsToJson(const stats::LevelStats& s) {
  json out;
  out["requests"] = s.requests;
  out["succeeded"] = s.succeeded;
  out["failed"] = s.failed();
  out["completed"] = s.completed;
  out["interrupted_requests"] = s.interrupted;
  out["connections"] = s.connections;
  out["attempts"] = s.attempts;
  out["retried"] = s.retried;
  out["retried_errors"] = s.retried_errors;
  out["totals"] = {{"events", s.events}, {"chunks", s.chunks}, {"bytes", s.bytes}};
  out["errors"] = s.errors;
  json metrics = json::object();
  for (Metric metric : stats::kAllMetrics) {
    metrics[std::string(stats::MetricName(metric))] =
        HistogramToJson(s[metric], stats::IsDuration(metric));
  }
  out["metrics"] = std::move(metrics);
  return out;
}

core::Result<stats::LevelStats> StatsFromJson(const json& in) {
  stats::LevelStats s;
  s.requests = in.at("requests").get<std::int64_t>();
  s.succeeded = in.at("succeeded").get<std::int64_t>();
  s.completed = in.at("completed").get<std::int64_t>();
  s.interrupted = in.at("interrupted_requests").get<std::int64_t>();
  s.connections = in.at("connections").get<std::int64_t>();
  s.attempts = in.value("attempts", s.requests);
  s.retried = in.value("retried", std::int64_t{0});
  s.retried_errors = in.value("retried_errors", std::map<std::string, std::int64_t>{});
  s.events = in.at("totals").at("events").get<std::int64_t>();
  s.chunks = in.at("totals").at("chunks").get<std::int64_t>();
  s.bytes = in.at("totals").at("bytes").get<std::int64_t>();
  s.errors = in.at("errors").get<std::map<std::string, std::int64_t>>();
  for (Metric metric : stats::kAllMetrics) {
    const std::string name(stats::MetricName(metric));
    // Metrics are added within a schema version: a result written before one was added lacks it.
    const auto found = in.at("metrics").find(name);
    if (found == in.at("metrics").end()) continue;
    if (auto restored = HistogramFromJson(*found, s[metric]); !restored) {
      return core::MakeError(fmt::format("metric {}: {}", name, restored.error().message));
    }
  }
  return s;
}

json LevelToJson(const stats::LevelResult& level) {
  json out = StatsToJson(level.stats);
  out["index"] = level.index;
  out["users"] = level.users;
  out["rate"] = level.rate;
  out["arrivals"] = {{"intended", level.arrivals.intended},
                     {"started", level.arrivals.started},
                     {"dropped", level.arrivals.dropped},
                     {"late", level.arrivals.late},
                     {"lateness", HistogramToJson(level.arrivals.lateness, true)}};
  out["started_at"] = level.started_at;
  out["duration_s"] = level.duration;
  out["interrupted"] = level.interrupted;
  out["success_rate"] = level.SuccessRate();
  out["complete_rate"] = level.CompleteRate();
  out["requests_per_s"] = level.RequestsPerSecond();
  json steps = json::array();
  for (const auto& step : level.steps) {
    json entry = StatsToJson(step.stats);
    entry["name"] = step.name;
    steps.push_back(std::move(entry));
  }
  out["steps"] = std::move(steps);
  json series = json::array();
  for (const auto& point : level.series) {
    series.push_back({{"t", point.t},
                      {"active", point.active},
                      {"requests", point.requests},
                      {"failed", point.failed},
                      {"events", point.events},
                      {"bytes", point.bytes},
                      {"ttfe_p50", point.ttfe_p50},
                      {"ttfe_p95", point.ttfe_p95}});
  }
  out["series"] = std::move(series);
  return out;
}

core::Result<stats::LevelResult> LevelFromJson(const json& in) {
  stats::LevelResult level;
  level.index = in.at("index").get<int>();
  level.users = in.at("users").get<std::int64_t>();
  level.rate = in.value("rate", 0.0);
  if (const auto arrivals = in.find("arrivals"); arrivals != in.end()) {
    level.arrivals.intended = arrivals->at("intended").get<std::int64_t>();
    level.arrivals.started = arrivals->at("started").get<std::int64_t>();
    level.arrivals.dropped = arrivals->at("dropped").get<std::int64_t>();
    level.arrivals.late = arrivals->at("late").get<std::int64_t>();
    if (auto restored = HistogramFromJson(arrivals->at("lateness"), level.arrivals.lateness);
        !restored) {
      return core::MakeError(
          fmt::format("level {} arrivals: {}", level.index, restored.error().message));
    }
  }
  level.started_at = in.at("started_at").get<double>();
  level.duration = in.at("duration_s").get<double>();
  level.interrupted = in.at("interrupted").get<bool>();
  auto stats = StatsFromJson(in);
  if (!stats)
    return core::MakeError(fmt::format("level {}: {}", level.index, stats.error().message));
  level.stats = std::move(*stats);
  for (const auto& step : in.value("steps", json::array())) {
    auto step_stats = StatsFromJson(step);
    if (!step_stats) {
      return core::MakeError(
          fmt::format("level {} step: {}", level.index, step_stats.error().message));
    }
    level.steps.push_back({step.at("name").get<std::string>(), std::move(*step_stats)});
  }
  for (const auto& point : in.at("series")) {
    level.series.push_back(stats::TimePoint{
        point.at("t").get<double>(), point.at("active").get<std::int64_t>(),
        point.at("requests").get<std::int64_t>(), point.at("failed").get<std::int64_t>(),
        point.at("events").get<std::int64_t>(), point.at("bytes").get<std::int64_t>(),
        point.at("ttfe_p50").get<std::int64_t>(), point.at("ttfe_p95").get<std::int64_t>()});
  }
  return level;
}

}  // namespace

json ToJson(const stats::RunResult& result) {
  const auto& c = result.config;
  json out;
  out["schema_version"] = stats::RunResult::kSchemaVersion;
  out["tool"] = {{"name", "stampede"}, {"version", result.tool_version}};
  out["started_at"] = result.started_at;
  out["finished_at"] = result.finished_at;
  out["interrupted"] = result.interrupted;
  out["client"] = {{"peak_rss_bytes", result.client_peak_rss_bytes}};
  out["config"] = {{"target", c.target},
                   {"method", c.method},
                   {"stream", c.stream},
                   {"mode", c.mode},
                   {"levels", c.levels},
                   {"rates", c.rates},
                   {"arrival", c.arrival},
                   {"max_in_flight", c.max_in_flight},
                   {"duration_s", c.duration},
                   {"threads", c.threads},
                   {"timeouts_s",
                    {{"connect", c.connect_timeout},
                     {"ttfb", c.ttfb_timeout},
                     {"idle", c.idle_timeout},
                     {"total", c.total_timeout}}},
                   {"checks",
                    {{"expect_status", c.expect_status},
                     {"min_chunks", c.min_chunks},
                     {"min_events", c.min_events},
                     {"min_bytes", c.min_bytes}}},
                   {"embedded_mock", c.embedded_mock},
                   {"scenario_file", c.scenario_file},
                   {"command_line", c.command_line}};
  json levels = json::array();
  for (const auto& level : result.levels) levels.push_back(LevelToJson(level));
  out["levels"] = std::move(levels);
  return out;
}

core::Result<stats::RunResult> FromJson(const json& in) {
  try {
    const int version = in.at("schema_version").get<int>();
    if (version != stats::RunResult::kSchemaVersion) {
      return core::MakeError(
          fmt::format("schema_version {} is not supported (this stampede "
                      "reads version {})",
                      version, stats::RunResult::kSchemaVersion));
    }
    stats::RunResult result;
    result.tool_version = in.at("tool").at("version").get<std::string>();
    result.started_at = in.at("started_at").get<double>();
    result.finished_at = in.at("finished_at").get<double>();
    result.interrupted = in.at("interrupted").get<bool>();
    result.client_peak_rss_bytes = in.at("client").at("peak_rss_bytes").get<std::int64_t>();
    const json& c = in.at("config");
    auto& config = result.config;
    config.target = c.at("target").get<std::string>();
    config.method = c.at("method").get<std::string>();
    config.stream = c.at("stream").get<std::string>();
    config.mode = c.at("mode").get<std::string>();
    config.levels = c.at("levels").get<std::vector<std::int64_t>>();
    config.rates = c.value("rates", std::vector<double>{});
    config.arrival = c.value("arrival", "");
    config.max_in_flight = c.value("max_in_flight", std::int64_t{0});
    config.duration = c.at("duration_s").get<double>();
    config.threads = c.at("threads").get<int>();
    const json& t = c.at("timeouts_s");
    config.connect_timeout = t.at("connect").get<double>();
    config.ttfb_timeout = t.at("ttfb").get<double>();
    config.idle_timeout = t.at("idle").get<double>();
    config.total_timeout = t.at("total").get<double>();
    const json& checks = c.at("checks");
    config.expect_status = checks.at("expect_status").get<std::string>();
    config.min_chunks = checks.at("min_chunks").get<std::int64_t>();
    config.min_events = checks.at("min_events").get<std::int64_t>();
    config.min_bytes = checks.at("min_bytes").get<std::int64_t>();
    config.embedded_mock = c.at("embedded_mock").get<bool>();
    config.scenario_file = c.value("scenario_file", "");
    config.command_line = c.at("command_line").get<std::string>();
    for (const auto& level : in.at("levels")) {
      auto parsed = LevelFromJson(level);
      if (!parsed) return parsed.error();
      result.levels.push_back(std::move(*parsed));
    }
    return result;
  } catch (const json::exception& e) {
    return core::MakeError(fmt::format("not a stampede result: {}", e.what()));
  }
}

core::Result<void> WriteJsonFile(const stats::RunResult& result, const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out) {
      return core::MakeError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    }
    out << ToJson(result).dump(1) << '\n';
    if (!out.flush()) {
      return core::MakeError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    }
  }
  // Written under a temporary name and renamed, so a reader never sees half a result.
  std::filesystem::rename(temporary, path, ec);
  if (ec) return core::MakeError(fmt::format("cannot write {}: {}", path, ec.message()));
  return {};
}

core::Result<stats::RunResult> ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::MakeError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  json parsed = json::parse(in, nullptr, false);
  if (parsed.is_discarded()) return core::MakeError(fmt::format("{}: not valid JSON", path));
  auto result = FromJson(parsed);
  if (!result) return core::MakeError(fmt::format("{}: {}", path, result.error().message));
  return result;
}

}  // namespace stampede::report
