"""`stampede run -f` with ws steps: against a Python `websockets` server we did not write
(servers/ws_server.py), and a seed-004-like mix of WebSocket audio, REST transcribe and health
check users against `stampede serve`. Counts come from the per-step results (levels[0].steps)."""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import harness
from harness import run_stampede

HERE = os.path.dirname(os.path.abspath(__file__))
MS = 1_000_000  # nanoseconds


class WsServer(harness.PeerServer):
    """servers/ws_server.py, on the `websockets` library (a server we did not write)."""

    def __init__(self, extra_args=()):
        super().__init__("ws_server.py", extra_args, requires="websockets")


def steps_by_name(run):
    return {step["name"]: step for step in run.level()["steps"]}


class WebsocketsServerTest(unittest.TestCase):
    """ws steps against the `websockets` library's server."""

    @classmethod
    def setUpClass(cls):
        cls.server = WsServer()
        cls.server.start()
        cls.dir = tempfile.mkdtemp(prefix="stampede-ws-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_scenario(self, text, users):
        path = os.path.join(self.dir, "scenario.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"target: http://127.0.0.1:{self.server.port}\n"
                    f"load: {{levels: [{users}]}}\n" + text)
        run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        return run

    def test_echo_text_binary_and_file(self):
        with open(os.path.join(self.dir, "audio.raw"), "wb") as f:
            f.write(bytes(i % 256 for i in range(10_000)))
        run = self.run_scenario("""\
users:
  - name: text
    steps:
      - ws: {url: /echo, send: {text: hello, count: 5, every: 10ms}}
  - name: binary
    steps:
      - ws: {url: "ws://127.0.0.1:PORT/echo", send: {binary: 3200B, count: 5, every: 10ms}}
  - name: file
    steps:
      - ws: {name: audio file, url: /echo, send: {file: audio.raw, binary: 4000B}}
""".replace("PORT", str(self.server.port)), users=6)
        steps = steps_by_name(run)
        self.assertEqual(list(steps), ["text: WS /echo", "binary: WS /echo", "file: audio file"])
        for name, messages, size in [("text: WS /echo", 5, 5 * 5),
                                     ("binary: WS /echo", 5, 5 * 3200),
                                     ("file: audio file", 3, 10_000)]:
            with self.subTest(step=name):
                step = steps[name]
                self.assertEqual(step["requests"], 2, step["errors"])
                self.assertEqual(step["succeeded"], 2, step["errors"])
                self.assertEqual(step["completed"], 2)
                self.assertEqual(step["connections"], 2)
                self.assertEqual(step["totals"]["events"], 2 * messages)
                self.assertEqual(step["totals"]["bytes"], 2 * size)
                metrics = step["metrics"]
                self.assertEqual(metrics["message"]["count"], 2 * messages)
                self.assertEqual(metrics["events"]["min"], messages)
                self.assertEqual(metrics["ttfb"]["count"], 2)
                self.assertLess(metrics["message"]["p50"], 50 * MS)

    def test_asr_partials_match_their_frames(self):
        run = self.run_scenario("""\
users:
  - steps:
      - ws:
          name: asr stream
          url: /asr?delay_ms=50
          send: {binary: 3200B, every: 100ms, count: 5}
          end: '{"type":"end"}'
          expect_messages: 6
          expect_final: true
""", users=3)
        step = steps_by_name(run)["asr stream"]
        self.assertEqual(step["succeeded"], 3, step["errors"])
        self.assertEqual(step["totals"]["events"], 3 * 6)  # 5 partials and the final
        message = step["metrics"]["message"]
        self.assertEqual(message["count"], 3 * 6)
        # Each reply is due 50 ms after what it answers; asyncio's timers are late, never early.
        self.assertGreaterEqual(message["min"], 50 * MS)
        self.assertLessEqual(message["max"], 150 * MS)
        self.assertGreaterEqual(step["metrics"]["e2e"]["min"], 450 * MS)

    def test_failures_are_counted_by_category(self):
        run = self.run_scenario("""\
users:
  - name: close
    steps:
      - ws: {url: "/close?code=4001&after=2", send: {text: a, count: 5, every: 10ms}}
  - name: drop
    steps:
      - ws: {url: "/drop?after=1", send: {text: a, count: 3, every: 10ms}}
  - name: reject
    steps:
      - ws: {url: /reject, send: {text: a}}
  - name: auth
    steps:
      - ws: {url: /auth, headers: {Authorization: Bearer x}, send: {text: a}}
  - name: noauth
    steps:
      - ws: {url: /auth, send: {text: a}}
  - name: final
    steps:
      - ws: {url: /echo, send: {text: a, count: 2}, expect_final: true, timeout: 300ms}
""", users=6)
        steps = steps_by_name(run)
        expected = {"close: WS /close": "ws.close.4001",
                    "drop: WS /drop": "ws.close.1006",
                    "reject: WS /reject": "ws.handshake.403",
                    "noauth: WS /auth": "ws.handshake.401",
                    "final: WS /echo": "timeout.total"}
        for name, category in expected.items():
            with self.subTest(step=name):
                self.assertEqual(steps[name]["errors"], {category: 1})
        self.assertEqual(steps["close: WS /close"]["totals"]["events"], 2)
        self.assertEqual(steps["auth: WS /auth"]["succeeded"], 1, steps["auth: WS /auth"])


class SecureWebSocketTest(unittest.TestCase):
    """wss: TLS under the WebSocket, with a self-signed certificate for 127.0.0.1."""

    def test_wss_with_and_without_verification(self):
        harness.require_program("openssl")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                 "server.key", "-out", "server.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1"],
                cwd=tmp, check=True, capture_output=True)
            server = WsServer(["--cert", os.path.join(tmp, "server.pem"),
                               "--key", os.path.join(tmp, "server.key")])
            server.start()
            try:
                path = os.path.join(tmp, "wss.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(f"""\
load: {{levels: [2]}}
users:
  - name: insecure
    steps:
      - ws: {{url: "wss://127.0.0.1:{server.port}/echo", insecure: true,
              send: {{text: hi, count: 3}}}}
  - name: verified
    steps:
      - ws: {{url: "wss://127.0.0.1:{server.port}/echo", send: {{text: hi}}}}
""")
                run = run_stampede("-f", path)
            finally:
                server.stop()
        self.assertEqual(run.returncode, 0, run.describe())
        steps = steps_by_name(run)
        insecure = steps["insecure: WS /echo"]
        self.assertEqual(insecure["succeeded"], 1, insecure["errors"])
        self.assertEqual(insecure["totals"]["events"], 3)
        # The system's CAs do not know the test's certificate.
        self.assertEqual(steps["verified: WS /echo"]["errors"], {"tls": 1})


class MixedWorkloadTest(unittest.TestCase):
    """Seed 004's test: WebSocket audio, REST transcribe and health check user classes against
    `stampede serve`, each step counted on its own row."""

    def test_three_user_classes(self):
        with harness.ServeProcess() as server, tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "mixed.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"""\
target: {server.base_url}
load: {{levels: [9]}}
users:
  - name: audio
    steps:
      - ws:
          name: audio_chunk
          url: /ws/asr?delay_ms=50
          send: {{binary: 3200B, every: 50ms, count: 10}}
          end: '{{"type":"end"}}'
          expect_final: true
  - name: rest
    steps:
      - loop:
          count: 3
          steps:
            - request:
                name: REST /v1/transcribe
                method: POST
                url: /v1/transcribe?delay_ms=20
                body: "0123456789"
                expect: {{json: {{text: {{exists: true}}}}}}
  - name: health
    steps:
      - request: {{name: Health check, url: /health, expect: {{status: 200}}}}
""")
            run = run_stampede("-f", path)
        self.assertEqual(run.returncode, 0, run.describe())
        steps = steps_by_name(run)
        self.assertEqual(list(steps),
                         ["audio: audio_chunk", "rest: REST /v1/transcribe",
                          "health: Health check"])
        audio = steps["audio: audio_chunk"]
        self.assertEqual(audio["requests"], 3, audio["errors"])
        self.assertEqual(audio["succeeded"], 3, audio["errors"])
        self.assertEqual(audio["totals"]["events"], 3 * 11)  # 10 partials and the final
        self.assertEqual(audio["metrics"]["message"]["count"], 3 * 11)
        self.assertGreaterEqual(audio["metrics"]["message"]["min"], 50 * MS)
        self.assertEqual(audio["metrics"]["send_lateness"]["count"], 3 * 10)
        rest = steps["rest: REST /v1/transcribe"]
        self.assertEqual(rest["requests"], 9, rest["errors"])
        self.assertEqual(rest["succeeded"], 9, rest["errors"])
        health = steps["health: Health check"]
        self.assertEqual(health["requests"], 3)
        self.assertEqual(health["succeeded"], 3, health["errors"])
        level = run.level()
        self.assertEqual(level["requests"], 3 + 9 + 3)
        self.assertEqual(level["failed"], 0)


if __name__ == "__main__":
    unittest.main()
