#include "stats/level_stats.h"

namespace stampede::stats {

std::string_view MetricName(Metric metric) {
  static constexpr std::array<std::string_view, kMetricCount> kNames = {
      "connect", "ttfb",  "ttfe",    "e2e",      "gap",     "chunks",
      "events",  "bytes", "request", "intended", "message", "send_lateness"};
  return kNames[static_cast<int>(metric)];
}

bool IsDuration(Metric metric) {
  return metric != Metric::kChunks && metric != Metric::kEvents && metric != Metric::kBytes;
}

LevelStats::LevelStats()
    : metrics{Histogram::ForDurations(), Histogram::ForDurations(), Histogram::ForDurations(),
              Histogram::ForDurations(), Histogram::ForDurations(), Histogram::ForCounts(),
              Histogram::ForCounts(),    Histogram::ForCounts(),    Histogram::ForDurations(),
              Histogram::ForDurations(), Histogram::ForDurations(), Histogram::ForDurations()} {}

void LevelStats::Merge(const LevelStats& other) {
  requests += other.requests;
  succeeded += other.succeeded;
  completed += other.completed;
  interrupted += other.interrupted;
  connections += other.connections;
  attempts += other.attempts;
  retried += other.retried;
  for (const auto& [category, count] : other.retried_errors) retried_errors[category] += count;
  events += other.events;
  chunks += other.chunks;
  bytes += other.bytes;
  for (const auto& [category, count] : other.errors) errors[category] += count;
  for (const auto& [variant, count] : other.body_variants) {
    if (body_variants.size() < kMaxBodyVariants || body_variants.count(variant)) {
      body_variants[variant] += count;
    } else {
      body_variants["other"] += count;
    }
  }
  for (int i = 0; i < kMetricCount; ++i) metrics[i].Merge(other.metrics[i]);
}

}  // namespace stampede::stats
