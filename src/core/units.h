// Parsing and formatting of the units users type and read: durations ("300ms", "1.5s", "2m"),
// sizes ("1KB", "3200B", "2MiB"), and lists of counts ("100,250,500").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace stampede::core {

// Accepts a number with a unit: ns, us (or µs), ms, s, m, h. A bare number is rejected so that
// "30" is never silently read as 30 ns or 30 s. Fractions are allowed ("1.5s").
Result<Nanos> ParseDuration(std::string_view text);

// Accepts a number with an optional unit: B, KB/MB/GB (powers of 1000), KiB/MiB/GiB (powers of
// 1024); K, M, G alone mean KB, MB, GB. A bare number is bytes. Case-insensitive.
Result<std::int64_t> ParseSize(std::string_view text);

// A comma-separated list of positive integers, e.g. "50,100,200".
Result<std::vector<std::int64_t>> ParseCountList(std::string_view text);

// "312µs", "4.21ms", "1.30s", "2m05s": three significant digits, the unit chosen by magnitude.
std::string FormatDuration(Nanos value);
// "812 B", "6.18 KB", "7.69 MB" (powers of 1000).
std::string FormatBytes(double bytes);
// "1,234,567".
std::string FormatCount(std::int64_t value);

}  // namespace stampede::core
