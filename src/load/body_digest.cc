#include "load/body_digest.h"

#include <openssl/evp.h>

#include <array>

namespace stampede::load {

BodyDigest::BodyDigest(Algorithm algorithm) : algorithm_(algorithm), context_(EVP_MD_CTX_new()) {
  Reset();
}

BodyDigest::~BodyDigest() { EVP_MD_CTX_free(context_); }

void BodyDigest::Reset() {
  EVP_DigestInit_ex(context_, algorithm_ == Algorithm::kSha256 ? EVP_sha256() : EVP_md5(), nullptr);
}

void BodyDigest::Update(std::string_view data) {
  EVP_DigestUpdate(context_, data.data(), data.size());
}

std::string BodyDigest::HexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_, digest.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  Reset();
  return hex;
}

}  // namespace stampede::load
