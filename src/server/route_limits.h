// Bounds of the per-request knobs every route accepts. They keep a typo from asking for an
// exabyte, and keep start + initial + count * delay inside steady_clock's range (±292 years).
#pragma once

#include <cstdint>

namespace stampede::server {

inline constexpr std::uint64_t kMaxDelayMs = 3'600'000;  // one hour
inline constexpr std::uint64_t kMaxCount = 1'000'000;
inline constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{16} * 1024 * 1024;
inline constexpr std::uint64_t kMaxEventBytes = std::uint64_t{1024} * 1024;

}  // namespace stampede::server
