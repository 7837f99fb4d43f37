"""A small WebSocket server built on the `websockets` library, one we did not write, for the
end-to-end tests of ws steps.

Run with /usr/bin/python3 (Debian's python3-websockets 10.4); standard library and websockets:

    python3 ws_server.py --port 0      # prints "listening on PORT" once it is bound
    python3 ws_server.py --port 0 --cert server.pem --key server.key    # wss

Paths:
  /echo               sends every message back, text as text and binary as binary.
  /asr?delay_ms=M     each binary message is an audio frame: M ms after it arrived comes
                      {"type":"partial","seq":N,"bytes":B} (N from 1); the text {"type":"end"}
                      (or "end") gets {"type":"final","frames":N,"bytes":B} M ms later, after
                      every partial, then a close with 1000.
  /close?code=C&after=N  closes with code C after N messages (echoing them until then).
  /drop?after=N       echoes N messages, then drops the connection without a close frame.
  /auth               like /echo, but the upgrade needs "Authorization: Bearer x" (else 401).
  /reject             answers the upgrade with 403.
"""

import argparse
import asyncio
import http
import json
import ssl
import sys
import time
import urllib.parse

import websockets


def query_int(path, name, default):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    return int(query.get(name, [default])[0])


async def process_request(path, headers):
    route = urllib.parse.urlsplit(path).path
    if route == "/reject":
        return http.HTTPStatus.FORBIDDEN, [("Content-Type", "text/plain")], b"forbidden\n"
    if route == "/auth" and headers.get("Authorization") != "Bearer x":
        return http.HTTPStatus.UNAUTHORIZED, [("Content-Type", "text/plain")], b"no token\n"
    return None


async def echo(ws, limit=None):
    count = 0
    async for message in ws:
        await ws.send(message)
        count += 1
        if limit is not None and count >= limit:
            return


def is_end(text):
    if text.strip() == "end":
        return True
    try:
        return json.loads(text).get("type") == "end"
    except (ValueError, AttributeError):
        return False


async def asr(ws, delay):
    """Replies are queued with their due times and sent in order by one sender task."""
    replies = asyncio.Queue()

    async def sender():
        while True:
            due, message, final = await replies.get()
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            await ws.send(message)
            if final:
                await ws.close(1000)
                return

    task = asyncio.create_task(sender())
    frames = 0
    received = 0
    last_due = 0.0
    try:
        async for message in ws:
            now = time.monotonic()
            if isinstance(message, bytes):
                frames += 1
                received += len(message)
                last_due = max(last_due, now + delay)
                replies.put_nowait((last_due, json.dumps(
                    {"type": "partial", "seq": frames, "bytes": received}), False))
            elif is_end(message):
                last_due = max(last_due, now + delay)
                replies.put_nowait((last_due, json.dumps(
                    {"type": "final", "frames": frames, "bytes": received}), True))
        await task
    finally:
        task.cancel()


async def handler(ws):
    path = ws.path
    route = urllib.parse.urlsplit(path).path
    try:
        if route in ("/echo", "/auth"):
            await echo(ws)
        elif route == "/asr":
            await asr(ws, query_int(path, "delay_ms", 50) / 1000.0)
        elif route == "/close":
            await echo(ws, query_int(path, "after", 1))
            await ws.close(query_int(path, "code", 1011), "closing on request")
        elif route == "/drop":
            await echo(ws, query_int(path, "after", 1))
            ws.transport.abort()
        else:
            await ws.close(1008, "unknown path")
    except websockets.ConnectionClosed:
        pass


async def serve(host, port, tls):
    async with websockets.serve(handler, host, port, process_request=process_request,
                                max_size=2**20, backlog=1024, ssl=tls) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"listening on {bound}", flush=True)
        await asyncio.Event().wait()  # until SIGTERM/SIGINT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", help="PEM certificate: serve wss")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    try:
        asyncio.run(serve(args.host, args.port, tls))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
