// The JSON of OpenAI's API, byte for byte in the shape its SDKs parse: chat completions
// ("chat.completion" and "chat.completion.chunk"), legacy completions ("text_completion"),
// the model list and error bodies. Streams are `data: {json}\n\n` events ending in
// `data: [DONE]\n\n`; with include_usage every chunk carries "usage": null and a last chunk
// with empty choices carries the usage.
#pragma once

#include <string>
#include <string_view>

#include "server/answer_format.h"

namespace stampede::server {

class OpenAiChatFormat final : public AnswerFormat {
 public:
  explicit OpenAiChatFormat(AnswerFacts facts);

  std::string Body(std::string_view text) const override;
  // The role chunk: delta {"role": "assistant", "content": ""}.
  std::string StreamStart() const override;
  // delta {"content": text}.
  std::string StreamDelta(std::string_view text) const override;
  // The finish chunk (empty delta, finish_reason), the usage chunk if asked for, [DONE].
  std::string StreamEnd() const override;

 private:
  std::string Chunk(std::string_view delta, std::string_view finish_reason) const;

  AnswerFacts facts_;
  std::string chunk_head_;  // {"id":...,"choices":[{"index":0,"delta":
};

class OpenAiCompletionFormat final : public AnswerFormat {
 public:
  explicit OpenAiCompletionFormat(AnswerFacts facts);

  std::string Body(std::string_view text) const override;
  // Nothing: the legacy API has no role chunk.
  std::string StreamStart() const override { return {}; }
  std::string StreamDelta(std::string_view text) const override;
  // A chunk with empty text and the finish_reason, the usage chunk if asked for, [DONE].
  std::string StreamEnd() const override;

 private:
  std::string Chunk(std::string_view text, std::string_view finish_reason) const;

  AnswerFacts facts_;
  std::string chunk_head_;  // {"id":...,"choices":[{"text":
};

// "length" when max_tokens cut the answer, else "stop".
std::string_view OpenAiFinishReason(const AnswerFacts& facts);
// {"prompt_tokens":P,"completion_tokens":C,"total_tokens":P+C}
std::string OpenAiUsage(const AnswerFacts& facts);
// {"error":{"message":...,"type":"invalid_request_error","param":null,"code":null}}. (The
// three-argument overload in error_response.h also sets "code".)
std::string OpenAiErrorBody(std::string_view message,
                            std::string_view type = "invalid_request_error");
// GET /v1/models: {"object":"list","data":[{"id","object":"model","created","owned_by"}]}.
std::string OpenAiModelListBody();
// GET /v1/models/{id}: any id exists (the mock answers for every model name).
std::string OpenAiModelBody(std::string_view id);

}  // namespace stampede::server
