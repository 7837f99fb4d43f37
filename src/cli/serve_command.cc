// `stampede serve`: runs the mock streaming server until SIGINT or SIGTERM.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

// Reserves `port` (or a free port when 0) on `host` for the processes about to share it: a
// bound, not listening, SO_REUSEPORT socket keeps another program from taking it meanwhile.
// Returns the socket and sets `port`; -1 with errno on failure.
int ReservePort(const std::string& host, std::uint16_t& port) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    errno = EINVAL;
    return -1;
  }
  const int fd = ::socket(address.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int enable = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &enable, sizeof(enable));
  const boost::asio::ip::tcp::endpoint endpoint(address, port);
  if (::bind(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return fd;
}

// This process's arguments with --listen and --processes replaced, for a child process.
std::vector<std::string> ChildArguments(const std::string& listen) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> arguments;
  for (std::string argument; std::getline(in, argument, '\0');) arguments.push_back(argument);
  std::vector<std::string> child;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--listen" || argument == "--processes") {
      ++i;
      continue;
    }
    if (argument.starts_with("--listen=") || argument.starts_with("--processes=")) continue;
    child.push_back(argument);
  }
  child.insert(child.end(), {"--listen", listen, "--processes", "1"});
  return child;
}

// Starts one child `stampede serve` and waits (up to 10 s) for its listening line. Returns its
// PID, or -1 after printing why.
pid_t StartChild(const std::vector<std::string>& arguments) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    // The children go when the parent goes, however it goes.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    std::vector<char*> argv;
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string line;
  pollfd readable{pipe_fds[0], POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (::poll(&readable, 1, 100) <= 0) continue;
    char bytes[256];
    const ssize_t received = ::read(pipe_fds[0], bytes, sizeof(bytes));
    if (received <= 0) break;
    line.append(bytes, static_cast<std::size_t>(received));
  }
  ::close(pipe_fds[0]);
  if (line.find("listening on") == std::string::npos) {
    std::fprintf(stderr, "stampede serve: a child process did not start\n");
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  return pid;
}

void StopChildren(const std::vector<pid_t>& children) {
  for (pid_t child : children) ::kill(child, SIGTERM);
  for (pid_t child : children) ::waitpid(child, nullptr, 0);
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

  // --processes N: this process and N-1 children (the same command, one process each) bind one
  // port with SO_REUSEPORT. Limits are per process, so each gets its share of them.
  std::vector<pid_t> children;
  if (options->processes > 1) {
    const int reserved = ReservePort(options->host, options->port);
    if (reserved < 0) {
      std::fprintf(stderr, "stampede serve: cannot listen on %s: %s\n",
                   server::FormatHostPort(options->host, options->port).c_str(),
                   std::strerror(errno));
      return 2;
    }
    const auto arguments = ChildArguments(server::FormatHostPort(options->host, options->port));
    for (int i = 1; i < options->processes; ++i) {
      const pid_t child = StartChild(arguments);
      if (child < 0) {
        StopChildren(children);
        ::close(reserved);
        return 2;
      }
      children.push_back(child);
    }
    ::close(reserved);
    const double share = 1.0 / options->processes;
    options->rpm *= share;
    options->tpm *= share;
    if (options->max_concurrent > 0) {
      options->max_concurrent = std::max<std::int64_t>(
          1, (options->max_concurrent + options->processes - 1) / options->processes);
    }
  }

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
    StopChildren(children);
    std::fprintf(stderr, "stampede serve: %s\n", started.error().message.c_str());
    return 2;
  }
  // Scripts and tests wait for this exact line to learn the port (and that we accept).
  std::printf("stampede serve: listening on http://%s\n",
              server::FormatHostPort(address->host, mock.port()).c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  for (pid_t child : children) ::kill(child, SIGTERM);  // they drain alongside
  // A second signal while draining cuts the streams at once.
  std::atomic<bool> drained{false};
  std::thread drainer([&] {
    mock.Drain(options->drain);
    drained = true;
  });
  const timespec poll_interval{0, 50'000'000};
  while (!drained) {
    if (sigtimedwait(&stop_signals, nullptr, &poll_interval) > 0) {
      mock.CutDrain();
      for (pid_t child : children) ::kill(child, SIGKILL);
    }
  }
  drainer.join();
  StopChildren(children);
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
