package split

import (
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/internal/ipfrag"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Bounds of the fragments held for their datagram's first fragment.
const (
	// maxHeldDatagrams is how many datagrams may wait at once; one more
	// releases the oldest.
	maxHeldDatagrams = 4096
	// maxHeldBytes bounds the captured bytes held.
	maxHeldBytes = 16 << 20
)

// heldFrag is a later IP fragment that arrived before its datagram's first
// fragment, with the key the Keyer guessed for it.
type heldFrag struct {
	ci   pipeline.CaptureInfo
	data []byte
	key  flowkey.Key
	ok   bool
}

// heldDatagram is the fragments held for one datagram.
type heldDatagram struct {
	frags []heldFrag
	start int64 // packet time of the first one held
	seq   uint64
}

// heldFrags holds later fragments until their datagram's first fragment
// tells where they go: a fragment keyed by its first fragment's ports
// (5-tuple and the kinds built on it, inner-5-tuple) or mobile key (teid,
// session, ue-ip, imsi) would otherwise go to a file of its own (ports 0)
// or to other. They wait FragmentTimeout of packet time at most,
// maxHeldDatagrams and maxHeldBytes bound them; released unclaimed, they
// go where the Keyer's guess says.
type heldFrags struct {
	m     map[ipfrag.ID]*heldDatagram
	queue []ipfrag.ID // by arrival; an entry whose datagram has gone is skipped
	seqs  []uint64
	seq   uint64
	bytes int
}

// hold keeps packet ci/data, a later fragment of datagram id, with its
// guessed key, releasing the oldest datagrams beyond the bounds.
func (s *Sink) hold(id ipfrag.ID, ci *pipeline.CaptureInfo, data []byte, key flowkey.Key, ok bool) error {
	h := &s.held
	g := h.m[id]
	if g == nil {
		if h.m == nil {
			h.m = make(map[ipfrag.ID]*heldDatagram)
		}
		h.seq++
		g = &heldDatagram{start: ci.Timestamp, seq: h.seq}
		h.m[id] = g
		h.queue = append(h.queue, id)
		h.seqs = append(h.seqs, h.seq)
	}
	g.frags = append(g.frags, heldFrag{ci: *ci, data: append([]byte(nil), data...), key: key, ok: ok})
	h.bytes += len(data)
	for len(h.m) > maxHeldDatagrams || h.bytes > maxHeldBytes {
		if err := s.releaseOldest(); err != nil {
			return err
		}
	}
	return nil
}

// claim writes the fragments held for datagram id, if any, into the file
// of key (ok) or other: where the datagram's first fragment goes.
func (s *Sink) claim(id ipfrag.ID, key flowkey.Key, ok bool) error {
	g := s.held.m[id]
	if g == nil {
		return nil
	}
	s.forget(id, g)
	return s.write(g, &key, ok)
}

// expireHeld releases the datagrams held longer than FragmentTimeout at
// packet time now.
func (s *Sink) expireHeld(now int64) error {
	h := &s.held
	for len(h.queue) > 0 {
		g := h.m[h.queue[0]]
		if g != nil && g.seq == h.seqs[0] && now-g.start <= int64(flowkey.FragmentTimeout) {
			return nil
		}
		if err := s.releaseOldest(); err != nil {
			return err
		}
	}
	return nil
}

// releaseHeld releases every datagram held, oldest first.
func (s *Sink) releaseHeld() error {
	for len(s.held.queue) > 0 {
		if err := s.releaseOldest(); err != nil {
			return err
		}
	}
	return nil
}

// releaseOldest writes the fragments of the oldest datagram held where
// their guessed keys say (skipping a queue entry whose datagram has gone).
func (s *Sink) releaseOldest() error {
	h := &s.held
	id, seq := h.queue[0], h.seqs[0]
	h.queue, h.seqs = h.queue[1:], h.seqs[1:]
	g := h.m[id]
	if g == nil || g.seq != seq {
		return nil
	}
	s.forget(id, g)
	return s.write(g, nil, false)
}

// write adds the fragments of datagram g to the file of key (ok) or other,
// or with key nil where each fragment's guessed key says.
func (s *Sink) write(g *heldDatagram, key *flowkey.Key, ok bool) error {
	for i := range g.frags {
		f := &g.frags[i]
		k, kok := f.key, f.ok
		if key != nil {
			k, kok = *key, ok
		}
		if err := s.place(k, kok, &f.ci, f.data); err != nil {
			return err
		}
	}
	return nil
}

// forget drops datagram id (g) from the held ones.
func (s *Sink) forget(id ipfrag.ID, g *heldDatagram) {
	delete(s.held.m, id)
	for i := range g.frags {
		s.held.bytes -= len(g.frags[i].data)
	}
	if len(s.held.m) == 0 {
		s.held.queue, s.held.seqs = s.held.queue[:0], s.held.seqs[:0]
	}
}
