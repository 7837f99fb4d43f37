#include "scenario/yaml_loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <vector>

#include "core/units.h"

namespace stampede::scenario {
namespace {

// Thrown inside the loader only, caught at its boundary and turned into a Result.
struct LoadError {
  std::string message;
};

class Loader {
 public:
  Loader(std::string name, std::string base_dir)
      : name_(std::move(name)), base_dir_(std::move(base_dir)) {}

  Scenario Load(const YAML::Node& root) {
    if (!root.IsMap()) Fail(root, "the scenario must be a mapping with target, load and users");
    CheckKeys(root, "the scenario",
              {"target", "defaults", "slo", "load", "users", "data", "name", "description"});
    if (const auto target = root["target"]) {
      target_ = Text(target);
      auto url = ParseUrl(target_);
      if (!url) Fail(target, url.error().message);
    }
    Scenario scenario;
    if (const auto data = root["data"]) {
      if (!data.IsMap() || !data["file"])
        Fail(data, "\"data\" names its rows: data: {file: rows.csv}");
      CheckKeys(data, "data", {"file"});
      std::string path = Text(data["file"]);
      if (!path.empty() && path.front() != '/' && !base_dir_.empty()) path = base_dir_ + "/" + path;
      auto table = LoadDataTable(path);
      if (!table) Fail(data["file"], table.error().message);
      table_ = std::make_shared<const DataTable>(std::move(*table));
      scenario.data = table_;
    }
    if (const auto defaults = root["defaults"]) LoadRequestFields(defaults, defaults_, true);
    if (const auto load = root["load"]) {
      LoadProfile(load, scenario);
    } else {
      Fail(root, "missing \"load\" (e.g. load: {levels: [10, 50], mode: burst})");
    }
    const auto users = root["users"];
    if (!users) Fail(root, "missing \"users\": a list of user classes, each with steps");
    if (!users.IsSequence() || users.size() == 0) Fail(users, "\"users\" must be a non-empty list");
    for (const auto& user : users) scenario.users.push_back(LoadUser(user));
    if (const auto slo = root["slo"]) {
      if (!slo.IsMap())
        Fail(slo, "\"slo\" must map metrics to conditions, e.g. ttfe.p95: \"< 2.5s\"");
      for (const auto& entry : slo) {
        scenario.slo.emplace_back(Text(entry.first), Text(entry.second));
      }
    }
    return scenario;
  }

 private:
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const {
    const auto mark = node.Mark();
    if (mark.is_null()) throw LoadError{fmt::format("{}: {}", name_, message)};
    throw LoadError{fmt::format("{}:{}:{}: {}", name_, mark.line + 1, mark.column + 1, message)};
  }

  void CheckKeys(const YAML::Node& map, std::string_view where,
                 const std::vector<std::string_view>& known) const {
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      const std::string nearest = NearestWord(key, known);
      Fail(entry.first, nearest.empty()
                            ? fmt::format("unknown key \"{}\" in {}", key, where)
                            : fmt::format("unknown key \"{}\" in {} (did you mean \"{}\"?)", key,
                                          where, nearest));
    }
  }

  std::string Text(const YAML::Node& node) const {
    if (!node.IsScalar()) Fail(node, "expected a single value here");
    return node.Scalar();
  }

  std::int64_t Integer(const YAML::Node& node, std::int64_t min) const {
    const std::string text = Text(node);
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value < min) {
      Fail(node, fmt::format("expected a whole number of at least {}, got \"{}\"", min, text));
    }
    return value;
  }

  double Number(const YAML::Node& node) const {
    const std::string text = Text(node);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      Fail(node, fmt::format("expected a number, got \"{}\"", text));
    }
    return value;
  }

  bool Bool(const YAML::Node& node) const {
    const std::string text = Text(node);
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    Fail(node, fmt::format("expected true or false, got \"{}\"", text));
  }

  core::Nanos Duration(const YAML::Node& node) const {
    auto parsed = core::ParseDuration(Text(node));
    if (!parsed) Fail(node, parsed.error().message);
    return *parsed;
  }

  void LoadProfile(const YAML::Node& load, Scenario& scenario) const {
    if (!load.IsMap()) Fail(load, "\"load\" must be a mapping, e.g. {levels: [10, 50]}");
    CheckKeys(load, "load",
              {"levels", "stages", "mode", "duration", "graceful_stop", "threads", "ramp",
               "cooldown", "rate", "arrival", "max_in_flight"});
    auto& profile = scenario.load;
    if (const auto rate = load["rate"]) {
      // The open model: `rate: 50/s` or a list of rates, one level each.
      if (load["levels"]) Fail(rate, "give either \"levels\" (users) or \"rate\" (arrivals/s)");
      std::string text;
      if (rate.IsSequence()) {
        for (const auto& item : rate) text += (text.empty() ? "" : ",") + Text(item);
      } else {
        text = Text(rate);
      }
      auto rates = ParseRateList(text);
      if (!rates) Fail(rate, rates.error().message);
      profile.rates = *rates;
      profile.mode = LoadMode::kRate;
      if (!load["duration"]) Fail(rate, "the open model needs \"duration\", e.g. duration: 30s");
      profile.duration = Duration(load["duration"]);
      if (const auto arrival = load["arrival"]) {
        const std::string kind = Text(arrival);
        if (kind != "poisson" && kind != "constant") {
          Fail(arrival, fmt::format("unknown arrival \"{}\" (use poisson or constant)", kind));
        }
        profile.poisson = kind == "poisson";
      }
      if (const auto max = load["max_in_flight"]) profile.max_in_flight = Integer(max, 1);
      if (const auto mode = load["mode"]; mode && Text(mode) != "rate") {
        Fail(mode, "\"rate\" is the open model: leave out mode, or write mode: rate");
      }
      if (const auto graceful = load["graceful_stop"]) profile.graceful_stop = Duration(graceful);
      if (const auto threads = load["threads"]) {
        scenario.threads = static_cast<int>(Integer(threads, 1));
      }
      return;
    }
    for (const char* key : {"arrival", "max_in_flight"}) {
      if (load[key]) Fail(load[key], fmt::format("\"{}\" belongs to the open model (rate:)", key));
    }
    if (const auto stages = load["stages"]) {
      // Stages: each a level in duration mode with its own users, duration and ramp.
      if (load["levels"]) Fail(stages, "give either \"levels\" or \"stages\", not both");
      if (!stages.IsSequence() || stages.size() == 0) {
        Fail(stages, "\"stages\" is a list like [{users: 100, duration: 30s, ramp: 10s}]");
      }
      for (const auto& stage : stages) {
        if (!stage.IsMap()) Fail(stage, "a stage is {users: N, duration: 30s, ramp: 10s}");
        CheckKeys(stage, "a stage", {"users", "duration", "ramp"});
        if (!stage["users"] || !stage["duration"]) {
          Fail(stage, "a stage needs \"users\" and \"duration\"");
        }
        profile.levels.push_back(Integer(stage["users"], 1));
        profile.level_durations.push_back(Duration(stage["duration"]));
        profile.level_ramps.push_back(stage["ramp"] ? Duration(stage["ramp"]) : 0);
      }
      if (load["duration"] || load["mode"]) {
        Fail(stages, "stages carry their own durations: remove \"duration\" and \"mode\"");
      }
      profile.mode = LoadMode::kDuration;
      profile.duration = profile.level_durations.front();
      if (const auto graceful = load["graceful_stop"]) profile.graceful_stop = Duration(graceful);
      if (const auto cooldown = load["cooldown"]) profile.cooldown = Duration(cooldown);
      if (const auto threads = load["threads"]) {
        scenario.threads = static_cast<int>(Integer(threads, 1));
      }
      return;
    }
    const auto levels = load["levels"];
    if (!levels) Fail(load, "missing \"levels\": users per level, e.g. levels: [100, 250, 500]");
    if (levels.IsScalar()) {
      profile.levels.push_back(Integer(levels, 1));
    } else if (levels.IsSequence() && levels.size() > 0) {
      for (const auto& level : levels) profile.levels.push_back(Integer(level, 1));
    } else {
      Fail(levels, "\"levels\" must be a list of user counts, e.g. [100, 250, 500]");
    }
    if (const auto duration = load["duration"]) {
      profile.mode = LoadMode::kDuration;
      profile.duration = Duration(duration);
    }
    if (const auto mode = load["mode"]) {
      const std::string text = Text(mode);
      if (text == "burst") {
        profile.mode = LoadMode::kBurst;
        if (load["duration"]) Fail(mode, "mode burst takes no duration (remove one of them)");
      } else if (text == "duration") {
        profile.mode = LoadMode::kDuration;
        if (!load["duration"]) Fail(mode, "mode duration needs \"duration\", e.g. duration: 30s");
      } else {
        Fail(mode, fmt::format("unknown mode \"{}\" (use burst or duration, or rate: for the "
                               "open model)",
                               text));
      }
    }
    if (const auto graceful = load["graceful_stop"]) profile.graceful_stop = Duration(graceful);
    if (const auto ramp = load["ramp"]) profile.ramp = Duration(ramp);
    if (const auto cooldown = load["cooldown"]) profile.cooldown = Duration(cooldown);
    if (const auto threads = load["threads"])
      scenario.threads = static_cast<int>(Integer(threads, 1));
  }

  UserClass LoadUser(const YAML::Node& user) const {
    if (!user.IsMap()) Fail(user, "a user class is a mapping with name, weight and steps");
    CheckKeys(user, "a user class", {"name", "weight", "steps"});
    UserClass user_class;
    if (const auto name = user["name"]) user_class.name = Text(name);
    if (const auto weight = user["weight"]) {
      user_class.weight = Number(weight);
      if (!(user_class.weight >= 0)) Fail(weight, "a weight must not be negative");
    }
    const auto steps = user["steps"];
    if (!steps) Fail(user, fmt::format("user class \"{}\" has no \"steps\"", user_class.name));
    user_class.steps = LoadSteps(steps);
    return user_class;
  }

  std::vector<Step> LoadSteps(const YAML::Node& steps) const {
    if (!steps.IsSequence() || steps.size() == 0) {
      Fail(steps, "\"steps\" must be a non-empty list of request, ws, think, loop or group steps");
    }
    std::vector<Step> loaded;
    for (const auto& step : steps) loaded.push_back(LoadStep(step));
    return loaded;
  }

  Step LoadStep(const YAML::Node& node) const {
    static const std::vector<std::string_view> kKinds = {"request", "think", "loop", "group", "ws"};
    if (!node.IsMap() || node.size() != 1) {
      Fail(node,
           "a step is one of: request: {...}, ws: {...}, think: 1s..3s, loop: {...}, group: {...}");
    }
    CheckKeys(node, "a step", kKinds);
    const auto entry = *node.begin();
    const std::string kind = entry.first.as<std::string>();
    const YAML::Node& body = entry.second;
    Step step;
    if (kind == "request") {
      step.kind = Step::Kind::kRequest;
      if (!body.IsMap()) Fail(body, "a request step is a mapping with at least url");
      step.request = defaults_;
      if (const auto name = body["name"]) step.name = Text(name);
      LoadRequestFields(body, step.request, false);
    } else if (kind == "ws") {
      LoadWs(body, step);
    } else if (kind == "think") {
      step.kind = Step::Kind::kThink;
      if (body.IsMap()) {
        // think: {distribution: exponential, mean: 2s, min: 0s, max: 10s}
        CheckKeys(body, "a think time", {"distribution", "mean", "stdev", "min", "max"});
        ThinkTime think;
        const std::string distribution =
            body["distribution"] ? Text(body["distribution"]) : std::string("exponential");
        if (distribution == "exponential") {
          think.distribution = ThinkTime::Distribution::kExponential;
        } else if (distribution == "normal") {
          think.distribution = ThinkTime::Distribution::kNormal;
          if (!body["stdev"]) Fail(body, "a normal think time needs \"stdev\"");
          think.stdev = Duration(body["stdev"]);
        } else {
          Fail(body["distribution"],
               fmt::format("unknown distribution \"{}\" (use exponential or normal, or write "
                           "1s..3s for uniform)",
                           distribution));
        }
        if (!body["mean"]) Fail(body, "a think time distribution needs \"mean\"");
        think.mean = Duration(body["mean"]);
        if (const auto min = body["min"]) think.min = Duration(min);
        if (const auto max = body["max"]) think.max = Duration(max);
        if (think.max > 0 && think.max < think.min) Fail(body, "max must not be below min");
        step.think = think;
      } else {
        auto think = ParseThinkTime(Text(body));
        if (!think) Fail(body, think.error().message);
        step.think = *think;
      }
    } else if (kind == "loop") {
      step.kind = Step::Kind::kLoop;
      if (!body.IsMap()) Fail(body, "a loop is a mapping: {count: 3, steps: [...]}");
      CheckKeys(body, "a loop", {"count", "steps"});
      if (!body["count"]) Fail(body, "a loop needs \"count\"");
      step.count = Integer(body["count"], 1);
      step.steps = LoadSteps(body["steps"]);
    } else {
      step.kind = Step::Kind::kGroup;
      if (!body.IsMap()) Fail(body, "a group is a mapping: {name: login, steps: [...]}");
      CheckKeys(body, "a group", {"name", "steps"});
      if (const auto name = body["name"]) step.name = Text(name);
      step.steps = LoadSteps(body["steps"]);
    }
    return step;
  }

  // A ws step: its upgrade request goes in step.request (from the defaults), the conversation
  // in step.ws.
  void LoadWs(const YAML::Node& body, Step& step) const {
    step.kind = Step::Kind::kWs;
    if (!body.IsMap()) Fail(body, "a ws step is a mapping with at least url");
    CheckKeys(body, "a ws step",
              {"name", "url", "headers", "send", "end", "expect_messages", "expect_final",
               "timeout", "close", "insecure"});
    RequestSpec& upgrade = step.request;
    upgrade = defaults_;
    upgrade.method = "GET";
    upgrade.checks = Checks();
    upgrade.retry = RetryPolicy();
    WsSpec& ws = step.ws;
    if (const auto name = body["name"]) step.name = Text(name);
    const auto url = body["url"];
    if (!url) Fail(body, "a ws step needs \"url\", e.g. url: /ws/echo or ws://host:port/path");
    const std::string text = Text(url);
    std::string absolute;
    if (!text.empty() && text.front() == '/') {
      if (target_.empty()) Fail(url, "a relative url needs \"target\" at the top of the file");
      absolute = target_;
      while (!absolute.empty() && absolute.back() == '/') absolute.pop_back();
      absolute += text;
    } else if (text.starts_with("ws://")) {
      absolute = "http://" + text.substr(5);
    } else if (text.starts_with("wss://")) {
      absolute = "https://" + text.substr(6);
    } else if (text.starts_with("http://") || text.starts_with("https://")) {
      absolute = text;
    } else {
      Fail(url, fmt::format("invalid ws url \"{}\": use ws://host[:port]/path, wss://... or a "
                            "path relative to target",
                            text));
    }
    auto parsed = ParseUrl(absolute);
    if (!parsed) Fail(url, parsed.error().message);
    CheckTemplate(url, parsed->target);
    upgrade.url = *parsed;
    ws.tls = upgrade.url.tls();
    if (const auto headers = body["headers"]) {
      if (!headers.IsMap()) Fail(headers, "\"headers\" must map names to values");
      for (const auto& header : headers) {
        const std::string name = Text(header.first);
        std::erase_if(upgrade.headers, [&](const Header& existing) {
          return std::equal(existing.name.begin(), existing.name.end(), name.begin(), name.end(),
                            [](char a, char b) { return std::tolower(a) == std::tolower(b); });
        });
        CheckTemplate(header.second, Text(header.second));
        upgrade.headers.push_back({name, Text(header.second)});
      }
    }
    if (const auto send = body["send"]) LoadWsSend(send, ws);
    if (const auto end = body["end"]) {
      ws.end = Text(end);
      if (ws.end.empty()) Fail(end, "\"end\" is a text message; leave it out to send none");
    }
    if (const auto v = body["expect_messages"]) ws.expect_messages = Integer(v, 0);
    if (const auto v = body["expect_final"]) {
      const std::string marker = Text(v);
      if (marker == "true" || marker == "false") {
        ws.expect_final = Bool(v);
      } else {
        if (marker.empty()) Fail(v, "expect_final is true or the text the final message contains");
        ws.expect_final = true;
        ws.final_marker = marker;
      }
    }
    if (const auto v = body["timeout"]) upgrade.timeouts.total = Duration(v);
    if (const auto v = body["insecure"]) upgrade.insecure = Bool(v);
    if (const auto close = body["close"]) {
      const std::string how = Text(close);
      if (how == "normal") {
        ws.close = WsSpec::Close::kNormal;
      } else if (how == "wait") {
        ws.close = WsSpec::Close::kWait;
      } else if (how == "abort") {
        ws.close = WsSpec::Close::kAbort;
      } else {
        const std::string nearest = NearestWord(how, {"normal", "wait", "abort"});
        Fail(close, nearest.empty()
                        ? fmt::format("unknown close \"{}\" (use normal, wait or abort)", how)
                        : fmt::format("unknown close \"{}\" (did you mean \"{}\"?)", how, nearest));
      }
    }
  }

  // send: {binary: 3200B | "bytes", every: 100ms, count: 50}, {text: "hello", ...} or
  // {file: audio.raw, binary: 3200B, ...} (the file in binary-sized messages).
  void LoadWsSend(const YAML::Node& send, WsSpec& ws) const {
    if (!send.IsMap()) {
      Fail(send, "\"send\" is a mapping, e.g. {binary: 3200B, every: 100ms, count: 50}");
    }
    CheckKeys(send, "send", {"binary", "text", "file", "every", "count"});
    const auto binary = send["binary"];
    const auto text = send["text"];
    const auto file = send["file"];
    if (text && (binary || file)) Fail(text, "give one of \"binary\", \"text\" or \"file\"");
    if (!text && !binary && !file) {
      Fail(send, "\"send\" needs what to send: binary: 3200B, text: \"...\" or file: audio.raw");
    }
    if (text) {
      ws.send = WsSpec::Send::kText;
      ws.payload = Text(text);
    } else if (file) {
      ws.send = WsSpec::Send::kFile;
      std::string path = Text(file);
      if (!path.empty() && path.front() != '/' && !base_dir_.empty()) path = base_dir_ + "/" + path;
      std::ifstream in(path, std::ios::binary);
      if (!in) Fail(file, fmt::format("cannot read \"{}\"", path));
      ws.payload.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (ws.payload.empty()) Fail(file, fmt::format("\"{}\" is empty", path));
      if (binary) {
        auto size = core::ParseSize(Text(binary));
        if (!size || *size < 1) Fail(binary, "with \"file\", \"binary\" is the size of a message");
        ws.frame_size = *size;
      }
    } else {
      ws.send = WsSpec::Send::kBinary;
      // A size ("3200B") is that many bytes; anything else is sent as it is.
      const std::string value = Text(binary);
      if (auto size = core::ParseSize(value); size) {
        if (*size < 1 || *size > 64 * 1024 * 1024) Fail(binary, "a message is 1B to 64MiB");
        ws.payload.resize(static_cast<std::size_t>(*size));
        for (std::size_t i = 0; i < ws.payload.size(); ++i) {
          ws.payload[i] = static_cast<char>(i % 251);
        }
      } else {
        ws.payload = value;
      }
    }
    if (const auto every = send["every"]) ws.every = Duration(every);
    if (const auto count = send["count"]) {
      ws.count = Integer(count, 0);
    } else if (ws.send == WsSpec::Send::kFile && ws.frame_size > 0) {
      const auto frame = ws.frame_size;
      ws.count = (static_cast<std::int64_t>(ws.payload.size()) + frame - 1) / frame;
    } else {
      ws.count = 1;
    }
  }

  void LoadRequestFields(const YAML::Node& map, RequestSpec& request, bool defaults) const {
    if (!map.IsMap()) Fail(map, "expected a mapping of request fields");
    static const std::vector<std::string_view> kRequestKeys = {
        "name",   "method",   "url",    "headers", "body",    "json",
        "stream", "timeouts", "expect", "retry",   "insecure"};
    static const std::vector<std::string_view> kDefaultKeys = {"headers", "stream", "timeouts",
                                                               "expect",  "retry",  "insecure"};
    CheckKeys(map, defaults ? "defaults" : "a request", defaults ? kDefaultKeys : kRequestKeys);
    if (const auto method = map["method"]) request.method = Text(method);
    if (const auto url = map["url"]) {
      const std::string text = Text(url);
      std::string absolute = text;
      if (!text.empty() && text.front() == '/') {
        if (target_.empty()) Fail(url, "a relative url needs \"target\" at the top of the file");
        absolute = target_;
        while (!absolute.empty() && absolute.back() == '/') absolute.pop_back();
        absolute += text;
      }
      auto parsed = ParseUrl(absolute);
      if (!parsed) Fail(url, parsed.error().message);
      CheckTemplate(url, parsed->target);
      request.url = *parsed;
    } else if (!defaults) {
      if (target_.empty()) Fail(map, "a request needs \"url\" (or a \"target\" for the file)");
      request.url = *ParseUrl(target_);
    }
    if (const auto headers = map["headers"]) {
      if (!headers.IsMap()) Fail(headers, "\"headers\" must map names to values");
      for (const auto& header : headers) {
        const std::string name = Text(header.first);
        std::erase_if(request.headers, [&](const Header& existing) {
          return std::equal(existing.name.begin(), existing.name.end(), name.begin(), name.end(),
                            [](char a, char b) { return std::tolower(a) == std::tolower(b); });
        });
        CheckTemplate(header.second, Text(header.second));
        request.headers.push_back({name, Text(header.second)});
      }
    }
    if (const auto body = map["body"]) {
      request.body = Text(body);
      CheckTemplate(body, request.body);
    }
    if (const auto json = map["json"]) {
      if (map["body"]) Fail(json, "give either \"body\" or \"json\", not both");
      // Invalid UTF-8 in a YAML string becomes U+FFFD rather than a JSON body nobody can parse.
      request.body = ToJson(json).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      const bool has_type =
          std::any_of(request.headers.begin(), request.headers.end(), [](const Header& h) {
            std::string lower = h.name;
            for (char& c : lower) c = static_cast<char>(std::tolower(c));
            return lower == "content-type";
          });
      CheckTemplate(json, request.body);
      if (!has_type) request.headers.push_back({"Content-Type", "application/json"});
      if (!map["method"]) request.method = "POST";
    }
    if (const auto stream = map["stream"]) {
      auto mode = ParseStreamMode(Text(stream));
      if (!mode) Fail(stream, mode.error().message);
      request.stream = *mode;
    }
    if (const auto timeouts = map["timeouts"]) {
      if (!timeouts.IsMap()) Fail(timeouts, "\"timeouts\" must be a mapping");
      CheckKeys(timeouts, "timeouts", {"connect", "ttfb", "idle", "total"});
      if (const auto t = timeouts["connect"]) request.timeouts.connect = Duration(t);
      if (const auto t = timeouts["ttfb"]) request.timeouts.ttfb = Duration(t);
      if (const auto t = timeouts["idle"]) request.timeouts.idle = Duration(t);
      if (const auto t = timeouts["total"]) request.timeouts.total = Duration(t);
    }
    if (const auto expect = map["expect"]) LoadChecks(expect, request.checks);
    if (const auto insecure = map["insecure"]) request.insecure = Bool(insecure);
    if (const auto retry = map["retry"]) LoadRetry(retry, request.retry);
  }

  void LoadRetry(const YAML::Node& retry, RetryPolicy& policy) const {
    if (!retry.IsMap()) Fail(retry, "\"retry\" is a mapping, e.g. {on: [429, 503], max: 3}");
    CheckKeys(retry, "retry", {"on", "max", "backoff", "respect_retry_after"});
    static const std::vector<std::string_view> kFamilies = {
        "refused", "reset",           "timeout",      "incomplete",   "protocol",     "tls",
        "io",      "timeout.connect", "timeout.ttfb", "timeout.idle", "timeout.total"};
    if (const auto on = retry["on"]) {
      policy.on.clear();
      auto add = [&](const YAML::Node& item) {
        const std::string rule = Text(item);
        const bool status = rule.size() == 3 && rule[0] >= '1' && rule[0] <= '5' &&
                            ((std::isdigit(static_cast<unsigned char>(rule[1])) &&
                              std::isdigit(static_cast<unsigned char>(rule[2]))) ||
                             rule.substr(1) == "xx");
        const bool known = status || rule.starts_with("http.") || rule.starts_with("check.") ||
                           std::find(kFamilies.begin(), kFamilies.end(), rule) != kFamilies.end();
        if (!known) {
          const std::string nearest = NearestWord(rule, kFamilies);
          Fail(item,
               fmt::format("cannot retry on \"{}\": use a status (429, 5xx) or refused, "
                           "reset, timeout, incomplete{}",
                           rule,
                           nearest.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", nearest)));
        }
        policy.on.push_back(rule);
      };
      if (on.IsSequence()) {
        for (const auto& item : on) add(item);
      } else {
        add(on);
      }
    }
    policy.max = retry["max"] ? static_cast<int>(Integer(retry["max"], 0)) : 3;
    if (const auto backoff = retry["backoff"]) {
      auto range = ParseThinkTime(Text(backoff));
      if (!range) Fail(backoff, range.error().message);
      policy.backoff_min = range->min;
      policy.backoff_max = range->max;
    }
    if (const auto respect = retry["respect_retry_after"]) {
      policy.respect_retry_after = Bool(respect);
    }
    if (policy.on.empty()) {
      Fail(retry, "\"retry\" needs \"on\": the errors to retry, e.g. on: [429, 503]");
    }
  }

  void LoadChecks(const YAML::Node& expect, Checks& checks) const {
    if (!expect.IsMap()) Fail(expect, "\"expect\" must be a mapping, e.g. {status: 200}");
    CheckKeys(
        expect, "expect",
        {"status", "min_chunks", "max_chunks", "min_events", "max_events", "min_bytes", "max_bytes",
         "size", "sha256", "md5", "contains", "regex", "headers", "json", "consistent"});
    if (const auto status = expect["status"]) {
      std::string text;
      if (status.IsSequence()) {
        for (const auto& item : status) text += (text.empty() ? "" : ",") + Text(item);
      } else {
        text = Text(status);
      }
      auto parsed = ParseStatusList(text);
      if (!parsed) Fail(status, parsed.error().message);
      checks.expect_status = *parsed;
    }
    if (const auto v = expect["min_chunks"]) checks.min_chunks = Integer(v, 0);
    if (const auto v = expect["max_chunks"]) checks.max_chunks = Integer(v, 0);
    if (const auto v = expect["min_events"]) checks.min_events = Integer(v, 0);
    if (const auto v = expect["max_events"]) checks.max_events = Integer(v, 0);
    auto size = [&](const YAML::Node& v) {
      auto parsed = core::ParseSize(Text(v));
      if (!parsed) Fail(v, parsed.error().message);
      return *parsed;
    };
    if (const auto v = expect["min_bytes"]) checks.min_bytes = size(v);
    if (const auto v = expect["max_bytes"]) checks.max_bytes = size(v);
    if (const auto v = expect["size"]) checks.size = size(v);
    auto hex = [&](const YAML::Node& v, std::size_t length, const char* what) {
      std::string text = Text(v);
      const bool valid = text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
                           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                         });
      if (!valid) Fail(v, fmt::format("{} must be {} hex digits", what, length));
      return text;
    };
    if (const auto v = expect["sha256"]) checks.sha256 = hex(v, 64, "sha256");
    if (const auto v = expect["md5"]) checks.md5 = hex(v, 32, "md5");
    if (const auto v = expect["contains"]) {
      if (v.IsSequence()) {
        for (const auto& item : v) checks.contains.push_back(Text(item));
      } else {
        checks.contains.push_back(Text(v));
      }
    }
    auto regex = [&](const YAML::Node& v) {
      const std::string text = Text(v);
      try {
        std::regex compiled(text);
      } catch (const std::regex_error& error) {
        Fail(v, fmt::format("invalid regular expression \"{}\": {}", text, error.what()));
      }
      return text;
    };
    if (const auto v = expect["regex"]) checks.regex = regex(v);
    if (const auto headers = expect["headers"]) {
      if (!headers.IsMap()) Fail(headers, "\"headers\" maps names to a value or {regex: ...}");
      for (const auto& entry : headers) {
        HeaderCheck check;
        check.name = Text(entry.first);
        if (entry.second.IsMap()) {
          CheckKeys(entry.second, "a header check", {"equals", "regex", "exists"});
          if (const auto equals = entry.second["equals"]) check.equals = Text(equals);
          if (const auto r = entry.second["regex"]) check.regex = regex(r);
        } else {
          check.equals = Text(entry.second);
        }
        checks.headers.push_back(std::move(check));
      }
    }
    if (const auto json = expect["json"]) {
      if (!json.IsMap()) Fail(json, "\"json\" maps paths to values or {exists: true}");
      for (const auto& entry : json) {
        JsonCheck check;
        check.path = Text(entry.first);
        if (entry.second.IsMap() && entry.second["exists"]) {
          CheckKeys(entry.second, "a json check", {"exists"});
          if (!Bool(entry.second["exists"])) Fail(entry.second, "only exists: true is supported");
        } else {
          check.equals = ToJson(entry.second).dump();
        }
        checks.json.push_back(std::move(check));
      }
    }
    if (const auto v = expect["consistent"]) checks.consistent = Bool(v);
  }

  // YAML to JSON for request bodies: plain scalars that read as numbers, booleans or null keep
  // that type; quoted scalars stay strings.
  nlohmann::json ToJson(const YAML::Node& node) const {
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& entry : node) object[Text(entry.first)] = ToJson(entry.second);
        return object;
      }
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : node) array.push_back(ToJson(item));
        return array;
      }
      case YAML::NodeType::Null:
        return nullptr;
      default:
        break;
    }
    const std::string& text = node.Scalar();
    if (node.Tag() != "!") {
      if (text == "true") return true;
      if (text == "false") return false;
      if (text == "null" || text == "~") return nullptr;
      std::int64_t integer = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
      if (ec == std::errc() && ptr == text.data() + text.size()) return integer;
      double number = 0;
      auto [dptr, dec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (dec == std::errc() && dptr == text.data() + text.size() && !text.empty()) return number;
    }
    return text;
  }

  // Fails at `node` unless `text` is a valid template (placeholders known, columns present).
  void CheckTemplate(const YAML::Node& node, const std::string& text) const {
    auto compiled = Template::Compile(text, table_.get());
    if (!compiled) Fail(node, compiled.error().message);
  }

  std::string name_;
  std::string base_dir_;
  std::shared_ptr<const DataTable> table_;
  std::string target_;
  RequestSpec defaults_;
};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string NearestWord(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = std::string_view::npos;
  for (auto candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A typo changes a few letters; beyond a third of the word it is another word.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= limit ? std::string(best) : std::string();
}

core::Result<Scenario> LoadScenarioText(std::string_view text, const std::string& name,
                                        const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    return core::MakeError(
        fmt::format("{}:{}:{}: {}", name, error.mark.line + 1, error.mark.column + 1, error.msg));
  }
  try {
    Scenario scenario = Loader(name, base_dir).Load(root);
    if (auto valid = Validate(scenario); !valid) {
      return core::MakeError(fmt::format("{}: {}", name, valid.error().message));
    }
    return scenario;
  } catch (const LoadError& error) {
    return core::MakeError(error.message);
  } catch (const YAML::Exception& error) {
    return core::MakeError(
        fmt::format("{}:{}:{}: {}", name, error.mark.line + 1, error.mark.column + 1, error.msg));
  }
}

core::Result<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(fmt::format("{}: cannot read the file", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto parent = std::filesystem::path(path).parent_path().string();
  return LoadScenarioText(text, path, parent);
}

}  // namespace stampede::scenario
