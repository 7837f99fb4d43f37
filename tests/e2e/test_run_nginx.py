"""`stampede run` against nginx, a server we did not write: a static file of known size, a 503,
streams proxied unbuffered from `stampede serve`, and connection reuse in duration mode."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import harness
from harness import RunResult, run_stampede  # noqa: F401

NGINX = "/usr/sbin/nginx"
STATIC_SIZE = 100_000

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {dir}/nginx.pid;
lock_file {dir}/nginx.lock;
error_log {dir}/error.log info;

events {{
    worker_connections 1024;
}}

http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    default_type application/octet-stream;
    keepalive_timeout 60s;
    keepalive_requests 1000000;

    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;

        location = /static.bin {{
        }}
        location = /unavailable {{
            return 503;
        }}
        location /upstream/ {{
            proxy_pass http://127.0.0.1:{upstream_port}/;
            proxy_buffering off;
            proxy_http_version 1.1;
            chunked_transfer_encoding on;
        }}
    }}
}}
"""


def child_pids(pid):
    """The PIDs of `pid`'s children (nginx's workers), read from /proc."""
    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                children.extend(int(p) for p in f.read().split())
    except OSError:
        pass
    return children


class Nginx:
    """nginx in the foreground with a generated configuration in a temporary directory."""

    def __init__(self, upstream_port, config=CONFIG, prepare=None):
        self.upstream_port = upstream_port
        self.config = config
        self.prepare = prepare  # called with the temporary directory before nginx starts
        self.dir = None
        self.process = None
        self.port = None

    def start(self, attempts=3):
        self.dir = tempfile.mkdtemp(prefix="stampede-e2e-nginx-")
        os.mkdir(os.path.join(self.dir, "www"))
        with open(os.path.join(self.dir, "www", "static.bin"), "wb") as f:
            f.write(bytes(i % 251 for i in range(STATIC_SIZE)))
        if self.prepare is not None:
            self.prepare(self.dir)
        for attempt in range(attempts):
            self.port = harness.free_port()
            config = os.path.join(self.dir, "nginx.conf")
            with open(config, "w", encoding="ascii") as f:
                f.write(self.config.format(
                    dir=self.dir, port=self.port, upstream_port=self.upstream_port,
                    user="user root;" if os.geteuid() == 0 else ""))
            self.process = subprocess.Popen(
                [NGINX, "-p", self.dir, "-c", config, "-e", os.path.join(self.dir, "error.log")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_listening(10.0):
                return
            self.stop(remove=False)  # the free port was taken meanwhile, or a config error
        log = self.error_log()
        self.stop()
        raise RuntimeError(f"nginx did not start; error.log:\n{log}")

    def _wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), encoding="utf-8",
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, remove=True):
        if self.process is not None:
            if self.process.poll() is None:
                workers = child_pids(self.process.pid)
                os.kill(self.process.pid, signal.SIGTERM)  # fast shutdown of master + workers
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    os.kill(self.process.pid, signal.SIGKILL)
                    self.process.wait()
                    for worker in workers:
                        try:
                            os.kill(worker, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
            self.process = None
        if remove and self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"



@unittest.skipUnless(os.access(NGINX, os.X_OK), f"{NGINX} is not installed (Debian nginx-light)")
class RunNginxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.stampede_bin()
        cls.upstream = harness.ServeProcess(["--threads", "1"])
        cls.upstream.start()
        cls.nginx = Nginx(cls.upstream.port)
        try:
            cls.nginx.start()
        except Exception:
            cls.upstream.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.upstream.stop()

    def run_level(self, *args):
        run = run_stampede(*args)
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertIsNotNone(run.json, run.describe())
        self.assertEqual(len(run.json["levels"]), 1, run.describe())
        return run.json["levels"][0]

    def test_static_file_exact_bytes(self):
        users = 8
        level = self.run_level(self.nginx.url("/static.bin"), "--users", str(users),
                               "--stream", "none")
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["requests"], users)
        self.assertEqual(level["succeeded"], users)
        self.assertEqual(level["completed"], users)
        self.assertEqual(level["totals"]["bytes"], users * STATIC_SIZE)
        self.assertEqual(level["totals"]["chunks"], 0)  # Content-Length, not chunked
        self.assertEqual(level["totals"]["events"], 0)
        size = level["metrics"]["bytes"]
        self.assertEqual((size["count"], size["min"], size["max"]),
                         (users, STATIC_SIZE, STATIC_SIZE))
        self.assertEqual(level["metrics"]["ttfe"]["count"], users)  # the first body bytes

    def test_static_file_min_bytes_check(self):
        level = self.run_level(self.nginx.url("/static.bin"), "--users", "2",
                               "--min-bytes", str(STATIC_SIZE + 1))
        self.assertEqual(level["errors"], {"check.min_bytes": 2})

    def test_return_503(self):
        users = 5
        level = self.run_level(self.nginx.url("/unavailable"), "--users", str(users))
        self.assertEqual(level["errors"], {"http.503": users})
        self.assertEqual(level["succeeded"], 0)
        self.assertEqual(level["failed"], users)

    def test_missing_file_404(self):
        level = self.run_level(self.nginx.url("/no-such-file"), "--users", "2")
        self.assertEqual(level["errors"], {"http.404": 2})

    def test_chunks_pass_through_proxy(self):
        users, chunks, chunk_bytes = 5, 6, 16
        level = self.run_level(
            self.nginx.url(f"/upstream/stream?chunks={chunks}&delay_ms=20&chunk_bytes={chunk_bytes}"),
            "--users", str(users))
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], users)
        self.assertEqual(level["totals"]["chunks"], users * chunks)
        self.assertEqual(level["totals"]["events"], users * chunks)
        self.assertEqual(level["totals"]["bytes"], users * chunks * chunk_bytes)
        events = level["metrics"]["events"]
        self.assertEqual((events["min"], events["max"]), (chunks, chunks))
        self.assertEqual(level["metrics"]["gap"]["count"], users * (chunks - 1))

    def test_sse_events_pass_through_proxy(self):
        users, count = 4, 5
        level = self.run_level(
            self.nginx.url(f"/upstream/sse?count={count}&interval_ms=20&event_bytes=10"),
            "--users", str(users))
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], users)
        self.assertEqual(level["totals"]["events"], users * count)
        events = level["metrics"]["events"]
        self.assertEqual((events["min"], events["max"]), (count, count))

    def test_keep_alive_in_duration_mode(self):
        users = 4
        level = self.run_level(self.nginx.url("/static.bin"), "--users", str(users),
                               "--duration", "1s", "--stream", "none")
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["connections"], users, level["connections"])
        self.assertGreater(level["requests"], users)
        self.assertEqual(level["succeeded"], level["requests"])
        self.assertEqual(level["totals"]["bytes"], level["requests"] * STATIC_SIZE)


if __name__ == "__main__":
    unittest.main()
