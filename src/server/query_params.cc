#include "server/query_params.h"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

namespace stampede::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

SplitTargetResult SplitTarget(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  std::string_view query = target.substr(question + 1);
  // A fragment never reaches a server from a conforming client, but curl sends what it is given.
  if (const auto hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  return {target.substr(0, question), query};
}

std::optional<std::string> PercentDecode(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+') {
      decoded.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) return std::nullopt;
      const int high = HexValue(encoded[i + 1]);
      const int low = HexValue(encoded[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

QueryParams QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) {
      params.pairs_.emplace_back(pair, std::string_view{});
    } else {
      params.pairs_.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
    }
  }
  return params;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [key, value] : pairs_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

core::Result<std::uint64_t> QueryParams::GetUint(std::string_view name, std::uint64_t fallback,
                                                 std::uint64_t min, std::uint64_t max) const {
  const auto raw = Get(name);
  if (!raw) return fallback;
  std::uint64_t value = 0;
  const char* const end = raw->data() + raw->size();
  // from_chars accepts neither a sign nor spaces, which is what we want: "-1" and " 5" are errors.
  const auto [stop, error] = std::from_chars(raw->data(), end, value);
  if (raw->empty() || error != std::errc{} || stop != end || value < min || value > max) {
    return core::MakeError(fmt::format(
        "query parameter '{}' must be an integer from {} to {}, got '{}'", name, min, max, *raw));
  }
  return value;
}

}  // namespace stampede::server
