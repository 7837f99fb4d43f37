#include "load/ws_send_schedule.h"

#include <algorithm>

namespace stampede::load {

using Send = scenario::WsSpec::Send;

WsSendSchedule::WsSendSchedule(const scenario::WsSpec& spec, core::Nanos start)
    : spec_(&spec), start_(start) {}

core::Nanos WsSendSchedule::DueAt(std::int64_t k) const {
  // The end message follows the last paced one at once: it says the audio is over.
  const std::int64_t slot = std::min(k, std::max<std::int64_t>(spec_->count - 1, 0));
  return start_ + slot * spec_->every;
}

core::Nanos WsSendSchedule::Lateness(std::int64_t k, core::Nanos now) const {
  return std::max<core::Nanos>(0, now - DueAt(k));
}

WsSendSchedule::Message WsSendSchedule::MessageAt(std::int64_t k) const {
  if (is_end(k)) return {spec_->end, true};
  const std::string_view payload = spec_->payload;
  if (spec_->send != Send::kFile || spec_->frame_size <= 0) {
    return {payload, spec_->send == Send::kText};
  }
  const auto size = static_cast<std::int64_t>(payload.size());
  const std::int64_t frames = (size + spec_->frame_size - 1) / spec_->frame_size;
  const std::int64_t offset = (k % frames) * spec_->frame_size;
  return {payload.substr(static_cast<std::size_t>(offset),
                         static_cast<std::size_t>(std::min(spec_->frame_size, size - offset))),
          false};
}

}  // namespace stampede::load
