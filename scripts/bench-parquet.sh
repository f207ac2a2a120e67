#!/usr/bin/env bash
# Whole-program Parquet benchmark (issue 4: "at least 20x faster than tshark -T fields of 7 fields, with all
# tables, peak RSS under 1 GiB"). Both contenders are measured in this one run on the same file, alternately,
# RUNS times each (default 3), so that a noisy or shared machine loads them alike:
#   a ~100 MiB generated mixed capture (gen mix --seed 1), written by `pcapflow parquet --tables all`
#   (packets, flows, pfcp_messages, pfcp_sessions, gtp, http), against `tshark -T fields` of 7 fields.
# GNU time gives wall time, CPU time (user+sys) and peak RSS of each run; the summary prints the min and
# median of each and the speed-up on min and median wall time, and on CPU time. Outputs go to bench/
# (git-ignored). BENCH_CAPTURE=mobile measures a mobile-core capture instead (gen pfcp -n 20000 --user-plane 20:
# 20,000 PFCP sessions with 20 GTP-U packets each, 520,000 packets, 182 MB), where the pfcp_messages,
# pfcp_sessions and gtp tables get their rows; BENCH_CAPTURE=mobile-mtu the same with a transport MTU of 576
# (--mtu 576: 120,000 G-PDUs in IP fragments, 640,002 packets), the fragment path of the flows table;
# BENCH_CAPTURE=synflood a flood of 1,000,000 SYNs
# (gen synflood -n 1000000, 76 MB), the worst case for flow tracking: every packet starts a flow. BENCH_BYTES overrides the mix's size (default 100MiB), RUNS the number of runs, and
# PARQUET_FLAGS adds pcapflow flags (e.g. "--compression snappy"), PCAPFLOW_BIN measures that binary
# instead of building bin/pcapflow (so engineers sharing a checkout compare their own builds). Needs tshark
# and GNU time (apt-get install -y tshark time).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${BENCH_BYTES:-100MiB}
runs=${RUNS:-3}
BIN=${PCAPFLOW_BIN:-bin/pcapflow}
[ -n "${PCAPFLOW_BIN:-}" ] || make -s build
mkdir -p bench
# Generated afresh every run (0.1 s per 100 MiB): a capture left by an older build's generator would differ.
case ${BENCH_CAPTURE:-mix} in
mix)
  cap=bench/mix-$size.pcap
  $BIN gen mix --bytes "$size" --seed 1 -o "$cap" >/dev/null ;;
mobile)
  cap=bench/mobile-pfcp-gtpu.pcap
  $BIN gen pfcp -n 20000 --user-plane 20 --seed 1 -o "$cap" >/dev/null ;;
mobile-mtu)
  cap=bench/mobile-pfcp-gtpu-mtu576.pcap
  $BIN gen pfcp -n 20000 --user-plane 20 --seed 1 --mtu 576 -o "$cap" >/dev/null ;;
synflood)
  cap=bench/synflood-1000000.pcap
  $BIN gen synflood -n 1000000 --seed 1 -o "$cap" >/dev/null ;;
*)
  echo "BENCH_CAPTURE is mix, mobile, mobile-mtu or synflood" >&2
  exit 2 ;;
esac
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install -y tshark)" >&2; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install -y time)" >&2; exit 1; }
cat "$cap" >/dev/null   # warm the page cache so both read from memory

measure() { # label, command...; appends "wall cpu rss_kib" to bench/LABEL.runs
  local label=$1; shift
  # This VM runs DAMON-based reclaim (kdamond), which drops page-cache pages a few minutes cold: the capture is
  # read once, untimed, before every timed run so that every run reads it from memory.
  cat "$cap" >/dev/null
  "$TIME" -f "%e %U %S %M" -o bench/time.txt "$@" >"bench/$label.out" 2>bench/stderr.txt ||
    { cat bench/stderr.txt >&2; exit 1; }
  read -r wall user sys rss < bench/time.txt
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $rss" >>"bench/$label.runs"
}
rm -f bench/pcapflow.runs bench/tshark.runs
# shellcheck disable=SC2086
for ((i = 1; i <= runs; i++)); do
  rm -rf bench/parquet
  measure pcapflow $BIN parquet "$cap" -o bench/parquet --tables all --overwrite --json ${PARQUET_FLAGS:-}
  measure tshark tshark -n -r "$cap" -T fields -e frame.number -e frame.time_epoch -e ip.src -e ip.dst \
    -e ip.proto -e tcp.srcport -e tcp.dstport
done

stat_of() { # file column min|median
  sort -g -k"$2","$2" "$1" | awk -v c="$2" -v w="$3" '{v[NR]=$c} END{print (w=="min") ? v[1] : v[int((NR+1)/2)]}'
}
echo "input: $cap ($(stat -L -c %s "$cap") bytes, $(grep -o '"packets": *[0-9]*' bench/pcapflow.out | tail -1 | grep -o '[0-9]*$') packets), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each"
printf '%-32s %9s %9s %9s %9s %10s\n' what "min wall" "med wall" "min CPU" "med CPU" "peak RSS"
for who in pcapflow tshark; do
  label="pcapflow parquet --tables all"
  [ $who = tshark ] && label="tshark -T fields (7 fields)"
  printf '%-32s %8ss %8ss %8ss %8ss %6s MiB\n' "$label" "$(stat_of bench/$who.runs 1 min)" "$(stat_of bench/$who.runs 1 median)" \
    "$(stat_of bench/$who.runs 2 min)" "$(stat_of bench/$who.runs 2 median)" "$(($(sort -g -k3,3 bench/$who.runs | tail -1 | cut -d' ' -f3) / 1024))"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a/b}'; }
echo "pcapflow is $(ratio "$(stat_of bench/tshark.runs 1 min)" "$(stat_of bench/pcapflow.runs 1 min)")x faster than tshark (min wall)," \
  "$(ratio "$(stat_of bench/tshark.runs 1 median)" "$(stat_of bench/pcapflow.runs 1 median)")x (median wall)," \
  "$(ratio "$(stat_of bench/tshark.runs 2 median)" "$(stat_of bench/pcapflow.runs 2 median)")x (median CPU time)"
echo "runs (wall s, CPU s, peak RSS KiB):"
paste -d' ' <(sed 's/^/  pcapflow /' bench/pcapflow.runs) <(sed 's/^/  tshark /' bench/tshark.runs)
du -sh bench/parquet/* | sed 's/^/  /'
