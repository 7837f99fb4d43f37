#include "server/llm_generation.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "server/llm_text.h"
#include "server/route_limits.h"

namespace stampede::server {
namespace {

core::Result<std::optional<bool>> GetBool(const RequestKnobs& knobs, std::string_view name) {
  const auto text = knobs.Get(name);
  if (!text) return std::optional<bool>();
  if (*text == "1" || *text == "true" || *text == "yes") return std::optional<bool>(true);
  if (*text == "0" || *text == "false" || *text == "no") return std::optional<bool>(false);
  return core::MakeError("invalid " + std::string(name) + "=\"" + *text +
                         "\": expected true or false");
}

core::Result<std::optional<std::uint64_t>> GetTokens(const RequestKnobs& knobs,
                                                     std::string_view name) {
  if (!knobs.Get(name)) return std::optional<std::uint64_t>();
  auto value = knobs.GetUint(name, 0, 1, kMaxAnswerTokens);
  if (!value) return value.error();
  return std::optional<std::uint64_t>(*value);
}

}  // namespace

core::Result<GenerationPlan> PlanGeneration(const LlmRequest& request, const RequestKnobs& knobs,
                                            std::string_view server_profile) {
  GenerationPlan plan;
  const auto profile_knob = knobs.Get("profile");
  auto profile = ParseLatencyProfile(profile_knob ? *profile_knob : server_profile);
  if (!profile) {
    return core::MakeError((profile_knob ? "invalid profile: " : "invalid --profile: ") +
                           profile.error().message);
  }
  plan.profile = *profile;
  for (const std::string_view name : {"ttft", "itl"}) {
    if (const auto spec = knobs.Get(name)) {
      auto distribution = Distribution::Parse(*spec);
      if (!distribution) {
        return core::MakeError("invalid " + std::string(name) + ": " +
                               distribution.error().message);
      }
      (name == "ttft" ? plan.profile.ttft : plan.profile.itl) = *distribution;
    }
  }
  for (const std::string_view name : {"ttft_ms", "itl_ms"}) {
    if (!knobs.Get(name)) continue;
    auto millis = knobs.GetUint(name, 0, 0, kMaxDelayMs);
    if (!millis) return millis.error();
    const auto fixed = Distribution::Fixed(static_cast<core::Nanos>(*millis) * core::kMillisecond);
    (name == "ttft_ms" ? plan.profile.ttft : plan.profile.itl) = fixed;
  }

  auto max_knob = GetTokens(knobs, "max_tokens");
  if (!max_knob) return max_knob.error();
  auto natural = GetTokens(knobs, "output_tokens");
  if (!natural) return natural.error();
  const std::optional<std::uint64_t> bound = *max_knob ? *max_knob : request.max_tokens;
  if (bound && *natural) {
    plan.completion_tokens = std::min(*bound, **natural);
    plan.truncated = **natural > *bound;
  } else if (bound) {
    plan.completion_tokens = *bound;
    plan.truncated = true;
  } else {
    plan.completion_tokens = *natural ? **natural : plan.profile.tokens;
  }

  auto per_chunk = knobs.GetUint("tokens_per_chunk", 1, 1, kMaxTokensPerChunk);
  if (!per_chunk) return per_chunk.error();
  plan.tokens_per_chunk = *per_chunk;
  auto usage = GetBool(knobs, "include_usage");
  if (!usage) return usage.error();
  plan.include_usage = usage->value_or(request.include_usage.value_or(false));
  return plan;
}

std::string MakeAnswerId(std::string_view prefix, core::Random& random) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string id(prefix);
  for (int index = 0; index < 24; ++index)
    id.push_back(kAlphabet[random.Next() % kAlphabet.size()]);
  return id;
}

boost::asio::awaitable<void> ServeGeneration(Generation generation, Responder& responder,
                                             core::Random& random) {
  const GenerationPlan& plan = generation.plan;
  const AnswerFormat& format = *generation.format;
  const std::vector<std::string_view>& tokens = generation.tokens;
  TokenSchedule schedule(plan.profile, random);
  const auto start = responder.request_read_at();
  auto due = [&](core::Nanos offset) { return start + std::chrono::nanoseconds(offset); };

  if (!generation.stream) {
    const core::Nanos last =
        tokens.empty() ? schedule.Next() : schedule.AdvanceTo(tokens.size() - 1);
    if (co_await responder.WaitUntil(due(last))) co_return;
    const std::string body = format.Body(JoinTokens(tokens, 0, tokens.size()));
    co_await responder.SendFull(200, "application/json", body);
    co_return;
  }

  // X-Accel-Buffering stops nginx (a common front of real SSE servers) from buffering events.
  if (co_await responder.SendStreamHead(200, "text/event-stream",
                                        "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n")) {
    co_return;
  }
  // Every chunk of tokens, and the end: a drop or stall fault without fault_after hits the
  // middle of the answer.
  responder.ExpectParts((tokens.size() + plan.tokens_per_chunk - 1) / plan.tokens_per_chunk + 1);
  std::string event = format.StreamStart();
  for (std::size_t begin = 0; begin < tokens.size(); begin += plan.tokens_per_chunk) {
    const std::size_t end = std::min<std::size_t>(tokens.size(), begin + plan.tokens_per_chunk);
    if (co_await responder.WaitUntil(due(schedule.AdvanceTo(end - 1)))) co_return;
    event.append(format.StreamDelta(JoinTokens(tokens, begin, end)));
    if (co_await responder.SendChunk(event)) co_return;
    event.clear();
  }
  event.append(format.StreamEnd());
  if (co_await responder.SendChunk(event)) co_return;
  co_await responder.SendStreamEnd();
}

}  // namespace stampede::server
