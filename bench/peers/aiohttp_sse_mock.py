#!/usr/bin/python3
"""The peer for bench/mock_lateness.sh: an SSE mock in Python aiohttp (one asyncio process), the
kind of server the seed reports stress. GET /sse?count=N&interval_ms=M&event_bytes=B streams
"id: k\\ndata: <payload>\\n\\n" events scheduled from the request's arrival, exactly like
`stampede serve`, and records each event's send lateness (write start - due time). GET /lateness
returns the lateness percentiles in seconds. Prints "listening on PORT" once it accepts."""
import argparse
import asyncio
import json
import math
import sys

from aiohttp import web

lateness = []


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def sse(request):
    loop = asyncio.get_running_loop()
    arrived = loop.time()
    count = int(request.query.get("count", "10"))
    interval = int(request.query.get("interval_ms", "1000")) / 1000
    initial = int(request.query.get("initial_ms", "0")) / 1000
    payload = "x" * int(request.query.get("event_bytes", "16"))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})
    await response.prepare(request)
    for k in range(count):
        due = arrived + initial + k * interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lateness.append(loop.time() - due)
        await response.write(f"id: {k + 1}\ndata: {payload}\n\n".encode())
    await response.write_eof()
    return response


async def report(request):
    values = sorted(lateness)
    return web.json_response({"count": len(values),
                              **{f"p{p}": percentile(values, p) for p in (50, 90, 99, 99.9)}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_get("/sse", sse)
    app.router.add_get("/lateness", report)

    async def start():
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=4096)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        print(f"listening on {port}", flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(start())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
