#include "server/anthropic_format.h"

#include "server/json_text.h"

namespace stampede::server {
namespace {

// {"id":"msg_...","type":"message","role":"assistant","model":"...","content":
std::string MessageHead(const AnswerFacts& facts) {
  std::string head = "{\"id\":";
  AppendJsonString(head, facts.id);
  head.append(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  AppendJsonString(head, facts.model);
  head.append(",\"content\":");
  return head;
}

std::string Event(std::string_view type, std::string_view data) {
  std::string event;
  event.reserve(type.size() + data.size() + 16);
  event.append("event: ").append(type).append("\ndata: ").append(data).append("\n\n");
  return event;
}

}  // namespace

std::string_view AnthropicStopReason(const AnswerFacts& facts) {
  return facts.truncated ? "max_tokens" : "end_turn";
}

std::string AnthropicMessageFormat::Body(std::string_view text) const {
  std::string body = MessageHead(facts_);
  body.append("[{\"type\":\"text\",\"text\":");
  AppendJsonString(body, text);
  body.append("}],\"stop_reason\":\"").append(AnthropicStopReason(facts_));
  body.append("\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":");
  body.append(std::to_string(facts_.prompt_tokens)).append(",\"output_tokens\":");
  body.append(std::to_string(facts_.completion_tokens)).append("}}");
  return body;
}

// As in Anthropic's streams, message_start reports one output token so far; message_delta
// carries the final count.
std::string AnthropicMessageFormat::StreamStart() const {
  const std::string message = "{\"type\":\"message_start\",\"message\":" + MessageHead(facts_) +
                              "[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
                              "\"input_tokens\":" +
                              std::to_string(facts_.prompt_tokens) + ",\"output_tokens\":1}}}";
  return Event("message_start", message) +
         Event(
             "content_block_start",
             R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
         Event("ping", R"({"type": "ping"})");
}

std::string AnthropicMessageFormat::StreamDelta(std::string_view text) const {
  std::string data =
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":)";
  AppendJsonString(data, text);
  data.append("}}");
  return Event("content_block_delta", data);
}

std::string AnthropicMessageFormat::StreamEnd() const {
  const std::string delta = "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" +
                            std::string(AnthropicStopReason(facts_)) +
                            "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" +
                            std::to_string(facts_.completion_tokens) + "}}";
  return Event("content_block_stop", R"({"type":"content_block_stop","index":0})") +
         Event("message_delta", delta) + Event("message_stop", R"({"type":"message_stop"})");
}

std::string AnthropicErrorBody(std::string_view message, std::string_view type) {
  std::string body = "{\"type\":\"error\",\"error\":{\"type\":";
  AppendJsonString(body, type);
  body.append(",\"message\":");
  AppendJsonString(body, message);
  body.append("}}");
  return body;
}

}  // namespace stampede::server
