// How one mock LLM answer is written in the JSON of an API: as one response body, or as the
// events of a stream. Implementations (openai_format.h, anthropic_format.h) are sans-I/O string
// builders; llm_generation.h decides when each piece is sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stampede::server {

// What an answer's JSON states, whichever API formats it.
struct AnswerFacts {
  std::string id;            // "chatcmpl-...", "cmpl-...", "msg_..."
  std::int64_t created = 0;  // Unix seconds
  std::string model;         // echoed from the request
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  bool truncated = false;      // cut by max_tokens: OpenAI "length", Anthropic "max_tokens"
  bool include_usage = false;  // OpenAI streams: a usage chunk before [DONE]
};

class AnswerFormat {
 public:
  virtual ~AnswerFormat() = default;

  // The whole answer as one application/json body.
  virtual std::string Body(std::string_view text) const = 0;
  // A text/event-stream answer: StreamStart() goes with the first text, one StreamDelta per
  // chunk of text, StreamEnd() right after the last. Each returns complete events.
  virtual std::string StreamStart() const = 0;
  virtual std::string StreamDelta(std::string_view text) const = 0;
  virtual std::string StreamEnd() const = 0;
};

}  // namespace stampede::server
