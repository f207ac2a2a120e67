package seids

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// record is one output line: what the sink keeps of a PFCP datagram while
// its session may still be undecided. It holds no reference to a batch.
type record struct {
	ref      uint64
	frame    uint64
	input    pipeline.InputID
	ts       int64
	digits   uint8
	src, dst netip.AddrPort

	headerOK bool
	typ      pfcp.MessageType
	hasSEID  bool
	seid     uint64
	seq      uint32
	messages int
	fseids   [pfcp.SummaryFSEIDs]pfcp.FSEID
	nFSEIDs  int
	hasCause bool
	cause    pfcp.Cause
	err      error

	// pending is true for an establishment request whose session is not
	// decided yet; session is the decided id (0: none).
	pending bool
	session int
}

// set fills r from packet p's summary s.
func (r *record) set(ref uint64, p *pipeline.Packet, s *pfcp.Summary) {
	d := &p.Decoded
	*r = record{
		ref: ref, frame: p.Frame, input: p.Input, ts: p.Timestamp, digits: p.TsDigits,
		src:      netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort),
		dst:      netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort),
		headerOK: s.HeaderOK, typ: s.Header.Type, hasSEID: s.Header.HasSEID, seid: s.Header.SEID,
		seq: s.Header.Seq, messages: s.Messages, fseids: s.FSEIDs, nFSEIDs: min(s.NumFSEIDs, pfcp.SummaryFSEIDs),
		hasCause: s.HasCause, cause: s.Cause,
	}
	if s.Malformed {
		r.err = s.Err
	}
	if !s.HeaderOK && s.Header.HeaderLen == 0 {
		// Not even the header: take the decode stage's reading.
		r.typ, r.hasSEID, r.seid, r.seq = pfcp.MessageType(d.PFCPType), d.PFCPHasSEID, d.PFCPSEID, d.PFCPSeq
	}
}
