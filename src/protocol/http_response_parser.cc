#include "protocol/http_response_parser.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <limits>

namespace stampede::protocol {
namespace {

constexpr std::string_view kHttpPrefix = "HTTP/1.";

// tchar (RFC 9110 §5.6.2): the characters allowed in a field name.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && IsOws(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsOws(text.back())) text.remove_suffix(1);
  return text;
}

// field-value and reason-phrase allow HTAB, SP, VCHAR and obs-text: every byte but the other
// controls and DEL.
bool IsFieldText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '\t' || (byte >= 0x20 && byte != 0x7f);
  });
}

// Calls `visit` with each non-empty, trimmed element of a comma-separated list (RFC 9110 §5.6.1
// says empty elements are ignored). Returns whether any element was seen.
template <typename Visit>
bool ForEachListElement(std::string_view list, Visit&& visit) {
  bool any = false;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = TrimOws(list.substr(0, comma));
    if (!element.empty()) {
      any = true;
      visit(element);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return any;
}

// The line in an error message, shortened, with bytes that would garble a terminal escaped.
std::string Quote(std::string_view line) {
  constexpr std::size_t kMaxShown = 60;
  std::string quoted = "\"";
  for (const char c : line.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      quoted.push_back(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      quoted += escaped;
    }
  }
  quoted += line.size() > kMaxShown ? "\"..." : "\"";
  return quoted;
}

}  // namespace

std::optional<std::string_view> HttpResponseHead::Header(std::string_view name) const {
  for (const auto& [field_name, value] : headers) {
    if (EqualsIgnoreCase(field_name, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void HttpResponseParser::ChunkForwarder::OnChunkData(std::string_view data) {
  parser->body_bytes_ += static_cast<std::int64_t>(data.size());
  parser->handler_->OnBody(data);
}

void HttpResponseParser::ChunkForwarder::OnChunkEnd(std::int64_t size) {
  parser->handler_->OnChunkEnd(size);
}

HttpResponseParser::HttpResponseParser(Handler& handler, Limits limits)
    : handler_(&handler), limits_(limits), chunk_observer_(chunk_forwarder_) {
  Reset(false);
}

void HttpResponseParser::Reset(bool head_request) {
  state_ = State::kHead;
  head_request_ = head_request;
  head_done_ = false;
  body_bytes_ = 0;
  body_remaining_ = 0;
  error_.clear();
  ResetHead();
  chunk_observer_.Reset();
}

void HttpResponseParser::ResetHead() {
  status_line_seen_ = false;
  has_transfer_encoding_ = false;
  connection_close_ = false;
  connection_keep_alive_ = false;
  head_bytes_ = 0;
  header_count_ = 0;
  line_.clear();
  head_.version_minor = 1;
  head_.status = 0;
  head_.reason.clear();
  head_.content_length.reset();
  head_.chunked = false;
  head_.keep_alive = true;
}

bool HttpResponseParser::head_done() const { return head_done_; }
bool HttpResponseParser::complete() const { return state_ == State::kComplete; }
std::int64_t HttpResponseParser::body_bytes() const { return body_bytes_; }

core::Error HttpResponseParser::Fail(std::string message) {
  state_ = State::kError;
  error_ = message;
  return core::MakeError(std::move(message));
}

void HttpResponseParser::Complete() {
  state_ = State::kComplete;
  handler_->OnComplete();
}

core::Result<std::size_t> HttpResponseParser::Feed(std::string_view bytes) {
  if (state_ == State::kError) return core::MakeError(error_);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string_view rest = bytes.substr(pos);
    switch (state_) {
      case State::kHead: {
        auto consumed = FeedHead(rest);
        if (!consumed) return consumed.error();
        pos += *consumed;
        break;
      }
      case State::kFixedBody: {
        const auto n = std::min(static_cast<std::size_t>(body_remaining_), rest.size());
        body_remaining_ -= static_cast<std::int64_t>(n);
        body_bytes_ += static_cast<std::int64_t>(n);
        pos += n;
        handler_->OnBody(rest.substr(0, n));
        if (body_remaining_ == 0) Complete();
        break;
      }
      case State::kChunkedBody: {
        // Re-pointed on every call rather than once in the constructor, so that a copied or
        // moved parser never calls back into the object it was copied from.
        chunk_forwarder_.parser = this;
        chunk_observer_.handler_ = &chunk_forwarder_;
        auto consumed = chunk_observer_.Feed(rest);
        if (!consumed) return Fail("invalid chunked body: " + consumed.error().message);
        pos += *consumed;
        if (chunk_observer_.done()) {
          Complete();
        } else if (*consumed == 0) {
          return Fail("invalid chunked body: no progress");  // unreachable: Feed consumes all
        }
        break;
      }
      case State::kBodyUntilEof:
        body_bytes_ += static_cast<std::int64_t>(rest.size());
        pos = bytes.size();
        handler_->OnBody(rest);
        break;
      case State::kComplete:
        return pos;
      case State::kError:
        return core::MakeError(error_);
    }
  }
  return pos;
}

core::Result<std::size_t> HttpResponseParser::FeedHead(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size() && state_ == State::kHead) {
    const char* const start = bytes.data() + pos;
    const std::size_t available = bytes.size() - pos;
    const auto* lf = static_cast<const char*>(std::memchr(start, '\n', available));
    const std::size_t length = lf != nullptr ? static_cast<std::size_t>(lf - start) : available;
    const std::size_t consumed = lf != nullptr ? length + 1 : length;
    if (head_bytes_ + consumed > limits_.max_head_bytes) {
      return Fail("response head larger than " + std::to_string(limits_.max_head_bytes) + " bytes");
    }
    head_bytes_ += consumed;
    pos += consumed;
    if (lf == nullptr) {
      line_.append(start, length);
      break;
    }
    std::string_view line(start, length);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    // RFC 9112 §2.2 lets a recipient accept a bare LF as a line end.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto parsed = ParseHeadLine(line);
    line_.clear();
    if (!parsed) return parsed.error();
  }
  return pos;
}

core::Result<void> HttpResponseParser::ParseHeadLine(std::string_view line) {
  if (!status_line_seen_) {
    // Tolerates stray line ends before a response (e.g. an extra CRLF after a previous body),
    // as common HTTP parsers do.
    if (line.empty()) return {};
    return ParseStatusLine(line);
  }
  if (line.empty()) {
    EndHead();
    return {};
  }
  return ParseHeaderLine(line);
}

core::Result<void> HttpResponseParser::ParseStatusLine(std::string_view line) {
  // status-line = HTTP-version SP status-code SP [ reason-phrase ]; the SP before an empty
  // reason is often omitted, so it is optional here.
  const bool valid = line.size() >= 12 && line.substr(0, kHttpPrefix.size()) == kHttpPrefix &&
                     IsDigit(line[7]) && line[8] == ' ' && line[9] >= '1' && line[9] <= '9' &&
                     IsDigit(line[10]) && IsDigit(line[11]) &&
                     (line.size() == 12 || line[12] == ' ');
  if (!valid) return Fail("invalid HTTP/1.x status line " + Quote(line));
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view();
  if (!IsFieldText(reason)) return Fail("invalid reason phrase in status line " + Quote(line));
  head_.version_minor = line[7] - '0';
  head_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  head_.reason.assign(reason);
  status_line_seen_ = true;
  return {};
}

core::Result<void> HttpResponseParser::ParseHeaderLine(std::string_view line) {
  if (IsOws(line.front())) {
    return Fail("obsolete line folding in response header " + Quote(line));
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Fail("header line without colon " + Quote(line));
  const std::string_view name = line.substr(0, colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return kTokenChars[static_cast<unsigned char>(c)];
      })) {
    return Fail("invalid header name in " + Quote(line));
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsFieldText(value)) return Fail("invalid header value in " + Quote(line));
  if (header_count_ == limits_.max_headers) {
    return Fail("more than " + std::to_string(limits_.max_headers) + " response header fields");
  }
  if (header_count_ < head_.headers.size()) {
    head_.headers[header_count_].first.assign(name);
    head_.headers[header_count_].second.assign(value);
  } else {
    head_.headers.emplace_back(name, value);
  }
  ++header_count_;

  if (EqualsIgnoreCase(name, "content-length")) return ParseContentLength(value);
  if (EqualsIgnoreCase(name, "transfer-encoding")) {
    // Only the final coding decides the framing (RFC 9112 §6.3); a list may span several fields.
    ForEachListElement(value, [this](std::string_view element) {
      has_transfer_encoding_ = true;
      const std::string_view coding = TrimOws(element.substr(0, element.find(';')));
      head_.chunked = EqualsIgnoreCase(coding, "chunked");
    });
  } else if (EqualsIgnoreCase(name, "connection")) {
    ForEachListElement(value, [this](std::string_view option) {
      if (EqualsIgnoreCase(option, "close")) connection_close_ = true;
      if (EqualsIgnoreCase(option, "keep-alive")) connection_keep_alive_ = true;
    });
  }
  return {};
}

core::Result<void> HttpResponseParser::ParseContentLength(std::string_view value) {
  // A list of identical values ("42, 42") and repeated identical fields are accepted, as
  // RFC 9110 §8.6 allows; anything else would let two parsers disagree on the framing.
  bool valid = true;
  bool conflict = false;
  std::optional<std::int64_t> length = head_.content_length;
  const bool any = ForEachListElement(value, [&](std::string_view element) {
    std::int64_t parsed = 0;
    for (const char c : element) {
      if (!IsDigit(c) || parsed > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) {
        valid = false;
        return;
      }
      parsed = parsed * 10 + (c - '0');
    }
    if (length && *length != parsed) conflict = true;
    length = parsed;
  });
  if (!any || !valid) return Fail("invalid Content-Length " + Quote(value));
  if (conflict) return Fail("conflicting Content-Length values");
  head_.content_length = length;
  return {};
}

void HttpResponseParser::EndHead() {
  // 1xx responses other than 101 are interim (RFC 9110 §15.2): the final response follows.
  if (head_.status >= 100 && head_.status < 200 && head_.status != 101) {
    ResetHead();
    return;
  }
  head_.headers.resize(header_count_);
  if (has_transfer_encoding_) head_.content_length.reset();  // RFC 9112 §6.3: TE overrides CL
  head_.keep_alive = !connection_close_ && (head_.version_minor >= 1 || connection_keep_alive_);

  const bool no_body = head_request_ || head_.status < 200 || head_.status == 204 ||
                       head_.status == 304 ||
                       (!head_.chunked && head_.content_length == std::int64_t{0});
  if (no_body) {
    state_ = State::kComplete;
  } else if (head_.chunked) {
    state_ = State::kChunkedBody;
  } else if (head_.content_length) {
    body_remaining_ = *head_.content_length;
    state_ = State::kFixedBody;
  } else {
    // Read until close; also when Transfer-Encoding does not end in chunked (RFC 9112 §6.3).
    // The connection cannot carry another response after such a body.
    head_.keep_alive = false;
    state_ = State::kBodyUntilEof;
  }
  head_done_ = true;
  handler_->OnHead(head_);
  if (state_ == State::kComplete) handler_->OnComplete();
}

core::Result<void> HttpResponseParser::FinishOnEof() {
  switch (state_) {
    case State::kComplete:
      return {};
    case State::kError:
      return core::MakeError(error_);
    case State::kBodyUntilEof:
      Complete();
      return {};
    case State::kHead:
      if (!status_line_seen_) {
        return Fail(head_bytes_ == 0 ? "connection closed before the response started"
                                     : "connection closed before the end of the status line");
      }
      return Fail("connection closed in the response head after " + std::to_string(head_bytes_) +
                  " bytes");
    case State::kFixedBody:
      return Fail("connection closed after " + std::to_string(body_bytes_) + " of " +
                  std::to_string(*head_.content_length) + " body bytes");
    case State::kChunkedBody:
      if (chunk_observer_.InTrailers()) {
        return Fail("connection closed in the trailer section of a chunked body after " +
                    std::to_string(body_bytes_) + " body bytes");
      }
      return Fail("connection closed in a chunked body after " + std::to_string(body_bytes_) +
                  " body bytes, before the last chunk");
  }
  return {};
}

}  // namespace stampede::protocol
