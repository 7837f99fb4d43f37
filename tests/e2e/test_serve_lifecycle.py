"""`stampede serve` lifecycle: start-up time, --processes sharing one port (SO_REUSEPORT), and
SIGTERM draining streams in progress before the processes exit."""

import http.client
import json
import os
import signal
import socket
import threading
import time
import unittest

import harness


def health_pid(port):
    """The PID of the process that answered one /health?verbose request on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health?verbose=1")
        return json.loads(connection.getresponse().read())["pid"]
    finally:
        connection.close()


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return "State:\tZ" not in f.read()
    except OSError:
        return False


def parent_of(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("PPid:"):
                return int(line.split()[1])
    return None


class ServeLifecycleTest(unittest.TestCase):
    def test_starts_within_a_second(self):
        for extra in ([], ["--threads", "2"], ["--processes", "3"]):
            with self.subTest(args=extra):
                started = time.monotonic()
                with harness.ServeProcess(extra) as server:
                    elapsed = time.monotonic() - started
                    self.assertGreater(health_pid(server.port), 0)
                self.assertLess(elapsed, 1.0)

    def test_processes_share_the_port_and_stop_together(self):
        server = harness.ServeProcess(["--processes", "3", "--drain", "1s"])
        server.start()
        try:
            parent = server.process.pid
            pids = {health_pid(server.port) for _ in range(60)}
            # The kernel spreads new connections over the three listening processes.
            self.assertEqual(len(pids), 3, pids)
            self.assertIn(parent, pids)
            for pid in pids - {parent}:
                self.assertEqual(parent_of(pid), parent)
        finally:
            self.assertEqual(server.stop(), 0)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(pid) for pid in pids):
            time.sleep(0.05)
        self.assertFalse([pid for pid in pids if alive(pid)], "child processes outlived serve")

    def test_sigterm_lets_a_stream_finish_and_refuses_new_connections(self):
        server = harness.ServeProcess(["--drain", "5s"])
        server.start()
        events = []
        errors = []

        def read_stream():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                connection.request("GET", "/sse?count=5&interval_ms=200&event_bytes=4")
                response = connection.getresponse()
                for line in response:
                    if line.startswith(b"data: "):
                        events.append(line)
                connection.close()
            except Exception as error:  # reported by the assertions below
                errors.append(error)

        reader = threading.Thread(target=read_stream)
        reader.start()
        time.sleep(0.3)
        started = time.monotonic()
        os.kill(server.process.pid, signal.SIGTERM)
        time.sleep(0.1)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        reader.join(10)
        self.assertEqual(server.process.wait(10), 0)
        elapsed = time.monotonic() - started
        server.stop()
        self.assertEqual(errors, [])
        self.assertEqual(len(events), 5)  # the whole stream, though SIGTERM came after event 2
        self.assertLess(elapsed, 3.0)  # exited when the stream ended, not after the full drain


if __name__ == "__main__":
    unittest.main()
