package seids

import (
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Correlate returns an ordered pipeline.Stage that runs the session
// correlation ahead of the sink, on the graph's ordering goroutine: the
// sink then only writes lines (in sessions mode, collects the session
// table's detail), so correlating one batch and writing the one before
// run at the same time. In sessions mode it also follows the sessions'
// GTP-U endpoints and counts their G-PDUs. Put it last in Graph.Ordered
// (a later stage must not drop packets), with the Stage in Graph.Stages.
// Without it the sink correlates, with the same output.
func (s *Sink) Correlate() pipeline.Stage { return &correlateStage{s: s} }

type correlateStage struct{ s *Sink }

func (st *correlateStage) Name() string { return "seids-correlate" }

// NewProcessor returns the stage itself: an ordered stage has one.
func (st *correlateStage) NewProcessor() pipeline.Processor { return st }

// Process correlates b's rows, preparing them first when no Stage did.
func (st *correlateStage) Process(b *pipeline.Batch) error {
	s := st.s
	t := s.tables.peek(b)
	if t == nil || len(t.rows) != len(b.Packets) {
		if s.opr == nil {
			s.opr = newPreparer(s.format, s.opts.Inputs)
		}
		t = s.tables.get()
		if s.sess != nil {
			s.opr.prepareSessions(b, t)
		} else {
			s.opr.prepare(b, t)
		}
		s.tables.attach(b, t)
	}
	if s.sess != nil {
		s.correlateSessions(b, t)
	} else {
		s.correlate(t)
	}
	return nil
}

// correlate feeds t's PFCP rows to the Correlator in capture order and
// records each row's session.
func (s *Sink) correlate(t *lineTable) {
	t.decided = t.decided[:0]
	for i := range t.rows {
		row := &t.rows[i]
		if !row.pfcp {
			continue
		}
		s.ref++
		row.ref = s.ref
		row.session = int32(s.corr.AddDigest(s.ref, &row.dig))
		row.dec0 = int32(len(t.decided))
		t.decided = append(t.decided, s.corr.Decided()...)
		row.dec1 = int32(len(t.decided))
		row.pending = row.session == 0 && row.dig.Has(pfcp.DigestSingle) && row.dig.Type == pfcp.SessionEstablishmentRequest
	}
	t.correlated = true
}

// correlateSessions feeds t's PFCP rows (of batch b) to the Correlator
// and the GTP-U endpoint table, and counts the batch's G-PDUs, in capture
// order; it records each row's Ref and session, and hands the sessions
// that ended to the sink (see tunnels).
func (s *Sink) correlateSessions(b *pipeline.Batch, t *lineTable) {
	t.decided = t.decided[:0]
	for i := range t.rows {
		row := &t.rows[i]
		p := &b.Packets[i]
		if !row.pfcp {
			switch d := &p.Decoded; {
			case d.Layers.Has(pipeline.LayerGTPU) && !d.Flags.Has(pipeline.FlagInICMPError):
				s.tun.gtpu(p)
			case d.Flags.Has(pipeline.FlagNonFirstFragment) && d.IP.Proto == 17:
				s.tun.fragment(p)
			}
			continue
		}
		s.ref++
		row.ref = s.ref
		row.dig.Tag = pipeline.PackOrigin(p.Frame, p.Input)
		row.session = int32(s.corr.AddDigest(s.ref, &row.dig))
		row.dec0 = int32(len(t.decided))
		t.decided = append(t.decided, s.corr.Decided()...)
		row.dec1 = int32(len(t.decided))
		// Hand over the sessions the Correlator dropped, follow the
		// message's GTP-U endpoints.
		if len(s.corr.Dropped()) > 0 {
			s.handDropped(s.ref)
		}
		if t.sums[i].HeaderOK {
			m := message(p, s.ref, &t.sums[i])
			s.tun.follow(&m, int(row.session))
		}
	}
	t.correlated = true
}

// handDropped hands the sessions the Correlator dropped while reading
// message ref to the endpoint table's side.
func (s *Sink) handDropped(ref uint64) {
	d := s.corr.Dropped()
	for i := range d {
		s.tun.dropped(&d[i], ref)
	}
}

// message returns packet p's datagram, summarised in sum, as the
// Correlator's Message with Ref ref.
func message(p *pipeline.Packet, ref uint64, sum *pfcp.Summary) pfcp.Message {
	d := &p.Decoded
	return pfcp.Message{
		Src:     netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort),
		Dst:     netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort),
		Ref:     ref,
		Time:    p.Timestamp,
		Summary: sum,
	}
}
