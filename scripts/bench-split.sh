#!/usr/bin/env bash
# Whole-program split benchmark, every figure measured in this one run:
#   1. a ~1 GiB generated capture with mixed traffic (~20k IP pairs, ~100k 5-tuples, frames 60-1514):
#      `cat >/dev/null`, `cp`, and `pcapflow split --by ip-pair` / `--by 5-tuple`, with ratios to cp;
#   2. 1,000,000 flows (a SYN flood from 1M sources) split --by ip-pair --max-open 256.
# Peak RSS comes from pcapflow's own --json summary (getrusage). Outputs go to bench/ (git-ignored).
# BENCH_BYTES overrides the capture size (default 1GiB); BENCH_FLOWS the flow count of case 2.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin/pcapflow
size=${BENCH_BYTES:-1GiB}
flows=${BENCH_FLOWS:-1000000}
mkdir -p bench
cap=bench/mix-$size.pcap
if [ ! -f "$cap" ]; then
  echo "generating $cap ..."
  $BIN gen mix --bytes "$size" --seed 1 -o "$cap"
fi
bytes=$(stat -c %s "$cap")
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }

sync; cat "$cap" >/dev/null   # warm the page cache once so every contender reads from memory
t0=$(now); cat "$cap" >/dev/null; t1=$(now); t_cat=$(secs "$t0" "$t1")
rm -f bench/copy.pcap
t0=$(now); cp "$cap" bench/copy.pcap; sync bench/copy.pcap; t1=$(now); t_cp=$(secs "$t0" "$t1")
rm -f bench/copy.pcap

row() { # name seconds json
  local name=$1 t=$2 json=${3:-}
  local mbs rss pkts
  mbs=$(awk -v b="$bytes" -v t="$t" 'BEGIN{printf "%.0f", b/1048576/t}')
  rss=-; pkts=-
  if [ -n "$json" ]; then
    rss=$(grep -o '"max_rss_bytes": *[0-9]*' "$json" | grep -o '[0-9]*$' | awk '{printf "%.0f MiB", $1/1048576}')
    pkts=$(grep -o '"packets": *[0-9]*' "$json" | head -1 | grep -o '[0-9]*$' | awk -v t="$t" '{printf "%.2f Mpkt/s", $1/t/1e6}')
  fi
  printf '%-34s %8ss %8s MB/s %8sx cp  %14s  %s\n' "$name" "$t" "$mbs" "$(awk -v a="$t" -v b="$t_cp" 'BEGIN{printf "%.2f", a/b}')" "$pkts" "$rss"
}

echo
echo "input: $cap ($bytes bytes), $(nproc) cores"
printf '%-34s %9s %13s %11s %14s  %s\n' "what" "wall" "throughput" "ratio" "packets" "peak RSS"
row "cat >/dev/null" "$t_cat"
row "cp (+sync)" "$t_cp"
for key in ip-pair 5-tuple; do
  rm -rf bench/split-$key
  t0=$(now); $BIN split "$cap" --by $key -o bench/split-$key --json > bench/split-$key.json; sync -f bench/split-$key/manifest.json; t1=$(now)
  row "pcapflow split --by $key" "$(secs "$t0" "$t1")" bench/split-$key.json
  rm -rf bench/split-$key
done

echo
echo "1,000,000-flow case: synflood -n $flows (one IP pair per packet), split --by ip-pair --max-open 256"
syn=bench/synflood-$flows.pcap
[ -f "$syn" ] || $BIN gen synflood -n "$flows" --src 10.0.0.0/8 -o "$syn"
rm -rf bench/split-syn
t0=$(now); $BIN split "$syn" --by ip-pair --max-open 256 -o bench/split-syn --json > bench/split-syn.json; t1=$(now)
files=$(find bench/split-syn -name '*.pcap' | wc -l)
echo "  $(secs "$t0" "$t1") s wall, $files files, peak RSS $(grep -o '"max_rss_bytes": *[0-9]*' bench/split-syn.json | grep -o '[0-9]*$' | awk '{printf "%.0f MiB", $1/1048576}')"
rm -rf bench/split-syn
