#include "scenario/url.h"

#include <fmt/format.h>

#include <charconv>

namespace stampede::scenario {

std::string Url::HostHeader() const {
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? bracketed : fmt::format("{}:{}", bracketed, port);
}

std::string Url::ToString() const { return fmt::format("{}://{}{}", scheme, HostHeader(), target); }

core::Result<Url> ParseUrl(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return core::MakeError(
        fmt::format("invalid URL \"{}\": expected http://host[:port]/path or https://...", text));
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  for (char& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "https") {
    return core::MakeError(fmt::format(
        "unsupported URL scheme \"{}\" in \"{}\" (use http or https)", url.scheme, text));
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start == std::string_view::npos) {
    url.target = "/";
  } else {
    url.target = rest[path_start] == '?' ? "/" : "";
    url.target.append(rest.substr(path_start));
  }
  if (authority.find('@') != std::string_view::npos) {
    return core::MakeError(fmt::format(
        "URL \"{}\" has credentials: pass them with -H 'Authorization: ...' instead", text));
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return core::MakeError(fmt::format("invalid IPv6 address in URL \"{}\"", text));
    }
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return core::MakeError(fmt::format("invalid URL \"{}\" after the address", text));
      }
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return core::MakeError(fmt::format("URL \"{}\" has no host", text));
  if (port_text.empty()) {
    url.port = url.tls() ? 443 : 80;
  } else {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return core::MakeError(fmt::format("invalid port \"{}\" in URL \"{}\"", port_text, text));
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

}  // namespace stampede::scenario
