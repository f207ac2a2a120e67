package flowkey

import (
	"net/netip"
	"strconv"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/decoders/mobile"
)

// Key is one group of packets: a kind plus the exact canonical tuple or id.
// The zero Key is invalid. Keys are comparable and meant to be map keys;
// two keys are equal exactly when they name the same group.
type Key struct {
	a, b         netip.Addr
	id           uint64 // VLAN id, chunk number (1-based)
	gen          uint32 // 5-tuple generation, 0 for the first connection
	aPort, bPort uint16
	macA, macB   [6]byte
	kind         Kind
	proto        uint8
	sub          uint8 // SEID/Session: subSession or subNodes
}

// Sub-kinds of SEID and Session keys.
const (
	subSession uint8 = iota
	subNodes
)

// Kind returns the key's kind (0 for the zero Key).
func (k Key) Kind() Kind { return k.kind }

// Addrs returns the key's addresses: for pair and tuple kinds the canonical
// (lower) side first, for directed kinds source then destination, for
// single-address kinds the address and an invalid Addr.
func (k Key) Addrs() (netip.Addr, netip.Addr) { return k.a, k.b }

// Ports returns the ports in the same order as Addrs; ServerPort and
// ClientPort keys return their port first.
func (k Key) Ports() (uint16, uint16) { return k.aPort, k.bPort }

// Proto returns the IP protocol number for 3-tuple, 5-tuple and port kinds.
func (k Key) Proto() uint8 { return k.proto }

// Generation returns the connection generation of a 5-tuple key (0 for the
// first connection seen on the tuple) or of a SEID or Session key (0 for the
// first session opened with its CP address, UP address and CP SEID).
func (k Key) Generation() uint32 { return k.gen }

// ID returns the VLAN id of a VLAN key, the 1-based chunk number of a
// chunk key, the CP SEID of a SEID or Session key, the TEID of a TEID key.
func (k Key) ID() uint64 { return k.id }

// NodePair reports whether a SEID or Session key names a PFCP node pair
// (node messages with Spec.NodePairs) rather than a session.
func (k Key) NodePair() bool { return (k.kind == SEID || k.kind == Session) && k.sub == subNodes }

// IMSI returns the subscriber of an IMSI key.
func (k Key) IMSI() mobile.IMSI { return mobile.IMSI{V: k.id, N: uint8(k.gen)} }

// MACs returns the Ethernet addresses of a MACPair key, lower first.
func (k Key) MACs() ([6]byte, [6]byte) { return k.macA, k.macB }

// String returns a human-readable form such as "10.0.0.1 <-> 10.0.0.2" or
// "tcp 10.0.0.1:1234 <-> 10.0.0.2:80".
func (k Key) String() string {
	var buf [160]byte
	b := buf[:0]
	switch k.kind {
	case IPPair:
		b = k.a.AppendTo(b)
		b = append(b, " <-> "...)
		b = k.b.AppendTo(b)
	case ThreeTuple:
		b = appendProto(b, k.proto)
		b = append(b, ' ')
		b = k.a.AppendTo(b)
		b = append(b, " <-> "...)
		b = k.b.AppendTo(b)
	case FiveTuple, FiveTupleDir:
		b = appendProto(b, k.proto)
		b = append(b, ' ')
		b = netip.AddrPortFrom(k.a, k.aPort).AppendTo(b)
		if k.kind == FiveTuple {
			b = append(b, " <-> "...)
		} else {
			b = append(b, " -> "...)
		}
		b = netip.AddrPortFrom(k.b, k.bPort).AppendTo(b)
		if k.gen > 0 {
			b = append(b, " #"...)
			b = strconv.AppendUint(b, uint64(k.gen)+1, 10)
		}
	case SrcIP, DstIP, ClientIP, ServerIP:
		b = append(b, rolePrefix(k.kind)...)
		b = append(b, ' ')
		b = k.a.AppendTo(b)
	case ServerPort, ClientPort:
		b = appendProto(b, k.proto)
		b = append(b, ' ')
		b = append(b, rolePrefix(k.kind)...)
		b = append(b, " port "...)
		b = strconv.AppendUint(b, uint64(k.aPort), 10)
	case VLAN:
		b = append(b, "vlan "...)
		b = strconv.AppendUint(b, k.id, 10)
	case MACPair:
		b = appendMAC(b, k.macA, ':')
		b = append(b, " <-> "...)
		b = appendMAC(b, k.macB, ':')
	case Count, Size, Time:
		b = append(b, "chunk "...)
		b = strconv.AppendUint(b, k.id, 10)
	case SEID, Session, TEID, Inner5Tuple, UEIP, IMSI:
		b = k.appendMobileString(b)
	case Tunnel:
		t := decoders.TunnelType(k.proto)
		b = append(b, t.String()...)
		switch t {
		case decoders.TunnelVXLAN, decoders.TunnelGeneve:
			b = append(b, " vni "...)
		case decoders.TunnelGRE:
			b = append(b, " key "...)
		default:
			b = append(b, " session "...)
		}
		b = strconv.AppendUint(b, k.id, 10)
	default:
		return "invalid key"
	}
	return string(b)
}

// FileName returns a stable name for the key's output file, without
// extension, safe on every common file system: only letters, digits, '.',
// '-' and '_', never a leading dot or dash, at most 200 bytes. IPv6 colons
// become '-' (a leading "::" becomes "0--"). Names of different keys of the
// same kind never collide; kinds use distinct prefixes or shapes.
//
// Forms: "10.0.0.1_10.0.0.2" (ip-pair), "tcp_10.0.0.1_10.0.0.2" (3-tuple),
// "tcp_10.0.0.1_1234_10.0.0.2_80" (5-tuple; later generations end in "-2",
// "-3"...), "tcp_10.0.0.1_1234_to_10.0.0.2_80" (5-tuple-dir), "src_10.0.0.1",
// "dst_…", "client_…", "server_…", "server_tcp_80", "client_tcp_51000",
// "vlan_100", "00-11-22-33-44-55_66-77-88-99-aa-bb" (mac-pair) and
// "chunk-000001" (count, size, time), "vxlan_5001", "geneve_9", "gre_42",
// "erspan_7" (tunnel); mobile kinds are described at appendMobileFileName.
func (k Key) FileName() string {
	var buf [200]byte
	b := buf[:0]
	switch k.kind {
	case IPPair:
		b = appendFileAddr(b, k.a)
		b = append(b, '_')
		b = appendFileAddr(b, k.b)
	case ThreeTuple:
		b = appendProto(b, k.proto)
		b = append(b, '_')
		b = appendFileAddr(b, k.a)
		b = append(b, '_')
		b = appendFileAddr(b, k.b)
	case FiveTuple, FiveTupleDir:
		b = appendProto(b, k.proto)
		b = append(b, '_')
		b = appendFileAddr(b, k.a)
		b = append(b, '_')
		b = strconv.AppendUint(b, uint64(k.aPort), 10)
		if k.kind == FiveTupleDir {
			b = append(b, "_to"...)
		}
		b = append(b, '_')
		b = appendFileAddr(b, k.b)
		b = append(b, '_')
		b = strconv.AppendUint(b, uint64(k.bPort), 10)
		if k.gen > 0 {
			b = append(b, '-')
			b = strconv.AppendUint(b, uint64(k.gen)+1, 10)
		}
	case SrcIP, DstIP, ClientIP, ServerIP:
		b = append(b, rolePrefix(k.kind)...)
		b = append(b, '_')
		b = appendFileAddr(b, k.a)
	case ServerPort, ClientPort:
		b = append(b, rolePrefix(k.kind)...)
		b = append(b, '_')
		b = appendProto(b, k.proto)
		b = append(b, '_')
		b = strconv.AppendUint(b, uint64(k.aPort), 10)
	case VLAN:
		b = append(b, "vlan_"...)
		b = strconv.AppendUint(b, k.id, 10)
	case MACPair:
		b = appendMAC(b, k.macA, '-')
		b = append(b, '_')
		b = appendMAC(b, k.macB, '-')
	case Count, Size, Time:
		b = append(b, "chunk-"...)
		var d [20]byte
		s := strconv.AppendUint(d[:0], k.id, 10)
		for i := len(s); i < 6; i++ {
			b = append(b, '0')
		}
		b = append(b, s...)
	case SEID, Session, TEID, Inner5Tuple, UEIP, IMSI:
		b = k.appendMobileFileName(b)
	case Tunnel:
		b = append(b, decoders.TunnelType(k.proto).String()...)
		b = append(b, '_')
		b = strconv.AppendUint(b, k.id, 10)
	default:
		return "invalid"
	}
	return string(b)
}

func rolePrefix(k Kind) string {
	switch k {
	case SrcIP:
		return "src"
	case DstIP:
		return "dst"
	case ClientIP, ClientPort:
		return "client"
	}
	return "server"
}

// appendFileAddr writes a with ':' replaced by '-' and a leading "::"
// written as "0--" so no name starts with a dash. Keys never hold zones.
func appendFileAddr(b []byte, a netip.Addr) []byte {
	start := len(b)
	b = a.AppendTo(b)
	if len(b)-start >= 2 && b[start] == ':' {
		b = append(b, 0)
		copy(b[start+1:], b[start:len(b)-1])
		b[start] = '0'
	}
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == ':':
			b[i] = '-'
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.':
		default:
			b[i] = '_'
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

func appendMAC(b []byte, m [6]byte, sep byte) []byte {
	for i, x := range m {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, hexDigits[x>>4], hexDigits[x&15])
	}
	return b
}

var protoNames = map[uint8]string{
	1: "icmp", 2: "igmp", 4: "ipip", 6: "tcp", 17: "udp", 41: "ipv6", 47: "gre",
	50: "esp", 51: "ah", 58: "icmpv6", 89: "ospf", 103: "pim", 112: "vrrp",
	132: "sctp", 136: "udplite",
}

// appendProto writes the protocol's lower-case name, or "ip<N>" for one
// without a name here.
func appendProto(b []byte, p uint8) []byte {
	if n, ok := protoNames[p]; ok {
		return append(b, n...)
	}
	b = append(b, "ip"...)
	return strconv.AppendUint(b, uint64(p), 10)
}
