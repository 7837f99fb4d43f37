#include "server/latency_profile.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "core/units.h"

namespace stampede::server {
namespace {

constexpr std::array<LatencyPreset, 6> kPresets = {{
    {"default", "200 ms to the first token, then 20 ms per token; 64 tokens",
     "ttft=fixed:200ms;itl=fixed:20ms;tokens=64"},
    {"instant", "no delay at all: the server's own overhead",
     "ttft=fixed:0ms;itl=fixed:0ms;tokens=64"},
    {"django-report",
     "the stress report stampede was built for: 1100 ms to the first token, 140 ms per chunk, "
     "400 chunks (56.96 s a stream)",
     "ttft=fixed:1100ms;itl=fixed:140ms;tokens=400"},
    {"gpt-4o-like", "a hosted fast model: ttft median 450 ms, about 90 tokens/s with a long tail",
     "ttft=lognormal:450ms,0.35,max=10s;itl=lognormal:11ms,0.5,max=1s;tokens=300"},
    {"claude-like", "a hosted large model: ttft median 800 ms, about 60 tokens/s",
     "ttft=lognormal:800ms,0.3,max=10s;itl=lognormal:16ms,0.45,max=1s;tokens=300"},
    {"vllm-local", "a small model on a local GPU: ttft 40-120 ms, 9 ms per token",
     "ttft=uniform:40ms..120ms;itl=normal:9ms,2ms,min=3ms;tokens=256"},
}};

constexpr std::string_view kSpecExample = "ttft=normal:1100ms,150ms;itl=fixed:140ms";

std::string_view Trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto end = text.find(separator);
    parts.push_back(Trim(text.substr(0, end)));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

// "1100ms" but also "1.5s"; the error is ParseDuration's, which quotes the text.
core::Result<core::Nanos> ParseDelay(std::string_view text) {
  auto parsed = core::ParseDuration(text);
  if (!parsed) return parsed.error();
  if (*parsed > Distribution::kMaxSample) {
    return core::MakeError("duration \"" + std::string(text) + "\" is longer than 1h");
  }
  return *parsed;
}

core::Result<double> ParseSigma(std::string_view text) {
  double sigma = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), sigma);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !(sigma >= 0) ||
      !(sigma <= 10)) {
    return core::MakeError("sigma \"" + std::string(text) + "\" must be a number from 0 to 10");
  }
  return sigma;
}

// Exact in the largest unit that divides it, so ToString parses back to the same value.
std::string FormatNanos(core::Nanos value) {
  if (value % core::kMillisecond == 0) return std::to_string(value / core::kMillisecond) + "ms";
  if (value % core::kMicrosecond == 0) return std::to_string(value / core::kMicrosecond) + "us";
  return std::to_string(value) + "ns";
}

std::string PresetNames() {
  std::string names;
  for (const auto& preset : kPresets) {
    if (!names.empty()) names.append(", ");
    names.append(preset.name);
  }
  return names;
}

const LatencyPreset* FindPreset(std::string_view name) {
  for (const auto& preset : kPresets) {
    if (preset.name == name) return &preset;
  }
  return nullptr;
}

core::Result<LatencyProfile> ParseSpec(std::string_view text);

core::Result<LatencyProfile> PresetProfile(std::string_view name) {
  const LatencyPreset* preset = FindPreset(name);
  if (preset == nullptr) {
    return core::MakeError("unknown latency profile \"" + std::string(name) +
                           "\" (presets: " + PresetNames() + "; or a spec such as \"" +
                           std::string(kSpecExample) + "\")");
  }
  return ParseSpec(preset->spec);
}

core::Result<LatencyProfile> ParseSpec(std::string_view text) {
  LatencyProfile profile;
  const auto items = Split(text, ';');
  for (std::size_t index = 0; index < items.size(); ++index) {
    const std::string_view item = items[index];
    if (item.empty()) continue;
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      if (index != 0) {
        return core::MakeError("\"" + std::string(item) +
                               "\" is not key=value (only the first item may name a preset)");
      }
      auto preset = PresetProfile(item);
      if (!preset) return preset.error();
      profile = *preset;
      continue;
    }
    const std::string_view key = Trim(item.substr(0, equals));
    const std::string_view value = Trim(item.substr(equals + 1));
    if (key == "ttft" || key == "itl") {
      auto distribution = Distribution::Parse(value);
      if (!distribution)
        return core::MakeError(std::string(key) + ": " + distribution.error().message);
      (key == "ttft" ? profile.ttft : profile.itl) = *distribution;
    } else if (key == "tokens") {
      std::uint64_t tokens = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), tokens);
      if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || tokens < 1 ||
          tokens > kMaxAnswerTokens) {
        return core::MakeError("tokens=\"" + std::string(value) +
                               "\": expected a whole number from 1 to " +
                               std::to_string(kMaxAnswerTokens));
      }
      profile.tokens = tokens;
    } else {
      return core::MakeError("unknown key \"" + std::string(key) +
                             "\" (use ttft=, itl= and tokens=)");
    }
  }
  return profile;
}

}  // namespace

Distribution Distribution::Fixed(core::Nanos value) {
  return Distribution(Kind::kFixed, static_cast<double>(value), 0);
}

Distribution Distribution::Uniform(core::Nanos low, core::Nanos high) {
  return Distribution(Kind::kUniform, static_cast<double>(low), static_cast<double>(high));
}

Distribution Distribution::Normal(core::Nanos mean, core::Nanos stdev) {
  return Distribution(Kind::kNormal, static_cast<double>(mean), static_cast<double>(stdev));
}

// ln X ~ N(mu, sigma²): the median is e^mu.
Distribution Distribution::LognormalMedian(core::Nanos median, double sigma) {
  return Distribution(Kind::kLognormal, std::log(std::max(1.0, static_cast<double>(median))),
                      sigma);
}

// The mean is e^(mu + sigma²/2).
Distribution Distribution::LognormalMean(core::Nanos mean, double sigma) {
  return Distribution(Kind::kLognormal,
                      std::log(std::max(1.0, static_cast<double>(mean))) - sigma * sigma / 2,
                      sigma);
}

Distribution Distribution::WithBounds(core::Nanos min, core::Nanos max) const {
  Distribution bounded = *this;
  bounded.min_ = std::clamp<core::Nanos>(min, 0, kMaxSample);
  bounded.max_ = std::clamp<core::Nanos>(max, 0, kMaxSample);
  return bounded;
}

core::Result<Distribution> Distribution::Parse(std::string_view text) {
  text = Trim(text);
  const std::string quoted = "invalid distribution \"" + std::string(text) + "\": ";
  std::string_view kind = "fixed";
  std::string_view arguments = text;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    kind = Trim(text.substr(0, colon));
    arguments = text.substr(colon + 1);
  }
  std::vector<std::string_view> positional;
  core::Nanos min = 0;
  core::Nanos max = kMaxSample;
  std::string_view mean_or_median = "median";
  bool bounded = false;
  for (const std::string_view part : Split(arguments, ',')) {
    const bool is_min = part.starts_with("min=");
    if (is_min || part.starts_with("max=")) {
      auto bound = ParseDelay(Trim(part.substr(4)));
      if (!bound) return core::MakeError(quoted + bound.error().message);
      (is_min ? min : max) = *bound;
      bounded = true;
      continue;
    }
    if (bounded) return core::MakeError(quoted + "min= and max= come last");
    if (positional.empty() && kind == "lognormal") {
      for (std::string_view prefix : {"median=", "mean="}) {
        if (part.starts_with(prefix)) {
          mean_or_median = prefix.substr(0, prefix.size() - 1);
          positional.push_back(Trim(part.substr(prefix.size())));
        }
      }
      if (!positional.empty()) continue;
    }
    positional.push_back(part);
  }
  if (min > max) return core::MakeError(quoted + "min= is above max=");

  auto expect = [&](std::size_t count, std::string_view form) -> core::Result<void> {
    if (positional.size() != count ||
        std::ranges::any_of(positional, [](std::string_view part) { return part.empty(); })) {
      return core::MakeError(quoted + std::string(kind) + " takes " + std::string(form));
    }
    return {};
  };
  std::optional<Distribution> parsed;
  if (kind == "fixed") {
    if (auto ok = expect(1, "one duration (e.g. fixed:140ms)"); !ok) return ok.error();
    auto value = ParseDelay(positional[0]);
    if (!value) return core::MakeError(quoted + value.error().message);
    parsed = Fixed(*value);
  } else if (kind == "uniform") {
    if (auto ok = expect(1, "LOW..HIGH (e.g. uniform:100ms..200ms)"); !ok) return ok.error();
    const auto dots = positional[0].find("..");
    if (dots == std::string_view::npos) {
      return core::MakeError(quoted + "uniform takes LOW..HIGH (e.g. uniform:100ms..200ms)");
    }
    auto low = ParseDelay(Trim(positional[0].substr(0, dots)));
    if (!low) return core::MakeError(quoted + low.error().message);
    auto high = ParseDelay(Trim(positional[0].substr(dots + 2)));
    if (!high) return core::MakeError(quoted + high.error().message);
    if (*low > *high) return core::MakeError(quoted + "LOW is above HIGH");
    parsed = Uniform(*low, *high);
  } else if (kind == "normal") {
    if (auto ok = expect(2, "MEAN,STDEV (e.g. normal:1100ms,150ms)"); !ok) return ok.error();
    auto mean = ParseDelay(positional[0]);
    if (!mean) return core::MakeError(quoted + mean.error().message);
    auto stdev = ParseDelay(positional[1]);
    if (!stdev) return core::MakeError(quoted + stdev.error().message);
    parsed = Normal(*mean, *stdev);
  } else if (kind == "lognormal") {
    if (auto ok = expect(2, "MEDIAN,SIGMA or mean=MEAN,SIGMA (e.g. lognormal:140ms,0.3)"); !ok) {
      return ok.error();
    }
    auto center = ParseDelay(positional[0]);
    if (!center) return core::MakeError(quoted + center.error().message);
    auto sigma = ParseSigma(positional[1]);
    if (!sigma) return core::MakeError(quoted + sigma.error().message);
    parsed = mean_or_median == "mean" ? LognormalMean(*center, *sigma)
                                      : LognormalMedian(*center, *sigma);
  } else {
    return core::MakeError(quoted + "unknown kind \"" + std::string(kind) +
                           "\" (use fixed, uniform, normal or lognormal)");
  }
  return parsed->WithBounds(min, max);
}

core::Nanos Distribution::Sample(core::Random& random) const {
  double value = a_;
  switch (kind_) {
    case Kind::kFixed:
      break;
    case Kind::kUniform:
      if (b_ > a_) value = random.Uniform(a_, b_);
      break;
    case Kind::kNormal:
      // The standard distributions require a positive spread.
      if (b_ > 0) value = random.Normal(a_, b_);
      break;
    case Kind::kLognormal:
      value = b_ > 0 ? random.Lognormal(a_, b_) : std::exp(a_);
      break;
  }
  value = std::clamp(value, static_cast<double>(min_), static_cast<double>(max_));
  return static_cast<core::Nanos>(std::llround(value));
}

double Distribution::Mean() const {
  switch (kind_) {
    case Kind::kUniform:
      return (a_ + b_) / 2;
    case Kind::kLognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case Kind::kFixed:
    case Kind::kNormal:
      break;
  }
  return a_;
}

std::string Distribution::ToString() const {
  auto nanos = [](double value) {
    return FormatNanos(static_cast<core::Nanos>(std::llround(value)));
  };
  std::string text;
  switch (kind_) {
    case Kind::kFixed:
      text = "fixed:" + nanos(a_);
      break;
    case Kind::kUniform:
      text = "uniform:" + nanos(a_) + ".." + nanos(b_);
      break;
    case Kind::kNormal:
      text = "normal:" + nanos(a_) + "," + nanos(b_);
      break;
    case Kind::kLognormal: {
      std::array<char, 32> sigma{};
      const auto end = std::to_chars(sigma.data(), sigma.data() + sigma.size(), b_).ptr;
      text = "lognormal:" + nanos(std::exp(a_)) + "," + std::string(sigma.data(), end);
      break;
    }
  }
  if (min_ != 0) text += ",min=" + FormatNanos(min_);
  if (max_ != kMaxSample) text += ",max=" + FormatNanos(max_);
  return text;
}

std::span<const LatencyPreset> LatencyPresets() { return kPresets; }

core::Result<LatencyProfile> ParseLatencyProfile(std::string_view text) {
  text = Trim(text);
  if (text.empty()) {
    return core::MakeError("empty latency profile (presets: " + PresetNames() +
                           "; or a spec such as \"" + std::string(kSpecExample) + "\")");
  }
  return ParseSpec(text);
}

core::Result<void> ValidateProfile(std::string_view text) {
  auto profile = ParseLatencyProfile(text);
  if (!profile) {
    return core::MakeError("invalid --profile \"" + std::string(text) +
                           "\": " + profile.error().message);
  }
  return {};
}

core::Nanos TokenSchedule::Next() {
  offset_ += next_index_ == 0 ? profile_.ttft.Sample(random_) : profile_.itl.Sample(random_);
  ++next_index_;
  return offset_;
}

core::Nanos TokenSchedule::AdvanceTo(std::uint64_t index) {
  while (next_index_ <= index) Next();
  return offset_;
}

}  // namespace stampede::server
