#include "server/llm_routes.h"

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "server/anthropic_format.h"
#include "server/error_response.h"
#include "server/llm_generation.h"
#include "server/llm_request.h"
#include "server/llm_text.h"
#include "server/openai_format.h"
#include "server/query_params.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;
using boost::beast::http::verb;

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kCompletionsPath = "/v1/completions";
constexpr std::string_view kMessagesPath = "/v1/messages";
constexpr std::string_view kModelsPath = "/v1/models";

enum class Api { kOpenAiChat, kOpenAiCompletion, kAnthropic };

// Owns its strings, so RouteLlm can return it after the request's locals are gone.
awaitable<void> SendJson(Responder& responder, unsigned status, std::string body,
                         std::string extra_headers = {}) {
  co_await responder.SendFull(status, "application/json", body, extra_headers);
}

std::string ErrorBody(Api api, std::string_view message) {
  return api == Api::kAnthropic ? AnthropicErrorBody(message) : OpenAiErrorBody(message);
}

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

awaitable<void> Answer(Api api, std::string_view query_string, const HttpRequest& request,
                       Responder& responder, RouteContext& context) {
  auto parsed = api == Api::kOpenAiChat         ? ParseChatCompletionRequest(request.body())
                : api == Api::kOpenAiCompletion ? ParseCompletionRequest(request.body())
                                                : ParseMessagesRequest(request.body());
  if (!parsed) return SendJson(responder, 400, ErrorBody(api, parsed.error().message));
  const QueryParams query = QueryParams::Parse(query_string);
  const RequestKnobs knobs(query, request);
  auto plan = PlanGeneration(*parsed, knobs, context.state.options.profile);
  if (!plan) return SendJson(responder, 400, ErrorBody(api, plan.error().message));
  // --tpm: the prompt and the whole answer are taken up front, as rate limiters of hosted APIs
  // count max_tokens at admission.
  core::Nanos retry_after = 0;
  if (!context.state.TryConsumeTokens(
          static_cast<double>(parsed->prompt_tokens + plan->completion_tokens), retry_after)) {
    return SendRateLimited(responder, context, retry_after, RateLimitKind::kTokens);
  }

  AnswerFacts facts{
      .id = MakeAnswerId(api == Api::kOpenAiChat         ? "chatcmpl-"
                         : api == Api::kOpenAiCompletion ? "cmpl-"
                                                         : "msg_",
                         context.random),
      .created = UnixNow(),
      .model = std::move(parsed->model),
      .prompt_tokens = parsed->prompt_tokens,
      .completion_tokens = plan->completion_tokens,
      .truncated = plan->truncated,
      .include_usage = plan->include_usage,
  };
  Generation generation;
  switch (api) {
    case Api::kOpenAiChat:
      generation.format = std::make_unique<OpenAiChatFormat>(std::move(facts));
      break;
    case Api::kOpenAiCompletion:
      generation.format = std::make_unique<OpenAiCompletionFormat>(std::move(facts));
      break;
    case Api::kAnthropic:
      generation.format = std::make_unique<AnthropicMessageFormat>(std::move(facts));
      break;
  }
  // The seed changes every answer; the same prompt under the same seed gets the same answer.
  const std::uint64_t key =
      parsed->prompt_key ^ (context.state.options.seed * 0x9E3779B97F4A7C15ULL);
  generation.tokens = DrawAnswer(key, static_cast<std::size_t>(plan->completion_tokens));
  generation.plan = *plan;
  generation.stream = parsed->stream;
  return ServeGeneration(std::move(generation), responder, context.random);
}

}  // namespace

bool IsLlmPath(std::string_view path) {
  return path == kChatPath || path == kCompletionsPath || path == kMessagesPath ||
         path == kModelsPath || path.starts_with("/v1/models/");
}

awaitable<void> RouteLlm(std::string_view path, std::string_view query_string,
                         const HttpRequest& request, Responder& responder, RouteContext& context) {
  if (path == kModelsPath || path.starts_with("/v1/models/")) {
    if (request.method() != verb::get) {
      return SendJson(responder, 405, OpenAiErrorBody("method not allowed: use GET"),
                      "Allow: GET\r\n");
    }
    if (path == kModelsPath) return SendJson(responder, 200, OpenAiModelListBody());
    const auto id = path.substr(kModelsPath.size() + 1);
    if (id.empty()) {
      return SendJson(responder, 404,
                      OpenAiErrorBody("no model id", "invalid_request_error", "model_not_found"));
    }
    return SendJson(responder, 200, OpenAiModelBody(PercentDecode(id).value_or(std::string(id))));
  }
  const Api api = path == kChatPath          ? Api::kOpenAiChat
                  : path == kCompletionsPath ? Api::kOpenAiCompletion
                                             : Api::kAnthropic;
  if (request.method() != verb::post) {
    return SendJson(responder, 405, ErrorBody(api, "method not allowed: use POST"),
                    "Allow: POST\r\n");
  }
  return Answer(api, query_string, request, responder, context);
}

}  // namespace stampede::server
