// `stampede run [URL]`: builds the scenario model from flags, starts the embedded mock when no
// URL is given, runs the engine with a live progress line, prints the report, writes the JSON.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "core/units.h"
#include "load/engine.h"
#include "monitor/process_stats.h"
#include "report/console_report.h"
#include "report/json_report.h"
#include "scenario/scenario.h"
#include "scenario/yaml_loader.h"
#include "server/mock_server.h"

namespace stampede::cli {
namespace {

std::atomic<int> g_interrupts{0};

extern "C" void OnInterrupt(int) { g_interrupts.fetch_add(1); }

// The demo's stream: an OpenAI-style chat completion streamed by the mock with the 1100 ms +
// 140 ms x ~400 chunks profile of a real LLM stress report scaled down to 300 ms to the first
// token and 50 tokens 20 ms apart, so five levels take seconds.
constexpr const char* kDemoPath = "/v1/chat/completions?ttft_ms=300&itl_ms=20";
constexpr const char* kDemoBody =
    R"({"model":"stampede-demo","stream":true,"max_tokens":50,)"
    R"("messages":[{"role":"user","content":"Tell me a story about a load test."}]})";
constexpr const char* kDemoLevels = "50,100,200,400,800";

struct RunFlags {
  std::string url;
  std::string users;
  std::string mode = "burst";
  std::string duration;
  std::string graceful_stop = "10s";
  std::string ramp = "0s";
  std::string rate;
  std::string arrival = "poisson";
  std::int64_t max_in_flight = 10'000;
  std::string cooldown = "0s";
  std::string stream = "auto";
  std::string method = "GET";
  std::vector<std::string> headers;
  std::string body;
  std::string connect_timeout = "10s";
  std::string ttfb_timeout = "60s";
  std::string idle_timeout = "30s";
  std::string total_timeout = "5m";
  std::string expect_status = "2xx";
  std::int64_t min_chunks = 0;
  std::int64_t min_events = 0;
  std::string min_bytes = "0";
  bool insecure = false;
  int threads = 0;
  std::string json_path;
  std::string scenario_file;
  bool no_progress = false;
};

std::string CommandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  for (char c : raw) out.push_back(c == '\0' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Parses every flag into the model; the first error names the flag.
core::Result<scenario::Scenario> BuildScenario(const RunFlags& flags, const std::string& url_text) {
  scenario::Scenario model;
  scenario::RequestSpec request;
  auto url = scenario::ParseUrl(url_text);
  if (!url) return url.error();
  request.url = *url;
  request.method = flags.method;
  for (const auto& header : flags.headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos) {
      return core::MakeError(fmt::format("-H \"{}\": expected 'Name: value'", header));
    }
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    request.headers.push_back({header.substr(0, colon), value});
  }
  if (!flags.body.empty() && flags.body.front() == '@') {
    std::ifstream in(flags.body.substr(1), std::ios::binary);
    if (!in) return core::MakeError(fmt::format("--body: cannot read {}", flags.body.substr(1)));
    request.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    request.body = flags.body;
  }
  auto stream = scenario::ParseStreamMode(flags.stream);
  if (!stream) return core::MakeError("--stream: " + stream.error().message);
  request.stream = *stream;
  struct DurationFlag {
    const char* name;
    const std::string& text;
    core::Nanos& target;
  };
  for (const DurationFlag& flag :
       {DurationFlag{"--connect-timeout", flags.connect_timeout, request.timeouts.connect},
        DurationFlag{"--ttfb-timeout", flags.ttfb_timeout, request.timeouts.ttfb},
        DurationFlag{"--idle-timeout", flags.idle_timeout, request.timeouts.idle},
        DurationFlag{"--timeout", flags.total_timeout, request.timeouts.total},
        DurationFlag{"--graceful-stop", flags.graceful_stop, model.load.graceful_stop},
        DurationFlag{"--ramp", flags.ramp, model.load.ramp},
        DurationFlag{"--cooldown", flags.cooldown, model.load.cooldown}}) {
    auto parsed = core::ParseDuration(flag.text);
    if (!parsed) return core::MakeError(fmt::format("{}: {}", flag.name, parsed.error().message));
    flag.target = *parsed;
  }
  auto status = scenario::ParseStatusList(flags.expect_status);
  if (!status) return core::MakeError("--expect-status: " + status.error().message);
  request.checks.expect_status = *status;
  request.checks.min_chunks = flags.min_chunks;
  request.checks.min_events = flags.min_events;
  auto min_bytes = core::ParseSize(flags.min_bytes);
  if (!min_bytes) return core::MakeError("--min-bytes: " + min_bytes.error().message);
  request.checks.min_bytes = *min_bytes;
  request.insecure = flags.insecure;

  if (!flags.rate.empty()) {
    auto rates = scenario::ParseRateList(flags.rate);
    if (!rates) return core::MakeError("--rate: " + rates.error().message);
    model.load.rates = *rates;
    model.load.mode = scenario::LoadMode::kRate;
    auto duration = core::ParseDuration(flags.duration.empty() ? "30s" : flags.duration);
    if (!duration) return core::MakeError("--duration: " + duration.error().message);
    model.load.duration = *duration;
    if (flags.arrival != "poisson" && flags.arrival != "constant") {
      return core::MakeError("--arrival: use poisson or constant");
    }
    model.load.poisson = flags.arrival == "poisson";
    model.load.max_in_flight = flags.max_in_flight;
  } else {
    auto levels = core::ParseCountList(flags.users);
    if (!levels) return core::MakeError("--users: " + levels.error().message);
    model.load.levels = *levels;
  }
  if (!flags.rate.empty()) {
  } else if (flags.mode == "duration" || !flags.duration.empty()) {
    if (flags.mode == "burst" && !flags.duration.empty()) {
      model.load.mode = scenario::LoadMode::kDuration;
    } else if (flags.mode != "duration") {
      return core::MakeError(fmt::format("--mode \"{}\": use burst or duration", flags.mode));
    }
    model.load.mode = scenario::LoadMode::kDuration;
    auto duration = core::ParseDuration(flags.duration.empty() ? "30s" : flags.duration);
    if (!duration) return core::MakeError("--duration: " + duration.error().message);
    model.load.duration = *duration;
  } else if (flags.mode != "burst") {
    return core::MakeError(fmt::format("--mode \"{}\": use burst or duration", flags.mode));
  }
  model.threads = flags.threads;
  auto load = model.load;
  const int threads = model.threads;
  model = scenario::Scenario::SingleRequest(std::move(request), std::move(load));
  model.threads = threads;
  if (auto valid = scenario::Validate(model); !valid) return valid.error();
  return model;
}

stats::RunConfig DescribeConfig(const scenario::Scenario& model, const RunFlags& flags,
                                bool embedded) {
  stats::RunConfig config;
  const auto& request = model.users.front().steps.front().request;
  config.target = request.url.ToString();
  config.method = request.method;
  config.stream = std::string(scenario::ToString(request.stream));
  config.mode = std::string(scenario::ToString(model.load.mode));
  config.levels = model.load.levels;
  config.rates = model.load.rates;
  config.arrival = model.load.poisson ? "poisson" : "constant";
  config.max_in_flight = model.load.max_in_flight;
  config.duration = static_cast<double>(model.load.duration) / 1e9;
  config.threads = model.threads;
  config.connect_timeout = static_cast<double>(request.timeouts.connect) / 1e9;
  config.ttfb_timeout = static_cast<double>(request.timeouts.ttfb) / 1e9;
  config.idle_timeout = static_cast<double>(request.timeouts.idle) / 1e9;
  config.total_timeout = static_cast<double>(request.timeouts.total) / 1e9;
  config.expect_status = flags.expect_status;
  config.min_chunks = request.checks.min_chunks;
  config.min_events = request.checks.min_events;
  config.min_bytes = request.checks.min_bytes;
  config.embedded_mock = embedded;
  config.command_line = CommandLine();
  config.scenario_file = flags.scenario_file;
  return config;
}

// Prints the live line to stderr: rewritten in place on a terminal, every 5 s otherwise.
class ConsoleProgress final : public load::ProgressSink {
 public:
  explicit ConsoleProgress(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

  void OnLevelStart(int, int level_count, std::int64_t) override { level_count_ = level_count; }

  void OnProgress(const stats::LiveStatus& status) override {
    if (!enabled_) return;
    const std::string line = report::FormatProgressLine(status);
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
    } else if (status.elapsed - last_plain_ >= 5.0 || status.elapsed < last_plain_) {
      std::fprintf(stderr, "%s\n", line.c_str());
      last_plain_ = status.elapsed;
    }
    std::fflush(stderr);
  }

  void OnLevelEnd(const stats::LevelResult& level) override {
    if (!enabled_) return;
    std::fprintf(stderr, "%s%s\n", tty_ ? "\r\033[K" : "",
                 report::FormatLevelLine(level, level_count_).c_str());
    last_plain_ = 0;
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  bool tty_;
  int level_count_ = 0;
  double last_plain_ = 0;
};

// A scenario file, with the flags a user gave on top of it (levels, mode, threads).
core::Result<scenario::Scenario> LoadScenarioWithFlags(const RunFlags& flags) {
  if (!flags.url.empty()) {
    return core::MakeError("give either a URL or -f FILE: the file names its own target");
  }
  auto model = scenario::LoadScenarioFile(flags.scenario_file);
  if (!model) return model.error();
  if (!flags.users.empty()) {
    auto levels = core::ParseCountList(flags.users);
    if (!levels) return core::MakeError("--users: " + levels.error().message);
    model->load.levels = *levels;
  }
  if (!flags.duration.empty()) {
    auto duration = core::ParseDuration(flags.duration);
    if (!duration) return core::MakeError("--duration: " + duration.error().message);
    model->load.mode = scenario::LoadMode::kDuration;
    model->load.duration = *duration;
  }
  if (!flags.rate.empty()) {
    auto rates = scenario::ParseRateList(flags.rate);
    if (!rates) return core::MakeError("--rate: " + rates.error().message);
    model->load.rates = *rates;
    model->load.mode = scenario::LoadMode::kRate;
    if (model->load.duration <= 0) model->load.duration = 30 * core::kSecond;
  }
  if (flags.threads > 0) model->threads = flags.threads;
  if (auto valid = scenario::Validate(*model); !valid) return valid.error();
  return model;
}

int Run(RunFlags flags) {
  std::unique_ptr<server::MockServer> mock;
  const bool embedded = flags.url.empty() && flags.scenario_file.empty();
  if (embedded) {
    server::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    mock = std::make_unique<server::MockServer>(options);
    if (auto started = mock->Start(); !started) {
      std::fprintf(stderr, "stampede run: cannot start the built-in mock: %s\n",
                   started.error().message.c_str());
      return 2;
    }
    flags.url = fmt::format("http://127.0.0.1:{}{}", mock->port(), kDemoPath);
    flags.method = "POST";
    flags.body = kDemoBody;
    flags.headers.push_back("Content-Type: application/json");
    if (flags.users.empty()) flags.users = kDemoLevels;
    if (flags.min_events == 0) flags.min_events = 10;
    if (flags.min_bytes == "0") flags.min_bytes = "1KB";
    std::fprintf(
        stderr,
        "stampede run: no URL given, so running the demo against the built-in mock "
        "(an OpenAI-style chat completion stream: 300 ms to the first token, then 50 tokens 20 ms "
        "apart)\n");
  }
  if (flags.users.empty() && flags.scenario_file.empty() && flags.rate.empty()) {
    flags.users = "10";
  }

  auto model =
      flags.scenario_file.empty() ? BuildScenario(flags, flags.url) : LoadScenarioWithFlags(flags);
  if (!model) {
    std::fprintf(stderr, "stampede run: %s\n", model.error().message.c_str());
    return 2;
  }

  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  ConsoleProgress progress(!flags.no_progress);
  load::Engine engine(load::EngineOptions{});
  auto result = engine.Run(*model, progress, g_interrupts);
  if (!result) {
    std::fprintf(stderr, "stampede run: %s\n", result.error().message.c_str());
    return 2;
  }
  result->tool_version = "0.1.0";
  result->client_peak_rss_bytes = monitor::PeakRssBytes();
  result->config = DescribeConfig(*model, flags, embedded);
  if (mock) mock->Stop();

  std::fputs(report::FormatSummary(*result).c_str(), stdout);
  std::fflush(stdout);
  if (!flags.json_path.empty()) {
    if (auto written = report::WriteJsonFile(*result, flags.json_path); !written) {
      std::fprintf(stderr, "stampede run: %s\n", written.error().message.c_str());
      return 2;
    }
    std::fprintf(stderr, "result written to %s\n", flags.json_path.c_str());
  }
  return result->interrupted || (!result->levels.empty() && result->levels.back().interrupted) ? 130
                                                                                               : 0;
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* run = app.add_subcommand(
      "run", "Run a progressive streaming load test (no URL: the demo against the built-in mock)");
  run->add_option("url", flags->url, "Target URL (http:// or https://)");
  run->add_option("-f,--file", flags->scenario_file,
                  "Scenario file (YAML, docs/scenario.md); flags override its levels and mode");
  run->add_option("-u,--users", flags->users, "Users per level, e.g. 100,250,500");
  run->add_option("--mode", flags->mode,
                  "burst: each user sends one request, all at once; duration: users loop")
      ->check(CLI::IsMember({"burst", "duration"}));
  run->add_option("-d,--duration", flags->duration,
                  "Length of each level (implies --mode duration)");
  run->add_option("--graceful-stop", flags->graceful_stop,
                  "Duration mode: time in-flight requests get after a level ends");
  run->add_option(
      "--rate", flags->rate,
      "The open model: arrivals per second per level, e.g. 10,50,100 (with --duration)");
  run->add_option("--arrival", flags->arrival, "Open model arrivals: poisson or constant");
  run->add_option("--max-in-flight", flags->max_in_flight,
                  "Open model: iterations running at once beyond which arrivals are dropped");
  run->add_option("--ramp", flags->ramp,
                  "Start each level's users evenly over this time (default: all at once)");
  run->add_option("--cooldown", flags->cooldown, "Pause between levels");
  run->add_option("--stream", flags->stream,
                  "How the body splits into events: auto (from Content-Type), none, chunked, sse");
  run->add_option("-X,--method", flags->method, "HTTP method");
  run->add_option("-H,--header", flags->headers, "Request header 'Name: value' (repeatable)");
  run->add_option("--body", flags->body, "Request body, or @FILE");
  run->add_option("--connect-timeout", flags->connect_timeout, "TCP connect + TLS handshake");
  run->add_option("--ttfb-timeout", flags->ttfb_timeout, "Request sent -> first response byte");
  run->add_option("--idle-timeout", flags->idle_timeout, "Longest silence between response bytes");
  run->add_option("--timeout", flags->total_timeout, "Request sent -> last byte");
  run->add_option("--expect-status", flags->expect_status,
                  "Accepted statuses: 200, 2xx, 200-204,...");
  run->add_option("--min-chunks", flags->min_chunks, "Check: at least this many HTTP chunks");
  run->add_option("--min-events", flags->min_events, "Check: at least this many events");
  run->add_option("--min-bytes", flags->min_bytes,
                  "Check: at least this many body bytes (1KB, ...)");
  run->add_flag("-k,--insecure", flags->insecure, "Do not verify TLS certificates");
  run->add_option("--threads", flags->threads, "Worker threads (default: one per core)");
  run->add_option("--json", flags->json_path, "Write the whole result as JSON to this file");
  run->add_flag("--no-progress", flags->no_progress, "No live progress line");
  run->callback([flags, &exit_code] { exit_code = Run(*flags); });
}

}  // namespace stampede::cli
