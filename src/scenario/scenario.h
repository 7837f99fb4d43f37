// The scenario model: what to request, how to judge each response, and the load profile.
// A command-line run and (later) a YAML file both build this one model.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "scenario/template.h"
#include "scenario/url.h"

namespace stampede::scenario {

// How a response body is split into events. kAuto decides per response from its headers:
// text/event-stream -> kSse, chunked transfer coding -> kChunked, else kNone.
enum class StreamMode { kAuto, kNone, kChunked, kSse };
std::string_view ToString(StreamMode mode);
core::Result<StreamMode> ParseStreamMode(std::string_view text);

// burst: each user sends one request, all users at once; the level ends when all finish.
// duration: users loop (request after request) until the level's duration is over.
// rate (the open model): iterations arrive at a rate, whatever the responses, for a duration.
enum class LoadMode { kBurst, kDuration, kRate };
std::string_view ToString(LoadMode mode);
// "10,50/s,100": arrivals per second, each positive.
core::Result<std::vector<double>> ParseRateList(std::string_view text);

struct Timeouts {
  core::Nanos connect = 10 * core::kSecond;  // TCP connect and TLS handshake
  core::Nanos ttfb = 60 * core::kSecond;     // request sent -> first response byte
  core::Nanos idle = 30 * core::kSecond;     // longest silence between response bytes
  core::Nanos total = 5 * core::kMinute;     // request sent -> last byte
};

// An inclusive range of acceptable status codes.
struct StatusRange {
  int low = 200;
  int high = 299;
  bool Contains(int status) const { return status >= low && status <= high; }
};
// "200", "2xx", "200-204", or a comma-separated list of those.
core::Result<std::vector<StatusRange>> ParseStatusList(std::string_view text);

// A response header that must be present and equal a value or match a regular expression.
struct HeaderCheck {
  std::string name;
  std::optional<std::string> equals;
  std::optional<std::string> regex;  // ECMAScript, must match the whole value
};

// A value in a JSON body, found by a dotted path ("choices.0.finish_reason"): it must exist,
// or equal a JSON value (given as JSON text: "\"length\"", "3", "true").
struct JsonCheck {
  std::string path;
  std::optional<std::string> equals;
};

// What a response must satisfy after its status. Each failure is counted as check.<name>.
struct Checks {
  std::vector<StatusRange> expect_status = std::vector<StatusRange>(1);  // 2xx
  std::int64_t min_chunks = 0;
  std::int64_t max_chunks = -1;  // -1: no limit
  std::int64_t min_events = 0;
  std::int64_t max_events = -1;
  std::int64_t min_bytes = 0;
  std::int64_t max_bytes = -1;
  std::int64_t size = -1;  // exact body size
  std::string sha256;      // hex digest of the body
  std::string md5;
  std::vector<std::string> contains;  // each must occur in the body
  std::string regex;                  // must match somewhere in the body
  std::vector<HeaderCheck> headers;
  std::vector<JsonCheck> json;
  bool consistent = false;  // every response of the step identical in size and SHA-256

  bool needs_body() const { return !contains.empty() || !regex.empty() || !json.empty(); }
  bool needs_sha256() const { return !sha256.empty() || consistent; }
};

struct Header {
  std::string name;
  std::string value;
};

// When and how a failed request is sent again. `on` holds error categories or families:
// "429" or "http.429", "5xx", "reset", "refused", "timeout" (every timeout.*), "incomplete".
struct RetryPolicy {
  std::vector<std::string> on;
  int max = 0;  // retries after the first attempt; 0: never retry
  core::Nanos backoff_min = 200 * core::kMillisecond;
  core::Nanos backoff_max = 5 * core::kSecond;
  bool respect_retry_after = true;

  bool Matches(std::string_view category) const;
  // The wait before retry number `retry` (1-based): backoff_min doubled each retry, capped at
  // backoff_max; a Retry-After of the failed response replaces it when respected.
  core::Nanos Backoff(int retry, core::Nanos retry_after) const;
};

struct RequestSpec {
  std::string method = "GET";
  Url url;
  std::vector<Header> headers;
  std::string body;
  StreamMode stream = StreamMode::kAuto;
  Timeouts timeouts;
  Checks checks;
  RetryPolicy retry;
  bool insecure = false;  // skip TLS certificate verification

  // The request bytes as sent on the wire (request line, Host, headers, Content-Length, body).
  std::string Serialize() const;
  // The same with the target, header values and body given (their templates expanded).
  void SerializeTo(std::string& out, std::string_view target,
                   const std::vector<std::string_view>& header_values, std::string_view body) const;
};

struct LoadProfile {
  std::vector<std::int64_t> levels;  // users per level
  LoadMode mode = LoadMode::kBurst;
  core::Nanos duration = 0;                        // per level, kDuration only
  core::Nanos graceful_stop = 10 * core::kSecond;  // kDuration: time in-flight requests get
  core::Nanos ramp = 0;  // users of a level start evenly spread over this time (0: at once)
  // kRate: arrivals per second of each level (instead of `levels`), constant or Poisson, and at
  // most max_in_flight iterations running at once (an arrival beyond it is dropped, counted).
  std::vector<double> rates;
  bool poisson = true;
  std::int64_t max_in_flight = 10'000;
  core::Nanos cooldown = 0;  // pause between levels
  // Stages (duration mode): a duration and a ramp per level, instead of the shared ones.
  std::vector<core::Nanos> level_durations;
  std::vector<core::Nanos> level_ramps;

  core::Nanos DurationOf(std::size_t level) const {
    return level < level_durations.size() ? level_durations[level] : duration;
  }
  core::Nanos RampOf(std::size_t level) const {
    return level < level_ramps.size() ? level_ramps[level] : ramp;
  }
};

// A pause between steps: fixed when min == max, else uniform in [min, max].
// A pause between steps: fixed when min == max, else uniform in [min, max]; or drawn from an
// exponential (mean) or a normal (mean, stdev) distribution, clamped to [min, max] when max > 0.
struct ThinkTime {
  enum class Distribution { kUniform, kExponential, kNormal };
  core::Nanos min = 0;
  core::Nanos max = 0;
  Distribution distribution = Distribution::kUniform;
  core::Nanos mean = 0;
  core::Nanos stdev = 0;

  // One pause, drawn with `random`.
  core::Nanos Draw(core::Random& random) const;
};
// "1s" or "1s..3s".
core::Result<ThinkTime> ParseThinkTime(std::string_view text);

// What a `ws` step says once its WebSocket is open: `count` messages `every` apart, message k
// due at (handshake done) + k * every, then `end` as text; then it waits for what it expects
// and closes. Its upgrade request (url as http/https, headers, timeouts, insecure) is the
// step's `request`, so it shares endpoints, templates and validation with request steps.
struct WsSpec {
  enum class Send { kNone, kBinary, kText, kFile };
  // After the conversation: close with 1000 (kNormal), wait for the server to close (kWait),
  // or drop the connection without a close frame (kAbort).
  enum class Close { kNormal, kWait, kAbort };

  bool tls = false;  // wss
  Send send = Send::kNone;
  std::string payload;          // kBinary, kText: each message; kFile: the whole file
  std::int64_t frame_size = 0;  // kFile: bytes per message (0: the whole file)
  core::Nanos every = 0;
  std::int64_t count = 0;
  std::string end;  // sent as text after the last message (empty: nothing)
  // Received messages needed (-1: wait for a reply to every message sent instead).
  std::int64_t expect_messages = -1;
  bool expect_final = false;
  std::string final_marker;  // empty: a JSON message with "type": "final"; else containing this
  Close close = Close::kNormal;
};

// One step of a user's scenario. Requests are named in the per-step table by `name` (default
// "METHOD path", "WS path" for ws); loops and groups hold steps of their own.
struct Step {
  enum class Kind { kRequest, kThink, kLoop, kGroup, kWs };
  Kind kind = Kind::kRequest;
  std::string name;
  RequestSpec request;      // kRequest; kWs: its upgrade request
  ThinkTime think;          // kThink
  std::int64_t count = 1;   // kLoop
  std::vector<Step> steps;  // kLoop, kGroup
  WsSpec ws;                // kWs
};

// A kind of user: its steps, run in order once per iteration, and its share of the users.
struct UserClass {
  std::string name = "default";
  double weight = 1;
  std::vector<Step> steps;
};

struct Scenario {
  std::vector<UserClass> users;
  LoadProfile load;
  int threads = 0;  // 0: one worker per core
  // Rows for {{data.COLUMN}} placeholders (a `data:` file), shared read-only.
  std::shared_ptr<const DataTable> data;
  // Service-level objectives as written ("ttfe.p95", "< 2.5s"); judged per level by analysis.
  std::vector<std::pair<std::string, std::string>> slo;

  // A scenario of one user class that sends one request per iteration (a command-line run).
  static Scenario SingleRequest(RequestSpec request, LoadProfile load);
};

// Calls `visit` for every request step and ws step (whose `request` is its upgrade), depth
// first, in the order a user runs them.
void ForEachRequest(const Scenario& scenario, const std::function<void(const Step&)>& visit);

// Checks a scenario for contradictions a user can fix; the message names the flag or field.
core::Result<void> Validate(const Scenario& scenario);

}  // namespace stampede::scenario
