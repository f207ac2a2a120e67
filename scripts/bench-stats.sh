#!/usr/bin/env bash
# pcapflow stats against capinfos, side by side on the same generated capture (not run by CI).
#   BENCH_BYTES sets the capture size (default 1GiB; the capture is kept in bench/, git-ignored).
# capinfos comes with tshark (apt-get install -y tshark). Both read from a warm page cache.
# capinfos runs with its default report (which includes SHA256/SHA1/RIPEMD160 hashes) and with -M -a -e -c -s -d
# (counts, sizes, times only; no hashes); pcapflow stats decodes every packet besides (protocols, flows, TCP analysis).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v capinfos >/dev/null || { echo "capinfos not found: apt-get install -y tshark" >&2; exit 1; }
BIN=bench/pcapflow
mkdir -p bench
make -s build BIN="$BIN"
size=${BENCH_BYTES:-1GiB}
mkdir -p bench
cap=bench/mix-$size.pcap
# Generated afresh every run (0.1 s per 100 MiB): a capture left by an older build's generator would differ.
$BIN gen mix --bytes "$size" --seed 1 -o "$cap" >/dev/null
bytes=$(stat -L -c %s "$cap")
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
cat "$cap" >/dev/null
time_of() { local t0 t1; t0=$EPOCHREALTIME; "$@" >/dev/null; t1=$EPOCHREALTIME; secs "$t0" "$t1"; }
t_ci=$(time_of capinfos "$cap")
t_cif=$(time_of capinfos -M -a -e -c -s -d "$cap")
t_pf=$(time_of $BIN stats --no-progress "$cap")
t_pfj=$(time_of $BIN stats --no-progress --json "$cap")
echo "input: $cap ($bytes bytes), $(nproc) cores"
for row in "capinfos (default, with hashes):$t_ci" "capinfos -M -a -e -c -s -d:$t_cif" "pcapflow stats:$t_pf" "pcapflow stats --json:$t_pfj"; do
  name=${row%:*}; t=${row##*:}
  printf '%-34s %8ss %8s MB/s   capinfos(default)/this = %s\n' "$name" "$t" \
    "$(awk -v b="$bytes" -v t="$t" 'BEGIN{printf "%.0f", b/1048576/t}')" "$(awk -v a="$t_ci" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
done
