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
// as one of this file's, and reads on from there.

// maxResyncGap bounds how far in time a record found by resync may lie
// from the file's first record: a year, either way.
const maxResyncGap = 366 * 24 * 3600

// maxOrigLen bounds the original length of a plausible record: the
// largest GSO packets Linux hands to a capture are 512 KiB.
const maxOrigLen = 16 << 20

// SetResync makes the reader read on after a damaged pcap record header:
// ReadPacket then returns a *pipeline.Damage whose Skipped says how many
// bytes it passed over, and the next call reads the record found there.
// Without it (the default), damage ends the input.
func (r *Reader) SetResync(on bool) { r.resync = on }

// damagedRecord handles the record header at start (at the head of the
// bufio.Reader) found broken for reason: without resync, or with no
// readable record after it, the input ends there; else the reader is
// moved to the next record that reads as one.
func (r *Reader) damagedRecord(start int64, reason error) error {
	if !r.resync {
		return r.fail(start, reason)
	}
	skipped, err := r.resyncPcap()
	r.off += skipped
	if err != nil {
		if err == io.EOF {
			return r.fail(start, fmt.Errorf("%w; no readable record after it", reason))
		}
		return r.fail(r.off, r.streamFailure(err))
	}
	return &pipeline.Damage{Frame: r.frame + 1, Offset: start, Err: reason, Skipped: skipped}
}

// joinedHeader handles a pcap file header found where the record header
// at start should be (captures joined with cat): with resync its settings
// apply from there on, as damage read on after; without, the input ends.
func (r *Reader) joinedHeader(start int64) error {
	reason := errors.New("a pcap file header inside the capture (files joined with cat?)")
	if !r.resync {
		return r.fail(start, reason)
	}
	h, _ := r.br.Peek(pcapFileHeaderLen)
	r.pcap.parseHeader(h)
	_, _ = r.br.Discard(pcapFileHeaderLen)
	r.off += pcapFileHeaderLen
	return &pipeline.Damage{Frame: r.frame + 1, Offset: start, Err: reason, Skipped: pcapFileHeaderLen}
}

// resyncPcap passes over the bytes at the head of the bufio.Reader, one
// at least, until it finds a record header that is plausible (see
// plausible) and followed by another one or by the end of the input, or a
// pcap file header (whose settings then apply: captures joined with cat).
// It returns the bytes passed over, and io.EOF when the input ends first.
func (r *Reader) resyncPcap() (int64, error) {
	st := &r.pcap
	st.win, st.used = nil, 0
	skipped, _ := r.br.Discard(1)
	total := int64(skipped)
	for {
		w, err := r.br.Peek(bufSize)
		atEnd := err != nil
		i, found, more := st.scan(w, atEnd)
		if found && i+pcapFileHeaderLen <= len(w) && isPcapHeader(w[i:]) {
			_, _ = r.br.Discard(i)
			st.parseHeader(w[i : i+pcapFileHeaderLen])
			_, _ = r.br.Discard(pcapFileHeaderLen)
			total += int64(i + pcapFileHeaderLen)
			return total, nil
		}
		if found {
			_, _ = r.br.Discard(i)
			return total + int64(i), nil
		}
		if atEnd && !more {
			n, _ := r.br.Discard(len(w))
			return total + int64(n), err
		}
		// Keep the candidate that needs a longer look at the head of the
		// window, or the tail that may start a header.
		n, _ := r.br.Discard(i)
		total += int64(n)
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
		next := i + st.recLen + int(caplen)
		switch {
		case next == len(w) && atEnd:
			return i, true, false // the last record of the input
		case next+st.recLen <= len(w):
			if _, ok := st.plausible(w[next:]); ok {
				return i, true, false
			}
		case atEnd:
			// The record would run past the end of the input.
		case i > 0:
			return i, false, true
		default:
			// Even at the head of a full window the next header lies
			// beyond it: take the one header.
			return i, true, false
		}
	}
	return i, false, !atEnd
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
