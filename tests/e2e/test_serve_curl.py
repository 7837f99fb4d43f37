"""curl, a client we did not write, against `stampede serve`: framing, content and timing."""

import os
import signal
import socket
import subprocess
import time
import tempfile
import unittest

import harness

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def payload(size, offset=0):
    """The mock's deterministic body: byte i is ALPHABET[i % len(ALPHABET)]."""
    return "".join(ALPHABET[(offset + i) % len(ALPHABET)] for i in range(size))


class CurlResult:
    def __init__(self, status, time_starttransfer, time_total, body):
        self.status = status
        self.time_starttransfer = time_starttransfer
        self.time_total = time_total
        self.body = body


def curl(url, *extra_args):
    """Fetches `url` with curl and returns the status, its timings (seconds) and the body."""
    curl_path = harness.require_program("curl")
    with tempfile.NamedTemporaryFile() as body_file:
        completed = subprocess.run(
            [curl_path, "--silent", "--show-error", "--no-buffer", "--max-time", "20",
             "--output", body_file.name,
             "--write-out", "%{http_code} %{time_starttransfer} %{time_total}", *extra_args, url],
            capture_output=True, text=True, timeout=30, check=False)
        if completed.returncode != 0:
            raise AssertionError(f"curl {url} failed ({completed.returncode}): {completed.stderr}")
        status, starttransfer, total = completed.stdout.split()
        return CurlResult(int(status), float(starttransfer), float(total),
                          body_file.read().decode())


class ServeCurlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_program("curl")
        cls.server = harness.ServeProcess(["--threads", "2"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_stream_body_and_timing(self):
        initial, delay, chunks, chunk_bytes = 0.300, 0.050, 5, 10
        result = curl(self.server.url(
            f"/stream?initial_ms=300&delay_ms=50&chunks={chunks}&chunk_bytes={chunk_bytes}"))
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body, payload(chunks * chunk_bytes))
        # The head is written at once, so curl's first byte comes long before the first chunk.
        self.assertLess(result.time_starttransfer, initial)
        expected = initial + (chunks - 1) * delay
        self.assertGreaterEqual(result.time_total, expected)
        self.assertLessEqual(result.time_total, expected + 0.300)

    def test_sse_events(self):
        result = curl(self.server.url("/sse?count=3&interval_ms=50&event_bytes=8"))
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body, "".join(
            f"id: {n}\ndata: {payload(8)}\n\n" for n in (1, 2, 3)))
        self.assertGreaterEqual(result.time_total, 0.100)

    def test_sse_headers(self):
        head = subprocess.run(
            [harness.require_program("curl"), "--silent", "--include", "--max-time", "10",
             self.server.url("/sse?count=1&event_bytes=1")],
            capture_output=True, text=True, timeout=30, check=True).stdout.lower()
        self.assertIn("content-type: text/event-stream", head)
        self.assertIn("cache-control: no-cache", head)
        self.assertIn("transfer-encoding: chunked", head)

    def test_health(self):
        result = curl(self.server.url("/health"))
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body, '{"status":"ok"}')

    def test_unknown_path_is_404(self):
        self.assertEqual(curl(self.server.url("/missing")).status, 404)

    def test_invalid_parameter_is_400_with_reason(self):
        result = curl(self.server.url("/stream?chunk_bytes=lots"))
        self.assertEqual(result.status, 400)
        self.assertIn("chunk_bytes", result.body)

    def test_http10_client(self):
        result = curl(self.server.url("/stream?chunks=3&chunk_bytes=7&delay_ms=10"), "--http1.0")
        self.assertEqual(result.status, 200)
        self.assertEqual(result.body, payload(21))

    def test_one_connection_serves_several_requests(self):
        # curl reuses the connection for URLs given together; it says so on stderr with -v.
        curl_path = harness.require_program("curl")
        completed = subprocess.run(
            [curl_path, "--silent", "--verbose", "--max-time", "10",
             self.server.url("/health"), self.server.url("/stream?chunks=2&chunk_bytes=3")],
            capture_output=True, text=True, timeout=30, check=True)
        self.assertEqual(completed.stdout, '{"status":"ok"}' + payload(6))
        self.assertIn("Re-using existing connection", completed.stderr)


class ServeLifecycleTest(unittest.TestCase):
    def test_sigterm_stops_with_exit_code_0(self):
        server = harness.ServeProcess()
        server.start()
        self.assertEqual(server.stop(), 0, server.stderr())

    def test_sigint_stops_after_the_drain_while_a_stream_is_open(self):
        with harness.ServeProcess(["--drain", "1s"]) as server:
            with socket.create_connection((server.host, server.port), timeout=10) as client:
                client.sendall(b"GET /sse?count=0&interval_ms=60000 HTTP/1.1\r\nHost: t\r\n\r\n")
                self.assertTrue(client.recv(4096).startswith(b"HTTP/1.1 200 OK"))
                started = time.monotonic()
                os.kill(server.process.pid, signal.SIGINT)
                server.process.wait(5)
                self.assertEqual(server.process.returncode, 0, server.stderr())
                self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_second_sigint_cuts_the_drain(self):
        with harness.ServeProcess(["--drain", "30s"]) as server:
            with socket.create_connection((server.host, server.port), timeout=10) as client:
                client.sendall(b"GET /sse?count=0&interval_ms=60000 HTTP/1.1\r\nHost: t\r\n\r\n")
                self.assertTrue(client.recv(4096).startswith(b"HTTP/1.1 200 OK"))
                started = time.monotonic()
                os.kill(server.process.pid, signal.SIGINT)
                time.sleep(0.2)
                os.kill(server.process.pid, signal.SIGINT)
                server.process.wait(5)
                self.assertEqual(server.process.returncode, 0, server.stderr())
                self.assertLess(time.monotonic() - started, 2.0)

    def test_port_in_use_is_exit_code_2_naming_the_address(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
            blocker.bind(("127.0.0.1", 0))
            blocker.listen(1)
            port = blocker.getsockname()[1]
            completed = subprocess.run(
                [harness.stampede_bin(), "serve", "--listen", f"127.0.0.1:{port}"],
                capture_output=True, text=True, timeout=10, check=False)
        self.assertEqual(completed.returncode, 2)
        self.assertEqual(completed.stdout, "")
        self.assertIn(f"127.0.0.1:{port}", completed.stderr)
        self.assertIn("in use", completed.stderr)

    def test_bad_listen_address_is_exit_code_2(self):
        completed = subprocess.run(
            [harness.stampede_bin(), "serve", "--listen", "nonsense"],
            capture_output=True, text=True, timeout=10, check=False)
        self.assertEqual(completed.returncode, 2)
        self.assertIn("HOST:PORT", completed.stderr)

    def test_free_port_then_explicit_listen(self):
        port = harness.free_port()
        with harness.ServeProcess(port=port) as server:
            self.assertEqual(server.port, port)
            self.assertEqual(curl(server.url("/health")).status, 200)


if __name__ == "__main__":
    unittest.main()
