#include "load/ws_send_schedule.h"

#include <gtest/gtest.h>

#include <string>

namespace stampede::load {
namespace {

using core::kMillisecond;
using scenario::WsSpec;

WsSpec Binary(std::int64_t count, core::Nanos every, std::string end = {}) {
  WsSpec spec;
  spec.send = WsSpec::Send::kBinary;
  spec.payload = std::string(3200, '\0');
  spec.count = count;
  spec.every = every;
  spec.end = std::move(end);
  return spec;
}

TEST(WsSendSchedule, MessagesAreDueFromTheStartNotFromTheLastSend) {
  const WsSpec spec = Binary(5, 100 * kMillisecond);
  const core::Nanos start = 1000 * kMillisecond;
  const WsSendSchedule schedule(spec, start);
  EXPECT_EQ(schedule.total(), 5);
  EXPECT_EQ(schedule.DueAt(0), start);
  EXPECT_EQ(schedule.DueAt(4), start + 400 * kMillisecond);
  // Message 1 went out 250 ms late; message 2 is still due at 200 ms, so it is late too (50 ms)
  // and message 3 is on time: lateness never accumulates.
  EXPECT_EQ(schedule.Lateness(1, start + 350 * kMillisecond), 250 * kMillisecond);
  EXPECT_EQ(schedule.Lateness(2, start + 250 * kMillisecond), 50 * kMillisecond);
  EXPECT_EQ(schedule.Lateness(3, start + 300 * kMillisecond), 0);
  EXPECT_EQ(schedule.Lateness(3, start + 290 * kMillisecond), 0);
}

TEST(WsSendSchedule, EndMessageFollowsTheLastOneAsText) {
  const WsSpec spec = Binary(3, 100 * kMillisecond, R"({"type":"end"})");
  const WsSendSchedule schedule(spec, 0);
  EXPECT_EQ(schedule.total(), 4);
  EXPECT_FALSE(schedule.is_end(2));
  EXPECT_TRUE(schedule.is_end(3));
  EXPECT_EQ(schedule.DueAt(3), schedule.DueAt(2));
  const auto end = schedule.MessageAt(3);
  EXPECT_TRUE(end.text);
  EXPECT_EQ(end.payload, R"({"type":"end"})");
  const auto frame = schedule.MessageAt(0);
  EXPECT_FALSE(frame.text);
  EXPECT_EQ(frame.payload.size(), 3200u);
}

TEST(WsSendSchedule, OnlyAnEndMessage) {
  WsSpec spec;
  spec.count = 0;
  spec.end = "end";
  const WsSendSchedule schedule(spec, 7);
  EXPECT_EQ(schedule.total(), 1);
  EXPECT_EQ(schedule.DueAt(0), 7);
  EXPECT_EQ(schedule.MessageAt(0).payload, "end");
}

TEST(WsSendSchedule, TextIsSentAsText) {
  WsSpec spec;
  spec.send = WsSpec::Send::kText;
  spec.payload = "hello";
  spec.count = 2;
  const WsSendSchedule schedule(spec, 0);
  EXPECT_TRUE(schedule.MessageAt(1).text);
  EXPECT_EQ(schedule.MessageAt(1).payload, "hello");
  EXPECT_EQ(schedule.DueAt(1), 0);  // no `every`: back to back
}

TEST(WsSendSchedule, FileIsCutInFramesAndStartsOver) {
  WsSpec spec;
  spec.send = WsSpec::Send::kFile;
  spec.payload = "abcdefghij";  // 10 bytes in frames of 4: abcd efgh ij
  spec.frame_size = 4;
  spec.count = 5;
  const WsSendSchedule schedule(spec, 0);
  EXPECT_EQ(schedule.MessageAt(0).payload, "abcd");
  EXPECT_EQ(schedule.MessageAt(1).payload, "efgh");
  EXPECT_EQ(schedule.MessageAt(2).payload, "ij");
  EXPECT_EQ(schedule.MessageAt(3).payload, "abcd");
  EXPECT_EQ(schedule.MessageAt(4).payload, "efgh");
  EXPECT_FALSE(schedule.MessageAt(0).text);
  // Without a frame size the whole file is one message.
  spec.frame_size = 0;
  const WsSendSchedule whole(spec, 0);
  EXPECT_EQ(whole.MessageAt(3).payload, "abcdefghij");
}

}  // namespace
}  // namespace stampede::load
