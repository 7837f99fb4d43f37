// The query string of a request target split into name/value pairs, without copying: every
// view points into the target, which must outlive the QueryParams. Sans-I/O, so the routes'
// parameter handling is tested without sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace stampede::server {

// "/sse?count=3" -> path "/sse", query "count=3". A target without '?' has an empty query.
struct SplitTargetResult {
  std::string_view path;
  std::string_view query;
};
SplitTargetResult SplitTarget(std::string_view target);

// Decodes %XX escapes and '+' (as a space, per application/x-www-form-urlencoded); nullopt for
// a malformed escape.
std::optional<std::string> PercentDecode(std::string_view encoded);

class QueryParams {
 public:
  QueryParams() = default;
  // Never fails: empty pairs ("a=1&&b=2") are skipped, a name without '=' has an empty value.
  static QueryParams Parse(std::string_view query);

  // The raw (still percent-encoded) value of the first pair named `name`.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  // A non-negative decimal integer in [min, max], or `fallback` when the parameter is absent.
  // The error names the parameter, the accepted range and the value received, so it can go
  // straight into a 400 response.
  core::Result<std::uint64_t> GetUint(std::string_view name, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max) const;

  const std::vector<std::pair<std::string_view, std::string_view>>& pairs() const { return pairs_; }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> pairs_;
};

}  // namespace stampede::server
