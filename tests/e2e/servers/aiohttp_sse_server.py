"""A small aiohttp server, a streaming server we did not write, for the end-to-end tests.

Run with /usr/bin/python3 (Debian's python3-aiohttp); standard library and aiohttp only:

    python3 aiohttp_sse_server.py --port 0      # prints "listening on PORT" once it is bound

Routes:
  GET /sse?count=N&interval_ms=M&event_bytes=B&split=0|1  text/event-stream: a ":comment"
      line, then N events "event: token\\ndata: <B bytes>\\n\\n", M ms apart (the first at
      once); split=1 writes every event as two HTTP chunks, so chunks = 2 x events.
  GET /chunked?count=N&delay_ms=M&chunk_bytes=B  text/plain, N chunks of B bytes, M ms apart.
  GET /cut?after=N&interval_ms=M  an SSE stream that sends N events and then closes the
      connection mid-stream, without the terminating zero-size chunk.
  GET /slow-headers?delay_ms=M  waits M ms before sending any header, then a small body.
  GET /status/{code}  a short text response with that status.
  GET /health  "ok".
"""

import argparse
import asyncio
import sys

from aiohttp import web

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def payload(size):
    return "".join(ALPHABET[i % len(ALPHABET)] for i in range(size))


def int_param(request, name, default, low=0, high=1_000_000):
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name}: not an integer: {raw!r}\n")
    if not low <= value <= high:
        raise web.HTTPBadRequest(text=f"{name}: {value} is outside [{low}, {high}]\n")
    return value


async def start_sse(request):
    response = web.StreamResponse(
        status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)  # HTTP/1.1 without a length: chunked
    return response


async def sse(request):
    count = int_param(request, "count", 10)
    interval = int_param(request, "interval_ms", 50) / 1000.0
    data = payload(int_param(request, "event_bytes", 16, 1, 1_000_000))
    split = int_param(request, "split", 0, 0, 1)
    response = await start_sse(request)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(count):
        if n:
            # Due times from the start, so the gaps do not drift with the loop's latency.
            await asyncio.sleep(max(0.0, start + n * interval - loop.time()))
        prefix = ": stream starts\n" if n == 0 else ""
        event = f"{prefix}event: token\ndata: {data}\n\n".encode()
        if split:
            half = len(event) // 2
            await response.write(event[:half])
            await response.write(event[half:])
        else:
            await response.write(event)
    await response.write_eof()
    return response


async def chunked(request):
    count = int_param(request, "count", 10)
    delay = int_param(request, "delay_ms", 50) / 1000.0
    data = payload(int_param(request, "chunk_bytes", 16, 1, 1_000_000)).encode()
    response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(count):
        if n:
            await asyncio.sleep(max(0.0, start + n * delay - loop.time()))
        await response.write(data)
    await response.write_eof()
    return response


async def cut(request):
    after = int_param(request, "after", 3)
    interval = int_param(request, "interval_ms", 10) / 1000.0
    response = await start_sse(request)
    for n in range(after):
        if n:
            await asyncio.sleep(interval)
        await response.write(f"event: token\ndata: {payload(8)}\n\n".encode())
    # Give the events time to leave, then close the connection: the body ends without its
    # terminating zero-size chunk. aiohttp's own write_eof afterwards fails with a
    # ConnectionError, which it handles by dropping the response.
    await asyncio.sleep(0.05)
    request.transport.close()
    return response


async def slow_headers(request):
    await asyncio.sleep(int_param(request, "delay_ms", 1000) / 1000.0)
    return web.Response(text="slow\n")


async def status(request):
    code = int(request.match_info["code"])
    if not 200 <= code <= 599 or code in (204, 304):
        raise web.HTTPBadRequest(text="status: use 200-599 except 204 and 304\n")
    return web.Response(status=code, text=f"status {code}\n")


FLAKY_SEEN = {}


async def flaky(request):
    """GET /flaky?key=K&fail=N&status=429&retry_after_ms=M: the first N requests with key K get
    `status` with retry-after-ms (and Retry-After in whole seconds, rounded up); later ones 200."""
    key = request.query.get("key", "")
    fail = int(request.query.get("fail", "1"))
    seen = FLAKY_SEEN.get(key, 0)
    FLAKY_SEEN[key] = seen + 1
    if seen < fail:
        wait_ms = int(request.query.get("retry_after_ms", "100"))
        return web.Response(status=int(request.query.get("status", "429")), text="slow down",
                            headers={"retry-after-ms": str(wait_ms),
                                     "Retry-After": str(-(-wait_ms // 1000))})
    return web.Response(text="ok")


async def health(request):
    return web.Response(text="ok\n")


def make_app():
    app = web.Application()
    app.router.add_get("/sse", sse)
    app.router.add_get("/chunked", chunked)
    app.router.add_get("/cut", cut)
    app.router.add_get("/slow-headers", slow_headers)
    app.router.add_get(r"/status/{code:\d+}", status)
    app.router.add_get("/health", health)
    app.router.add_get("/flaky", flaky)
    return app


async def serve(host, port):
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]
    print(f"listening on {bound}", flush=True)
    try:
        await asyncio.Event().wait()  # until SIGTERM/SIGINT
    finally:
        await runner.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
