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

namespace stampede::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

long ElapsedMs(Clock::time_point from, Clock::time_point to) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(to - from).count());
}

// A blocking HTTP/1.1 client on a plain socket, just enough to see the bytes the server writes
// and when each chunk arrives. Every read times out so a broken server fails a test, never
// hangs it.
class TestClient {
 public:
  explicit TestClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    const int enable = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &enable, sizeof(enable));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~TestClient() { Close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return connected_; }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  void Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      ASSERT_GT(sent, 0) << "send failed";
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  void SendGet(std::string_view target, std::string_view extra_headers = "") {
    Send("GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n");
  }

  // Up to and including the next "\r\n" (returned without it); nullopt on EOF or timeout.
  std::optional<std::string> ReadLine() {
    for (;;) {
      if (const auto end = pending_.find("\r\n"); end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        return line;
      }
      if (!Fill()) return std::nullopt;
    }
  }

  std::optional<std::string> ReadExactly(std::size_t size) {
    while (pending_.size() < size) {
      if (!Fill()) return std::nullopt;
    }
    std::string bytes = pending_.substr(0, size);
    pending_.erase(0, size);
    return bytes;
  }

  std::string ReadToEof() {
    while (Fill()) {
    }
    return std::exchange(pending_, {});
  }

  // True when the server closed the connection (rather than the read timing out).
  bool SeesEof() {
    while (pending_.empty()) {
      char byte = 0;
      const ssize_t received = ::recv(fd_, &byte, 1, 0);
      if (received == 0) return true;
      if (received < 0) return errno == ECONNRESET;
      pending_.push_back(byte);
    }
    return false;
  }

 private:
  bool Fill() {
    char bytes[4096];
    const ssize_t received = ::recv(fd_, bytes, sizeof(bytes), 0);
    if (received <= 0) return false;
    pending_.append(bytes, static_cast<std::size_t>(received));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

struct Head {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  Clock::time_point arrived;

  std::string Header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

std::optional<Head> ReadHead(TestClient& client) {
  Head head;
  const auto status_line = client.ReadLine();
  if (!status_line || status_line->size() < 12) return std::nullopt;
  head.status = std::stoi(status_line->substr(9, 3));
  for (;;) {
    const auto line = client.ReadLine();
    if (!line) return std::nullopt;
    if (line->empty()) break;
    const auto colon = line->find(':');
    std::string name = line->substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    head.headers[name] = line->substr(line->find_first_not_of(' ', colon + 1));
  }
  head.arrived = Clock::now();
  return head;
}

struct Chunk {
  std::string data;
  Clock::time_point arrived;
};

// Reads a chunked body up to and including its terminator, checking the framing on the way.
std::vector<Chunk> ReadChunkedBody(TestClient& client) {
  std::vector<Chunk> chunks;
  for (;;) {
    const auto size_line = client.ReadLine();
    if (!size_line) {
      ADD_FAILURE() << "the body ended without the last chunk";
      return chunks;
    }
    const std::size_t size = std::stoul(*size_line, nullptr, 16);
    if (size == 0) {
      EXPECT_EQ(client.ReadLine(), "") << "the last chunk must be followed by an empty line";
      return chunks;
    }
    auto data = client.ReadExactly(size);
    const auto arrived = Clock::now();
    if (!data) {
      ADD_FAILURE() << "a chunk was cut short";
      return chunks;
    }
    EXPECT_EQ(client.ReadLine(), "") << "chunk data must be followed by CRLF";
    chunks.push_back({std::move(*data), arrived});
  }
}

std::string ReadFixedBody(TestClient& client, const Head& head) {
  return client.ReadExactly(std::stoul(head.Header("content-length"))).value_or("<cut short>");
}

std::size_t OpenDescriptorCount() {
  std::size_t count = 0;
  if (DIR* directory = ::opendir("/proc/self/fd")) {
    while (::readdir(directory) != nullptr) ++count;
    ::closedir(directory);
  }
  return count;
}

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
