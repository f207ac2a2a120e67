package input

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
)

// pcap file magics as the first four bytes read big-endian.
const (
	magicMicro           = 0xa1b2c3d4 // microsecond timestamps
	magicMicroSwapped    = 0xd4c3b2a1
	magicNano            = 0xa1b23c4d // nanosecond timestamps
	magicNanoSwapped     = 0x4d3cb2a1
	magicModified        = 0xa1b2cd34 // Kuznetzov's modified pcap: 24-byte records
	magicModifiedSwapped = 0x34cdb2a1
)

const (
	pcapFileHeaderLen = 24
	pcapRecordLen     = 16
	modifiedRecordLen = 24
)

// pcapState is what the pcap file header says, and the window of
// buffered records nextPcap reads from.
type pcapState struct {
	order    binary.ByteOrder
	big      bool  // records are big-endian
	fracMul  int64 // nanoseconds per timestamp fraction unit
	recLen   int
	snaplen  uint32
	linkType uint16
	digits   uint8
	// capLimit is the largest captured length a record may claim (see
	// capLimitFor); firstSec the time of the first record (haveFirst), by
	// which resync judges the records it finds.
	capLimit  uint32
	firstSec  uint32
	haveFirst bool

	// win holds bytes the bufio.Reader has buffered (a Peek), of which
	// the first used are records already delivered but not yet
	// discarded from it. Records that lie whole in win are read without
	// a call into the bufio.Reader; any other read discards used first.
	win  []byte
	used int
}

// readPcapHeader parses the 24-byte pcap file header.
func (r *Reader) readPcapHeader() error {
	h, err := r.br.Peek(pcapFileHeaderLen)
	if len(h) < pcapFileHeaderLen {
		return newDamage(1, 0, r.streamError(err, errTruncFileHeader))
	}
	r.pcap.parseHeader(h)
	_, _ = r.br.Discard(pcapFileHeaderLen)
	r.off = pcapFileHeaderLen
	return nil
}

// parseHeader takes the settings of the pcap file header h.
func (st *pcapState) parseHeader(h []byte) {
	st.recLen = pcapRecordLen
	st.fracMul, st.digits = 1000, 6
	m := binary.BigEndian.Uint32(h)
	switch m {
	case magicMicro, magicNano, magicModified:
		st.order, st.big = binary.BigEndian, true
	default:
		st.order = binary.LittleEndian
		m = binary.LittleEndian.Uint32(h)
	}
	switch m {
	case magicNano:
		st.fracMul, st.digits = 1, 9
	case magicModified:
		st.recLen = modifiedRecordLen
	}
	st.snaplen = st.order.Uint32(h[16:])
	// The upper bits of the link-type field carry FCS information.
	st.linkType = uint16(st.order.Uint32(h[20:]))
	st.capLimit = capLimitFor(st.linkType, st.snaplen)
	st.haveFirst = false
}

// Link types whose frames are bounded like Ethernet's: Wireshark refuses
// a record of more than 262,144 bytes (WTAP_MAX_PACKET_SIZE_STANDARD) on
// them. Others (USB, D-Bus, ...) may carry bigger frames.
var boundedLinkTypes = map[uint16]bool{
	0: true, 1: true, 101: true, 105: true, 108: true, 113: true, 127: true, 228: true, 229: true, 276: true,
}

// standardMaxFrame is that bound.
const standardMaxFrame = 262144

// capLimitFor returns the largest captured length a record of a file with
// this link type and snap length may claim: a larger one is damage (a
// corrupt record header), as Wireshark also reads it. For the link types
// of boundedLinkTypes that is the larger of the snap length and 262,144
// bytes, for the others MaxCapLen.
func capLimitFor(linkType uint16, snaplen uint32) uint32 {
	if !boundedLinkTypes[linkType] {
		return MaxCapLen
	}
	return min(max(snaplen, standardMaxFrame), MaxCapLen)
}

// recordHeader returns the four fields of a pcap record header h.
func (st *pcapState) recordHeader(h []byte) (sec, frac, caplen, origlen uint32) {
	if st.big {
		return binary.BigEndian.Uint32(h), binary.BigEndian.Uint32(h[4:]),
			binary.BigEndian.Uint32(h[8:]), binary.BigEndian.Uint32(h[12:])
	}
	return binary.LittleEndian.Uint32(h), binary.LittleEndian.Uint32(h[4:]),
		binary.LittleEndian.Uint32(h[8:]), binary.LittleEndian.Uint32(h[12:])
}

// captureInfo returns the CaptureInfo of the next record, which starts
// at r.off.
func (r *Reader) captureInfo(sec, frac, origlen uint32, id pipeline.InputID) pipeline.CaptureInfo {
	st := &r.pcap
	return pipeline.CaptureInfo{
		Timestamp: int64(sec)*1e9 + int64(frac)*st.fracMul,
		Offset:    r.off,
		Frame:     r.frame + 1,
		OrigLen:   origlen,
		Input:     id,
		LinkType:  st.linkType,
		TsDigits:  st.digits,
	}
}

// nextPcap reads one pcap record into b: straight from the window when
// the record lies whole in it, else through the bufio.Reader.
func (r *Reader) nextPcap(b *pipeline.Batch, id pipeline.InputID) error {
	st := &r.pcap
	if rest := st.win[st.used:]; len(rest) >= st.recLen {
		sec, frac, caplen, origlen := st.recordHeader(rest)
		// (An empty record goes the slow way: it may be the file header
		// of a capture joined on with cat.)
		if end := st.recLen + int(caplen); caplen-1 < st.capLimit && end <= len(rest) {
			n := int(caplen)
			if b.Full(n) {
				return ErrBatchFull
			}
			copy(b.Add(r.captureInfo(sec, frac, origlen, id), n), rest[st.recLen:end])
			st.used += end
			r.off += int64(end)
			r.frame++
			return nil
		}
	}
	return r.nextPcapSlow(b, id)
}

// nextPcapSlow reads one pcap record into b through the bufio.Reader and
// then takes what it has buffered as the new window.
func (r *Reader) nextPcapSlow(b *pipeline.Batch, id pipeline.InputID) error {
	st := &r.pcap
	if st.used > 0 {
		_, _ = r.br.Discard(st.used)
	}
	st.win, st.used = nil, 0
	start := r.off
	h, err := r.br.Peek(st.recLen)
	if len(h) < st.recLen {
		reason := r.boundaryError(len(h), err, errTruncRecordHdr)
		if reason == io.EOF {
			r.err = io.EOF
			return io.EOF
		}
		return r.fail(start, reason)
	}
	sec, frac, caplen, origlen := st.recordHeader(h)
	if caplen == 0 {
		if fh, _ := r.br.Peek(pcapFileHeaderLen); isPcapHeader(fh) {
			return r.joinedHeader(start)
		}
	}
	if caplen > st.capLimit {
		return r.damagedRecord(start, fmt.Errorf("captured length %d is over the %d-byte limit", caplen, st.capLimit))
	}
	n := int(caplen)
	if b.Full(n) {
		return ErrBatchFull
	}
	ci := r.captureInfo(sec, frac, origlen, id)
	_, _ = r.br.Discard(st.recLen)
	if err := r.readData(b, ci, n); err != nil {
		return r.fail(start, err)
	}
	r.off += int64(st.recLen) + int64(n)
	r.frame++
	if !st.haveFirst {
		st.firstSec, st.haveFirst = sec, true
	}
	st.win, _ = r.br.Peek(r.br.Buffered())
	return nil
}
