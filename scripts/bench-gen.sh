#!/bin/sh
# bench-gen.sh: whole-command generator speed.
#
#   1. `pcapflow gen synflood -n 1000000 -o FILE` wall time, next to the
#      seed's approach in the same run: a Python/dpkt loop that reuses
#      Ethernet/IP/TCP objects and writes each SYN with dpkt's pcap writer
#      (written for this script; needs python3-dpkt, skipped without it).
#   2. `pcapflow gen mix --bytes 1GiB -o FILE` wall time and MB/s.
#
# Usage: scripts/bench-gen.sh [N]   (N SYNs, default 1000000)
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000000}
make -s build
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

secs() { # secs CMD...: run CMD, print its wall time in seconds
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	e=$EPOCHREALTIME
	echo "$s $e" | awk '{ printf "%.2f", $2 - $1 }'
}

t=$(secs bin/pcapflow gen synflood -n "$N" -o "$TMP/syn.pcap")
echo "pcapflow gen synflood -n $N: ${t}s, $(stat -c %s "$TMP/syn.pcap") bytes"

cat >"$TMP/dpkt_synflood.py" <<'PY'
# The seed's approach: one Ethernet/IP/TCP object set, the source address
# changed per packet, checksums recomputed by dpkt on serialisation.
import socket, struct, sys
import dpkt

n, path = int(sys.argv[1]), sys.argv[2]
tcp = dpkt.tcp.TCP(sport=60001, dport=80, flags=dpkt.tcp.TH_SYN, win=64240)
ip = dpkt.ip.IP(dst=socket.inet_aton("172.16.0.1"), p=dpkt.ip.IP_PROTO_TCP, ttl=64)
eth = dpkt.ethernet.Ethernet(src=b"\x00\x00\x01\x00\x00\x01", dst=b"\x00\x00\x01\x00\x00\x02",
                             type=dpkt.ethernet.ETH_TYPE_IP)
base = struct.unpack("!I", socket.inet_aton("192.168.0.1"))[0]
with open(path, "wb") as f:
    w = dpkt.pcap.Writer(f)
    for i in range(n):
        tcp.sum = 0
        ip.src = struct.pack("!I", base + i % 65534)
        ip.data = tcp
        ip.len = len(ip.pack_hdr()) + len(bytes(tcp))
        ip.sum = 0
        eth.data = ip
        w.writepkt(bytes(eth), ts=1704067200 + i / 1000.0)
PY
# Debian's python3-dpkt is in the system Python, which a pyenv shim may hide.
PY=${PYTHON:-python3}
if ! "$PY" -c 'import dpkt' 2>/dev/null && [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; fi
if "$PY" -c 'import dpkt' 2>/dev/null; then
	t=$(secs "$PY" "$TMP/dpkt_synflood.py" "$N" "$TMP/dpkt.pcap")
	echo "python3/dpkt $("$PY" -c 'import dpkt; print(dpkt.__version__)') synflood $N: ${t}s, $(stat -c %s "$TMP/dpkt.pcap") bytes"
else
	echo "python3/dpkt not installed (apt-get install -y python3-dpkt): reference skipped"
fi
rm -f "$TMP"/*.pcap

t=$(secs bin/pcapflow gen mix --bytes 1GiB -o "$TMP/mix.pcap")
size=$(stat -c %s "$TMP/mix.pcap")
echo "pcapflow gen mix --bytes 1GiB: ${t}s, $size bytes, $(echo "$size $t" | awk '{ printf "%.0f", $1 / 1e6 / $2 }') MB/s"
