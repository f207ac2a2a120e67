#!/usr/bin/env bash
# Whole-program Parquet benchmark, both figures measured in this one run on the same file:
#   a ~100 MiB generated mixed capture (gen mix --seed 1), written by `pcapflow parquet --tables all`
#   (packets, flows, pfcp_messages, pfcp_sessions, gtp), against `tshark -T fields` of 7 fields.
# Wall time and peak RSS come from GNU time for both. Outputs go to bench/ (git-ignored).
# BENCH_BYTES overrides the capture size (default 100MiB). Needs tshark (apt-get install -y tshark).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${BENCH_BYTES:-100MiB}
make -s build
BIN=bin/pcapflow
mkdir -p bench
cap=bench/mix-$size.pcap
[ -f "$cap" ] || $BIN gen mix --bytes "$size" --seed 1 -o "$cap"
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install -y time)" >&2; exit 1; }
cat "$cap" >/dev/null   # warm the page cache so both read from memory

measure() { # label, command...; prints "label wall rss"
  local label=$1; shift
  "$TIME" -f "%e %M" -o bench/time.txt "$@" >"bench/$label.out" 2>bench/stderr.txt
  read -r wall rss < bench/time.txt
  echo "$label $wall $rss"
}
rm -rf bench/parquet
p=$(measure pcapflow $BIN parquet "$cap" -o bench/parquet --tables all --overwrite --json)
t=$(measure tshark tshark -n -r "$cap" -T fields -e frame.number -e frame.time_epoch -e ip.src -e ip.dst \
      -e ip.proto -e tcp.srcport -e tcp.dstport)
read -r _ pw prss <<<"$p"
read -r _ tw trss <<<"$t"
echo "input: $cap ($(stat -c %s "$cap") bytes, $(grep -o '"packets": *[0-9]*' bench/pcapflow.out | tail -1 | grep -o '[0-9]*$') packets), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-44s %8s %12s\n' what wall "peak RSS"
printf '%-44s %7ss %9s MiB\n' "pcapflow parquet --tables all" "$pw" "$((prss / 1024))"
printf '%-44s %7ss %9s MiB\n' "tshark -T fields (7 fields)" "$tw" "$((trss / 1024))"
echo "pcapflow is $(awk -v a="$tw" -v b="$pw" 'BEGIN{printf "%.1f", a/b}')x faster than tshark"
du -sh bench/parquet/* | sed 's/^/  /'
