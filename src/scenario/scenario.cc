#include "scenario/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/units.h"

namespace stampede::scenario {
namespace {

bool ParseInt(std::string_view text, int& value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

std::string_view ToString(StreamMode mode) {
  switch (mode) {
    case StreamMode::kAuto:
      return "auto";
    case StreamMode::kNone:
      return "none";
    case StreamMode::kChunked:
      return "chunked";
    case StreamMode::kSse:
      return "sse";
  }
  return "auto";
}

core::Result<StreamMode> ParseStreamMode(std::string_view text) {
  for (auto mode : {StreamMode::kAuto, StreamMode::kNone, StreamMode::kChunked, StreamMode::kSse}) {
    if (text == ToString(mode)) return mode;
  }
  return core::MakeError(
      fmt::format("unknown stream mode \"{}\" (use auto, none, chunked or sse)", text));
}

std::string_view ToString(LoadMode mode) {
  switch (mode) {
    case LoadMode::kBurst:
      return "burst";
    case LoadMode::kDuration:
      return "duration";
    case LoadMode::kRate:
      return "rate";
  }
  return "burst";
}

core::Result<std::vector<double>> ParseRateList(std::string_view text) {
  std::vector<double> rates;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.ends_with("/s")) item.remove_suffix(2);
    double rate = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), rate);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || !(rate > 0)) {
      return core::MakeError(
          fmt::format("invalid rate \"{}\" in \"{}\" (write arrivals per second, e.g. 10,50/s,100)",
                      item, text));
    }
    rates.push_back(rate);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return rates;
}

core::Result<std::vector<StatusRange>> ParseStatusList(std::string_view text) {
  std::vector<StatusRange> ranges;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    StatusRange range;
    bool ok = false;
    if (item.size() == 3 && (item.substr(1) == "xx" || item.substr(1) == "XX") && item[0] >= '1' &&
        item[0] <= '5') {
      range.low = (item[0] - '0') * 100;
      range.high = range.low + 99;
      ok = true;
    } else if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      ok = ParseInt(item.substr(0, dash), range.low) && ParseInt(item.substr(dash + 1), range.high);
    } else {
      ok = ParseInt(item, range.low);
      range.high = range.low;
    }
    if (!ok || range.low < 100 || range.high > 599 || range.low > range.high) {
      return core::MakeError(fmt::format(
          "invalid status \"{}\" in \"{}\" (write e.g. 200, 2xx, 200-204 or 200,201)", item, text));
    }
    ranges.push_back(range);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return ranges;
}

std::string RequestSpec::Serialize() const {
  std::vector<std::string_view> values;
  for (const auto& header : headers) values.push_back(header.value);
  std::string out;
  SerializeTo(out, url.target, values, body);
  return out;
}

void RequestSpec::SerializeTo(std::string& out, std::string_view target,
                              const std::vector<std::string_view>& header_values,
                              std::string_view request_body) const {
  out.clear();
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_user_agent = false;
  for (const auto& header : headers) {
    auto equals = [&](std::string_view name) {
      if (header.name.size() != name.size()) return false;
      for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header.name[i])) != name[i]) return false;
      }
      return true;
    };
    has_host |= equals("host");
    has_user_agent |= equals("user-agent");
  }
  if (!has_host) out.append("Host: ").append(url.HostHeader()).append("\r\n");
  if (!has_user_agent) out.append("User-Agent: stampede/0.1\r\n");
  for (std::size_t i = 0; i < headers.size(); ++i) {
    out.append(headers[i].name).append(": ").append(header_values[i]).append("\r\n");
  }
  if (!request_body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    out.append("Content-Length: ").append(std::to_string(request_body.size())).append("\r\n");
  }
  out.append("\r\n");
  out.append(request_body);
}

bool RetryPolicy::Matches(std::string_view category) const {
  for (const auto& rule : on) {
    if (rule == category) return true;
    if (rule.size() == 3 && category.starts_with("http.")) {
      const std::string_view code = category.substr(5);
      if (rule == code) return true;
      if (rule[1] == 'x' && rule[2] == 'x' && code.size() == 3 && code[0] == rule[0]) return true;
    }
    if (rule == "timeout" && category.starts_with("timeout.")) return true;
  }
  return false;
}

core::Nanos RetryPolicy::Backoff(int retry, core::Nanos retry_after) const {
  if (respect_retry_after && retry_after >= 0) return retry_after;
  core::Nanos wait = backoff_min;
  for (int i = 1; i < retry && wait < backoff_max; ++i) wait *= 2;
  return std::min(wait, backoff_max);
}

core::Result<ThinkTime> ParseThinkTime(std::string_view text) {
  const auto dots = text.find("..");
  auto min = core::ParseDuration(text.substr(0, dots));
  if (!min) return min.error();
  ThinkTime think{*min, *min};
  if (dots != std::string_view::npos) {
    auto max = core::ParseDuration(text.substr(dots + 2));
    if (!max) return max.error();
    think.max = *max;
  }
  if (think.min < 0 || think.max < think.min) {
    return core::MakeError(
        fmt::format("invalid think time \"{}\" (write e.g. 1s or 1s..3s, low before high)", text));
  }
  return think;
}

core::Nanos ThinkTime::Draw(core::Random& random) const {
  double pause = 0;
  switch (distribution) {
    case Distribution::kUniform:
      return min + static_cast<core::Nanos>(random.Uniform01() * static_cast<double>(max - min));
    case Distribution::kExponential:
      pause = random.Exponential(1.0) * static_cast<double>(mean);
      break;
    case Distribution::kNormal:
      pause = random.Normal(static_cast<double>(mean), static_cast<double>(stdev));
      break;
  }
  pause = std::max(pause, static_cast<double>(min));
  if (max > 0) pause = std::min(pause, static_cast<double>(max));
  return static_cast<core::Nanos>(pause);
}

Scenario Scenario::SingleRequest(RequestSpec request, LoadProfile load) {
  Scenario scenario;
  Step step;
  step.kind = Step::Kind::kRequest;
  step.request = std::move(request);
  UserClass user;
  user.steps.push_back(std::move(step));
  scenario.users.push_back(std::move(user));
  scenario.load = std::move(load);
  return scenario;
}

namespace {

void VisitRequests(const std::vector<Step>& steps, const std::function<void(const Step&)>& visit) {
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::kRequest || step.kind == Step::Kind::kWs) visit(step);
    VisitRequests(step.steps, visit);
  }
}

core::Result<void> ValidateRequest(const RequestSpec& request) {
  const auto& timeouts = request.timeouts;
  if (timeouts.connect <= 0 || timeouts.ttfb <= 0 || timeouts.idle <= 0 || timeouts.total <= 0) {
    return core::MakeError("every timeout must be positive");
  }
  for (const auto& header : request.headers) {
    if (header.name.empty() || header.name.find_first_of(" :\r\n") != std::string::npos ||
        header.value.find_first_of("\r\n") != std::string::npos) {
      return core::MakeError(fmt::format("invalid header \"{}: {}\" (write -H 'Name: value')",
                                         header.name, header.value));
    }
  }
  return {};
}

}  // namespace

void ForEachRequest(const Scenario& scenario, const std::function<void(const Step&)>& visit) {
  for (const auto& user : scenario.users) VisitRequests(user.steps, visit);
}

core::Result<void> Validate(const Scenario& scenario) {
  const auto& load = scenario.load;
  if (load.mode == LoadMode::kRate) {
    if (load.rates.empty()) return core::MakeError("no rates: give --rate, e.g. --rate 10,50");
    if (load.duration <= 0) {
      return core::MakeError("the open model needs a positive --duration, e.g. --duration 30s");
    }
    if (load.max_in_flight < 1) return core::MakeError("max_in_flight must be at least 1");
  } else if (load.levels.empty()) {
    return core::MakeError("no load levels: give --users, e.g. --users 50,100");
  }
  if (load.mode == LoadMode::kDuration && load.duration <= 0) {
    return core::MakeError("duration mode needs a positive --duration, e.g. --duration 30s");
  }
  if (scenario.threads < 0) return core::MakeError("--threads must be at least 1");
  if (scenario.users.empty()) return core::MakeError("no users: the scenario needs a user class");
  double total_weight = 0;
  for (const auto& user : scenario.users) {
    if (!(user.weight >= 0)) {
      return core::MakeError(
          fmt::format("user class \"{}\": weight must not be negative", user.name));
    }
    total_weight += user.weight;
    bool has_request = false;
    VisitRequests(user.steps, [&](const Step&) { has_request = true; });
    if (!has_request) {
      return core::MakeError(fmt::format("user class \"{}\" sends no request", user.name));
    }
  }
  if (!(total_weight > 0)) return core::MakeError("the user classes' weights add up to 0");
  core::Result<void> result;
  ForEachRequest(scenario, [&](const Step& step) {
    if (result) result = ValidateRequest(step.request);
  });
  return result;
}

}  // namespace stampede::scenario
