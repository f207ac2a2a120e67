#!/bin/sh
# gen-tshark-check.sh: validate every pcapflow generator once with tshark
# and keep what tshark found as goldens in generators/testdata/tshark/.
#
# For each case below it generates a small capture with `pcapflow gen`,
# then runs tshark with checksum validation on for IPv4, TCP and UDP
# (ICMP and ICMPv6 checksums are always checked) and writes NAME.golden:
#
#   args      the pcapflow gen arguments
#   sha256    the SHA-256 of the capture tshark read
#   frames    its frame count
#   checksum  PROTO good N bad N: frames with a verified good / bad checksum
#   protocols N STACK: frames per frame.protocols
#   expert    SEVERITY GROUP PROTOCOL COUNT SUMMARY: tshark's expert info
#   fields    the tshark field names, then one `frame` line per frame with
#             their values (every occurrence, comma-separated)
#
# The Go test cmd/pcapflow/gen_test.go (TestGenTsharkGoldens) regenerates
# each capture with the same arguments, requires the same SHA-256 (so the
# golden describes exactly these bytes), no bad checksum, a good checksum
# on every frame that has the protocol, only the intended expert notes, and
# every frame's fields equal to pcapflow's own decoder. It needs no tshark.
#
# Usage: scripts/gen-tshark-check.sh [PCAPFLOW]   (default: builds bin/pcapflow)
# Needs: tshark (tested with 4.0), sha256sum, awk.
set -eu
cd "$(dirname "$0")/.."
PCAPFLOW=${1:-}
if [ -z "$PCAPFLOW" ]; then
	make -s build
	PCAPFLOW=bin/pcapflow
fi
command -v tshark >/dev/null || { echo "gen-tshark-check: tshark not found" >&2; exit 1; }
OUT=generators/testdata/tshark
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.golden

TSHARK_OPTS="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
FIELDS="frame.number frame.len vlan.id ip.src ip.dst ipv6.src ipv6.dst ip.ttl ipv6.hlim ip.proto
tcp.srcport tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw udp.srcport udp.dstport icmp.type icmpv6.type
gtp.teid gtp.ext_hdr.pdu_ses_con.qos_flow_id pfcp.msg_type pfcp.seid pfcp.seqno"

# GTPC_FIELDS are the GTPv2-C fields added for the gtpc cases.
GTPC_FIELDS="gtpv2.message_type gtpv2.teid gtpv2.seq e212.imsi gtpv2.cause gtpv2.f_teid_interface_type
gtpv2.f_teid_gre_key gtpv2.f_teid_ipv4 gtpv2.f_teid_ipv6 gtpv2.pdn_addr_and_prefix.ipv4
gtpv2.pdn_addr_and_prefix.ipv6 gtpv2.ebi"

# NAME|ARGS[|gtpc]: one capture per generator and per variant with its own
# intended tshark notes; a third column "gtpc" adds GTPC_FIELDS.
CASES='synflood|synflood -n 20
synflood-ipv6-vlan-options|synflood -n 20 --ipv6 --vlan 42 --tcp-options --seed 3
synflood-random|synflood -n 20 --src 10.9.0.0/24 --random-src --random-sport --seed 4
mix|mix -n 600 --pairs 40 --flows 120 --concurrent 30 --ipv6-share 0.3 --vlan-share 0.2 --seed 1
tcp-session|tcp-session -n 2 --seed 1
tcp-session-ipv6-vlan|tcp-session -n 1 --ipv6 --vlan 7 --seed 2
tcp-session-loss|tcp-session -n 3 --loss 0.3 --seed 7
tcp-session-reorder|tcp-session -n 3 --reorder 0.4 --seed 8
tcp-session-delayed-ack|tcp-session -n 2 --delayed-ack 300ms --seed 9
http|http -n 1 --body 20000 --seed 5
traceroute|traceroute --seed 1
traceroute-udp|traceroute --udp --seed 1
traceroute-ipv6|traceroute --ipv6 --silent 2 --seed 1
pfcp|pfcp -n 4 --reject-every 3 --vendor-ie --heartbeats 1 --retransmit 0.3 --seed 1
pfcp-user-plane-qfi|pfcp -n 2 --user-plane 3 --qfi 9 --seed 1
pfcp-ipv6|pfcp -n 2 --ipv6 --user-plane 2 --seed 1
gtpc|gtpc -n 8 --reject 3 --echo 2 --retransmit 0.2 --reuse-teids --hold 30ms --ue-ipv6 --user-packets 8 --seed 1|gtpc
gtpc-ipv6|gtpc -n 2 --ipv6 --user-packets 4 --plmn 310260 --apn ims.mnc260.mcc310.gprs --rat 10 --seed 2|gtpc
gtpc-gn|gtpc -n 8 --gn --reject 3 --echo 2 --retransmit 0.2 --reuse-teids --hold 30ms --ue-ipv6 --user-packets 8 --seed 1'

version=$(tshark --version 2>/dev/null | head -1)
echo "$CASES" | while IFS='|' read -r name args extra; do
	fields=$FIELDS
	case $extra in gtpc) fields="$FIELDS $GTPC_FIELDS" ;; esac
	cap="$TMP/$name.pcap"
	g="$OUT/$name.golden"
	# shellcheck disable=SC2086 # args are words on purpose
	"$PCAPFLOW" gen $args -o "$cap" 2>/dev/null
	{
		echo "# $name: pcapflow gen $args, checked by $version"
		echo "# Made by scripts/gen-tshark-check.sh; do not edit (regenerate with the script)."
		printf 'args\t%s\n' "$args"
		printf 'sha256\t%s\n' "$(sha256sum "$cap" | cut -d' ' -f1)"
		printf 'frames\t%s\n' "$(tshark -r "$cap" -T fields -e frame.number 2>/dev/null | wc -l)"
		# shellcheck disable=SC2086
		tshark -r "$cap" $TSHARK_OPTS -T fields -E occurrence=a -E aggregator=, \
			-e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status \
			-e icmp.checksum.status -e icmpv6.checksum.status 2>/dev/null |
			awk -F'\t' '
			BEGIN { split("ip tcp udp icmp icmpv6", name, " ") }
			{ for (i = 1; i <= 5; i++) {
				if ($i ~ /(^|,)1(,|$)/) good[i]++
				if ($i ~ /(^|,)0(,|$)/) bad[i]++
			} }
			END { for (i = 1; i <= 5; i++) printf "checksum\t%s\tgood\t%d\tbad\t%d\n", name[i], good[i], bad[i] }'
		tshark -r "$cap" -T fields -e frame.protocols 2>/dev/null | sort | uniq -c |
			awk '{ printf "protocols\t%s\t%s\n", $1, $2 }'
		# shellcheck disable=SC2086
		tshark -r "$cap" $TSHARK_OPTS -q -z expert 2>/dev/null |
			awk '
			/^(Errors|Warns|Notes|Chats) \(/ { sev = tolower($1); next }
			/^=+$/ || /^ *Frequency/ || NF == 0 { next }
			sev != "" {
				freq = $1; group = $2; proto = $3
				sub(/^ *[0-9]+ +[^ ]+ +[^ ]+  /, "")
				printf "expert\t%s\t%s\t%s\t%s\t%s\n", sev, group, proto, freq, $0
			}' | sort
		printf 'fields'
		for f in $fields; do printf '\t%s' "$f"; done
		printf '\n'
		fargs=""
		for f in $fields; do fargs="$fargs -e $f"; done
		# shellcheck disable=SC2086
		tshark -r "$cap" $TSHARK_OPTS -T fields -E occurrence=a -E aggregator=, $fargs 2>/dev/null |
			awk '{ print "frame\t" $0 }'
	} >"$g"
	echo "$g: $(grep -c '^frame	' "$g") frames, $(grep -c '^expert	' "$g") expert lines"
done
