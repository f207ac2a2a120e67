#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each: scripts/fuzz.sh [DURATION]
# A target fails only when the fuzzer writes a failing input to testdata/fuzz/<target>/ (that file is the
# reproducer: `go test -run <target>/<file> <pkg>`). Go 1.26's fuzz coordinator can also end a run that found
# nothing with "context deadline exceeded" at the -fuzztime boundary (golang/go#75804, fixed in Go 1.27); such
# a run, non-zero without a new input, is reported as a flake and does not fail the script.
set -uo pipefail
cd "$(dirname "$0")/.."
t=${1:-10s}
passed=0 failed=0 flaked=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $fn ($t)"
    corpus="$dir/testdata/fuzz/$fn"
    before=$(ls "$corpus" 2>/dev/null | sort)
    if go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" "$pkg"; then
      passed=$((passed + 1))
    elif [ "$(ls "$corpus" 2>/dev/null | sort)" != "$before" ]; then
      echo "FAILED: $pkg $fn wrote a failing input to $corpus" >&2
      failed=$((failed + 1))
    else
      echo "flake: $pkg $fn ended non-zero without a failing input (golang/go#75804)" >&2
      flaked=$((flaked + 1))
    fi
  done
done
echo "fuzz: $passed passed, $failed failed, $flaked flaked"
[ "$failed" -eq 0 ]
