#include "server/openai_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stampede::server {
namespace {

using nlohmann::json;

AnswerFacts Facts(bool truncated = true, bool include_usage = false) {
  return AnswerFacts{.id = "chatcmpl-abc",
                     .created = 1700000000,
                     .model = "gpt-\"quoted\"",
                     .prompt_tokens = 12,
                     .completion_tokens = 3,
                     .truncated = truncated,
                     .include_usage = include_usage};
}

// The JSON of every `data: ...\n\n` event of `stream`; "[DONE]" as a string. Fails the test on
// anything that is not exactly such events.
std::vector<json> Events(std::string_view stream) {
  std::vector<json> events;
  while (!stream.empty()) {
    EXPECT_TRUE(stream.starts_with("data: ")) << stream;
    const auto end = stream.find("\n\n");
    EXPECT_NE(end, std::string_view::npos) << stream;
    if (!stream.starts_with("data: ") || end == std::string_view::npos) return events;
    const std::string_view data = stream.substr(6, end - 6);
    events.push_back(data == "[DONE]" ? json("[DONE]") : json::parse(data));
    stream.remove_prefix(end + 2);
  }
  return events;
}

void ExpectChunkEnvelope(const json& chunk, std::string_view object) {
  EXPECT_EQ(chunk["id"], "chatcmpl-abc");
  EXPECT_EQ(chunk["object"], object);
  EXPECT_EQ(chunk["created"], 1700000000);
  EXPECT_EQ(chunk["model"], "gpt-\"quoted\"");
}

TEST(OpenAiChatFormatTest, StreamChunksHaveTheExactShape) {
  const OpenAiChatFormat format(Facts());
  const auto start = Events(format.StreamStart());
  ASSERT_EQ(start.size(), 1U);
  ExpectChunkEnvelope(start[0], "chat.completion.chunk");
  ASSERT_EQ(start[0]["choices"].size(), 1U);
  EXPECT_EQ(start[0]["choices"][0]["index"], 0);
  EXPECT_EQ(start[0]["choices"][0]["delta"], json({{"role", "assistant"}, {"content", ""}}));
  EXPECT_TRUE(start[0]["choices"][0]["finish_reason"].is_null());
  EXPECT_TRUE(start[0]["choices"][0]["logprobs"].is_null());
  EXPECT_FALSE(start[0].contains("usage"));

  const auto delta = Events(format.StreamDelta(" wat\"er\n"));
  ASSERT_EQ(delta.size(), 1U);
  ExpectChunkEnvelope(delta[0], "chat.completion.chunk");
  EXPECT_EQ(delta[0]["choices"][0]["delta"], json({{"content", " wat\"er\n"}}));
  EXPECT_TRUE(delta[0]["choices"][0]["finish_reason"].is_null());

  const auto end = Events(format.StreamEnd());
  ASSERT_EQ(end.size(), 2U);
  EXPECT_EQ(end[0]["choices"][0]["delta"], json::object());
  EXPECT_EQ(end[0]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(end[1], "[DONE]");
}

TEST(OpenAiChatFormatTest, IncludeUsageAddsNullUsageEverywhereAndAUsageChunk) {
  const OpenAiChatFormat format(Facts(/*truncated=*/false, /*include_usage=*/true));
  EXPECT_TRUE(Events(format.StreamStart())[0]["usage"].is_null());
  EXPECT_TRUE(Events(format.StreamStart())[0].contains("usage"));
  EXPECT_TRUE(Events(format.StreamDelta("x"))[0]["usage"].is_null());
  const auto end = Events(format.StreamEnd());
  ASSERT_EQ(end.size(), 3U);
  EXPECT_EQ(end[0]["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(end[0]["usage"].is_null());
  ExpectChunkEnvelope(end[1], "chat.completion.chunk");
  EXPECT_EQ(end[1]["choices"], json::array());
  EXPECT_EQ(end[1]["usage"],
            json({{"prompt_tokens", 12}, {"completion_tokens", 3}, {"total_tokens", 15}}));
  EXPECT_EQ(end[2], "[DONE]");
}

TEST(OpenAiChatFormatTest, BodyIsAChatCompletion) {
  const json body = json::parse(OpenAiChatFormat(Facts()).Body("Call me"));
  ExpectChunkEnvelope(body, "chat.completion");
  ASSERT_EQ(body["choices"].size(), 1U);
  const json& choice = body["choices"][0];
  EXPECT_EQ(choice["index"], 0);
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], "Call me");
  EXPECT_EQ(choice["finish_reason"], "length");
  EXPECT_TRUE(choice["logprobs"].is_null());
  EXPECT_EQ(body["usage"],
            json({{"prompt_tokens", 12}, {"completion_tokens", 3}, {"total_tokens", 15}}));
}

TEST(OpenAiCompletionFormatTest, StreamAndBodyAreTextCompletions) {
  const OpenAiCompletionFormat format(Facts(/*truncated=*/true, /*include_usage=*/true));
  EXPECT_EQ(format.StreamStart(), "");
  const auto delta = Events(format.StreamDelta(" sea"));
  ASSERT_EQ(delta.size(), 1U);
  ExpectChunkEnvelope(delta[0], "text_completion");
  EXPECT_EQ(
      delta[0]["choices"][0],
      json({{"text", " sea"}, {"index", 0}, {"logprobs", nullptr}, {"finish_reason", nullptr}}));
  EXPECT_TRUE(delta[0]["usage"].is_null());
  const auto end = Events(format.StreamEnd());
  ASSERT_EQ(end.size(), 3U);
  EXPECT_EQ(end[0]["choices"][0]["text"], "");
  EXPECT_EQ(end[0]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(end[1]["choices"], json::array());
  EXPECT_EQ(end[1]["usage"]["total_tokens"], 15);
  EXPECT_EQ(end[2], "[DONE]");

  const json body = json::parse(format.Body("abc"));
  ExpectChunkEnvelope(body, "text_completion");
  EXPECT_EQ(
      body["choices"][0],
      json({{"text", "abc"}, {"index", 0}, {"logprobs", nullptr}, {"finish_reason", "length"}}));
  EXPECT_EQ(body["usage"]["completion_tokens"], 3);
}

TEST(OpenAiFormatTest, ErrorAndModelBodies) {
  EXPECT_EQ(json::parse(OpenAiErrorBody("bad \"x\"")),
            json::parse(R"({"error":{"message":"bad \"x\"","type":"invalid_request_error",)"
                        R"("param":null,"code":null}})"));
  const json list = json::parse(OpenAiModelListBody());
  EXPECT_EQ(list["object"], "list");
  ASSERT_FALSE(list["data"].empty());
  for (const json& model : list["data"]) {
    EXPECT_TRUE(model["id"].is_string());
    EXPECT_EQ(model["object"], "model");
    EXPECT_TRUE(model["created"].is_number_integer());
    EXPECT_EQ(model["owned_by"], "stampede");
  }
  EXPECT_EQ(list["data"][0]["id"], "stampede-mock");
  EXPECT_EQ(json::parse(OpenAiModelBody("my model"))["id"], "my model");
}

}  // namespace
}  // namespace stampede::server
