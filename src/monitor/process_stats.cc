#include "monitor/process_stats.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace stampede::monitor {

std::int64_t StatusFieldBytes(std::string_view status_text, std::string_view key) {
  std::size_t at = 0;
  while (at < status_text.size()) {
    const std::size_t end = std::min(status_text.find('\n', at), status_text.size());
    std::string_view line = status_text.substr(at, end - at);
    at = end + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':') {
      continue;
    }
    line.remove_prefix(key.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
    if (ec != std::errc()) return -1;
    const std::string_view unit(ptr, static_cast<std::size_t>(line.data() + line.size() - ptr));
    return unit.find("kB") != std::string_view::npos ? value * 1024 : value;
  }
  return -1;
}

std::int64_t PeakRssBytes() {
  std::ifstream in("/proc/self/status");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::int64_t peak = StatusFieldBytes(text, "VmHWM");
  return peak < 0 ? 0 : peak;
}

}  // namespace stampede::monitor
