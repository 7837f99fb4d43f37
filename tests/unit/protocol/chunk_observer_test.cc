#include "protocol/chunk_observer.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace stampede::protocol {
namespace {

// Records chunks as (data, size reported by OnChunkEnd), so that how the data was divided into
// OnChunkData calls does not matter.
class Recorder : public ChunkObserver::Handler {
 public:
  void OnChunkData(std::string_view data) override { pending_.append(data); }
  void OnChunkEnd(std::int64_t size) override {
    chunks.push_back({pending_, size});
    pending_.clear();
  }

  struct Chunk {
    std::string data;
    std::int64_t size = 0;
    bool operator==(const Chunk&) const = default;
  };
  std::vector<Chunk> chunks;
  const std::string& pending() const { return pending_; }

 private:
  std::string pending_;
};

struct Outcome {
  std::vector<Recorder::Chunk> chunks;
  std::string pending;  // data of a chunk not yet ended
  std::size_t consumed = 0;
  bool done = false;
  std::int64_t chunk_count = 0;
  std::optional<std::string> error;

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& outcome) {
  out << "chunks=[";
  for (const auto& chunk : outcome.chunks) {
    out << testing::PrintToString(chunk.data) << "/" << chunk.size << " ";
  }
  return out << "] pending=" << testing::PrintToString(outcome.pending)
             << " consumed=" << outcome.consumed << " done=" << outcome.done
             << " count=" << outcome.chunk_count << " error=" << outcome.error.value_or("none");
}

Outcome Observe(const std::vector<std::string_view>& pieces, ChunkObserver::Limits limits = {}) {
  Recorder recorder;
  ChunkObserver observer(recorder, limits);
  Outcome outcome;
  for (const std::string_view piece : pieces) {
    auto consumed = observer.Feed(piece);
    if (!consumed) {
      outcome.error = consumed.error().message;
      outcome.consumed = 0;  // how much an earlier piece consumed does not matter after an error
      break;
    }
    // Only a finished body may leave bytes unconsumed.
    EXPECT_TRUE(*consumed == piece.size() || observer.done());
    outcome.consumed += *consumed;
  }
  outcome.chunks = recorder.chunks;
  outcome.pending = recorder.pending();
  outcome.done = observer.done();
  outcome.chunk_count = observer.chunks();
  return outcome;
}

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

void ExpectForAllSplits(std::string_view input, const Outcome& expected,
                        ChunkObserver::Limits limits = {}) {
  for (const auto& pieces : Splits(input)) {
    ASSERT_EQ(Observe(pieces, limits), expected)
        << "input " << testing::PrintToString(std::string(input)) << " in " << pieces.size()
        << " pieces, first of " << pieces.front().size() << " bytes";
  }
}

Outcome Done(std::vector<Recorder::Chunk> chunks, std::size_t consumed) {
  Outcome outcome;
  outcome.chunk_count = static_cast<std::int64_t>(chunks.size());
  outcome.chunks = std::move(chunks);
  outcome.consumed = consumed;
  outcome.done = true;
  return outcome;
}

Outcome Failed(std::vector<Recorder::Chunk> chunks, std::string error) {
  Outcome outcome;
  outcome.chunk_count = static_cast<std::int64_t>(chunks.size());
  outcome.chunks = std::move(chunks);
  outcome.error = std::move(error);
  return outcome;
}

TEST(ChunkObserverTest, DecodesChunks) {
  constexpr std::string_view kBody = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  ExpectForAllSplits(kBody, Done({{"hello", 5}, {" world", 6}}, kBody.size()));
}

TEST(ChunkObserverTest, AcceptsUpperAndLowerCaseHexAndLeadingZeros) {
  const std::string data(0x1a, 'x');
  const std::string body =
      "1A\r\n" + data + "\r\n1a\r\n" + data + "\r\n000a\r\n0123456789\r\n0\r\n\r\n";
  ExpectForAllSplits(body, Done({{data, 26}, {data, 26}, {"0123456789", 10}}, body.size()));
}

TEST(ChunkObserverTest, IgnoresChunkExtensions) {
  constexpr std::string_view kBody =
      "5;name=value\r\nhello\r\n3 ; ext=\"quoted;\"\r\nabc\r\n4\t;a;b=c\r\nwxyz\r\n0;last\r\n\r\n";
  ExpectForAllSplits(kBody, Done({{"hello", 5}, {"abc", 3}, {"wxyz", 4}}, kBody.size()));
}

TEST(ChunkObserverTest, ConsumesTrailerSection) {
  constexpr std::string_view kBody =
      "3\r\nabc\r\n0\r\nX-Checksum: 900150983cd24fb0\r\nServer-Timing: total;dur=12\r\n\r\n";
  ExpectForAllSplits(kBody, Done({{"abc", 3}}, kBody.size()));
}

TEST(ChunkObserverTest, ZeroLengthBody) { ExpectForAllSplits("0\r\n\r\n", Done({}, 5)); }

TEST(ChunkObserverTest, AcceptsBareLfLineEnds) {
  constexpr std::string_view kBody = "5\nhello\n0\nTrailer: x\n\n";
  ExpectForAllSplits(kBody, Done({{"hello", 5}}, kBody.size()));
}

TEST(ChunkObserverTest, LeavesPipelinedBytesUnconsumed) {
  constexpr std::string_view kBody = "2\r\nok\r\n0\r\n\r\n";
  const std::string stream = std::string(kBody) + "HTTP/1.1 200 OK\r\n\r\n";
  ExpectForAllSplits(stream, Done({{"ok", 2}}, kBody.size()));

  Recorder recorder;
  ChunkObserver observer(recorder);
  auto consumed = observer.Feed(stream);
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, kBody.size());
  EXPECT_TRUE(observer.done());
  auto again = observer.Feed("more");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST(ChunkObserverTest, ReportsChunkEndWithLastDataByteNotWithCrlf) {
  Recorder recorder;
  ChunkObserver observer(recorder);
  ASSERT_TRUE(observer.Feed("5\r\nhel").ok());
  EXPECT_TRUE(recorder.chunks.empty());
  EXPECT_EQ(recorder.pending(), "hel");
  ASSERT_TRUE(observer.Feed("lo").ok());
  ASSERT_EQ(recorder.chunks.size(), 1u);
  EXPECT_EQ(recorder.chunks[0].size, 5);
  EXPECT_EQ(observer.chunks(), 1);
  EXPECT_FALSE(observer.done());
  ASSERT_TRUE(observer.Feed("\r\n0\r\n\r\n").ok());
  EXPECT_TRUE(observer.done());
}

TEST(ChunkObserverTest, RejectsBadChunkSize) {
  ExpectForAllSplits("G\r\nhello\r\n0\r\n\r\n",
                     Failed({}, "invalid chunk size: expected a hex digit, got 'G'"));
  ExpectForAllSplits("\r\n", Failed({}, "invalid chunk size: expected a hex digit, got 0x0d"));
  ExpectForAllSplits(" 5\r\nhello\r\n",
                     Failed({}, "invalid chunk size: expected a hex digit, got 0x20"));
  ExpectForAllSplits("5x\r\nhello\r\n",
                     Failed({}, "invalid chunk size: unexpected 'x' after the hex digits"));
  ExpectForAllSplits("5 x\r\nhello\r\n",
                     Failed({}, "invalid chunk size line: unexpected 'x' after the chunk size"));
  ExpectForAllSplits("5\rhello\r\n",
                     Failed({}, "invalid chunk size line: expected LF after CR, got 'h'"));
  ExpectForAllSplits("2\r\nok\r\n-1\r\n",
                     Failed({{"ok", 2}}, "invalid chunk size: expected a hex digit, got '-'"));
}

TEST(ChunkObserverTest, RejectsChunkSizeOverLimit) {
  ChunkObserver::Limits limits;
  limits.max_chunk = 16;
  ExpectForAllSplits("10\r\n0123456789abcdef\r\n0\r\n\r\n", Done({{"0123456789abcdef", 16}}, 27),
                     limits);
  ExpectForAllSplits("11\r\n", Failed({}, "chunk size exceeds the limit of 16 bytes"), limits);
  ExpectForAllSplits("100\r\n", Failed({}, "chunk size exceeds the limit of 16 bytes"), limits);
  // The default limit, 2^40, and int64 overflow.
  ExpectForAllSplits("10000000001\r\n",
                     Failed({}, "chunk size exceeds the limit of 1099511627776 bytes"));
  ExpectForAllSplits("FFFFFFFFFFFFFFFFFFFFFFFF\r\n",
                     Failed({}, "chunk size exceeds the limit of 1099511627776 bytes"));
}

TEST(ChunkObserverTest, RequiresCrlfAfterChunkData) {
  ExpectForAllSplits("5\r\nhelloX\r\n0\r\n\r\n",
                     Failed({{"hello", 5}}, "expected CRLF after 5 bytes of chunk data, got 'X'"));
  ExpectForAllSplits("5\r\nhello\rX\r\n",
                     Failed({{"hello", 5}}, "expected LF after CR following chunk data, got 'X'"));
  // A chunk longer than its declared size.
  ExpectForAllSplits("3\r\nhello\r\n",
                     Failed({{"hel", 3}}, "expected CRLF after 3 bytes of chunk data, got 'l'"));
}

TEST(ChunkObserverTest, RejectsMalformedTrailerEnd) {
  ExpectForAllSplits("0\r\n\rX", Failed({}, "expected LF ending the trailer section, got 'X'"));
  ExpectForAllSplits("0\r\nA: b\rX",
                     Failed({}, "expected LF after CR in trailer section, got 'X'"));
}

TEST(ChunkObserverTest, RejectsLinesOverMaxLine) {
  ChunkObserver::Limits limits;
  limits.max_line = 8;
  ExpectForAllSplits("1;abcdef\r\nx\r\n0\r\n\r\n", Done({{"x", 1}}, 18), limits);
  ExpectForAllSplits("1;abcdefg\r\nx\r\n", Failed({}, "chunk size line longer than 8 bytes"),
                     limits);
  ExpectForAllSplits("0\r\nA: 12345\r\n\r\n", Done({}, 15), limits);
  ExpectForAllSplits("0\r\nA: 123456\r\n\r\n", Failed({}, "trailer line longer than 8 bytes"),
                     limits);
}

TEST(ChunkObserverTest, UnfinishedBodyIsNotDone) {
  Outcome expected;
  expected.chunks = {{"hello", 5}};
  expected.chunk_count = 1;
  expected.pending = "wor";
  expected.consumed = 16;
  ExpectForAllSplits("5\r\nhello\r\n5\r\nwor", expected);
}

TEST(ChunkObserverTest, ErrorIsStickyAndResetStartsOver) {
  Recorder recorder;
  ChunkObserver observer(recorder);
  ASSERT_FALSE(observer.Feed("z\r\n").ok());
  auto again = observer.Feed("0\r\n\r\n");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "invalid chunk size: expected a hex digit, got 'z'");
  observer.Reset();
  auto consumed = observer.Feed("1\r\na\r\n0\r\n\r\n");
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(*consumed, 11u);
  EXPECT_TRUE(observer.done());
  EXPECT_EQ(observer.chunks(), 1);
}

}  // namespace
}  // namespace stampede::protocol
