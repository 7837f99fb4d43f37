// The REST speech-to-text mock: POST /v1/transcribe and the OpenAI-compatible
// POST /v1/audio/transcriptions. The body is the audio (raw bytes, or a multipart form as
// OpenAI's API takes it: any body is accepted and only its size counts). After delay_ms (50,
// ± jitter_ms) the answer is the transcript of one word per kBytesPerWord bytes
// (TranscriptBuilder):
//   /v1/transcribe                {"text":"...","duration_ms":D,"bytes":N}
//   /v1/audio/transcriptions      {"text":"..."}
// duration_ms is the body's length as 16-bit mono PCM at sample_rate (16000). Other methods get
// 405.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "asio/awaitable.h"
#include "server/asr_session.h"
#include "server/request_knobs.h"
#include "server/responder.h"
#include "server/server_state.h"

namespace stampede::server {

// 100 ms of 16 kHz 16-bit mono audio: the frame /ws/asr clients typically send.
inline constexpr std::uint64_t kBytesPerWord = 3200;

// True for the paths RouteTranscribe answers, whatever the method.
bool IsTranscribePath(std::string_view path);

// The words of an upload of `bytes` bytes: one per kBytesPerWord started.
std::uint64_t TranscribeWords(std::uint64_t bytes);
// The JSON answer to an upload of `bytes` bytes; `openai` for the OpenAI path's shape.
std::string TranscribeAnswer(std::uint64_t bytes, const AsrSpec& spec, bool openai);

// Not a coroutine: it reads the knobs now and returns the answer's coroutine, which owns what it
// needs.
boost::asio::awaitable<void> RouteTranscribe(std::string_view path, std::string_view query_string,
                                             const HttpRequest& request, Responder& responder,
                                             RouteContext& context);

}  // namespace stampede::server
