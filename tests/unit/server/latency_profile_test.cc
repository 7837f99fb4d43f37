#include "server/latency_profile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace stampede::server {
namespace {

using core::kMillisecond;

struct Moments {
  double mean = 0;
  double stdev = 0;
  core::Nanos min = 0;
  core::Nanos max = 0;
};

Moments Sample(const Distribution& distribution, int count, std::uint64_t seed = 42) {
  core::Random random(seed);
  std::vector<core::Nanos> samples;
  for (int index = 0; index < count; ++index) samples.push_back(distribution.Sample(random));
  Moments moments;
  moments.min = samples.front();
  moments.max = samples.front();
  for (const auto sample : samples) {
    moments.mean += static_cast<double>(sample);
    moments.min = std::min(moments.min, sample);
    moments.max = std::max(moments.max, sample);
  }
  moments.mean /= count;
  for (const auto sample : samples) {
    moments.stdev += std::pow(static_cast<double>(sample) - moments.mean, 2);
  }
  moments.stdev = std::sqrt(moments.stdev / (count - 1));
  return moments;
}

Distribution MustParse(std::string_view text) {
  auto parsed = Distribution::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
  return parsed.ok() ? *parsed : Distribution::Fixed(-1);
}

TEST(DistributionParseTest, EveryFormRoundTripsThroughToString) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fixed:140ms", "fixed:140ms"},
      {"140ms", "fixed:140ms"},
      {" fixed : 1.5s ", "fixed:1500ms"},
      {"fixed:250us", "fixed:250us"},
      {"uniform:100ms..200ms", "uniform:100ms..200ms"},
      {"normal:1100ms,150ms", "normal:1100ms,150ms"},
      {"normal:1100ms, 150ms, min=900ms, max=1300ms", "normal:1100ms,150ms,min=900ms,max=1300ms"},
      {"lognormal:140ms,0.3", "lognormal:140ms,0.3"},
      {"lognormal:median=140ms,0.3", "lognormal:140ms,0.3"},
      {"lognormal:20ms,0.5,max=1s", "lognormal:20ms,0.5,max=1000ms"},
  };
  for (const auto& [text, canonical] : cases) {
    EXPECT_EQ(MustParse(text).ToString(), canonical) << text;
    EXPECT_EQ(MustParse(canonical).ToString(), canonical) << canonical;
  }
}

TEST(DistributionParseTest, KindsAndMeans) {
  EXPECT_EQ(MustParse("fixed:140ms").kind(), Distribution::Kind::kFixed);
  EXPECT_DOUBLE_EQ(MustParse("fixed:140ms").Mean(), 140.0 * kMillisecond);
  EXPECT_EQ(MustParse("uniform:100ms..200ms").kind(), Distribution::Kind::kUniform);
  EXPECT_DOUBLE_EQ(MustParse("uniform:100ms..200ms").Mean(), 150.0 * kMillisecond);
  EXPECT_EQ(MustParse("normal:1100ms,150ms").kind(), Distribution::Kind::kNormal);
  EXPECT_DOUBLE_EQ(MustParse("normal:1100ms,150ms").Mean(), 1100.0 * kMillisecond);
  // Median 100 ms, sigma 0.5: mean = 100 ms * e^(0.125).
  EXPECT_NEAR(MustParse("lognormal:100ms,0.5").Mean(), 100.0 * kMillisecond * std::exp(0.125), 1e3);
  // Given as the mean, the mean is what was given.
  EXPECT_NEAR(MustParse("lognormal:mean=100ms,0.5").Mean(), 100.0 * kMillisecond, 1e3);
  EXPECT_EQ(MustParse("normal:1s,1ms,min=2ms").min(), 2 * kMillisecond);
  EXPECT_EQ(MustParse("normal:1s,1ms,max=2s").max(), 2000 * kMillisecond);
}

TEST(DistributionParseTest, ErrorsQuoteTheTextAndShowTheForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "fixed takes one duration"},
      {"140", "has no unit"},
      {"fixed:-5ms", "invalid duration"},
      {"fixed:abc", "invalid duration \"abc\""},
      {"fixed:1ms,2ms", "fixed takes one duration"},
      {"uniform:100ms", "uniform takes LOW..HIGH"},
      {"uniform:200ms..100ms", "LOW is above HIGH"},
      {"uniform:100ms..", "invalid duration"},
      {"normal:1100ms", "normal takes MEAN,STDEV (e.g. normal:1100ms,150ms)"},
      {"normal:1100ms,150", "has no unit"},
      {"lognormal:140ms", "lognormal takes MEDIAN,SIGMA"},
      {"lognormal:140ms,-1", "sigma \"-1\" must be a number from 0 to 10"},
      {"lognormal:140ms,abc", "sigma \"abc\""},
      {"normal:1s,1ms,min=5ms,max=1ms", "min= is above max="},
      {"normal:1s,min=5ms,1ms", "min= and max= come last"},
      {"gamma:1s,2", "unknown kind \"gamma\" (use fixed, uniform, normal or lognormal)"},
      {"fixed:2h", "longer than 1h"},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = Distribution::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.error().message.find(expected), std::string::npos)
        << text << " -> " << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("invalid distribution \"" + text + "\""),
              std::string::npos)
        << parsed.error().message;
  }
}

TEST(DistributionSampleTest, FixedIsExact) {
  core::Random random(1);
  const auto fixed = Distribution::Fixed(140 * kMillisecond);
  for (int index = 0; index < 10; ++index) EXPECT_EQ(fixed.Sample(random), 140 * kMillisecond);
}

TEST(DistributionSampleTest, UniformStaysInRangeWithTheRightMoments) {
  const auto moments = Sample(MustParse("uniform:100ms..200ms"), 20000);
  EXPECT_GE(moments.min, 100 * kMillisecond);
  EXPECT_LE(moments.max, 200 * kMillisecond);
  EXPECT_NEAR(moments.mean, 150.0 * kMillisecond, 1.0 * kMillisecond);
  // (b - a) / sqrt(12) = 28.87 ms.
  EXPECT_NEAR(moments.stdev, 28.87 * kMillisecond, 0.6 * kMillisecond);
}

TEST(DistributionSampleTest, NormalHasItsMeanAndStdev) {
  const auto moments = Sample(MustParse("normal:1100ms,150ms"), 20000);
  EXPECT_NEAR(moments.mean, 1100.0 * kMillisecond, 4.0 * kMillisecond);
  EXPECT_NEAR(moments.stdev, 150.0 * kMillisecond, 3.0 * kMillisecond);
}

TEST(DistributionSampleTest, LognormalHasItsMedianAndMean) {
  core::Random random(7);
  const auto distribution = MustParse("lognormal:140ms,0.3");
  std::vector<core::Nanos> samples;
  for (int index = 0; index < 20001; ++index) samples.push_back(distribution.Sample(random));
  std::nth_element(samples.begin(), samples.begin() + 10000, samples.end());
  EXPECT_NEAR(static_cast<double>(samples[10000]), 140.0 * kMillisecond, 2.0 * kMillisecond);
  const auto moments = Sample(distribution, 20000);
  EXPECT_NEAR(moments.mean, 140.0 * kMillisecond * std::exp(0.045), 2.0 * kMillisecond);
  EXPECT_GT(moments.min, 0);
}

TEST(DistributionSampleTest, NormalIsClampedAtZeroAndAtItsBounds) {
  // Mean 10 ms, stdev 20 ms: about 31% of raw draws are negative.
  const auto at_zero = Sample(MustParse("normal:10ms,20ms"), 5000);
  EXPECT_EQ(at_zero.min, 0);
  const auto bounded = Sample(MustParse("normal:100ms,50ms,min=80ms,max=120ms"), 5000);
  EXPECT_EQ(bounded.min, 80 * kMillisecond);
  EXPECT_EQ(bounded.max, 120 * kMillisecond);
  const auto capped = Sample(MustParse("lognormal:100ms,2,max=150ms"), 5000);
  EXPECT_EQ(capped.max, 150 * kMillisecond);
}

TEST(DistributionSampleTest, TheSameSeedGivesTheSameSamples) {
  const auto distribution = MustParse("lognormal:140ms,0.3");
  core::Random first(99);
  core::Random second(99);
  for (int index = 0; index < 100; ++index) {
    EXPECT_EQ(distribution.Sample(first), distribution.Sample(second));
  }
}

TEST(DistributionSampleTest, ZeroSpreadIsTheCenter) {
  core::Random random(1);
  EXPECT_EQ(MustParse("normal:5ms,0ms").Sample(random), 5 * kMillisecond);
  EXPECT_EQ(MustParse("lognormal:5ms,0").Sample(random), 5 * kMillisecond);
  EXPECT_EQ(MustParse("uniform:5ms..5ms").Sample(random), 5 * kMillisecond);
}

TEST(LatencyProfileTest, EveryPresetParsesAndDefaultComesFirst) {
  ASSERT_FALSE(LatencyPresets().empty());
  EXPECT_EQ(LatencyPresets().front().name, "default");
  for (const auto& preset : LatencyPresets()) {
    auto profile = ParseLatencyProfile(preset.name);
    EXPECT_TRUE(profile.ok()) << preset.name << ": " << profile.error().message;
  }
}

TEST(LatencyProfileTest, PresetsHaveTheirValues) {
  auto fallback = ParseLatencyProfile("default");
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->ttft.ToString(), "fixed:200ms");
  EXPECT_EQ(fallback->itl.ToString(), "fixed:20ms");
  EXPECT_EQ(fallback->tokens, 64U);
  auto report = ParseLatencyProfile("django-report");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->ttft.ToString(), "fixed:1100ms");
  EXPECT_EQ(report->itl.ToString(), "fixed:140ms");
  EXPECT_EQ(report->tokens, 400U);
  auto instant = ParseLatencyProfile("instant");
  ASSERT_TRUE(instant.ok());
  EXPECT_EQ(instant->ttft.ToString(), "fixed:0ms");
  EXPECT_EQ(instant->itl.ToString(), "fixed:0ms");
  auto hosted = ParseLatencyProfile("gpt-4o-like");
  ASSERT_TRUE(hosted.ok());
  EXPECT_EQ(hosted->itl.kind(), Distribution::Kind::kLognormal);
}

TEST(LatencyProfileTest, SpecsReplaceTheDefaultsItemByItem) {
  auto profile = ParseLatencyProfile("ttft=normal:1100ms,150ms;itl=fixed:140ms");
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->ttft.ToString(), "normal:1100ms,150ms");
  EXPECT_EQ(profile->itl.ToString(), "fixed:140ms");
  EXPECT_EQ(profile->tokens, 64U);  // from "default"

  auto only_itl = ParseLatencyProfile(" itl = 5ms ; ");
  ASSERT_TRUE(only_itl.ok()) << only_itl.error().message;
  EXPECT_EQ(only_itl->ttft.ToString(), "fixed:200ms");
  EXPECT_EQ(only_itl->itl.ToString(), "fixed:5ms");

  auto on_preset = ParseLatencyProfile("django-report;ttft=fixed:300ms;tokens=10");
  ASSERT_TRUE(on_preset.ok()) << on_preset.error().message;
  EXPECT_EQ(on_preset->ttft.ToString(), "fixed:300ms");
  EXPECT_EQ(on_preset->itl.ToString(), "fixed:140ms");
  EXPECT_EQ(on_preset->tokens, 10U);
}

TEST(LatencyProfileTest, ErrorsNameTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty latency profile (presets: default, "},
      {"fast", "unknown latency profile \"fast\" (presets: default, instant, django-report"},
      {"ttft=fixed:1s;gpt-4o-like", "\"gpt-4o-like\" is not key=value"},
      {"ttft=normal:1s", "ttft: invalid distribution \"normal:1s\": normal takes MEAN,STDEV"},
      {"itl=uniform:1s", "itl: invalid distribution"},
      {"tokens=0", "tokens=\"0\": expected a whole number from 1 to 100000"},
      {"tokens=many", "tokens=\"many\""},
      {"delay=1s", "unknown key \"delay\" (use ttft=, itl= and tokens=)"},
  };
  for (const auto& [text, expected] : cases) {
    auto profile = ParseLatencyProfile(text);
    ASSERT_FALSE(profile.ok()) << text;
    EXPECT_NE(profile.error().message.find(expected), std::string::npos)
        << text << " -> " << profile.error().message;
  }
}

TEST(ValidateProfileTest, AcceptsPresetsAndSpecsAndNamesTheFlag) {
  EXPECT_TRUE(ValidateProfile("default").ok());
  EXPECT_TRUE(ValidateProfile("ttft=normal:1100ms,150ms;itl=fixed:140ms").ok());
  const auto invalid = ValidateProfile("nope");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().message.rfind("invalid --profile \"nope\": unknown latency profile", 0),
            0U)
      << invalid.error().message;
}

TEST(TokenScheduleTest, OffsetsAreTtftPlusTheSumOfDelays) {
  LatencyProfile profile;
  profile.ttft = Distribution::Fixed(300 * kMillisecond);
  profile.itl = Distribution::Fixed(20 * kMillisecond);
  core::Random random(1);
  TokenSchedule schedule(profile, random);
  EXPECT_EQ(schedule.Next(), 300 * kMillisecond);
  EXPECT_EQ(schedule.Next(), 320 * kMillisecond);
  EXPECT_EQ(schedule.AdvanceTo(9), 480 * kMillisecond);  // 300 + 9 x 20
  EXPECT_EQ(schedule.AdvanceTo(9), 480 * kMillisecond);  // already there
  EXPECT_EQ(schedule.Next(), 500 * kMillisecond);
}

TEST(TokenScheduleTest, RandomDelaysSumWithoutDrift) {
  LatencyProfile profile;
  profile.ttft = Distribution::Fixed(0);
  profile.itl = Distribution::Uniform(10 * kMillisecond, 30 * kMillisecond);
  core::Random random(5);
  TokenSchedule schedule(profile, random);
  core::Nanos previous = schedule.Next();
  EXPECT_EQ(previous, 0);
  for (int index = 1; index < 1000; ++index) {
    const core::Nanos offset = schedule.Next();
    EXPECT_GE(offset - previous, 10 * kMillisecond);
    EXPECT_LE(offset - previous, 30 * kMillisecond);
    previous = offset;
  }
  // 999 delays averaging 20 ms, standard error 999^0.5 x 5.77 ms = 182 ms.
  EXPECT_NEAR(static_cast<double>(previous), 999 * 20.0 * kMillisecond, 600.0 * kMillisecond);
}

}  // namespace
}  // namespace stampede::server
