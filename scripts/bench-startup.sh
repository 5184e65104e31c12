#!/usr/bin/env bash
# Measures, on an existing database with the demo account: the time from
# starting `imaphub serve` to the first 200 from /readyz, and the resident
# memory of the idle server. Prints the figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/imaphub}
runs=${RUNS:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
export IMAPHUB_DATA_DIR="$dir" IMAPHUB_ADDR="127.0.0.1:$port" IMAPHUB_LOG_LEVEL=warn
"$bin" demo >/dev/null
echo "bench password long enough" | "$bin" users add --email bench@example.com --role viewer --password-stdin >/dev/null
token=$("$bin" tokens create --user bench@example.com --name bench 2>/dev/null)

times=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" serve & pid=$!
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  if [ "$i" = "$runs" ]; then
    # A few requests, then idle: what the server holds at rest.
    for _ in $(seq 20); do curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/campaigns/1/tree" >/dev/null; done
    sleep 2
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "start to /readyz over $runs runs (ms): min $(echo "$sorted" | head -1), median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p"), max $(echo "$sorted" | tail -1)"
echo "idle RSS after 20 tree requests: $((rss / 1024)) MiB ($rss KiB)"
