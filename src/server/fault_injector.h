// The faults the mock injects into a response: an error status instead of the route's answer,
// a connection dropped midway (no terminating chunk), a stream that stalls midway with the
// connection left open, or one corrupted byte. PlanFault decides a request's fault (forced by
// the request, else drawn against the configured rates); a FaultInjector, held by the
// request's Responder, says what to do with each part of the body, so every route gets faults
// without code of its own. Sans-I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "server/query_params.h"
#include "server/request_knobs.h"
#include "server/server_options.h"

namespace stampede::server {

enum class FaultKind { kNone, kError, kDrop, kStall, kCorrupt };
inline constexpr std::array<FaultKind, 4> kFaultKinds = {FaultKind::kError, FaultKind::kDrop,
                                                         FaultKind::kStall, FaultKind::kCorrupt};

// "error", "drop", "stall", "corrupt" ("none" for kNone).
std::string_view FaultName(FaultKind kind);

struct FaultPlan {
  FaultKind kind = FaultKind::kNone;
  unsigned error_status = 0;  // kError: the status to answer
  // kDrop, kStall, kCorrupt: the fault hits the body part (chunk or slice) of this index, so
  // `after` parts go out intact first. Unset: the middle part when the route announced how many
  // it sends, else part 1.
  std::optional<std::uint64_t> after;
};

// A request forces its fault with the knob `fault` (query `fault=` or header
// `x-stampede-fault`: error|drop|stall|corrupt|none), or with llm-d inference-sim's
// `X-Return-Error: <status>`; knob `fault_after` places it. Otherwise one draw from `random`
// against `rates` (cumulatively, in the order error, drop, stall, corrupt), and none at all when
// every rate is 0. The error names the knob with a bad value.
core::Result<FaultPlan> PlanFault(const RequestKnobs& knobs, const HttpRequest& request,
                                  const FaultRates& rates, core::Random& random);

// Applies one request's plan to the parts of its body, in order.
class FaultInjector {
 public:
  enum class Action { kSend, kCorrupt, kDrop, kStall };

  FaultInjector() = default;
  explicit FaultInjector(FaultPlan plan) : plan_(plan) {}

  // How many parts the route will send (0: unknown or unbounded). Places an unplaced fault.
  void ExpectParts(std::uint64_t parts) { expected_parts_ = parts; }

  // For the next body part. kDrop and kStall are final: nothing more may be sent.
  Action BeforePart();
  // Before the end of the body: a drop or stall planned beyond the last part happens here,
  // so the response still never ends properly.
  Action BeforeEnd();
  // For a body sent whole: the fault, if any (drop and stall cut it in the middle).
  Action ForWholeBody();

  // The fault that fired (kNone until then), for metrics.
  FaultKind fired() const { return fired_ ? plan_.kind : FaultKind::kNone; }
  const FaultPlan& plan() const { return plan_; }

  // Flips the lowest bit of the middle byte, so `bytes` (not empty) differs in exactly one byte.
  // Returns its index.
  static std::size_t Corrupt(std::span<char> bytes);

 private:
  std::uint64_t FaultIndex() const;

  FaultPlan plan_;
  std::uint64_t expected_parts_ = 0;
  std::uint64_t parts_ = 0;
  bool fired_ = false;
};

}  // namespace stampede::server
