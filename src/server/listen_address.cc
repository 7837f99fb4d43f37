#include "server/listen_address.h"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

namespace stampede::server {

core::Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const auto usage = [text](std::string_view why) {
    return core::MakeError(fmt::format(
        "invalid listen address '{}': {} (expected HOST:PORT, e.g. 127.0.0.1:8080)", text, why));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return usage("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return usage("an IPv6 address needs brackets, e.g. [::1]:8080");
  }
  unsigned port = 0;
  const char* const end = port_text.data() + port_text.size();
  const auto [stop, error] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || error != std::errc{} || stop != end || port > 65535) {
    return usage("the port must be a number from 0 to 65535");
  }
  return ListenAddress{host.empty() ? std::string("0.0.0.0") : std::string(host),
                       static_cast<std::uint16_t>(port)};
}

std::string FormatHostPort(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace stampede::server
