// ws steps: the engine against the mock's /ws/echo and /ws/asr in one process, on port 0. Counts
// are exact; timings are checked against the configured delays with tolerances.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "load/engine.h"
#include "scenario/scenario.h"
#include "server/mock_server.h"
#include "stats/run_result.h"

namespace stampede {
namespace {

using core::kMillisecond;
using scenario::WsSpec;
using stats::Metric;

class NullSink final : public load::ProgressSink {
 public:
  void OnLevelStart(int, int, std::int64_t) override {}
  void OnProgress(const stats::LiveStatus&) override {}
  void OnLevelEnd(const stats::LevelResult&) override {}
};

class WsEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    mock_ = std::make_unique<server::MockServer>(options);
    ASSERT_TRUE(mock_->Start().ok());
  }

  // A scenario of one user class whose one step is a ws step to `path` on the mock.
  scenario::Scenario Make(const std::string& path, WsSpec ws, std::int64_t users) {
    scenario::Step step;
    step.kind = scenario::Step::Kind::kWs;
    auto url = scenario::ParseUrl("http://127.0.0.1:" + std::to_string(mock_->port()) + path);
    EXPECT_TRUE(url.ok());
    step.request.url = *url;
    step.request.timeouts.total = 10 * core::kSecond;
    step.ws = std::move(ws);
    scenario::Scenario model;
    scenario::UserClass user;
    user.steps.push_back(std::move(step));
    model.users.push_back(std::move(user));
    model.load.levels = {users};
    model.threads = 2;
    return model;
  }

  static WsSpec Send(WsSpec::Send kind, std::string payload, std::int64_t count,
                     core::Nanos every) {
    WsSpec ws;
    ws.send = kind;
    ws.payload = std::move(payload);
    ws.count = count;
    ws.every = every;
    return ws;
  }

  stats::RunResult RunOk(const scenario::Scenario& model, load::EngineOptions options = {}) {
    load::Engine engine(options);
    auto result = engine.Run(model, sink_, interrupts_);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? *result : stats::RunResult{};
  }

  std::unique_ptr<server::MockServer> mock_;
  NullSink sink_;
  std::atomic<int> interrupts_{0};
};

TEST_F(WsEngineTest, EchoTextAndBinaryCountEveryMessage) {
  for (const auto kind : {WsSpec::Send::kText, WsSpec::Send::kBinary}) {
    SCOPED_TRACE(kind == WsSpec::Send::kText ? "text" : "binary");
    auto model = Make("/ws/echo", Send(kind, std::string(100, 'a'), 5, 10 * kMillisecond), 4);
    auto result = RunOk(model);
    ASSERT_EQ(result.levels.size(), 1u);
    const auto& level = result.levels[0];
    ASSERT_EQ(level.steps.size(), 1u);
    EXPECT_EQ(level.steps[0].name, "WS /ws/echo");
    const auto& s = level.steps[0].stats;
    EXPECT_EQ(s.requests, 4);
    EXPECT_EQ(s.succeeded, 4) << (s.errors.empty() ? "" : s.errors.begin()->first);
    EXPECT_EQ(s.completed, 4);
    EXPECT_EQ(s.connections, 4);
    EXPECT_EQ(s.events, 4 * 5);
    EXPECT_EQ(s.bytes, 4 * 5 * 100);
    EXPECT_EQ(s[Metric::kEvents].min(), 5);
    EXPECT_EQ(s[Metric::kEvents].max(), 5);
    EXPECT_EQ(s[Metric::kGap].count(), 4 * 4);
    // Every message answered, over loopback: well under the 10 ms between sends.
    const auto& message = s[Metric::kMessage];
    EXPECT_EQ(message.count(), 4 * 5);
    EXPECT_LT(message.ValueAtPercentile(50), 10 * kMillisecond);
    EXPECT_EQ(s[Metric::kSendLateness].count(), 4 * 5);
    EXPECT_EQ(s[Metric::kTtfb].count(), 4);
    // The last message goes 40 ms after the first: the session lasts at least that.
    EXPECT_GE(s[Metric::kE2e].min(), 40 * kMillisecond);
  }
}

TEST_F(WsEngineTest, AsrPartialsAndFinalArriveAfterTheConfiguredDelay) {
  constexpr std::int64_t kDelayMs = 50;
  WsSpec ws = Send(WsSpec::Send::kBinary, std::string(3200, '\0'), 5, 100 * kMillisecond);
  ws.end = R"({"type":"end"})";
  ws.expect_final = true;
  auto model = Make("/ws/asr?delay_ms=50", std::move(ws), 6);
  auto result = RunOk(model);
  const auto& s = result.levels.at(0).steps.at(0).stats;
  EXPECT_EQ(s.requests, 6);
  EXPECT_EQ(s.succeeded, 6) << (s.errors.empty() ? "" : s.errors.begin()->first);
  EXPECT_EQ(s.completed, 6);
  EXPECT_EQ(s.events, 6 * 6);  // 5 partials and the final
  EXPECT_EQ(s[Metric::kEvents].min(), 6);
  // Each partial (matched by its seq) and the final (matched to the end message) comes
  // delay_ms after what it answers; 40 ms of slack for a loaded machine.
  const auto& message = s[Metric::kMessage];
  EXPECT_EQ(message.count(), 6 * 6);
  EXPECT_GE(message.min(), kDelayMs * kMillisecond);
  EXPECT_LE(message.max(), (kDelayMs + 40) * kMillisecond);
  // The first partial: the first frame goes right after the handshake.
  EXPECT_GE(s[Metric::kTtfe].min(), kDelayMs * kMillisecond);
  // Partials follow the frames' 100 ms spacing; the final follows the last partial at once.
  EXPECT_NEAR(static_cast<double>(s[Metric::kGap].ValueAtPercentile(50)), 100 * kMillisecond,
              10 * kMillisecond);
  // Frames at 0..400 ms, the final 50 ms after the end: at least 450 ms in all.
  EXPECT_GE(s[Metric::kE2e].min(), (400 + kDelayMs) * kMillisecond);
  EXPECT_LE(s[Metric::kSendLateness].ValueAtPercentile(50), 10 * kMillisecond);
}

TEST_F(WsEngineTest, FailuresAreCountedByCategory) {
  // A bad knob: the mock answers the upgrade with 400.
  auto declined = RunOk(Make("/ws/asr?delay_ms=x", Send(WsSpec::Send::kText, "a", 1, 0), 2));
  EXPECT_EQ(declined.levels.at(0).stats.errors.at("ws.handshake.400"), 2);
  // Expecting more than an echo sends: the step waits until its timeout.
  WsSpec greedy = Send(WsSpec::Send::kText, "a", 2, 0);
  greedy.expect_messages = 3;
  auto model = Make("/ws/echo", std::move(greedy), 2);
  model.users[0].steps[0].request.timeouts.total = 300 * kMillisecond;
  auto timed_out = RunOk(model);
  const auto& s = timed_out.levels.at(0).stats;
  EXPECT_EQ(s.errors.at("timeout.total"), 2);
  EXPECT_EQ(s.events, 2 * 2);  // what came before the deadline is counted
  EXPECT_LT(timed_out.levels[0].duration, 2.0);
  // The server closes (1000) after the final without the expected messages.
  WsSpec short_asr = Send(WsSpec::Send::kBinary, "x", 1, 0);
  short_asr.end = "end";
  short_asr.expect_messages = 5;
  auto few = RunOk(Make("/ws/asr?delay_ms=1", std::move(short_asr), 1));
  EXPECT_EQ(few.levels.at(0).stats.errors.at("check.min_messages"), 1);
}

TEST_F(WsEngineTest, InterruptClosesOpenSessionsPromptly) {
  WsSpec ws = Send(WsSpec::Send::kBinary, std::string(3200, '\0'), 100, 100 * kMillisecond);
  ws.end = "end";
  auto model = Make("/ws/asr?delay_ms=50", std::move(ws), 5);
  load::EngineOptions options;
  options.drain = 100 * kMillisecond;
  std::thread interrupter([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    interrupts_ = 1;
  });
  const auto start = std::chrono::steady_clock::now();
  auto result = RunOk(model, options);
  interrupter.join();
  const auto& s = result.levels.at(0).stats;
  EXPECT_EQ(s.interrupted, 5);
  EXPECT_EQ(s.requests, 0);
  EXPECT_GT(s.events, 0);
  // 10 s of audio cut after 0.4 s plus the 0.1 s drain.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace stampede
