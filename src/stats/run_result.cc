#include "stats/run_result.h"

namespace stampede::stats {

double LevelResult::SuccessRate() const {
  return stats.requests ? static_cast<double>(stats.succeeded) / static_cast<double>(stats.requests)
                        : 0.0;
}

double LevelResult::CompleteRate() const {
  return stats.requests ? static_cast<double>(stats.completed) / static_cast<double>(stats.requests)
                        : 0.0;
}

double LevelResult::RequestsPerSecond() const {
  return duration > 0 ? static_cast<double>(stats.requests) / duration : 0.0;
}

}  // namespace stampede::stats
