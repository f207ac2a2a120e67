package seids

import (
	"context"
	"net/netip"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Consume reads the PFCP packets of b in order.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		p := &b.Packets[i]
		d := &p.Decoded
		if !d.Layers.Has(pipeline.LayerPFCP) {
			if s.sess != nil && d.Layers.Has(pipeline.LayerGTPU) && !d.Flags.Has(pipeline.FlagInICMPError) {
				s.sess.gtpu(d, p.OrigLen)
			}
			continue
		}
		data := b.Bytes(p)
		start, end := int(d.PayloadOffset), int(d.PayloadOffset)+int(d.PayloadLen)
		if end > len(data) || start > end {
			continue
		}
		pfcp.Summarize(data[start:end], &s.sum)
		s.ref++
		m := pfcp.Message{
			Src:     netip.AddrPortFrom(d.IP.Src, d.IP.SrcPort),
			Dst:     netip.AddrPortFrom(d.IP.Dst, d.IP.DstPort),
			Ref:     s.ref,
			Time:    p.Timestamp,
			Summary: &s.sum,
		}
		s.corr.Add(m)
		if s.sess != nil {
			s.sess.add(s.corr, &m, p)
			continue
		}
		r := s.queue.push()
		r.set(s.ref, p, &s.sum)
		if id, ok := s.corr.SessionOf(s.ref); ok {
			r.session = id
		} else if s.sum.Header.Type == pfcp.SessionEstablishmentRequest && s.sum.HeaderOK && s.sum.Messages == 1 {
			r.pending = true
		}
		if err := s.drain(p.Timestamp, false); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// drain writes queued lines from the front up to the first undecided
// establishment request, giving up on it when it is too old (packet time
// now) or too many lines wait; all of them when final.
func (s *Sink) drain(now int64, final bool) error {
	for s.queue.len() > 0 {
		r := s.queue.front()
		if r.pending {
			if id, ok := s.corr.SessionOf(r.ref); ok {
				r.session, r.pending = id, false
			} else if !final && now-r.ts <= int64(s.opts.Timeout) && s.queue.len() <= s.opts.MaxPending {
				return nil
			}
		}
		if err := s.writeRecord(r); err != nil {
			return err
		}
		s.queue.pop()
	}
	return nil
}

// Close writes what is left: queued lines, or the session tables.
func (s *Sink) Close(aborted bool) error {
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.sess != nil {
		if !aborted {
			err = s.writeSessions()
		}
	} else {
		err = s.drain(0, true)
		if err == nil && !s.headerDone && s.format == fmtCSV {
			err = s.writeCSVHeader()
		}
	}
	if ferr := s.w.Flush(); err == nil {
		err = ferr
	}
	return err
}
