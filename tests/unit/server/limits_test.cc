// The mock's limits, faults, metrics and defences against hostile clients, in process on port 0
// with the blocking test client: what a client sees on the wire.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/bytes_content.h"
#include "server/mock_server.h"
#include "server/payload.h"
#include "server/sha256.h"
#include "test_client.h"

namespace stampede::server {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the test client

std::unique_ptr<MockServer> StartServer(ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  if (options.threads == 1) options.threads = 2;  // limits are shared by the workers
  auto server = std::make_unique<MockServer>(options);
  const auto started = server->Start();
  EXPECT_TRUE(started.ok()) << started.error().message;
  return server;
}

struct ChunkedRead {
  std::vector<std::string> chunks;
  bool terminated = false;  // the last chunk arrived
};

// Reads chunks until the terminating chunk or until the connection ends without one.
ChunkedRead ReadChunksUntilEnd(TestClient& client) {
  ChunkedRead read;
  for (;;) {
    const auto size_line = client.ReadLine();
    if (!size_line) return read;
    const std::size_t size = std::stoul(*size_line, nullptr, 16);
    if (size == 0) {
      read.terminated = client.ReadLine() == "";
      return read;
    }
    auto data = client.ReadExactly(size);
    if (!data || client.ReadLine() != "") return read;
    read.chunks.push_back(std::move(*data));
  }
}

struct Response {
  Head head;
  std::string body;
};

std::optional<Response> Fetch(std::uint16_t port, std::string_view target,
                              std::string_view headers = "") {
  TestClient client(port);
  if (!client.connected()) return std::nullopt;
  client.SendGet(target, headers);
  auto head = ReadHead(client);
  if (!head) return std::nullopt;
  if (head->Header("transfer-encoding") == "chunked") {
    std::string body;
    for (const auto& chunk : ReadChunksUntilEnd(client).chunks) body += chunk;
    return Response{*head, body};
  }
  return Response{*head, ReadFixedBody(client, *head)};
}

// The value of one sample of GET /metrics ("name{labels}"), or -1 when absent.
double Metric(std::uint16_t port, const std::string& sample) {
  const auto response = Fetch(port, "/metrics");
  if (!response) return -1;
  const std::string& text = response->body;
  for (std::size_t at = 0; (at = text.find(sample + " ", at)) != std::string::npos; ++at) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + sample.size() + 1));
  }
  return -1;
}

// Polls until the metric reaches `expected` (the server notices a departed client shortly
// after it leaves) or 3 s pass.
bool MetricBecomes(std::uint16_t port, const std::string& sample, double expected) {
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (Clock::now() < deadline) {
    if (Metric(port, sample) == expected) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

int DifferingBytes(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return -1;
  int differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i] ? 1 : 0;
  return differing;
}

TEST(MockLimitsTest, RpmAnswers429WithRetryAfterAndAnOpenAiError) {
  auto server = StartServer({.rpm = 3});
  for (int i = 0; i < 3; ++i) {
    const auto response = Fetch(server->port(), "/stream?chunks=1&delay_ms=0");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->head.status, 200) << i;
  }
  const auto limited = Fetch(server->port(), "/sse?count=1");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->head.status, 429);
  // 3 per minute: the next token comes within 20 s.
  const int retry_after = std::stoi(limited->head.Header("retry-after"));
  EXPECT_GE(retry_after, 19);
  EXPECT_LE(retry_after, 20);
  const int retry_after_ms = std::stoi(limited->head.Header("retry-after-ms"));
  EXPECT_GT(retry_after_ms, 19000);
  EXPECT_LE(retry_after_ms, 20000);
  EXPECT_EQ(limited->head.Header("content-type"), "application/json");
  EXPECT_NE(limited->body.find(R"("code":"rate_limit_exceeded")"), std::string::npos);
  EXPECT_NE(limited->body.find(R"("type":"requests")"), std::string::npos);
  // Probes and scrapes are never limited.
  const auto health = Fetch(server->port(), "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->head.status, 200);
  EXPECT_EQ(Metric(server->port(), R"(stampede_rate_limited_total{limit="requests"})"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="/sse",status="429"})"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="/stream",status="200"})"), 3);
}

TEST(MockLimitsTest, RequestsBeyondMaxConcurrentGet503) {
  auto server = StartServer({.max_concurrent = 2});
  TestClient first(server->port());
  TestClient second(server->port());
  first.SendGet("/sse?count=0&interval_ms=50");
  second.SendGet("/sse?count=0&interval_ms=50");
  ASSERT_TRUE(ReadHead(first));
  ASSERT_TRUE(ReadHead(second));
  const auto refused = Fetch(server->port(), "/stream?chunks=1");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->head.status, 503);
  EXPECT_EQ(refused->head.Header("retry-after"), "1");
  EXPECT_NE(refused->body.find(R"("code":"overloaded")"), std::string::npos);
  EXPECT_EQ(Fetch(server->port(), "/health")->head.status, 200);
  EXPECT_EQ(Metric(server->port(), "stampede_overloaded_total"), 1);
  // The refused request leaves the count a moment after its answer went out.
  EXPECT_TRUE(MetricBecomes(server->port(), "stampede_requests_in_progress", 2));
  // A slot frees when a stream's client leaves.
  first.Close();
  ASSERT_TRUE(MetricBecomes(server->port(), "stampede_requests_in_progress", 1));
  const auto admitted = Fetch(server->port(), "/stream?chunks=1&delay_ms=0");
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->head.status, 200);
}

TEST(MockFaultsTest, ForcedDropCutsTheChunkedBodyWithoutTerminatorThenEof) {
  auto server = StartServer({});
  TestClient client(server->port());
  client.SendGet("/stream?chunks=10&chunk_bytes=4&delay_ms=1", "x-stampede-fault: drop\r\n");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  const ChunkedRead read = ReadChunksUntilEnd(client);
  EXPECT_FALSE(read.terminated);
  EXPECT_EQ(read.chunks.size(), 5U);  // half of them
  EXPECT_TRUE(client.SeesEof());
  EXPECT_EQ(Metric(server->port(), R"(stampede_faults_total{kind="drop"})"), 1);
}

TEST(MockFaultsTest, FaultAfterPlacesTheDrop) {
  auto server = StartServer({});
  TestClient client(server->port());
  client.SendGet("/sse?count=10&interval_ms=1&fault=drop&fault_after=2");
  ASSERT_TRUE(ReadHead(client));
  const ChunkedRead read = ReadChunksUntilEnd(client);
  EXPECT_FALSE(read.terminated);
  EXPECT_EQ(read.chunks.size(), 2U);
}

TEST(MockFaultsTest, ConfiguredDropRateFaultsEveryStream) {
  auto server = StartServer({.faults = {.drop = 1}});
  for (int i = 0; i < 3; ++i) {
    TestClient client(server->port());
    client.SendGet("/sse?count=4&interval_ms=1");
    ASSERT_TRUE(ReadHead(client));
    const ChunkedRead read = ReadChunksUntilEnd(client);
    EXPECT_FALSE(read.terminated);
    EXPECT_EQ(read.chunks.size(), 2U);
  }
  EXPECT_EQ(Metric(server->port(), R"(stampede_faults_total{kind="drop"})"), 3);
  EXPECT_EQ(Fetch(server->port(), "/health")->head.status, 200);  // never faulted
}

TEST(MockFaultsTest, StallStopsMidwayAndKeepsTheConnectionOpen) {
  auto server = StartServer({});
  auto client = std::make_unique<TestClient>(server->port());
  client->SendGet("/stream?chunks=4&chunk_bytes=3&delay_ms=1&fault=stall");
  ASSERT_TRUE(ReadHead(*client));
  for (int i = 0; i < 2; ++i) {
    const auto size_line = client->ReadLine();
    ASSERT_EQ(size_line, "3");
    ASSERT_TRUE(client->ReadExactly(3));
    ASSERT_EQ(client->ReadLine(), "");
  }
  std::this_thread::sleep_for(milliseconds(100));
  // The response goes on (it is still counted as a stream in progress), sending nothing.
  EXPECT_EQ(Metric(server->port(), "stampede_active_streams"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_faults_total{kind="stall"})"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_events_sent_total)"), 2);
  // Until the client leaves.
  client.reset();
  EXPECT_TRUE(MetricBecomes(server->port(), "stampede_active_streams", 0));
}

TEST(MockFaultsTest, CorruptChangesExactlyOneByteOfAStream) {
  auto server = StartServer({});
  const auto response = Fetch(server->port(), "/stream?chunks=4&chunk_bytes=32&delay_ms=0",
                              "x-stampede-fault: corrupt\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 200);
  EXPECT_EQ(DifferingBytes(response->body, MakePayload(128)), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_faults_total{kind="corrupt"})"), 1);
}

TEST(MockFaultsTest, CorruptChangesExactlyOneByteOfADownload) {
  auto server = StartServer({.seed = 5});
  const auto response = Fetch(server->port(), "/bytes/300000?fault=corrupt");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 200);
  EXPECT_EQ(DifferingBytes(response->body, MakeContent(5, 300000)), 1);
  EXPECT_NE(Sha256::HexOf(response->body), response->head.Header("x-content-sha256"));
}

TEST(MockFaultsTest, DropCutsADownloadShortOfItsContentLength) {
  auto server = StartServer({});
  TestClient client(server->port());
  client.SendGet("/bytes/1000000?fault=drop");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->Header("content-length"), "1000000");
  EXPECT_LT(client.ReadToEof().size(), 1000000U);
}

TEST(MockFaultsTest, ErrorFaultAnswersTheStatusWithAnOpenAiBody) {
  auto server = StartServer({.faults = {.error_status = 502}});
  auto response = Fetch(server->port(), "/stream", "X-Return-Error: 503\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 503);
  EXPECT_EQ(response->head.Header("retry-after"), "1");
  EXPECT_NE(response->body.find(R"("type":"server_error")"), std::string::npos);
  response = Fetch(server->port(), "/sse?fault=error");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 502);
  EXPECT_EQ(response->head.Header("content-type"), "application/json");
  response = Fetch(server->port(), "/sse?fault=bogus");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 400);
  EXPECT_EQ(Metric(server->port(), R"(stampede_faults_total{kind="error"})"), 2);
}

TEST(MockBytesTest, ContentLengthAndChecksumMatchTheBody) {
  auto server = StartServer({.seed = 3});
  const auto response = Fetch(server->port(), "/bytes/1000000");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.status, 200);
  EXPECT_EQ(response->head.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(response->head.Header("content-length"), "1000000");
  ASSERT_EQ(response->body.size(), 1000000U);
  EXPECT_EQ(response->body, MakeContent(3, 1000000));
  EXPECT_EQ(response->head.Header("x-content-sha256"), Sha256::HexOf(response->body));
  // The same again, and another seed gives other bytes.
  EXPECT_EQ(Fetch(server->port(), "/bytes/1000000")->body, response->body);
  const auto seeded = Fetch(server->port(), "/bytes/1000?seed=4");
  ASSERT_TRUE(seeded);
  EXPECT_EQ(seeded->body, MakeContent(4, 1000));
  EXPECT_EQ(Fetch(server->port(), "/bytes/0")->body, "");
  EXPECT_EQ(Fetch(server->port(), "/bytes/x")->head.status, 400);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="/bytes",status="200"})"), 4);
}

TEST(MockBytesTest, RateThrottlesTheDownload) {
  auto server = StartServer({});
  const auto start = Clock::now();
  const auto response = Fetch(server->port(), "/bytes/30000?rate=100000");  // 300 ms
  ASSERT_TRUE(response);
  const long elapsed = ElapsedMs(start, Clock::now());
  EXPECT_EQ(response->body, MakeContent(1, 30000));
  EXPECT_GE(elapsed, 290);
  EXPECT_LT(elapsed, 2000);
}

TEST(MockMetricsTest, CountsRequestsEventsAndBytes) {
  auto server = StartServer({});
  ASSERT_TRUE(Fetch(server->port(), "/stream?chunks=3&chunk_bytes=10&delay_ms=0"));
  ASSERT_TRUE(Fetch(server->port(), "/sse?count=2&interval_ms=1&event_bytes=5"));
  ASSERT_TRUE(Fetch(server->port(), "/nowhere"));
  const auto response = Fetch(server->port(), "/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->head.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(response->body.find("# TYPE stampede_send_lateness_seconds summary\n"),
            std::string::npos);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="/stream",status="200"})"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="/sse",status="200"})"), 1);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="other",status="404"})"), 1);
  EXPECT_EQ(Metric(server->port(), "stampede_events_sent_total"), 5);
  EXPECT_GE(Metric(server->port(), "stampede_send_lateness_seconds_count"), 5);
  // The stream ends (as counted) a moment after its last bytes reach the client.
  EXPECT_TRUE(MetricBecomes(server->port(), "stampede_active_streams", 0));
}

TEST(MockHostileClientsTest, OversizedHeadGets431) {
  auto server = StartServer({.max_header_bytes = 1024});
  TestClient client(server->port());
  client.SendGet("/health", "X-Padding: " + std::string(2000, 'a') + "\r\n");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 431);
  EXPECT_EQ(head->Header("connection"), "close");
  // Under the limit is fine.
  const auto fine =
      Fetch(server->port(), "/health", "X-Padding: " + std::string(500, 'a') + "\r\n");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->head.status, 200);
  EXPECT_EQ(Metric(server->port(), R"(stampede_requests_total{route="other",status="431"})"), 1);
}

TEST(MockHostileClientsTest, DefaultHeaderLimitIs16KiB) {
  auto server = StartServer({});
  TestClient client(server->port());
  client.SendGet("/health", "X-Padding: " + std::string(20000, 'a') + "\r\n");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 431);
}

TEST(MockHostileClientsTest, OversizedBodyGets413) {
  auto server = StartServer({.max_body_bytes = 100});
  TestClient client(server->port());
  client.Send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" +
              std::string(1000, 'x'));
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 413);
  // A small body passes the limit (and reaches the route, which wants GET).
  TestClient small(server->port());
  small.Send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789");
  const auto small_head = ReadHead(small);
  ASSERT_TRUE(small_head);
  EXPECT_EQ(small_head->status, 405);
}

TEST(MockHostileClientsTest, SlowlorisIsClosedAfterHeaderTimeoutWhileOthersAreServed) {
  auto server = StartServer({.threads = 1, .header_timeout = milliseconds(300)});
  TestClient slow(server->port());
  const auto start = Clock::now();
  slow.Send("GET /health HTTP/1.1\r\n");
  // A byte every 50 ms would keep an idle timer that restarts on every read alive forever.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    slow.Send("X");
  }
  // Another client on the same (single) worker is served at once meanwhile.
  const auto served_from = Clock::now();
  const auto other = Fetch(server->port(), "/health");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->head.status, 200);
  EXPECT_LT(ElapsedMs(served_from, Clock::now()), 200);
  EXPECT_TRUE(slow.SeesEof());
  const long closed_at = ElapsedMs(start, Clock::now());
  EXPECT_GE(closed_at, 280);
  EXPECT_LT(closed_at, 1500);
}

TEST(MockHostileClientsTest, IdleConnectionsCloseAfterIdleTimeoutNotHeaderTimeout) {
  auto server =
      StartServer({.header_timeout = milliseconds(100), .idle_timeout = milliseconds(400)});
  TestClient client(server->port());
  // Waiting longer than header_timeout before the first byte is fine...
  std::this_thread::sleep_for(milliseconds(200));
  client.SendGet("/health");
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  ReadFixedBody(client, *head);
  // ...but a connection idle for idle_timeout between requests is closed.
  const auto idle_from = Clock::now();
  EXPECT_TRUE(client.SeesEof());
  const long closed_after = ElapsedMs(idle_from, Clock::now());
  EXPECT_GE(closed_after, 350);
  EXPECT_LT(closed_after, 1500);
}

}  // namespace
}  // namespace stampede::server

namespace stampede::server {
namespace {

// A request that arrives while the previous response is still being written raises its
// readiness event before the connection waits for it; the wait must not miss it.
TEST(MockHostileClientsTest, ARequestSentDuringTheLastResponseIsServedAtOnce) {
  auto server = StartServer({.threads = 1});
  TestClient client(server->port());
  client.SendGet("/stream?chunks=2&chunk_bytes=3&delay_ms=100");
  ASSERT_TRUE(ReadHead(client));
  std::this_thread::sleep_for(milliseconds(30));  // the stream waits for its second chunk
  client.SendGet("/health");
  const ChunkedRead first = ReadChunksUntilEnd(client);
  EXPECT_TRUE(first.terminated);
  const auto asked = Clock::now();
  const auto head = ReadHead(client);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_LT(ElapsedMs(asked, Clock::now()), 200);
}

}  // namespace
}  // namespace stampede::server
