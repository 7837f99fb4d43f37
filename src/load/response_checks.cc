#include "load/response_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "load/error_category.h"

namespace stampede::load {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

std::optional<std::string> JsonPathValue(std::string_view json_text, std::string_view path) {
  const auto document = nlohmann::json::parse(json_text, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  const nlohmann::json* node = &document;
  std::size_t at = 0;
  while (at <= path.size() && !path.empty()) {
    const std::size_t dot = std::min(path.find('.', at), path.size());
    const std::string_view key = path.substr(at, dot - at);
    if (node->is_object()) {
      const auto found = node->find(std::string(key));
      if (found == node->end()) return std::nullopt;
      node = &*found;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || ptr != key.data() + key.size() || index >= node->size()) {
        return std::nullopt;
      }
      node = &(*node)[index];
    } else {
      return std::nullopt;
    }
    at = dot + 1;
    if (dot == path.size()) break;
  }
  return node->dump();
}

core::Result<ResponseChecks> ResponseChecks::Compile(const scenario::Checks& checks) {
  ResponseChecks compiled;
  compiled.checks_ = checks;
  try {
    for (const auto& header : checks.headers) {
      compiled.header_regex_.push_back(header.regex ? std::optional<std::regex>(*header.regex)
                                                    : std::nullopt);
    }
    if (!checks.regex.empty()) compiled.body_regex_.emplace(checks.regex);
  } catch (const std::regex_error& error) {
    return core::MakeError(fmt::format("invalid regular expression: {}", error.what()));
  }
  for (auto& check : compiled.checks_.json) {
    if (check.equals) {
      const auto value = nlohmann::json::parse(*check.equals, nullptr, false);
      if (value.is_discarded()) {
        return core::MakeError(
            fmt::format("json check {}: \"{}\" is not a JSON value (quote strings: '\"length\"')",
                        check.path, *check.equals));
      }
      check.equals = value.dump();
    }
  }
  return compiled;
}

std::string ResponseChecks::Judge(const ResponseObserver& response) const {
  const auto& c = checks_;
  bool status_ok = false;
  for (const auto& range : c.expect_status) status_ok |= range.Contains(response.status());
  if (!status_ok) return HttpCategory(response.status());
  if (response.chunks() < c.min_chunks) return CheckCategory("min_chunks");
  if (c.max_chunks >= 0 && response.chunks() > c.max_chunks) return CheckCategory("max_chunks");
  if (response.events() < c.min_events) return CheckCategory("min_events");
  if (c.max_events >= 0 && response.events() > c.max_events) return CheckCategory("max_events");
  if (response.bytes() < c.min_bytes) return CheckCategory("min_bytes");
  if (c.max_bytes >= 0 && response.bytes() > c.max_bytes) return CheckCategory("max_bytes");
  if (c.size >= 0 && response.bytes() != c.size) return CheckCategory("size");
  if (!c.sha256.empty() && Lower(c.sha256) != response.sha256()) return CheckCategory("sha256");
  if (!c.md5.empty() && Lower(c.md5) != response.md5()) return CheckCategory("md5");
  for (std::size_t i = 0; i < c.headers.size(); ++i) {
    const auto& check = c.headers[i];
    const auto value = response.head().Header(check.name);
    const std::string category = CheckCategory("header." + Lower(check.name));
    if (!value) return category;
    if (check.equals && *value != *check.equals) return category;
    if (header_regex_[i] && !std::regex_match(value->begin(), value->end(), *header_regex_[i])) {
      return category;
    }
  }
  for (const auto& needle : c.contains) {
    if (response.body().find(needle) == std::string::npos) return CheckCategory("contains");
  }
  if (body_regex_ && !std::regex_search(response.body(), *body_regex_)) {
    return CheckCategory("regex");
  }
  for (const auto& check : c.json) {
    const auto value = JsonPathValue(response.body(), check.path);
    // Compared as JSON values, so 3 equals 3.0 and key order does not matter.
    if (!value ||
        (check.equals && nlohmann::json::parse(*value) != nlohmann::json::parse(*check.equals))) {
      return CheckCategory("json." + check.path);
    }
  }
  return {};
}

}  // namespace stampede::load
