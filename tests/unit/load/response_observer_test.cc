#include "load/response_observer.h"

#include <gtest/gtest.h>

namespace stampede::load {
namespace {

using core::kMillisecond;
using scenario::StreamMode;

constexpr std::string_view kSseHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

std::string Chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

TEST(ResponseObserver, TimesSseEventsWhenTheirLastByteIsParsed) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(1000 * kMillisecond, false);
  ASSERT_TRUE(observer.Feed(kSseHead, 1001 * kMillisecond).ok());
  EXPECT_TRUE(observer.head_done());
  EXPECT_EQ(observer.resolved_mode(), StreamMode::kSse);
  EXPECT_EQ(observer.first_byte(), 1001 * kMillisecond);
  // The first event arrives in two pieces; it exists only once its blank line is parsed.
  ASSERT_TRUE(observer.Feed(Chunk("data: hel"), 1300 * kMillisecond).ok());
  EXPECT_EQ(observer.first_event(), -1);
  ASSERT_TRUE(observer.Feed(Chunk("lo\n\n"), 1302 * kMillisecond).ok());
  EXPECT_EQ(observer.first_event(), 1302 * kMillisecond);
  ASSERT_TRUE(observer.Feed(Chunk("data: a\n\ndata: b\n\n"), 1322 * kMillisecond).ok());
  ASSERT_TRUE(observer
                  .Feed(Chunk(": keep-alive comment\n\n") + Chunk("data: c\n\n") + "0\r\n\r\n",
                        1345 * kMillisecond)
                  .ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.events(), 4);
  EXPECT_EQ(observer.chunks(), 5);
  EXPECT_EQ(observer.gaps(), (std::vector<core::Nanos>{20 * kMillisecond, 0, 23 * kMillisecond}));
  EXPECT_EQ(observer.last_byte(), 1345 * kMillisecond);
  EXPECT_EQ(observer.status(), 200);
  EXPECT_TRUE(observer.keep_alive());
}

TEST(ResponseObserver, ChunkedModeCountsOneEventPerChunk) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(observer.Feed(head, 1 * kMillisecond).ok());
  EXPECT_EQ(observer.resolved_mode(), StreamMode::kChunked);
  ASSERT_TRUE(observer.Feed(Chunk("abcd"), 100 * kMillisecond).ok());
  ASSERT_TRUE(observer.Feed(Chunk("efgh"), 150 * kMillisecond).ok());
  ASSERT_TRUE(observer.Feed("0\r\n\r\n", 151 * kMillisecond).ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.events(), 2);
  EXPECT_EQ(observer.bytes(), 8);
  EXPECT_EQ(observer.first_event(), 100 * kMillisecond);
  EXPECT_EQ(observer.gaps(), std::vector<core::Nanos>{50 * kMillisecond});
}

TEST(ResponseObserver, ForcedSseModeParsesEventsWhateverTheContentType) {
  ResponseObserver observer(StreamMode::kSse);
  observer.Begin(0, false);
  ASSERT_TRUE(observer
                  .Feed("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\ndata: x\n\ndata: y\n\n",
                        5 * kMillisecond)
                  .ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.events(), 2);
  EXPECT_EQ(observer.chunks(), 0);
}

TEST(ResponseObserver, NoneModeTakesTheFirstBodyByteAsFirstEvent) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  ASSERT_TRUE(observer.Feed("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n", 2 * kMillisecond).ok());
  EXPECT_EQ(observer.resolved_mode(), StreamMode::kNone);
  EXPECT_EQ(observer.first_event(), -1);  // headers alone are not an event
  ASSERT_TRUE(observer.Feed("abc", 7 * kMillisecond).ok());
  EXPECT_EQ(observer.first_event(), 7 * kMillisecond);
  ASSERT_TRUE(observer.Feed("def", 9 * kMillisecond).ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.events(), 0);
  EXPECT_EQ(observer.bytes(), 6);
}

TEST(ResponseObserver, CloseDelimitedBodyCompletesAtEof) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  ASSERT_TRUE(observer.Feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody", kMillisecond).ok());
  EXPECT_FALSE(observer.complete());
  EXPECT_FALSE(observer.keep_alive());
  ASSERT_TRUE(observer.FinishOnEof(3 * kMillisecond).ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.bytes(), 4);
}

TEST(ResponseObserver, StreamCutMidwayIsAnErrorAtEof) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  ASSERT_TRUE(observer.Feed(std::string(kSseHead) + Chunk("data: a\n\n"), kMillisecond).ok());
  EXPECT_EQ(observer.events(), 1);
  EXPECT_FALSE(observer.FinishOnEof(2 * kMillisecond).ok());
  EXPECT_FALSE(observer.complete());
}

TEST(ResponseObserver, BeginResetsEverythingForTheNextResponse) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  ASSERT_TRUE(observer.Feed(std::string(kSseHead) + Chunk("data: a\n\n") + "0\r\n\r\n", 1).ok());
  ASSERT_TRUE(observer.complete());
  observer.Begin(100, false);
  EXPECT_FALSE(observer.complete());
  EXPECT_EQ(observer.events(), 0);
  EXPECT_EQ(observer.first_byte(), -1);
  EXPECT_TRUE(observer.gaps().empty());
  ASSERT_TRUE(observer.Feed("HTTP/1.1 204 No Content\r\n\r\n", 101).ok());
  EXPECT_TRUE(observer.complete());
  EXPECT_EQ(observer.status(), 204);
}

TEST(ResponseObserver, GarbageIsAProtocolError) {
  ResponseObserver observer(StreamMode::kAuto);
  observer.Begin(0, false);
  EXPECT_FALSE(observer.Feed("SSH-2.0-OpenSSH_9.2\r\n", 1).ok());
}

}  // namespace
}  // namespace stampede::load
