package input

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
)

// Reading on after damage. A pcap file has no markers between records: a
// corrupt record header (a bad disk block, a half-written buffer, two
// captures joined with cat) puts the reader out of step, and tshark, like
// the reader without resync, stops there and loses the rest of the file.
// With resync the reader looks further on for a record header that reads
// as one of this file's, and reads on from there. A pcapng block carries
// its length at both ends, which makes the next good block easy to tell.

// maxResyncGap bounds how far in time a record found by resync may lie
// from the file's first record: a year, either way.
const maxResyncGap = 366 * 24 * 3600

// maxOrigLen bounds the original length of a plausible record: the
// largest GSO packets Linux hands to a capture are 512 KiB.
const maxOrigLen = 16 << 20

// SetResync makes the reader read on after a damaged pcap record header
// or pcapng block: ReadPacket then returns a *pipeline.Damage whose
// Skipped says how many bytes it passed over, and the next call reads the
// record found there. Without it (the default), damage ends the input.
func (r *Reader) SetResync(on bool) { r.resync = on }

// damagedRecord handles the record header at start (at the head of the
// bufio.Reader) found broken for reason: without resync, or with no
// readable record after it, the input ends there; else the reader is
// moved to the next record that reads as one.
func (r *Reader) damagedRecord(start int64, reason error) error {
	return r.readOnAfter(start, start, reason, "record", r.resyncPcap)
}

// readOnAfter handles the damage at start found for reason, with the
// stream at pos: without resync the input ends there; else resync passes
// over bytes from pos to the next what (record or block) that reads as
// one, and the damage says how far it went, or, with nothing readable
// after it, ends the input.
func (r *Reader) readOnAfter(start, pos int64, reason error, what string, resync func() (int64, error)) error {
	if !r.resync {
		return r.fail(start, reason)
	}
	n, err := resync()
	r.off = pos + n
	if err != nil {
		if err == io.EOF {
			return r.fail(start, fmt.Errorf("%w; no readable %s after it", reason, what))
		}
		return r.fail(r.off, r.streamFailure(err))
	}
	return &pipeline.Damage{Frame: r.frame + 1, Offset: start, Err: reason, Skipped: r.off - start}
}

// joinedHeader handles a pcap file header found where the record header
// at start should be (captures joined with cat): with resync its settings
// apply from there on, as damage read on after; without, the input ends.
func (r *Reader) joinedHeader(start int64) error {
	reason := errors.New("a pcap file header inside the capture (files joined with cat?)")
	if !r.resync {
		return r.fail(start, reason)
	}
	r.off += r.takeHeader()
	return &pipeline.Damage{Frame: r.frame + 1, Offset: start, Err: reason, Skipped: pcapFileHeaderLen}
}

// takeHeader applies the pcap file header at the head of the
// bufio.Reader and passes over it; it returns its length.
func (r *Reader) takeHeader() int64 {
	h, _ := r.br.Peek(pcapFileHeaderLen)
	r.pcap.parseHeader(h)
	_, _ = r.br.Discard(pcapFileHeaderLen)
	return pcapFileHeaderLen
}

// resyncPcap passes over the bytes at the head of the bufio.Reader, one
// at least, until it finds a record header that is plausible (see
// plausible) and followed by another one or by the end of the input, or a
// pcap file header (whose settings then apply: captures joined with cat).
// It returns the bytes passed over, and io.EOF when the input ends first.
func (r *Reader) resyncPcap() (int64, error) {
	st := &r.pcap
	st.win, st.used = nil, 0
	n, err := r.skipTo(1, st.scan)
	if err == nil {
		if h, _ := r.br.Peek(pcapFileHeaderLen); isPcapHeader(h) {
			n += r.takeHeader()
		}
	}
	return n, err
}

// skipTo passes over skip bytes at the head of the bufio.Reader, then on
// until scan finds a place to read on from in the buffered window (see
// pcapState.scan). It returns the bytes passed over, and the read error
// (io.EOF) when the input ends first.
func (r *Reader) skipTo(skip int, scan func(w []byte, atEnd bool) (i int, found, more bool)) (int64, error) {
	n, _ := r.br.Discard(skip)
	total := int64(n)
	for {
		w, err := r.br.Peek(bufSize)
		atEnd := err != nil
		i, found, more := scan(w, atEnd)
		if atEnd && !found && !more {
			n, _ := r.br.Discard(len(w))
			return total + int64(n), err
		}
		// The place found, or the candidate that needs a longer look at
		// the head of the window, or the tail that may start a header.
		n, _ := r.br.Discard(i)
		total += int64(n)
		if found {
			return total, nil
		}
	}
}

// scan looks through window w (the whole rest of the input when atEnd)
// for a place to read on from. It returns its index and found; else, with
// more set, the index from which to look again once that is the window's
// head (a candidate whose next header lies past the window, or the last
// bytes, too few for a header).
func (st *pcapState) scan(w []byte, atEnd bool) (i int, found, more bool) {
	for i = 0; i+st.recLen <= len(w); i++ {
		if i+pcapFileHeaderLen > len(w) && !atEnd {
			// Too few bytes left to tell a file header: look again
			// with more.
			return i, false, true
		}
		if isPcapHeader(w[i:]) {
			return i, true, false
		}
		caplen, ok := st.plausible(w[i:])
		if !ok {
			continue
		}
		end := i + st.recLen + int(caplen)
		sound := func() bool { return true }
		next := func(h []byte) bool {
			if len(h) < st.recLen {
				return false
			}
			_, ok := st.plausible(h)
			return ok
		}
		if stop, found, more := judge(w, i, end, st.recLen, atEnd, sound, next); stop {
			return i, found, more
		}
	}
	return i, false, !atEnd
}

// judge decides on a candidate found at i in window w (the rest of the
// input when atEnd) whose record or block would end at end: sound reports
// whether it holds together in itself, next whether the look bytes from
// end read as another header. It returns stop with found, or stop with
// more to look again once i is the window's head; else the scan goes on.
func judge(w []byte, i, end, look int, atEnd bool, sound func() bool, next func([]byte) bool) (stop, found, more bool) {
	switch {
	case end+look <= len(w) || atEnd && end <= len(w):
		if !sound() {
			return false, false, false
		}
		if end == len(w) {
			return true, true, false // the last of the input
		}
		ok := next(w[end:])
		return ok, ok, false
	case atEnd:
		// It would run past the end of the input.
		return false, false, false
	case i > 0:
		return true, false, true
	default:
		// Even at the head of a full window it ends beyond it: take its
		// header alone.
		return true, true, false
	}
}

// plausible reports whether h starts with a record header this file could
// hold: a fraction of a second under one second, a captured length from 1
// to the file's limit and no more than the original length, and a time
// within a year of the file's first record (when there was one). It
// returns the captured length.
func (st *pcapState) plausible(h []byte) (uint32, bool) {
	sec, frac, caplen, origlen := st.recordHeader(h)
	if caplen == 0 || caplen > st.capLimit || origlen < caplen || origlen > maxOrigLen || int64(frac)*st.fracMul >= 1e9 {
		return 0, false
	}
	if st.haveFirst {
		if d := int64(sec) - int64(st.firstSec); d > maxResyncGap || d < -maxResyncGap {
			return 0, false
		}
	}
	return caplen, true
}

// isPcapHeader reports whether h starts with a pcap file header of
// version 2.4 (in its byte order).
func isPcapHeader(h []byte) bool {
	if len(h) < pcapFileHeaderLen {
		return false
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch binary.BigEndian.Uint32(h) {
	case magicMicro, magicNano, magicModified:
		order = binary.BigEndian
	case magicMicroSwapped, magicNanoSwapped, magicModifiedSwapped:
	default:
		return false
	}
	return order.Uint16(h[4:]) == 2 && order.Uint16(h[6:]) == 4
}

// damagedBlock handles the pcapng block at start found broken for reason,
// with the stream at pos (start, or further when part of the block was
// consumed): without resync, or with no readable block after it, the
// input ends there; else the reader is moved to the next block that reads
// as one.
func (r *Reader) damagedBlock(start, pos int64, reason error) error {
	skip := 0
	if pos == start {
		skip = 1 // the damaged block's first byte
	}
	return r.readOnAfter(start, pos, reason, "block", func() (int64, error) { return r.resyncPcapng(skip) })
}

// resyncPcapng passes over skip bytes, then on until a block that is
// plausible (see plausibleBlock) and ends with its own length, followed by
// another plausible block header or by the end of the input. It returns
// the bytes passed over, and io.EOF when the input ends first.
func (r *Reader) resyncPcapng(skip int) (int64, error) {
	return r.skipTo(skip, r.ng.scan)
}

// scan is pcapState.scan for pcapng blocks.
func (st *ngState) scan(w []byte, atEnd bool) (i int, found, more bool) {
	for i = 0; i+ngPeek <= len(w) || atEnd && i+12 <= len(w); i++ {
		total, o, ok := st.plausibleBlock(w[i:], true)
		if !ok {
			continue
		}
		end := i + int(total)
		sound := func() bool { return o.Uint32(w[end-4:]) == total } // its trailing length
		next := func(h []byte) bool {
			_, _, ok := st.plausibleBlock(h, false)
			return ok
		}
		if stop, found, more := judge(w, i, end, ngPeek, atEnd, sound, next); stop {
			return i, found, more
		}
	}
	return i, false, !atEnd
}

// ngPeek is what plausibleBlock reads of a block: its header and the
// fixed part of a packet block.
const ngPeek = packetFixedLen

// plausibleBlock reports whether w starts with the header of a block this
// section could hold: a known type and a valid length in the section's
// byte order (a section header in its own), and for a packet block an
// interface the section has and a captured length that fits. With first
// false (the block after a candidate, which may follow a new section
// header or interface), only the type and length are checked. It returns
// the block's length and byte order.
func (st *ngState) plausibleBlock(w []byte, first bool) (uint32, binary.ByteOrder, bool) {
	if len(w) < 12 {
		return 0, nil, false
	}
	o := st.order
	typ := o.Uint32(w)
	if typ == blockSHB {
		if len(w) < 16 {
			return 0, nil, false
		}
		switch {
		case binary.LittleEndian.Uint32(w[8:]) == byteOrderMagic:
			o = binary.LittleEndian
		case binary.BigEndian.Uint32(w[8:]) == byteOrderMagic:
			o = binary.BigEndian
		default:
			return 0, nil, false
		}
		if o.Uint16(w[12:]) != 1 {
			return 0, nil, false
		}
	} else if !knownBlock(typ) {
		return 0, nil, false
	}
	total := o.Uint32(w[4:])
	if checkLen(typ, total) != nil {
		return 0, nil, false
	}
	if !first {
		return total, o, true
	}
	switch typ {
	case blockEPB, blockPB:
		if len(w) < packetFixedLen {
			return 0, nil, false
		}
		ifIndex := o.Uint32(w[8:])
		if typ == blockPB {
			ifIndex = uint32(o.Uint16(w[8:]))
		}
		caplen, origlen := o.Uint32(w[20:]), o.Uint32(w[24:])
		if ifIndex >= uint32(len(st.ifaces)) || caplen > total-packetFixedLen-4 || caplen > origlen {
			return 0, nil, false
		}
	case blockSPB:
		if len(st.ifaces) == 0 {
			return 0, nil, false
		}
	case blockIDB:
		if total > maxIDBLen {
			return 0, nil, false
		}
	}
	return total, o, true
}

// knownBlock reports whether typ is a pcapng block type in use: section
// header, interface description, packet blocks, name resolution,
// interface statistics, decryption secrets, systemd journal or custom.
func knownBlock(typ uint32) bool {
	switch typ {
	case blockSHB, blockIDB, blockPB, blockSPB, blockEPB, 4, 5, 0xA, blockSystemdJournal, blockCustomCopy, blockCustomNoCopy:
		return true
	}
	return false
}
