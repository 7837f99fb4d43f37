#include "load/response_observer.h"

#include <fmt/format.h>

#include <charconv>

namespace stampede::load {

using scenario::StreamMode;

ResponseObserver::ResponseObserver(StreamMode mode)
    : configured_(mode),
      resolved_(mode),
      parser_(*this),
      sse_([this](const protocol::SseEvent&) { OnEvent(); }) {}

void ResponseObserver::SetCapture(bool headers, bool body, bool sha256, bool md5) {
  capture_headers_ = headers;
  capture_body_ = body;
  if (sha256 && !sha256_) sha256_ = std::make_unique<BodyDigest>(BodyDigest::Algorithm::kSha256);
  if (!sha256) sha256_.reset();
  if (md5 && !md5_) md5_ = std::make_unique<BodyDigest>(BodyDigest::Algorithm::kMd5);
  if (!md5) md5_.reset();
}

void ResponseObserver::Begin(core::Nanos sent, bool head_request) {
  parser_.Reset(head_request);
  sse_.Reset();
  sse_failed_ = false;
  resolved_ = configured_;
  sent_ = sent;
  now_ = sent;
  first_byte_ = first_event_ = last_event_ = last_byte_ = -1;
  status_ = 0;
  retry_after_ = -1;
  keep_alive_ = false;
  complete_ = false;
  chunks_ = events_ = 0;
  gaps_.clear();
  head_.headers.clear();
  body_.clear();
  sha256_hex_.clear();
  md5_hex_.clear();
  if (sha256_) sha256_->Reset();
  if (md5_) md5_->Reset();
}

core::Result<std::size_t> ResponseObserver::Feed(std::string_view bytes, core::Nanos now) {
  now_ = now;
  if (bytes.empty()) return std::size_t{0};
  if (first_byte_ < 0) first_byte_ = now;
  last_byte_ = now;
  auto consumed = parser_.Feed(bytes);
  if (consumed.ok() && sse_failed_) {
    return core::MakeError("malformed Server-Sent Events stream (line too long)");
  }
  return consumed;
}

core::Result<void> ResponseObserver::FinishOnEof(core::Nanos now) {
  now_ = now;
  return parser_.FinishOnEof();
}

void ResponseObserver::OnHead(const protocol::HttpResponseHead& head) {
  status_ = head.status;
  keep_alive_ = head.keep_alive;
  if (capture_headers_) head_ = head;
  if (head.status >= 400) {
    // retry-after-ms (OpenAI's) is finer than Retry-After's whole seconds; an HTTP-date form
    // of Retry-After is not read.
    auto read = [&](std::string_view name, core::Nanos unit) {
      const auto value = head.Header(name);
      if (!value) return false;
      double number = 0;
      const auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
      if (ec != std::errc() || number < 0) return false;
      retry_after_ = static_cast<core::Nanos>(number * static_cast<double>(unit));
      return true;
    };
    if (!read("retry-after-ms", core::kMillisecond)) read("retry-after", core::kSecond);
  }
  if (configured_ == StreamMode::kAuto) {
    const auto content_type = head.Header("content-type");
    if (content_type && content_type->substr(0, 17) == "text/event-stream") {
      resolved_ = StreamMode::kSse;
    } else if (head.chunked) {
      resolved_ = StreamMode::kChunked;
    } else {
      resolved_ = StreamMode::kNone;
    }
  }
}

void ResponseObserver::OnBody(std::string_view data) {
  if (capture_body_) body_.append(data);
  if (sha256_) sha256_->Update(data);
  if (md5_) md5_->Update(data);
  if (first_event_ < 0 && resolved_ == StreamMode::kNone && !data.empty()) first_event_ = now_;
  if (resolved_ == StreamMode::kSse && !sse_failed_) {
    if (!sse_.Feed(data).ok()) sse_failed_ = true;
  }
}

void ResponseObserver::OnChunkEnd(std::int64_t /*size*/) {
  ++chunks_;
  if (resolved_ == StreamMode::kChunked) OnEvent();
}

void ResponseObserver::OnComplete() {
  complete_ = true;
  if (sha256_) sha256_hex_ = sha256_->HexDigest();
  if (md5_) md5_hex_ = md5_->HexDigest();
}

void ResponseObserver::OnEvent() {
  ++events_;
  if (first_event_ < 0) {
    first_event_ = now_;
  } else {
    gaps_.push_back(now_ - last_event_);
  }
  last_event_ = now_;
}

}  // namespace stampede::load
