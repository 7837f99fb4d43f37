#!/usr/bin/env bash
# Runs every benchmark: the micro-benchmarks, then the load benchmarks against peer tools.
#   bench/run_all.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
for micro in "$build"/bench/*_bench; do "$micro"; done
"$here/timing_accuracy.sh" "$build" 5
"$here/sse_hold.sh" "$build" 10000 30
