// A blocking HTTP/1.1 test client over a POSIX socket, for in-process tests of the mock
// server: send raw bytes, read heads, chunked bodies and fixed bodies, see EOF.
#pragma once

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
#include <string_view>
#include <vector>

namespace stampede::server::testing {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline long ElapsedMs(Clock::time_point from, Clock::time_point to) {
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

inline std::optional<Head> ReadHead(TestClient& client) {
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
inline std::vector<Chunk> ReadChunkedBody(TestClient& client) {
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

inline std::string ReadFixedBody(TestClient& client, const Head& head) {
  return client.ReadExactly(std::stoul(head.Header("content-length"))).value_or("<cut short>");
}

inline std::size_t OpenDescriptorCount() {
  std::size_t count = 0;
  if (DIR* directory = ::opendir("/proc/self/fd")) {
    while (::readdir(directory) != nullptr) ++count;
    ::closedir(directory);
  }
  return count;
}

}  // namespace stampede::server::testing
