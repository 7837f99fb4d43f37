#include "server/asr_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "server/query_params.h"

namespace stampede::server {
namespace {

using std::chrono::milliseconds;
using TimePoint = AsrSession::TimePoint;

const TimePoint kStart = TimePoint() + std::chrono::hours(1);

nlohmann::json Parse(const std::string& json) {
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << json;
  return parsed;
}

core::Result<AsrSpec> SpecFromQuery(std::string_view query_string) {
  const HttpRequest request;
  const QueryParams query = QueryParams::Parse(query_string);
  return ParseAsrSpec(RequestKnobs(query, request));
}

TEST(ParseAsrSpecTest, Defaults) {
  auto spec = SpecFromQuery("");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->delay, milliseconds(50));
  EXPECT_EQ(spec->jitter, milliseconds(0));
  EXPECT_EQ(spec->sample_rate, 16000U);
}

TEST(ParseAsrSpecTest, ReadsQueryAndHeaders) {
  auto spec = SpecFromQuery("delay_ms=250&jitter_ms=5&sample_rate=8000");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->delay, milliseconds(250));
  EXPECT_EQ(spec->jitter, milliseconds(5));
  EXPECT_EQ(spec->sample_rate, 8000U);

  HttpRequest request;
  request.set("x-stampede-delay-ms", "7");
  const QueryParams query;
  auto from_header = ParseAsrSpec(RequestKnobs(query, request));
  ASSERT_TRUE(from_header.ok());
  EXPECT_EQ(from_header->delay, milliseconds(7));
}

TEST(ParseAsrSpecTest, RejectsBadValuesNamingTheKnob) {
  for (const char* query : {"delay_ms=soon", "jitter_ms=-1", "sample_rate=0", "delay_ms="}) {
    auto spec = SpecFromQuery(query);
    ASSERT_FALSE(spec.ok()) << query;
    const std::string name(query, std::string_view(query).find('='));
    EXPECT_NE(spec.error().message.find(name), std::string::npos) << spec.error().message;
  }
}

TEST(AudioDurationMsTest, SixteenBitMono) {
  EXPECT_EQ(AudioDurationMs(3200, 16000), 100U);
  EXPECT_EQ(AudioDurationMs(32000, 16000), 1000U);
  EXPECT_EQ(AudioDurationMs(16000, 8000), 1000U);
  EXPECT_EQ(AudioDurationMs(31, 16000), 0U);
  EXPECT_EQ(AudioDurationMs(0, 16000), 0U);
}

TEST(AsrSessionTest, EachFrameOwesAPartialWithTheTextSoFar) {
  core::Random random(1);
  AsrSession session(AsrSpec{.delay = milliseconds(50)}, random);
  for (int k = 1; k <= 5; ++k) {
    const TimePoint arrived = kStart + milliseconds(100) * (k - 1);
    const auto reply = session.OnAudio(3200, arrived);
    EXPECT_FALSE(reply.final);
    EXPECT_EQ(reply.due, arrived + milliseconds(50));
    const auto json = Parse(reply.json);
    EXPECT_EQ(json["type"], "partial");
    EXPECT_EQ(json["seq"], k);
    EXPECT_EQ(json["text"], TranscriptBuilder::TextOf(static_cast<std::uint64_t>(k)));
    EXPECT_EQ(json["received_bytes"], 3200 * k);
    EXPECT_EQ(json.size(), 4U) << reply.json;
  }
  EXPECT_EQ(session.frames(), 5U);
  EXPECT_EQ(session.bytes(), 16000U);
}

TEST(AsrSessionTest, EndOwesTheFinalTranscript) {
  core::Random random(1);
  AsrSession session(AsrSpec{.delay = milliseconds(50)}, random);
  session.OnAudio(3200, kStart);
  session.OnAudio(3000, kStart + milliseconds(100));
  session.OnAudio(200, kStart + milliseconds(200));
  const auto reply = session.OnEnd(kStart + milliseconds(210));
  EXPECT_TRUE(reply.final);
  EXPECT_EQ(reply.due, kStart + milliseconds(260));
  const auto json = Parse(reply.json);
  EXPECT_EQ(json["type"], "final");
  EXPECT_EQ(json["text"], "hello this is");
  EXPECT_EQ(json["frames"], 3);
  EXPECT_EQ(json["bytes"], 6400);
  EXPECT_EQ(json["duration_ms"], 200);
  EXPECT_EQ(json.size(), 5U) << reply.json;
}

TEST(AsrSessionTest, EndWithoutAudioIsAnEmptyTranscript) {
  core::Random random(1);
  AsrSession session(AsrSpec{}, random);
  const auto json = Parse(session.OnEnd(kStart).json);
  EXPECT_EQ(json["text"], "");
  EXPECT_EQ(json["frames"], 0);
  EXPECT_EQ(json["bytes"], 0);
  EXPECT_EQ(json["duration_ms"], 0);
}

TEST(AsrSessionTest, RepliesAreDueFromTheirOwnFrameWhenTheDelayExceedsTheSpacing) {
  core::Random random(1);
  AsrSession session(AsrSpec{.delay = milliseconds(300)}, random);
  for (int k = 0; k < 4; ++k) {
    const TimePoint arrived = kStart + milliseconds(20) * k;
    EXPECT_EQ(session.OnAudio(100, arrived).due, arrived + milliseconds(300));
  }
  // The end right behind the last frame: the final still comes after the last partial.
  EXPECT_EQ(session.OnEnd(kStart + milliseconds(61)).due, kStart + milliseconds(361));
}

TEST(AsrSessionTest, JitterNeverReordersReplies) {
  core::Random random(7);
  AsrSession session(AsrSpec{.delay = milliseconds(20), .jitter = milliseconds(50)}, random);
  TimePoint previous{};
  bool moved = false;
  for (int k = 0; k < 200; ++k) {
    const TimePoint arrived = kStart + milliseconds(5) * k;
    const auto reply = session.OnAudio(10, arrived);
    EXPECT_GE(reply.due, previous);
    EXPECT_GE(reply.due, arrived);
    EXPECT_LE(reply.due, arrived + milliseconds(70));
    moved = moved || reply.due != arrived + milliseconds(20);
    previous = reply.due;
  }
  EXPECT_TRUE(moved);
  EXPECT_GE(session.OnEnd(kStart + milliseconds(1000)).due, previous);
}

TEST(AsrSessionTest, PartialTextIsCappedButTheFinalHasEveryWord) {
  core::Random random(1);
  AsrSession session(AsrSpec{}, random);
  std::string last_partial;
  for (std::size_t k = 0; k < AsrSession::kPartialWords + 30; ++k) {
    last_partial = session.OnAudio(1, kStart).json;
  }
  const std::string text = Parse(last_partial)["text"];
  EXPECT_EQ(std::count(text.begin(), text.end(), ' ') + 1,
            static_cast<std::ptrdiff_t>(AsrSession::kPartialWords));
  const std::string full = TranscriptBuilder::TextOf(AsrSession::kPartialWords + 30);
  EXPECT_TRUE(full.ends_with(text));
  EXPECT_EQ(Parse(session.OnEnd(kStart).json)["text"], full);
}

TEST(AsrSessionTest, RecognizesTheEndMessage) {
  EXPECT_TRUE(AsrSession::IsEndMessage("end"));
  EXPECT_TRUE(AsrSession::IsEndMessage(" end\n"));
  EXPECT_TRUE(AsrSession::IsEndMessage(R"({"type":"end"})"));
  EXPECT_TRUE(AsrSession::IsEndMessage(R"( { "type" : "end", "reason": "done" } )"));
  EXPECT_FALSE(AsrSession::IsEndMessage(R"({"type":"start"})"));
  EXPECT_FALSE(AsrSession::IsEndMessage(R"({"type":"end")"));
  EXPECT_FALSE(AsrSession::IsEndMessage(R"(["end"])"));
  EXPECT_FALSE(AsrSession::IsEndMessage(R"({"type":1})"));
  EXPECT_FALSE(AsrSession::IsEndMessage("ending"));
  EXPECT_FALSE(AsrSession::IsEndMessage(""));
}

}  // namespace
}  // namespace stampede::server
