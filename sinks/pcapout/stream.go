package pcapout

import (
	"errors"

	"github.com/pcapflow/pcapflow/pipeline"
)

// ErrLinkType is returned by Stream.Append when a pcap stream, whose header
// declares one link type, is given a packet of another link type.
var ErrLinkType = errors.New("a pcap file holds a single link type")

// Stream is the encoding state of one output file: whether its header was
// written, with which timestamp precision and link type (pcap), or which
// interfaces it has declared (pcapng). The zero value needs Format set.
type Stream struct {
	// Format is the stream's output format.
	Format   Format
	started  bool
	nano     bool
	linkType uint16
	ifaces   []uint16 // pcapng: link type of each declared interface
}

// Started reports whether the file header was appended.
func (s *Stream) Started() bool { return s.started }

// Nano reports whether a pcap stream writes nanosecond timestamps.
func (s *Stream) Nano() bool { return s.nano }

// LinkType returns the link type of a started pcap stream.
func (s *Stream) LinkType() uint16 { return s.linkType }

// Accepts reports whether a packet of linkType can be appended.
func (s *Stream) Accepts(linkType uint16) bool {
	return s.Format == PcapNG || !s.started || s.linkType == linkType
}

// MaxAppendLen returns the most bytes Append may add for a packet of capLen
// bytes (record plus any header or interface block it would need).
func (s *Stream) MaxAppendLen(capLen int) int {
	if s.Format == PcapNG {
		return SHBLen + IDBLen + EPBLen(capLen)
	}
	return PcapHeaderLen + PcapRecordLen(capLen)
}

// AppendHeader appends the file header if it was not yet written: for pcap
// with the given precision and link type, for pcapng the section header
// (interfaces are declared by Append as packets need them).
func (s *Stream) AppendHeader(dst []byte, nano bool, linkType uint16) []byte {
	if s.started {
		return dst
	}
	s.started = true
	if s.Format == PcapNG {
		return AppendSHB(dst)
	}
	s.nano, s.linkType = nano, linkType
	return AppendPcapHeader(dst, nano, DefaultSnaplen, linkType)
}

// Append encodes one packet (capture info ci, captured bytes data), writing
// the file header first when needed: a pcap header takes the first packet's
// link type and uses nanosecond timestamps when its TsDigits > 6; a pcapng
// stream declares one interface per distinct link type, before the first
// packet of that type. A pcap stream returns ErrLinkType (appending
// nothing) for a packet of another link type than its header's.
func (s *Stream) Append(dst []byte, ci *pipeline.CaptureInfo, data []byte) ([]byte, error) {
	if !s.started {
		dst = s.AppendHeader(dst, ci.TsDigits > 6, ci.LinkType)
	}
	if s.Format != PcapNG {
		if ci.LinkType != s.linkType {
			return dst, ErrLinkType
		}
		return AppendPcapRecord(dst, s.nano, ci.Timestamp, data, ci.OrigLen), nil
	}
	iface := -1
	for i, lt := range s.ifaces {
		if lt == ci.LinkType {
			iface = i
			break
		}
	}
	if iface < 0 {
		dst = AppendIDB(dst, ci.LinkType, 0)
		s.ifaces = append(s.ifaces, ci.LinkType)
		iface = len(s.ifaces) - 1
	}
	return AppendEPB(dst, uint32(iface), ci.Timestamp, data, ci.OrigLen), nil
}
