// The HOST:PORT a server listens on, as written on the command line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace stampede::server {

struct ListenAddress {
  std::string host;  // a name or an address literal, IPv6 without brackets
  std::uint16_t port = 0;
};

// Accepts "127.0.0.1:8080", "localhost:0", "[::1]:8080" and ":8080" (every interface).
core::Result<ListenAddress> ParseListenAddress(std::string_view text);

// The inverse: brackets an IPv6 literal so the result can go into a URL.
std::string FormatHostPort(std::string_view host, std::uint16_t port);

}  // namespace stampede::server
