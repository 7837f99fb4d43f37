// Decodes the HTTP/1.1 chunked transfer coding (RFC 9112 §7.1) and reports where each chunk
// ends, so a stream can be measured chunk by chunk. Sans-I/O: feed bytes split anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace stampede::protocol {

class ChunkObserver {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Data of the current chunk; one chunk may arrive in several calls.
    virtual void OnChunkData(std::string_view data) = 0;
    // The chunk of `size` data bytes (> 0) is complete.
    virtual void OnChunkEnd(std::int64_t size) = 0;
  };

  struct Limits {
    std::size_t max_line = 8192;  // chunk-size line with extensions, and each trailer line
    std::int64_t max_chunk = std::int64_t{1} << 40;
  };

  explicit ChunkObserver(Handler& handler) : ChunkObserver(handler, Limits{}) {}
  ChunkObserver(Handler& handler, Limits limits);

  // Consumes bytes of the chunked body. Stops after the last chunk and its trailers, so the
  // bytes after the message (a pipelined next response) are left unconsumed. Returns the number
  // of bytes consumed, or an error for malformed framing (bad hex, missing CRLF, line too long).
  core::Result<std::size_t> Feed(std::string_view bytes);

  // True once the zero-size last chunk and the trailer section have been consumed.
  bool done() const;
  std::int64_t chunks() const { return chunks_; }
  void Reset();

 private:
  // HttpResponseParser re-points handler_ at its own forwarder before each Feed, so that the
  // parser stays safely copyable and movable.
  friend class HttpResponseParser;

  enum class State : std::uint8_t {
    kSize,       // hex digits of chunk-size
    kSizeSpace,  // whitespace after chunk-size, before ';' or the line end
    kExtension,  // chunk-ext, ignored up to the line end
    kSizeLf,     // CR seen at the end of the chunk-size line
    kData,
    kDataCr,  // chunk data complete, CRLF expected
    kDataLf,
    kTrailerStart,  // start of a trailer line, or of the final empty line
    kTrailerLine,
    kTrailerLineLf,
    kTrailerEndLf,  // CR of the final empty line seen
    kDone,
    kError,
  };

  core::Error Fail(std::string message);
  bool InTrailers() const;

  Handler* handler_;
  Limits limits_;
  State state_ = State::kSize;
  std::int64_t size_ = 0;       // the chunk-size being parsed, then the current chunk's size
  std::int64_t remaining_ = 0;  // data bytes of the current chunk still to come
  std::size_t line_bytes_ = 0;  // of the chunk-size or trailer line being parsed
  bool has_digits_ = false;
  std::string error_;  // kept so that a Feed after an error reports it again
  std::int64_t chunks_ = 0;
};

}  // namespace stampede::protocol
