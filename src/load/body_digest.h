// A streaming SHA-256 or MD5 of a response body (OpenSSL EVP), fed as the body arrives.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace stampede::load {

class BodyDigest {
 public:
  enum class Algorithm { kSha256, kMd5 };
  explicit BodyDigest(Algorithm algorithm);
  ~BodyDigest();
  BodyDigest(const BodyDigest&) = delete;
  BodyDigest& operator=(const BodyDigest&) = delete;

  void Reset();
  void Update(std::string_view data);
  // Lower-case hex of the digest of everything fed since Reset().
  std::string HexDigest();

 private:
  Algorithm algorithm_;
  evp_md_ctx_st* context_;
};

}  // namespace stampede::load
