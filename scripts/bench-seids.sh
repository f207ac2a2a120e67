#!/usr/bin/env bash
# seids speed, side by side with tshark, on one generated capture:
#   a 200,000-message PFCP capture (pcapflow gen pfcp: an association, then 33,333 sessions of
#   establishment, modification and deletion), then
#   - tshark -n -r CAP -Y pfcp -T fields -e pfcp.seid   (the issue's reference command)
#   - pcapflow seids CAP --json, pcapflow seids CAP (text) and pcapflow seids CAP --sessions --json
# each to /dev/null, best of BENCH_RUNS (default 3) wall-clock runs, and the ratio tshark/pcapflow.
# Needs tshark (apt-get install -y tshark). BENCH_SESSIONS overrides the session count.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin/pcapflow
[ -x "$BIN" ] || CGO_ENABLED=0 go build -o "$BIN" ./cmd/pcapflow
sessions=${BENCH_SESSIONS:-33333}
runs=${BENCH_RUNS:-3}
mkdir -p bench
cap=bench/pfcp-$sessions.pcap
if [ ! -f "$cap" ]; then
  echo "generating $cap ..."
  $BIN gen pfcp -n "$sessions" --rate 1000 --seed 1 -o "$cap"
fi
echo "capture: $cap, $(stat -c %s "$cap") bytes, $($BIN seids "$cap" --csv | tail -n +2 | wc -l) PFCP messages"
now() { date +%s.%N; }
best() { # command... -> best wall-clock seconds of $runs runs
  local b="" t0 t1 d
  for _ in $(seq "$runs"); do
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    d=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
    if [ -z "$b" ] || awk -v d="$d" -v b="$b" 'BEGIN{exit !(d<b)}'; then b=$d; fi
  done
  echo "$b"
}
cat "$cap" >/dev/null
if command -v tshark >/dev/null; then
  t_ts=$(best tshark -n -r "$cap" -Y pfcp -T fields -e pfcp.seid)
  echo "tshark -Y pfcp -T fields -e pfcp.seid: ${t_ts}s"
else
  t_ts=""
  echo "tshark not installed: no ratio (apt-get install -y tshark)"
fi
for mode in "--json" "" "--sessions --json"; do
  # shellcheck disable=SC2086
  t=$(best $BIN seids "$cap" $mode)
  ratio=""
  [ -n "$t_ts" ] && ratio=$(awk -v a="$t_ts" -v b="$t" 'BEGIN{printf " (%.1fx faster than tshark)", a/b}')
  echo "pcapflow seids ${mode:-(text)}: ${t}s$ratio"
done
