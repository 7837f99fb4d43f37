// `stampede serve`: runs the mock streaming server until SIGINT or SIGTERM.
#include <pthread.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "server/listen_address.h"
#include "server/mock_server.h"

namespace stampede::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  int threads = 1;
};

// Every stream holds a descriptor, and the default soft limit (often 1024) is far below the
// tens of thousands of streams the mock must hold; the hard limit is ours to take.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

int RunServe(const ServeFlags& flags) {
  auto address = server::ParseListenAddress(flags.listen);
  if (!address) {
    std::fprintf(stderr, "stampede serve: %s\n", address.error().message.c_str());
    return 2;
  }
  RaiseOpenFileLimit();

  // Blocked before the workers start so they inherit the mask and only sigwait below sees the
  // signals: a handler could not safely call Stop().
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  // An ignored signal is discarded even while blocked, and a shell starts background jobs
  // with SIGINT ignored: without this, Ctrl-C or kill -INT would never reach sigwait.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  server::MockServer mock(server::ServerOptions{
      .host = address->host, .port = address->port, .threads = flags.threads});
  if (auto started = mock.Start(); !started) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    std::fprintf(stderr, "stampede serve: %s\n", started.error().message.c_str());
    return 2;
  }
  // Scripts and tests wait for this exact line to learn the port (and that we accept).
  std::printf("stampede serve: listening on http://%s\n",
              server::FormatHostPort(address->host, mock.port()).c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  mock.Stop();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the mock streaming server: GET /stream (chunked), /sse (Server-Sent Events), /health");
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  serve
      ->add_option("--threads", flags->threads,
                   "worker threads, each with its own event loop and listening socket "
                   "(0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  serve->callback([flags, &exit_code] { exit_code = RunServe(*flags); });
}

}  // namespace stampede::cli
