# Shared by the bench scripts (source it): starts `stampede serve` on a free loopback port.
# start_serve STAMPEDE OUT_DIR [serve args...]: sets serve_pid and port.
start_serve() {
  local stampede=$1 dir=$2
  shift 2
  "$stampede" serve --listen 127.0.0.1:0 "$@" >"$dir/serve.txt" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do grep -q listening "$dir/serve.txt" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '[0-9]*$' "$dir/serve.txt" | head -1)
  [[ -n $port ]] || { echo "stampede serve did not start: $(cat "$dir/serve.txt")" >&2; return 1; }
}
