// Fuzzes ChunkObserver: the input is decoded whole, split in two at a position taken from its
// first byte, and byte by byte; all three must agree, and the reported chunk sizes must match
// the data handed out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/chunk_observer.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void Mix(std::uint64_t& hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
}

class Checker : public stampede::protocol::ChunkObserver::Handler {
 public:
  void OnChunkData(std::string_view data) override {
    Check(!data.empty());
    Mix(hash, data);
    chunk_bytes_ += static_cast<std::int64_t>(data.size());
    data_bytes += static_cast<std::int64_t>(data.size());
  }
  void OnChunkEnd(std::int64_t size) override {
    Check(size > 0 && size == chunk_bytes_);
    chunk_bytes_ = 0;
    ++chunk_ends;
    hash = (hash ^ static_cast<std::uint64_t>(size)) * 1099511628211ull;
  }

  std::uint64_t hash = 14695981039346656037ull;
  std::int64_t data_bytes = 0;
  std::int64_t chunk_ends = 0;

 private:
  std::int64_t chunk_bytes_ = 0;
};

struct Digest {
  std::uint64_t hash = 0;
  std::int64_t data_bytes = 0;
  std::int64_t chunks = 0;
  std::size_t consumed = 0;
  bool done = false;
  bool ok = true;

  bool operator==(const Digest&) const = default;
};

Digest Run(std::string_view input, std::size_t split, bool bytewise) {
  Checker checker;
  stampede::protocol::ChunkObserver::Limits limits;
  limits.max_line = 64;
  limits.max_chunk = 1 << 20;
  stampede::protocol::ChunkObserver observer(checker, limits);
  Digest digest;
  auto feed = [&](std::string_view piece) {
    if (!digest.ok) return;
    auto consumed = observer.Feed(piece);
    if (!consumed) {
      digest.ok = false;
      Mix(checker.hash, consumed.error().message);
      return;
    }
    Check(*consumed <= piece.size());
    Check(*consumed == piece.size() || observer.done());
    digest.consumed += *consumed;
  };
  if (bytewise) {
    for (std::size_t i = 0; i < input.size(); ++i) feed(input.substr(i, 1));
  } else {
    feed(input.substr(0, split));
    feed(input.substr(split));
  }
  Check(observer.chunks() == checker.chunk_ends);
  digest.hash = checker.hash;
  digest.data_bytes = checker.data_bytes;
  digest.chunks = observer.chunks();
  digest.done = observer.done();
  if (!digest.ok) digest.consumed = 0;  // not meaningful after an error
  // The framing costs at least 3 bytes per chunk ("1\n" and "\n") plus the last chunk.
  Check(!digest.done ||
        digest.data_bytes + 3 * digest.chunks + 2 <= static_cast<std::int64_t>(digest.consumed));
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] * size / 256;
  const Digest whole = Run(input, size, false);
  Check(Run(input, split, false) == whole);
  if (size <= 4096) Check(Run(input, 0, true) == whole);
  return 0;
}
