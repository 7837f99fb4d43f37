#include "server/asr_session.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "server/jitter.h"
#include "server/json_text.h"
#include "server/route_limits.h"

namespace stampede::server {
namespace {

// From telephone audio to studio audio at 8x.
constexpr std::uint64_t kMinSampleRate = 1000;
constexpr std::uint64_t kMaxSampleRate = 768'000;

std::string_view TrimWhitespace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

core::Result<AsrSpec> ParseAsrSpec(const RequestKnobs& knobs) {
  AsrSpec spec;
  auto delay = knobs.GetUint("delay_ms", 50, 0, kMaxDelayMs);
  if (!delay) return delay.error();
  auto jitter = knobs.GetUint("jitter_ms", 0, 0, kMaxDelayMs);
  if (!jitter) return jitter.error();
  auto sample_rate = knobs.GetUint("sample_rate", 16000, kMinSampleRate, kMaxSampleRate);
  if (!sample_rate) return sample_rate.error();
  spec.delay = std::chrono::milliseconds(*delay);
  spec.jitter = std::chrono::milliseconds(*jitter);
  spec.sample_rate = *sample_rate;
  return spec;
}

std::uint64_t AudioDurationMs(std::uint64_t bytes, std::uint64_t sample_rate) {
  // Two bytes a sample; bytes * 500 cannot overflow below 2^54 bytes.
  return bytes * 500 / sample_rate;
}

AsrSession::TimePoint AsrSession::Schedule(TimePoint arrived) {
  last_due_ = Jitter(arrived + spec_.delay, std::max(last_due_, arrived), spec_.jitter, random_);
  return last_due_;
}

AsrSession::Reply AsrSession::OnAudio(std::size_t bytes, TimePoint arrived) {
  bytes_ += bytes;
  transcript_.AddWord();
  Reply reply{.due = Schedule(arrived)};
  std::string& json = reply.json;
  json.append(R"({"type":"partial","seq":)");
  json.append(std::to_string(transcript_.words()));
  json.append(R"(,"text":)");
  AppendJsonString(json, transcript_.Tail(kPartialWords));
  json.append(R"(,"received_bytes":)");
  json.append(std::to_string(bytes_));
  json.push_back('}');
  return reply;
}

AsrSession::Reply AsrSession::OnEnd(TimePoint arrived) {
  Reply reply{.due = Schedule(arrived), .final = true};
  std::string& json = reply.json;
  json.append(R"({"type":"final","text":)");
  AppendJsonString(json, transcript_.text());
  json.append(R"(,"frames":)");
  json.append(std::to_string(transcript_.words()));
  json.append(R"(,"bytes":)");
  json.append(std::to_string(bytes_));
  json.append(R"(,"duration_ms":)");
  json.append(std::to_string(AudioDurationMs(bytes_, spec_.sample_rate)));
  json.push_back('}');
  return reply;
}

bool AsrSession::IsEndMessage(std::string_view text) {
  text = TrimWhitespace(text);
  if (text == "end") return true;
  if (!text.starts_with('{')) return false;
  const auto message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!message.is_object()) return false;
  const auto type = message.find("type");
  return type != message.end() && type->is_string() && type->get<std::string>() == "end";
}

}  // namespace stampede::server
