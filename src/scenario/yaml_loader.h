// Loads a scenario from YAML (docs/scenario.md). Every error names the file, the line and the
// column, and for an unknown key the nearest valid one:
//   chat.yaml:14:7: unknown key "reqest" in a step (did you mean "request"?)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "scenario/scenario.h"

namespace stampede::scenario {

core::Result<Scenario> LoadScenarioFile(const std::string& path);
// `name` stands for the file in error messages; relative data files are read from `base_dir`.
core::Result<Scenario> LoadScenarioText(std::string_view text, const std::string& name,
                                        const std::string& base_dir = "");

// The candidate nearest to `word` by edit distance, or "" when none is close enough to be a
// plausible typo.
std::string NearestWord(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace stampede::scenario
