// Readings of this process from /proc: what the load generator itself costs.
#pragma once

#include <cstdint>
#include <string_view>

namespace stampede::monitor {

// Peak resident set size (VmHWM) of this process in bytes; 0 if /proc is unreadable.
std::int64_t PeakRssBytes();

// The value in bytes of a "Key:   1234 kB" line of a /proc/<pid>/status text; -1 if absent.
std::int64_t StatusFieldBytes(std::string_view status_text, std::string_view key);

}  // namespace stampede::monitor
