#include "protocol/chunk_observer.h"

#include <algorithm>
#include <cstdio>

namespace stampede::protocol {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Error messages show the offending byte; control bytes are shown in hex so the message stays
// printable on one line.
std::string DescribeByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  char text[8];
  if (byte >= 0x21 && byte < 0x7f) {
    std::snprintf(text, sizeof text, "'%c'", c);
  } else {
    std::snprintf(text, sizeof text, "0x%02x", byte);
  }
  return text;
}

}  // namespace

ChunkObserver::ChunkObserver(Handler& handler, Limits limits)
    : handler_(&handler), limits_(limits) {}

bool ChunkObserver::done() const { return state_ == State::kDone; }

bool ChunkObserver::InTrailers() const {
  return state_ == State::kTrailerStart || state_ == State::kTrailerLine ||
         state_ == State::kTrailerLineLf || state_ == State::kTrailerEndLf;
}

void ChunkObserver::Reset() {
  state_ = State::kSize;
  size_ = 0;
  remaining_ = 0;
  line_bytes_ = 0;
  has_digits_ = false;
  error_.clear();
  chunks_ = 0;
}

core::Error ChunkObserver::Fail(std::string message) {
  state_ = State::kError;
  error_ = message;
  return core::MakeError(std::move(message));
}

core::Result<std::size_t> ChunkObserver::Feed(std::string_view bytes) {
  if (state_ == State::kError) return core::MakeError(error_);
  const char* const begin = bytes.data();
  const char* const end = begin + bytes.size();
  const char* p = begin;

  // Framing bytes are few (a size line per chunk), so they go through a byte-at-a-time state
  // machine that needs no buffer; chunk data, the bulk, is handed out as views in one step.
  while (p < end) {
    const char c = *p;
    switch (state_) {
      case State::kData: {
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(remaining_, end - p));
        handler_->OnChunkData(std::string_view(p, n));
        p += n;
        remaining_ -= static_cast<std::int64_t>(n);
        if (remaining_ == 0) {
          // Reported now rather than after the CRLF: the caller times the chunk by its last
          // data byte, and the CRLF may arrive in a later segment.
          ++chunks_;
          state_ = State::kDataCr;
          handler_->OnChunkEnd(size_);
        }
        continue;
      }
      case State::kSize: {
        const int digit = HexValue(c);
        if (digit >= 0) {
          // size_ <= max_chunk / 16 keeps size_ * 16 + digit from overflowing int64.
          if (size_ > (limits_.max_chunk >> 4) || size_ * 16 + digit > limits_.max_chunk) {
            return Fail("chunk size exceeds the limit of " + std::to_string(limits_.max_chunk) +
                        " bytes");
          }
          size_ = size_ * 16 + digit;
          has_digits_ = true;
        } else if (!has_digits_) {
          return Fail("invalid chunk size: expected a hex digit, got " + DescribeByte(c));
        } else if (c == ';') {
          state_ = State::kExtension;
        } else if (c == ' ' || c == '\t') {
          state_ = State::kSizeSpace;  // BWS before a chunk-ext, sent by some servers
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == '\n') {
          break;  // bare LF accepted as a line end, leniently
        } else {
          return Fail("invalid chunk size: unexpected " + DescribeByte(c) +
                      " after the hex digits");
        }
        ++p;
        if (c != '\r' && ++line_bytes_ > limits_.max_line) {
          return Fail("chunk size line longer than " + std::to_string(limits_.max_line) + " bytes");
        }
        continue;
      }
      case State::kSizeSpace:
        if (c == ';') {
          state_ = State::kExtension;
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == '\n') {
          break;
        } else if (c != ' ' && c != '\t') {
          return Fail("invalid chunk size line: unexpected " + DescribeByte(c) +
                      " after the chunk size");
        }
        ++p;
        if (c != '\r' && ++line_bytes_ > limits_.max_line) {
          return Fail("chunk size line longer than " + std::to_string(limits_.max_line) + " bytes");
        }
        continue;
      case State::kExtension:
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == '\n') {
          break;
        } else if (++line_bytes_ > limits_.max_line) {
          return Fail("chunk size line longer than " + std::to_string(limits_.max_line) + " bytes");
        }
        ++p;
        continue;
      case State::kSizeLf:
        if (c != '\n') {
          return Fail("invalid chunk size line: expected LF after CR, got " + DescribeByte(c));
        }
        break;
      case State::kDataCr:
        if (c == '\r') {
          state_ = State::kDataLf;
        } else if (c == '\n') {
          state_ = State::kSize;
        } else {
          return Fail("expected CRLF after " + std::to_string(size_) +
                      " bytes of chunk data, got " + DescribeByte(c));
        }
        ++p;
        size_ = 0;
        has_digits_ = false;
        continue;
      case State::kDataLf:
        if (c != '\n') {
          return Fail("expected LF after CR following chunk data, got " + DescribeByte(c));
        }
        ++p;
        state_ = State::kSize;
        continue;
      case State::kTrailerStart:
        ++p;
        if (c == '\r') {
          state_ = State::kTrailerEndLf;
        } else if (c == '\n') {
          state_ = State::kDone;
          return static_cast<std::size_t>(p - begin);
        } else {
          state_ = State::kTrailerLine;
          line_bytes_ = 1;
        }
        continue;
      case State::kTrailerLine: {
        // Trailer fields are ignored, so only their line ends matter.
        const char* stop = p;
        while (stop < end && *stop != '\r' && *stop != '\n') ++stop;
        line_bytes_ += static_cast<std::size_t>(stop - p);
        if (line_bytes_ > limits_.max_line) {
          return Fail("trailer line longer than " + std::to_string(limits_.max_line) + " bytes");
        }
        p = stop;
        if (p < end) {
          state_ = *p == '\r' ? State::kTrailerLineLf : State::kTrailerStart;
          ++p;
        }
        continue;
      }
      case State::kTrailerLineLf:
        if (c != '\n')
          return Fail("expected LF after CR in trailer section, got " + DescribeByte(c));
        ++p;
        state_ = State::kTrailerStart;
        continue;
      case State::kTrailerEndLf:
        if (c != '\n')
          return Fail("expected LF ending the trailer section, got " + DescribeByte(c));
        ++p;
        state_ = State::kDone;
        return static_cast<std::size_t>(p - begin);
      case State::kDone:
      case State::kError:
        return static_cast<std::size_t>(p - begin);
    }
    // The chunk-size line ended at the LF under p.
    ++p;
    line_bytes_ = 0;
    if (size_ == 0) {
      state_ = State::kTrailerStart;  // the last chunk
    } else {
      remaining_ = size_;
      state_ = State::kData;
    }
  }
  return static_cast<std::size_t>(p - begin);
}

}  // namespace stampede::protocol
