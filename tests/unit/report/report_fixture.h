// A deterministic result with two levels, shared by the formatter tests.
#pragma once

#include "stats/run_result.h"

namespace stampede::report::testing {

inline stats::RunResult MakeFixtureResult() {
  using stats::Metric;
  stats::RunResult result;
  result.tool_version = "0.1.0";
  result.started_at = 1790000000.0;
  result.finished_at = 1790000012.5;
  result.client_peak_rss_bytes = 63'328 * 1024;
  auto& c = result.config;
  c.target = "http://127.0.0.1:8002/sse?count=50";
  c.method = "GET";
  c.stream = "auto";
  c.mode = "burst";
  c.levels = {50, 100};
  c.threads = 2;
  c.connect_timeout = 10;
  c.ttfb_timeout = 60;
  c.idle_timeout = 30;
  c.total_timeout = 300;
  c.expect_status = "2xx";
  c.min_events = 10;
  c.min_bytes = 1000;
  c.command_line = "stampede run http://127.0.0.1:8002/sse?count=50 --users 50,100";
  for (int i = 0; i < 2; ++i) {
    stats::LevelResult level;
    level.index = i;
    level.users = 50 * (i + 1);
    level.started_at = 1790000000.0 + 6 * i;
    level.duration = 1.25 + i * 0.5;
    auto& s = level.stats;
    const std::int64_t ok = level.users - 2 * i;
    s.requests = level.users;
    s.succeeded = ok;
    s.completed = level.users - i;
    s.connections = level.users;
    if (i == 1) {
      s.errors["http.503"] = 1;
      s.errors["incomplete"] = 1;
    }
    for (std::int64_t r = 0; r < ok; ++r) {
      s[Metric::kConnect].Record(150'000 + r * 1'000);
      s[Metric::kTtfb].Record(1'000'000 + r * 10'000);
      s[Metric::kTtfe].Record(300'000'000 + r * 100'000 * (i + 1));
      s[Metric::kE2e].Record(1'280'000'000 + r * 500'000);
      for (int g = 0; g < 49; ++g) s[Metric::kGap].Record(20'000'000 + g * 10'000 + r * 1'000);
      s[Metric::kChunks].Record(52);
      s[Metric::kEvents].Record(50);
      s[Metric::kBytes].Record(2'000 + r);
    }
    s.events = 50 * ok;
    s.chunks = 52 * ok;
    s.bytes = s[Metric::kBytes].sum();
    level.series.push_back(stats::TimePoint{1.0, level.users, 0, 0, 10 * level.users, 400, 0, 0});
    level.series.push_back(stats::TimePoint{level.duration, 0, s.requests, s.failed(),
                                            40 * level.users, 1600, 300'000'000, 304'000'000});
    level.steps.push_back({"GET /sse", level.stats});
    result.levels.push_back(std::move(level));
  }
  return result;
}

// The fixture's levels split into two steps: "chat: open" (a quick request per user) and
// "chat: stream" (the streams), with the level totals their merge.
inline stats::RunResult MakeTwoStepFixtureResult() {
  using stats::Metric;
  stats::RunResult result = MakeFixtureResult();
  for (auto& level : result.levels) {
    stats::LevelStats open;
    open.requests = open.succeeded = open.completed = level.users;
    for (std::int64_t r = 0; r < level.users; ++r) {
      open[Metric::kTtfb].Record(800'000 + r * 1'000);
      open[Metric::kE2e].Record(900'000 + r * 1'000);
      open[Metric::kBytes].Record(15);
    }
    open.bytes = 15 * level.users;
    level.steps = {{"chat: open", open}, {"chat: stream", level.stats}};
    level.stats.Merge(open);
  }
  return result;
}

}  // namespace stampede::report::testing
