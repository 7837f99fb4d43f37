"""`stampede validate` and `stampede run -f` with scenario files against `stampede serve`."""

import os
import subprocess
import tempfile
import unittest

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


if __name__ == "__main__":
    unittest.main()
