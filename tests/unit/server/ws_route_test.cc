// /ws/echo and /ws/asr in process: a Beast WebSocket client for the conversations, and raw bytes
// on a plain socket for what a conforming client never sends.
#include "server/ws_route.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asio/awaitable.h"
#include "server/mock_server.h"
#include "server/transcript_builder.h"
#include "test_client.h"

namespace stampede::server {
namespace {

namespace websocket = boost::beast::websocket;
using boost::asio::awaitable;
using boost::asio::redirect_error;
using boost::asio::use_awaitable;
using boost::asio::ip::tcp;
using boost::system::error_code;
using WsClient = websocket::stream<tcp::socket>;

using namespace testing;  // NOLINT(google-build-using-namespace): the test client

// --- Raw frames (RFC 6455 §5.2) -----------------------------------------------------------

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3's example
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string UpgradeRequest(std::string_view target) {
  return "GET " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: " +
         std::string(kKey) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// A client frame: FIN and `first_bits` (opcode and RSV), masked unless `masked` is false.
std::string ClientFrame(std::uint8_t first_byte, std::string_view payload, bool masked = true) {
  std::string frame(1, static_cast<char>(first_byte));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(mask_bit | payload.size()));
  } else {
    frame.push_back(static_cast<char>(mask_bit | 126));
    frame.push_back(static_cast<char>(payload.size() >> 8));
    frame.push_back(static_cast<char>(payload.size() & 0xFF));
  }
  constexpr std::array<std::uint8_t, 4> kMask = {0x37, 0xFA, 0x21, 0x3D};
  if (masked) frame.append(kMask.begin(), kMask.end());
  for (std::size_t i = 0; i < payload.size(); ++i) {
    frame.push_back(masked ? static_cast<char>(payload[i] ^ kMask[i % 4]) : payload[i]);
  }
  return frame;
}

struct Frame {
  int opcode = -1;
  std::string payload;
};

// The next frame from the server (which never masks), or nullopt at EOF.
std::optional<Frame> ReadFrame(TestClient& client) {
  const auto head = client.ReadExactly(2);
  if (!head) return std::nullopt;
  Frame frame;
  frame.opcode = static_cast<unsigned char>((*head)[0]) & 0x0F;
  EXPECT_EQ(static_cast<unsigned char>((*head)[1]) & 0x80, 0) << "a server must not mask";
  std::uint64_t size = static_cast<unsigned char>((*head)[1]) & 0x7F;
  if (size >= 126) {
    const auto extended = client.ReadExactly(size == 126 ? 2 : 8);
    if (!extended) return std::nullopt;
    size = 0;
    for (const char byte : *extended) size = (size << 8) | static_cast<unsigned char>(byte);
  }
  auto payload = client.ReadExactly(static_cast<std::size_t>(size));
  if (!payload) return std::nullopt;
  frame.payload = std::move(*payload);
  return frame;
}

// The close code the server sends (skipping other frames), or -1 if the connection ends first.
int ReadCloseCode(TestClient& client) {
  while (const auto frame = ReadFrame(client)) {
    if (frame->opcode != 0x8) continue;
    if (frame->payload.size() < 2) return 0;
    return (static_cast<unsigned char>(frame->payload[0]) << 8) |
           static_cast<unsigned char>(frame->payload[1]);
  }
  return -1;
}

// --- A Beast client running coroutines on the test's thread --------------------------------

// Runs `client` on its own io_context until all of its work is done or `limit` passes.
void RunClient(const std::function<awaitable<void>()>& client,
               std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, client(), [&](const std::exception_ptr& exception) {
    if (exception && !failure) failure = exception;
  });
  io.run_for(limit);
  EXPECT_TRUE(io.stopped()) << "the client did not finish within " << limit.count() << " ms";
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "the client failed: " << error.what();
    }
  }
}

awaitable<WsClient> Connect(std::uint16_t port, std::string target) {
  WsClient ws(co_await boost::asio::this_coro::executor);
  co_await ws.next_layer().async_connect(
      tcp::endpoint(boost::asio::ip::address_v4::loopback(), port), use_awaitable);
  ws.next_layer().set_option(tcp::no_delay(true));
  co_await ws.async_handshake("127.0.0.1", target, use_awaitable);
  co_return ws;
}

struct Received {
  nlohmann::json json;
  Clock::time_point arrived;
};

// Reads JSON messages until the server closes; records the close code.
awaitable<void> ReadTranscripts(WsClient& ws, std::vector<Received>& received, int& close_code) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    error_code ec;
    co_await ws.async_read(buffer, redirect_error(use_awaitable, ec));
    if (ec) {
      EXPECT_EQ(ec, websocket::error::closed) << ec.message();
      close_code = ws.reason().code;
      co_return;
    }
    const auto arrived = Clock::now();
    EXPECT_TRUE(ws.got_text());
    received.push_back(
        {nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data())), arrived});
    buffer.consume(buffer.size());
  }
}

// Sends `frames` binary frames of `frame_bytes`, one every `spacing`, then the text `end`.
awaitable<void> SendAudio(WsClient& ws, int frames, std::size_t frame_bytes,
                          std::chrono::milliseconds spacing, std::string end,
                          std::vector<Clock::time_point>& sent) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  const std::string frame(frame_bytes, '\x01');
  const auto start = Clock::now();
  for (int k = 0; k < frames; ++k) {
    timer.expires_at(start + spacing * k);
    co_await timer.async_wait(use_awaitable);
    ws.binary(true);
    co_await ws.async_write(boost::asio::buffer(frame), use_awaitable);
    sent.push_back(Clock::now());
  }
  ws.text(true);
  co_await ws.async_write(boost::asio::buffer(end), use_awaitable);
}

class WsRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<MockServer>(ServerOptions{.host = "127.0.0.1", .port = 0});
    const auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    port_ = server_->port();
  }

  // A raw connection upgraded to a WebSocket at `target`.
  std::unique_ptr<TestClient> Upgrade(std::string_view target, std::string_view early = {}) {
    auto client = std::make_unique<TestClient>(port_);
    EXPECT_TRUE(client->connected());
    client->Send(UpgradeRequest(target) + std::string(early));
    const auto head = ReadHead(*client);
    EXPECT_TRUE(head);
    if (head) {
      EXPECT_EQ(head->status, 101);
      EXPECT_EQ(head->Header("sec-websocket-accept"), kAccept);
      EXPECT_EQ(head->Header("server"), "stampede");
    }
    return client;
  }

  std::unique_ptr<MockServer> server_;
  std::uint16_t port_ = 0;
};

TEST(IsWebSocketPathTest, OnlyTheTwoEndpoints) {
  EXPECT_TRUE(IsWebSocketPath("/ws/echo"));
  EXPECT_TRUE(IsWebSocketPath("/ws/asr"));
  EXPECT_FALSE(IsWebSocketPath("/ws"));
  EXPECT_FALSE(IsWebSocketPath("/ws/echo/"));
}

TEST_F(WsRouteTest, EchoSendsTextAndBinaryBackUnchanged) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const std::string large(600 * 1024, 'z');  // several frames, for Beast fragments at 4 KiB
  RunClient([&]() -> awaitable<void> {
    WsClient ws = co_await Connect(port_, "/ws/echo");
    boost::beast::flat_buffer buffer;
    const std::vector<std::pair<bool, std::string>> messages = {
        {true, "hello"}, {false, binary}, {true, ""}, {false, large}, {true, "h\xC3\xA9llo"}};
    for (const auto& [text, payload] : messages) {
      ws.text(text);
      co_await ws.async_write(boost::asio::buffer(payload), use_awaitable);
      co_await ws.async_read(buffer, use_awaitable);
      EXPECT_EQ(ws.got_text(), text);
      EXPECT_TRUE(boost::beast::buffers_to_string(buffer.data()) == payload)
          << "message of " << payload.size() << " bytes";
      buffer.consume(buffer.size());
    }
    co_await ws.async_close(websocket::close_code::normal, use_awaitable);
  });
}

TEST_F(WsRouteTest, AsrSendsAPartialPerFrameAfterTheDelayThenTheFinalAndCloses) {
  std::vector<Received> received;
  std::vector<Clock::time_point> sent;
  int close_code = -1;
  RunClient([&]() -> awaitable<void> {
    WsClient ws = co_await Connect(port_, "/ws/asr?delay_ms=50");
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          ReadTranscripts(ws, received, close_code), boost::asio::detached);
    co_await SendAudio(ws, 5, 3200, std::chrono::milliseconds(100), "end", sent);
    // Keeps `ws` alive until the reader has seen the close.
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (close_code == -1) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(use_awaitable);
    }
  });
  ASSERT_EQ(sent.size(), 5U);
  ASSERT_EQ(received.size(), 6U);
  for (std::size_t k = 0; k < 5; ++k) {
    const auto& json = received[k].json;
    EXPECT_EQ(json["type"], "partial");
    EXPECT_EQ(json["seq"], k + 1);
    EXPECT_EQ(json["text"], TranscriptBuilder::TextOf(k + 1));
    EXPECT_EQ(json["received_bytes"], 3200 * (k + 1));
    const long latency = ElapsedMs(sent[k], received[k].arrived);
    EXPECT_GE(latency, 20) << "partial " << k + 1;
    EXPECT_LE(latency, 80) << "partial " << k + 1;
  }
  const auto& final = received[5].json;
  EXPECT_EQ(final["type"], "final");
  EXPECT_EQ(final["text"], TranscriptBuilder::TextOf(5));
  EXPECT_EQ(final["frames"], 5);
  EXPECT_EQ(final["bytes"], 16000);
  EXPECT_EQ(final["duration_ms"], 500);
  EXPECT_EQ(close_code, websocket::close_code::normal);
}

TEST_F(WsRouteTest, AsrKeepsReadingWhileRepliesLongerThanTheSpacingWait) {
  std::vector<Received> received;
  std::vector<Clock::time_point> sent;
  int close_code = -1;
  RunClient([&]() -> awaitable<void> {
    WsClient ws = co_await Connect(port_, "/ws/asr?delay_ms=200");
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          ReadTranscripts(ws, received, close_code), boost::asio::detached);
    // A client's own configuration message is ignored.
    ws.text(true);
    co_await ws.async_write(boost::asio::buffer(std::string_view(R"({"type":"start"})")),
                            use_awaitable);
    co_await SendAudio(ws, 4, 640, std::chrono::milliseconds(40), R"({"type":"end"})", sent);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (close_code == -1) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(use_awaitable);
    }
  });
  ASSERT_EQ(sent.size(), 4U);
  ASSERT_EQ(received.size(), 5U);
  // Every frame was read before the first reply went out, and each reply kept its own delay.
  EXPECT_GT(received[0].arrived, sent[3]);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(received[k].json["seq"], k + 1);
    const long latency = ElapsedMs(sent[k], received[k].arrived);
    EXPECT_GE(latency, 170) << "partial " << k + 1;
    EXPECT_LE(latency, 230) << "partial " << k + 1;
  }
  EXPECT_EQ(received[4].json["type"], "final");
  EXPECT_EQ(received[4].json["bytes"], 2560);
  EXPECT_GE(received[4].arrived, received[3].arrived);
  EXPECT_EQ(close_code, websocket::close_code::normal);
}

TEST_F(WsRouteTest, ABadKnobIs400BeforeTheUpgrade) {
  TestClient client(port_);
  client.Send(UpgradeRequest("/ws/asr?delay_ms=soon"));
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  EXPECT_NE(ReadFixedBody(client, *head).find("delay_ms"), std::string::npos);
}

TEST_F(WsRouteTest, APlainGetIs426AndTheConnectionStaysUsable) {
  TestClient client(port_);
  client.SendGet("/ws/echo");
  auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 426);
  EXPECT_EQ(head->Header("upgrade"), "websocket");
  ReadFixedBody(client, *head);
  client.SendGet("/ws/asr");
  head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 426);
  ReadFixedBody(client, *head);
  client.Send("POST /ws/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n");
  head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->Header("allow"), "GET");
}

TEST_F(WsRouteTest, AnUpgradeWithoutAKeyIsRefusedByTheHandshake) {
  TestClient client(port_);
  client.Send(
      "GET /ws/echo HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
}

TEST_F(WsRouteTest, AFrameSentWithTheUpgradeRequestIsNotLost) {
  auto client = Upgrade("/ws/echo", ClientFrame(0x81, "early"));
  const auto frame = ReadFrame(*client);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 0x1);
  EXPECT_EQ(frame->payload, "early");
}

TEST_F(WsRouteTest, MalformedFramesCloseWithTheProtocolsCodeAndSpareOtherSessions) {
  auto bystander = Upgrade("/ws/echo");
  std::string oversize = "\x82\xFF";  // binary, masked, 64-bit length
  for (int shift = 56; shift >= 0; shift -= 8) {
    oversize.push_back(static_cast<char>(((kWebSocketMessageMax + 1) >> shift) & 0xFF));
  }
  oversize.append("\x01\x02\x03\x04");
  struct Case {
    const char* name;
    std::string frame;
    int close_code;
  };
  const std::vector<Case> cases = {
      {"unmasked", ClientFrame(0x81, "hello", /*masked=*/false), 1002},
      {"reserved opcode", ClientFrame(0x83, "x"), 1002},
      {"RSV1 without an extension", ClientFrame(0xC1, "x"), 1002},
      {"continuation first", ClientFrame(0x80, "x"), 1002},
      {"fragmented ping", ClientFrame(0x09, "x"), 1002},
      {"text not UTF-8", ClientFrame(0x81, "\xC3\x28"), 1007},
      {"over the message limit", oversize, 1009},
  };
  for (const Case& test : cases) {
    for (const char* target : {"/ws/echo", "/ws/asr"}) {
      auto client = Upgrade(target);
      client->Send(test.frame);
      EXPECT_EQ(ReadCloseCode(*client), test.close_code) << test.name << " at " << target;
      EXPECT_TRUE(client->SeesEof()) << test.name << " at " << target;
    }
  }
  bystander->Send(ClientFrame(0x81, "still here"));
  const auto frame = ReadFrame(*bystander);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->payload, "still here");
}

TEST_F(WsRouteTest, AsrCutsAClientThatOutrunsItsRepliesByFar) {
  auto client = Upgrade("/ws/asr?delay_ms=60000");
  std::string frames;
  for (int k = 0; k < 10'001; ++k) frames += ClientFrame(0x82, "a");
  client->Send(frames);
  EXPECT_TRUE(client->SeesEof());
}

TEST_F(WsRouteTest, StopClosesOpenSessionsPromptly) {
  auto echo = Upgrade("/ws/echo");
  auto asr = Upgrade("/ws/asr?delay_ms=60000");
  asr->Send(ClientFrame(0x82, "audio"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the reply is now pending
  const auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(ElapsedMs(start, Clock::now()), 1000);
  EXPECT_TRUE(echo->SeesEof());
  EXPECT_TRUE(asr->SeesEof());
}

}  // namespace
}  // namespace stampede::server
