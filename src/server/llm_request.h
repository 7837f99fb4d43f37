// The request bodies of the LLM routes, parsed into what the mock needs from them: the model to
// echo, the prompt's size in tokens (llm_text.h's rule), whether to stream, and the answer's
// bound. Sans-I/O: the body in, an LlmRequest or an error a client can act on out (the routes
// put the message into the API's error body with status 400).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace stampede::server {

struct LlmRequest {
  std::string model;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t prompt_key = 0;  // a hash of the prompt's text: it picks the answer
  bool stream = false;
  std::optional<bool> include_usage;        // OpenAI's stream_options.include_usage
  std::optional<std::uint64_t> max_tokens;  // the bound on the answer, in tokens
};

// OpenAI POST /v1/chat/completions: model and a non-empty messages array are required;
// max_completion_tokens (or the older max_tokens) bounds the answer; n must be 1.
core::Result<LlmRequest> ParseChatCompletionRequest(std::string_view body);
// OpenAI POST /v1/completions: model and prompt (a string, an array of strings or of token
// ids) are required; max_tokens bounds the answer.
core::Result<LlmRequest> ParseCompletionRequest(std::string_view body);
// Anthropic POST /v1/messages: model, a non-empty messages array and max_tokens are required;
// system (a string or text blocks) counts towards the prompt.
core::Result<LlmRequest> ParseMessagesRequest(std::string_view body);

}  // namespace stampede::server
