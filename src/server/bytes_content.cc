#include "server/bytes_content.h"

#include <bit>
#include <cstring>

namespace stampede::server {
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

constexpr std::uint64_t Mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Word `index` of the stream whose key is Mix(seed).
constexpr std::uint64_t Word(std::uint64_t key, std::uint64_t index) {
  return Mix(key + (index + 1) * kGolden);
}

void StoreLittleEndian(std::uint64_t word, char* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &word, sizeof(word));
  } else {
    for (int i = 0; i < 8; ++i)
      out[i] = static_cast<char>(static_cast<unsigned char>(word >> (8 * i)));
  }
}

}  // namespace

void FillContent(std::uint64_t seed, std::uint64_t offset, std::span<char> out) {
  const std::uint64_t key = Mix(seed);
  char* next = out.data();
  char* const end = out.data() + out.size();
  std::uint64_t index = offset / 8;
  char word_bytes[8];
  // A slice that starts inside a word takes that word's tail first.
  if (const std::size_t skip = offset % 8; skip != 0 && next != end) {
    StoreLittleEndian(Word(key, index++), word_bytes);
    for (std::size_t i = skip; i < 8 && next != end; ++i) *next++ = word_bytes[i];
  }
  // Whole words: the bulk of every slice, and the speed that matters for multi-GiB bodies.
  while (end - next >= 8) {
    StoreLittleEndian(Word(key, index++), next);
    next += 8;
  }
  if (next != end) {
    StoreLittleEndian(Word(key, index), word_bytes);
    for (std::size_t i = 0; next != end; ++i) *next++ = word_bytes[i];
  }
}

std::string MakeContent(std::uint64_t seed, std::uint64_t size, std::uint64_t offset) {
  std::string content(static_cast<std::size_t>(size), '\0');
  FillContent(seed, offset, content);
  return content;
}

}  // namespace stampede::server
