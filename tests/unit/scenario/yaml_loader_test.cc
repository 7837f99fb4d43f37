#include "scenario/yaml_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace stampede::scenario {
namespace {

constexpr std::string_view kFull = R"(
name: chat and health
target: http://127.0.0.1:8002
defaults:
  headers: {Authorization: Bearer test}
  timeouts: {ttfb: 5s, idle: 2s}
  expect: {status: 2xx}
slo: {success: ">= 99.5%", ttfe.p95: "< 2.5s"}
load:
  levels: [100, 250]
  duration: 30s
  graceful_stop: 2s
  threads: 2
users:
  - name: chat
    weight: 3
    steps:
      - request:
          name: chat stream
          url: /v1/chat/completions
          headers: {Authorization: Bearer other}
          json: {model: m, stream: true, max_tokens: 64, temperature: 0.5, tags: ["a", 1, "2"], stop: null, quoted: "42"}
          stream: sse
          expect: {status: [200, 201], min_events: 10, min_bytes: 1KB}
      - think: 1s..3s
      - loop:
          count: 2
          steps:
            - request: {url: "/sse?count=3", timeouts: {total: 10s}}
  - name: health
    weight: 1
    steps:
      - group:
          name: probe
          steps:
            - request: {url: /health, method: GET}
)";

TEST(LoadScenarioText, ReadsEveryPartOfTheSchema) {
  auto loaded = LoadScenarioText(kFull, "full.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Scenario& s = *loaded;
  EXPECT_EQ(s.load.levels, (std::vector<std::int64_t>{100, 250}));
  EXPECT_EQ(s.load.mode, LoadMode::kDuration);
  EXPECT_EQ(s.load.duration, 30 * core::kSecond);
  EXPECT_EQ(s.load.graceful_stop, 2 * core::kSecond);
  EXPECT_EQ(s.threads, 2);
  ASSERT_EQ(s.slo.size(), 2u);
  EXPECT_EQ(s.slo[1].first, "ttfe.p95");
  EXPECT_EQ(s.slo[1].second, "< 2.5s");
  ASSERT_EQ(s.users.size(), 2u);
  const UserClass& chat = s.users[0];
  EXPECT_EQ(chat.name, "chat");
  EXPECT_EQ(chat.weight, 3);
  ASSERT_EQ(chat.steps.size(), 3u);
  const RequestSpec& stream = chat.steps[0].request;
  EXPECT_EQ(chat.steps[0].name, "chat stream");
  EXPECT_EQ(stream.method, "POST");  // json implies POST
  EXPECT_EQ(stream.url.ToString(), "http://127.0.0.1:8002/v1/chat/completions");
  EXPECT_EQ(stream.stream, StreamMode::kSse);
  EXPECT_EQ(stream.body, R"({"max_tokens":64,"model":"m","quoted":"42","stop":null,"stream":true,)"
                         R"("tags":["a",1,"2"],"temperature":0.5})");
  // The step's header replaces the default of the same name; Content-Type comes with json.
  ASSERT_EQ(stream.headers.size(), 2u);
  EXPECT_EQ(stream.headers[0].value, "Bearer other");
  EXPECT_EQ(stream.headers[1].name, "Content-Type");
  EXPECT_EQ(stream.timeouts.ttfb, 5 * core::kSecond);  // from the defaults
  EXPECT_EQ(stream.timeouts.idle, 2 * core::kSecond);
  ASSERT_EQ(stream.checks.expect_status.size(), 2u);
  EXPECT_TRUE(stream.checks.expect_status[1].Contains(201));
  EXPECT_EQ(stream.checks.min_events, 10);
  EXPECT_EQ(stream.checks.min_bytes, 1000);
  EXPECT_EQ(chat.steps[1].kind, Step::Kind::kThink);
  EXPECT_EQ(chat.steps[1].think.min, core::kSecond);
  EXPECT_EQ(chat.steps[1].think.max, 3 * core::kSecond);
  EXPECT_EQ(chat.steps[2].kind, Step::Kind::kLoop);
  EXPECT_EQ(chat.steps[2].count, 2);
  const RequestSpec& looped = chat.steps[2].steps.at(0).request;
  EXPECT_EQ(looped.url.target, "/sse?count=3");
  EXPECT_EQ(looped.method, "GET");
  EXPECT_EQ(looped.timeouts.total, 10 * core::kSecond);
  EXPECT_EQ(looped.headers.at(0).value, "Bearer test");  // defaults apply to every request
  const Step& group = s.users[1].steps.at(0);
  EXPECT_EQ(group.kind, Step::Kind::kGroup);
  EXPECT_EQ(group.name, "probe");
  EXPECT_EQ(group.steps.at(0).request.url.target, "/health");
}

TEST(LoadScenarioText, BurstIsTheDefaultMode) {
  auto loaded = LoadScenarioText(
      "target: http://h:1\nload: {levels: 5}\nusers: [{steps: [{request: {url: /}}]}]\n", "t");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->load.mode, LoadMode::kBurst);
  EXPECT_EQ(loaded->load.levels, std::vector<std::int64_t>{5});
  EXPECT_EQ(loaded->users[0].name, "default");
}

// Every file in tests/scenarios/broken/ starts with "# expect: <the exact error>".
TEST(LoadScenarioFile, BrokenCorpusGivesTheExpectedMessages) {
  const std::filesystem::path dir =
      std::filesystem::path(STAMPEDE_GOLDEN_DIR).parent_path() / "scenarios" / "broken";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    std::string first_line;
    std::getline(in, first_line);
    ASSERT_EQ(first_line.rfind("# expect: ", 0), 0u) << entry.path();
    const std::string expected = first_line.substr(10);
    const std::string name = entry.path().filename().string();
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Loaded by name so the message shows the file name as a user typed it; the comment line
    // is put back so line numbers match the file.
    auto loaded = LoadScenarioText(first_line + "\n" + text, name);
    ASSERT_FALSE(loaded.ok()) << name << " loaded without error";
    EXPECT_EQ(loaded.error().message, expected) << name;
    ++files;
  }
  EXPECT_GE(files, 12);
}

TEST(LoadScenarioFile, MissingFileSaysSo) {
  auto loaded = LoadScenarioFile("/no/such/scenario.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message, "/no/such/scenario.yaml: cannot read the file");
}

TEST(NearestWord, SuggestsTyposOnly) {
  const std::vector<std::string_view> keys = {"request", "think", "loop", "group"};
  EXPECT_EQ(NearestWord("reqest", keys), "request");
  EXPECT_EQ(NearestWord("thnik", keys), "think");
  EXPECT_EQ(NearestWord("grup", keys), "group");
  EXPECT_EQ(NearestWord("websocket", keys), "");
}

}  // namespace
}  // namespace stampede::scenario

namespace stampede::scenario {
namespace {

// Found by the fuzz target: a JSON body with invalid UTF-8 threw from the JSON serialiser.
TEST(LoadScenarioText, InvalidUtf8InAJsonBodyIsReplacedNotThrown) {
  auto loaded = LoadScenarioText(
      "target: http://h:1\nload: {levels: 1}\nusers: [{steps: [{request: {json: {a: "
      "\"\xff\"}}}]}]\n",
      "t");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->users[0].steps[0].request.body, "{\"a\":\"\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace stampede::scenario

namespace stampede::scenario {
namespace {

TEST(LoadScenarioText, StagesGiveEachLevelItsDurationAndRamp) {
  auto loaded = LoadScenarioText(
      "target: http://h:1\n"
      "load:\n"
      "  stages:\n"
      "    - {users: 10, duration: 5s}\n"
      "    - {users: 50, duration: 20s, ramp: 10s}\n"
      "  cooldown: 2s\n"
      "users: [{steps: [{request: {url: /}}]}]\n",
      "s.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& load = loaded->load;
  EXPECT_EQ(load.mode, LoadMode::kDuration);
  EXPECT_EQ(load.levels, (std::vector<std::int64_t>{10, 50}));
  EXPECT_EQ(load.DurationOf(0), 5 * core::kSecond);
  EXPECT_EQ(load.DurationOf(1), 20 * core::kSecond);
  EXPECT_EQ(load.RampOf(0), 0);
  EXPECT_EQ(load.RampOf(1), 10 * core::kSecond);
  EXPECT_EQ(load.cooldown, 2 * core::kSecond);
  auto both = LoadScenarioText(
      "target: http://h:1\nload: {levels: [1], stages: [{users: 1, duration: 1s}]}\n"
      "users: [{steps: [{request: {url: /}}]}]\n",
      "b.yaml");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().message, "b.yaml:2:29: give either \"levels\" or \"stages\", not both");
}

TEST(LoadScenarioText, OpenModelFromRate) {
  auto loaded = LoadScenarioText(
      "target: http://h:1\nload: {rate: [5/s, 10], duration: 3s, arrival: constant, "
      "max_in_flight: 7}\nusers: [{steps: [{request: {url: /}}]}]\n",
      "r.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->load.mode, LoadMode::kRate);
  EXPECT_EQ(loaded->load.rates, (std::vector<double>{5, 10}));
  EXPECT_FALSE(loaded->load.poisson);
  EXPECT_EQ(loaded->load.max_in_flight, 7);
  EXPECT_EQ(loaded->load.duration, 3 * core::kSecond);
  auto no_duration = LoadScenarioText(
      "target: http://h:1\nload: {rate: 5}\nusers: [{steps: [{request: {url: /}}]}]\n", "n.yaml");
  ASSERT_FALSE(no_duration.ok());
  EXPECT_NE(no_duration.error().message.find("needs \"duration\""), std::string::npos);
}

}  // namespace
}  // namespace stampede::scenario

namespace stampede::scenario {
namespace {

TEST(LoadScenarioText, ThinkTimeDistributions) {
  auto loaded = LoadScenarioText(
      "target: http://h:1\nload: {levels: 1}\nusers: [{steps: [{request: {url: /}}, "
      "{think: {distribution: normal, mean: 1s, stdev: 200ms, max: 2s}}, "
      "{think: {mean: 3s}}]}]\n",
      "t.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& normal = loaded->users[0].steps[1].think;
  EXPECT_EQ(normal.distribution, ThinkTime::Distribution::kNormal);
  EXPECT_EQ(normal.stdev, 200 * core::kMillisecond);
  EXPECT_EQ(normal.max, 2 * core::kSecond);
  EXPECT_EQ(loaded->users[0].steps[2].think.distribution, ThinkTime::Distribution::kExponential);
  auto bad = LoadScenarioText(
      "target: http://h:1\nload: {levels: 1}\nusers: [{steps: [{request: {url: /}}, "
      "{think: {distribution: pareto, mean: 1s}}]}]\n",
      "b.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown distribution \"pareto\""), std::string::npos);
}

}  // namespace
}  // namespace stampede::scenario
