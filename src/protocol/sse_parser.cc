#include "protocol/sse_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace stampede::protocol {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kDefaultType = "message";

// The spec's "consists of only ASCII digits" rule, with values beyond int64 treated as invalid
// too: no server means a retry of 3e11 years.
std::optional<std::int64_t> ParseRetry(std::string_view value) {
  if (value.empty()) return std::nullopt;
  std::int64_t result = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (result > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    result = result * 10 + digit;
  }
  return result;
}

// Position of the first `c` in data[from, size), or size.
std::size_t Find(const char* data, std::size_t from, std::size_t size, char c) {
  const void* found = std::memchr(data + from, c, size - from);
  return found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - data) : size;
}

}  // namespace

SseParser::SseParser(EventHandler on_event, std::size_t max_line)
    : on_event_(std::move(on_event)), max_line_(max_line) {}

void SseParser::Reset() {
  events_ = 0;
  comments_ = 0;
  at_start_ = true;
  skip_lf_ = false;
  failed_ = false;
  line_.clear();
  data_.clear();
  event_type_.clear();
  last_event_id_.clear();
  retry_.reset();
  error_.clear();
}

core::Error SseParser::Fail(std::string message) {
  failed_ = true;
  error_ = message;
  return core::MakeError(std::move(message));
}

core::Result<void> SseParser::Feed(std::string_view bytes) {
  if (failed_) return core::MakeError(error_);
  const char* const input = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t pos = 0;

  if (at_start_) {
    // The BOM may itself be split across Feeds: hold its prefix until it is complete or broken.
    while (pos < size && line_.size() < kBom.size() && input[pos] == kBom[line_.size()]) {
      line_.push_back(input[pos++]);
    }
    if (line_.size() == kBom.size()) {
      line_.clear();
      at_start_ = false;
    } else if (pos == size) {
      return {};
    } else {
      at_start_ = false;  // not a BOM: the bytes held begin the first line
    }
  }

  if (skip_lf_ && pos < size) {
    if (input[pos] == '\n') ++pos;
    skip_lf_ = false;
  }

  // The next LF and CR are searched for separately with memchr and remembered, so that a
  // stream using only one kind of line end is still scanned once, not once per line.
  std::size_t next_lf = 0;
  std::size_t next_cr = 0;
  bool searched = false;
  while (pos < size) {
    if (!searched || next_lf < pos) next_lf = Find(input, pos, size, '\n');
    if (!searched || next_cr < pos) next_cr = Find(input, pos, size, '\r');
    searched = true;
    const std::size_t end_of_line = std::min(next_lf, next_cr);
    const std::size_t length = end_of_line - pos;
    if (line_.size() + length > max_line_) {
      return Fail("SSE line longer than " + std::to_string(max_line_) + " bytes");
    }
    if (end_of_line == size) {
      line_.append(input + pos, length);
      return {};
    }
    std::string_view line(input + pos, length);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    pos = end_of_line + 1;
    if (input[end_of_line] == '\r') {
      if (pos == size) {
        skip_lf_ = true;
      } else if (input[pos] == '\n') {
        ++pos;
      }
    }
    auto processed = ProcessLine(line);
    line_.clear();
    if (!processed) return processed;
  }
  return {};
}

core::Result<void> SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    DispatchEvent();
    return {};
  }
  if (line.front() == ':') {
    ++comments_;
    return {};
  }
  std::string_view name = line;
  std::string_view value;
  if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    // data_ keeps one LF per line; the event's data drops the last one, hence no +1 here.
    if (data_.size() + value.size() > max_line_) {
      return Fail("SSE event data longer than " + std::to_string(max_line_) + " bytes");
    }
    data_.append(value);
    data_.push_back('\n');
  } else if (name == "event") {
    event_type_.assign(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
  } else if (name == "retry") {
    if (auto retry = ParseRetry(value)) retry_ = retry;
  }
  return {};
}

void SseParser::DispatchEvent() {
  if (!data_.empty()) {
    SseEvent event;
    event.type = event_type_.empty() ? kDefaultType : std::string_view(event_type_);
    event.data = std::string_view(data_.data(), data_.size() - 1);
    event.id = last_event_id_;
    event.retry = retry_;
    ++events_;
    if (on_event_) on_event_(event);
  }
  // Per the spec an event block without data is dropped, event type and all; its retry goes
  // with it since SseEvent::retry belongs to one event.
  data_.clear();
  event_type_.clear();
  retry_.reset();
}

}  // namespace stampede::protocol
