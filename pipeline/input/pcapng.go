package input

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/pcapflow/pcapflow/pipeline"
)

// pcapng block types.
const (
	blockSHB = 0x0a0d0d0a // section header; the same in both byte orders
	blockIDB = 1          // interface description
	blockPB  = 2          // obsolete packet block
	blockSPB = 3          // simple packet block
	blockEPB = 6          // enhanced packet block

	blockSystemdJournal = 9          // systemd journal export entry
	blockCustomCopy     = 0x00000BAD // custom block, may be copied
	blockCustomNoCopy   = 0x40000BAD // custom block, must not be copied
)

const (
	byteOrderMagic = 0x1a2b3c4d
	// maxBlockLen bounds a block: the largest frame plus room for options.
	maxBlockLen = MaxCapLen + 1<<20
	// maxIDBLen bounds an interface description block, which is read whole.
	maxIDBLen = 1 << 20
	// packetFixedLen is the block header plus the fixed part of an EPB or
	// obsolete PB body (interface, timestamp, lengths).
	packetFixedLen = 28
)

// ngIface is one interface of the current section.
type ngIface struct {
	tsOffset int64 // if_tsoffset in nanoseconds
	snaplen  uint32
	linkType uint16
	tsresol  uint8
	digits   uint8
}

// ngState is the state of the current pcapng section.
type ngState struct {
	order  binary.ByteOrder
	ifaces []ngIface
	// snaplen is the largest interface snap length of the file so far.
	snaplen uint32
}

// minBlockLen returns the smallest valid total length of a block type.
func minBlockLen(typ uint32) uint32 {
	switch typ {
	case blockSHB:
		return 28
	case blockIDB:
		return 20
	case blockEPB, blockPB:
		return 32
	case blockSPB:
		return 16
	}
	return 12
}

// checkLen validates a block's total length.
func checkLen(typ, total uint32) error {
	if total < minBlockLen(typ) || total%4 != 0 || total > maxBlockLen {
		return fmt.Errorf("bad pcapng block length %d for block type 0x%x", total, typ)
	}
	return nil
}

// nextPcapng reads blocks until one frame has been appended to b.
func (r *Reader) nextPcapng(b *pipeline.Batch, id pipeline.InputID) error {
	for {
		start := r.off
		h, err := r.br.Peek(8)
		if len(h) < 8 {
			reason := r.boundaryError(len(h), err, errTruncBlock)
			if reason == io.EOF {
				r.err = io.EOF
				return io.EOF
			}
			return r.fail(start, reason)
		}
		typ := r.ng.order.Uint32(h)
		if typ == blockSHB {
			if err := r.readSHB(); err != nil {
				return err
			}
			continue
		}
		total := r.ng.order.Uint32(h[4:])
		if err := checkLen(typ, total); err != nil {
			return r.damagedBlock(start, start, err)
		}
		switch typ {
		case blockEPB, blockPB:
			return r.readPacketBlock(b, id, typ, total)
		case blockSPB:
			return r.readSPB(b, id, total)
		case blockIDB:
			if err := r.readIDB(total); err != nil {
				return err
			}
		case blockCustomCopy, blockCustomNoCopy, blockSystemdJournal:
			// Wireshark shows these blocks as frames of their own, so they
			// take a frame number (keeping pcapflow's numbers equal to
			// tshark's) although they carry no packet.
			if err := r.skipBlock(total); err != nil {
				return err
			}
			r.frame++
		default:
			// NRB, ISB, DSB and unknown blocks carry no frames.
			if err := r.skipBlock(total); err != nil {
				return err
			}
		}
	}
}

// readSHB parses a section header block at r.off: it sets the section's
// byte order and forgets the previous section's interfaces.
func (r *Reader) readSHB() error {
	start := r.off
	h, err := r.br.Peek(16)
	if len(h) < 16 {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	switch {
	case binary.LittleEndian.Uint32(h[8:]) == byteOrderMagic:
		r.ng.order = binary.LittleEndian
	case binary.BigEndian.Uint32(h[8:]) == byteOrderMagic:
		r.ng.order = binary.BigEndian
	default:
		return r.fail(start, errBadByteOrder)
	}
	total := r.ng.order.Uint32(h[4:])
	if err := checkLen(blockSHB, total); err != nil {
		return r.fail(start, err)
	}
	if major := r.ng.order.Uint16(h[12:]); major != 1 {
		return r.fail(start, fmt.Errorf("unsupported pcapng version %d.%d", major, r.ng.order.Uint16(h[14:])))
	}
	r.ng.ifaces = r.ng.ifaces[:0]
	return r.skipBlock(total)
}

// skipBlock consumes the block of the given total length at r.off and
// checks its trailing length.
func (r *Reader) skipBlock(total uint32) error {
	start := r.off
	if _, err := r.br.Discard(int(total) - 4); err != nil {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	return r.endBlock(start, total)
}

// endBlock reads and checks the trailing length of the block that started at
// start, once everything before it has been consumed.
func (r *Reader) endBlock(start int64, total uint32) error {
	t, err := r.br.Peek(4)
	if len(t) < 4 {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	if r.ng.order.Uint32(t) != total {
		return r.damagedBlock(start, start+int64(total)-4, errTrailerMismatch)
	}
	_, _ = r.br.Discard(4)
	r.off = start + int64(total)
	return nil
}

// readIDB parses an interface description block and adds the interface to
// the current section.
func (r *Reader) readIDB(total uint32) error {
	start := r.off
	if total > maxIDBLen {
		return r.damagedBlock(start, start, errIDBTooLong)
	}
	if cap(r.scratch) < int(total) {
		r.scratch = make([]byte, total)
	}
	blk := r.scratch[:total]
	if _, err := io.ReadFull(r.br, blk); err != nil {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	o := r.ng.order
	if o.Uint32(blk[total-4:]) != total {
		return r.damagedBlock(start, start+int64(total), errTrailerMismatch)
	}
	ifc := ngIface{linkType: o.Uint16(blk[8:]), snaplen: o.Uint32(blk[12:]), tsresol: 6}
	parseIDBOptions(o, blk[16:total-4], &ifc)
	ifc.digits = tsDigits(ifc.tsresol)
	r.ng.ifaces = append(r.ng.ifaces, ifc)
	r.ng.snaplen = max(r.ng.snaplen, ifc.snaplen)
	r.off = start + int64(total)
	return nil
}

// IDB option codes.
const (
	optEnd      = 0
	optTsresol  = 9
	optTsoffset = 14
)

// parseIDBOptions reads the options an interface needs for timestamps. A
// malformed option list ends the parsing; what was read so far is kept.
func parseIDBOptions(o binary.ByteOrder, opts []byte, ifc *ngIface) {
	for len(opts) >= 4 {
		code, n := o.Uint16(opts), int(o.Uint16(opts[2:]))
		opts = opts[4:]
		if code == optEnd || n > len(opts) {
			return
		}
		val := opts[:n]
		switch {
		case code == optTsresol && n >= 1:
			ifc.tsresol = val[0]
		case code == optTsoffset && n >= 8:
			ifc.tsOffset = int64(o.Uint64(val)) * 1e9
		}
		pad := (n + 3) &^ 3
		if pad > len(opts) {
			return
		}
		opts = opts[pad:]
	}
}

// readPacketBlock reads an enhanced (or obsolete) packet block.
func (r *Reader) readPacketBlock(b *pipeline.Batch, id pipeline.InputID, typ, total uint32) error {
	start := r.off
	h, err := r.br.Peek(packetFixedLen)
	if len(h) < packetFixedLen {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	o := r.ng.order
	var ifIndex uint32
	if typ == blockEPB {
		ifIndex = o.Uint32(h[8:])
	} else {
		ifIndex = uint32(o.Uint16(h[8:]))
	}
	ts := uint64(o.Uint32(h[12:]))<<32 | uint64(o.Uint32(h[16:]))
	caplen, origlen := o.Uint32(h[20:]), o.Uint32(h[24:])
	if ifIndex >= uint32(len(r.ng.ifaces)) {
		return r.damagedBlock(start, start, fmt.Errorf("packet names interface %d, but its section defines %d", ifIndex, len(r.ng.ifaces)))
	}
	if caplen > MaxCapLen {
		return r.damagedBlock(start, start, fmt.Errorf("captured length %d is over the %d-byte limit", caplen, MaxCapLen))
	}
	if caplen > total-packetFixedLen-4 {
		return r.damagedBlock(start, start, errCapLenOverBlock)
	}
	n := int(caplen)
	if b.Full(n) {
		return ErrBatchFull
	}
	ifc := &r.ng.ifaces[ifIndex]
	ci := pipeline.CaptureInfo{
		Timestamp: ngTime(ts, ifc.tsresol) + ifc.tsOffset,
		Offset:    start,
		Frame:     r.frame + 1,
		OrigLen:   origlen,
		Input:     id,
		Interface: ifIndex,
		LinkType:  ifc.linkType,
		TsDigits:  ifc.digits,
	}
	return r.finishPacket(b, ci, n, packetFixedLen, total)
}

// readSPB reads a simple packet block: interface 0, no timestamp, and a
// captured length of min(original length, interface 0 snaplen).
func (r *Reader) readSPB(b *pipeline.Batch, id pipeline.InputID, total uint32) error {
	start := r.off
	const fixed = 12
	h, err := r.br.Peek(fixed)
	if len(h) < fixed {
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	if len(r.ng.ifaces) == 0 {
		return r.damagedBlock(start, start, errNoInterface)
	}
	ifc := &r.ng.ifaces[0]
	origlen := r.ng.order.Uint32(h[8:])
	caplen := origlen
	if ifc.snaplen != 0 && caplen > ifc.snaplen {
		caplen = ifc.snaplen
	}
	if room := total - fixed - 4; caplen > room {
		caplen = room
	}
	n := int(caplen)
	if b.Full(n) {
		return ErrBatchFull
	}
	ci := pipeline.CaptureInfo{
		Offset:   start,
		Frame:    r.frame + 1,
		OrigLen:  origlen,
		Input:    id,
		LinkType: ifc.linkType,
		TsDigits: ifc.digits,
	}
	return r.finishPacket(b, ci, n, fixed, total)
}

// finishPacket consumes a packet block's fixed part, reads its n data bytes
// into b, skips padding and options and checks the trailing length.
func (r *Reader) finishPacket(b *pipeline.Batch, ci pipeline.CaptureInfo, n, fixed int, total uint32) error {
	start := r.off
	_, _ = r.br.Discard(fixed)
	if err := r.readData(b, ci, n); err != nil {
		return r.fail(start, err)
	}
	if _, err := r.br.Discard(int(total) - fixed - n - 4); err != nil {
		b.Truncate(b.Len() - 1)
		return r.fail(start, r.streamError(err, errTruncBlock))
	}
	if err := r.endBlock(start, total); err != nil {
		b.Truncate(b.Len() - 1)
		return err
	}
	r.frame++
	return nil
}
