#!/usr/bin/python3
"""The peer for bench/sse_hold.sh: N concurrent SSE clients in one asyncio process, written the
way the seed reports' one-off scripts are (aiohttp, one task per client). Prints one JSON line:
clients, completed, events, expected events, first-event latency p50, CPU seconds, peak RSS."""
import argparse
import asyncio
import json
import resource
import statistics
import time

import aiohttp


async def client(session, url, results):
    start = time.monotonic()
    first = None
    events = 0
    try:
        async with session.get(url) as response:
            async for line in response.content:
                if line in (b"\n", b"\r\n"):
                    events += 1
                    if first is None:
                        first = time.monotonic() - start
        results.append((events, first))
    except Exception:  # counted as a failed client
        results.append((events, None))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--expect-events", type=int, required=True)
    args = parser.parse_args()
    results = []
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session, args.url, results) for _ in range(args.clients)))
    firsts = [f for _, f in results if f is not None]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "clients": args.clients,
        "completed": sum(1 for e, _ in results if e == args.expect_events),
        "events": sum(e for e, _ in results),
        "expected_events": args.clients * args.expect_events,
        "ttfe_p50_ms": statistics.median(firsts) * 1000 if firsts else None,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    asyncio.run(main())
