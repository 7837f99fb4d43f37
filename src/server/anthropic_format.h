// The JSON of Anthropic's Messages API in the shape its SDKs parse. A stream is
// `event: <type>\ndata: {json}\n\n` events: message_start, content_block_start, ping,
// content_block_delta (one per chunk of text), content_block_stop, message_delta (stop_reason
// and the final output_tokens), message_stop.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "server/answer_format.h"

namespace stampede::server {

class AnthropicMessageFormat final : public AnswerFormat {
 public:
  explicit AnthropicMessageFormat(AnswerFacts facts) : facts_(std::move(facts)) {}

  // The message: {"id","type":"message","role":"assistant","model","content":[{text}],...}.
  std::string Body(std::string_view text) const override;
  // message_start, content_block_start and ping.
  std::string StreamStart() const override;
  // content_block_delta with a text_delta.
  std::string StreamDelta(std::string_view text) const override;
  // content_block_stop, message_delta, message_stop.
  std::string StreamEnd() const override;

 private:
  AnswerFacts facts_;
};

// "max_tokens" when max_tokens cut the answer, else "end_turn".
std::string_view AnthropicStopReason(const AnswerFacts& facts);
// {"type":"error","error":{"type":"invalid_request_error","message":...}}
std::string AnthropicErrorBody(std::string_view message,
                               std::string_view type = "invalid_request_error");

}  // namespace stampede::server
