// Package flowkey turns decoded packets into grouping keys: IP pairs,
// 3-tuples, bidirectional or directed 5-tuples (with TCP connection
// generations), single addresses, client/server sides, ports, VLAN ids,
// Ethernet address pairs, fixed-size chunks by packet count, bytes or time,
// and mobile-core groups: PFCP sessions (alone or with their GTP-U user
// plane), GTP-U tunnels, flows and UE addresses inside GTP-U, and GTPv2-C
// subscribers by IMSI with their user plane.
//
// A Key is a comparable value holding the exact canonical tuple or id, never a
// hash alone, so it can be used directly as a map key without collisions. A
// Keyer computes keys for packets in capture order; it keeps the little state
// some kinds need (TCP generations, client/server roles, IP fragments, chunk
// counters, the session tables of package mobile), bounded by the number of
// active flows (or sessions) and expired by packet time.
package flowkey

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Kind is what a Key groups packets by.
type Kind uint8

// Key kinds, in the order Names lists them.
const (
	// IPPair groups by the unordered pair of outer IP addresses.
	IPPair Kind = iota + 1
	// ThreeTuple groups by the unordered IP pair plus the IP protocol.
	ThreeTuple
	// FiveTuple groups by bidirectional transport connection; a reused TCP
	// tuple starts a new generation.
	FiveTuple
	// FiveTupleDir groups by one direction of a transport connection.
	FiveTupleDir
	// SrcIP groups by outer source address.
	SrcIP
	// DstIP groups by outer destination address.
	DstIP
	// ClientIP groups by the client side's address.
	ClientIP
	// ServerIP groups by the server side's address.
	ServerIP
	// ServerPort groups by protocol and server port.
	ServerPort
	// ClientPort groups by protocol and client port.
	ClientPort
	// VLAN groups by the outermost VLAN id.
	VLAN
	// MACPair groups by the unordered pair of Ethernet addresses.
	MACPair
	// Count cuts the capture into chunks of N packets.
	Count
	// Size cuts the capture into chunks of at most N bytes of pcap output.
	Size
	// Time cuts the capture into chunks of a fixed duration of packet time.
	Time
	// SEID groups PFCP messages by session (both directions, the
	// establishment request included); see package mobile.
	SEID
	// Session groups a PFCP session's messages with the GTP-U packets sent
	// to the tunnel endpoints it set up.
	Session
	// TEID groups GTP-U packets by tunnel: header TEID and outer
	// destination address.
	TEID
	// Inner5Tuple groups tunnelled packets (GTP-U G-PDUs; VXLAN, Geneve,
	// GRE, IP in IP) by the bidirectional 5-tuple of the tunnelled packet.
	Inner5Tuple
	// UEIP groups GTP-U G-PDUs by the UE's address inside the tunnel.
	UEIP
	// IMSI groups GTPv2-C messages by subscriber with the GTP-U packets
	// sent to the bearers' endpoints they set up.
	IMSI
	// Tunnel groups the packets of overlay tunnels by tunnel: VXLAN or
	// Geneve VNI, ERSPAN session id, GRE key (see decoders.TunnelID), so
	// that each mirroring session or virtual network gets its own file.
	Tunnel
)

var kindNames = [...]string{
	IPPair:       "ip-pair",
	ThreeTuple:   "3-tuple",
	FiveTuple:    "5-tuple",
	FiveTupleDir: "5-tuple-dir",
	SrcIP:        "src-ip",
	DstIP:        "dst-ip",
	ClientIP:     "client-ip",
	ServerIP:     "server-ip",
	ServerPort:   "server-port",
	ClientPort:   "client-port",
	VLAN:         "vlan",
	MACPair:      "mac-pair",
	Count:        "count",
	Size:         "size",
	Time:         "time",
	SEID:         "seid",
	Session:      "session",
	TEID:         "teid",
	Inner5Tuple:  "inner-5-tuple",
	UEIP:         "ue-ip",
	IMSI:         "imsi",
	Tunnel:       "tunnel",
}

// String returns the kind's name as ParseSpec accepts it ("5-tuple", "count"...).
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// IsChunk reports whether the kind cuts the capture into consecutive chunks
// rather than grouping by packet content.
func (k Kind) IsChunk() bool { return k == Count || k == Size || k == Time }

// Spec is a parsed --by value.
type Spec struct {
	Kind Kind
	// N is the packet count for Count and the byte budget for Size.
	N int64
	// Every is the chunk duration for Time.
	Every time.Duration
	// NodePairs, for SEID and Session, keys PFCP node messages (heartbeats,
	// associations...) by their unordered node pair instead of leaving them
	// to other. Written "seid:nodes" or "session:nodes".
	NodePairs bool
}

// String returns the spec in the form ParseSpec accepts.
func (s Spec) String() string {
	switch s.Kind {
	case Count, Size:
		return s.Kind.String() + ":" + strconv.FormatInt(s.N, 10)
	case Time:
		return s.Kind.String() + ":" + s.Every.String()
	}
	if s.NodePairs {
		return s.Kind.String() + ":nodes"
	}
	return s.Kind.String()
}

// Names returns the accepted spec forms, for usage text.
func Names() []string {
	return []string{
		"ip-pair", "3-tuple", "5-tuple", "5-tuple-dir", "src-ip", "dst-ip",
		"client-ip", "server-ip", "server-port", "client-port", "vlan", "mac-pair",
		"count:N", "size:BYTES", "time:DURATION",
		"seid", "seid:nodes", "session", "session:nodes", "teid", "inner-5-tuple", "ue-ip", "imsi", "tunnel",
	}
}

// ParseSpec parses a key spec: a kind name, "seid:nodes" or
// "session:nodes", or "count:N", "size:BYTES"
// (a number with an optional unit: B, k/kB, M/MB, G/GB in powers of 1000,
// KiB, MiB, GiB in powers of 1024) or "time:DURATION" (Go duration syntax,
// e.g. "1m", "30s", "1h30m").
func ParseSpec(s string) (Spec, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	name = strings.ToLower(name)
	for k := IPPair; k <= Tunnel; k++ {
		if kindNames[k] != name {
			continue
		}
		if (k == SEID || k == Session) && hasArg {
			if strings.ToLower(arg) != "nodes" {
				return Spec{}, errors.New("key " + strconv.Quote(name) + " takes only the argument \"nodes\"")
			}
			return Spec{Kind: k, NodePairs: true}, nil
		}
		if !k.IsChunk() {
			if hasArg {
				return Spec{}, errors.New("key " + strconv.Quote(name) + " takes no argument")
			}
			return Spec{Kind: k}, nil
		}
		if !hasArg || arg == "" {
			return Spec{}, errors.New("key " + strconv.Quote(name) + " needs an argument, e.g. " + example(k))
		}
		switch k {
		case Count:
			n, err := strconv.ParseInt(arg, 10, 64)
			if err != nil || n <= 0 {
				return Spec{}, errors.New("count: want a positive packet count, got " + strconv.Quote(arg))
			}
			return Spec{Kind: Count, N: n}, nil
		case Size:
			n, ok := parseBytes(arg)
			if !ok {
				return Spec{}, errors.New("size: want a positive byte size such as 100MB, 64MiB or 1G, got " + strconv.Quote(arg))
			}
			return Spec{Kind: Size, N: n}, nil
		default:
			d, err := time.ParseDuration(arg)
			if err != nil || d <= 0 {
				return Spec{}, errors.New("time: want a positive duration such as 30s, 1m or 1h, got " + strconv.Quote(arg))
			}
			return Spec{Kind: Time, Every: d}, nil
		}
	}
	return Spec{}, errors.New("unknown key " + strconv.Quote(s) + "; valid keys: " + strings.Join(Names(), ", "))
}

func example(k Kind) string {
	switch k {
	case Count:
		return "count:1000"
	case Size:
		return "size:100MB"
	}
	return "time:1m"
}

var units = []struct {
	suffix string
	mult   int64
}{
	// Longest suffixes first so "KiB" is not read as "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12},
	{"b", 1},
}

// parseBytes reads "100MB", "64MiB", "1g", "12345".
func parseBytes(s string) (int64, bool) {
	ls := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(ls, u.suffix) {
			mult = u.mult
			ls = strings.TrimSpace(ls[:len(ls)-len(u.suffix)])
			break
		}
	}
	n, err := strconv.ParseInt(ls, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}
