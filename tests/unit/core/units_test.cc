#include "core/units.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace stampede::core {
namespace {

template <typename T>
std::string ErrorOf(const Result<T>& result) {
  return result.ok() ? std::string("<ok>") : result.error().message;
}

// ---- ParseDuration ----

TEST(UnitsParseDurationTest, EveryUnit) {
  struct Case {
    std::string_view text;
    Nanos nanos;
  };
  const Case cases[] = {
      {"42ns", 42},
      {"250us", 250'000},
      {"250\xC2\xB5s", 250'000},  // U+00B5 MICRO SIGN, what FormatDuration writes
      {"250\xCE\xBCs", 250'000},  // U+03BC GREEK SMALL LETTER MU, which looks the same
      {"300ms", 300'000'000},
      {"1s", 1'000'000'000},
      {"2m", 120'000'000'000},
      {"1h", 3'600'000'000'000},
      {"0s", 0},
  };
  for (const auto& c : cases) {
    auto parsed = ParseDuration(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << ErrorOf(parsed);
    EXPECT_EQ(*parsed, c.nanos) << c.text;
  }
}

TEST(UnitsParseDurationTest, Fractions) {
  struct Case {
    std::string_view text;
    Nanos nanos;
  };
  const Case cases[] = {
      {"1.5s", 1'500'000'000}, {"0.5ms", 500'000},         {".5s", 500'000'000},
      {"0.1s", 100'000'000},   {"2.25m", 135'000'000'000}, {"1.5h", 5'400'000'000'000},
      {"1.5us", 1'500},        {"0.001s", 1'000'000},
  };
  for (const auto& c : cases) {
    auto parsed = ParseDuration(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << ErrorOf(parsed);
    EXPECT_EQ(*parsed, c.nanos) << c.text;
  }
}

TEST(UnitsParseDurationTest, SurroundingAndInnerWhitespace) {
  auto padded = ParseDuration("  300ms\t\n");
  ASSERT_TRUE(padded.ok()) << ErrorOf(padded);
  EXPECT_EQ(*padded, 300'000'000);
  auto spaced = ParseDuration("1.5 s");
  ASSERT_TRUE(spaced.ok()) << ErrorOf(spaced);
  EXPECT_EQ(*spaced, 1'500'000'000);
}

TEST(UnitsParseDurationTest, BareNumberIsRejectedWithTheFix) {
  auto parsed = ParseDuration("30");
  ASSERT_FALSE(parsed.ok());
  const std::string& message = parsed.error().message;
  EXPECT_NE(message.find("no unit"), std::string::npos) << message;
  // The message shows the user what to write instead.
  EXPECT_NE(message.find("30ms"), std::string::npos) << message;
  EXPECT_NE(message.find("30s"), std::string::npos) << message;

  auto fraction = ParseDuration(" 1.5 ");
  ASSERT_FALSE(fraction.ok());
  EXPECT_NE(fraction.error().message.find("1.5ms"), std::string::npos) << fraction.error().message;
}

TEST(UnitsParseDurationTest, UnknownUnitIsNamedAndTheValidOnesListed) {
  for (std::string_view text : {"5sec", "5S", "5MS", "5M", "5d", "5 minutes"}) {
    auto parsed = ParseDuration(text);
    ASSERT_FALSE(parsed.ok()) << text << " parsed as " << *parsed;
    const std::string& message = parsed.error().message;
    EXPECT_NE(message.find("unknown unit"), std::string::npos) << message;
    EXPECT_NE(message.find("ns, us, ms, s, m or h"), std::string::npos) << message;
  }
  auto parsed = ParseDuration("5sec");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("\"sec\""), std::string::npos) << parsed.error().message;
}

TEST(UnitsParseDurationTest, NotANumber) {
  for (std::string_view text : {"", "   ", "ms", "-5ms", "abc", "1.2.3s", "+5s", "."}) {
    auto parsed = ParseDuration(text);
    ASSERT_FALSE(parsed.ok()) << "\"" << text << "\" parsed as " << *parsed;
    EXPECT_NE(parsed.error().message.find("expected a number with a unit"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(UnitsParseDurationTest, TooLarge) {
  auto parsed = ParseDuration("10000000h");  // 3.6e22 ns
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("too large"), std::string::npos) << parsed.error().message;
}

TEST(UnitsParseDurationTest, ReadsWhatFormatDurationWrites) {
  for (Nanos value : {Nanos{999}, Nanos{312'000}, Nanos{4'210'000}, Nanos{1'300'000'000}}) {
    auto parsed = ParseDuration(FormatDuration(value));
    ASSERT_TRUE(parsed.ok()) << FormatDuration(value) << ": " << ErrorOf(parsed);
    EXPECT_EQ(*parsed, value);
  }
}

// ---- ParseSize ----

TEST(UnitsParseSizeTest, DecimalAndBinaryUnits) {
  struct Case {
    std::string_view text;
    std::int64_t bytes;
  };
  const Case cases[] = {
      {"3200B", 3'200},
      {"3200", 3'200},  // a bare number is bytes
      {"0", 0},
      {"1K", 1'000},
      {"1KB", 1'000},
      {"1kb", 1'000},
      {"1KiB", 1'024},
      {"1kib", 1'024},
      {"1M", 1'000'000},
      {"1MB", 1'000'000},
      {"2MiB", 2'097'152},
      {"1G", 1'000'000'000},
      {"1GB", 1'000'000'000},
      {"1GiB", 1'073'741'824},
      {"1.5KB", 1'500},
      {"0.5KiB", 512},
      {" 64 KiB ", 65'536},
  };
  for (const auto& c : cases) {
    auto parsed = ParseSize(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << ErrorOf(parsed);
    EXPECT_EQ(*parsed, c.bytes) << c.text;
  }
}

TEST(UnitsParseSizeTest, UnknownUnit) {
  for (std::string_view text : {"1TB", "1Kb/s", "1 bytes", "1KiBB"}) {
    auto parsed = ParseSize(text);
    ASSERT_FALSE(parsed.ok()) << text << " parsed as " << *parsed;
    EXPECT_NE(parsed.error().message.find("unknown unit"), std::string::npos)
        << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("B, KB, MB, GB, KiB, MiB or GiB"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(UnitsParseSizeTest, NotANumberOrTooLarge) {
  for (std::string_view text : {"", "KB", "-1KB", "abc"}) {
    auto parsed = ParseSize(text);
    ASSERT_FALSE(parsed.ok()) << text << " parsed as " << *parsed;
    EXPECT_NE(parsed.error().message.find("invalid size"), std::string::npos)
        << parsed.error().message;
  }
  auto huge = ParseSize("10000000000GB");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;
}

// ---- ParseCountList ----

TEST(UnitsParseCountListTest, Lists) {
  auto parsed = ParseCountList("50,100,200");
  ASSERT_TRUE(parsed.ok()) << ErrorOf(parsed);
  EXPECT_EQ(*parsed, (std::vector<std::int64_t>{50, 100, 200}));

  auto single = ParseCountList("7");
  ASSERT_TRUE(single.ok()) << ErrorOf(single);
  EXPECT_EQ(*single, (std::vector<std::int64_t>{7}));

  auto spaced = ParseCountList(" 50 , 100 ");
  ASSERT_TRUE(spaced.ok()) << ErrorOf(spaced);
  EXPECT_EQ(*spaced, (std::vector<std::int64_t>{50, 100}));
}

TEST(UnitsParseCountListTest, ErrorsNameTheBadItemAndShowAnExample) {
  struct Case {
    std::string_view text;
    std::string_view quoted_item;
  };
  const Case cases[] = {
      {"50,,100", "\"\""},
      {"0", "\"0\""},
      {"-1", "\"-1\""},
      {"abc", "\"abc\""},
      {"50,", "\"\""},
      {"", "\"\""},
      {"1.5", "\"1.5\""},
      {"10,2x", "\"2x\""},
      {"99999999999999999999", "\"99999999999999999999\""},
  };
  for (const auto& c : cases) {
    auto parsed = ParseCountList(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    const std::string& message = parsed.error().message;
    EXPECT_NE(message.find(fmt::format("invalid list \"{}\"", c.text)), std::string::npos)
        << message;
    EXPECT_NE(message.find(std::string(c.quoted_item) + " is not a positive whole number"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("50,100,200"), std::string::npos) << message;
  }
}

// ---- FormatDuration ----

struct FormatCase {
  Nanos nanos;
  std::string_view text;
};

TEST(UnitsFormatDurationTest, UnitBoundaries) {
  const FormatCase cases[] = {
      {0, "0ns"},
      {999, "999ns"},
      {1'000, "1.00µs"},
      {1'500, "1.50µs"},
      {9'994, "9.99µs"},
      {9'996, "10.0µs"},  // was "10.00µs": four digits
      {99'960, "100µs"},  // was "100.0µs"
      {312'000, "312µs"},
      {999'499, "999µs"},
      {999'999, "1.00ms"},  // was "1000µs"
      {4'210'000, "4.21ms"},
      {999'400'000, "999ms"},
      {999'900'000, "1.00s"},  // was "1000ms"
      {1'300'000'000, "1.30s"},
      {59'940'000'000, "59.9s"},
      {59'990'000'000, "1m00s"},  // was "60.0s", which is "1m00s" one nanosecond later
      {60'000'000'000, "1m00s"},
      {61'000'000'000, "1m01s"},
      {125'000'000'000, "2m05s"},
      {3'599'400'000'000, "59m59s"},
      {3'599'600'000'000, "1h00m"},  // was "60m00s"
      {3'600'000'000'000, "1h00m"},
      {5'400'000'000'000, "1h30m"},
      {5'369'000'000'000, "1h29m"},  // 1h29m29s
      {5'371'000'000'000, "1h30m"},  // 1h29m31s rounds like every other unit (was "1h29m")
      {7'200'000'000'000, "2h00m"},
      {90'000'000'000'000, "25h00m"},
      {std::numeric_limits<Nanos>::max(), "2562047h47m"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatDuration(c.nanos), c.text) << c.nanos;
}

TEST(UnitsFormatDurationTest, Negative) {
  const FormatCase cases[] = {
      {-999, "-999ns"},
      {-1'500, "-1.50µs"},
      {-999'999, "-1.00ms"},
      {-61'000'000'000, "-1m01s"},  // was "-1m-1s"
      {-7'200'000'000'000, "-2h00m"},
      {std::numeric_limits<Nanos>::min(), "-2562047h47m"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatDuration(c.nanos), c.text) << c.nanos;
}

// ---- FormatBytes ----

TEST(UnitsFormatBytesTest, UnitBoundaries) {
  struct Case {
    double bytes;
    std::string_view text;
  };
  const Case cases[] = {
      {0, "0 B"},
      {812, "812 B"},
      {999, "999 B"},
      {999.6, "1.00 KB"},  // was "1000 B"
      {1'000, "1.00 KB"},
      {6'180, "6.18 KB"},
      {9'999, "10.0 KB"},    // was "10.00 KB"
      {99'999, "100 KB"},    // was "100.0 KB"
      {999'999, "1.00 MB"},  // was "1000 KB"
      {7'690'000, "7.69 MB"},
      {1e9, "1.00 GB"},
      {1.5e12, "1.50 TB"},
      {2e15, "2000 TB"},
      {-5'000, "-5.00 KB"},  // was "-5000 B"
  };
  for (const auto& c : cases) EXPECT_EQ(FormatBytes(c.bytes), c.text) << c.bytes;
}

// ---- FormatCount ----

TEST(UnitsFormatCountTest, GroupsOfThree) {
  struct Case {
    std::int64_t value;
    std::string_view text;
  };
  const Case cases[] = {
      {0, "0"},
      {7, "7"},
      {999, "999"},
      {1'000, "1,000"},
      {100'000, "100,000"},
      {1'234'567, "1,234,567"},
      {-1, "-1"},
      {-999, "-999"},
      {-1'000, "-1,000"},
      {-1'234'567, "-1,234,567"},
      {std::numeric_limits<std::int64_t>::max(), "9,223,372,036,854,775,807"},
      {std::numeric_limits<std::int64_t>::min(), "-9,223,372,036,854,775,808"},  // was UB
  };
  for (const auto& c : cases) EXPECT_EQ(FormatCount(c.value), c.text) << c.value;
}

}  // namespace
}  // namespace stampede::core
