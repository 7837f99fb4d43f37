// Jitter for scheduled events (the knob jitter_ms of /stream and /sse): each event's time moves
// by a uniform amount in [-jitter, +jitter], drawn from the worker's seeded Random, but never
// before the previous event, so events keep their order and a run replays from its seed.
#pragma once

#include <chrono>

#include "core/random.h"

namespace stampede::server {

// `due` moved by the draw and then clamped to be no earlier than `not_before` (the previous
// event's time, or the request's start for the first). A zero jitter returns max(due,
// not_before) without a draw.
std::chrono::steady_clock::time_point Jitter(std::chrono::steady_clock::time_point due,
                                             std::chrono::steady_clock::time_point not_before,
                                             std::chrono::milliseconds jitter,
                                             core::Random& random);

}  // namespace stampede::server
