"""Every scenario in examples/ validates, and runs at small scale against `stampede serve`
(fewer users, shorter streams; the target rewritten to the test's server)."""

import glob
import os
import subprocess
import tempfile
import unittest

import harness
from harness import run_stampede

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
DEFAULT_TARGET = "http://127.0.0.1:8002"


class ExamplesTest(unittest.TestCase):
    def test_every_example_validates(self):
        paths = sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml")))
        self.assertGreaterEqual(len(paths), 5)
        for path in paths:
            with self.subTest(example=os.path.basename(path)):
                completed = subprocess.run([harness.stampede_bin(), "validate", path],
                                           capture_output=True, text=True, timeout=30,
                                           check=False)
                self.assertEqual(completed.returncode, 0, completed.stderr)
                self.assertIn(": ok ·", completed.stdout)

    def run_example(self, name, serve_args, users, substitutions=()):
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
            text = f.read()
        with harness.ServeProcess(serve_args) as server, tempfile.TemporaryDirectory() as d:
            text = text.replace(DEFAULT_TARGET, server.base_url)
            for old, new in substitutions:
                self.assertIn(old, text)
                text = text.replace(old, new)
            path = os.path.join(d, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            run = run_stampede("-f", path, "--users", users, timeout=120)
        self.assertEqual(run.returncode, 0, run.describe())
        return run

    def test_llm_stream_progression(self):
        run = self.run_example("llm_stream_progression.yaml", ["--profile", "instant"], "5,10",
                               [("cooldown: 5s", "cooldown: 100ms")])
        for level in run.json["levels"]:
            self.assertEqual(level["succeeded"], level["users"], level["errors"])
            # 400 tokens, the role chunk, the finish chunk, the usage chunk and [DONE].
            self.assertEqual(level["metrics"]["events"]["min"], 404)

    def test_rate_limited_assistant(self):
        run = self.run_example("rate_limited_assistant.yaml",
                               ["--rpm", "60", "--profile", "instant"], "70")
        level = run.level()
        self.assertGreaterEqual(level["succeeded"], 60)
        self.assertGreaterEqual(level["retried_errors"].get("http.429", 0), 10)
        self.assertGreater(level["attempts"], level["requests"])

    def test_concurrent_downloads(self):
        run = self.run_example("concurrent_downloads.yaml", [], "4")
        level = run.level()
        self.assertEqual(level["errors"], {})
        self.assertEqual(level["succeeded"], 4)
        self.assertEqual(level["metrics"]["bytes"]["min"], 7691516)

    def test_sse_long_held(self):
        run = self.run_example("sse_long_held.yaml", [], "20",
                               [("count=60", "count=3"), ("min_events: 60", "min_events: 3"),
                                ("max_events: 60", "max_events: 3"), ("ramp: 1s", "ramp: 200ms")])
        level = run.level()
        self.assertEqual(level["succeeded"], 20, level["errors"])
        self.assertEqual(level["totals"]["events"], 60)


    def test_ws_rest_health_mix(self):
        run = self.run_example(
            "ws_rest_health_mix.yaml", [], "6",
            [("{users: 100, duration: 60s, ramp: 10s}", "{users: 6, duration: 2s, ramp: 200ms}"),
             ("    - {users: 200, duration: 45s, ramp: 10s}\n", ""),
             ("    - {users: 300, duration: 30s, ramp: 10s}\n", ""),
             ("count: 50}", "count: 5}"), ("expect_messages: 50", "expect_messages: 5"),
             ("every: 100ms", "every: 20ms")])
        level = run.level()
        steps = {step["name"]: step for step in level["steps"]}
        self.assertEqual(sorted(steps), ["health: health check", "rest: transcribe",
                                         "transcription: audio stream"])
        for name, step in steps.items():
            with self.subTest(step=name):
                self.assertGreater(step["succeeded"], 0)
                self.assertEqual(step["errors"], {})
        self.assertGreaterEqual(steps["transcription: audio stream"]["metrics"]["message"]["min"],
                                50 * 1_000_000)


if __name__ == "__main__":
    unittest.main()
