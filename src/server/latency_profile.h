// How fast the mock LLM "generates": the time to first token (ttft) and the delay between
// tokens (itl), each a distribution sampled with the worker's seeded Random. Sans-I/O: parsing,
// sampling and scheduling are tested without sockets or clocks.
//
// A distribution is written
//   fixed:140ms (or just 140ms)       always 140 ms
//   uniform:100ms..200ms               uniform between the two
//   normal:1100ms,150ms                mean, standard deviation
//   lognormal:140ms,0.3                median, sigma of the underlying normal
//   lognormal:mean=140ms,0.3           the same with the mean given instead of the median
// each optionally followed by ",min=D" and/or ",max=D". Every sample is clamped to [min, max],
// to [0, 1 h] in any case, so a normal never goes negative.
//
// A profile is a preset name ("default", "instant", "django-report", "gpt-4o-like", ...), or
// "key=value" items separated by ';' (ttft=DIST, itl=DIST, tokens=N), optionally after a preset
// name whose values the items replace: "ttft=normal:1100ms,150ms;itl=fixed:140ms",
// "gpt-4o-like;tokens=300". Items not given come from the preset (or from "default").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "core/time.h"

namespace stampede::server {

// The bound of every answer length: a profile's tokens=, max_tokens, the knobs.
inline constexpr std::uint64_t kMaxAnswerTokens = 100'000;

class Distribution {
 public:
  enum class Kind { kFixed, kUniform, kNormal, kLognormal };

  static Distribution Fixed(core::Nanos value);
  static Distribution Uniform(core::Nanos low, core::Nanos high);
  static Distribution Normal(core::Nanos mean, core::Nanos stdev);
  static Distribution LognormalMedian(core::Nanos median, double sigma);
  static Distribution LognormalMean(core::Nanos mean, double sigma);

  // Parses the syntax above; the error quotes the text and shows the expected form.
  static core::Result<Distribution> Parse(std::string_view text);

  // One sample, clamped to [min, max] (and to [0, kMaxSample]).
  core::Nanos Sample(core::Random& random) const;
  // The mean of the unclamped distribution.
  double Mean() const;
  // The canonical text of this distribution ("normal:1100ms,150ms,min=0ns").
  std::string ToString() const;

  Distribution WithBounds(core::Nanos min, core::Nanos max) const;

  Kind kind() const { return kind_; }
  core::Nanos min() const { return min_; }
  core::Nanos max() const { return max_; }

  // The upper bound of every sample: one hour, the bound of the other delay knobs.
  static constexpr core::Nanos kMaxSample = core::kHour;

 private:
  Distribution(Kind kind, double first, double second) : kind_(kind), a_(first), b_(second) {}

  Kind kind_;
  double a_;  // fixed: value; uniform: low; normal: mean; lognormal: mu (of ln ns)
  double b_;  // uniform: high; normal: stdev; lognormal: sigma
  core::Nanos min_ = 0;
  core::Nanos max_ = kMaxSample;
};

struct LatencyProfile {
  Distribution ttft = Distribution::Fixed(200 * core::kMillisecond);
  Distribution itl = Distribution::Fixed(20 * core::kMillisecond);
  // The answer's length when neither the request nor a knob bounds it.
  std::uint64_t tokens = 64;
};

struct LatencyPreset {
  std::string_view name;
  std::string_view description;
  std::string_view spec;  // in the profile syntax, without a preset name
};

// Every preset, "default" first.
std::span<const LatencyPreset> LatencyPresets();

// A preset name or a spec (syntax above).
core::Result<LatencyProfile> ParseLatencyProfile(std::string_view text);

// For `--profile`: the error says what is wrong and lists the presets.
core::Result<void> ValidateProfile(std::string_view text);

// The times at which tokens are generated, from the request: token 0 at ttft, token k at
// ttft + itl_1 + ... + itl_k, each delay a fresh sample. Offsets only grow, and a late send
// never shifts the ones after it (the caller adds them to the request's time).
class TokenSchedule {
 public:
  // Both must outlive the schedule.
  TokenSchedule(const LatencyProfile& profile, core::Random& random)
      : profile_(profile), random_(random) {}

  // The offset of the next token: the first call returns ttft.
  core::Nanos Next();
  // Advances to token `index` (from 0, not behind the last one returned) and returns its offset.
  core::Nanos AdvanceTo(std::uint64_t index);

 private:
  const LatencyProfile& profile_;
  core::Random& random_;
  std::uint64_t next_index_ = 0;
  core::Nanos offset_ = 0;
};

}  // namespace stampede::server
