// The deterministic content of GET /bytes/{n}: a counter-based pseudo-random byte stream. Word
// i (bytes 8i to 8i+7, little-endian) is SplitMix64's output for the counter i of the seed, so
// any slice is generated on its own, in any order, and the same (seed, offset) gives the same
// bytes on every request, thread and machine. Not for cryptography.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace stampede::server {

// Writes bytes [offset, offset + out.size()) of the stream of `seed` into `out`.
void FillContent(std::uint64_t seed, std::uint64_t offset, std::span<char> out);

// The first `size` bytes of the stream (for tests and small bodies).
std::string MakeContent(std::uint64_t seed, std::uint64_t size, std::uint64_t offset = 0);

}  // namespace stampede::server
