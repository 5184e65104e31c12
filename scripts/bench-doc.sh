#!/usr/bin/env bash
# Assembles docs/performance.md from the Markdown fragments that the
# benchmarks of `make bench` wrote into a directory (default bin/bench), in
# the order of their names, under a header that names the machine.
# Usage: scripts/bench-doc.sh [DIR] > docs/performance.md
set -euo pipefail
dir=${1:-bin/bench}
GO=${GO:-go}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
cat <<HEAD
# Performance

Written by \`make bench\` from the fragments in \`$dir/\`; do not edit by hand.

| | |
|---|---|
| date | $(date -u '+%Y-%m-%d %H:%M UTC') |
| CPU | ${cpu:-unknown} |
| cores | $(nproc 2>/dev/null || echo unknown) |
| Go | $($GO env GOVERSION) |
| load average at assembly | $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a) |
| commit | $(git describe --tags --always --dirty 2>/dev/null || echo unknown) |

The machine may be shared: each fragment states the load average while it was measured.

HEAD
shopt -s nullglob
for f in "$dir"/*.md; do
  cat "$f"
  echo
done
