// Judges a complete response against its step's checks: the status first, then each check in
// the order docs/scenario.md lists them. The first that fails names the error category
// ("http.503", "check.min_events", "check.header.content-type", "check.json.choices.0.x").
// Regular expressions are compiled once per run, when the plan is built.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/result.h"
#include "load/response_observer.h"
#include "scenario/scenario.h"

namespace stampede::load {

class ResponseChecks {
 public:
  // Fails for a regular expression that does not compile, naming it.
  static core::Result<ResponseChecks> Compile(const scenario::Checks& checks);

  // The error category of the first failed check, or "" when the response passes.
  std::string Judge(const ResponseObserver& response) const;

  bool needs_headers() const { return !checks_.headers.empty(); }
  bool needs_body() const { return checks_.needs_body(); }
  bool needs_sha256() const { return checks_.needs_sha256(); }
  bool needs_md5() const { return !checks_.md5.empty(); }
  bool consistent() const { return checks_.consistent; }

 private:
  scenario::Checks checks_;
  std::vector<std::optional<std::regex>> header_regex_;  // parallel to checks_.headers
  std::optional<std::regex> body_regex_;
};

// The value at a dotted path in a JSON text ("choices.0.delta.content"), as JSON text; nullopt
// when the text is not JSON or the path does not exist.
std::optional<std::string> JsonPathValue(std::string_view json_text, std::string_view path);

}  // namespace stampede::load
