// The `ws` step of scenario files (yaml_loader.cc's LoadWs), apart from yaml_loader_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/yaml_loader.h"

namespace stampede::scenario {
namespace {

using core::kMillisecond;
using core::kSecond;

std::string WithSteps(const std::string& steps) {
  return "target: http://127.0.0.1:8080\n"
         "defaults: {headers: {X-Default: d}, timeouts: {connect: 2s}}\n"
         "load: {levels: [1]}\n"
         "users:\n"
         "  - name: audio\n"
         "    steps:\n" +
         steps;
}

core::Result<Scenario> Load(const std::string& steps) {
  return LoadScenarioText(WithSteps(steps), "ws.yaml");
}

TEST(LoadWsStep, ReadsEveryField) {
  auto loaded = Load(R"(      - ws:
          name: asr stream
          url: /ws/asr?delay_ms=50
          headers: {Authorization: Bearer x}
          send: {binary: 3200B, every: 100ms, count: 50}
          end: '{"type":"end"}'
          expect_messages: 50
          expect_final: true
          timeout: 30s
          close: wait
)");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Step& step = loaded->users[0].steps[0];
  EXPECT_EQ(step.kind, Step::Kind::kWs);
  EXPECT_EQ(step.name, "asr stream");
  EXPECT_EQ(step.request.method, "GET");
  EXPECT_EQ(step.request.url.ToString(), "http://127.0.0.1:8080/ws/asr?delay_ms=50");
  ASSERT_EQ(step.request.headers.size(), 2u);
  EXPECT_EQ(step.request.headers[0].name, "X-Default");
  EXPECT_EQ(step.request.headers[1].value, "Bearer x");
  EXPECT_EQ(step.request.timeouts.connect, 2 * kSecond);
  EXPECT_EQ(step.request.timeouts.total, 30 * kSecond);
  const WsSpec& ws = step.ws;
  EXPECT_FALSE(ws.tls);
  EXPECT_EQ(ws.send, WsSpec::Send::kBinary);
  EXPECT_EQ(ws.payload.size(), 3200u);
  EXPECT_EQ(ws.every, 100 * kMillisecond);
  EXPECT_EQ(ws.count, 50);
  EXPECT_EQ(ws.end, R"({"type":"end"})");
  EXPECT_EQ(ws.expect_messages, 50);
  EXPECT_TRUE(ws.expect_final);
  EXPECT_TRUE(ws.final_marker.empty());
  EXPECT_EQ(ws.close, WsSpec::Close::kWait);
}

TEST(LoadWsStep, DefaultsAndSchemes) {
  auto loaded = Load(R"(      - ws: {url: "wss://example.com/ws", send: {text: hello}}
      - ws: {url: "ws://127.0.0.1:9000/echo", send: {binary: not a size}, expect_final: DONE}
      - ws: {url: /ws/echo}
)");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& steps = loaded->users[0].steps;
  EXPECT_TRUE(steps[0].ws.tls);
  EXPECT_EQ(steps[0].request.url.port, 443);
  EXPECT_EQ(steps[0].ws.send, WsSpec::Send::kText);
  EXPECT_EQ(steps[0].ws.payload, "hello");
  EXPECT_EQ(steps[0].ws.count, 1);
  EXPECT_EQ(steps[0].ws.expect_messages, -1);
  EXPECT_EQ(steps[0].ws.close, WsSpec::Close::kNormal);
  EXPECT_EQ(steps[0].request.timeouts.total, Timeouts().total);
  EXPECT_EQ(steps[1].request.url.port, 9000);
  EXPECT_EQ(steps[1].ws.payload, "not a size");  // a literal, sent as binary
  EXPECT_TRUE(steps[1].ws.expect_final);
  EXPECT_EQ(steps[1].ws.final_marker, "DONE");
  EXPECT_EQ(steps[2].ws.send, WsSpec::Send::kNone);
  EXPECT_EQ(steps[2].ws.count, 0);
}

TEST(LoadWsStep, FileIsReadRelativeToTheScenario) {
  const auto dir = std::filesystem::temp_directory_path() / "stampede_ws_loader_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "audio.raw", std::ios::binary);
    out << std::string(10000, 'x');
  }
  auto loaded = LoadScenarioText(
      WithSteps(
          "      - ws: {url: /ws/asr, send: {file: audio.raw, binary: 3200B, every: 100ms}}\n"),
      "ws.yaml", dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const WsSpec& ws = loaded->users[0].steps[0].ws;
  EXPECT_EQ(ws.send, WsSpec::Send::kFile);
  EXPECT_EQ(ws.payload.size(), 10000u);
  EXPECT_EQ(ws.frame_size, 3200);
  EXPECT_EQ(ws.count, 4);  // 3 whole frames and a short one
}

TEST(LoadWsStep, ErrorsNameTheLineAndSuggest) {
  struct Case {
    std::string steps;
    std::string error;
  };
  const Case cases[] = {
      {"      - ws: {url: /ws/echo, sned: {text: a}}\n",
       R"(ws.yaml:7:29: unknown key "sned" in a ws step (did you mean "send"?))"},
      {"      - ws: {url: /ws/echo, send: {text: a, evry: 1s}}\n",
       R"(ws.yaml:7:45: unknown key "evry" in send (did you mean "every"?))"},
      {"      - ws: {url: /ws/echo, send: {text: a, binary: 1KB}}\n",
       R"(ws.yaml:7:42: give one of "binary", "text" or "file")"},
      {"      - ws: {url: /ws/echo, send: {every: 1s}}\n",
       R"(ws.yaml:7:35: "send" needs what to send: binary: 3200B, text: "..." or file: audio.raw)"},
      {"      - ws: {url: /ws/echo, close: wiat}\n",
       R"(ws.yaml:7:36: unknown close "wiat" (did you mean "wait"?))"},
      {"      - ws: {send: {text: a}}\n",
       R"(ws.yaml:7:13: a ws step needs "url", e.g. url: /ws/echo or ws://host:port/path)"},
      {"      - ws: {url: ftp://x/y}\n",
       R"(ws.yaml:7:19: invalid ws url "ftp://x/y": use ws://host[:port]/path, wss://... or a path relative to target)"},
      {"      - ws: {url: /ws/echo, send: {binary: 0B}}\n",
       R"(ws.yaml:7:44: a message is 1B to 64MiB)"},
      {"      - ws: {url: /ws/echo, expect_messages: -1}\n",
       R"(ws.yaml:7:46: expected a whole number of at least 0, got "-1")"},
      {"      - wss: {url: /ws/echo}\n",
       R"(ws.yaml:7:9: unknown key "wss" in a step (did you mean "ws"?))"},
      {"      - ws: {url: /ws/echo, send: {file: /no/such.raw}}\n",
       R"(ws.yaml:7:42: cannot read "/no/such.raw")"},
  };
  for (const auto& c : cases) {
    auto loaded = Load(c.steps);
    ASSERT_FALSE(loaded.ok()) << c.steps;
    EXPECT_EQ(loaded.error().message, c.error) << c.steps;
  }
}

TEST(LoadWsStep, AClassOfWsStepsOnlyIsValid) {
  auto loaded = Load("      - ws: {url: /ws/echo, send: {text: a}}\n      - think: 1s\n");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  // Its upgrade request is validated like a request's.
  auto bad = Load("      - ws: {url: /ws/echo, headers: {\"Bad Name\": x}}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("invalid header"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace stampede::scenario
