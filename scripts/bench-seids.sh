#!/usr/bin/env bash
# seids speed, side by side with tshark, on one generated capture:
#   a 200,000-message PFCP capture (pcapflow gen pfcp: an association, then 33,333 sessions of
#   establishment, modification and deletion), then
#   - tshark -n -r CAP -Y pfcp -T fields -e pfcp.seid   (the issue's reference command)
#   - pcapflow seids CAP --json, pcapflow seids CAP (text), --csv and --sessions --json
# each to /dev/null, BENCH_RUNS (default 7) wall-clock runs each, interleaved (tshark, one untimed
# pcapflow warm-up run, then every pcapflow mode in a rotating order, then again) so that load from
# other work hits all of them alike. Prints the
# minimum and the median of each, and the ratios tshark/pcapflow: against tshark measured here
# and against the issue's reference figure (12.5 s, BENCH_REF_SECONDS).
# Needs tshark (apt-get install -y tshark) for the measured ratio. BENCH_SESSIONS overrides the
# session count. The binary is rebuilt from the checkout every time (bench/pcapflow-seids).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench
BIN=bench/pcapflow-seids
make -s build BIN="$BIN"
sessions=${BENCH_SESSIONS:-33333}
runs=${BENCH_RUNS:-7}
ref=${BENCH_REF_SECONDS:-12.5}
cap=bench/pfcp-$sessions.pcap
# Generated afresh every run (0.1 s per 100 MiB): a capture left by an older build's generator would differ.
$BIN gen pfcp -n "$sessions" --rate 1000 --seed 1 -o "$cap" >/dev/null
echo "capture: $cap, $(stat -L -c %s "$cap") bytes, $($BIN seids "$cap" --csv | tail -n +2 | wc -l) PFCP messages"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# time1 command... -> wall-clock seconds of one run, output discarded. The clock is bash's
# EPOCHREALTIME, read without a fork: timing with $(date) added ~1.7 ms of the timer's own fork and
# exec to every run, 3% of a 60 ms seids run.
time1() {
  local t0 t1
  # This VM runs DAMON-based reclaim (kdamond), which drops page-cache
  # pages a few minutes cold: the capture is read once, untimed, before
  # every timed run so that every run reads it from memory.
  cat "$cap" >/dev/null
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}'
}
# stats "t1 t2 ..." -> "min median"
stats() {
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{v[NR]=$1} END{
    m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    printf "%.3f %.3f", v[1], m}'
}

modes=("--json" "" "--csv" "--sessions --json")
have_tshark=false
command -v tshark >/dev/null && have_tshark=true
cat "$cap" >/dev/null # page cache
t_ts=""
declare -a t_pf
for ((i = 0; i < ${#modes[@]}; i++)); do t_pf[i]=""; done
for ((r = 0; r < runs; r++)); do
  if $have_tshark; then
    t_ts+=" $(time1 tshark -n -r "$cap" -Y pfcp -T fields -e pfcp.seid)"
    # One untimed pcapflow run after tshark: the first short process after
    # tshark's (300 MB, 3 s) was measured 10-50 ms slower than the next ones
    # on this VM (e.g. 135 83 79 78 ms, 96 85 90 83 ms), which penalised
    # whichever mode came first. hyperfine's --warmup does the same.
    "$BIN" seids "$cap" --csv >/dev/null 2>&1
  fi
  # The modes take turns at going first.
  for ((k = 0; k < ${#modes[@]}; k++)); do
    i=$(((k + r) % ${#modes[@]}))
    # shellcheck disable=SC2086
    t_pf[i]+=" $(time1 "$BIN" seids "$cap" ${modes[i]})"
  done
done

ts_med=""
if $have_tshark; then
  read -r ts_min ts_med <<<"$(stats "$t_ts")"
  echo "tshark -Y pfcp -T fields -e pfcp.seid: min ${ts_min}s, median ${ts_med}s ($runs runs)"
else
  echo "tshark not installed: only the ratio to the issue's ${ref}s (apt-get install -y tshark)"
fi
for ((i = 0; i < ${#modes[@]}; i++)); do
  read -r mn med <<<"$(stats "${t_pf[i]}")"
  line="pcapflow seids ${modes[i]:-(text)}: min ${mn}s, median ${med}s"
  if [ -n "$ts_med" ]; then
    line+=$(awk -v a="$ts_min" -v b="$mn" -v c="$ts_med" -v d="$med" \
      'BEGIN{printf "; vs tshark here: %.1fx (min/min), %.1fx (median/median)", a/b, c/d}')
  fi
  line+=$(awk -v r="$ref" -v b="$mn" -v d="$med" 'BEGIN{printf "; vs the issue'"'"'s %.1fs: %.1fx (min), %.1fx (median)", r, r/b, r/d}')
  echo "$line"
done
