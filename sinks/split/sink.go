package split

import (
	"context"
	"errors"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/pcapout"
)

// noLog marks a flow with no record in the pending log.
const noLog = -1

// flow is one output file: a key (or other) and, for pcap, one link type.
type flow struct {
	key    flowkey.Key
	stream pcapout.Stream
	buf    []byte // encoded records not yet written

	packets, bytes, wire int64
	firstTs, lastTs      int64
	firstFrame           uint64
	lastLog              int64 // offset of the flow's last record in the pending log
	firstInput           pipeline.InputID

	sibling  int32 // next entry of the same key with another link type, -1
	linkType uint16
	hasLT    bool // linkType is set
	ltSuffix bool // this entry is an .lt<N> file
	other    bool
	pending  bool // fewer than MinPackets packets so far: records are in the log
	folded   bool // a small flow folded into other at Close
	created  bool // the file was handed to the writer
	dirty    bool // listed in Sink.dirty
}

// Sink writes one capture file per flow. It implements pipeline.Sink; its
// methods must be called from one goroutine (the graph does).
type Sink struct {
	opts     Options
	work     string // the directory files are written into
	fresh    bool   // work is Dir + PartialSuffix, renamed to Dir on success
	format   pcapout.Format
	keyer    *flowkey.Keyer
	index    map[flowkey.Key]int32
	flows    []flow
	other    int32 // entry of other, -1 until needed
	dirty    []int32
	pool     bufPool
	buffered int64    // bytes held by flow buffers (capacity)
	writers  []writer // flow idx goes to writers[idx%len(writers)]
	log      pendingLog
	held     heldFrags
	sum      Summary
	err      error
	closed   bool
}

// New creates the output directory and returns a splitter sink.
func New(opts Options) (*Sink, error) {
	f, err := pcapout.ParseFormat(opts.Format)
	if err != nil {
		return nil, err
	}
	if opts.Spec.Kind == 0 {
		return nil, errors.New("split: no flow key given")
	}
	if opts.Dir == "" {
		return nil, errors.New("split: no output directory given")
	}
	work, fresh, err := workDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = DefaultBufferBytes
	}
	opts.MaxOpen = clampMaxOpen(opts.MaxOpen)
	s := &Sink{
		opts:   opts,
		work:   work,
		fresh:  fresh,
		format: f,
		keyer:  flowkey.NewKeyer(opts.Spec),
		index:  make(map[flowkey.Key]int32),
		other:  -1,
	}
	// The pool may keep as much as the budget: buffers the writer gives back
	// are reused rather than left to the garbage collector, whose heap goal
	// would otherwise double the memory the buffers take.
	s.pool.maxFree = opts.BufferBytes
	s.writers = make([]writer, min(writerCount(), opts.MaxOpen))
	for i := range s.writers {
		s.writers[i].start(max(opts.MaxOpen/len(s.writers), 1), &s.pool)
	}
	s.log.init(work, max(opts.BufferBytes/4, 1<<20))
	return s, nil
}

// Name returns "split".
func (s *Sink) Name() string { return "split" }

// Summary returns the run's counters (final after Close).
func (s *Sink) Summary() Summary { return s.sum }

// Consume keys and buffers every packet of b, flushing files as buffers fill.
func (s *Sink) Consume(ctx context.Context, b *pipeline.Batch) error {
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errors.New("split: Consume after Close")
	}
	for i := range b.Packets {
		p := &b.Packets[i]
		data := b.Bytes(p)
		s.sum.Packets++
		s.sum.Bytes += int64(len(data))
		s.sum.WireBytes += int64(p.OrigLen)
		if err := s.consume(p, data); err != nil {
			s.err = err
			return err
		}
	}
	if s.buffered > s.opts.BufferBytes {
		if err := s.flushSome(); err != nil {
			s.err = err
			return err
		}
	}
	return ctx.Err()
}

// consume keys packet p (captured bytes data) and adds it to its file. A
// later IP fragment whose key depends on a first fragment not seen yet
// waits for it (see heldFrags); a first fragment takes the fragments that
// waited for it into its file, just before itself (after the packets of
// that file that came meanwhile).
func (s *Sink) consume(p *pipeline.Packet, data []byte) error {
	if len(s.held.queue) > 0 {
		if err := s.expireHeld(p.Timestamp); err != nil {
			return err
		}
	}
	key, ok := s.keyer.KeyData(p, data)
	wait, waits, firsts := s.keyer.Fragments()
	if waits {
		return s.hold(wait, &p.CaptureInfo, data, key, ok)
	}
	if len(s.held.m) > 0 {
		for _, id := range firsts {
			if err := s.claim(id, key, ok); err != nil {
				return err
			}
		}
	}
	return s.place(key, ok, &p.CaptureInfo, data)
}

// place adds a packet to the file of key, or to other when ok is false
// (counted as such, and dropped with DropOther).
func (s *Sink) place(key flowkey.Key, ok bool, ci *pipeline.CaptureInfo, data []byte) error {
	var idx int32
	if ok {
		var found bool
		idx, found = s.index[key]
		if !found {
			idx = s.newFlow(key, false)
			s.index[key] = idx
		}
	} else {
		s.sum.OtherPackets++
		s.sum.OtherBytes += int64(len(data))
		if s.opts.DropOther {
			s.sum.Dropped++
			return nil
		}
		if s.other < 0 {
			s.other = s.newFlow(flowkey.Key{}, true)
		}
		idx = s.other
	}
	return s.add(idx, ci, data)
}

func (s *Sink) newFlow(key flowkey.Key, other bool) int32 {
	s.flows = append(s.flows, flow{
		key:     key,
		stream:  pcapout.Stream{Format: s.format},
		sibling: -1,
		lastLog: noLog,
		other:   other,
		pending: s.opts.MinPackets > 1,
	})
	if !other {
		s.sum.Flows++
	}
	return int32(len(s.flows) - 1)
}

// route returns the entry of flow idx that takes packets of linkType: the
// flow itself, or for pcap output a sibling .lt<N> entry.
func (s *Sink) route(idx int32, linkType uint16) int32 {
	if s.format != pcapout.Pcap {
		return idx
	}
	for {
		f := &s.flows[idx]
		if !f.hasLT {
			f.linkType, f.hasLT = linkType, true
			return idx
		}
		if f.linkType == linkType {
			return idx
		}
		if f.sibling < 0 {
			n := s.newFlow(f.key, f.other)
			nf := &s.flows[n]
			nf.linkType, nf.hasLT, nf.ltSuffix = linkType, true, true
			s.flows[idx].sibling = n
			return n
		}
		idx = f.sibling
	}
}

// count adds one packet to the entry's counters.
func (f *flow) count(ci *pipeline.CaptureInfo, n int) {
	if f.packets == 0 {
		f.firstTs, f.firstFrame, f.firstInput = ci.Timestamp, ci.Frame, ci.Input
		if !f.hasLT {
			f.linkType, f.hasLT = ci.LinkType, true
		}
	}
	f.packets++
	f.bytes += int64(n)
	f.wire += int64(ci.OrigLen)
	f.lastTs = ci.Timestamp
}

// add records one packet for flow idx (before link-type routing).
func (s *Sink) add(idx int32, ci *pipeline.CaptureInfo, data []byte) error {
	idx = s.route(idx, ci.LinkType)
	f := &s.flows[idx]
	f.count(ci, len(data))
	if f.pending {
		if f.other || f.packets < int64(s.opts.MinPackets) {
			off, err := s.log.append(idx, f.lastLog, ci, data)
			if err != nil {
				return err
			}
			s.flows[idx].lastLog = off
			return nil
		}
		if err := s.promote(idx); err != nil {
			return err
		}
		f = &s.flows[idx]
	}
	return s.encode(idx, ci, data)
}

// encode appends one record to the flow's buffer and flushes it when full.
func (s *Sink) encode(idx int32, ci *pipeline.CaptureInfo, data []byte) error {
	f := &s.flows[idx]
	need := f.stream.MaxAppendLen(len(data))
	if len(f.buf) > 0 && len(f.buf)+need > FlushChunk {
		if err := s.flush(idx); err != nil {
			return err
		}
		f = &s.flows[idx]
	}
	before := cap(f.buf)
	f.buf = s.pool.grow(f.buf, need)
	f.buf, _ = f.stream.Append(f.buf, ci, data) // routing guarantees the link type
	s.buffered += int64(cap(f.buf) - before)
	if !f.dirty {
		f.dirty = true
		s.dirty = append(s.dirty, idx)
	}
	if len(f.buf) >= FlushChunk {
		return s.flush(idx)
	}
	return nil
}

// promote moves a flow that reached MinPackets out of the pending log: its
// earlier packets are encoded, in order, ahead of the current one.
func (s *Sink) promote(idx int32) error {
	f := &s.flows[idx]
	f.pending = false
	last := f.lastLog
	f.lastLog = noLog
	return s.log.replay(last, func(ci *pipeline.CaptureInfo, data []byte) error {
		return s.encode(idx, ci, data)
	})
}
