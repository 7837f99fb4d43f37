#include "server/bytes_route.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "server/bytes_content.h"
#include "server/sha256.h"

namespace stampede::server {
namespace {

constexpr std::uint64_t kSliceBytes = 64 * 1024;
constexpr std::uint64_t kSlicesPerSecond = 50;
constexpr std::uint64_t kMaxRate = std::uint64_t{1} << 40;  // 1 TiB/s: no throttle, in effect
// Hashing yields to the event loop after each step (well under a millisecond of work).
constexpr std::uint64_t kHashStep = 1024 * 1024;
// Digests of bodies this large are worth remembering; a few hundred of them cost nothing.
constexpr std::uint64_t kCachedFrom = 1024 * 1024;
constexpr std::size_t kCacheEntries = 256;

// Shared by the workers of the process: a repeated 8 GiB download hashes once.
class DigestCache {
 public:
  std::optional<std::string> Find(std::uint64_t seed, std::uint64_t size) {
    const std::lock_guard lock(mutex_);
    const auto found = digests_.find({seed, size});
    if (found == digests_.end()) return std::nullopt;
    return found->second;
  }
  void Store(std::uint64_t seed, std::uint64_t size, const std::string& digest) {
    const std::lock_guard lock(mutex_);
    if (digests_.size() >= kCacheEntries) digests_.clear();
    digests_[{seed, size}] = digest;
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> digests_;
};

DigestCache& Cache() {
  static DigestCache cache;
  return cache;
}

}  // namespace

core::Result<BytesSpec> ParseBytesSpec(std::string_view path, const QueryParams& query,
                                       std::uint64_t default_seed) {
  constexpr std::string_view kPrefix = "/bytes/";
  const std::string_view size_text =
      path.starts_with(kPrefix) ? path.substr(kPrefix.size()) : std::string_view{};
  BytesSpec spec;
  const auto [end, ec] =
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), spec.size);
  if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size() ||
      spec.size > kMaxBytes) {
    return core::MakeError(fmt::format(
        "path must be /bytes/<n> with n an integer from 0 to {}, got '{}'", kMaxBytes, path));
  }
  auto seed = query.GetUint("seed", default_seed, 0, UINT64_MAX);
  if (!seed) return seed.error();
  auto rate = query.GetUint("rate", 0, 0, kMaxRate);
  if (!rate) return rate.error();
  spec.seed = *seed;
  spec.rate = *rate;
  if (spec.rate > 0 &&
      spec.size / spec.rate >=
          static_cast<std::uint64_t>(std::chrono::seconds(kMaxThrottledDuration).count())) {
    return core::MakeError(fmt::format(
        "query parameter 'rate' is too low: {} bytes at {} bytes/s would take longer than 24 h",
        spec.size, spec.rate));
  }
  return spec;
}

std::uint64_t SliceBytes(const BytesSpec& spec) {
  if (spec.rate == 0) return kSliceBytes;
  return std::clamp<std::uint64_t>(spec.rate / kSlicesPerSecond, 1, kSliceBytes);
}

std::chrono::nanoseconds SliceDue(const BytesSpec& spec, std::uint64_t end) {
  if (spec.rate == 0) return std::chrono::nanoseconds(0);
  // end <= 2^33, so end * 10^9 < 2^64: exact, and the quotient is below 24 h.
  const std::uint64_t nanos = end * std::uint64_t{1'000'000'000} / spec.rate;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(nanos));
}

boost::asio::awaitable<std::string> ContentDigest(std::uint64_t seed, std::uint64_t size,
                                                  const Responder& responder) {
  if (size >= kCachedFrom) {
    if (auto cached = Cache().Find(seed, size)) co_return std::move(*cached);
  }
  const auto executor = co_await boost::asio::this_coro::executor;
  Sha256 hash;
  std::string slice(static_cast<std::size_t>(std::min(size, kHashStep)), '\0');
  for (std::uint64_t offset = 0; offset < size; offset += slice.size()) {
    const auto length =
        static_cast<std::size_t>(std::min<std::uint64_t>(slice.size(), size - offset));
    FillContent(seed, offset, std::span<char>(slice.data(), length));
    hash.Update(std::span<const char>(slice.data(), length));
    if (offset + length < size) {
      co_await boost::asio::post(executor, boost::asio::use_awaitable);
      // A client gone (or a server stopping) mid-hash: nobody will read the header.
      if (!responder.connection_open()) co_return std::string();
    }
  }
  std::string digest = hash.FinishHex();
  if (size >= kCachedFrom) Cache().Store(seed, size, digest);
  co_return digest;
}

boost::asio::awaitable<void> ServeBytes(BytesSpec spec, Responder& responder) {
  const std::string digest = co_await ContentDigest(spec.seed, spec.size, responder);
  if (!responder.connection_open()) co_return;
  const std::string headers = "X-Content-SHA256: " + digest + "\r\n";
  if (co_await responder.SendBodyHead(200, "application/octet-stream", spec.size, headers)) {
    co_return;
  }
  const std::uint64_t slice_bytes = SliceBytes(spec);
  responder.ExpectParts((spec.size + slice_bytes - 1) / slice_bytes);
  std::string slice(static_cast<std::size_t>(std::min(spec.size, slice_bytes)), '\0');
  const auto start = responder.request_read_at();
  for (std::uint64_t offset = 0; offset < spec.size;) {
    const auto length =
        static_cast<std::size_t>(std::min<std::uint64_t>(slice_bytes, spec.size - offset));
    if (spec.rate > 0 && co_await responder.WaitUntil(start + SliceDue(spec, offset + length))) {
      co_return;
    }
    FillContent(spec.seed, offset, std::span<char>(slice.data(), length));
    if (co_await responder.SendBodyPart(std::string_view(slice.data(), length))) co_return;
    offset += length;
  }
}

}  // namespace stampede::server
