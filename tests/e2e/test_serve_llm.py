"""The LLM routes of `stampede serve` against clients we did not write: the official OpenAI and
Anthropic SDKs (Node, tests/e2e/sdk/*.mjs, packages from the repository's package.json), and
urllib for the raw JSON of the non-streamed responses and the errors."""

import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import harness

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SDK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sdk")
NODE = "/usr/bin/node"

# Slack for the timing checks: the SDK's own work and a shared machine, never a fast one.
TIMING_SLACK_MS = 250


def require_sdks():
    """Skips unless node and the SDKs (scripts/install-deps.sh installs them) are there."""
    if not os.access(NODE, os.X_OK):
        raise unittest.SkipTest(f"{NODE} is not installed")
    for package in ("openai", "@anthropic-ai/sdk"):
        if not os.path.isdir(os.path.join(REPO_ROOT, "node_modules", package)):
            raise unittest.SkipTest(f"node_modules/{package} is missing: run scripts/install-deps.sh")


def run_sdk(script, base_url, *args):
    """Runs tests/e2e/sdk/SCRIPT against BASE_URL and returns the JSON summary it prints."""
    completed = subprocess.run(
        [NODE, os.path.join(SDK_DIR, script), base_url, *args], cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False)
    if completed.returncode != 0:
        raise AssertionError(f"{script} {' '.join(args)} failed ({completed.returncode}):\n"
                             f"{completed.stderr}")
    return json.loads(completed.stdout)


def request(url, body=None, headers=None, method=None):
    """(status, headers, parsed JSON body) of one request; error statuses too."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read())


def sse_data(url, body, headers=None):
    """The `data:` payloads of a streamed response, in order."""
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=20) as response:
        assert response.headers["Content-Type"] == "text/event-stream", response.headers
        text = response.read().decode()
    return [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]


CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "Hello, world!"}]}


class ServeLlmSdkTest(unittest.TestCase):
    """The official SDKs stream from the mock unchanged."""

    @classmethod
    def setUpClass(cls):
        require_sdks()
        cls.server = harness.ServeProcess(["--threads", "2", "--profile", "instant"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_openai_chat_stream(self):
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--max-tokens", "12")
        self.assertEqual(summary["usage"]["completion_tokens"], 12)
        self.assertGreater(summary["usage"]["prompt_tokens"], 0)
        self.assertEqual(summary["usage"]["total_tokens"],
                         summary["usage"]["prompt_tokens"] + 12)
        self.assertEqual(summary["finish_reason"], "length")
        self.assertEqual(summary["role"], "assistant")
        self.assertEqual(summary["object"], "chat.completion.chunk")
        self.assertEqual(summary["model"], "stampede-mock")
        self.assertTrue(summary["text"].strip())
        self.assertEqual(summary["content_chunks"], 12)
        # The role chunk, 12 tokens, the finish chunk and the usage chunk.
        self.assertEqual(summary["chunks"], 15)

    def test_openai_legacy_completions_stream(self):
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--api", "completions",
                          "--max-tokens", "7")
        self.assertEqual(summary["usage"]["completion_tokens"], 7)
        self.assertEqual(summary["finish_reason"], "length")
        self.assertEqual(summary["object"], "text_completion")
        self.assertEqual(summary["content_chunks"], 7)
        self.assertTrue(summary["text"].strip())

    def test_openai_not_streamed(self):
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--no-stream",
                          "--max-tokens", "9")
        self.assertEqual(summary["object"], "chat.completion")
        self.assertEqual(summary["usage"]["completion_tokens"], 9)
        self.assertEqual(summary["finish_reason"], "length")
        self.assertTrue(summary["text"].strip())

    def test_tokens_per_chunk(self):
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--max-tokens", "10",
                          "--header", "x-stampede-tokens-per-chunk: 4")
        self.assertEqual(summary["content_chunks"], 3)  # 4 + 4 + 2
        self.assertEqual(summary["usage"]["completion_tokens"], 10)

    def test_anthropic_stream(self):
        summary = run_sdk("anthropic_stream.mjs", self.server.base_url, "--max-tokens", "11")
        self.assertEqual(summary["stop_reason"], "max_tokens")
        self.assertEqual(summary["usage"]["output_tokens"], 11)
        self.assertGreater(summary["usage"]["input_tokens"], 0)
        self.assertEqual(summary["type"], "message")
        self.assertEqual(summary["model"], "claude-mock")
        self.assertTrue(summary["text"].strip())
        events = summary["events"]
        self.assertEqual(events["content_block_delta"], 11)
        for event in ("message_start", "content_block_start", "content_block_stop",
                      "message_delta", "message_stop"):
            self.assertEqual(events.get(event), 1, event)

    def test_anthropic_not_streamed(self):
        summary = run_sdk("anthropic_stream.mjs", self.server.base_url, "--no-stream",
                          "--max-tokens", "6")
        self.assertEqual(summary["stop_reason"], "max_tokens")
        self.assertEqual(summary["usage"]["output_tokens"], 6)
        self.assertTrue(summary["text"].strip())

    def test_natural_end_is_stop_and_end_turn(self):
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--max-tokens", "20",
                          "--header", "x-stampede-output-tokens: 5")
        self.assertEqual(summary["finish_reason"], "stop")
        self.assertEqual(summary["usage"]["completion_tokens"], 5)
        summary = run_sdk("anthropic_stream.mjs", self.server.base_url, "--max-tokens", "20",
                          "--header", "x-stampede-output-tokens: 5")
        self.assertEqual(summary["stop_reason"], "end_turn")
        self.assertEqual(summary["usage"]["output_tokens"], 5)

    def check_timing(self, summary, ttft_ms, itl_ms, tokens):
        expected_total = ttft_ms + (tokens - 1) * itl_ms
        self.assertGreaterEqual(summary["ttft_ms"], ttft_ms, summary)
        self.assertLessEqual(summary["ttft_ms"], ttft_ms + TIMING_SLACK_MS, summary)
        self.assertGreaterEqual(summary["total_ms"], expected_total, summary)
        self.assertLessEqual(summary["total_ms"], expected_total + TIMING_SLACK_MS, summary)

    def test_openai_timing_from_headers(self):
        tokens = 15
        summary = run_sdk("openai_stream.mjs", self.server.base_url, "--warmup",
                          "--max-tokens", str(tokens), "--header", "x-stampede-ttft-ms: 300",
                          "--header", "x-stampede-itl-ms: 20")
        self.assertEqual(summary["usage"]["completion_tokens"], tokens)
        self.check_timing(summary, 300, 20, tokens)

    def test_anthropic_timing_from_a_spec(self):
        tokens = 15
        summary = run_sdk("anthropic_stream.mjs", self.server.base_url, "--warmup",
                          "--max-tokens", str(tokens),
                          "--header", "x-stampede-profile: ttft=fixed:300ms;itl=fixed:20ms")
        self.assertEqual(summary["usage"]["output_tokens"], tokens)
        self.check_timing(summary, 300, 20, tokens)


class ServeLlmRawTest(unittest.TestCase):
    """The JSON of the non-streamed responses, the model list and the errors, read by urllib."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServeProcess(["--profile", "instant"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_chat_completion(self):
        status, headers, body = request(self.server.url("/v1/chat/completions"),
                                        {**CHAT, "max_tokens": 5})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertTrue(body["id"].startswith("chatcmpl-"))
        self.assertEqual(body["object"], "chat.completion")
        self.assertIsInstance(body["created"], int)
        self.assertEqual(body["model"], "gpt-test")
        self.assertEqual(len(body["choices"]), 1)
        choice = body["choices"][0]
        self.assertEqual(choice["index"], 0)
        self.assertEqual(choice["message"]["role"], "assistant")
        self.assertTrue(choice["message"]["content"])
        self.assertEqual(choice["finish_reason"], "length")
        self.assertIsNone(choice["logprobs"])
        # "Hello, world!" is Hello / , / " world" / ! under the mock's token rule.
        self.assertEqual(body["usage"],
                         {"prompt_tokens": 4, "completion_tokens": 5, "total_tokens": 9})

    def test_completion(self):
        status, _, body = request(self.server.url("/v1/completions"),
                                  {"model": "m", "prompt": "Say this is a test", "max_tokens": 3})
        self.assertEqual(status, 200)
        self.assertTrue(body["id"].startswith("cmpl-"))
        self.assertEqual(body["object"], "text_completion")
        self.assertEqual(set(body["choices"][0]), {"text", "index", "logprobs", "finish_reason"})
        self.assertEqual(body["choices"][0]["finish_reason"], "length")
        self.assertEqual(body["usage"],
                         {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8})

    def test_message(self):
        status, _, body = request(self.server.url("/v1/messages"), {
            "model": "claude-test", "max_tokens": 4,
            "messages": [{"role": "user", "content": "Hello, world!"}]})
        self.assertEqual(status, 200)
        self.assertTrue(body["id"].startswith("msg_"))
        self.assertEqual(body["type"], "message")
        self.assertEqual(body["role"], "assistant")
        self.assertEqual(body["model"], "claude-test")
        self.assertEqual(body["content"][0]["type"], "text")
        self.assertTrue(body["content"][0]["text"])
        self.assertEqual(body["stop_reason"], "max_tokens")
        self.assertIsNone(body["stop_sequence"])
        self.assertEqual(body["usage"], {"input_tokens": 4, "output_tokens": 4})

    def test_same_prompt_same_answer(self):
        first = request(self.server.url("/v1/chat/completions"), {**CHAT, "max_tokens": 8})[2]
        second = request(self.server.url("/v1/chat/completions"), {**CHAT, "max_tokens": 8})[2]
        self.assertEqual(first["choices"][0]["message"]["content"],
                         second["choices"][0]["message"]["content"])
        self.assertNotEqual(first["id"], second["id"])

    def test_models(self):
        status, _, body = request(self.server.url("/v1/models"))
        self.assertEqual(status, 200)
        self.assertEqual(body["object"], "list")
        self.assertGreaterEqual(len(body["data"]), 1)
        for model in body["data"]:
            self.assertEqual(set(model), {"id", "object", "created", "owned_by"})
            self.assertEqual(model["object"], "model")
            self.assertEqual(model["owned_by"], "stampede")
        status, _, body = request(self.server.url("/v1/models/any-name"))
        self.assertEqual(status, 200)
        self.assertEqual(body["id"], "any-name")

    def test_stream_with_usage_has_null_usage_then_a_usage_chunk(self):
        data = sse_data(self.server.url("/v1/chat/completions"),
                        {**CHAT, "max_tokens": 3, "stream": True,
                         "stream_options": {"include_usage": True}})
        self.assertEqual(data[-1], "[DONE]")
        chunks = [json.loads(item) for item in data[:-1]]
        self.assertEqual(len(chunks), 1 + 3 + 1 + 1)
        self.assertEqual(chunks[0]["choices"][0]["delta"]["role"], "assistant")
        for chunk in chunks[:-1]:
            self.assertIn("usage", chunk)
            self.assertIsNone(chunk["usage"])
            self.assertEqual(chunk["object"], "chat.completion.chunk")
            self.assertIsNone(chunk["choices"][0]["logprobs"])
        self.assertEqual(chunks[-2]["choices"][0], {"index": 0, "delta": {}, "logprobs": None,
                                                    "finish_reason": "length"})
        self.assertEqual(chunks[-1]["choices"], [])
        self.assertEqual(chunks[-1]["usage"]["completion_tokens"], 3)
        # Without include_usage, no chunk mentions usage.
        data = sse_data(self.server.url("/v1/chat/completions"),
                        {**CHAT, "max_tokens": 3, "stream": True})
        self.assertEqual(len(data), 1 + 3 + 1 + 1)
        self.assertTrue(all("usage" not in json.loads(item) for item in data[:-1]))

    def assert_openai_error(self, path, body, expected_message, status=400):
        got_status, headers, error = request(self.server.url(path), body)
        self.assertEqual(got_status, status, error)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(set(error["error"]), {"message", "type", "param", "code"})
        self.assertEqual(error["error"]["type"], "invalid_request_error")
        self.assertIsNone(error["error"]["param"])
        self.assertIsNone(error["error"]["code"])
        self.assertIn(expected_message, error["error"]["message"])

    def test_openai_errors(self):
        self.assert_openai_error("/v1/chat/completions", b"{not json",
                                 "could not parse the JSON body")
        self.assert_openai_error("/v1/chat/completions", {"model": "m"},
                                 "'messages' is a required property")
        self.assert_openai_error("/v1/chat/completions", {"messages": CHAT["messages"]},
                                 "you must provide a model parameter")
        self.assert_openai_error("/v1/chat/completions", {**CHAT, "max_tokens": 0},
                                 "'max_tokens' must be at least 1")
        self.assert_openai_error("/v1/completions", {"model": "m"},
                                 "'prompt' is a required property")
        self.assert_openai_error("/v1/chat/completions?ttft=normal:1s", CHAT,
                                 "normal takes MEAN,STDEV")

    def test_anthropic_errors(self):
        status, _, error = request(self.server.url("/v1/messages"), {
            "model": "c", "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(status, 400)
        self.assertEqual(error, {"type": "error", "error": {
            "type": "invalid_request_error", "message": "max_tokens: Field required"}})

    def test_wrong_method(self):
        status, headers, error = request(self.server.url("/v1/chat/completions"))
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "POST")
        self.assertIn("use POST", error["error"]["message"])
        status, headers, _ = request(self.server.url("/v1/models"), b"{}")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET")


class ServeLlmProfileTest(unittest.TestCase):
    """--profile sets the server's pacing, and an invalid one stops the server from starting."""

    def test_profile_spec_paces_the_answer(self):
        with harness.ServeProcess(["--profile", "ttft=fixed:250ms;itl=fixed:10ms;tokens=6"]) as server:
            start = time.monotonic()
            status, _, body = request(server.url("/v1/chat/completions"), CHAT)
            elapsed_ms = (time.monotonic() - start) * 1000
        self.assertEqual(status, 200)
        # No max_tokens: the profile's 6 tokens, ended by the "model" itself.
        self.assertEqual(body["usage"]["completion_tokens"], 6)
        self.assertEqual(body["choices"][0]["finish_reason"], "stop")
        self.assertGreaterEqual(elapsed_ms, 250 + 5 * 10)
        self.assertLessEqual(elapsed_ms, 250 + 5 * 10 + TIMING_SLACK_MS)

    def test_invalid_profile_fails_to_start(self):
        completed = subprocess.run(
            [harness.stampede_bin(), "serve", "--listen", "127.0.0.1:0", "--profile", "warp-speed"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20, check=False)
        self.assertNotEqual(completed.returncode, 0)
        self.assertEqual(completed.stdout, "")
        self.assertIn('invalid --profile "warp-speed": unknown latency profile', completed.stderr)
        self.assertIn("presets: default", completed.stderr)


if __name__ == "__main__":
    unittest.main()
