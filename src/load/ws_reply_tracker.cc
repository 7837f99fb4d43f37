#include "load/ws_reply_tracker.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace stampede::load {

namespace {

// Reads the top-level "type" (a string) and "seq" (an integer) of a JSON object without
// building it: a reply arrives per audio frame, so a DOM per message would be most of the
// cost. Stops as soon as both are known.
class TypeAndSeq final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit TypeAndSeq(std::string& type) : type_(type) { type_.clear(); }

  std::optional<std::int64_t> seq;
  bool has_type = false;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t value) override { return Integer(value); }
  bool number_unsigned(number_unsigned_t value) override {
    return Integer(static_cast<std::int64_t>(value));
  }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t& value) override {
    if (depth_ == 1 && key_ == Key::kType) {
      type_ = value;
      has_type = true;
    }
    return Value();
  }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    ++depth_;
    key_ = Key::kOther;
    return true;
  }
  bool key(string_t& key) override {
    if (depth_ == 1) key_ = key == "type" ? Key::kType : key == "seq" ? Key::kSeq : Key::kOther;
    return true;
  }
  bool end_object() override {
    --depth_;
    return Value();
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return Value();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  enum class Key { kOther, kType, kSeq };

  bool Integer(std::int64_t value) {
    if (depth_ == 1 && key_ == Key::kSeq) seq = value;
    return Value();
  }
  // After a value: go on unless both fields are known.
  bool Value() {
    if (depth_ == 1) key_ = Key::kOther;
    return !(seq && has_type);
  }

  std::string& type_;
  int depth_ = 0;
  Key key_ = Key::kOther;
};

bool LooksLikeObject(std::string_view payload) {
  const auto first = payload.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && payload[first] == '{';
}

}  // namespace

void WsReplyTracker::Reset(std::int64_t total, std::int64_t end_index, Expectations expectations) {
  expectations_ = std::move(expectations);
  end_index_ = end_index;
  sent_at_.assign(static_cast<std::size_t>(total), -1);
  answered_.assign(static_cast<std::size_t>(total), false);
  sent_ = 0;
  answered_count_ = 0;
  oldest_unanswered_ = 0;
  messages_ = 0;
  bytes_ = 0;
  final_seen_ = false;
  first_message_ = -1;
  last_message_ = -1;
  gaps_.clear();
  latencies_.clear();
}

void WsReplyTracker::OnSent(std::int64_t k, core::Nanos at) {
  if (k < 0 || k >= static_cast<std::int64_t>(sent_at_.size())) return;
  if (sent_at_[static_cast<std::size_t>(k)] < 0) ++sent_;
  sent_at_[static_cast<std::size_t>(k)] = at;
}

core::Nanos WsReplyTracker::Answer(std::int64_t k, core::Nanos at) {
  if (k < 0 || k >= static_cast<std::int64_t>(sent_at_.size())) return -1;
  const auto index = static_cast<std::size_t>(k);
  if (sent_at_[index] < 0 || answered_[index]) return -1;
  answered_[index] = true;
  ++answered_count_;
  const core::Nanos latency = at - sent_at_[index];
  latencies_.push_back(latency);
  return latency;
}

bool WsReplyTracker::IsFinal(std::string_view payload, bool text, std::string_view type) const {
  if (!expectations_.final_marker.empty()) {
    return payload.find(expectations_.final_marker) != std::string_view::npos;
  }
  return text && type == "final";
}

core::Nanos WsReplyTracker::OnMessage(std::string_view payload, bool text, core::Nanos at) {
  ++messages_;
  bytes_ += static_cast<std::int64_t>(payload.size());
  if (last_message_ >= 0) gaps_.push_back(at - last_message_);
  if (first_message_ < 0) first_message_ = at;
  last_message_ = at;

  std::optional<std::int64_t> seq;
  type_.clear();
  if (text && LooksLikeObject(payload)) {
    TypeAndSeq fields(type_);
    nlohmann::json::sax_parse(payload, &fields, nlohmann::json::input_format_t::json, false);
    seq = fields.seq;
  }
  if (IsFinal(payload, text, type_)) {
    final_seen_ = true;
    return Answer(end_index_, at);
  }
  if (seq) return Answer(*seq - 1, at);
  const auto total = static_cast<std::int64_t>(answered_.size());
  while (oldest_unanswered_ < total && answered_[static_cast<std::size_t>(oldest_unanswered_)]) {
    ++oldest_unanswered_;
  }
  return Answer(oldest_unanswered_, at);
}

bool WsReplyTracker::Satisfied() const {
  if (expectations_.final && !final_seen_) return false;
  if (expectations_.min_messages >= 0) return messages_ >= expectations_.min_messages;
  return expectations_.final || answered_count_ >= sent_;
}

}  // namespace stampede::load
