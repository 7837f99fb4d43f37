// Fuzzes HttpResponseParser as a client drives it: responses are parsed one after another from
// the input (Reset after each, as a response to HEAD when the first byte is odd), then the
// connection closes. The input is fed whole, split in two at a position taken from its first
// byte, and byte by byte; all three must agree, and the callbacks must follow the contract.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/http_response_parser.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

// Body bytes are mixed without their length: how the body is divided into OnBody calls depends
// on the split and must not change the digest.
void MixBytes(std::uint64_t& hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
}

void Mix(std::uint64_t& hash, std::string_view text) {
  MixBytes(hash, text);
  hash = (hash ^ text.size()) * 1099511628211ull;
}

void Mix(std::uint64_t& hash, std::int64_t value) {
  hash = (hash ^ static_cast<std::uint64_t>(value)) * 1099511628211ull;
}

class Checker : public stampede::protocol::HttpResponseParser::Handler {
 public:
  void OnHead(const stampede::protocol::HttpResponseHead& head) override {
    Check(!in_response_);
    Check(head.status >= 100 && head.status <= 999);
    Check(head.status >= 200 || head.status == 101);
    Check(!head.chunked || !head.content_length);
    in_response_ = true;
    chunked_ = head.chunked;
    content_length_ = head.content_length;
    body_bytes_ = 0;
    chunk_bytes_ = 0;
    ++heads;
    Mix(hash, head.status);
    Mix(hash, head.reason);
    Mix(hash, static_cast<std::int64_t>(head.headers.size()));
    for (const auto& [name, value] : head.headers) {
      Mix(hash, name);
      Mix(hash, value);
      Check(head.Header(name).has_value());
    }
    Mix(hash, head.content_length.value_or(-1));
    Mix(hash, head.chunked * 2 + head.keep_alive);
  }
  void OnBody(std::string_view data) override {
    Check(in_response_ && !data.empty());
    body_bytes_ += static_cast<std::int64_t>(data.size());
    chunk_bytes_ += static_cast<std::int64_t>(data.size());
    Check(!content_length_ || body_bytes_ <= *content_length_);
    MixBytes(hash, data);
  }
  void OnChunkEnd(std::int64_t size) override {
    Check(in_response_ && chunked_ && size > 0 && size == chunk_bytes_);
    chunk_bytes_ = 0;
    Mix(hash, size);
  }
  void OnComplete() override {
    Check(in_response_);
    Check(!chunked_ || chunk_bytes_ == 0);
    in_response_ = false;
    ++completes;
    Mix(hash, body_bytes_);
  }

  std::int64_t body_bytes() const { return body_bytes_; }

  std::uint64_t hash = 14695981039346656037ull;
  std::int64_t heads = 0;
  std::int64_t completes = 0;

 private:
  bool in_response_ = false;
  bool chunked_ = false;
  std::optional<std::int64_t> content_length_;
  std::int64_t body_bytes_ = 0;
  std::int64_t chunk_bytes_ = 0;
};

struct Digest {
  std::uint64_t hash = 0;
  std::int64_t heads = 0;
  std::int64_t completes = 0;
  bool ok = true;

  bool operator==(const Digest&) const = default;
};

Digest Run(std::string_view input, std::size_t split, bool bytewise, bool head_request) {
  Checker checker;
  stampede::protocol::HttpResponseParser::Limits limits;
  limits.max_head_bytes = 512;
  limits.max_headers = 8;
  stampede::protocol::HttpResponseParser parser(checker, limits);
  parser.Reset(head_request);
  bool ok = true;
  auto fail = [&](const stampede::core::Error& error) {
    ok = false;
    Mix(checker.hash, error.message);
  };
  auto feed = [&](std::string_view rest) {
    while (ok && !rest.empty()) {
      if (parser.complete()) parser.Reset(head_request);
      auto consumed = parser.Feed(rest);
      if (!consumed) return fail(consumed.error());
      // A fresh parser cannot complete a response without consuming it.
      Check(*consumed > 0 && *consumed <= rest.size());
      Check(*consumed == rest.size() || parser.complete());
      if (parser.head_done()) Check(parser.body_bytes() == checker.body_bytes());
      rest.remove_prefix(*consumed);
    }
  };
  if (bytewise) {
    for (std::size_t i = 0; i < input.size(); ++i) feed(input.substr(i, 1));
  } else {
    feed(input.substr(0, split));
    feed(input.substr(split));
  }
  if (ok) {
    const bool was_complete = parser.complete();
    auto finished = parser.FinishOnEof();
    if (!finished) fail(finished.error());
    Check(finished.ok() == parser.complete());
    if (was_complete) Check(finished.ok());
  }
  Check(checker.completes == checker.heads || checker.completes + 1 == checker.heads);
  return {checker.hash, checker.heads, checker.completes, ok};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] * size / 256;
  const bool head_request = size > 0 && (data[0] & 1) != 0;
  const Digest whole = Run(input, size, false, head_request);
  Check(Run(input, split, false, head_request) == whole);
  if (size <= 4096) Check(Run(input, 0, true, head_request) == whole);
  return 0;
}
