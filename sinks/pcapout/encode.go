// Package pcapout encodes packets as pcap or pcapng and writes them to a
// file or stream.
//
// The Append* functions encode one header, block or record onto a byte
// slice (always little-endian, so output does not depend on the host) and
// never allocate when the slice has room. Stream keeps what a file's header
// has declared (timestamp precision, link types) and adds headers lazily.
// WriterSink is a pipeline.Sink that writes every packet of a run to one
// file (through atomicfile) or to a stream such as stdout.
package pcapout

import (
	"encoding/binary"
	"errors"
	"strings"
)

// Sizes and constants of the formats.
const (
	// MagicMicro and MagicNano are the pcap magic numbers for microsecond
	// and nanosecond timestamps.
	MagicMicro uint32 = 0xa1b2c3d4
	MagicNano  uint32 = 0xa1b23c4d
	// DefaultSnaplen is the snapshot length written in pcap headers (the
	// largest libpcap accepts for most link types).
	DefaultSnaplen = 262144
	// PcapHeaderLen is the size of a pcap file header.
	PcapHeaderLen = 24
	// PcapRecordHeaderLen is the size of a pcap record header.
	PcapRecordHeaderLen = 16
	// SHBLen and IDBLen are the sizes of the blocks AppendSHB and AppendIDB write.
	SHBLen = 44
	IDBLen = 32
	// EPBOverhead is the size of an Enhanced Packet Block without its data.
	EPBOverhead = 32
)

// pcapng block types.
const (
	blockSHB       uint32 = 0x0a0d0d0a
	blockIDB       uint32 = 0x00000001
	blockEPB       uint32 = 0x00000006
	byteOrderMagic        = 0x1a2b3c4d
)

// Format is an output capture format.
type Format uint8

// Output formats.
const (
	Pcap Format = iota + 1
	PcapNG
)

// String returns "pcap" or "pcapng".
func (f Format) String() string {
	switch f {
	case Pcap:
		return "pcap"
	case PcapNG:
		return "pcapng"
	}
	return "unknown"
}

// Ext returns the file extension with its dot: ".pcap" or ".pcapng".
func (f Format) Ext() string { return "." + f.String() }

// ParseFormat reads "pcap" or "pcapng" ("" means pcap).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "pcap":
		return Pcap, nil
	case "pcapng":
		return PcapNG, nil
	}
	return 0, errors.New("unknown output format " + `"` + s + `"` + "; valid formats: pcap, pcapng")
}

var le = binary.LittleEndian

// splitTime returns seconds and the fraction in units of 10^-digits s,
// flooring so that times before 1970 stay ordered.
func splitTime(ts int64, nano bool) (uint32, uint32) {
	sec := ts / 1e9
	frac := ts % 1e9
	if frac < 0 {
		sec--
		frac += 1e9
	}
	if !nano {
		frac /= 1000
	}
	return uint32(sec), uint32(frac)
}

// AppendPcapHeader appends a pcap file header.
func AppendPcapHeader(dst []byte, nano bool, snaplen uint32, linkType uint16) []byte {
	magic := MagicMicro
	if nano {
		magic = MagicNano
	}
	dst = le.AppendUint32(dst, magic)
	dst = le.AppendUint16(dst, 2)
	dst = le.AppendUint16(dst, 4)
	dst = le.AppendUint32(dst, 0) // thiszone
	dst = le.AppendUint32(dst, 0) // sigfigs
	dst = le.AppendUint32(dst, snaplen)
	return le.AppendUint32(dst, uint32(linkType))
}

// AppendPcapRecord appends one pcap record: a header with the timestamp ts
// (ns since the epoch, written in µs or ns), len(data) and origLen, then data.
// pcap seconds are an unsigned 32-bit field: times outside 1970–2106 wrap.
func AppendPcapRecord(dst []byte, nano bool, ts int64, data []byte, origLen uint32) []byte {
	sec, frac := splitTime(ts, nano)
	dst = le.AppendUint32(dst, sec)
	dst = le.AppendUint32(dst, frac)
	dst = le.AppendUint32(dst, uint32(len(data)))
	dst = le.AppendUint32(dst, origLen)
	return append(dst, data...)
}

// PcapRecordLen returns the size of a pcap record holding capLen bytes.
func PcapRecordLen(capLen int) int { return PcapRecordHeaderLen + capLen }

// AppendSHB appends a pcapng Section Header Block (version 1.0, unknown
// section length) naming pcapflow as the writing application.
func AppendSHB(dst []byte) []byte {
	dst = le.AppendUint32(dst, blockSHB)
	dst = le.AppendUint32(dst, SHBLen)
	dst = le.AppendUint32(dst, byteOrderMagic)
	dst = le.AppendUint16(dst, 1)
	dst = le.AppendUint16(dst, 0)
	dst = le.AppendUint64(dst, ^uint64(0))
	// shb_userappl (4) "pcapflow", opt_endofopt.
	dst = le.AppendUint16(dst, 4)
	dst = le.AppendUint16(dst, 8)
	dst = append(dst, "pcapflow"...)
	dst = le.AppendUint32(dst, 0)
	return le.AppendUint32(dst, SHBLen)
}

// AppendIDB appends a pcapng Interface Description Block for linkType with
// if_tsresol = 9 (nanosecond timestamps). snaplen 0 means no limit.
func AppendIDB(dst []byte, linkType uint16, snaplen uint32) []byte {
	dst = le.AppendUint32(dst, blockIDB)
	dst = le.AppendUint32(dst, IDBLen)
	dst = le.AppendUint16(dst, linkType)
	dst = le.AppendUint16(dst, 0)
	dst = le.AppendUint32(dst, snaplen)
	// if_tsresol (9), length 1, value 9, padded to 4 bytes; opt_endofopt.
	dst = le.AppendUint16(dst, 9)
	dst = le.AppendUint16(dst, 1)
	dst = append(dst, 9, 0, 0, 0)
	dst = le.AppendUint32(dst, 0)
	return le.AppendUint32(dst, IDBLen)
}

// EPBLen returns the size of an Enhanced Packet Block holding capLen bytes.
func EPBLen(capLen int) int { return EPBOverhead + (capLen+3)&^3 }

// AppendEPB appends a pcapng Enhanced Packet Block on interface iface with
// timestamp ts in ns (the interface must declare if_tsresol = 9).
func AppendEPB(dst []byte, iface uint32, ts int64, data []byte, origLen uint32) []byte {
	n := EPBLen(len(data))
	dst = le.AppendUint32(dst, blockEPB)
	dst = le.AppendUint32(dst, uint32(n))
	dst = le.AppendUint32(dst, iface)
	dst = le.AppendUint32(dst, uint32(uint64(ts)>>32))
	dst = le.AppendUint32(dst, uint32(ts))
	dst = le.AppendUint32(dst, uint32(len(data)))
	dst = le.AppendUint32(dst, origLen)
	dst = append(dst, data...)
	for pad := (4 - len(data)&3) & 3; pad > 0; pad-- {
		dst = append(dst, 0)
	}
	return le.AppendUint32(dst, uint32(n))
}
