// Package filter compiles capture filters written in tcpdump's pcap-filter(7)
// syntax and evaluates them over decoded packets, in pure Go.
//
// The verdicts are meant to equal tcpdump's (libpcap 1.10): a filter is
// compiled into the same tests libpcap's code generator emits, at the same
// byte offsets, and run over the captured bytes. That is why evaluation
// reads the frame rather than the pipeline.Decoded summary: libpcap does not
// look past a VLAN tag unless the filter says "vlan", reads "tcp[…]" through
// the IPv4 header length only, finds ports of IPv6 packets only directly
// after the fixed header, and stops at the outer header of tunnels; the
// decoder normalises all of that away. Rules worth knowing:
//
//   - "and" and "or" have the same precedence and associate to the left;
//     "not" binds tightest.
//   - A bare address or number after "and"/"or" inherits the qualifiers of
//     the primitive before it: "host a or b", "tcp port 80 or 443".
//   - "vlan" and "mpls" shift every header offset used by the rest of the
//     expression by 4 bytes, "pppoes" by 8 (its header and the PPP protocol
//     field), whatever the parentheses say. After "pppoes" the link is PPP:
//     "ip", "ip6" and "mpls" test the PPP protocol field, and VLAN tags,
//     Ethernet addresses and link-layer broadcast or multicast are refused.
//   - Over "mpls" only IPv4 and IPv6 can be tested ("mpls and arp" is
//     refused); a bare "host" then leaves out its ARP and RARP halves.
//   - Link types: Ethernet, Linux cooked v1 and v2, BSD and OpenBSD
//     loopback, raw IP, PPP (protocol field at byte 2, after ff 03), PPP
//     over serial, PPPoE without Ethernet (byte 6) and Cisco HDLC (an
//     Ethertype at byte 2). On PPP links "ip", "ip6" and "mpls" compare PPP
//     protocol numbers; MPLS is read on Ethernet, PPP and Cisco HDLC only.
//   - A load beyond the captured bytes rejects the packet, as a BPF program
//     does, even inside an "or" whose other side would be true. (libpcap's
//     optimiser sometimes removes such a load, as in "tcp[13] = 2 or ip";
//     pcapflow does not optimise, so on a frame cut inside the TCP header
//     the two can differ.)
//   - In arithmetic, libpcap keeps the protocol tests of the left operand
//     only: "len - ip[2:2] > 14" holds for non-IP frames too. '%' and '^'
//     have no precedence in libpcap's grammar, so they bind everything to
//     their right: "a / 4 % 7" is a / (4 % 7).
//   - "len", "greater" and "less" use the length on the wire.
//
// Compile reports syntax and semantic errors as *Error values with the
// 1-based column of the offending token; Caret draws it under the
// expression. Link-type dependent errors (such as "vlan" on a Linux cooked
// capture) come from (*Filter).Check. Matching allocates nothing.
package filter
