package tcpreasm

import "bytes"

func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }

// seg is a buffered out-of-order piece: length sequence numbers from seq,
// of which the first len(data) bytes were captured.
type seg struct {
	seq    uint32
	length uint32
	data   []byte
	at     Chunk
}

func (s *seg) end() uint32 { return s.seq + s.length }

// half is the reassembly state of one direction.
type half struct {
	init     bool
	next     uint32 // next sequence number to deliver
	offset   uint64 // stream offset of next
	segs     []seg  // buffered, sorted by seq, not overlapping
	buffered int    // captured bytes in segs

	hist      []byte // ring of the last delivered bytes, by stream offset
	histValid uint64 // first offset the ring holds (after the last gap)

	synSeen  bool
	isn      uint32
	maxEnd   uint32 // highest sequence number sent + 1
	maxKnown bool
	ack      uint32 // last acknowledgement this side sent
	ackSeen  bool
	win      uint16
}

// remembered returns the delivered bytes at stream offsets [from, from+n)
// that the history still holds, as up to two ring slices, and the offset
// where they start (>= from).
func (h *half) remembered(from uint64, n uint64) (a, b []byte, start uint64) {
	c := uint64(len(h.hist))
	lo := from
	if lo < h.histValid {
		lo = h.histValid
	}
	if h.offset > c && lo < h.offset-c {
		lo = h.offset - c
	}
	hi := from + n
	if hi > h.offset {
		hi = h.offset
	}
	if c == 0 || lo >= hi {
		return nil, nil, lo
	}
	i, j := lo%c, hi%c
	if i < j {
		return h.hist[i:j], nil, lo
	}
	return h.hist[i:], h.hist[:j], lo
}

// differs compares data, whose first byte sits at stream offset from, with
// the remembered delivered bytes it overlaps.
func (h *half) differs(from uint64, data []byte) bool {
	a, b, start := h.remembered(from, uint64(len(data)))
	if len(a)+len(b) == 0 {
		return false
	}
	d := data[start-from:]
	if !bytes.Equal(a, d[:len(a)]) {
		return true
	}
	return !bytes.Equal(b, d[len(a):len(a)+len(b)])
}

// record writes delivered bytes into the history ring.
func (h *half) record(data []byte) {
	c := len(h.hist)
	if c == 0 {
		return
	}
	if len(data) > c {
		data = data[len(data)-c:]
	}
	off := h.offset - uint64(len(data))
	i := int(off % uint64(c))
	n := copy(h.hist[i:], data)
	copy(h.hist, data[n:])
}
