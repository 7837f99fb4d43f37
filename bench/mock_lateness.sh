#!/usr/bin/env bash
# How many concurrent SSE streams (1 event/s) each mock server holds before its send lateness
# p99 passes 5 ms: `stampede serve --threads 1` against the Python aiohttp mock
# (bench/peers/aiohttp_sse_mock.py), both one event loop on one core, both driven by the same
# `stampede run` client. Also the server's memory per open stream (RSS growth / streams).
# RAMP (default 1s, one event interval) spreads the streams' starts so their events are not all
# due in the same millisecond; RAMP=0s starts them all at once (the worst case).
#   [RAMP=1s] bench/mock_lateness.sh [BUILD_DIR] [SECONDS] [STREAMS...]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-10}
shift 2 || true
steps=("$@")
((${#steps[@]})) || steps=(1000 5000 10000 15000)
here=$(cd "$(dirname "$0")" && pwd)
stampede="$build/stampede"
out=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$out"' EXIT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

source "$here/lib.sh"

start_server() {  # $1: stampede | aiohttp
  if [[ $1 == stampede ]]; then
    start_serve "$stampede" "$out" --threads 1
    server_pid=$serve_pid
    return
  fi
  /usr/bin/python3 "$here/peers/aiohttp_sse_mock.py" --port 0 >"$out/server.txt" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$out/server.txt" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '[0-9]*$' "$out/server.txt" | head -1)
}

lateness_p99_ms() {  # $1: stampede | aiohttp
  if [[ $1 == stampede ]]; then
    curl -s "http://127.0.0.1:$port/metrics" |
      awk '/lateness/ && /quantile="0.99"/ {printf "%.3f", $NF * 1000; exit}'
  else
    curl -s "http://127.0.0.1:$port/lateness" |
      /usr/bin/python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["p99"] * 1000))'
  fi
}

echo "| server | streams | events delivered | send lateness p99 | server memory per stream |"
echo "|---|---|---|---|---|"
for server in stampede aiohttp; do
  for streams in "${steps[@]}"; do
    start_server "$server"
    sleep 0.3
    base=$(rss_kb "$server_pid")
    url="http://127.0.0.1:$port/sse?interval_ms=1000&count=$seconds&event_bytes=16"
    "$stampede" run "$url" --users "$streams" --no-progress --json "$out/run.json" \
      --timeout "$((seconds * 6))s" --ramp "${RAMP:-1s}" >/dev/null 2>&1 &
    client=$!
    sleep "$((seconds / 2 + 1))"
    held=$(rss_kb "$server_pid")
    wait "$client" || true
    p99=$(lateness_p99_ms "$server")
    delivered=$(/usr/bin/python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["levels"][0]; print(l["totals"]["events"], "/", int(sys.argv[2]) * int(sys.argv[3]), sep="")' \
      "$out/run.json" "$streams" "$seconds")
    per_stream=$(( (held - base) * 1024 / streams ))
    echo "| $server | $streams | $delivered | ${p99} ms | ${per_stream} B |"
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  done
done
