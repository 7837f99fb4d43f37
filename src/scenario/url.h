// An absolute http:// or https:// URL split into what a connection and a request line need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace stampede::scenario {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target;  // path and query, at least "/"

  bool tls() const { return scheme == "https"; }
  // "host:port" as the Host header wants it (port omitted when it is the scheme's default).
  std::string HostHeader() const;
  std::string ToString() const;
};

// Parses "http://host[:port][/path][?query]"; a missing scheme is an error that says so.
core::Result<Url> ParseUrl(std::string_view text);

}  // namespace stampede::scenario
