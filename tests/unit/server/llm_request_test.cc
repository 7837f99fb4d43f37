#include "server/llm_request.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/llm_text.h"

namespace stampede::server {
namespace {

TEST(ParseChatCompletionRequestTest, ReadsWhatTheMockNeeds) {
  auto request = ParseChatCompletionRequest(R"({
    "model": "gpt-4o-mini",
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": [{"type": "text", "text": "Hello, world!"},
                                   {"type": "image_url", "image_url": {"url": "x"}}]},
      {"role": "assistant", "content": null, "tool_calls": []}
    ],
    "max_tokens": 20, "max_completion_tokens": 30, "stream": true,
    "stream_options": {"include_usage": true}, "temperature": 0.2, "n": 1})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->model, "gpt-4o-mini");
  EXPECT_EQ(request->prompt_tokens, CountTokens("Be brief.") + CountTokens("Hello, world!"));
  EXPECT_EQ(request->prompt_tokens, 7U);
  EXPECT_TRUE(request->stream);
  EXPECT_EQ(request->include_usage, true);
  EXPECT_EQ(request->max_tokens, 30U);  // max_completion_tokens wins
}

TEST(ParseChatCompletionRequestTest, DefaultsAndThePromptKey) {
  auto request =
      ParseChatCompletionRequest(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_FALSE(request->stream);
  EXPECT_FALSE(request->include_usage.has_value());
  EXPECT_FALSE(request->max_tokens.has_value());
  EXPECT_EQ(request->prompt_tokens, 1U);
  EXPECT_EQ(request->prompt_key, HashText("hi"));
  auto other =
      ParseChatCompletionRequest(R"({"model":"m","messages":[{"role":"user","content":"ho"}]})");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->prompt_key, request->prompt_key);
}

TEST(ParseChatCompletionRequestTest, ErrorsSayWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{bad", "could not parse the JSON body"},
      {"", "could not parse the JSON body"},
      {"[1]", "must be a JSON object, not array"},
      {R"({"messages":[{"role":"user","content":"x"}]})", "you must provide a model parameter"},
      {R"({"model":5,"messages":[]})", "'model' must be a string, not number"},
      {R"({"model":"m"})", "'messages' is a required property"},
      {R"({"model":"m","messages":{}})", "'messages' must be an array, not object"},
      {R"({"model":"m","messages":[]})", "'messages' must not be empty"},
      {R"({"model":"m","messages":["hi"]})", "messages[0] must be an object, not string"},
      {R"({"model":"m","messages":[{"content":"x"}]})", "messages[0].role is required"},
      {R"({"model":"m","messages":[{"role":"user","content":5}]})",
       "messages[0].content must be a string or an array"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})",
       "'max_tokens' must be at least 1, not 0"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-3})",
       "'max_tokens' must be at least 1, not -3"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"5"})",
       "'max_tokens' must be an integer, not \"5\""},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":1.5})",
       "'max_completion_tokens' must be an integer"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":100001})",
       "above the mock's limit of 100000"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})",
       "'stream' must be a boolean, not string"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})",
       "the mock answers with one choice (n=1)"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":1})",
       "'stream_options' must be an object"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}],)"
       R"("stream_options":{"include_usage":"yes"}})",
       "'stream_options.include_usage' must be a boolean"},
  };
  for (const auto& [body, expected] : cases) {
    auto request = ParseChatCompletionRequest(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_NE(request.error().message.find(expected), std::string::npos)
        << body << " -> " << request.error().message;
  }
}

TEST(ParseCompletionRequestTest, AcceptsEveryPromptForm) {
  auto text =
      ParseCompletionRequest(R"({"model":"m","prompt":"Say this is a test","max_tokens":7})");
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->model, "m");
  EXPECT_EQ(text->prompt_tokens, 5U);
  EXPECT_EQ(text->max_tokens, 7U);
  auto strings = ParseCompletionRequest(R"({"model":"m","prompt":["a b","c"],"stream":true})");
  ASSERT_TRUE(strings.ok()) << strings.error().message;
  EXPECT_EQ(strings->prompt_tokens, 3U);
  EXPECT_TRUE(strings->stream);
  auto ids = ParseCompletionRequest(R"({"model":"m","prompt":[1,2,3]})");
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  EXPECT_EQ(ids->prompt_tokens, 3U);
  auto id_lists = ParseCompletionRequest(R"({"model":"m","prompt":[[1,2],[3]]})");
  ASSERT_TRUE(id_lists.ok()) << id_lists.error().message;
  EXPECT_EQ(id_lists->prompt_tokens, 3U);
}

TEST(ParseCompletionRequestTest, Errors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"model":"m"})", "'prompt' is a required property"},
      {R"({"model":"m","prompt":{}})", "'prompt' must be a string, an array of strings"},
      {R"({"model":"m","prompt":[true]})", "'prompt' must be a string, an array of strings"},
      {R"({"prompt":"x"})", "you must provide a model parameter"},
      {R"({"model":"m","prompt":"x","max_tokens":0})", "'max_tokens' must be at least 1"},
  };
  for (const auto& [body, expected] : cases) {
    auto request = ParseCompletionRequest(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_NE(request.error().message.find(expected), std::string::npos)
        << body << " -> " << request.error().message;
  }
}

TEST(ParseMessagesRequestTest, ReadsSystemMessagesAndMaxTokens) {
  auto request = ParseMessagesRequest(R"({
    "model": "claude-3-5-haiku", "max_tokens": 16, "stream": true,
    "system": [{"type": "text", "text": "Be brief."}],
    "messages": [{"role": "user", "content": "Hello, world!"},
                 {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]}]})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->model, "claude-3-5-haiku");
  EXPECT_EQ(request->max_tokens, 16U);
  EXPECT_TRUE(request->stream);
  EXPECT_EQ(request->prompt_tokens, 3U + 4U + 1U);
}

TEST(ParseMessagesRequestTest, MaxTokensIsRequired) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"model":"c","messages":[{"role":"user","content":"x"}]})", "max_tokens: Field required"},
      {R"({"model":"c","max_tokens":null,"messages":[{"role":"user","content":"x"}]})",
       "max_tokens: Field required"},
      {R"({"model":"c","max_tokens":0,"messages":[{"role":"user","content":"x"}]})",
       "'max_tokens' must be at least 1"},
      {R"({"max_tokens":5,"messages":[{"role":"user","content":"x"}]})", "model: Field required"},
      {R"({"model":"c","max_tokens":5})", "'messages' is a required property"},
      {R"({"model":"c","max_tokens":5,"system":7,"messages":[{"role":"user","content":"x"}]})",
       "system must be a string or an array"},
      {"not json", "could not parse the JSON body"},
  };
  for (const auto& [body, expected] : cases) {
    auto request = ParseMessagesRequest(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_NE(request.error().message.find(expected), std::string::npos)
        << body << " -> " << request.error().message;
  }
}

}  // namespace
}  // namespace stampede::server
