"""`stampede validate` and `stampede run -f` with scenario files against `stampede serve`."""

import hashlib
import os
import subprocess
import tempfile
import unittest
import urllib.request

import harness
from harness import run_stampede

SCENARIO = """\
target: {base}
load:
  levels: [8]
users:
  - name: chat
    weight: 3
    steps:
      - request: {{name: open, url: /health}}
      - think: 20ms..40ms
      - loop:
          count: 2
          steps:
            - request:
                name: tokens
                url: "/sse?count=4&interval_ms=5&event_bytes=8"
                expect: {{min_events: 4}}
  - name: health
    weight: 1
    steps:
      - request: {{name: check, url: /health, expect: {{status: 200}}}}
"""

BROKEN_DIR = os.path.join(os.path.dirname(__file__), "..", "scenarios", "broken")


class ScenarioTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServeProcess()
        cls.server.start()
        cls.dir = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.dir.name, "chat.yaml")
        with open(cls.path, "w", encoding="utf-8") as f:
            f.write(SCENARIO.format(base=cls.server.base_url))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.dir.cleanup()

    def validate(self, path):
        return subprocess.run([harness.stampede_bin(), "validate", path], capture_output=True,
                              text=True, timeout=30, check=False)

    def test_validate_summarises_a_good_file(self):
        completed = self.validate(self.path)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertIn("ok · 2 user classes: chat (weight 3), health (weight 1)", completed.stdout)
        self.assertIn("3 request steps · levels 8 · burst", completed.stdout)

    def test_validate_names_file_line_and_column(self):
        path = os.path.join(BROKEN_DIR, "unknown_step.yaml")
        completed = self.validate(path)
        self.assertEqual(completed.returncode, 2)
        self.assertIn(f'{path}:8:9: unknown key "reqest" in a step (did you mean "request"?)',
                      completed.stderr)

    def test_run_reports_every_step(self):
        run = run_stampede("-f", self.path)
        self.assertEqual(run.returncode, 0, run.describe())
        level = run.level()
        names = [step["name"] for step in level["steps"]]
        self.assertEqual(names, ["chat: open", "chat: tokens", "health: check"])
        by_name = {step["name"]: step for step in level["steps"]}
        self.assertEqual(by_name["chat: open"]["succeeded"], 6)    # 8 users at 3:1
        self.assertEqual(by_name["chat: tokens"]["succeeded"], 12)  # a loop of 2
        self.assertEqual(by_name["chat: tokens"]["metrics"]["events"]["min"], 4)
        self.assertEqual(by_name["health: check"]["succeeded"], 2)
        self.assertEqual(level["succeeded"], 20)
        self.assertEqual(run.json["config"]["scenario_file"], self.path)
        self.assertIn("steps (latency is e2e", run.stdout)

    def test_flags_override_the_levels(self):
        run = run_stampede("-f", self.path, "--users", "4,12")
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertEqual([level["users"] for level in run.json["levels"]], [4, 12])

    def test_url_and_file_together_are_refused(self):
        run = run_stampede("-f", self.path, self.server.url("/health"))
        self.assertEqual(run.returncode, 2)
        self.assertIn("either a URL or -f FILE", run.stderr)


class TemplateScenarioTest(unittest.TestCase):
    """{{user}}, {{random_int}} and {{data.COLUMN}} expand per request: the rows of a CSV file
    decide how many events each request asks the mock for."""

    def test_data_rows_and_placeholders(self):
        with harness.ServeProcess() as server, tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "rows.csv"), "w", encoding="utf-8") as f:
                f.write("count,label\n2,two\n3,three\n4,four\n")
            path = os.path.join(directory, "templated.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"""\
target: {server.base_url}
data: {{file: rows.csv}}
load: {{levels: [6]}}
users:
  - steps:
      - request:
          name: rows
          url: "/sse?count={{{{data.count}}}}&interval_ms=1&event_bytes={{{{random_int 1 4}}}}&u={{{{user}}}}"
          headers: {{X-Label: "{{{{data.label}}}}"}}
""")
            run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        level = run.level()
        self.assertEqual(level["succeeded"], 6)
        events = level["metrics"]["events"]
        # Users 0..5 take rows (user + iteration) mod 3: counts 2, 3, 4, 2, 3, 4.
        self.assertEqual((events["min"], events["max"]), (2, 4))
        self.assertEqual(level["totals"]["events"], 2 * (2 + 3 + 4))
        sizes = level["metrics"]["bytes"]
        # Each event carries 1 to 4 payload bytes.
        self.assertGreater(sizes["max"], sizes["min"])

    def test_unknown_placeholder_is_refused_with_its_position(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "bad.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write("target: http://127.0.0.1:9\nload: {levels: [1]}\n"
                        "users: [{steps: [{request: {url: \"/x/{{usr}}\"}}]}]\n")
            completed = subprocess.run([harness.stampede_bin(), "validate", path],
                                       capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(completed.returncode, 2)
        self.assertIn(f"{path}:3:34: unknown placeholder \"{{{{usr}}}}\"", completed.stderr)


class OpenModelTest(unittest.TestCase):
    """The open model from a file (rate:) and from flags (--rate)."""

    def test_rate_from_file_and_flags(self):
        with harness.ServeProcess() as server, tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "open.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"target: {server.base_url}\n"
                        "load: {rate: [20/s, 40], duration: 1s, arrival: constant}\n"
                        "users: [{steps: [{request: {url: /health}}]}]\n")
            from_file = run_stampede("-f", path)
            from_flags = run_stampede(server.url("/health"), "--rate", "30", "--duration", "1s",
                                      "--arrival", "constant")
        self.assertEqual(from_file.returncode, 0, from_file.describe())
        self.assertEqual([level["rate"] for level in from_file.json["levels"]], [20, 40])
        self.assertEqual([level["arrivals"]["started"] for level in from_file.json["levels"]],
                         [20, 40])
        self.assertEqual(from_file.json["config"]["mode"], "rate")
        self.assertIn("20/s: 20 arrivals due, 20 started, 0 dropped", from_file.stdout)
        self.assertEqual(from_flags.returncode, 0, from_flags.describe())
        level = from_flags.level()
        self.assertEqual(level["arrivals"]["intended"], 30)
        self.assertEqual(level["succeeded"], 30)
        self.assertEqual(level["metrics"]["intended"]["count"], 30)


class MockRetryTest(unittest.TestCase):
    """Retries against the mock's own 429: --rpm 60 lets 60 of a burst of 61 through; the 61st
    waits the retry-after-ms the mock sends (about one token's refill, 1 s) and then succeeds."""

    def test_retry_waits_the_mocks_retry_after(self):
        with harness.ServeProcess(["--rpm", "60"]) as server, \
                tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "retry.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"target: {server.base_url}\nload: {{levels: [61]}}\n"
                        "users: [{steps: [{request: {url: \"/stream?chunks=1&delay_ms=1\", "
                        "retry: {on: [429], max: 3}}}]}]\n")
            run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        level = run.level()
        self.assertEqual(level["succeeded"], 61, level["errors"])
        self.assertEqual(level["retried"], 1)
        self.assertEqual(level["retried_errors"], {"http.429": 1})
        self.assertEqual(level["attempts"], 62)
        request = level["metrics"]["request"]
        self.assertGreaterEqual(request["max"], 800 * 1_000_000)
        self.assertLess(request["max"], 3000 * 1_000_000)
        self.assertLess(level["metrics"]["e2e"]["max"], 500 * 1_000_000)


class ChecksScenarioTest(unittest.TestCase):
    """Body, header, JSON, digest and consistency checks, each failure under its own name."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServeProcess()
        cls.server.start()
        cls.dir = tempfile.TemporaryDirectory()
        with urllib.request.urlopen(cls.server.url("/stream?chunks=4&chunk_bytes=8&delay_ms=1"),
                                    timeout=10) as response:
            cls.body = response.read()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.dir.cleanup()

    def run_expect(self, url, expect, users=10):
        path = os.path.join(self.dir.name, "checks.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"target: {self.server.base_url}\nload: {{levels: [{users}]}}\n"
                    f"users:\n  - steps:\n      - request:\n          url: \"{url}\"\n"
                    f"          expect: {expect}\n")
        run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        return run.level()

    def test_a_correct_body_passes_every_check(self):
        digest = hashlib.sha256(self.body).hexdigest()
        md5 = hashlib.md5(self.body).hexdigest()
        level = self.run_expect(
            "/stream?chunks=4&chunk_bytes=8&delay_ms=1",
            f"{{sha256: {digest}, md5: {md5}, size: {len(self.body)}, "
            f"contains: [\"{self.body[:5].decode()}\"], "
            f"headers: {{Content-Type: {{regex: \"text/plain.*\"}}}}, consistent: true}}")
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], 10)

    def test_each_failed_check_is_counted_by_name(self):
        wrong = "0" * 64
        self.assertEqual(self.run_expect("/stream?chunks=4&chunk_bytes=8&delay_ms=1",
                                         f"{{sha256: {wrong}}}")["errors"], {"check.sha256": 10})
        self.assertEqual(self.run_expect("/health", "{json: {status: ok}}")["errors"], {})
        self.assertEqual(self.run_expect("/health", "{json: {status: down}}")["errors"],
                         {"check.json.status": 10})
        self.assertEqual(self.run_expect("/health", "{headers: {X-Missing: x}}")["errors"],
                         {"check.header.x-missing": 10})

    def test_inconsistent_bodies_fail_the_consistency_check(self):
        level = self.run_expect("/stream?chunks=2&delay_ms=1&chunk_bytes={{random_int 1 3}}",
                                "{consistent: true}", users=30)
        failed = level["errors"].get("check.consistent", 0)
        self.assertGreater(failed, 0)
        self.assertEqual(level["succeeded"] + failed, 30)
        self.assertGreaterEqual(level["succeeded"], 10)  # the most common body of three


if __name__ == "__main__":
    unittest.main()
