// stampede: a stress-testing tool for streaming servers. main only wires the subcommands.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"stampede: stress-test streaming servers (chunked HTTP, SSE, LLM token streams)"};
  app.require_subcommand(1);
  int exit_code = 0;
  stampede::cli::RegisterRunCommand(app, exit_code);
  stampede::cli::RegisterServeCommand(app, exit_code);
  stampede::cli::RegisterValidateCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
