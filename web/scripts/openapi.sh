#!/usr/bin/env bash
# Prints the server's OpenAPI document: starts the built binary on a fresh
# temporary data directory and a free loopback port, reads /openapi.json,
# stops it. No network beyond loopback.
set -euo pipefail
BIN=${BIN:-bin/imaphub}
dir=$(mktemp -d)
log="$dir/server.log"
IMAPHUB_DATA_DIR="$dir" IMAPHUB_ADDR=127.0.0.1:0 IMAPHUB_COOKIE_SECURE=false IMAPHUB_LOG_LEVEL=info IMAPHUB_LOG_FORMAT=text \
  "$BIN" serve >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/.*msg=serving url=\([^ ]*\).*/\1/p' "$log" | head -1)
  [ -n "$url" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start" >&2; cat "$log" >&2; exit 1; }
curl -fsS "$url/openapi.json"
