"""websockets (Debian's python3-websockets, a client we did not write) against `stampede serve`:
/ws/echo, /ws/asr (frames in, partial and final transcripts out, close codes, timing) and the
REST /v1/transcribe and /v1/audio/transcriptions with urllib."""

import asyncio
import json
import time
import unittest
import urllib.error
import urllib.request

import harness

try:
    import websockets
    import websockets.exceptions
except ImportError:  # pragma: no cover - the e2e image installs python3-websockets
    websockets = None

# The mock's transcript: word k (from 0) of this list, over and over (transcript_builder.cc).
WORDS = ("hello this is a test of the streaming speech mock every frame of audio adds one more "
         "word to the transcript").split()
MESSAGE_MAX = 1024 * 1024  # kWebSocketMessageMax


def transcript(words):
    return " ".join(WORDS[k % len(WORDS)] for k in range(words))


class ServeWebSocketTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        if websockets is None:
            raise unittest.SkipTest("python3-websockets is not installed")
        cls.server = harness.ServeProcess(["--threads", "2"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def ws_url(self, path):
        return f"ws://{self.server.host}:{self.server.port}{path}"

    def connect(self, path, **kwargs):
        return websockets.connect(self.ws_url(path), open_timeout=5, close_timeout=5, **kwargs)

    async def test_echo_text_and_binary(self):
        binary = bytes(range(256)) * 4
        large = bytes(200 * 1024)
        async with self.connect("/ws/echo") as ws:
            for message in ("hello", binary, "", "h\u00e9llo \u2603", large):
                await ws.send(message)
                echoed = await asyncio.wait_for(ws.recv(), 5)
                self.assertEqual(type(echoed), type(message))
                self.assertEqual(echoed, message)
        self.assertEqual(ws.close_code, 1000)

    async def run_asr(self, path, frames, frame_bytes, spacing, end_message="end", **kwargs):
        """Sends the frames at their times and the end message; returns the send times, the
        messages with their arrival times, and the close code the server sent."""
        sent, received = [], []
        async with self.connect(path, **kwargs) as ws:
            async def read():
                try:
                    while True:
                        message = await ws.recv()
                        received.append((json.loads(message), time.monotonic()))
                except websockets.exceptions.ConnectionClosedOK:
                    pass

            reader = asyncio.create_task(read())
            start = time.monotonic()
            for k in range(frames):
                await asyncio.sleep(max(0.0, start + k * spacing - time.monotonic()))
                await ws.send(bytes([k % 256]) * frame_bytes)
                sent.append(time.monotonic())
            await ws.send(end_message)
            await asyncio.wait_for(reader, 10)
            await ws.wait_closed()
            return sent, received, ws.close_code

    async def test_asr_partials_arrive_the_delay_after_their_frames_then_final_and_close(self):
        sent, received, close_code = await self.run_asr(
            "/ws/asr?delay_ms=50", frames=5, frame_bytes=3200, spacing=0.100)
        self.assertEqual(len(received), 6, received)
        for k in range(5):
            message, arrived = received[k]
            self.assertEqual(message, {"type": "partial", "seq": k + 1, "text": transcript(k + 1),
                                       "received_bytes": 3200 * (k + 1)})
            latency_ms = (arrived - sent[k]) * 1000
            self.assertGreaterEqual(latency_ms, 20, f"partial {k + 1}")
            self.assertLessEqual(latency_ms, 80, f"partial {k + 1}")
        final, _ = received[5]
        self.assertEqual(final, {"type": "final", "text": transcript(5), "frames": 5,
                                 "bytes": 16000, "duration_ms": 500})
        self.assertEqual(close_code, 1000)

    async def test_asr_knobs_from_a_header_and_the_json_end_message(self):
        sent, received, close_code = await self.run_asr(
            "/ws/asr", frames=3, frame_bytes=640, spacing=0.020, end_message='{"type":"end"}',
            extra_headers={"x-stampede-delay-ms": "150"})
        self.assertEqual([m["type"] for m, _ in received], ["partial"] * 3 + ["final"])
        for k in range(3):
            latency_ms = (received[k][1] - sent[k]) * 1000
            self.assertGreaterEqual(latency_ms, 120, f"partial {k + 1}")
            self.assertLessEqual(latency_ms, 180, f"partial {k + 1}")
        self.assertEqual(received[3][0]["bytes"], 1920)
        self.assertEqual(close_code, 1000)

    async def test_a_message_over_the_limit_closes_with_1009(self):
        async with self.connect("/ws/echo", max_size=None) as ws:
            # The server closes on the frame's header, so the send itself may see the close.
            with self.assertRaises(websockets.exceptions.ConnectionClosedError):
                await ws.send(bytes(MESSAGE_MAX + 1))
                await asyncio.wait_for(ws.recv(), 5)
        self.assertEqual(ws.close_code, 1009)

    async def test_other_sessions_survive_a_closed_one(self):
        async with self.connect("/ws/echo") as bystander:
            async with self.connect("/ws/echo", max_size=None) as ws:
                with self.assertRaises(websockets.exceptions.ConnectionClosedError):
                    await ws.send(bytes(MESSAGE_MAX + 1))
                    await asyncio.wait_for(ws.recv(), 5)
            await bystander.send("still here")
            self.assertEqual(await asyncio.wait_for(bystander.recv(), 5), "still here")

    def test_a_plain_get_is_426(self):
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(self.server.url("/ws/asr"), timeout=5)
        self.assertEqual(raised.exception.code, 426)
        self.assertEqual(raised.exception.headers["Upgrade"], "websocket")

    def post(self, path, body, headers=None):
        request = urllib.request.Request(self.server.url(path), data=body, method="POST",
                                         headers=headers or {})
        start = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
            return response.status, answer, (time.monotonic() - start) * 1000

    def test_transcribe_answers_after_the_delay(self):
        status, answer, elapsed_ms = self.post("/v1/transcribe?delay_ms=120", bytes(9600),
                                               {"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 200)
        self.assertEqual(answer, {"text": transcript(3), "duration_ms": 300, "bytes": 9600})
        self.assertGreaterEqual(elapsed_ms, 120)
        self.assertLess(elapsed_ms, 600)

    def test_transcribe_default_delay(self):
        _, answer, elapsed_ms = self.post("/v1/transcribe", b"x" * 100)
        self.assertEqual(answer["text"], "hello")
        self.assertGreaterEqual(elapsed_ms, 50)

    def test_openai_transcriptions_accepts_a_multipart_form(self):
        boundary = "stampede-e2e"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n"
                f"whisper-1\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"audio.wav\"\r\nContent-Type: audio/wav\r\n\r\n").encode()
        body += bytes(4000) + f"\r\n--{boundary}--\r\n".encode()
        status, answer, _ = self.post(
            "/v1/audio/transcriptions?delay_ms=0", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual(status, 200)
        self.assertEqual(set(answer), {"text"})
        self.assertTrue(answer["text"].startswith("hello this"), answer)


if __name__ == "__main__":
    unittest.main()
