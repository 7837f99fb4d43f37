#include "server/llm_routes.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/mock_server.h"
#include "test_client.h"

namespace stampede::server {
namespace {

using nlohmann::json;
using namespace testing;  // NOLINT(google-build-using-namespace): the test client

constexpr std::string_view kChatBody =
    R"({"model":"test-model","messages":[{"role":"user","content":"Hello, world!"}],)"
    R"("max_tokens":5)";

class LlmRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<MockServer>(ServerOptions{.host = "127.0.0.1", .port = 0, .threads = 1});
    const auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }

  std::unique_ptr<TestClient> Post(std::string_view target, std::string_view body,
                                   std::string_view extra_headers = "") {
    auto client = std::make_unique<TestClient>(server_->port());
    EXPECT_TRUE(client->connected());
    client->Send("POST " + std::string(target) +
                 " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" +
                 std::string(extra_headers) + "Content-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + std::string(body));
    return client;
  }

  std::unique_ptr<MockServer> server_;
};

// The `data:` payloads of an SSE body.
std::vector<std::string> DataLines(const std::string& body) {
  std::vector<std::string> data;
  std::size_t position = 0;
  while ((position = body.find("data: ", position)) != std::string::npos) {
    const auto end = body.find("\n\n", position);
    data.push_back(body.substr(position + 6, end - position - 6));
    position = end;
  }
  return data;
}

TEST_F(LlmRoutesTest, ChatStreamIsOnScheduleAndComplete) {
  const auto sent = Clock::now();
  auto client =
      Post("/v1/chat/completions?ttft_ms=100&itl_ms=20",
           std::string(kChatBody) + R"(,"stream":true,"stream_options":{"include_usage":true}})");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-type"), "text/event-stream");
  EXPECT_LT(ElapsedMs(sent, head->arrived), 100);  // the head goes at once
  const auto chunks = ReadChunkedBody(*client);
  // Token k at 100 + 20k ms; the role chunk rides with token 0; the end in one more chunk.
  ASSERT_EQ(chunks.size(), 6U);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_GE(ElapsedMs(sent, chunks[k].arrived), 100 + 20 * static_cast<long>(k)) << k;
    EXPECT_LT(ElapsedMs(sent, chunks[k].arrived), 100 + 20 * static_cast<long>(k) + 150) << k;
  }
  std::string body;
  for (const auto& chunk : chunks) body += chunk.data;
  const auto data = DataLines(body);
  ASSERT_EQ(data.size(), 1U + 5U + 1U + 1U + 1U);  // role, tokens, finish, usage, [DONE]
  std::string text;
  for (std::size_t index = 0; index + 1 < data.size(); ++index) {
    const json chunk = json::parse(data[index]);
    EXPECT_EQ(chunk["model"], "test-model");
    if (index >= 1 && index <= 5)
      text += chunk["choices"][0]["delta"]["content"].get<std::string>();
  }
  EXPECT_EQ(json::parse(data[6])["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(json::parse(data[7])["usage"],
            json({{"prompt_tokens", 4}, {"completion_tokens", 5}, {"total_tokens", 9}}));
  EXPECT_EQ(data[8], "[DONE]");

  // The same prompt (and seed) gets the same words without streaming, after the whole delay.
  const auto whole_sent = Clock::now();
  auto whole = Post("/v1/chat/completions?ttft_ms=100&itl_ms=20", std::string(kChatBody) + "}");
  const auto whole_head = ReadHead(*whole);
  ASSERT_TRUE(whole_head);
  EXPECT_EQ(whole_head->status, 200);
  EXPECT_EQ(whole_head->Header("content-type"), "application/json");
  EXPECT_GE(ElapsedMs(whole_sent, whole_head->arrived), 180);
  const json answer = json::parse(ReadFixedBody(*whole, *whole_head));
  EXPECT_EQ(answer["choices"][0]["message"]["content"], text);
  EXPECT_EQ(answer["usage"]["completion_tokens"], 5);
}

TEST_F(LlmRoutesTest, TokensPerChunkGroupsTokens) {
  auto client = Post("/v1/messages?profile=instant&tokens_per_chunk=2",
                     R"({"model":"c","max_tokens":5,"stream":true,)"
                     R"("messages":[{"role":"user","content":"Hi"}]})");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  std::string body;
  for (const auto& chunk : ReadChunkedBody(*client)) body += chunk.data;
  std::size_t deltas = 0;
  for (std::size_t at = 0; (at = body.find("event: content_block_delta", at)) != std::string::npos;
       ++at) {
    ++deltas;
  }
  EXPECT_EQ(deltas, 3U);  // 2 + 2 + 1 tokens
  EXPECT_NE(body.find(R"("stop_reason":"max_tokens")"), std::string::npos);
  EXPECT_NE(body.find(R"("usage":{"output_tokens":5})"), std::string::npos);
  EXPECT_TRUE(body.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

TEST_F(LlmRoutesTest, ErrorsUseEachApisErrorBody) {
  auto invalid = Post("/v1/chat/completions", "{nope");
  auto head = ReadHead(*invalid);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  json error = json::parse(ReadFixedBody(*invalid, *head));
  EXPECT_EQ(error["error"]["type"], "invalid_request_error");
  EXPECT_TRUE(error["error"]["param"].is_null());

  auto knob = Post("/v1/completions?itl=bogus", R"({"model":"m","prompt":"x"})");
  head = ReadHead(*knob);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  error = json::parse(ReadFixedBody(*knob, *head));
  EXPECT_NE(error["error"]["message"].get<std::string>().find("invalid itl"), std::string::npos);

  auto anthropic = Post("/v1/messages", R"({"model":"c","messages":[]})");
  head = ReadHead(*anthropic);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  error = json::parse(ReadFixedBody(*anthropic, *head));
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["error"]["message"], "max_tokens: Field required");

  auto client = std::make_unique<TestClient>(server_->port());
  client->SendGet("/v1/chat/completions");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->Header("allow"), "POST");
}

TEST_F(LlmRoutesTest, ModelsAnswerGet) {
  TestClient client(server_->port());
  client.SendGet("/v1/models");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  const json list = json::parse(ReadFixedBody(client, *head));
  EXPECT_EQ(list["object"], "list");
  EXPECT_EQ(list["data"][0]["object"], "model");
}

TEST(LlmTokenLimitTest, TpmCountsThePromptAndTheWholeAnswer) {
  // 20 tokens a minute; each request takes 4 prompt + 5 answer tokens, so the third waits.
  MockServer server(ServerOptions{.host = "127.0.0.1", .port = 0, .profile = "instant", .tpm = 20});
  ASSERT_TRUE(server.Start().ok());
  const std::string body = std::string(kChatBody) + "}";
  for (int attempt = 0; attempt < 3; ++attempt) {
    TestClient client(server.port());
    client.Send("POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
    const auto head = ReadHead(client);
    ASSERT_TRUE(head);
    const json answer = json::parse(ReadFixedBody(client, *head));
    if (attempt < 2) {
      EXPECT_EQ(head->status, 200) << attempt;
      continue;
    }
    EXPECT_EQ(head->status, 429);
    EXPECT_FALSE(head->Header("retry-after").empty());
    EXPECT_EQ(answer["error"]["code"], "rate_limit_exceeded");
  }
}

TEST(LlmProfileStartTest, AnInvalidProfileStopsTheServerFromStarting) {
  MockServer server(ServerOptions{.host = "127.0.0.1", .port = 0, .profile = "ttft=soon"});
  const auto started = server.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("invalid --profile \"ttft=soon\""), std::string::npos)
      << started.error().message;
  MockServer valid(ServerOptions{.host = "127.0.0.1", .port = 0, .profile = "gpt-4o-like"});
  EXPECT_TRUE(valid.Start().ok());
}

TEST(IsLlmPathTest, OnlyTheLlmPaths) {
  for (const char* path : {"/v1/chat/completions", "/v1/completions", "/v1/messages", "/v1/models",
                           "/v1/models/gpt-4o"}) {
    EXPECT_TRUE(IsLlmPath(path)) << path;
  }
  for (const char* path : {"/v1", "/v1/chat", "/stream", "/v1/modelsx", "/v2/messages"}) {
    EXPECT_FALSE(IsLlmPath(path)) << path;
  }
}

}  // namespace
}  // namespace stampede::server
