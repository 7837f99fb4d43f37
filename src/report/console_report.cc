#include "report/console_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/units.h"

namespace stampede::report {

using core::FormatDuration;
using stats::Metric;

namespace {

std::string Percent(double rate) { return fmt::format("{:.1f}%", rate * 100.0); }

// "200" users in the closed model, "50/s" arrivals in the open one.
std::string LevelLoad(const stats::LevelResult& level) {
  return level.rate > 0 ? fmt::format("{:g}/s", level.rate) : std::to_string(level.users);
}

std::string DurationOrDash(const stats::Histogram& histogram, double value) {
  return histogram.empty() ? "-" : FormatDuration(static_cast<core::Nanos>(value));
}

// A plain text table: the first `left_columns` columns left-aligned, the rest right-aligned.
std::string RenderTable(const std::vector<std::vector<std::string>>& rows,
                        std::size_t left_columns = 1) {
  std::vector<std::size_t> widths;
  auto display_width = [](const std::string& cell) {
    // Count UTF-8 code points, not bytes, so "µs" aligns.
    return static_cast<std::size_t>(std::count_if(cell.begin(), cell.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
  };
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::size_t pad = widths[i] - display_width(row[i]);
      if (i < left_columns) {
        line += (i ? "  " : "") + row[i] + std::string(pad, ' ');
      } else {
        line += "  " + std::string(pad, ' ') + row[i];
      }
    }
    out += line + "\n";
  }
  return out;
}

bool AnyEvents(const stats::RunResult& result) {
  return std::any_of(result.levels.begin(), result.levels.end(),
                     [](const auto& level) { return level.stats.events > 0; });
}

}  // namespace

std::string FormatProgressLine(const stats::LiveStatus& status) {
  return fmt::format(
      "level {}/{} · {} users · {:.1f}s · active {} · done {} · errors {} · "
      "ttfe p95 {}{}",
      status.level_index + 1, status.level_count, status.users, status.elapsed, status.active,
      status.finished, status.failed, status.ttfe_p95 < 0 ? "-" : FormatDuration(status.ttfe_p95),
      status.stopping ? " · stopping (Ctrl-C again to cut)" : "");
}

std::string FormatLevelLine(const stats::LevelResult& level, int level_count) {
  const auto& ttfe = level.stats[Metric::kTtfe];
  return fmt::format("level {}/{} · {}{}: {} ok ({}/{}), ttfe p95 {}, {:.1f} req/s, {:.1f}s{}",
                     level.index + 1, level_count, LevelLoad(level), level.rate > 0 ? "" : " users",
                     Percent(level.SuccessRate()), level.stats.succeeded, level.stats.requests,
                     DurationOrDash(ttfe, static_cast<double>(ttfe.ValueAtPercentile(95))),
                     level.RequestsPerSecond(), level.duration,
                     level.interrupted ? " (interrupted)" : "");
}

std::string FormatLevelTable(const stats::RunResult& result) {
  const bool events = AnyEvents(result);
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"users", "success", "complete", "e2e avg", "e2e p95", "ttfb avg", "ttfe avg",
                  "ttfe p95", "gap p99", events ? "events avg" : "chunks avg", "bytes avg",
                  "req/s"});
  for (const auto& level : result.levels) {
    const auto& s = level.stats;
    const auto& e2e = s[Metric::kE2e];
    const auto& ttfb = s[Metric::kTtfb];
    const auto& ttfe = s[Metric::kTtfe];
    const auto& gap = s[Metric::kGap];
    const auto& count = s[events ? Metric::kEvents : Metric::kChunks];
    const auto& bytes = s[Metric::kBytes];
    rows.push_back({
        fmt::format("{}{}", LevelLoad(level), level.interrupted ? "*" : ""),
        Percent(level.SuccessRate()),
        Percent(level.CompleteRate()),
        DurationOrDash(e2e, e2e.Mean()),
        DurationOrDash(e2e, static_cast<double>(e2e.ValueAtPercentile(95))),
        DurationOrDash(ttfb, ttfb.Mean()),
        DurationOrDash(ttfe, ttfe.Mean()),
        DurationOrDash(ttfe, static_cast<double>(ttfe.ValueAtPercentile(95))),
        DurationOrDash(gap, static_cast<double>(gap.ValueAtPercentile(99))),
        count.empty() ? "-" : fmt::format("{:.1f}", count.Mean()),
        bytes.empty() ? "-" : core::FormatBytes(bytes.Mean()),
        fmt::format("{:.1f}", level.RequestsPerSecond()),
    });
  }
  std::string out = RenderTable(rows);
  if (std::any_of(result.levels.begin(), result.levels.end(),
                  [](const auto& level) { return level.interrupted; })) {
    out += "* interrupted: requests cut short are not counted\n";
  }
  return out;
}

std::string FormatStepTable(const stats::RunResult& result) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {"users", "step", "requests", "failures", "avg", "p50", "p95", "p99", "max", "req/s"});
  auto add_row = [&](const std::string& load, const std::string& name,
                     const stats::LevelStats& stats, double seconds) {
    const auto& e2e = stats[Metric::kE2e];
    auto at = [&](double p) {
      return DurationOrDash(e2e, static_cast<double>(e2e.ValueAtPercentile(p)));
    };
    rows.push_back(
        {load, name, core::FormatCount(stats.requests), core::FormatCount(stats.failed()),
         DurationOrDash(e2e, e2e.Mean()), at(50), at(95), at(99),
         DurationOrDash(e2e, static_cast<double>(e2e.max())),
         fmt::format("{:.1f}", seconds > 0 ? static_cast<double>(stats.requests) / seconds : 0.0)});
  };
  for (const auto& level : result.levels) {
    for (const auto& step : level.steps)
      add_row(LevelLoad(level), step.name, step.stats, level.duration);
  }
  // With several levels, each step once more over the whole run (histograms merged exactly).
  if (result.levels.size() > 1) {
    std::vector<std::string> names;
    std::vector<stats::LevelStats> totals;
    double seconds = 0;
    for (const auto& level : result.levels) {
      seconds += level.duration;
      for (std::size_t i = 0; i < level.steps.size(); ++i) {
        if (i >= names.size()) {
          names.push_back(level.steps[i].name);
          totals.emplace_back();
        }
        totals[i].Merge(level.steps[i].stats);
      }
    }
    for (std::size_t i = 0; i < names.size(); ++i) add_row("all", names[i], totals[i], seconds);
  }
  return "steps (latency is e2e of successful requests)\n" + RenderTable(rows, 2);
}

std::string FormatErrorBreakdown(const stats::RunResult& result) {
  std::set<std::string> categories;
  for (const auto& level : result.levels) {
    for (const auto& [category, count] : level.stats.errors) categories.insert(category);
  }
  if (categories.empty()) return "errors: none\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"errors"};
  for (const auto& level : result.levels) {
    header.push_back(level.rate > 0 ? LevelLoad(level) : fmt::format("{} users", level.users));
  }
  header.push_back("total");
  rows.push_back(std::move(header));
  for (const auto& category : categories) {
    std::vector<std::string> row{category};
    std::int64_t total = 0;
    for (const auto& level : result.levels) {
      const auto it = level.stats.errors.find(category);
      const std::int64_t count = it == level.stats.errors.end() ? 0 : it->second;
      total += count;
      row.push_back(count ? core::FormatCount(count) : "-");
    }
    row.push_back(core::FormatCount(total));
    rows.push_back(std::move(row));
  }
  return RenderTable(rows);
}

std::string FormatSummary(const stats::RunResult& result) {
  const auto& c = result.config;
  std::string levels;
  for (std::size_t i = 0; i < c.levels.size(); ++i) {
    levels += (i ? "," : "") + std::to_string(c.levels[i]);
  }
  for (std::size_t i = 0; i < c.rates.size(); ++i) {
    levels += fmt::format("{}{:g}/s", i ? "," : "", c.rates[i]);
  }
  std::string mode = c.mode == "burst"  ? "burst (each user one request, all at once)"
                     : c.mode == "rate" ? fmt::format("open model, {} arrivals, {:.0f}s per level",
                                                      c.arrival, c.duration)
                                        : fmt::format("duration {:.0f}s per level", c.duration);
  std::string out =
      fmt::format("\nstampede · {} {}{} · stream {} · levels {} · {}\n\n", c.method, c.target,
                  c.embedded_mock ? " (built-in mock)" : "", c.stream, levels, mode);
  out += FormatLevelTable(result);
  if (std::any_of(result.levels.begin(), result.levels.end(),
                  [](const auto& level) { return level.steps.size() > 1; })) {
    out += "\n" + FormatStepTable(result);
  }
  out += "\n";
  out += FormatErrorBreakdown(result);
  for (const auto& level : result.levels) {
    if (level.rate <= 0) continue;
    const auto& a = level.arrivals;
    out += fmt::format(
        "\n{}: {} arrivals due, {} started, {} dropped (max in flight), {} late "
        "(start lateness p99 {})",
        LevelLoad(level), a.intended, a.started, a.dropped, a.late,
        a.lateness.empty() ? "-" : FormatDuration(a.lateness.ValueAtPercentile(99)));
  }
  if (std::any_of(result.levels.begin(), result.levels.end(),
                  [](const auto& level) { return level.rate > 0; })) {
    out += "\n";
  }
  if (result.client_peak_rss_bytes > 0) {
    out += fmt::format("\nclient peak memory: {}\n",
                       core::FormatBytes(static_cast<double>(result.client_peak_rss_bytes)));
  }
  if (result.interrupted) out += "\nrun interrupted: later levels did not run\n";
  return out;
}

}  // namespace stampede::report
