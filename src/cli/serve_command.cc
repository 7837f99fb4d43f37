// `stampede serve`: runs the mock streaming server until SIGINT or SIGTERM.
#include <pthread.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/units.h"
#include "server/listen_address.h"
#include "server/mock_server.h"

namespace stampede::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  server::ServerOptions options;
  std::string drain = "5s";
  std::string header_timeout = "10s";
  std::string idle_timeout = "120s";
  std::string max_header_bytes = "16KiB";
  std::string max_body_bytes = "1MiB";
};

// The duration and size flags, parsed into the options; the error names the flag.
core::Result<server::ServerOptions> BuildOptions(const ServeFlags& flags) {
  server::ServerOptions options = flags.options;
  struct DurationFlag {
    const char* name;
    const std::string& text;
    std::chrono::milliseconds& target;
  };
  for (const DurationFlag& flag :
       {DurationFlag{"--drain", flags.drain, options.drain},
        DurationFlag{"--header-timeout", flags.header_timeout, options.header_timeout},
        DurationFlag{"--idle-timeout", flags.idle_timeout, options.idle_timeout}}) {
    auto parsed = core::ParseDuration(flag.text);
    if (!parsed) return core::MakeError(std::string(flag.name) + ": " + parsed.error().message);
    flag.target =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(*parsed));
  }
  struct SizeFlag {
    const char* name;
    const std::string& text;
    std::size_t& target;
  };
  for (const SizeFlag& flag :
       {SizeFlag{"--max-header-bytes", flags.max_header_bytes, options.max_header_bytes},
        SizeFlag{"--max-body-bytes", flags.max_body_bytes, options.max_body_bytes}}) {
    auto parsed = core::ParseSize(flag.text);
    if (!parsed) return core::MakeError(std::string(flag.name) + ": " + parsed.error().message);
    flag.target = static_cast<std::size_t>(*parsed);
  }
  return options;
}

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
  auto options = BuildOptions(flags);
  if (!options) {
    std::fprintf(stderr, "stampede serve: %s\n", options.error().message.c_str());
    return 2;
  }
  options->host = address->host;
  options->port = address->port;
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

  server::MockServer mock(*options);
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
  mock.Drain(options->drain);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  auto& options = flags->options;
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the mock streaming server (OpenAI- and Anthropic-style LLM streams, chunked, SSE, "
      "downloads, WebSocket, rate limits, faults)");
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  serve
      ->add_option("--threads", options.threads,
                   "worker threads, each with its own event loop and listening socket "
                   "(0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  serve
      ->add_option("--processes", options.processes,
                   "processes sharing the port (SO_REUSEPORT); limits apply per process")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--drain", flags->drain, "on SIGTERM, how long streams get to finish")
      ->capture_default_str();
  serve->add_option("--seed", options.seed, "seed of every random choice")->capture_default_str();
  serve->add_option("--profile", options.profile, "latency profile of the LLM routes (a preset)")
      ->capture_default_str();
  serve->add_option("--rpm", options.rpm, "requests per minute before 429 (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  serve->add_option("--tpm", options.tpm, "LLM tokens per minute before 429 (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  serve
      ->add_option("--max-concurrent", options.max_concurrent,
                   "requests in progress beyond which the answer is 503 (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  serve
      ->add_option("--fault-error", options.faults.error,
                   "share of requests answered with an error status")
      ->check(CLI::Range(0.0, 1.0));
  serve
      ->add_option("--error-status", options.faults.error_status,
                   "the status --fault-error answers")
      ->check(CLI::Range(400, 599))
      ->capture_default_str();
  serve
      ->add_option("--fault-drop", options.faults.drop,
                   "share of streams whose connection drops midway")
      ->check(CLI::Range(0.0, 1.0));
  serve->add_option("--fault-stall", options.faults.stall, "share of streams that stall midway")
      ->check(CLI::Range(0.0, 1.0));
  serve
      ->add_option("--fault-corrupt", options.faults.corrupt,
                   "share of responses with one corrupted byte")
      ->check(CLI::Range(0.0, 1.0));
  serve
      ->add_option("--header-timeout", flags->header_timeout,
                   "a request head must arrive within this")
      ->capture_default_str();
  serve
      ->add_option("--idle-timeout", flags->idle_timeout,
                   "a kept-alive connection may idle this long")
      ->capture_default_str();
  serve->add_option("--max-header-bytes", flags->max_header_bytes, "larger request heads get 431")
      ->capture_default_str();
  serve->add_option("--max-body-bytes", flags->max_body_bytes, "larger request bodies get 413")
      ->capture_default_str();
  serve->callback([flags, &exit_code] { exit_code = RunServe(*flags); });
}

}  // namespace stampede::cli
