// JSON text written by hand on the hot path of the LLM streams (one event per token), where
// building a DOM per chunk would cost more than the rest of the send. Tests parse the output.
#pragma once

#include <string>
#include <string_view>

namespace stampede::server {

// Appends `text` as a JSON string literal (with its quotes). `text` must be valid UTF-8, which
// it is when it came from a parsed JSON document or the built-in text; bytes from 0x80 on pass
// through unchanged (RFC 8259 §7 allows them raw).
void AppendJsonString(std::string& out, std::string_view text);
// The same, returned.
std::string JsonString(std::string_view text);

}  // namespace stampede::server
