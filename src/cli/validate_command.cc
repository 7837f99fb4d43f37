// `stampede validate FILE`: loads a scenario and reports what it would run, or the first error
// with its file, line and column. Sends no request.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "scenario/yaml_loader.h"

namespace stampede::cli {
namespace {

int Validate(const std::string& path) {
  auto loaded = scenario::LoadScenarioFile(path);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    return 2;
  }
  int requests = 0;
  scenario::ForEachRequest(*loaded, [&](const scenario::Step&) { ++requests; });
  std::string levels;
  for (auto users : loaded->load.levels)
    levels += (levels.empty() ? "" : ",") + std::to_string(users);
  std::string classes;
  for (const auto& user : loaded->users) {
    classes +=
        fmt::format("{}{} (weight {:g})", classes.empty() ? "" : ", ", user.name, user.weight);
  }
  std::printf("%s: ok · %zu user class%s: %s · %d request step%s · levels %s · %s\n", path.c_str(),
              loaded->users.size(), loaded->users.size() == 1 ? "" : "es", classes.c_str(),
              requests, requests == 1 ? "" : "s", levels.c_str(),
              loaded->load.mode == scenario::LoadMode::kBurst
                  ? "burst"
                  : fmt::format("duration {:g}s", static_cast<double>(loaded->load.duration) / 1e9)
                        .c_str());
  return 0;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* validate =
      app.add_subcommand("validate", "Check a scenario file and show what it would run");
  validate->add_option("file", *path, "Scenario file (YAML)")->required();
  validate->callback([path, &exit_code] { exit_code = Validate(*path); });
}

}  // namespace stampede::cli
