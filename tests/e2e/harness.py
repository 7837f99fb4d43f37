"""Helpers for end-to-end tests of the stampede binary (Python 3 standard library only).

The binary comes from the STAMPEDE_BIN environment variable (ctest sets it). `ServeProcess`
runs `stampede serve` on a free port for the length of a `with` block:

    with ServeProcess() as server:
        urllib.request.urlopen(server.url("/health"))
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import unittest

LISTENING_LINE = re.compile(r"^stampede serve: listening on (http://(\S+):(\d+))\s*$")


def stampede_bin():
    """Path of the stampede binary under test, from STAMPEDE_BIN."""
    path = os.environ.get("STAMPEDE_BIN")
    if not path:
        raise RuntimeError("set STAMPEDE_BIN to the stampede binary (ctest does this)")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"STAMPEDE_BIN={path} is not an executable file")
    return path


def free_port(host="127.0.0.1"):
    """A TCP port nobody listens on right now (another process may take it before you do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _read_first_line(stream, timeout):
    """The first line of `stream`, or None when nothing arrives within `timeout` seconds."""
    result = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else None


class ManagedProcess:
    """A subprocess a test starts and stops by its PID: SIGTERM, then SIGKILL after
    `stop_timeout`. Subclasses start it with _spawn() in their start()."""

    process = None
    returncode = None
    stop_timeout = 5.0
    _stderr = None
    _stderr_text = ""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
        return False

    def _spawn(self, args):
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self._stderr, text=True)

    def stop(self):
        """Stops the process (SIGTERM, then SIGKILL) and returns its exit code."""
        if self.process is None:
            return self.returncode
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.returncode = self.process.returncode
        self.process.stdout.close()
        self.process = None
        self._stderr_text = self.stderr()
        self._stderr.close()
        self._stderr = None
        return self.returncode

    def stderr(self):
        """Everything the process wrote to stderr (so far, or until it stopped)."""
        if self._stderr is None:
            return self._stderr_text
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")


class ServeProcess(ManagedProcess):
    """`stampede serve --listen HOST:0 [extra args]` as a subprocess.

    Entering waits for the "listening on" line and parses the port from it; leaving stops the
    process by its PID: SIGTERM, then SIGKILL if it has not exited within `stop_timeout`.
    """

    def __init__(self, extra_args=(), host="127.0.0.1", port=0, start_timeout=10.0,
                 stop_timeout=5.0):
        self.args = [stampede_bin(), "serve", "--listen", f"{host}:{port}", *extra_args]
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.base_url = None
        self.host = None
        self.port = None

    def start(self):
        self._spawn(self.args)
        line = _read_first_line(self.process.stdout, self.start_timeout)
        match = LISTENING_LINE.match(line or "")
        if not match:
            self.stop()
            raise RuntimeError(
                f"{' '.join(self.args)} did not report a listening address within "
                f"{self.start_timeout} s; first line: {line!r}; exit code: {self.returncode}; "
                f"stderr: {self.stderr()!r}")
        self.base_url, self.host, self.port = match.group(1), match.group(2), int(match.group(3))

    def url(self, path):
        return self.base_url + path


def require_program(name):
    """Skips the calling test when `name` is not on PATH."""
    path = shutil.which(name)
    if path is None:
        raise unittest.SkipTest(f"{name} is not installed")
    return path


class RunResult:
    """What one `stampede run` printed and wrote."""

    def __init__(self, completed, result):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.json = result

    def level(self, index=0):
        return self.json["levels"][index]

    def describe(self):
        return f"exit {self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


def run_stampede(*args, timeout=180, env=None):
    """`stampede run ARGS --no-progress --json FILE`; returns the exit code, output and JSON."""
    workdir = tempfile.mkdtemp(prefix="stampede-e2e-")
    try:
        json_path = os.path.join(workdir, "result.json")
        completed = subprocess.run(
            [stampede_bin(), "run", *args, "--no-progress", "--json", json_path],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
            check=False, env=env)
        result = None
        if os.path.exists(json_path):
            with open(json_path, encoding="utf-8") as f:
                result = json.load(f)
        return RunResult(completed, result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


SYSTEM_PYTHON = "/usr/bin/python3"
SERVERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "servers")


class PeerServer(ManagedProcess):
    """A test server of ours in Python (servers/NAME), run by Debian's /usr/bin/python3 on
    127.0.0.1 and a free port; it prints "listening on PORT" once it accepts. Stopped by PID.
    `requires` is a module the server imports: the calling test is skipped without it."""

    def __init__(self, script, extra_args=(), requires=None, start_timeout=20.0):
        self.script = os.path.join(SERVERS, script)
        self.extra_args = list(extra_args)
        self.requires = requires
        self.start_timeout = start_timeout
        self.stop_timeout = 5.0
        self.port = None

    def start(self):
        if self.requires:
            probe = subprocess.run([SYSTEM_PYTHON, "-c", f"import {self.requires}"],
                                   capture_output=True, check=False)
            if probe.returncode != 0:
                raise unittest.SkipTest(f"python3 module {self.requires} is not installed")
        self._spawn([SYSTEM_PYTHON, self.script, "--host", "127.0.0.1", "--port", "0",
                     *self.extra_args])
        line = _read_first_line(self.process.stdout, self.start_timeout) or ""
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{self.script} did not start; first line {line!r}, "
                               f"stderr {self.stderr()!r}")
        self.port = int(line.split()[2])

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"
