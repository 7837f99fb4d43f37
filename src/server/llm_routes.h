// The LLM endpoints of the mock: OpenAI-compatible POST /v1/chat/completions,
// POST /v1/completions and GET /v1/models[/{id}], Anthropic-style POST /v1/messages. Each
// parses its body (llm_request.h), plans the answer from the knobs and the server's latency
// profile (llm_generation.h) and streams it in its API's format; errors are 400 (or 405) with
// the API's error body. docs/mock-server.md documents every parameter.
#pragma once

#include <string_view>

#include "asio/awaitable.h"
#include "server/request_knobs.h"
#include "server/responder.h"
#include "server/server_state.h"

namespace stampede::server {

// True for the paths RouteLlm answers, whatever the method.
bool IsLlmPath(std::string_view path);

// Not a coroutine: it parses and plans now and returns the answer's coroutine, which owns what
// it needs. `request` must outlive it (the connection keeps it until the response is done).
boost::asio::awaitable<void> RouteLlm(std::string_view path, std::string_view query_string,
                                      const HttpRequest& request, Responder& responder,
                                      RouteContext& context);

}  // namespace stampede::server
