#include "server/openai_format.h"

#include <utility>

#include "server/json_text.h"

namespace stampede::server {
namespace {

constexpr std::string_view kDone = "data: [DONE]\n\n";
constexpr std::string_view kFingerprint = ",\"system_fingerprint\":null";
// The models GET /v1/models lists. Every other name is answered too.
constexpr std::string_view kModelIds[] = {"stampede-mock", "gpt-4o-mini", "gpt-4o"};
// 2024-01-01T00:00:00Z: a fixed "created" keeps the list byte-identical across runs.
constexpr std::int64_t kModelsCreated = 1704067200;

// {"id":"...","object":"...","created":N,"model":"..."
std::string Envelope(const AnswerFacts& facts, std::string_view object) {
  std::string head = "{\"id\":";
  AppendJsonString(head, facts.id);
  head.append(",\"object\":\"").append(object).append("\",\"created\":");
  head.append(std::to_string(facts.created));
  head.append(",\"model\":");
  AppendJsonString(head, facts.model);
  return head;
}

// "data: " + the usage chunk (choices empty) + "\n\n", when include_usage asked for it.
// `fields` go between the envelope and the choices, as in the other chunks of the stream.
std::string UsageEvent(const AnswerFacts& facts, std::string_view object,
                       std::string_view fields = {}) {
  if (!facts.include_usage) return {};
  return "data: " + Envelope(facts, object) + std::string(fields) +
         ",\"choices\":[],\"usage\":" + OpenAiUsage(facts) + "}\n\n";
}

}  // namespace

std::string_view OpenAiFinishReason(const AnswerFacts& facts) {
  return facts.truncated ? "length" : "stop";
}

std::string OpenAiUsage(const AnswerFacts& facts) {
  return "{\"prompt_tokens\":" + std::to_string(facts.prompt_tokens) +
         ",\"completion_tokens\":" + std::to_string(facts.completion_tokens) +
         ",\"total_tokens\":" + std::to_string(facts.prompt_tokens + facts.completion_tokens) + "}";
}

OpenAiChatFormat::OpenAiChatFormat(AnswerFacts facts)
    : facts_(std::move(facts)),
      chunk_head_(Envelope(facts_, "chat.completion.chunk") +
                  ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":") {}

std::string OpenAiChatFormat::Chunk(std::string_view delta, std::string_view finish_reason) const {
  std::string event;
  event.reserve(chunk_head_.size() + delta.size() + 96);
  event.append("data: ").append(chunk_head_).append(delta);
  event.append(",\"logprobs\":null,\"finish_reason\":").append(finish_reason).append("}]");
  if (facts_.include_usage) event.append(",\"usage\":null");
  event.append("}\n\n");
  return event;
}

std::string OpenAiChatFormat::Body(std::string_view text) const {
  std::string body = Envelope(facts_, "chat.completion");
  body.append(
      ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"message\":{\"role\":"
      "\"assistant\",\"content\":");
  AppendJsonString(body, text);
  body.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"");
  body.append(OpenAiFinishReason(facts_)).append("\"}],\"usage\":");
  body.append(OpenAiUsage(facts_)).append("}");
  return body;
}

std::string OpenAiChatFormat::StreamStart() const {
  return Chunk(R"({"role":"assistant","content":""})", "null");
}

std::string OpenAiChatFormat::StreamDelta(std::string_view text) const {
  std::string delta = "{\"content\":";
  AppendJsonString(delta, text);
  delta.push_back('}');
  return Chunk(delta, "null");
}

std::string OpenAiChatFormat::StreamEnd() const {
  return Chunk("{}", "\"" + std::string(OpenAiFinishReason(facts_)) + "\"") +
         UsageEvent(facts_, "chat.completion.chunk", kFingerprint) + std::string(kDone);
}

OpenAiCompletionFormat::OpenAiCompletionFormat(AnswerFacts facts)
    : facts_(std::move(facts)),
      chunk_head_(Envelope(facts_, "text_completion") + ",\"choices\":[{\"text\":") {}

std::string OpenAiCompletionFormat::Chunk(std::string_view text,
                                          std::string_view finish_reason) const {
  std::string event;
  event.reserve(chunk_head_.size() + text.size() + 96);
  event.append("data: ").append(chunk_head_);
  AppendJsonString(event, text);
  event.append(",\"index\":0,\"logprobs\":null,\"finish_reason\":").append(finish_reason);
  event.append("}]");
  if (facts_.include_usage) event.append(",\"usage\":null");
  event.append("}\n\n");
  return event;
}

std::string OpenAiCompletionFormat::Body(std::string_view text) const {
  std::string body = Envelope(facts_, "text_completion");
  body.append(",\"choices\":[{\"text\":");
  AppendJsonString(body, text);
  body.append(",\"index\":0,\"logprobs\":null,\"finish_reason\":\"");
  body.append(OpenAiFinishReason(facts_)).append("\"}],\"usage\":");
  body.append(OpenAiUsage(facts_)).append("}");
  return body;
}

std::string OpenAiCompletionFormat::StreamDelta(std::string_view text) const {
  return Chunk(text, "null");
}

std::string OpenAiCompletionFormat::StreamEnd() const {
  return Chunk("", "\"" + std::string(OpenAiFinishReason(facts_)) + "\"") +
         UsageEvent(facts_, "text_completion") + std::string(kDone);
}

std::string OpenAiErrorBody(std::string_view message, std::string_view type) {
  std::string body = "{\"error\":{\"message\":";
  AppendJsonString(body, message);
  body.append(",\"type\":");
  AppendJsonString(body, type);
  body.append(",\"param\":null,\"code\":null}}");
  return body;
}

std::string OpenAiModelBody(std::string_view id) {
  std::string body = "{\"id\":";
  AppendJsonString(body, id);
  body.append(",\"object\":\"model\",\"created\":").append(std::to_string(kModelsCreated));
  body.append(",\"owned_by\":\"stampede\"}");
  return body;
}

std::string OpenAiModelListBody() {
  std::string body = "{\"object\":\"list\",\"data\":[";
  bool first = true;
  for (const std::string_view id : kModelIds) {
    if (!first) body.push_back(',');
    first = false;
    body.append(OpenAiModelBody(id));
  }
  body.append("]}");
  return body;
}

}  // namespace stampede::server
