// Splits a Server-Sent Events byte stream into events (WHATWG HTML §9.2.6, "event stream
// interpretation"). Feed it bytes as they arrive, split anywhere; it calls `on_event` once per
// dispatched event. Lines end in LF, CRLF or CR (a CR at the end of one Feed and an LF at the
// start of the next are one line ending). A leading UTF-8 BOM is skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace stampede::protocol {

struct SseEvent {
  std::string_view type;              // "message" unless an "event:" field set it
  std::string_view data;              // "data:" lines joined by LF, without the final LF
  std::string_view id;                // the last event ID (persists across events, per the spec)
  std::optional<std::int64_t> retry;  // a valid "retry:" field seen in this event
};

class SseParser {
 public:
  using EventHandler = std::function<void(const SseEvent&)>;

  // `max_line` bounds one line (and the data of one event); longer input is an error.
  explicit SseParser(EventHandler on_event, std::size_t max_line = 1 << 20);

  // Returns an error only for input no conforming server sends (a line over max_line).
  core::Result<void> Feed(std::string_view bytes);

  // Events dispatched and comment lines (starting with ':') seen so far.
  std::int64_t events() const { return events_; }
  std::int64_t comments() const { return comments_; }
  void Reset();

 private:
  core::Error Fail(std::string message);
  core::Result<void> ProcessLine(std::string_view line);
  void DispatchEvent();

  EventHandler on_event_;
  std::size_t max_line_;
  std::int64_t events_ = 0;
  std::int64_t comments_ = 0;
  bool at_start_ = true;  // a BOM may still come; line_ holds the part of it seen so far
  bool skip_lf_ = false;  // the last Feed ended in CR: an LF starting the next one ends nothing
  bool failed_ = false;
  std::string line_;  // a line split across Feed calls (complete lines are parsed in place)
  std::string data_;  // each data line followed by LF, as the spec's data buffer
  std::string event_type_;
  std::string last_event_id_;
  std::optional<std::int64_t> retry_;
  std::string error_;
};

}  // namespace stampede::protocol
