// The error categories a failed request is counted under (docs/result-schema.md): transport
// outcomes are values, never exceptions (STYLE.md), and each maps to one category name.
#pragma once

#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace stampede::load {

// Which deadline a request ran into.
enum class Deadline { kNone, kConnect, kTtfb, kIdle, kTotal };

inline constexpr std::string_view kRefused = "refused";
inline constexpr std::string_view kReset = "reset";
inline constexpr std::string_view kIncomplete = "incomplete";
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kTls = "tls";
inline constexpr std::string_view kIo = "io";

// "timeout.connect", "timeout.ttfb", "timeout.idle", "timeout.total".
std::string_view TimeoutCategory(Deadline deadline);
// "refused", "reset", "tls", or "io" for a socket error (not a timeout, not EOF).
std::string_view TransportCategory(const boost::system::error_code& ec);
// "http.503".
std::string HttpCategory(int status);
// "check.min_events".
std::string CheckCategory(std::string_view check);

}  // namespace stampede::load
