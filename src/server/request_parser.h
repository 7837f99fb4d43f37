// How the mock parses a request, shared by Connection and the fuzz target: Beast's parser with
// the header and body limits of the options (beyond them: 431 and 413).
#pragma once

#include <algorithm>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <limits>

#include "server/server_options.h"

namespace stampede::server {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

inline void ApplyRequestLimits(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(static_cast<std::uint64_t>(options.max_body_bytes));
}

}  // namespace stampede::server
