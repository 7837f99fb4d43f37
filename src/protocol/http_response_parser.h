// Parses HTTP/1.1 responses (RFC 9112) from a byte stream, sans-I/O: status line, headers,
// then the body framed by Content-Length, chunked transfer coding, or the connection's close.
// Body bytes come out decoded, with chunk boundaries reported, so the caller can time each
// chunk as it is parsed. Several responses may follow each other on one connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "protocol/chunk_observer.h"

namespace stampede::protocol {

struct HttpResponseHead {
  int version_minor = 1;  // HTTP/1.x
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as received
  std::optional<std::int64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;  // false for "Connection: close", or HTTP/1.0 without keep-alive

  // First header with this name, case-insensitive.
  std::optional<std::string_view> Header(std::string_view name) const;
};

class HttpResponseParser {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // The final (non-1xx) response head is complete. 1xx interim responses are skipped.
    virtual void OnHead(const HttpResponseHead& head) = 0;
    // Decoded body bytes (transfer coding removed).
    virtual void OnBody(std::string_view data) = 0;
    // A chunk of the chunked transfer coding with `size` data bytes ended (chunked bodies only).
    virtual void OnChunkEnd(std::int64_t size) = 0;
    // The whole response has been received.
    virtual void OnComplete() = 0;
  };

  struct Limits {
    std::size_t max_head_bytes = 64 * 1024;  // status line + headers
    std::size_t max_headers = 128;
  };

  explicit HttpResponseParser(Handler& handler) : HttpResponseParser(handler, Limits{}) {}
  HttpResponseParser(Handler& handler, Limits limits);

  // Prepares for the next response on the connection. A response to HEAD, and 204/304
  // responses, have no body.
  void Reset(bool head_request = false);

  // Consumes response bytes. Returns how many were consumed: fewer than given only after the
  // response completed (the rest belongs to the next response). An error means the bytes are not
  // HTTP/1.1 (bad status line, bad header, conflicting lengths, bad chunk framing, too large).
  core::Result<std::size_t> Feed(std::string_view bytes);

  // The peer closed the connection. Completes a body delimited by the close (no Content-Length,
  // not chunked), calling OnComplete. Returns an error when the response was cut short: before
  // the head ended, or before Content-Length bytes or the last chunk arrived.
  core::Result<void> FinishOnEof();

  bool head_done() const;
  bool complete() const;
  std::int64_t body_bytes() const;

 private:
  enum class State : std::uint8_t {
    kHead,
    kFixedBody,  // Content-Length
    kChunkedBody,
    kBodyUntilEof,  // neither: the body ends when the connection closes
    kComplete,
    kError,
  };

  // Adapts ChunkObserver's callbacks to this parser's handler.
  struct ChunkForwarder final : ChunkObserver::Handler {
    HttpResponseParser* parser = nullptr;
    void OnChunkData(std::string_view data) override;
    void OnChunkEnd(std::int64_t size) override;
  };

  core::Error Fail(std::string message);
  void ResetHead();
  core::Result<std::size_t> FeedHead(std::string_view bytes);
  core::Result<void> ParseHeadLine(std::string_view line);
  core::Result<void> ParseStatusLine(std::string_view line);
  core::Result<void> ParseHeaderLine(std::string_view line);
  core::Result<void> ParseContentLength(std::string_view value);
  void EndHead();
  void Complete();

  Handler* handler_;
  Limits limits_;
  State state_ = State::kHead;
  bool head_request_ = false;
  bool status_line_seen_ = false;
  bool head_done_ = false;
  bool has_transfer_encoding_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  std::size_t head_bytes_ = 0;
  // Header fields used in head_.headers. The vector is only trimmed when a head is reported,
  // so its strings keep their capacity from one response to the next.
  std::size_t header_count_ = 0;
  std::int64_t body_bytes_ = 0;
  std::int64_t body_remaining_ = 0;
  std::string line_;  // a head line split across Feed calls
  std::string error_;
  HttpResponseHead head_;
  ChunkForwarder chunk_forwarder_;
  ChunkObserver chunk_observer_;
};

}  // namespace stampede::protocol
