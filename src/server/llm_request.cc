#include "server/llm_request.h"

#include <nlohmann/json.hpp>

#include "server/latency_profile.h"
#include "server/llm_text.h"

namespace stampede::server {
namespace {

using nlohmann::json;

// The prompt's text as it is read: counted and hashed, never kept.
struct Prompt {
  std::uint64_t tokens = 0;
  std::uint64_t key = HashText("");

  void AddText(std::string_view text) {
    tokens += CountTokens(text);
    key = HashText(text, key);
  }
};

std::string TypeName(const json& value) { return value.type_name(); }

core::Result<json> ParseObject(std::string_view body) {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return core::MakeError(
        "could not parse the JSON body of the request: expected a JSON object such as "
        "{\"model\": \"m\", ...}");
  }
  if (!document.is_object()) {
    return core::MakeError("the request body must be a JSON object, not " + TypeName(document));
  }
  return document;
}

core::Result<std::string> GetModel(const json& body) {
  const auto found = body.find("model");
  if (found == body.end() || found->is_null()) {
    return core::MakeError("you must provide a model parameter");
  }
  if (!found->is_string()) {
    return core::MakeError("'model' must be a string, not " + TypeName(*found));
  }
  return found->get<std::string>();
}

core::Result<bool> GetStream(const json& body) {
  const auto found = body.find("stream");
  if (found == body.end() || found->is_null()) return false;
  if (!found->is_boolean()) {
    return core::MakeError("'stream' must be a boolean, not " + TypeName(*found));
  }
  return found->get<bool>();
}

// nullopt when absent or null; an error unless a whole number in [1, kMaxAnswerTokens].
core::Result<std::optional<std::uint64_t>> GetTokenBound(const json& body, const char* name) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::uint64_t>();
  if (!found->is_number_integer()) {
    return core::MakeError("'" + std::string(name) + "' must be an integer, not " + found->dump());
  }
  if (found->is_number_unsigned() && found->get<std::uint64_t>() > kMaxAnswerTokens) {
    return core::MakeError("'" + std::string(name) + "' is " + found->dump() +
                           ", above the mock's limit of " + std::to_string(kMaxAnswerTokens));
  }
  if (!found->is_number_unsigned() || found->get<std::uint64_t>() < 1) {
    return core::MakeError("'" + std::string(name) + "' must be at least 1, not " + found->dump());
  }
  return std::optional<std::uint64_t>(found->get<std::uint64_t>());
}

// Message content in either API: a string, null, or an array of parts of which the text ones
// ({"type": "text", "text": "..."}, or bare strings) count. Images and the like count nothing.
core::Result<void> AddContent(const json& content, std::string_view where, Prompt& prompt) {
  if (content.is_null()) return {};
  if (content.is_string()) {
    prompt.AddText(content.get_ref<const std::string&>());
    return {};
  }
  if (!content.is_array()) {
    return core::MakeError(std::string(where) +
                           " must be a string or an array of content parts, not " +
                           TypeName(content));
  }
  for (const json& part : content) {
    if (part.is_string()) {
      prompt.AddText(part.get_ref<const std::string&>());
    } else if (part.is_object()) {
      const auto text = part.find("text");
      if (text != part.end() && text->is_string())
        prompt.AddText(text->get_ref<const std::string&>());
    } else {
      return core::MakeError(std::string(where) + " has a part that is " + TypeName(part) +
                             ", not an object");
    }
  }
  return {};
}

// The messages array both APIs share: objects with a string role and a content.
core::Result<void> AddMessages(const json& body, Prompt& prompt) {
  const auto messages = body.find("messages");
  if (messages == body.end() || messages->is_null()) {
    return core::MakeError("'messages' is a required property");
  }
  if (!messages->is_array()) {
    return core::MakeError("'messages' must be an array, not " + TypeName(*messages));
  }
  if (messages->empty()) return core::MakeError("'messages' must not be empty");
  for (std::size_t index = 0; index < messages->size(); ++index) {
    const json& message = (*messages)[index];
    const std::string where = "messages[" + std::to_string(index) + "]";
    if (!message.is_object()) {
      return core::MakeError(where + " must be an object, not " + TypeName(message));
    }
    const auto role = message.find("role");
    if (role == message.end() || !role->is_string()) {
      return core::MakeError(where + ".role is required and must be a string");
    }
    const auto content = message.find("content");
    if (content != message.end()) {
      if (auto added = AddContent(*content, where + ".content", prompt); !added) {
        return added.error();
      }
    }
  }
  return {};
}

// stream_options.include_usage: nullopt when absent or null (a knob may then decide).
core::Result<std::optional<bool>> GetIncludeUsage(const json& body) {
  const auto options = body.find("stream_options");
  if (options == body.end() || options->is_null()) return std::optional<bool>();
  if (!options->is_object()) {
    return core::MakeError("'stream_options' must be an object, not " + TypeName(*options));
  }
  const auto usage = options->find("include_usage");
  if (usage == options->end() || usage->is_null()) return std::optional<bool>();
  if (!usage->is_boolean()) {
    return core::MakeError("'stream_options.include_usage' must be a boolean");
  }
  return std::optional<bool>(usage->get<bool>());
}

}  // namespace

core::Result<LlmRequest> ParseChatCompletionRequest(std::string_view body_text) {
  auto body = ParseObject(body_text);
  if (!body) return body.error();
  LlmRequest request;
  auto model = GetModel(*body);
  if (!model) return model.error();
  request.model = std::move(*model);
  Prompt prompt;
  if (auto added = AddMessages(*body, prompt); !added) return added.error();
  request.prompt_tokens = prompt.tokens;
  request.prompt_key = prompt.key;
  auto stream = GetStream(*body);
  if (!stream) return stream.error();
  request.stream = *stream;
  // The newer name wins, as in OpenAI's API where max_tokens is its deprecated alias.
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    auto bound = GetTokenBound(*body, name);
    if (!bound) return bound.error();
    if (*bound) request.max_tokens = *bound;
  }
  if (const auto n = body->find("n"); n != body->end() && !n->is_null() && *n != 1) {
    return core::MakeError("'n' is " + n->dump() + ": the mock answers with one choice (n=1)");
  }
  auto include_usage = GetIncludeUsage(*body);
  if (!include_usage) return include_usage.error();
  request.include_usage = *include_usage;
  return request;
}

core::Result<LlmRequest> ParseCompletionRequest(std::string_view body_text) {
  auto body = ParseObject(body_text);
  if (!body) return body.error();
  LlmRequest request;
  auto model = GetModel(*body);
  if (!model) return model.error();
  request.model = std::move(*model);
  const auto prompt_value = body->find("prompt");
  if (prompt_value == body->end() || prompt_value->is_null()) {
    return core::MakeError("'prompt' is a required property");
  }
  Prompt prompt;
  // A token id is one token; its decimal text feeds the key.
  auto add_ids = [&](const json& ids) {
    for (const json& id : ids) {
      if (!id.is_number_integer()) return false;
      ++prompt.tokens;
      prompt.key = HashText(id.dump(), prompt.key);
    }
    return true;
  };
  if (prompt_value->is_string()) {
    prompt.AddText(prompt_value->get_ref<const std::string&>());
  } else if (prompt_value->is_array()) {
    for (const json& item : *prompt_value) {
      const bool ok = item.is_string()  ? (prompt.AddText(item.get_ref<const std::string&>()), true)
                      : item.is_array() ? add_ids(item)
                                        : add_ids(json::array({item}));
      if (!ok) {
        return core::MakeError(
            "'prompt' must be a string, an array of strings, or an array of token ids");
      }
    }
  } else {
    return core::MakeError(
        "'prompt' must be a string, an array of strings, or an array of "
        "token ids, not " +
        TypeName(*prompt_value));
  }
  request.prompt_tokens = prompt.tokens;
  request.prompt_key = prompt.key;
  auto stream = GetStream(*body);
  if (!stream) return stream.error();
  request.stream = *stream;
  auto bound = GetTokenBound(*body, "max_tokens");
  if (!bound) return bound.error();
  request.max_tokens = *bound;
  if (const auto n = body->find("n"); n != body->end() && !n->is_null() && *n != 1) {
    return core::MakeError("'n' is " + n->dump() + ": the mock answers with one choice (n=1)");
  }
  auto include_usage = GetIncludeUsage(*body);
  if (!include_usage) return include_usage.error();
  request.include_usage = *include_usage;
  return request;
}

core::Result<LlmRequest> ParseMessagesRequest(std::string_view body_text) {
  auto body = ParseObject(body_text);
  if (!body) return body.error();
  LlmRequest request;
  const auto model = body->find("model");
  if (model == body->end() || !model->is_string()) {
    return core::MakeError("model: Field required (a string)");
  }
  request.model = model->get<std::string>();
  const auto max_tokens = body->find("max_tokens");
  if (max_tokens == body->end() || max_tokens->is_null()) {
    return core::MakeError("max_tokens: Field required");
  }
  auto bound = GetTokenBound(*body, "max_tokens");
  if (!bound) return bound.error();
  request.max_tokens = *bound;
  Prompt prompt;
  if (const auto system = body->find("system"); system != body->end()) {
    if (auto added = AddContent(*system, "system", prompt); !added) return added.error();
  }
  if (auto added = AddMessages(*body, prompt); !added) return added.error();
  request.prompt_tokens = prompt.tokens;
  request.prompt_key = prompt.key;
  auto stream = GetStream(*body);
  if (!stream) return stream.error();
  request.stream = *stream;
  return request;
}

}  // namespace stampede::server
