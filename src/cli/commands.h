// The subcommands of the stampede binary. Each Register* adds its subcommand, options and
// callback to the app; the callback stores the process exit code in `exit_code`
// (0 success, 1 an SLO or check verdict failed, 2 usage or setup error).
#pragma once

namespace CLI {
class App;
}

namespace stampede::cli {

void RegisterRunCommand(CLI::App& app, int& exit_code);
void RegisterServeCommand(CLI::App& app, int& exit_code);
void RegisterValidateCommand(CLI::App& app, int& exit_code);

}  // namespace stampede::cli
