package flows

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Direction says which end of its flow sent a packet.
type Direction uint8

// Directions. DirNone is returned for packets that belong to no flow
// (non-IP frames).
const (
	DirNone Direction = iota
	DirOrig
	DirResp
)

// String returns "orig", "resp" or "".
func (d Direction) String() string {
	switch d {
	case DirOrig:
		return "orig"
	case DirResp:
		return "resp"
	}
	return ""
}

// End reasons of a Record.
const (
	EndIdle    = "idle"    // inactivity timeout
	EndActive  = "active"  // active timeout
	EndReuse   = "reuse"   // a new TCP connection reused the tuple
	EndEvicted = "evicted" // the table was full
	EndFlush   = "eof"     // still open at the end of the input
)

// Side holds one direction's counters.
type Side struct {
	// Packets and Bytes: packets sent and transport payload bytes (Zeek's
	// orig_bytes counts sequence space instead; here retransmitted payload
	// counts again).
	Packets, Bytes uint64
	// IPBytes is the sum of IP total lengths (Zeek's *_ip_bytes).
	IPBytes uint64
	// FrameBytes is the sum of frame lengths on the wire (tshark's
	// conversation "bytes").
	FrameBytes uint64
	// TCP analysis counters for segments sent by this side.
	Retransmissions, FastRetransmissions, SpuriousRetransmissions uint32
	OutOfOrder, DupAcks, ZeroWindows, KeepAlives                  uint32
}

// Record is one finished flow.
type Record struct {
	// ID numbers flows from 1 in order of their first packet.
	ID uint64
	// CommunityID is the Community ID v1 string ("1:..." base64 SHA-1).
	CommunityID string
	// First and Last are the first and last packet timestamps (ns).
	First, Last int64
	// Orig and Resp are the originator's and responder's addresses and
	// ports; for ICMP the ports are the first packet's type and code.
	Orig, Resp         netip.Addr
	OrigPort, RespPort uint16
	// Proto is the IP protocol number.
	Proto uint8
	// Service is the guessed application protocol ("dns", "http", "tls",
	// "pfcp", "gtp-u", "gtp-c"...), or "".
	Service string
	// OrigSide and RespSide are the per-direction counters.
	OrigSide, RespSide Side
	// ConnState is Zeek's conn_state (S0, S1, SF, REJ, S2, S3, RSTO, RSTR,
	// RSTOS0, RSTRH, SH, SHR, OTH).
	ConnState string
	// History is Zeek's history string.
	History string
	// SynAckRTT is the time from the originator's first SYN to the
	// responder's SYN+ACK, AckRTT from that SYN+ACK to the originator's ACK,
	// and HandshakeRTT their sum (ns); -1 when not seen.
	SynAckRTT, AckRTT, HandshakeRTT int64
	// FirstInput and FirstFrame locate the flow's first packet.
	FirstInput pipeline.InputID
	FirstFrame uint64
	// TunnelParent is the ID of the flow whose packets carried this one's
	// first packet in a tunnel (see Table.ObserveInner), 0 for a flow of
	// outer headers.
	TunnelParent uint64
	// EndReason says why the flow ended (EndIdle, EndActive...).
	EndReason string
	// Timeline is the TCP transfer summary (zero for other protocols).
	Timeline Timeline
}

// Duration returns Last-First in ns.
func (r *Record) Duration() int64 { return r.Last - r.First }
