#!/usr/bin/env bash
# What -f costs in a whole run: `pcapflow stats` over the same capture with no
# filter and with filters that keep every packet (so the sink does the same
# work), alternating runs, best of N. Usage: scripts/bench-filter.sh [CAPTURE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
cap=${1:-bench/mix-1GiB.pcap}
n=${2:-5}
BIN=${BIN:-bin/pcapflow}
# The default capture is generated afresh every run: one left by an older build's generator would differ.
[ -n "${1:-}" ] || $BIN gen mix --bytes 1GiB --seed 1 -o "$cap" >/dev/null
cat "$cap" >/dev/null
declare -A best
exprs=("" "ip or not ip" "tcp port 80 or not tcp port 80" "(tcp[tcpflags] & tcp-syn != 0) or len > 0")
for i in $(seq "$n"); do
  for e in "${exprs[@]}"; do
    s=$EPOCHREALTIME
    if [ -z "$e" ]; then $BIN stats "$cap" >/dev/null; else $BIN stats -f "$e" "$cap" >/dev/null; fi
    t=$(echo "$EPOCHREALTIME - $s" | bc)
    k=${e:-none}
    if [ -z "${best[$k]:-}" ] || (( $(echo "$t < ${best[$k]}" | bc) )); then best[$k]=$t; fi
  done
done
base=${best[none]}
printf '%-48s %8s %8s\n' "filter (keeps every packet)" "best s" "vs none"
for e in "${exprs[@]}"; do
  k=${e:-none}
  printf '%-48s %8.3f %7.2fx\n' "$k" "${best[$k]}" "$(echo "${best[$k]} / $base" | bc -l)"
done
