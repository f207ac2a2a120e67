package pfcp

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// FSEID is a Fully qualified SEID (TS 29.244 clause 8.2.37): the SEID a
// node allocated for a session and the node's address(es).
type FSEID struct {
	// SEID is the session endpoint identifier.
	SEID uint64
	// IPv4 and IPv6 are the addresses present (V4/V6 flags); invalid
	// (zero) when absent.
	IPv4, IPv6 netip.Addr
}

// FSEID decodes an F-SEID IE: flags (bit 1 V6, bit 2 V4), the 8-octet
// SEID, then an IPv4 then an IPv6 address as the flags announce.
func (ie IE) FSEID() (FSEID, bool) {
	var f FSEID
	v := ie.Value
	if ie.Type != IEFSEID || len(v) < 9 {
		return f, false
	}
	flags := v[0]
	f.SEID = binary.BigEndian.Uint64(v[1:9])
	v = v[9:]
	if flags&0x02 != 0 {
		if len(v) < 4 {
			return f, false
		}
		f.IPv4 = netip.AddrFrom4([4]byte(v[:4]))
		v = v[4:]
	}
	if flags&0x01 != 0 {
		if len(v) < 16 {
			return f, false
		}
		f.IPv6 = netip.AddrFrom16([16]byte(v[:16]))
	}
	return f, true
}

// NodeIDType is the kind of a Node ID.
type NodeIDType uint8

// Node ID types.
const (
	NodeIDIPv4 NodeIDType = 0
	NodeIDIPv6 NodeIDType = 1
	NodeIDFQDN NodeIDType = 2
)

// String returns "IPv4", "IPv6", "FQDN" or "NodeIDType(N)".
func (t NodeIDType) String() string {
	switch t {
	case NodeIDIPv4:
		return "IPv4"
	case NodeIDIPv6:
		return "IPv6"
	case NodeIDFQDN:
		return "FQDN"
	}
	return "NodeIDType(" + strconv.Itoa(int(t)) + ")"
}

// NodeID identifies a PFCP node (TS 29.244 clause 8.2.38).
type NodeID struct {
	Type NodeIDType
	// Addr is the address for IPv4 and IPv6 node ids.
	Addr netip.Addr
	// FQDN is the raw name for FQDN node ids, normally in DNS label
	// encoding without the final zero (AppendName gives the dotted form).
	// It aliases the decoded buffer.
	FQDN []byte
}

// AppendText appends the node id's text form (address or dotted FQDN) to dst.
func (n NodeID) AppendText(dst []byte) []byte {
	switch n.Type {
	case NodeIDIPv4, NodeIDIPv6:
		return n.Addr.AppendTo(dst)
	case NodeIDFQDN:
		return AppendName(dst, n.FQDN)
	}
	return dst
}

// NodeID decodes a Node ID IE. Unknown node id types fail.
func (ie IE) NodeID() (NodeID, bool) {
	var n NodeID
	v := ie.Value
	if ie.Type != IENodeID || len(v) < 1 {
		return n, false
	}
	n.Type = NodeIDType(v[0] & 0x0f)
	v = v[1:]
	switch n.Type {
	case NodeIDIPv4:
		if len(v) < 4 {
			return n, false
		}
		n.Addr = netip.AddrFrom4([4]byte(v[:4]))
	case NodeIDIPv6:
		if len(v) < 16 {
			return n, false
		}
		n.Addr = netip.AddrFrom16([16]byte(v[:16]))
	case NodeIDFQDN:
		if len(v) == 0 {
			return n, false
		}
		n.FQDN = v
	default:
		return n, false
	}
	return n, true
}
