#include "server/payload.h"

namespace stampede::server {

std::string MakePayload(std::size_t size, std::uint64_t offset) {
  std::string payload(size, '\0');
  std::size_t position = offset % kPayloadAlphabet.size();
  for (char& byte : payload) {
    byte = kPayloadAlphabet[position];
    if (++position == kPayloadAlphabet.size()) position = 0;
  }
  return payload;
}

}  // namespace stampede::server
