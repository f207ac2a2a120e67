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
	// fseids are the summary's (not copied: a record is formatted
	// before its summary is reused).
	fseids   []pfcp.FSEID
	hasCause bool
	cause    pfcp.Cause
	err      error

	// pending is true for an establishment request whose session is not
	// decided yet; session is the decided id (0: none).
	pending bool
	session int
}

// set fills r from packet p's summary s, which must outlive r's use. It
// assigns field by field rather than building a whole record and copying
// it.
func (r *record) set(ref uint64, p *pipeline.Packet, s *pfcp.Summary) {
	d := &p.Decoded
	r.ref, r.frame, r.input, r.ts, r.digits = ref, p.Frame, p.Input, p.Timestamp, p.TsDigits
	r.src = netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort)
	r.dst = netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort)
	r.headerOK, r.typ, r.hasSEID, r.seid, r.seq = s.HeaderOK, s.Header.Type, s.Header.HasSEID, s.Header.SEID, s.Header.Seq
	r.messages = s.Messages
	r.fseids = s.FSEIDs[:min(s.NumFSEIDs, pfcp.SummaryFSEIDs)]
	r.hasCause, r.cause = s.HasCause, s.Cause
	r.err = nil
	if s.Malformed {
		r.err = s.Err
	}
	r.pending, r.session = false, 0
	if !s.HeaderOK && s.Header.HeaderLen == 0 {
		// Not even the header: take the decode stage's reading.
		r.typ, r.hasSEID, r.seid, r.seq = pfcp.MessageType(d.PFCPType), d.PFCPHasSEID, d.PFCPSEID, d.PFCPSeq
	}
}
