#include "load/ws_reply_tracker.h"

#include <gtest/gtest.h>

#include <string>

namespace stampede::load {
namespace {

using core::kMillisecond;

WsReplyTracker::Expectations Expect(std::int64_t min_messages, bool final,
                                    std::string marker = {}) {
  return {min_messages, final, std::move(marker)};
}

std::string Partial(int seq) {
  return R"({"type":"partial","seq":)" + std::to_string(seq) + R"(,"text":"w"})";
}

TEST(WsReplyTracker, EchoRepliesMatchInOrder) {
  WsReplyTracker tracker;
  tracker.Reset(3, -1, Expect(-1, false));
  tracker.OnSent(0, 0);
  tracker.OnSent(1, 10 * kMillisecond);
  EXPECT_EQ(tracker.OnMessage("a", true, 4 * kMillisecond), 4 * kMillisecond);
  tracker.OnSent(2, 20 * kMillisecond);
  EXPECT_EQ(tracker.OnMessage("b", true, 13 * kMillisecond), 3 * kMillisecond);
  EXPECT_FALSE(tracker.Satisfied());  // message 2 is not answered yet
  EXPECT_EQ(tracker.OnMessage("c", false, 25 * kMillisecond), 5 * kMillisecond);
  EXPECT_TRUE(tracker.Satisfied());
  // A message nobody asked for counts, but has no latency.
  EXPECT_EQ(tracker.OnMessage("extra", true, 30 * kMillisecond), -1);
  EXPECT_EQ(tracker.messages(), 4);
  EXPECT_EQ(tracker.bytes(), 1 + 1 + 1 + 5);
  EXPECT_EQ(tracker.latencies(),
            (std::vector<core::Nanos>{4 * kMillisecond, 3 * kMillisecond, 5 * kMillisecond}));
  EXPECT_EQ(tracker.first_message(), 4 * kMillisecond);
  EXPECT_EQ(tracker.gaps(),
            (std::vector<core::Nanos>{9 * kMillisecond, 12 * kMillisecond, 5 * kMillisecond}));
}

TEST(WsReplyTracker, SeqMatchesItsFrameWhateverTheOrder) {
  WsReplyTracker tracker;
  tracker.Reset(4, 3, Expect(-1, true));
  for (int k = 0; k < 3; ++k) tracker.OnSent(k, k * 100 * kMillisecond);
  // seq counts from 1: seq 2 answers frame 1, sent at 100 ms.
  EXPECT_EQ(tracker.OnMessage(Partial(2), true, 160 * kMillisecond), 60 * kMillisecond);
  EXPECT_EQ(tracker.OnMessage(Partial(1), true, 170 * kMillisecond), 170 * kMillisecond);
  // Again, out of range, or for a frame not yet sent: no latency.
  EXPECT_EQ(tracker.OnMessage(Partial(2), true, 180 * kMillisecond), -1);
  EXPECT_EQ(tracker.OnMessage(Partial(9), true, 180 * kMillisecond), -1);
  EXPECT_EQ(tracker.OnMessage(Partial(0), true, 180 * kMillisecond), -1);
  EXPECT_EQ(tracker.OnMessage(Partial(3), true, 250 * kMillisecond), 50 * kMillisecond);
  EXPECT_FALSE(tracker.Satisfied());  // waits for the final
  tracker.OnSent(3, 300 * kMillisecond);
  // The final answers the end message, even with "seq"-less JSON and spaces around the colon.
  EXPECT_EQ(tracker.OnMessage(R"({"text":"a b c", "type" : "final","frames":3})", true,
                              355 * kMillisecond),
            55 * kMillisecond);
  EXPECT_TRUE(tracker.final_seen());
  EXPECT_TRUE(tracker.Satisfied());
  EXPECT_EQ(tracker.answered(), 4);
}

TEST(WsReplyTracker, OnlyTopLevelFieldsCount) {
  WsReplyTracker tracker;
  tracker.Reset(2, -1, Expect(-1, true));
  tracker.OnSent(0, 0);
  tracker.OnSent(1, 0);
  // A nested "type": "final" or "seq" is not the message's own.
  EXPECT_EQ(tracker.OnMessage(R"({"inner":{"type":"final","seq":2}})", true, 5), 5);
  EXPECT_FALSE(tracker.final_seen());
  EXPECT_EQ(tracker.answered(), 1);
  // Binary JSON-looking bytes are not parsed; text that is not JSON falls back to order.
  EXPECT_EQ(tracker.OnMessage(R"({"type":"final"})", false, 7), 7);
  EXPECT_FALSE(tracker.final_seen());
  EXPECT_EQ(tracker.OnMessage("{not json", true, 9), -1);
  EXPECT_EQ(tracker.messages(), 3);
}

TEST(WsReplyTracker, MarkerMakesAnyMessageFinal) {
  WsReplyTracker tracker;
  tracker.Reset(2, 1, Expect(-1, true, "DONE"));
  tracker.OnSent(0, 0);
  EXPECT_EQ(tracker.OnMessage("partial", true, 2), 2);
  EXPECT_FALSE(tracker.Satisfied());
  tracker.OnSent(1, 10);
  EXPECT_EQ(tracker.OnMessage("all DONE here", false, 15), 5);
  EXPECT_TRUE(tracker.final_seen());
  EXPECT_TRUE(tracker.Satisfied());
}

TEST(WsReplyTracker, MinimumMessagesReplacesTheReplyPerMessageRule) {
  WsReplyTracker tracker;
  tracker.Reset(1, -1, Expect(3, false));
  tracker.OnSent(0, 0);
  tracker.OnMessage("a", true, 1);
  EXPECT_FALSE(tracker.Satisfied());
  tracker.OnMessage("b", true, 2);
  tracker.OnMessage("c", true, 3);
  EXPECT_TRUE(tracker.Satisfied());
  // Zero: nothing to wait for once the messages are sent.
  tracker.Reset(5, -1, Expect(0, false));
  EXPECT_TRUE(tracker.Satisfied());
  EXPECT_EQ(tracker.messages(), 0);
  EXPECT_TRUE(tracker.latencies().empty());
}

TEST(WsReplyTracker, ResetForgetsTheLastConversation) {
  WsReplyTracker tracker;
  tracker.Reset(1, -1, Expect(-1, false));
  tracker.OnSent(0, 0);
  tracker.OnMessage("a", true, 1);
  tracker.Reset(1, -1, Expect(-1, false));
  EXPECT_EQ(tracker.sent(), 0);
  EXPECT_EQ(tracker.first_message(), -1);
  EXPECT_TRUE(tracker.gaps().empty());
  // Nothing sent, nothing owed.
  EXPECT_TRUE(tracker.Satisfied());
  EXPECT_EQ(tracker.OnMessage("early", true, 2), -1);
}

}  // namespace
}  // namespace stampede::load
