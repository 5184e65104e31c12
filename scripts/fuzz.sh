#!/usr/bin/env bash
# Runs every fuzz target of the Go code for FUZZTIME each (default 10s). Go
# fuzzes one target per package run, so this finds them all — each
# `func FuzzXxx(f *testing.F)` in a _test.go file — and runs them one by
# one; a new target is picked up without a list to keep. The seed corpora
# (f.Add and testdata/fuzz/FuzzXxx/*) also run in every plain `go test`. A
# failure leaves the input in the package's testdata/fuzz/FuzzXxx/: commit it
# with the fix, and it stays a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-10s}
GO=${GO:-go}
n=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  for fn in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)([a-z]* \*testing\.F).*/\1/p' "$file"); do
    echo "fuzz: $fn in ./$dir for $FUZZTIME"
    $GO test -run '^$' -fuzz "^$fn\$" -fuzztime "$FUZZTIME" "./$dir"
    n=$((n + 1))
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' cmd internal | sort)
if [ "$n" -eq 0 ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi
echo "fuzz: $n targets passed"
