#include "server/request_knobs.h"

#include <charconv>
#include <string>

namespace stampede::server {

std::string RequestKnobs::HeaderName(std::string_view name) {
  std::string header = "x-stampede-";
  for (char c : name) header.push_back(c == '_' ? '-' : c);
  return header;
}

std::optional<std::string> RequestKnobs::Get(std::string_view name) const {
  if (const auto raw = query_.Get(name)) return PercentDecode(*raw);
  const auto it = request_.find(HeaderName(name));
  if (it == request_.end()) return std::nullopt;
  return std::string(it->value());
}

core::Result<std::uint64_t> RequestKnobs::GetUint(std::string_view name, std::uint64_t fallback,
                                                  std::uint64_t min, std::uint64_t max) const {
  const auto text = Get(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < min ||
      value > max) {
    return core::MakeError("invalid " + std::string(name) + "=\"" + *text +
                           "\": expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return value;
}

core::Result<double> RequestKnobs::GetDouble(std::string_view name, double fallback, double min,
                                             double max) const {
  const auto text = Get(name);
  if (!text) return fallback;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || !(value >= min) ||
      !(value <= max)) {
    return core::MakeError("invalid " + std::string(name) + "=\"" + *text +
                           "\": expected a number from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return value;
}

}  // namespace stampede::server
