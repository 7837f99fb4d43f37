#include "server/mock_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/payload.h"
#include "test_client.h"

namespace stampede::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using namespace testing;  // NOLINT(google-build-using-namespace): the test client

class MockServerTest : public ::testing::Test {
 protected:
  void StartServer(int threads = 1) {
    server_ = std::make_unique<MockServer>(
        ServerOptions{.host = "127.0.0.1", .port = 0, .threads = threads});
    const auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    ASSERT_NE(server_->port(), 0);
  }

  std::unique_ptr<TestClient> Connect() {
    auto client = std::make_unique<TestClient>(server_->port());
    EXPECT_TRUE(client->connected());
    return client;
  }

  std::unique_ptr<MockServer> server_;
};

TEST_F(MockServerTest, HealthAnswersJson) {
  StartServer();
  auto client = Connect();
  client->SendGet("/health");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-type"), "application/json");
  EXPECT_EQ(ReadFixedBody(*client, *head), R"({"status":"ok"})");
}

TEST_F(MockServerTest, StreamSendsTheRequestedChunks) {
  StartServer();
  auto client = Connect();
  client->SendGet("/stream?chunks=5&chunk_bytes=10&delay_ms=5");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("transfer-encoding"), "chunked");
  EXPECT_EQ(head->Header("content-type"), "text/plain");
  const auto chunks = ReadChunkedBody(*client);
  ASSERT_EQ(chunks.size(), 5U);
  std::string body;
  for (const Chunk& chunk : chunks) {
    EXPECT_EQ(chunk.data.size(), 10U);
    body += chunk.data;
  }
  EXPECT_EQ(body, MakePayload(50));
}

TEST_F(MockServerTest, SseSendsNumberedEvents) {
  StartServer();
  auto client = Connect();
  client->SendGet("/sse?count=3&interval_ms=20&event_bytes=8");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-type"), "text/event-stream");
  EXPECT_EQ(head->Header("cache-control"), "no-cache");
  EXPECT_EQ(head->Header("transfer-encoding"), "chunked");
  const auto chunks = ReadChunkedBody(*client);
  ASSERT_EQ(chunks.size(), 3U);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].data, "id: " + std::to_string(i + 1) + "\ndata: 01234567\n\n");
  }
}

TEST_F(MockServerTest, HeadIsImmediateAndChunksFollowTheSchedule) {
  StartServer();
  auto client = Connect();
  const auto sent = Clock::now();
  client->SendGet("/stream?initial_ms=200&delay_ms=100&chunks=3&chunk_bytes=4");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_LT(ElapsedMs(sent, head->arrived), 100) << "headers must not wait for the first chunk";
  const auto chunks = ReadChunkedBody(*client);
  ASSERT_EQ(chunks.size(), 3U);
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const long due_ms = 200 + 100 * static_cast<long>(k);
    const long arrived_ms = ElapsedMs(sent, chunks[k].arrived);
    EXPECT_GE(arrived_ms, due_ms) << "chunk " << k;
    EXPECT_LE(arrived_ms, due_ms + 50) << "chunk " << k;
  }
}

TEST_F(MockServerTest, SseEventsFollowTheSchedule) {
  StartServer();
  auto client = Connect();
  const auto sent = Clock::now();
  client->SendGet("/sse?initial_ms=100&interval_ms=40&count=4&event_bytes=1");
  ASSERT_TRUE(ReadHead(*client));
  const auto chunks = ReadChunkedBody(*client);
  ASSERT_EQ(chunks.size(), 4U);
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const long due_ms = 100 + 40 * static_cast<long>(k);
    const long arrived_ms = ElapsedMs(sent, chunks[k].arrived);
    EXPECT_GE(arrived_ms, due_ms) << "event " << k;
    EXPECT_LE(arrived_ms, due_ms + 50) << "event " << k;
  }
}

TEST_F(MockServerTest, KeepAliveServesRequestsInTurn) {
  StartServer();
  auto client = Connect();
  client->SendGet("/stream?chunks=2&chunk_bytes=3&delay_ms=0");
  auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("connection"), "");
  EXPECT_EQ(ReadChunkedBody(*client).size(), 2U);
  client->SendGet("/health");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(ReadFixedBody(*client, *head), R"({"status":"ok"})");
}

TEST_F(MockServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  auto client = Connect();
  client->Send(
      "GET /sse?count=1&event_bytes=2 HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n");
  auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  const auto chunks = ReadChunkedBody(*client);
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks[0].data, "id: 1\ndata: 01\n\n");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
}

TEST_F(MockServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  auto client = Connect();
  client->SendGet("/stream?chunks=1&chunk_bytes=2", "Connection: close\r\n");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("connection"), "close");
  EXPECT_EQ(ReadChunkedBody(*client).size(), 1U);
  EXPECT_TRUE(client->SeesEof());
}

TEST_F(MockServerTest, Http10GetsACloseDelimitedBody) {
  StartServer();
  auto client = Connect();
  client->Send("GET /stream?chunks=3&chunk_bytes=5&delay_ms=1 HTTP/1.0\r\n\r\n");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("transfer-encoding"), "");
  EXPECT_EQ(client->ReadToEof(), MakePayload(15));
}

TEST_F(MockServerTest, Http10KeepAliveForFixedResponses) {
  StartServer();
  auto client = Connect();
  client->Send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("connection"), "keep-alive");
  EXPECT_EQ(ReadFixedBody(*client, *head), R"({"status":"ok"})");
  client->Send("GET /health HTTP/1.0\r\n\r\n");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(ReadFixedBody(*client, *head), R"({"status":"ok"})");
  EXPECT_TRUE(client->SeesEof());
}

TEST_F(MockServerTest, UnknownPathIs404) {
  StartServer();
  auto client = Connect();
  client->SendGet("/nope?x=1");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
  EXPECT_NE(ReadFixedBody(*client, *head).find("/nope"), std::string::npos);
}

TEST_F(MockServerTest, WrongMethodIs405) {
  StartServer();
  auto client = Connect();
  client->Send("DELETE /health HTTP/1.1\r\nHost: t\r\n\r\n");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->Header("allow"), "GET");
}

TEST_F(MockServerTest, InvalidParameterIs400WithTheReason) {
  StartServer();
  auto client = Connect();
  client->SendGet("/stream?chunks=abc");
  auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  EXPECT_EQ(ReadFixedBody(*client, *head),
            "query parameter 'chunks' must be an integer from 0 to 1000000, got 'abc'\n");
  // A bad parameter is the client's mistake, not the connection's: it stays usable.
  client->SendGet("/sse?interval_ms=-3");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  EXPECT_NE(ReadFixedBody(*client, *head).find("'interval_ms'"), std::string::npos);
}

TEST_F(MockServerTest, MalformedRequestIs400AndCloses) {
  StartServer();
  auto client = Connect();
  client->Send("THIS IS NOT HTTP\r\n\r\n");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 400);
  EXPECT_EQ(head->Header("connection"), "close");
  ReadFixedBody(*client, *head);
  EXPECT_TRUE(client->SeesEof());
}

TEST_F(MockServerTest, OversizedHeaderIs431) {
  StartServer();
  auto client = Connect();
  client->SendGet("/health", "X-Big: " + std::string(20000, 'a') + "\r\n");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 431);
}

TEST_F(MockServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  StartServer();
  auto client = Connect();
  client->Send(
      "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 100);
  client->Send("hello");
  head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
}

TEST_F(MockServerTest, EveryWorkerOnTheSharedPortServes) {
  StartServer(2);
  // With SO_REUSEPORT the kernel hashes connections over both acceptors; if one worker did not
  // serve, about half of these would hang (all 16 on one worker has odds 2^-15).
  constexpr int kClients = 16;
  std::vector<std::unique_ptr<TestClient>> clients;
  const auto sent = Clock::now();
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(Connect());
    clients.back()->SendGet("/stream?initial_ms=150&chunks=1&chunk_bytes=4");
  }
  for (auto& client : clients) {
    const auto head = ReadHead(*client);
    ASSERT_TRUE(head);
    EXPECT_EQ(ReadChunkedBody(*client).size(), 1U);
  }
  // Concurrent streams, not one after the other.
  EXPECT_LT(ElapsedMs(sent, Clock::now()), 150 * 3);
}

TEST_F(MockServerTest, StopClosesOpenStreamsPromptly) {
  StartServer(2);
  auto client = Connect();
  client->SendGet("/sse?count=0&interval_ms=60000&event_bytes=4");
  ASSERT_TRUE(ReadHead(*client));
  ASSERT_TRUE(client->ReadLine());  // the size line of event 1, sent at once
  const auto stop_started = Clock::now();
  server_->Stop();
  EXPECT_LT(ElapsedMs(stop_started, Clock::now()), 500);
  client->ReadToEof();
  EXPECT_TRUE(client->SeesEof());
  server_->Stop();  // idempotent
}

TEST_F(MockServerTest, ClientLeavingMidStreamFreesItsConnection) {
  StartServer();
  const std::size_t before = OpenDescriptorCount();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(Connect());
    clients.back()->SendGet("/sse?initial_ms=60000");
  }
  for (auto& client : clients) ASSERT_TRUE(ReadHead(*client));
  EXPECT_EQ(OpenDescriptorCount(), before + 40);  // each client's socket and the server's
  clients.clear();
  // Nothing is due for a minute, so only the disconnect watch can notice them going.
  const auto deadline = Clock::now() + milliseconds(1000);
  while (OpenDescriptorCount() > before && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(OpenDescriptorCount(), before);
  auto client = Connect();
  client->SendGet("/health");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
}

TEST_F(MockServerTest, PortInUseIsAnErrorNamingTheAddress) {
  // A plain listener without SO_REUSEPORT, so the mock cannot share its port.
  const int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(blocker, 1), 0);
  socklen_t length = sizeof(address);
  ::getsockname(blocker, reinterpret_cast<sockaddr*>(&address), &length);
  const std::uint16_t port = ntohs(address.sin_port);

  MockServer server(ServerOptions{.host = "127.0.0.1", .port = port, .threads = 2});
  const auto started = server.Start();
  ::close(blocker);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << started.error().message;
  EXPECT_NE(started.error().message.find("in use"), std::string::npos) << started.error().message;
}

TEST_F(MockServerTest, RestartsAfterStop) {
  StartServer();
  server_->Stop();
  ASSERT_TRUE(server_->Start().ok());
  auto client = Connect();
  client->SendGet("/health");
  const auto head = ReadHead(*client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
}

}  // namespace
}  // namespace stampede::server
