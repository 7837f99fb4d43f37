#!/usr/bin/env bash
# Holds N concurrent SSE streams (1 event/s for S seconds) against one `stampede serve` process,
# first with `stampede run`, then with the aiohttp peer client, and prints both side by side:
# events delivered, CPU seconds and peak memory of the load generator.
#   bench/sse_hold.sh [BUILD_DIR] [STREAMS] [SECONDS]
set -euo pipefail
build=${1:-build/release}
streams=${2:-10000}
seconds=${3:-30}
here=$(cd "$(dirname "$0")" && pwd)
stampede="$build/stampede"
out=$(mktemp -d)
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

source "$(dirname "$0")/lib.sh"
start_serve "$stampede" "$out" --threads 1
url="http://127.0.0.1:$port/sse?interval_ms=1000&count=$seconds&event_bytes=16"

echo "== stampede run: $streams SSE streams x $seconds events"
/usr/bin/time -f "%U %S %M" -o "$out/stampede.time" \
  "$stampede" run "$url" --users "$streams" --no-progress --json "$out/stampede.json" >/dev/null
read -r user sys rss_kb <"$out/stampede.time"
/usr/bin/python3 - "$out/stampede.json" "$streams" "$seconds" "$user" "$sys" "$rss_kb" <<'PY' | tee "$out/stampede.line"
import json, sys
result = json.load(open(sys.argv[1]))
level = result["levels"][0]
streams, seconds = int(sys.argv[2]), int(sys.argv[3])
cpu = float(sys.argv[4]) + float(sys.argv[5])
print(json.dumps({"tool": "stampede", "clients": streams, "completed": level["succeeded"],
                  "events": level["totals"]["events"], "expected_events": streams * seconds,
                  "ttfe_p50_ms": level["metrics"]["ttfe"]["p50"] / 1e6, "cpu_s": round(cpu, 2),
                  "peak_rss_mb": round(int(sys.argv[6]) / 1024, 1)}))
PY

echo "== aiohttp peer: $streams SSE streams x $seconds events"
/usr/bin/python3 "$here/peers/aiohttp_sse_clients.py" "$url" --clients "$streams" \
  --expect-events "$seconds" | tee "$out/peer.line"

/usr/bin/python3 - "$out/stampede.line" "$out/peer.line" <<'PY'
import json, sys
a = json.loads(open(sys.argv[1]).read().splitlines()[-1])
b = json.loads(open(sys.argv[2]).read().splitlines()[-1])
print("\n| | stampede | aiohttp client | ratio |")
print("|---|---|---|---|")
for key in ("completed", "events", "cpu_s", "peak_rss_mb"):
    x, y = a[key], b[key]
    ratio = f"{y / x:.1f}x" if isinstance(x, (int, float)) and x and y is not None else "-"
    print(f"| {key} | {x} | {y} | {ratio} |")
PY
