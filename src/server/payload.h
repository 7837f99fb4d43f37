// Deterministic printable content for mock bodies and event payloads. Byte i of a body is
// kPayloadAlphabet[i % kPayloadAlphabet.size()], so a client can verify any slice of any stream
// without the server keeping state, and the bytes are safe inside an SSE data line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::server {

inline constexpr std::string_view kPayloadAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// `size` bytes of the pattern starting at body offset `offset`.
std::string MakePayload(std::size_t size, std::uint64_t offset = 0);

}  // namespace stampede::server
