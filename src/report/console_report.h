// Text formatters for the terminal: the live progress line and the final per-level table with
// its error breakdown. Pure functions of the result model (golden-file tested).
#pragma once

#include <string>

#include "stats/run_result.h"

namespace stampede::report {

// "level 3/5 · 200 users · 4.2s · active 180 · done 20 · errors 0 · ttfe p95 301ms".
std::string FormatProgressLine(const stats::LiveStatus& status);
// One line when a level ends: "level 3/5 · 200 users: 100.0% ok, ttfe p95 302ms, 151 req/s".
std::string FormatLevelLine(const stats::LevelResult& level, int level_count);
// The per-level table: users, success %, complete %, e2e avg/p95, ttfb avg, ttfe avg/p95,
// gap p99, events (or chunks) avg, bytes avg, req/s.
std::string FormatLevelTable(const stats::RunResult& result);
// Per level and step, like Locust's per-endpoint table: requests, failures, e2e avg, p50, p95,
// p99, max, req/s. FormatSummary shows it when a level has more than one step.
std::string FormatStepTable(const stats::RunResult& result);
// Failed requests by category and level; "errors: none" when there were none.
std::string FormatErrorBreakdown(const stats::RunResult& result);
// A header naming the target and the load, then the table and the error breakdown.
std::string FormatSummary(const stats::RunResult& result);

}  // namespace stampede::report
