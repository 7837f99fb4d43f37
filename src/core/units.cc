#include "core/units.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace stampede::core {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits "1.5ms" into 1.5 and "ms". Fails when there is no leading number.
bool SplitNumber(std::string_view text, double& number, std::string_view& unit) {
  std::size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  unit = Trim(text.substr(end));
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Nanos> ParseDuration(std::string_view text) {
  text = Trim(text);
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, number, unit)) {
    return MakeError(fmt::format("invalid duration \"{}\": expected a number with a unit, e.g. "
                                 "300ms, 1.5s, 2m",
                                 text));
  }
  struct UnitScale {
    std::string_view name;
    double nanos;
  };
  static constexpr UnitScale kUnits[] = {
      {"ns", 1.0},          {"us", 1e3},          {"\xC2\xB5s", 1e3},   {"ms", 1e6},
      {"s", 1e9},           {"m", 60e9},          {"h", 3600e9},
  };
  for (const auto& candidate : kUnits) {
    if (unit == candidate.name) {
      double value = number * candidate.nanos;
      if (value > static_cast<double>(std::numeric_limits<Nanos>::max() / 2)) {
        return MakeError(fmt::format("duration \"{}\" is too large", text));
      }
      return static_cast<Nanos>(std::llround(value));
    }
  }
  if (unit.empty()) {
    return MakeError(
        fmt::format("duration \"{}\" has no unit: write e.g. {}ms or {}s", text, text, text));
  }
  return MakeError(
      fmt::format("duration \"{}\" has unknown unit \"{}\" (use ns, us, ms, s, m or h)", text, unit));
}

Result<std::int64_t> ParseSize(std::string_view text) {
  text = Trim(text);
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, number, unit)) {
    return MakeError(
        fmt::format("invalid size \"{}\": expected a number with an optional unit, e.g. 1KB", text));
  }
  struct UnitScale {
    std::string_view name;
    double bytes;
  };
  static constexpr UnitScale kUnits[] = {
      {"", 1.0},      {"b", 1.0},           {"k", 1e3},          {"kb", 1e3},
      {"m", 1e6},     {"mb", 1e6},          {"g", 1e9},          {"gb", 1e9},
      {"kib", 1024.0}, {"mib", 1048576.0},  {"gib", 1073741824.0},
  };
  for (const auto& candidate : kUnits) {
    if (EqualsIgnoreCase(unit, candidate.name)) {
      double value = number * candidate.bytes;
      if (value > 9e18) return MakeError(fmt::format("size \"{}\" is too large", text));
      return static_cast<std::int64_t>(std::llround(value));
    }
  }
  return MakeError(fmt::format(
      "size \"{}\" has unknown unit \"{}\" (use B, KB, MB, GB, KiB, MiB or GiB)", text, unit));
}

Result<std::vector<std::int64_t>> ParseCountList(std::string_view text) {
  std::vector<std::int64_t> counts;
  std::string_view rest = text;
  while (true) {
    auto comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || value <= 0) {
      return MakeError(fmt::format(
          "invalid list \"{}\": \"{}\" is not a positive whole number (write e.g. 50,100,200)",
          text, item));
    }
    counts.push_back(value);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return counts;
}

std::string FormatDuration(Nanos value) {
  const double v = static_cast<double>(value);
  const double magnitude = std::fabs(v);
  auto three_digits = [](double x, std::string_view unit) {
    if (std::fabs(x) >= 100) return fmt::format("{:.0f}{}", x, unit);
    if (std::fabs(x) >= 10) return fmt::format("{:.1f}{}", x, unit);
    return fmt::format("{:.2f}{}", x, unit);
  };
  if (magnitude < 1e3) return fmt::format("{}ns", value);
  if (magnitude < 1e6) return three_digits(v / 1e3, "µs");
  if (magnitude < 1e9) return three_digits(v / 1e6, "ms");
  if (magnitude < 60e9) return three_digits(v / 1e9, "s");
  const auto total_seconds = static_cast<std::int64_t>(std::llround(v / 1e9));
  if (magnitude < 3600e9) {
    return fmt::format("{}m{:02d}s", total_seconds / 60, total_seconds % 60);
  }
  return fmt::format("{}h{:02d}m", total_seconds / 3600, (total_seconds % 3600) / 60);
}

std::string FormatBytes(double bytes) {
  if (bytes < 1000) return fmt::format("{:.0f} B", bytes);
  static constexpr std::string_view kUnits[] = {"KB", "MB", "GB", "TB"};
  double value = bytes;
  for (auto unit : kUnits) {
    value /= 1000;
    if (value < 1000 || unit == "TB") {
      if (value >= 100) return fmt::format("{:.0f} {}", value, unit);
      if (value >= 10) return fmt::format("{:.1f} {}", value, unit);
      return fmt::format("{:.2f} {}", value, unit);
    }
  }
  return {};
}

std::string FormatCount(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace stampede::core
