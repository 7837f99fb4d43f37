"""`stampede run` against our own mock: the built-in demo (no URL), and the timing targets of the
issue against a `stampede serve` process (median ttfe within 5 ms of 300 ms and median gap within
2 ms of 20 ms at 100 users)."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import RunResult, run_stampede  # noqa: F401

MS = 1_000_000  # nanoseconds
DEMO_LEVELS = [50, 100, 200, 400, 800]
DEMO_EVENTS = 53  # the role chunk, 50 tokens, the finish chunk and [DONE]



def level_table(stdout):
    """The per-level table's rows (header first) as lists of cells."""
    lines = stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"users\s+success\b", line)), None)
    if start is None:
        return []
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


class RunDemoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.stampede_bin()
        cls.demo = run_stampede()

    def test_exit_code_and_table(self):
        run = self.demo
        self.assertEqual(run.returncode, 0, run.describe())
        rows = level_table(run.stdout)
        self.assertTrue(rows, run.describe())
        header, body = rows[0], rows[1:]
        self.assertEqual(header[:3], ["users", "success", "complete"])
        self.assertEqual([int(row[0]) for row in body], DEMO_LEVELS, run.stdout)
        for row in body:
            self.assertEqual(row[1], "100.0%", run.stdout)  # success
            self.assertEqual(row[2], "100.0%", run.stdout)  # complete
        self.assertIn("errors: none", run.stdout)
        self.assertIn("built-in mock", run.stdout)

    def test_json_levels(self):
        run = self.demo
        self.assertIsNotNone(run.json, run.describe())
        self.assertTrue(run.json["config"]["embedded_mock"])
        levels = run.json["levels"]
        self.assertEqual([level["users"] for level in levels], DEMO_LEVELS)
        for level in levels:
            with self.subTest(users=level["users"]):
                self.assertEqual(level["errors"], {})
                self.assertEqual(level["requests"], level["users"])
                self.assertEqual(level["succeeded"], level["users"])
                self.assertEqual(level["completed"], level["users"])
                events = level["metrics"]["events"]
                self.assertEqual(events["min"], DEMO_EVENTS)
                self.assertEqual(events["max"], DEMO_EVENTS)
                self.assertEqual(level["totals"]["events"], level["users"] * DEMO_EVENTS)


class RunServeTimingTest(unittest.TestCase):
    """Timing against a `serve` process at 100 users, with the tolerances of the issue's tests
    (ttfe within [configured, configured + 50 ms]; the gap within a few ms of its interval,
    since events are scheduled from the stream's start). How close the medians really come (the
    5 ms / 2 ms targets) is measured by bench/timing_accuracy.sh, not asserted here, because it
    depends on the build (an ASan build is slower) and the machine's load."""

    def test_ttfe_and_gap_at_100_users(self):
        users, initial, interval, count = 100, 300, 20, 20
        with harness.ServeProcess() as server:
            run = run_stampede(
                server.url(f"/sse?initial_ms={initial}&interval_ms={interval}&count={count}"),
                "--users", str(users))
        self.assertEqual(run.returncode, 0, run.describe())
        level = run.json["levels"][0]
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], users)
        self.assertEqual(level["totals"]["events"], users * count)
        ttfe, gap = level["metrics"]["ttfe"], level["metrics"]["gap"]
        self.assertEqual(ttfe["count"], users)
        self.assertEqual(gap["count"], users * (count - 1))
        measured = (f"ttfe p50 {ttfe['p50'] / MS:.3f} ms (min {ttfe['min'] / MS:.3f}, "
                    f"max {ttfe['max'] / MS:.3f}); gap p50 {gap['p50'] / MS:.3f} ms "
                    f"(min {gap['min'] / MS:.3f}, max {gap['max'] / MS:.3f})")
        self.assertGreaterEqual(ttfe["min"], initial * MS, measured)
        self.assertLessEqual(ttfe["p50"], (initial + 50) * MS, measured)
        self.assertGreaterEqual(gap["p50"], (interval - 3) * MS, measured)
        self.assertLessEqual(gap["p50"], (interval + 3) * MS, measured)


class RunInterruptTest(unittest.TestCase):
    """Ctrl-C stops new work, drains, cuts, and still prints and writes the partial result."""

    def interrupt(self, signals, drain_bound):
        with harness.ServeProcess() as server, tempfile.TemporaryDirectory() as workdir:
            json_path = os.path.join(workdir, "result.json")
            process = subprocess.Popen(
                [harness.stampede_bin(), "run",
                 server.url("/sse?interval_ms=100&count=1000&event_bytes=8"),
                 "--users", "5,10", "--no-progress", "--json", json_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
            try:
                time.sleep(1.0)
                started = time.monotonic()
                for _ in range(signals):
                    process.send_signal(signal.SIGINT)
                    time.sleep(0.1)
                stdout, stderr = process.communicate(timeout=30)
                elapsed = time.monotonic() - started
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            self.assertEqual(process.returncode, 130, stderr)
            self.assertLess(elapsed, drain_bound, "the run did not stop within the drain")
            self.assertIn("run interrupted", stdout)
            with open(json_path, encoding="utf-8") as f:
                result = json.load(f)
        self.assertTrue(result["interrupted"])
        self.assertEqual(len(result["levels"]), 1)  # the 10-user level never started
        level = result["levels"][0]
        self.assertTrue(level["interrupted"])
        self.assertEqual(level["interrupted_requests"], 5)
        self.assertEqual(level["requests"], 0)
        self.assertGreater(level["totals"]["events"], 0)  # what arrived before the cut is kept
        return elapsed

    def test_second_ctrl_c_cuts_at_once(self):
        self.interrupt(signals=2, drain_bound=2.0)

    def test_first_ctrl_c_drains_for_five_seconds_then_cuts(self):
        elapsed = self.interrupt(signals=1, drain_bound=8.0)
        self.assertGreaterEqual(elapsed, 4.5)


if __name__ == "__main__":
    unittest.main()
