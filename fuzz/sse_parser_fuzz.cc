// Fuzzes SseParser: the input is parsed whole, split in two at a position taken from its first
// byte, and byte by byte; all three must report the same events, and no event may break the
// format's own rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/sse_parser.h"

namespace {

struct Digest {
  std::int64_t events = 0;
  std::int64_t comments = 0;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over every event and the error
  bool ok = true;

  bool operator==(const Digest&) const = default;
};

void Mix(std::uint64_t& hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  hash = (hash ^ bytes.size()) * 1099511628211ull;
}

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

Digest Run(std::string_view input, std::size_t split, bool bytewise, std::size_t max_line) {
  Digest digest;
  stampede::protocol::SseParser parser(
      [&](const stampede::protocol::SseEvent& event) {
        // Line ends never leak into fields; data is joined by LF only.
        Check(!event.type.empty());
        Check(event.type.find_first_of("\r\n") == std::string_view::npos);
        Check(event.id.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
        Check(event.data.find('\r') == std::string_view::npos);
        Check(event.data.size() <= max_line);
        Check(!event.retry || *event.retry >= 0);
        Mix(digest.hash, event.type);
        Mix(digest.hash, event.data);
        Mix(digest.hash, event.id);
        Mix(digest.hash, event.retry ? std::to_string(*event.retry) : "-");
      },
      max_line);
  auto feed = [&](std::string_view piece) {
    if (!digest.ok) return;
    auto fed = parser.Feed(piece);
    if (!fed) {
      digest.ok = false;
      Mix(digest.hash, fed.error().message);
    }
  };
  if (bytewise) {
    for (std::size_t i = 0; i < input.size(); ++i) feed(input.substr(i, 1));
  } else {
    feed(input.substr(0, split));
    feed(input.substr(split));
  }
  digest.events = parser.events();
  digest.comments = parser.comments();
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] * size / 256;
  // A small limit makes the line-length errors reachable; a large one exercises long events.
  for (const std::size_t max_line : {std::size_t{24}, std::size_t{1} << 20}) {
    const Digest whole = Run(input, size, false, max_line);
    Check(Run(input, split, false, max_line) == whole);
    if (size <= 4096) Check(Run(input, 0, true, max_line) == whole);
    // Each event needs a data line and a blank line; each comment a line of its own.
    std::int64_t line_ends = 0;
    for (const char c : input) line_ends += (c == '\n' || c == '\r') ? 1 : 0;
    Check(2 * whole.events <= line_ends);
    Check(whole.comments <= line_ends);
  }
  return 0;
}
