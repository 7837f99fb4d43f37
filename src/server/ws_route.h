// The WebSocket endpoints of the mock. A GET at /ws/echo or /ws/asr that asks for a WebSocket
// upgrade (RFC 6455 §4.2.1) takes its connection over: Beast answers 101 and the session runs
// until either side closes; anything else at these paths is 426 Upgrade Required (405 for a
// method other than GET).
//
//   /ws/echo  sends every message back unchanged, text as text and binary as binary.
//   /ws/asr   a streaming speech-to-text mock (asr_session.h): binary frames of audio in, a JSON
//             partial transcript per frame out `delay_ms` after the frame arrived, and on a text
//             `end` (or {"type":"end"}) the final transcript, then a close with 1000. Other text
//             messages are ignored. Knobs (query or x-stampede-* header of the upgrade request):
//             delay_ms (50), jitter_ms (0), sample_rate (16000).
//
// A message over kWebSocketMessageMax closes the session with 1009; a protocol violation closes
// it with Beast's code (1002, or 1007 for a text message that is not UTF-8). Sessions idle
// longer than the server's idle_timeout get a ping, then a close.
#pragma once

#include <cstddef>
#include <string_view>

#include "asio/awaitable.h"
#include "server/request_knobs.h"
#include "server/responder.h"
#include "server/server_state.h"

namespace stampede::server {

inline constexpr std::size_t kWebSocketMessageMax = std::size_t{1024} * 1024;

// True for the paths RouteWebSocket answers, whatever the method.
bool IsWebSocketPath(std::string_view path);

// Not a coroutine: it checks the request and reads the knobs now and returns the session's
// coroutine. `request` must outlive it (the connection keeps it until the route returns).
boost::asio::awaitable<void> RouteWebSocket(std::string_view path, std::string_view query_string,
                                            const HttpRequest& request, Responder& responder,
                                            RouteContext& context);

}  // namespace stampede::server
