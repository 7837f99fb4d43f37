#include "server/anthropic_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace stampede::server {
namespace {

using nlohmann::json;

AnswerFacts Facts(bool truncated) {
  return AnswerFacts{.id = "msg_abc",
                     .created = 1700000000,
                     .model = "claude-test",
                     .prompt_tokens = 9,
                     .completion_tokens = 4,
                     .truncated = truncated};
}

// (event type, data JSON) of every `event: T\ndata: D\n\n` of `stream`.
std::vector<std::pair<std::string, json>> Events(std::string_view stream) {
  std::vector<std::pair<std::string, json>> events;
  while (!stream.empty()) {
    const auto end = stream.find("\n\n");
    const auto newline = stream.find('\n');
    EXPECT_TRUE(stream.starts_with("event: ")) << stream;
    EXPECT_NE(end, std::string_view::npos);
    if (!stream.starts_with("event: ") || end == std::string_view::npos) return events;
    const std::string_view data_line = stream.substr(newline + 1, end - newline - 1);
    EXPECT_TRUE(data_line.starts_with("data: ")) << data_line;
    events.emplace_back(std::string(stream.substr(7, newline - 7)),
                        json::parse(data_line.substr(6)));
    stream.remove_prefix(end + 2);
  }
  return events;
}

TEST(AnthropicMessageFormatTest, StreamHasEveryEventInOrder) {
  const AnthropicMessageFormat format(Facts(/*truncated=*/true));
  const auto start = Events(format.StreamStart());
  ASSERT_EQ(start.size(), 3U);
  EXPECT_EQ(start[0].first, "message_start");
  EXPECT_EQ(start[0].second["type"], "message_start");
  const json& message = start[0].second["message"];
  EXPECT_EQ(message["id"], "msg_abc");
  EXPECT_EQ(message["type"], "message");
  EXPECT_EQ(message["role"], "assistant");
  EXPECT_EQ(message["model"], "claude-test");
  EXPECT_EQ(message["content"], json::array());
  EXPECT_TRUE(message["stop_reason"].is_null());
  EXPECT_EQ(message["usage"], json({{"input_tokens", 9}, {"output_tokens", 1}}));
  EXPECT_EQ(start[1].first, "content_block_start");
  EXPECT_EQ(start[1].second, json::parse(R"({"type":"content_block_start","index":0,)"
                                         R"("content_block":{"type":"text","text":""}})"));
  EXPECT_EQ(start[2].first, "ping");
  EXPECT_EQ(start[2].second, json({{"type", "ping"}}));

  const auto delta = Events(format.StreamDelta(" \"sea\""));
  ASSERT_EQ(delta.size(), 1U);
  EXPECT_EQ(delta[0].first, "content_block_delta");
  EXPECT_EQ(delta[0].second, json::parse(R"({"type":"content_block_delta","index":0,)"
                                         R"("delta":{"type":"text_delta","text":" \"sea\""}})"));

  const auto end = Events(format.StreamEnd());
  ASSERT_EQ(end.size(), 3U);
  EXPECT_EQ(end[0].first, "content_block_stop");
  EXPECT_EQ(end[0].second, json({{"type", "content_block_stop"}, {"index", 0}}));
  EXPECT_EQ(end[1].first, "message_delta");
  EXPECT_EQ(end[1].second["delta"]["stop_reason"], "max_tokens");
  EXPECT_TRUE(end[1].second["delta"]["stop_sequence"].is_null());
  EXPECT_EQ(end[1].second["usage"], json({{"output_tokens", 4}}));
  EXPECT_EQ(end[2].first, "message_stop");
  EXPECT_EQ(end[2].second, json({{"type", "message_stop"}}));
}

TEST(AnthropicMessageFormatTest, BodyIsTheMessage) {
  const json body = json::parse(AnthropicMessageFormat(Facts(/*truncated=*/false)).Body("Hi."));
  EXPECT_EQ(body, json::parse(R"({"id":"msg_abc","type":"message","role":"assistant",)"
                              R"("model":"claude-test","content":[{"type":"text","text":"Hi."}],)"
                              R"("stop_reason":"end_turn","stop_sequence":null,)"
                              R"("usage":{"input_tokens":9,"output_tokens":4}})"));
}

TEST(AnthropicFormatTest, ErrorBody) {
  EXPECT_EQ(json::parse(AnthropicErrorBody("max_tokens: Field required")),
            json::parse(R"({"type":"error","error":{"type":"invalid_request_error",)"
                        R"("message":"max_tokens: Field required"}})"));
}

}  // namespace
}  // namespace stampede::server
