// Incremental SHA-256 (OpenSSL's EVP), for the X-Content-SHA256 header of GET /bytes.
#pragma once

#include <memory>
#include <span>
#include <string>

namespace stampede::server {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::span<const char> bytes);
  // The digest as 64 lower-case hex digits. The hash may not be updated afterwards.
  std::string FinishHex();

  static std::string HexOf(std::span<const char> bytes);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace stampede::server
