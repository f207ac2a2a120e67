package pfcp

import "net/netip"

// Endpoint is an IP address and UDP port, as netip.AddrPort but without
// its pointer, so that tables of them hold no pointers (the garbage
// collector skips them, and writing them needs no write barrier).
// Addresses decoded from packets have no zone, which is all that is lost.
type Endpoint struct {
	// Addr is the address in its 16-byte form (IPv4 as ::ffff:a.b.c.d).
	Addr [16]byte
	Port uint16
	// Kind is 4 for IPv4, 6 for IPv6 and 0 for no address.
	Kind uint8
}

// EndpointOf returns ap as an Endpoint.
func EndpointOf(ap netip.AddrPort) Endpoint {
	a := ap.Addr()
	e := Endpoint{Addr: a.As16(), Port: ap.Port()}
	switch {
	case a.Is4():
		e.Kind = 4
	case a.IsValid():
		e.Kind = 6
	}
	return e
}

// IP returns the endpoint's address (the zero Addr when it has none).
func (e *Endpoint) IP() netip.Addr {
	switch e.Kind {
	case 4:
		return netip.AddrFrom4([4]byte(e.Addr[12:]))
	case 6:
		return netip.AddrFrom16(e.Addr)
	}
	return netip.Addr{}
}

// AddrPort returns the endpoint as a netip.AddrPort.
func (e *Endpoint) AddrPort() netip.AddrPort { return netip.AddrPortFrom(e.IP(), e.Port) }

// Digest is what the Correlator reads of one datagram: its endpoints,
// time and the few header and IE fields that correlation depends on, and
// a tag of the caller's. It is 80 bytes without pointers, so that a caller can digest datagrams on
// other goroutines (see Digest.Set) and hand the Correlator compact rows
// in capture order.
type Digest struct {
	// Src and Dst are the outer IP addresses and UDP ports.
	Src, Dst Endpoint
	// Time is the capture timestamp in nanoseconds.
	Time int64
	// SEID is the header SEID (with DigestHeaderSEID); FSEID the SEID of
	// the first F-SEID IE (with DigestFSEID).
	SEID, FSEID uint64
	// Seq is the header sequence number; Type the message type.
	Seq  uint32
	Type MessageType
	// Cause is the top-level Cause IE's value (with DigestCause).
	Cause Cause
	Flags DigestFlags
	// Tag is the caller's: the Correlator keeps the Tag of an
	// establishment request's first copy and reports it as the session's
	// FirstTag (for example where the frame came from).
	Tag uint64
}

// DigestFlags say which fields of a Digest are meaningful.
type DigestFlags uint8

// Digest flags.
const (
	// DigestSingle: the header was read and the datagram holds exactly
	// one message. The Correlator ignores digests without it.
	DigestSingle DigestFlags = 1 << iota
	// DigestHeaderSEID: the header carries a SEID (S=1).
	DigestHeaderSEID
	// DigestFSEID: the message has an F-SEID IE.
	DigestFSEID
	// DigestCause: the message has a top-level Cause IE.
	DigestCause
)

// Set fills d's message fields from s (endpoints and time are left as
// they are). A nil s leaves a digest the Correlator ignores.
func (d *Digest) Set(s *Summary) {
	d.Flags = 0
	if s == nil {
		return
	}
	h := &s.Header
	d.Type, d.Seq, d.SEID, d.Cause, d.FSEID = h.Type, h.Seq, h.SEID, s.Cause, 0
	if s.HeaderOK && s.Messages == 1 {
		d.Flags |= DigestSingle
	}
	if h.HasSEID {
		d.Flags |= DigestHeaderSEID
	}
	if s.NumFSEIDs > 0 {
		d.Flags |= DigestFSEID
		d.FSEID = s.FSEIDs[0].SEID
	}
	if s.HasCause {
		d.Flags |= DigestCause
	}
}

// Has reports whether every flag of f is set.
func (d *Digest) Has(f DigestFlags) bool { return d.Flags&f == f }

// fseid returns the first F-SEID as an OptSEID.
func (d *Digest) fseid() OptSEID { return OptSEID{SEID: d.FSEID, Valid: d.Has(DigestFSEID)} }
