#include "server/transcribe_route.h"

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <utility>

#include "server/jitter.h"
#include "server/json_text.h"
#include "server/openai_format.h"
#include "server/query_params.h"
#include "server/transcript_builder.h"

namespace stampede::server {
namespace {

using boost::asio::awaitable;

constexpr std::string_view kTranscribePath = "/v1/transcribe";
constexpr std::string_view kOpenAiPath = "/v1/audio/transcriptions";

// Owns its strings, so RouteTranscribe can return it after the request's locals are gone.
awaitable<void> Send(Responder& responder, unsigned status, std::string_view content_type,
                     std::string body, std::string extra_headers = {}) {
  co_await responder.SendFull(status, content_type, body, extra_headers);
}

// Answers `bytes` of audio after the spec's delay from when the request was read.
awaitable<void> Answer(AsrSpec spec, std::uint64_t bytes, bool openai, Responder& responder,
                       core::Random& random) {
  const auto start = responder.request_read_at();
  const auto due = Jitter(start + spec.delay, start, spec.jitter, random);
  if (co_await responder.WaitUntil(due)) co_return;
  const std::string body = TranscribeAnswer(bytes, spec, openai);
  co_await responder.SendFull(200, "application/json", body);
}

}  // namespace

bool IsTranscribePath(std::string_view path) {
  return path == kTranscribePath || path == kOpenAiPath;
}

std::uint64_t TranscribeWords(std::uint64_t bytes) {
  return (bytes + kBytesPerWord - 1) / kBytesPerWord;
}

std::string TranscribeAnswer(std::uint64_t bytes, const AsrSpec& spec, bool openai) {
  std::string json = R"({"text":)";
  AppendJsonString(json, TranscriptBuilder::TextOf(TranscribeWords(bytes)));
  if (!openai) {
    json.append(R"(,"duration_ms":)");
    json.append(std::to_string(AudioDurationMs(bytes, spec.sample_rate)));
    json.append(R"(,"bytes":)");
    json.append(std::to_string(bytes));
  }
  json.push_back('}');
  return json;
}

awaitable<void> RouteTranscribe(std::string_view path, std::string_view query_string,
                                const HttpRequest& request, Responder& responder,
                                RouteContext& context) {
  if (request.method() != boost::beast::http::verb::post) {
    return Send(responder, 405, "text/plain", "method not allowed: use POST\n", "Allow: POST\r\n");
  }
  const QueryParams query = QueryParams::Parse(query_string);
  auto spec = ParseAsrSpec(RequestKnobs(query, request));
  if (!spec) {
    // The OpenAI path answers errors in its API's shape, so its SDKs report them.
    if (path == kOpenAiPath) {
      return Send(responder, 400, "application/json", OpenAiErrorBody(spec.error().message));
    }
    return Send(responder, 400, "text/plain", spec.error().message + "\n");
  }
  return Answer(*spec, request.body().size(), path == kOpenAiPath, responder, context.random);
}

}  // namespace stampede::server
