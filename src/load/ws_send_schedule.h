// What a ws step sends and when: message k (0 <= k < count) is due at start + k * every, where
// start is the moment the handshake completed, so one late send never pushes the next ones
// back (wrk2's pacing); the end message, when there is one, is message `count`, due as soon as
// the last one went. Sans-I/O: no clock, no socket.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/time.h"
#include "scenario/scenario.h"

namespace stampede::load {

class WsSendSchedule {
 public:
  struct Message {
    std::string_view payload;
    bool text = false;
  };

  WsSendSchedule(const scenario::WsSpec& spec, core::Nanos start);

  // Messages to send in all: the paced ones, plus the end message if any.
  std::int64_t total() const { return spec_->count + (spec_->end.empty() ? 0 : 1); }
  bool is_end(std::int64_t k) const { return k == spec_->count; }
  core::Nanos DueAt(std::int64_t k) const;
  // How late message k goes out when sent at `now` (0 when on time).
  core::Nanos Lateness(std::int64_t k, core::Nanos now) const;
  // Message k's bytes. A file is cut in frame_size pieces (the last one may be shorter) and
  // starts over when count asks for more pieces than it has.
  Message MessageAt(std::int64_t k) const;

 private:
  const scenario::WsSpec* spec_;
  core::Nanos start_;
};

}  // namespace stampede::load
