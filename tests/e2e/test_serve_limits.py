"""`stampede serve`'s limits, downloads, metrics and faults, seen by clients we did not write:
Python's http.client, curl, and `stampede run` itself."""

import hashlib
import http.client
import json
import re
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import run_stampede

SAMPLE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (\S+)$')


def get(server, path, headers=None, timeout=10):
    """One GET on a new connection: (status, headers as a lower-cased dict, body bytes)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def parse_metrics(text):
    """The samples of a Prometheus text exposition, {"name{labels}": float}; fails on a
    malformed line or a sample whose family has no # TYPE."""
    samples, families = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.add(line.split()[2])
            continue
        if line.startswith("# HELP "):
            continue
        match = SAMPLE.match(line)
        if not match:
            raise AssertionError(f"malformed exposition line: {line!r}")
        name = match.group(1)
        family = re.sub(r"_(sum|count)$", "", name) if name not in families else name
        if family not in families:
            raise AssertionError(f"no # TYPE for {line!r}")
        samples[name + (match.group(2) or "")] = float(match.group(3))
    return samples


class RpmTest(unittest.TestCase):
    def test_a_burst_of_120_at_rpm_60_gets_60_ok_and_60_rate_limited(self):
        with harness.ServeProcess(["--rpm", "60", "--threads", "2"]) as server:
            results = [None] * 120
            barrier = threading.Barrier(len(results))

            def one(index):
                barrier.wait()
                results[index] = get(server, "/stream?chunks=1&chunk_bytes=4&delay_ms=0")

            threads = [threading.Thread(target=one, args=(i,)) for i in range(len(results))]
            start = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            elapsed = time.monotonic() - start
            statuses = [status for status, _, _ in results]
            self.assertEqual(statuses.count(200) + statuses.count(429), 120, statuses)
            # The bucket refills one token a second, so a burst inside a second gets exactly the
            # minute's 60; on a machine too loaded to send 120 requests within a second, each
            # second more lets one more through.
            allowed = 60 + int(elapsed)
            self.assertGreaterEqual(statuses.count(200), 60)
            self.assertLessEqual(statuses.count(200), allowed, f"burst took {elapsed:.2f} s")
            if elapsed < 1.0:
                self.assertEqual(statuses.count(200), 60)
                self.assertEqual(statuses.count(429), 60)
            ok = statuses.count(200)
            for status, headers, body in results:
                if status != 429:
                    continue
                self.assertRegex(headers.get("retry-after", ""), r"^[1-9][0-9]*$")
                self.assertLessEqual(int(headers["retry-after"]), 1)
                self.assertRegex(headers.get("retry-after-ms", ""), r"^[1-9][0-9]*$")
                error = json.loads(body)["error"]
                self.assertEqual(error["code"], "rate_limit_exceeded")
                self.assertEqual(error["type"], "requests")
            # /health and /metrics stay open, and the scrape counts what happened.
            self.assertEqual(get(server, "/health")[0], 200)
            status, _, text = get(server, "/metrics")
            self.assertEqual(status, 200)
            samples = parse_metrics(text.decode())
            self.assertEqual(samples['stampede_rate_limited_total{limit="requests"}'], 120 - ok)
            self.assertEqual(samples['stampede_requests_total{route="/stream",status="200"}'], ok)
            self.assertEqual(samples['stampede_requests_total{route="/stream",status="429"}'],
                             120 - ok)


class BytesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServeProcess(["--seed", "11"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_curl_download_matches_its_checksum_and_length(self):
        curl = harness.require_program("curl")
        with tempfile.NamedTemporaryFile() as body, tempfile.NamedTemporaryFile() as head:
            completed = subprocess.run(
                [curl, "--fail", "--silent", "--show-error", "--max-time", "20",
                 "--dump-header", head.name, "--output", body.name,
                 self.server.url("/bytes/1000000")],
                capture_output=True, text=True, timeout=30, check=False)
            self.assertEqual(completed.returncode, 0, completed.stderr)
            content = body.read()
            headers = {}
            for line in head.read().decode().splitlines()[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
        self.assertEqual(int(headers["content-length"]), len(content))
        self.assertEqual(len(content), 1000000)
        self.assertEqual(headers["x-content-sha256"], hashlib.sha256(content).hexdigest())

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        _, headers_a, body_a = get(self.server, "/bytes/4096")
        _, headers_b, body_b = get(self.server, "/bytes/4096?seed=11")
        _, headers_c, body_c = get(self.server, "/bytes/4096?seed=12")
        self.assertEqual(body_a, body_b)
        self.assertEqual(headers_a["x-content-sha256"], headers_b["x-content-sha256"])
        self.assertNotEqual(body_a, body_c)
        self.assertEqual(headers_c["x-content-sha256"], hashlib.sha256(body_c).hexdigest())

    def test_rate_throttles(self):
        start = time.monotonic()
        status, headers, body = get(self.server, "/bytes/50000?rate=200000")  # 250 ms
        elapsed = time.monotonic() - start
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), headers["x-content-sha256"])
        self.assertGreaterEqual(elapsed, 0.24)
        self.assertLess(elapsed, 3.0)


class MetricsTest(unittest.TestCase):
    def test_scrape_parses_and_counts_the_requests_made(self):
        with harness.ServeProcess(["--threads", "2"]) as server:
            for _ in range(3):
                self.assertEqual(get(server, "/stream?chunks=4&chunk_bytes=8&delay_ms=1")[0], 200)
            for _ in range(2):
                self.assertEqual(get(server, "/sse?count=2&interval_ms=1&event_bytes=3")[0], 200)
            self.assertEqual(get(server, "/nowhere")[0], 404)
            self.assertEqual(get(server, "/bytes/1000")[0], 200)
            self.assertEqual(get(server, "/sse", {"X-Return-Error": "500"})[0], 500)
            # A response's last bytes reach the client a moment before its stream is counted
            # as ended: scrape until the server has caught up.
            deadline = time.monotonic() + 3
            while True:
                status, headers, text = get(server, "/metrics")
                self.assertEqual(status, 200)
                samples = parse_metrics(text.decode())
                if samples["stampede_active_streams"] == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
            requests = {key: value for key, value in samples.items()
                        if key.startswith("stampede_requests_total{")}
            self.assertEqual(requests, {
                'stampede_requests_total{route="/stream",status="200"}': 3,
                'stampede_requests_total{route="/sse",status="200"}': 2,
                'stampede_requests_total{route="/sse",status="500"}': 1,
                'stampede_requests_total{route="other",status="404"}': 1,
                'stampede_requests_total{route="/bytes",status="200"}': 1,
            })
            self.assertEqual(samples["stampede_events_sent_total"], 3 * 4 + 2 * 2)
            self.assertGreaterEqual(samples["stampede_bytes_sent_total"], 3 * 32 + 1000)
            self.assertEqual(samples["stampede_active_streams"], 0)
            self.assertEqual(samples['stampede_faults_total{kind="error"}'], 1)
            self.assertEqual(samples["stampede_send_lateness_seconds_count"], 3 * 4 + 2 * 2)
            for quantile in ("0.5", "0.9", "0.99", "0.999"):
                lateness = samples[f'stampede_send_lateness_seconds{{quantile="{quantile}"}}']
                self.assertGreaterEqual(lateness, 0)
                self.assertLess(lateness, 1.0)


class FaultTest(unittest.TestCase):
    def test_stampede_run_counts_dropped_streams_as_incomplete(self):
        with harness.ServeProcess(["--fault-drop", "1"]) as server:
            users = 5
            run = run_stampede(server.url("/sse?count=6&interval_ms=10&event_bytes=8"),
                               "--users", str(users), "--stream", "sse")
            self.assertIsNotNone(run.json, run.describe())
            level = run.level()
            self.assertEqual(level["requests"], users, run.describe())
            self.assertEqual(level["errors"], {"incomplete": users}, run.describe())
            self.assertEqual(level["totals"]["events"], users * 3, run.describe())
            status, _, text = get(server, "/metrics")
            self.assertEqual(status, 200)
            self.assertEqual(parse_metrics(text.decode())['stampede_faults_total{kind="drop"}'],
                             users)


if __name__ == "__main__":
    unittest.main()
