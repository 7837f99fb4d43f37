// The per-request knobs of the mock: each is read from the query string, or else from an
// `x-stampede-<name>` header (underscores become dashes: initial_ms -> x-stampede-initial-ms),
// so clients that cannot change the URL (an SDK with a fixed path) can still set them.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/query_params.h"

namespace stampede::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class RequestKnobs {
 public:
  // Both must outlive the knobs.
  RequestKnobs(const QueryParams& query, const HttpRequest& request)
      : query_(query), request_(request) {}

  // The raw value: the query's (percent-decoded) first, else the header's.
  std::optional<std::string> Get(std::string_view name) const;
  // A decimal integer in [min, max], or `fallback` when absent; the error names the knob.
  core::Result<std::uint64_t> GetUint(std::string_view name, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max) const;
  // A decimal number in [min, max], or `fallback` when absent.
  core::Result<double> GetDouble(std::string_view name, double fallback, double min,
                                 double max) const;

  // "x-stampede-initial-ms" for "initial_ms".
  static std::string HeaderName(std::string_view name);

 private:
  const QueryParams& query_;
  const HttpRequest& request_;
};

}  // namespace stampede::server
