#include "server/fault_injector.h"

#include <charconv>
#include <string>

#include "server/route_limits.h"

namespace stampede::server {

std::string_view FaultName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kError:
      return "error";
    case FaultKind::kDrop:
      return "drop";
    case FaultKind::kStall:
      return "stall";
    case FaultKind::kCorrupt:
      return "corrupt";
  }
  return "none";
}

namespace {

core::Result<unsigned> ParseStatus(std::string_view text, std::string_view what) {
  unsigned status = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || status < 400 ||
      status > 599) {
    return core::MakeError("invalid " + std::string(what) + " \"" + std::string(text) +
                           "\": expected an error status from 400 to 599");
  }
  return status;
}

}  // namespace

core::Result<FaultPlan> PlanFault(const RequestKnobs& knobs, const HttpRequest& request,
                                  const FaultRates& rates, core::Random& random) {
  FaultPlan plan;
  auto after = knobs.GetUint("fault_after", 0, 0, kMaxCount);
  if (!after) return after.error();
  if (knobs.Get("fault_after")) plan.after = *after;

  if (const auto forced = knobs.Get("fault")) {
    bool known = false;
    for (const FaultKind kind : {FaultKind::kNone, FaultKind::kError, FaultKind::kDrop,
                                 FaultKind::kStall, FaultKind::kCorrupt}) {
      if (*forced == FaultName(kind)) {
        plan.kind = kind;
        known = true;
      }
    }
    if (!known) {
      return core::MakeError("invalid fault \"" + *forced +
                             "\": expected error, drop, stall, corrupt or none");
    }
    plan.error_status = rates.error_status;
    if (plan.kind == FaultKind::kError) {
      if (const auto status = knobs.Get("error_status")) {
        auto parsed = ParseStatus(*status, "error_status");
        if (!parsed) return parsed.error();
        plan.error_status = *parsed;
      }
    }
    return plan;
  }
  if (const auto it = request.find("x-return-error"); it != request.end()) {
    auto status = ParseStatus(it->value(), "X-Return-Error");
    if (!status) return status.error();
    plan.kind = FaultKind::kError;
    plan.error_status = *status;
    return plan;
  }

  if (rates.error + rates.drop + rates.stall + rates.corrupt <= 0) return plan;
  const double draw = random.Uniform01();
  double bound = 0;
  for (const auto& [kind, rate] :
       {std::pair{FaultKind::kError, rates.error}, std::pair{FaultKind::kDrop, rates.drop},
        std::pair{FaultKind::kStall, rates.stall}, std::pair{FaultKind::kCorrupt, rates.corrupt}}) {
    bound += rate;
    if (draw < bound) {
      plan.kind = kind;
      break;
    }
  }
  if (plan.kind == FaultKind::kError) plan.error_status = rates.error_status;
  return plan;
}

std::uint64_t FaultInjector::FaultIndex() const {
  if (plan_.after) return *plan_.after;
  return expected_parts_ > 0 ? expected_parts_ / 2 : 1;
}

FaultInjector::Action FaultInjector::BeforePart() {
  const std::uint64_t index = parts_++;
  if (fired_ && plan_.kind != FaultKind::kCorrupt) return Action::kDrop;  // misuse: stay cut
  if (fired_ || index != FaultIndex()) return Action::kSend;
  return ForWholeBody();  // the part the fault was planned for gets it like a whole body
}

FaultInjector::Action FaultInjector::BeforeEnd() {
  if (plan_.kind == FaultKind::kDrop) {
    fired_ = true;
    return Action::kDrop;
  }
  if (plan_.kind == FaultKind::kStall) {
    fired_ = true;
    return Action::kStall;
  }
  return Action::kSend;
}

FaultInjector::Action FaultInjector::ForWholeBody() {
  switch (plan_.kind) {
    case FaultKind::kDrop:
      fired_ = true;
      return Action::kDrop;
    case FaultKind::kStall:
      fired_ = true;
      return Action::kStall;
    case FaultKind::kCorrupt:
      fired_ = true;
      return Action::kCorrupt;
    case FaultKind::kNone:
    case FaultKind::kError:
      break;
  }
  return Action::kSend;
}

std::size_t FaultInjector::Corrupt(std::span<char> bytes) {
  if (bytes.empty()) return 0;
  const std::size_t index = bytes.size() / 2;
  bytes[index] = static_cast<char>(static_cast<unsigned char>(bytes[index]) ^ 0x01U);
  return index;
}

}  // namespace stampede::server
