// The conversation of the mock speech-to-text WebSocket (/ws/asr) without the socket: each binary
// message is a frame of audio that owes a partial transcript `delay` (± jitter) after it arrived;
// the end message owes the final transcript after every partial. Replies are due in the order of
// what caused them. Time and randomness come in from the caller, so it is tested without clocks.
//
//   partial: {"type":"partial","seq":N,"text":"<words so far>","received_bytes":B}
//   final:   {"type":"final","text":"<all words>","frames":N,"bytes":B,"duration_ms":D}
//
// Frame N (from 1) adds word N of TranscriptBuilder; duration_ms is the length of the audio as
// 16-bit mono PCM at `sample_rate`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "server/request_knobs.h"
#include "server/transcript_builder.h"

namespace stampede::server {

// The knobs of /ws/asr and /v1/transcribe.
struct AsrSpec {
  std::chrono::milliseconds delay{50};  // delay_ms: processing time of a frame (or a whole upload)
  std::chrono::milliseconds jitter{0};  // jitter_ms: each reply moves uniformly within ±jitter
  std::uint64_t sample_rate = 16000;    // sample_rate: of the audio, for duration_ms
};

core::Result<AsrSpec> ParseAsrSpec(const RequestKnobs& knobs);

// Milliseconds of 16-bit mono PCM in `bytes` at `sample_rate` (rounded down).
std::uint64_t AudioDurationMs(std::uint64_t bytes, std::uint64_t sample_rate);

class AsrSession {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Reply {
    TimePoint due;
    std::string json;
    bool final = false;
  };

  // A partial's text is the transcript's last this many words, so partials stay small however
  // long a session runs (the final has every word).
  static constexpr std::size_t kPartialWords = 100;

  // `random` (for jitter) must outlive the session.
  AsrSession(AsrSpec spec, core::Random& random) : spec_(spec), random_(random) {}

  // A frame of `bytes` bytes of audio that arrived at `arrived`: its partial transcript.
  Reply OnAudio(std::size_t bytes, TimePoint arrived);
  // The end of the audio, received at `arrived`: the final transcript.
  Reply OnEnd(TimePoint arrived);

  // True for a text message that ends the audio: `end` or a JSON object with "type":"end".
  static bool IsEndMessage(std::string_view text);

  std::uint64_t frames() const { return transcript_.words(); }
  std::uint64_t bytes() const { return bytes_; }

 private:
  // arrived + delay, jittered, never before the previous reply nor before `arrived`.
  TimePoint Schedule(TimePoint arrived);

  AsrSpec spec_;
  core::Random& random_;
  TranscriptBuilder transcript_;
  std::uint64_t bytes_ = 0;
  TimePoint last_due_{};
};

}  // namespace stampede::server
