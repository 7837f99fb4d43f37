// Measures one response as its bytes are parsed: status, body bytes, chunks, events (SSE events
// or chunks, by stream mode), the time of the first byte, the first event and every gap between
// events. Sans-I/O: the caller stamps each Feed with the time its bytes were read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "load/body_digest.h"
#include "protocol/http_response_parser.h"
#include "protocol/sse_parser.h"
#include "scenario/scenario.h"

namespace stampede::load {

class ResponseObserver final : public protocol::HttpResponseParser::Handler {
 public:
  explicit ResponseObserver(scenario::StreamMode mode);
  ResponseObserver(const ResponseObserver&) = delete;
  ResponseObserver& operator=(const ResponseObserver&) = delete;

  // The stream mode of the next responses (a user's steps may differ).
  void SetMode(scenario::StreamMode mode) { configured_ = mode; }
  // What the next responses keep for their checks: the head's headers, the whole body, and
  // streaming digests of it. Off by default: a plain stream keeps nothing.
  void SetCapture(bool headers, bool body, bool sha256, bool md5);
  // Starts a new response to a request sent at `sent`.
  void Begin(core::Nanos sent, bool head_request);
  // Feeds bytes read at `now`. Returns the bytes consumed (fewer only after the response
  // completed) or a protocol error.
  core::Result<std::size_t> Feed(std::string_view bytes, core::Nanos now);
  // The connection closed at `now`: completes a close-delimited body, else reports what was cut.
  core::Result<void> FinishOnEof(core::Nanos now);

  bool complete() const { return complete_; }
  bool head_done() const { return parser_.head_done(); }
  bool got_first_byte() const { return first_byte_ >= 0; }
  bool keep_alive() const { return keep_alive_; }
  int status() const { return status_; }
  // The wait the response asked for (Retry-After / retry-after-ms), -1 when it did not.
  core::Nanos retry_after() const { return retry_after_; }
  scenario::StreamMode resolved_mode() const { return resolved_; }

  core::Nanos sent() const { return sent_; }
  core::Nanos first_byte() const { return first_byte_; }    // absolute; -1 when none
  core::Nanos first_event() const { return first_event_; }  // absolute; -1 when none
  core::Nanos last_byte() const { return last_byte_; }      // absolute; -1 when none
  std::int64_t bytes() const { return parser_.body_bytes(); }
  std::int64_t chunks() const { return chunks_; }
  std::int64_t events() const { return events_; }
  // Gaps between consecutive events of this response, in order.
  const std::vector<core::Nanos>& gaps() const { return gaps_; }
  // Kept when SetCapture asked for them.
  const protocol::HttpResponseHead& head() const { return head_; }
  const std::string& body() const { return body_; }
  const std::string& sha256() const { return sha256_hex_; }
  const std::string& md5() const { return md5_hex_; }

 private:
  void OnHead(const protocol::HttpResponseHead& head) override;
  void OnBody(std::string_view data) override;
  void OnChunkEnd(std::int64_t size) override;
  void OnComplete() override;
  void OnEvent();

  scenario::StreamMode configured_;
  scenario::StreamMode resolved_;
  protocol::HttpResponseParser parser_;
  protocol::SseParser sse_;
  bool sse_failed_ = false;

  core::Nanos now_ = 0;
  core::Nanos sent_ = 0;
  core::Nanos first_byte_ = -1;
  core::Nanos first_event_ = -1;
  core::Nanos last_event_ = -1;
  core::Nanos last_byte_ = -1;
  int status_ = 0;
  core::Nanos retry_after_ = -1;
  bool keep_alive_ = false;
  bool complete_ = false;
  std::int64_t chunks_ = 0;
  std::int64_t events_ = 0;
  std::vector<core::Nanos> gaps_;  // capacity kept across responses of one user
  bool capture_headers_ = false;
  bool capture_body_ = false;
  std::unique_ptr<BodyDigest> sha256_;
  std::unique_ptr<BodyDigest> md5_;
  protocol::HttpResponseHead head_;
  std::string body_;
  std::string sha256_hex_;
  std::string md5_hex_;
};

}  // namespace stampede::load
