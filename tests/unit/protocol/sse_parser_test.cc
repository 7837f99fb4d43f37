#include "protocol/sse_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::protocol {
namespace {

using namespace std::string_literals;

struct Event {
  std::string type;
  std::string data;
  std::string id;
  std::optional<std::int64_t> retry;

  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Event& event) {
  out << "{type=" << testing::PrintToString(event.type)
      << " data=" << testing::PrintToString(event.data)
      << " id=" << testing::PrintToString(event.id) << " retry=";
  return event.retry ? out << *event.retry << "}" : out << "none}";
}

struct Outcome {
  std::vector<Event> events;
  std::int64_t event_count = 0;
  std::int64_t comment_count = 0;
  std::optional<std::string> error;

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& outcome) {
  out << "events=" << testing::PrintToString(outcome.events) << " count=" << outcome.event_count
      << " comments=" << outcome.comment_count << " error=" << outcome.error.value_or("none");
  return out;
}

Outcome Parse(const std::vector<std::string_view>& pieces, std::size_t max_line = 1 << 20) {
  Outcome outcome;
  SseParser parser(
      [&](const SseEvent& event) {
        outcome.events.push_back(
            {std::string(event.type), std::string(event.data), std::string(event.id), event.retry});
      },
      max_line);
  for (const std::string_view piece : pieces) {
    auto fed = parser.Feed(piece);
    if (!fed) {
      outcome.error = fed.error().message;
      break;
    }
  }
  outcome.event_count = parser.events();
  outcome.comment_count = parser.comments();
  return outcome;
}

// The input whole, split in two at every position, and byte by byte.
std::vector<std::vector<std::string_view>> Splits(std::string_view input) {
  std::vector<std::vector<std::string_view>> splits = {{input}};
  for (std::size_t i = 0; i <= input.size(); ++i) {
    splits.push_back({input.substr(0, i), input.substr(i)});
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  if (!bytes.empty()) splits.push_back(bytes);
  return splits;
}

// Parses `input` split every way and checks each gives `expected`.
void ExpectForAllSplits(std::string_view input, const Outcome& expected,
                        std::size_t max_line = 1 << 20) {
  for (const auto& pieces : Splits(input)) {
    ASSERT_EQ(Parse(pieces, max_line), expected)
        << "input " << testing::PrintToString(std::string(input)) << " in " << pieces.size()
        << " pieces, first of " << pieces.front().size() << " bytes";
  }
}

Outcome Events(std::vector<Event> events, std::int64_t comments = 0) {
  Outcome outcome;
  outcome.event_count = static_cast<std::int64_t>(events.size());
  outcome.events = std::move(events);
  outcome.comment_count = comments;
  return outcome;
}

TEST(SseParserTest, DispatchesEventOnBlankLine) {
  ExpectForAllSplits("data: hello\n\n", Events({{"message", "hello", "", std::nullopt}}));
}

TEST(SseParserTest, AcceptsLfCrlfAndCrLineEndings) {
  const Outcome expected =
      Events({{"a", "x", "", std::nullopt}, {"message", "y", "", std::nullopt}});
  ExpectForAllSplits("event: a\ndata: x\n\ndata: y\n\n", expected);
  ExpectForAllSplits("event: a\r\ndata: x\r\n\r\ndata: y\r\n\r\n", expected);
  ExpectForAllSplits("event: a\rdata: x\r\rdata: y\r\r", expected);
  ExpectForAllSplits("event: a\rdata: x\r\n\ndata: y\n\r", expected);
}

TEST(SseParserTest, CrAtEndOfFeedAndLfAtStartOfNextAreOneLineEnd) {
  // Were the LF a second line end, it would be a blank line dispatching "a" alone.
  EXPECT_EQ(Parse({"data: a\r", "\ndata: b\r", "\n\r", "\n"}),
            Events({{"message", "a\nb", "", std::nullopt}}));
  // A CR followed by an empty Feed still swallows the LF that comes after it.
  EXPECT_EQ(Parse({"data: a\r", "", "\ndata: b\r\n\r\n"}),
            Events({{"message", "a\nb", "", std::nullopt}}));
}

TEST(SseParserTest, CountsCommentsAndDoesNotDispatchThem) {
  ExpectForAllSplits(": keep-alive\n\n:\r\n:another\rdata: x\n: inside\n\n",
                     Events({{"message", "x", "", std::nullopt}}, 4));
}

TEST(SseParserTest, JoinsMultiLineDataWithLf) {
  ExpectForAllSplits("data: first\ndata:second\ndata\ndata: \n\n",
                     Events({{"message", "first\nsecond\n\n", "", std::nullopt}}));
}

TEST(SseParserTest, LastEventIdPersistsAndIgnoresValuesWithNul) {
  const std::string input =
      "id: 1\ndata: a\n\n"
      "data: b\n\n"
      "id: 2\0x\ndata: c\n\n"s
      "id: 3\n\n"  // no data: not dispatched, but the id is kept
      "data: d\n\n"
      "id\ndata: e\n\n";
  ExpectForAllSplits(input, Events({{"message", "a", "1", std::nullopt},
                                    {"message", "b", "1", std::nullopt},
                                    {"message", "c", "1", std::nullopt},
                                    {"message", "d", "3", std::nullopt},
                                    {"message", "e", "", std::nullopt}}));
}

TEST(SseParserTest, RetryOnlyWithAsciiDigitsAndOnlyForItsEvent) {
  ExpectForAllSplits(
      "retry: 1500\ndata: a\n\n"
      "data: b\n\n"
      "retry: 15x\ndata: c\n\n"
      "retry:\ndata: d\n\n"
      "retry: -1\ndata: e\n\n"
      "retry:  20\ndata: f\n\n"
      "retry: 99999999999999999999999\ndata: g\n\n"
      "retry: 0\nretry: 7\ndata: h\n\n",
      Events({{"message", "a", "", 1500},
              {"message", "b", "", std::nullopt},
              {"message", "c", "", std::nullopt},
              {"message", "d", "", std::nullopt},
              {"message", "e", "", std::nullopt},
              {"message", "f", "", std::nullopt},
              {"message", "g", "", std::nullopt},
              {"message", "h", "", 7}}));
}

TEST(SseParserTest, EventFieldSetsTypeForOneEventOnly) {
  ExpectForAllSplits("event: update\ndata: x\n\ndata: y\n\nevent:\ndata: z\n\nevent\ndata: w\n\n",
                     Events({{"update", "x", "", std::nullopt},
                             {"message", "y", "", std::nullopt},
                             {"message", "z", "", std::nullopt},
                             {"message", "w", "", std::nullopt}}));
}

TEST(SseParserTest, BlockWithoutDataIsNotDispatchedAndResetsType) {
  ExpectForAllSplits("event: foo\n\n\n\nretry: 5\n\ndata: x\n\n",
                     Events({{"message", "x", "", std::nullopt}}));
}

TEST(SseParserTest, FieldWithoutColonHasEmptyValue) {
  // "data" alone appends an empty line, so the event is dispatched with empty data.
  ExpectForAllSplits("data\n\n", Events({{"message", "", "", std::nullopt}}));
  ExpectForAllSplits("unknown\nfoo: bar\ndata\n\n", Events({{"message", "", "", std::nullopt}}));
}

TEST(SseParserTest, RemovesOnlyOneLeadingSpace) {
  ExpectForAllSplits("data:  two\n\ndata:none\n\ndata:\tx\n\ndata: a: b\n\n",
                     Events({{"message", " two", "", std::nullopt},
                             {"message", "none", "", std::nullopt},
                             {"message", "\tx", "", std::nullopt},
                             {"message", "a: b", "", std::nullopt}}));
}

TEST(SseParserTest, SkipsBomOnlyOnceAtStart) {
  ExpectForAllSplits(
      "\xEF\xBB\xBF"
      "data: a\n\n",
      Events({{"message", "a", "", std::nullopt}}));
  // A second BOM becomes part of the field name, "\xEF\xBB\xBF" "data", which is ignored.
  ExpectForAllSplits(
      "\xEF\xBB\xBF\xEF\xBB\xBF"
      "data: a\n\n",
      Events({}));
  ExpectForAllSplits(
      "data: a\n\n\xEF\xBB\xBF"
      "data: b\n\n",
      Events({{"message", "a", "", std::nullopt}}));
  // An incomplete BOM is not skipped.
  ExpectForAllSplits(
      "\xEF\xBB"
      "data: a\n\n",
      Events({}));
  ExpectForAllSplits(
      "\xEF\xBB\n"
      "data: a\n\n",
      Events({{"message", "a", "", std::nullopt}}));
}

TEST(SseParserTest, LineOverMaxLineIsAnError) {
  constexpr std::size_t kMaxLine = 16;
  // Exactly kMaxLine bytes is fine.
  ExpectForAllSplits("data: 0123456789\n\n", Events({{"message", "0123456789", "", std::nullopt}}),
                     kMaxLine);
  Outcome expected = Events({{"message", "ok", "", std::nullopt}});
  expected.error = "SSE line longer than 16 bytes";
  ExpectForAllSplits("data: ok\n\ndata: 0123456789a\n\n", expected, kMaxLine);
  // Also when the long line never ends.
  ExpectForAllSplits("data: ok\n\n: 0123456789abcdef", expected, kMaxLine);
}

TEST(SseParserTest, EventDataOverMaxLineIsAnError) {
  Outcome expected;
  expected.error = "SSE event data longer than 16 bytes";
  ExpectForAllSplits("data: 01234567\ndata: 01234567\n\n", expected, 16);
  // 8 + LF + 7 = 16 bytes of data: within the limit.
  ExpectForAllSplits("data: 01234567\ndata: 0123456\n\n",
                     Events({{"message", "01234567\n0123456", "", std::nullopt}}), 16);
}

TEST(SseParserTest, ErrorIsStickyUntilReset) {
  int dispatched = 0;
  SseParser parser([&](const SseEvent&) { ++dispatched; }, 8);
  EXPECT_FALSE(parser.Feed("data: 0123456789\n\n").ok());
  auto again = parser.Feed("data: x\n\n");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "SSE line longer than 8 bytes");
  parser.Reset();
  ASSERT_TRUE(parser.Feed("data: x\n\n").ok());
  EXPECT_EQ(dispatched, 1);
  EXPECT_EQ(parser.events(), 1);
}

TEST(SseParserTest, UnterminatedLastEventIsNotDispatched) {
  ExpectForAllSplits("data: a\n\ndata: b\n", Events({{"message", "a", "", std::nullopt}}));
  ExpectForAllSplits("data: a\n\ndata: b", Events({{"message", "a", "", std::nullopt}}));
}

TEST(SseParserTest, ResetForgetsIdPartialLineAndCounts) {
  std::vector<Event> events;
  SseParser parser([&](const SseEvent& event) {
    events.push_back(
        {std::string(event.type), std::string(event.data), std::string(event.id), event.retry});
  });
  ASSERT_TRUE(parser.Feed(": c\nid: 7\ndata: a\n\ndata: partial").ok());
  EXPECT_EQ(parser.events(), 1);
  EXPECT_EQ(parser.comments(), 1);
  parser.Reset();
  EXPECT_EQ(parser.events(), 0);
  EXPECT_EQ(parser.comments(), 0);
  ASSERT_TRUE(parser
                  .Feed("\xEF\xBB\xBF"
                        "data: b\n\n")
                  .ok());
  EXPECT_EQ(events, (std::vector<Event>{{"message", "a", "7", std::nullopt},
                                        {"message", "b", "", std::nullopt}}));
}

TEST(SseParserTest, EventViewsStayValidDuringCallbackForLongStream) {
  // A realistic token stream: many events, each checked as it arrives.
  std::string input;
  for (int i = 0; i < 200; ++i) {
    input +=
        "id: " + std::to_string(i) + "\nevent: token\ndata: {\"t\":" + std::to_string(i) + "}\n\n";
  }
  int next = 0;
  SseParser parser([&](const SseEvent& event) {
    EXPECT_EQ(event.type, "token");
    EXPECT_EQ(event.id, std::to_string(next));
    EXPECT_EQ(event.data, "{\"t\":" + std::to_string(next) + "}");
    ++next;
  });
  for (std::size_t i = 0; i < input.size(); i += 7) {
    ASSERT_TRUE(parser.Feed(std::string_view(input).substr(i, 7)).ok());
  }
  EXPECT_EQ(next, 200);
  EXPECT_EQ(parser.events(), 200);
}

}  // namespace
}  // namespace stampede::protocol
