// Counts what a WebSocket server sends during a ws step and matches each message to the one it
// answers, for the per-message latency (sent -> reply). Sans-I/O: times are passed in.
//
// Matching: a JSON object with an integer "seq" answers message seq - 1 (the /ws/asr
// convention, seq from 1); a final message (JSON "type": "final", or one containing the
// step's marker) answers the end message; any other message answers the oldest message not
// yet answered, which is an echo server's order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace stampede::load {

class WsReplyTracker {
 public:
  struct Expectations {
    std::int64_t min_messages = -1;  // -1: a reply to every message sent instead
    bool final = false;
    std::string final_marker;  // empty: a JSON "type": "final"
  };

  // A new conversation of `total` messages to send; message `end_index` (-1: none) is the end.
  void Reset(std::int64_t total, std::int64_t end_index, Expectations expectations);
  // Message k goes out now (stamp it before the write: a reply may be read before the write's
  // completion is seen).
  void OnSent(std::int64_t k, core::Nanos at);
  // A message arrived; returns its latency when it answers a message sent, else -1.
  core::Nanos OnMessage(std::string_view payload, bool text, core::Nanos at);

  // Once every message was sent: whether what the step waits for has arrived.
  bool Satisfied() const;

  std::int64_t sent() const { return sent_; }
  std::int64_t answered() const { return answered_count_; }
  std::int64_t messages() const { return messages_; }
  std::int64_t bytes() const { return bytes_; }
  bool final_seen() const { return final_seen_; }
  core::Nanos first_message() const { return first_message_; }  // -1: none yet
  core::Nanos last_message() const { return last_message_; }
  const std::vector<core::Nanos>& gaps() const { return gaps_; }
  const std::vector<core::Nanos>& latencies() const { return latencies_; }

 private:
  bool IsFinal(std::string_view payload, bool text, std::string_view type) const;
  core::Nanos Answer(std::int64_t k, core::Nanos at);

  Expectations expectations_;
  std::int64_t end_index_ = -1;
  std::vector<core::Nanos> sent_at_;  // -1: not sent yet
  std::vector<bool> answered_;
  std::int64_t sent_ = 0;
  std::int64_t answered_count_ = 0;
  std::int64_t oldest_unanswered_ = 0;
  std::int64_t messages_ = 0;
  std::int64_t bytes_ = 0;
  bool final_seen_ = false;
  core::Nanos first_message_ = -1;
  core::Nanos last_message_ = -1;
  std::vector<core::Nanos> gaps_;
  std::vector<core::Nanos> latencies_;
  std::string type_;  // scratch for the JSON "type" of a message
};

}  // namespace stampede::load
