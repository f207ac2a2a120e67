#!/bin/sh
# follow-truth.sh regenerates the tshark truth the follow and httpx tests
# compare against (tshark is not on the CI machine, so the answers are
# committed). Run from the checkout root with tshark 4.0.x on PATH:
#
#   scripts/follow-truth.sh [CAPTURE_DIR]     # default ../shared/captures
#
# For every capture in which tshark sees TCP, it asks tshark for
# `-z follow,tcp,raw,N` of every stream N (many -z per tshark run) and writes
# sinks/follow/testdata/truth/NAME.txt, one line per non-empty direction:
#
#   stream  src_addr:port  dst_addr:port  length  sha256  first-16-bytes-hex
#
# (the captures' bytes are not committed: hash, length and first bytes are
# enough to compare). For the HTTP captures it writes
# sinks/httpx/testdata/truth/NAME.tsv with tshark's HTTP fields per message.
# tshark runs with -n, an empty config directory, TZ=UTC and LC_ALL=C.
set -eu
dir=${1:-../shared/captures}
here=$(pwd)
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
export WIRESHARK_CONFIG_DIR="$conf" TZ=UTC LC_ALL=C
for f in "$dir"/*.pcap "$dir"/*.pcapng "$dir"/*.cap; do
	[ -f "$f" ] || continue
	python3 - "$f" "$here/sinks/follow/testdata/truth" <<'PY'
import hashlib, os, subprocess, sys
path, outdir = sys.argv[1], sys.argv[2]
name = os.path.basename(path)
ids = subprocess.run(["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields", "-e", "tcp.stream"],
                     capture_output=True, text=True, check=True).stdout.split()
streams = sorted(set(int(x) for x in ids))
out = os.path.join(outdir, name + ".txt")
if not streams:
    if os.path.exists(out):
        os.remove(out)
    sys.exit(0)
rows = []
for i in range(0, len(streams), 200):
    chunk = streams[i:i + 200]
    args = ["tshark", "-n", "-r", path, "-q"]
    for n in chunk:
        args += ["-z", f"follow,tcp,raw,{n}"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    cur = None
    for line in text.splitlines():
        if line.startswith("Filter: tcp.stream eq "):
            cur = {"n": int(line.split()[-1]), "nodes": {}, 0: bytearray(), 1: bytearray()}
            blocks = cur
        elif line.startswith("Node ") and cur is not None:
            k, v = line.split(": ", 1)
            cur["nodes"][int(k.split()[1])] = v.strip()
        elif line.startswith("====") or line.startswith("Follow:") or not line.strip():
            if line.startswith("====") and cur is not None and cur["nodes"]:
                for who in (0, 1):
                    b = bytes(cur[who])
                    if b:
                        rows.append((cur["n"], cur["nodes"].get(who, "?"), cur["nodes"].get(1 - who, "?"),
                                     len(b), hashlib.sha256(b).hexdigest(), b[:16].hex()))
                cur = None
        elif cur is not None:
            who = 1 if line.startswith("\t") else 0
            try:
                cur[who] += bytes.fromhex(line.strip())
            except ValueError:
                pass
rows.sort()
with open(out, "w") as w:
    w.write("# tshark -z follow,tcp,raw,N of %s: stream src dst length sha256 first16\n" % name)
    for r in rows:
        w.write("%d\t%s\t%s\t%d\t%s\t%s\n" % r)
PY
done
for name in http-wireshark-sample.cap ipv6-http-streams-rawip.pcap; do
	[ -f "$dir/$name" ] || continue
	{
		printf '# tshark HTTP fields of %s\n' "$name"
		printf '# frame\tstream\tis_request\tmethod\thost\turi\tversion\tcode\tcontent_length\trequest_in\tresponse_in\tuser_agent\tcontent_type\ttransfer_encoding\n'
		tshark -n -r "$dir/$name" -Y http -T fields -E separator=/t -E occurrence=f \
			-e frame.number -e tcp.stream -e http.request -e http.request.method -e http.host \
			-e http.request.uri -e http.request.version -e http.response.code -e http.content_length \
			-e http.request_in -e http.response_in -e http.user_agent -e http.content_type -e http.transfer_encoding
	} > "sinks/httpx/testdata/truth/$name.tsv"
done
