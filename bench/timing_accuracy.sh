#!/usr/bin/env bash
# How close stampede's measured ttfe and gap come to a server's configured delays: 100 users
# against `stampede serve` (300 ms to the first event, then events 20 ms apart), five runs.
# Issue 2's targets: median ttfe within 5 ms of 300 ms, median gap within 2 ms of 20 ms.
#   bench/timing_accuracy.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=${1:-build/release}
runs=${2:-5}
stampede="$build/stampede"
out=$(mktemp -d)
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
source "$(dirname "$0")/lib.sh"
start_serve "$stampede" "$out" --threads 1
url="http://127.0.0.1:$port/sse?initial_ms=300&interval_ms=20&count=20&event_bytes=16"
echo "| run | ttfe p50 | ttfe p99 | gap p50 | gap p99 | ttfe p50 − 300 ms | gap p50 − 20 ms |"
echo "|---|---|---|---|---|---|---|"
for run in $(seq "$runs"); do
  "$stampede" run "$url" --users 100 --no-progress --json "$out/r.json" >/dev/null 2>&1
  /usr/bin/python3 - "$out/r.json" "$run" <<'PY'
import json, sys
level = json.load(open(sys.argv[1]))["levels"][0]
ttfe, gap = level["metrics"]["ttfe"], level["metrics"]["gap"]
ms = lambda ns: ns / 1e6
print(f"| {sys.argv[2]} | {ms(ttfe['p50']):.2f} ms | {ms(ttfe['p99']):.2f} ms | "
      f"{ms(gap['p50']):.3f} ms | {ms(gap['p99']):.2f} ms | {ms(ttfe['p50']) - 300:+.2f} ms | "
      f"{ms(gap['p50']) - 20:+.3f} ms |")
PY
done
