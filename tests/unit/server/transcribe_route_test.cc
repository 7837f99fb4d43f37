#include "server/transcribe_route.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/mock_server.h"
#include "server/transcript_builder.h"
#include "test_client.h"

namespace stampede::server {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the test client

TEST(TranscribeAnswerTest, OneWordPerStartedFrameOfAudio) {
  EXPECT_EQ(TranscribeWords(0), 0U);
  EXPECT_EQ(TranscribeWords(1), 1U);
  EXPECT_EQ(TranscribeWords(kBytesPerWord), 1U);
  EXPECT_EQ(TranscribeWords(kBytesPerWord + 1), 2U);
}

TEST(TranscribeAnswerTest, NativeShape) {
  const auto json = nlohmann::json::parse(TranscribeAnswer(6400, AsrSpec{}, /*openai=*/false));
  EXPECT_EQ(json["text"], "hello this");
  EXPECT_EQ(json["duration_ms"], 200);
  EXPECT_EQ(json["bytes"], 6400);
  EXPECT_EQ(json.size(), 3U);
}

TEST(TranscribeAnswerTest, OpenAiShapeIsTextOnly) {
  const auto json = nlohmann::json::parse(TranscribeAnswer(100, AsrSpec{}, /*openai=*/true));
  EXPECT_EQ(json, nlohmann::json({{"text", "hello"}}));
}

TEST(TranscribeAnswerTest, SampleRateScalesTheDuration) {
  const auto json = nlohmann::json::parse(
      TranscribeAnswer(16000, AsrSpec{.sample_rate = 8000}, /*openai=*/false));
  EXPECT_EQ(json["duration_ms"], 1000);
}

class TranscribeRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<MockServer>(ServerOptions{.host = "127.0.0.1", .port = 0});
    const auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    client_ = std::make_unique<TestClient>(server_->port());
    ASSERT_TRUE(client_->connected());
  }

  void Post(std::string_view target, std::string_view body, std::string_view headers = {}) {
    client_->Send("POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
                  std::string(headers) + "Content-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n" + std::string(body));
  }

  std::unique_ptr<MockServer> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(TranscribeRouteTest, AnswersAfterTheDelay) {
  const auto sent = Clock::now();
  Post("/v1/transcribe?delay_ms=150", std::string(9600, '\0'));
  const auto head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-type"), "application/json");
  EXPECT_GE(ElapsedMs(sent, head->arrived), 150);
  EXPECT_LE(ElapsedMs(sent, head->arrived), 250);
  const auto json = nlohmann::json::parse(ReadFixedBody(*client_, *head));
  EXPECT_EQ(json["text"], "hello this is");
  EXPECT_EQ(json["duration_ms"], 300);
  EXPECT_EQ(json["bytes"], 9600);
}

TEST_F(TranscribeRouteTest, DelayFromAHeaderAndTheDefault) {
  auto sent = Clock::now();
  Post("/v1/transcribe", "x", "x-stampede-delay-ms: 0\r\n");
  auto head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_LT(ElapsedMs(sent, head->arrived), 40);
  ReadFixedBody(*client_, *head);
  sent = Clock::now();
  Post("/v1/transcribe", "x");
  head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_GE(ElapsedMs(sent, head->arrived), 50);
}

TEST_F(TranscribeRouteTest, OpenAiPathAcceptsAMultipartForm) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\nRIFF....WAVE\r\n--b--\r\n";
  Post("/v1/audio/transcriptions?delay_ms=0", body,
       "Content-Type: multipart/form-data; boundary=b\r\n");
  const auto head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  const auto json = nlohmann::json::parse(ReadFixedBody(*client_, *head));
  EXPECT_EQ(json, nlohmann::json({{"text", "hello"}}));
}

TEST_F(TranscribeRouteTest, OtherMethodsAre405AndBadKnobs400) {
  client_->SendGet("/v1/transcribe");
  auto head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->Header("allow"), "POST");
  ReadFixedBody(*client_, *head);
  Post("/v1/transcribe?delay_ms=-5", "x");
  head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  EXPECT_NE(ReadFixedBody(*client_, *head).find("delay_ms"), std::string::npos);
  Post("/v1/audio/transcriptions?jitter_ms=x", "x");
  head = ReadHead(*client_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  const auto error = nlohmann::json::parse(ReadFixedBody(*client_, *head));
  EXPECT_TRUE(error.contains("error"));
}

}  // namespace
}  // namespace stampede::server
