"""`stampede run` against an aiohttp server (servers/aiohttp_sse_server.py), one we did not write:
exact event counts, SSE detection, gaps, and every error category a broken server can cause."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import harness
from harness import RunResult, run_stampede  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
MS = 1_000_000  # nanoseconds


class AiohttpServer(harness.PeerServer):
    """servers/aiohttp_sse_server.py, a server we did not write the framework of."""

    def __init__(self):
        super().__init__("aiohttp_sse_server.py", requires="aiohttp")

def run_usage_error(*args):
    """`stampede run ARGS` expected to be refused before any request is sent."""
    return subprocess.run([harness.stampede_bin(), "run", *args, "--no-progress"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                          check=False)


def sse_bytes(count, event_bytes):
    """Body size of /sse: the comment line, then `count` events of `event_bytes` data."""
    return len(": stream starts\n") + count * len(f"event: token\ndata: {'x' * event_bytes}\n\n")


class RunAiohttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.stampede_bin()
        cls.server = AiohttpServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_ok(self, *args):
        run = run_stampede(*args)
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertIsNotNone(run.json, run.describe())
        self.assertEqual(len(run.json["levels"]), 1, run.describe())
        return run

    def assert_all_failed(self, level, category, users):
        self.assertEqual(level["requests"], users, level)
        self.assertEqual(level["succeeded"], 0, level)
        self.assertEqual(level["failed"], users, level)
        self.assertEqual(level["errors"], {category: users}, level)

    def test_sse_exact_event_counts(self):
        users, count, event_bytes = 5, 7, 16
        run = self.run_ok(
            self.server.url(f"/sse?count={count}&interval_ms=10&event_bytes={event_bytes}"),
            "--users", str(users))
        level = run.level()
        self.assertEqual(level["users"], users)
        self.assertEqual(level["requests"], users)
        self.assertEqual(level["succeeded"], users, level["errors"])
        self.assertEqual(level["completed"], users)
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["totals"]["events"], users * count)
        events = level["metrics"]["events"]
        self.assertEqual((events["count"], events["min"], events["max"]), (users, count, count))
        body = sse_bytes(count, event_bytes)
        self.assertEqual(level["totals"]["bytes"], users * body)
        self.assertEqual((level["metrics"]["bytes"]["min"], level["metrics"]["bytes"]["max"]),
                         (body, body))
        # Every event after the first of each stream has a gap before it.
        self.assertEqual(level["metrics"]["gap"]["count"], users * (count - 1))
        self.assertEqual(level["metrics"]["ttfe"]["count"], users)
        self.assertIn("100.0%", run.stdout)

    def test_auto_mode_detects_sse_not_chunks(self):
        # Every event is written as two HTTP chunks: auto mode must count SSE events (from the
        # Content-Type), not chunks; --stream chunked counts the chunks.
        users, count = 3, 6
        url = self.server.url(f"/sse?count={count}&interval_ms=5&event_bytes=20&split=1")
        auto = self.run_ok(url, "--users", str(users)).level()
        self.assertEqual(auto["errors"], {})
        self.assertEqual(auto["totals"]["events"], users * count)
        self.assertEqual(auto["totals"]["chunks"], users * count * 2)
        self.assertEqual((auto["metrics"]["events"]["min"], auto["metrics"]["events"]["max"]),
                         (count, count))
        chunked = self.run_ok(url, "--users", str(users), "--stream", "chunked").level()
        self.assertEqual(chunked["errors"], {})
        self.assertEqual(chunked["totals"]["events"], users * count * 2)
        self.assertEqual(chunked["totals"]["chunks"], users * count * 2)
        none = self.run_ok(url, "--users", str(users), "--stream", "none").level()
        self.assertEqual(none["errors"], {})
        self.assertEqual(none["totals"]["events"], 0)

    def test_chunked_route_counts_chunks_in_auto_mode(self):
        users, count, chunk_bytes = 4, 5, 32
        level = self.run_ok(
            self.server.url(f"/chunked?count={count}&delay_ms=10&chunk_bytes={chunk_bytes}"),
            "--users", str(users)).level()
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], users)
        self.assertEqual(level["totals"]["chunks"], users * count)
        self.assertEqual(level["totals"]["events"], users * count)
        self.assertEqual(level["totals"]["bytes"], users * count * chunk_bytes)

    def test_gap_matches_interval(self):
        interval = 50
        level = self.run_ok(
            self.server.url(f"/sse?count=10&interval_ms={interval}&event_bytes=16"),
            "--users", "5").level()
        self.assertEqual(level["errors"], {})
        gap = level["metrics"]["gap"]
        self.assertEqual(gap["count"], 5 * 9)
        self.assertGreaterEqual(gap["p50"], (interval - 3) * MS, gap)
        self.assertLessEqual(gap["p50"], (interval + 15) * MS, gap)

    def test_cut_stream_is_incomplete(self):
        users = 4
        level = self.run_ok(self.server.url("/cut?after=3"), "--users", str(users)).level()
        self.assert_all_failed(level, "incomplete", users)
        self.assertEqual(level["completed"], 0, level)
        # The events before the cut were still seen.
        self.assertEqual(level["totals"]["events"], users * 3, level)

    def test_http_503(self):
        users = 3
        level = self.run_ok(self.server.url("/status/503"), "--users", str(users)).level()
        self.assert_all_failed(level, "http.503", users)
        # The response itself arrived whole: complete, just not a success.
        self.assertEqual(level["completed"], users, level)

    def test_expect_status_accepts_503(self):
        level = self.run_ok(self.server.url("/status/503"), "--users", "2",
                            "--expect-status", "503").level()
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], 2)

    def test_ttfb_timeout(self):
        users = 3
        run = self.run_ok(self.server.url("/slow-headers?delay_ms=1000"), "--users", str(users),
                          "--ttfb-timeout", "100ms")
        level = run.level()
        self.assert_all_failed(level, "timeout.ttfb", users)
        self.assertLess(level["duration_s"], 0.9, level)

    def test_min_events_check(self):
        users = 3
        level = self.run_ok(self.server.url("/sse?count=4&interval_ms=5"), "--users", str(users),
                            "--min-events", "5").level()
        self.assert_all_failed(level, "check.min_events", users)
        self.assertEqual(level["completed"], users)
        self.assertEqual(level["totals"]["events"], users * 4)
        ok = self.run_ok(self.server.url("/sse?count=4&interval_ms=5"), "--users", str(users),
                         "--min-events", "4").level()
        self.assertEqual(ok["errors"], {})

    def test_refused_on_closed_port(self):
        users = 3
        level = self.run_ok(f"http://127.0.0.1:{harness.free_port()}/sse", "--users",
                            str(users), "--connect-timeout", "2s").level()
        self.assert_all_failed(level, "refused", users)
        self.assertEqual(level["connections"], 0, level)

    def test_usage_errors_exit_2_and_name_the_problem(self):
        url = self.server.url("/sse?count=1")
        cases = [
            (["--users", "abc", url], ["--users", "abc"]),
            (["--users", "0", url], ["--users"]),
            (["127.0.0.1:8080/sse"], ["URL", "127.0.0.1:8080/sse"]),
            (["ftp://127.0.0.1/x"], ["ftp"]),
            (["--ttfb-timeout", "soon", url], ["--ttfb-timeout", "soon"]),
            (["--stream", "bogus", url], ["--stream"]),
            (["--mode", "forever", url], ["--mode"]),
            (["--min-bytes", "lots", url], ["--min-bytes"]),
            (["-H", "NoColon", url], ["NoColon"]),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                completed = run_usage_error(*args)
                self.assertEqual(completed.returncode, 2,
                                 f"stdout {completed.stdout!r} stderr {completed.stderr!r}")
                for word in words:
                    self.assertIn(word, completed.stderr)


class RetryAiohttpTest(unittest.TestCase):
    """Retries against a server that answers 429 with retry-after-ms before it answers 200."""

    @classmethod
    def setUpClass(cls):
        cls.server = AiohttpServer()
        cls.server.start()
        cls.dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.dir.cleanup()

    def run_scenario(self, key, retry, users=5):
        path = os.path.join(self.dir.name, f"{key}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"target: {self.server.url('')}\nload: {{levels: [{users}]}}\nusers:\n"
                    f"  - steps:\n      - request:\n"
                    f"          url: \"/flaky?key={key}{{{{user}}}}&fail=2&retry_after_ms=150\"\n"
                    f"          retry: {retry}\n")
        run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        return run.level()

    def test_retry_after_is_respected_and_attempts_are_counted(self):
        level = self.run_scenario("a", "{on: [429], max: 3}")
        self.assertEqual(level["succeeded"], 5)
        self.assertEqual(level["requests"], 5)
        self.assertEqual(level["attempts"], 15)
        self.assertEqual(level["retried"], 5)
        self.assertEqual(level["retried_errors"], {"http.429": 10})
        self.assertEqual(level["errors"], {})
        # The user waited twice the 150 ms the server asked for; the attempt that succeeded was
        # quick.
        request, e2e = level["metrics"]["request"], level["metrics"]["e2e"]
        self.assertGreaterEqual(request["min"], 300 * MS)
        self.assertLess(e2e["max"], 150 * MS)

    def test_too_few_retries_leave_the_last_error(self):
        level = self.run_scenario("b", "{on: [5xx, 429], max: 1, backoff: 10ms..20ms}")
        self.assertEqual(level["succeeded"], 0)
        self.assertEqual(level["errors"], {"http.429": 5})
        self.assertEqual(level["attempts"], 10)
        self.assertEqual(level["retried_errors"], {"http.429": 5})

    def test_errors_not_listed_are_not_retried(self):
        level = self.run_scenario("c", "{on: [503], max: 3}")
        self.assertEqual(level["attempts"], 5)
        self.assertEqual(level["errors"], {"http.429": 5})


if __name__ == "__main__":
    unittest.main()
