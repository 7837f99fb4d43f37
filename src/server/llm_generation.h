// One mock LLM answer from plan to bytes. PlanGeneration (sans-I/O) settles how long the answer
// is, how it is paced and chunked, from the parsed request, the per-request knobs and the
// server's profile; ServeGeneration sends it on the schedule of latency_profile.h: chunk j
// when its last token is due, at request_read_at + ttft + the itl of every token before.
//
// Knobs (query parameter or x-stampede-* header, request_knobs.h), each overriding the last:
//   profile          a preset or spec replacing the server's --profile
//   ttft, itl        distributions replacing the profile's (e.g. itl=lognormal:20ms,0.4)
//   ttft_ms, itl_ms  fixed delays in milliseconds
//   max_tokens       the bound on the answer, replacing the body's
//   output_tokens    the answer's natural length (it ends with "stop" before the bound)
//   tokens_per_chunk tokens per streamed chunk (1)
//   include_usage    true|false: OpenAI's usage chunk, replacing stream_options.include_usage
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "asio/awaitable.h"
#include "core/random.h"
#include "core/result.h"
#include "server/answer_format.h"
#include "server/latency_profile.h"
#include "server/llm_request.h"
#include "server/request_knobs.h"
#include "server/responder.h"

namespace stampede::server {

inline constexpr std::uint64_t kMaxTokensPerChunk = 10'000;

struct GenerationPlan {
  LatencyProfile profile;
  std::uint64_t completion_tokens = 0;
  // The bound cut the answer (finish_reason "length"); otherwise it ended by itself ("stop").
  bool truncated = false;
  std::uint64_t tokens_per_chunk = 1;
  bool include_usage = false;
};

// The answer's length: with only a bound (max_tokens), exactly the bound, truncated; with only
// a natural length (output_tokens), that, not truncated; with both, the smaller, truncated when
// the natural length is above the bound; with neither, the profile's tokens, not truncated.
core::Result<GenerationPlan> PlanGeneration(const LlmRequest& request, const RequestKnobs& knobs,
                                            std::string_view server_profile);

// Everything ServeGeneration needs, owned, so the route's locals can go.
struct Generation {
  std::unique_ptr<AnswerFormat> format;
  std::vector<std::string_view> tokens;  // the answer (views into static text)
  GenerationPlan plan;
  bool stream = false;
};

// Not streamed: the whole body after ttft + (n-1) itl. Streamed: the head at once, then the
// chunks on schedule; StreamStart goes out with the first chunk, StreamEnd right after the last.
// `random` is the worker's and outlives the answer.
boost::asio::awaitable<void> ServeGeneration(Generation generation, Responder& responder,
                                             core::Random& random);

// "chatcmpl-" + 24 letters and digits drawn from `random`.
std::string MakeAnswerId(std::string_view prefix, core::Random& random);

}  // namespace stampede::server
