#include "core/units.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

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

// `x` (>= 0) to three significant digits: "4.21", "42.1", "421". Rounding can carry into the
// next decade (9.996 -> "10.00", 999.7 -> "1000"), so the digits are counted after rounding:
// a carry drops a decimal, and reaching `limit` returns nullopt so the caller moves to the next
// unit ("1.00ms", not "1000µs").
std::optional<std::string> ThreeDigits(double x, double limit, int max_decimals = 2) {
  static constexpr double kDecade[] = {1000, 100, 10};  // the first value with too many digits
  int decimals = std::min(max_decimals, x >= 100 ? 0 : x >= 10 ? 1 : 2);
  while (true) {
    std::string text = fmt::format("{:.{}f}", x, decimals);
    double rounded = 0;
    std::from_chars(text.data(), text.data() + text.size(), rounded);
    if (rounded >= limit) return std::nullopt;
    if (decimals > 0 && rounded >= kDecade[decimals]) {
      --decimals;
      continue;
    }
    return text;
  }
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
    return MakeError(
        fmt::format("invalid duration \"{}\": expected a number with a unit, e.g. "
                    "300ms, 1.5s, 2m",
                    text));
  }
  struct UnitScale {
    std::string_view name;
    double nanos;
  };
  // Both micro signs: U+00B5 (what FormatDuration writes) and U+03BC (Greek mu, which some
  // keyboards type and which looks the same).
  static constexpr UnitScale kUnits[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9},
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
  return MakeError(fmt::format(
      "duration \"{}\" has unknown unit \"{}\" (use ns, us, ms, s, m or h)", text, unit));
}

Result<std::int64_t> ParseSize(std::string_view text) {
  text = Trim(text);
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, number, unit)) {
    return MakeError(fmt::format(
        "invalid size \"{}\": expected a number with an optional unit, e.g. 1KB", text));
  }
  struct UnitScale {
    std::string_view name;
    double bytes;
  };
  static constexpr UnitScale kUnits[] = {
      {"", 1.0},
      {"b", 1.0},
      {"k", 1e3},
      {"kb", 1e3},
      {"m", 1e6},
      {"mb", 1e6},
      {"g", 1e9},
      {"gb", 1e9},
      {"kib", 1024.0},
      {"mib", 1048576.0},
      {"gib", 1073741824.0},
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
  // The magnitude as unsigned, so that INT64_MIN has one.
  const std::uint64_t magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  if (magnitude < 1000) return fmt::format("{}ns", value);
  const std::string_view sign = value < 0 ? "-" : "";
  struct Scale {
    double nanos;
    std::string_view unit;
    double limit;  // where the next unit takes over
  };
  static constexpr Scale kScales[] = {{1e3, "µs", 1000}, {1e6, "ms", 1000}, {1e9, "s", 60}};
  for (const auto& scale : kScales) {
    const double x = static_cast<double>(magnitude) / scale.nanos;
    if (x >= scale.limit) continue;
    if (auto text = ThreeDigits(x, scale.limit))
      return fmt::format("{}{}{}", sign, *text, scale.unit);
  }
  // Whole seconds below an hour, whole minutes above, rounded to nearest like the units above.
  constexpr auto kSecondNanos = static_cast<std::uint64_t>(kSecond);
  constexpr auto kMinuteNanos = static_cast<std::uint64_t>(kMinute);
  const std::uint64_t seconds = (magnitude + kSecondNanos / 2) / kSecondNanos;
  if (seconds < 3600) return fmt::format("{}{}m{:02d}s", sign, seconds / 60, seconds % 60);
  const std::uint64_t minutes = (magnitude + kMinuteNanos / 2) / kMinuteNanos;
  return fmt::format("{}{}h{:02d}m", sign, minutes / 60, minutes % 60);
}

std::string FormatBytes(double bytes) {
  const std::string_view sign = bytes < 0 ? "-" : "";
  const double magnitude = std::fabs(bytes);
  if (auto text = ThreeDigits(magnitude, 1000, /*max_decimals=*/0)) {
    return fmt::format("{}{} B", sign, *text);
  }
  static constexpr std::string_view kUnits[] = {"KB", "MB", "GB", "TB"};
  double value = magnitude;
  for (auto unit : kUnits) {
    value /= 1000;
    const double limit = unit == "TB" ? std::numeric_limits<double>::infinity() : 1000;
    if (auto text = ThreeDigits(value, limit)) return fmt::format("{}{} {}", sign, *text, unit);
  }
  return fmt::format("{}{:.0f} TB", sign, value);
}

std::string FormatCount(std::int64_t value) {
  // The magnitude as unsigned: -INT64_MIN does not fit in an int64.
  const std::uint64_t magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace stampede::core
