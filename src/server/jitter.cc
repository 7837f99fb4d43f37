#include "server/jitter.h"

#include <algorithm>
#include <cmath>

namespace stampede::server {

std::chrono::steady_clock::time_point Jitter(std::chrono::steady_clock::time_point due,
                                             std::chrono::steady_clock::time_point not_before,
                                             std::chrono::milliseconds jitter,
                                             core::Random& random) {
  if (jitter.count() > 0) {
    const auto span = static_cast<double>(std::chrono::nanoseconds(jitter).count());
    due += std::chrono::nanoseconds(std::llround(random.Uniform(-span, span)));
  }
  return std::max(due, not_before);
}

}  // namespace stampede::server
