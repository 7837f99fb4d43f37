// The result model <-> JSON (schema in docs/result-schema.md). Every metric is written as a
// summary (count, min, mean, stdev, percentiles, max) and its serialised histogram, so a saved
// run can be re-rendered, compared and merged exactly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "stats/run_result.h"

namespace stampede::report {

nlohmann::json ToJson(const stats::RunResult& result);
core::Result<stats::RunResult> FromJson(const nlohmann::json& json);

core::Result<void> WriteJsonFile(const stats::RunResult& result, const std::string& path);
core::Result<stats::RunResult> ReadJsonFile(const std::string& path);

}  // namespace stampede::report
