// MockServer::Drain: on SIGTERM the server stops accepting and closes idle connections at once,
// lets streams in progress finish within the drain, and cuts the rest when it is over.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "server/mock_server.h"
#include "test_client.h"

namespace stampede::server {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the test client

TEST(MockServerDrain, StreamsInProgressFinishIdleConnectionsCloseNewOnesAreRefused) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  MockServer server(options);
  ASSERT_TRUE(server.Start().ok());
  TestClient streaming(server.port());
  TestClient idle(server.port());
  ASSERT_TRUE(streaming.connected());
  ASSERT_TRUE(idle.connected());
  idle.SendGet("/health");
  auto idle_head = ReadHead(idle);
  ASSERT_TRUE(idle_head);
  ReadFixedBody(idle, *idle_head);
  streaming.SendGet("/sse?count=5&interval_ms=100&event_bytes=4");
  ASSERT_TRUE(ReadHead(streaming));

  const auto start = Clock::now();
  auto drained = std::async(std::launch::async, [&] { server.Drain(milliseconds(3000)); });
  EXPECT_TRUE(idle.SeesEof());  // closed at once, it was between requests
  std::this_thread::sleep_for(milliseconds(50));
  TestClient late(server.port());
  EXPECT_FALSE(late.connected());  // the listening sockets are closed
  // The stream in progress goes on to its end and its terminator.
  const auto chunks = ReadChunkedBody(streaming);
  EXPECT_EQ(chunks.size(), 5u);
  EXPECT_TRUE(streaming.SeesEof());  // and then the connection closes
  drained.get();
  const long elapsed = ElapsedMs(start, Clock::now());
  EXPECT_GE(elapsed, 350);   // the stream's remaining ~400 ms...
  EXPECT_LT(elapsed, 2000);  // ...not the whole 3 s drain
}

TEST(MockServerDrain, AStreamLongerThanTheDrainIsCut) {
  ServerOptions options;
  options.port = 0;
  MockServer server(options);
  ASSERT_TRUE(server.Start().ok());
  TestClient streaming(server.port());
  streaming.SendGet("/sse?count=100&interval_ms=100&event_bytes=4");
  ASSERT_TRUE(ReadHead(streaming));
  const auto start = Clock::now();
  server.Drain(milliseconds(300));
  const long elapsed = ElapsedMs(start, Clock::now());
  EXPECT_GE(elapsed, 290);
  EXPECT_LT(elapsed, 1500);
  // The events sent before the cut, then EOF (not the 5 s read timeout), and no terminator.
  const std::string rest = streaming.ReadToEof();
  EXPECT_LT(ElapsedMs(start, Clock::now()), 2500);
  EXPECT_NE(rest.find("data: "), std::string::npos);
  EXPECT_EQ(rest.find("\r\n0\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace stampede::server
