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

// pcapState is what the pcap file header says.
type pcapState struct {
	order    binary.ByteOrder
	fracMul  int64 // nanoseconds per timestamp fraction unit
	recLen   int
	snaplen  uint32
	linkType uint16
	digits   uint8
}

// readPcapHeader parses the 24-byte pcap file header.
func (r *Reader) readPcapHeader() error {
	h, err := r.br.Peek(pcapFileHeaderLen)
	if len(h) < pcapFileHeaderLen {
		return newDamage(1, 0, r.streamError(err, errTruncFileHeader))
	}
	st := &r.pcap
	st.recLen = pcapRecordLen
	st.fracMul, st.digits = 1000, 6
	m := binary.BigEndian.Uint32(h)
	switch m {
	case magicMicro, magicNano, magicModified:
		st.order = binary.BigEndian
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
	_, _ = r.br.Discard(pcapFileHeaderLen)
	r.off = pcapFileHeaderLen
	return nil
}

// nextPcap reads one pcap record into b.
func (r *Reader) nextPcap(b *pipeline.Batch, id pipeline.InputID) error {
	st := &r.pcap
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
	o := st.order
	sec, frac := o.Uint32(h[0:]), o.Uint32(h[4:])
	caplen, origlen := o.Uint32(h[8:]), o.Uint32(h[12:])
	if caplen > MaxCapLen {
		return r.fail(start, fmt.Errorf("captured length %d is over the %d-byte limit", caplen, MaxCapLen))
	}
	n := int(caplen)
	if b.Full(n) {
		return ErrBatchFull
	}
	_, _ = r.br.Discard(st.recLen)
	ci := pipeline.CaptureInfo{
		Timestamp: int64(sec)*1e9 + int64(frac)*st.fracMul,
		Offset:    start,
		Frame:     r.frame + 1,
		OrigLen:   origlen,
		Input:     id,
		LinkType:  st.linkType,
		TsDigits:  st.digits,
	}
	if err := r.readData(b, ci, n); err != nil {
		return r.fail(start, err)
	}
	r.off += int64(st.recLen) + int64(n)
	r.frame++
	return nil
}
