#!/usr/bin/env bash
# Whole-program split benchmark, every figure measured in this one run:
#   1. a ~1 GiB generated capture with mixed traffic (~20k IP pairs, ~100k 5-tuples, frames 60-1514):
#      `cat >/dev/null`, an untimed warm-up cp, then RUNS (default 3) alternating rounds of `cp` and
#      `pcapflow split --by ip-pair` / `--by 5-tuple`, each timed up to the end of a `sync`, so both
#      contenders pay for getting their bytes to disk; min and median of each, ratios to cp;
#   the CPU time (user+sys, GNU time) of every cp and split run is printed too: cp spends it in the
#   kernel copying into the page cache, which split pays as well;
#   2. 1,000,000 flows (a SYN flood from 1M sources) split --by ip-pair --max-open 256.
# Every timed run writes into a fresh directory and runs after a `sync`, and nothing is deleted until the
# end: deleting tens of thousands of files just before a run makes the next creations much slower on
# filesystems that avoid reusing recently freed inodes (ext4 without a journal does, for up to 5 minutes
# — this machine's root filesystem is such), which would measure the previous run's cleanup, not split.
# For the same reason, leave ~5 minutes between two invocations of this script.
# Peak RSS comes from pcapflow's own --json summary (getrusage). Outputs go to bench/ (git-ignored).
# BENCH_BYTES overrides the capture size (default 1GiB); BENCH_FLOWS the flow count of case 2;
# SPLIT_FLAGS adds split flags (e.g. "--buffer 256MiB").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin/pcapflow
size=${BENCH_BYTES:-1GiB}
flows=${BENCH_FLOWS:-1000000}
runs=${RUNS:-3}
mkdir -p bench
cap=bench/mix-$size.pcap
# Generated afresh every run (0.1 s per 100 MiB): a capture left by an older build's generator would differ.
$BIN gen mix --bytes "$size" --seed 1 -o "$cap" >/dev/null
bytes=$(stat -L -c %s "$cap")
work=bench/split-run
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
# stats "t1 t2 ..." -> "min median"
stats() {
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{v[NR]=$1} END{
    m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    printf "%.3f %.3f", v[1], m}'
}

sync; cat "$cap" >/dev/null   # warm the page cache once so every contender reads from memory
t0=$EPOCHREALTIME; cat "$cap" >/dev/null; t1=$EPOCHREALTIME; t_cat=$(secs "$t0" "$t1")

keys=(ip-pair 5-tuple)
t_cp=""
declare -A t_split rss ratios
# cputime FILE -> user+sys seconds that GNU time wrote to FILE ("%U %S")
cputime() { awk '{printf "%.2f", $1+$2}' "$1"; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is needed (apt-get install -y time)" >&2; exit 1; }
cpu_cp=""
declare -A cpu_split
timecp() { # round -> seconds of cp + sync; appends cp's CPU seconds to bench/cp-cpu.txt
  sync
  local t0 t1
  t0=$EPOCHREALTIME; "$TIME" -f "%U %S" -o "$work/cp-$1.time" cp "$cap" "$work/copy-$1.pcap"; sync; t1=$EPOCHREALTIME
  secs "$t0" "$t1"
}
# One untimed cp + sync first: this VM's disk writes the first ~GiB after a quiet spell much faster than
# the ones that follow (seen: cp + sync 1.0 s in the first round, 2.9-3.6 s in every later one), and
# whichever contender came first got that burst.
cp "$cap" "$work/warm-up.pcap"; sync
for r in $(seq "$runs"); do
  # Each round times cp and every split once; odd rounds put cp first, even
  # rounds last, so that neither side always meets the disk in the same state.
  # The paired ratio split/cp of each round is reported besides min and median.
  (( r % 2 )) && c=$(timecp "$r") && cpu_cp+=" $(cputime "$work/cp-$r.time")"
  declare -A t_round=()
  for key in "${keys[@]}"; do
    out=$work/$key-$r
    sync
    # shellcheck disable=SC2086
    t0=$EPOCHREALTIME; "$TIME" -f "%U %S" -o "$out.time" $BIN split "$cap" --by "$key" -o "$out" --json ${SPLIT_FLAGS:-} >"$out.json"; sync; t1=$EPOCHREALTIME
    cpu_split[$key]+=" $(cputime "$out.time")"
    t_round[$key]=$(secs "$t0" "$t1")
    t_split[$key]+=" ${t_round[$key]}"
    rss[$key]=$(grep -o '"max_rss_bytes": *[0-9]*' "$out.json" | grep -o '[0-9]*$' | awk '{printf "%.0f MiB", $1/1048576}')
    pkts=$(grep -o '"packets": *[0-9]*' "$out.json" | head -1 | grep -o '[0-9]*$')
  done
  (( r % 2 )) || { c=$(timecp "$r"); cpu_cp+=" $(cputime "$work/cp-$r.time")"; }
  t_cp+=" $c"
  for key in "${keys[@]}"; do
    ratios[$key]+=" $(awk -v a="${t_round[$key]}" -v b="$c" 'BEGIN{printf "%.3f", a/b}')"
  done
done

read -r cp_min cp_med <<<"$(stats "$t_cp")"
echo
echo "input: $cap ($bytes bytes, $pkts packets), $(nproc) cores, $runs alternating runs each (times include sync)"
printf '%-30s %9s %9s %11s %13s %12s  %s\n' "what" "min" "median" "MB/s (min)" "Mpkt/s (min)" "x cp (med)" "peak RSS"
printf '%-30s %8ss %9s\n' "cat >/dev/null (warm)" "$t_cat" "-"
printf '%-30s %8ss %8ss %11.0f %13s %12s\n' "cp + sync" "$cp_min" "$cp_med" "$(awk -v b="$bytes" -v t="$cp_min" 'BEGIN{print b/1048576/t}')" "-" "1.00"
for key in "${keys[@]}"; do
  read -r mn md <<<"$(stats "${t_split[$key]}")"
  printf '%-30s %8ss %8ss %11.0f %13.2f %12.2f  %s\n' "pcapflow split --by $key" "$mn" "$md" \
    "$(awk -v b="$bytes" -v t="$mn" 'BEGIN{print b/1048576/t}')" \
    "$(awk -v p="$pkts" -v t="$mn" 'BEGIN{print p/t/1e6}')" \
    "$(awk -v a="$md" -v b="$cp_med" 'BEGIN{print a/b}')" "${rss[$key]}"
done
echo "x cp on minimums: $(for key in "${keys[@]}"; do read -r mn _ <<<"$(stats "${t_split[$key]}")"; printf '%s %.2f  ' "$key" "$(awk -v a="$mn" -v b="$cp_min" 'BEGIN{print a/b}')"; done)"
echo "CPU seconds (user+sys) per run, cp:$cpu_cp$(for key in "${keys[@]}"; do printf '; split --by %s:%s' "$key" "${cpu_split[$key]}"; done)"
for key in "${keys[@]}"; do
  read -r rmin rmed <<<"$(stats "${ratios[$key]}")"
  echo "paired split/cp ratio per round, --by $key:${ratios[$key]} (median $rmed)"
done

echo
echo "1,000,000-flow case: synflood -n $flows (one IP pair per packet), split --by ip-pair --max-open 256"
syn=bench/synflood-$flows.pcap
$BIN gen synflood -n "$flows" --src 10.0.0.0/8 -o "$syn" >/dev/null
sync
t0=$EPOCHREALTIME; $BIN split "$syn" --by ip-pair --max-open 256 -o "$work/syn" --json > bench/split-syn.json; t1=$EPOCHREALTIME
files=$(find "$work/syn" -name '*.pcap' | wc -l)
echo "  $(secs "$t0" "$t1") s wall, $files files, peak RSS $(grep -o '"max_rss_bytes": *[0-9]*' bench/split-syn.json | grep -o '[0-9]*$' | awk '{printf "%.0f MiB", $1/1048576}')"
