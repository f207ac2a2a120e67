package pfcp

import (
	"encoding/binary"
	"net/netip"
)

// Capacities of a Summary's fixed arrays. Counts go on past them; only the
// first values are kept.
const (
	SummaryFSEIDs      = 4
	SummaryFTEIDs      = 8
	SummaryUEIPs       = 4
	SummaryOHCs        = 4
	SummaryEnterprises = 8
	// MaxNodeName is the longest dotted FQDN a Summary keeps (a DNS name's limit).
	MaxNodeName = 255
)

// Summary is what the pipeline and the seids command need from one PFCP
// datagram, in a fixed-size value: it holds no reference to the datagram,
// so it may outlive the batch it came from.
type Summary struct {
	// Header is the first message's header. HeaderOK says it was read
	// (it may still be incomplete when Malformed).
	Header   Header
	HeaderOK bool
	// Messages is the number of messages found in the datagram (more than
	// one when the FO flag chains them).
	Messages int
	// IEs counts the IEs walked, grouped and nested ones included.
	IEs int

	// FSEIDs are the top-level F-SEID IEs, in order; NumFSEIDs counts them all.
	FSEIDs    [SummaryFSEIDs]FSEID
	NumFSEIDs int

	// Node ID (first top-level Node ID IE): the address for IPv4/IPv6 ids,
	// the dotted name in NodeName[:NodeNameLen] for FQDN ids.
	HasNodeID   bool
	NodeIDType  NodeIDType
	NodeAddr    netip.Addr
	NodeName    [MaxNodeName]byte
	NodeNameLen uint8

	// Cause of the first top-level Cause IE.
	HasCause bool
	Cause    Cause

	// FTEIDs and UEIPs are found at any depth (inside Create PDR/PDI,
	// Created PDR, Created Traffic Endpoint...), in order of appearance.
	FTEIDs    [SummaryFTEIDs]FTEID
	NumFTEIDs int
	UEIPs     [SummaryUEIPs]UEIPAddress
	NumUEIPs  int
	// OHCs are the Outer Header Creation IEs at any depth (Create FAR or
	// Update FAR > Forwarding Parameters), in order: the remote GTP-U
	// endpoints (TEID and peer address) the UP function sends to.
	OHCs    [SummaryOHCs]OuterHeaderCreation
	NumOHCs int

	// EnterpriseIDs of vendor IEs at any depth, one per IE, in order.
	EnterpriseIDs [SummaryEnterprises]uint16
	NumVendorIEs  int

	// Malformed is set when a header or an IE could not be decoded; Err
	// says why and ErrOffset where (byte offset in the datagram). Fields
	// decoded before that point are kept.
	Malformed bool
	Err       error
	ErrOffset int
}

// NodeText appends the Node ID's text form (address or name) to dst, or
// nothing when there is no Node ID.
func (s *Summary) NodeText(dst []byte) []byte {
	if !s.HasNodeID {
		return dst
	}
	if s.NodeIDType == NodeIDFQDN {
		return append(dst, s.NodeName[:s.NodeNameLen]...)
	}
	return s.NodeAddr.AppendTo(dst)
}

// Summarize decodes datagram b (a UDP payload) into s, overwriting all of
// it. It never allocates and never panics; problems set s.Malformed.
func Summarize(b []byte, s *Summary) { summarize(b, s, true) }

// SummarizeTop is Summarize without the details that need decoding IE
// values other than F-SEID and Cause: the Node ID is absent and NumFTEIDs,
// NumUEIPs and NumOHCs are 0 (the arrays NodeName, FTEIDs, UEIPs and OHCs
// are left as they were, not cleared). Every IE is still walked, so IEs,
// the vendor enterprise ids and the malformation are what Summarize
// finds. It is what a message listing needs, for less work.
func SummarizeTop(b []byte, s *Summary) { summarize(b, s, false) }

func summarize(b []byte, s *Summary, details bool) {
	if details {
		*s = Summary{}
	} else {
		s.resetTop()
	}
	// Most datagrams hold one message (FO clear): then the iterator
	// below would find what this finds, for more work.
	if s.Header.parse(b) == nil && !s.Header.FollowOn {
		s.HeaderOK, s.Messages = true, 1
		s.walk(s.Header.Body(b), s.Header.HeaderLen, details)
		return
	}
	m := Messages(b)
	for m.Next() {
		h := &m.h
		if s.Messages == 0 {
			s.Header, s.HeaderOK = *h, true
		}
		s.Messages++
		s.walk(m.Body(), m.Offset()+h.HeaderLen, details)
	}
	err := m.Err()
	if err == nil {
		return
	}
	h := m.Header()
	if s.Messages == 0 {
		s.Header = h
		s.HeaderOK = err == ErrLength
	}
	s.fail(err, m.Offset())
	if err == ErrLength {
		// The message is cut short: keep what its present IEs say.
		if s.Messages == 0 {
			s.Messages = 1
		}
		s.walk(h.Body(b[m.Offset():]), m.Offset()+h.HeaderLen, details)
	}
}

// resetTop clears every field of s but the detail arrays SummarizeTop
// leaves alone (a Summary is over a kilobyte, mostly those arrays).
func (s *Summary) resetTop() {
	s.Header, s.HeaderOK, s.Messages, s.IEs = Header{}, false, 0, 0
	s.FSEIDs, s.NumFSEIDs = [SummaryFSEIDs]FSEID{}, 0
	s.HasNodeID, s.NodeIDType, s.NodeAddr, s.NodeNameLen = false, 0, netip.Addr{}, 0
	s.HasCause, s.Cause = false, 0
	s.NumFTEIDs, s.NumUEIPs, s.NumOHCs = 0, 0, 0
	s.EnterpriseIDs, s.NumVendorIEs = [SummaryEnterprises]uint16{}, 0
	s.Malformed, s.Err, s.ErrOffset = false, nil, 0
}

func (s *Summary) fail(err error, off int) {
	if s.Malformed {
		return
	}
	s.Malformed, s.Err, s.ErrOffset = true, err, off
}

// walk visits the IEs of body, descending into grouped IEs, with details
// (Node ID, F-TEIDs, UE IPs, OHCs) or without. base is the datagram
// offset of body. The IEs of a group lie inside the group's value, so the
// walk is one scan of body with a stack of the open groups' ends: no
// iterator and no IE value per IE. A malformed IE inside a group ends the
// group (the walk goes on after it); at the top level it ends the walk.
func (s *Summary) walk(body []byte, base int, details bool) {
	// ends holds the ends of the groups enclosing the open one, whose
	// end is in end; ies counts IEs locally, stored once at the end.
	var ends [MaxDepth + 1]int
	depth, off, end, ies := 0, 0, len(body), 0
	for {
		if off >= end {
			if depth == 0 {
				break
			}
			depth--
			end = ends[depth]
			continue
		}
		if end-off < 4 {
			s.fail(ErrIETruncated, base+off)
			off = end
			continue
		}
		tl := binary.BigEndian.Uint32(body[off:])
		t, n := IEType(tl>>16), int(tl&0xffff)
		if 4+n > end-off {
			s.fail(ErrIETruncated, base+off)
			off = end
			continue
		}
		at, value := off, off+4
		off += 4 + n
		if t >= VendorIEBase {
			if n < 2 {
				s.fail(ErrVendorIE, base+at)
				off = end
				continue
			}
			ies++
			ent := binary.BigEndian.Uint16(body[value:])
			if s.NumVendorIEs < SummaryEnterprises {
				s.EnterpriseIDs[s.NumVendorIEs] = ent
			}
			s.NumVendorIEs++
			if !isGroupedVendorIE(ent, t) {
				continue
			}
			value += 2
		} else {
			ies++
			switch t {
			case IEFSEID:
				if depth == 0 {
					s.addFSEID(body[value:off])
				}
				continue
			case IECause:
				if depth == 0 && !s.HasCause && n >= 1 {
					s.Cause, s.HasCause = Cause(body[value]), true
				}
				continue
			case IENodeID, IEFTEID, IEOuterHeaderCreation, IEUEIPAddress:
				if details {
					s.detail(IE{Type: t, Length: uint16(n), Value: body[value:off:off], Offset: at, depth: uint8(depth)})
				}
				continue
			}
			if !t.IsGrouped() {
				continue
			}
		}
		if depth == MaxDepth {
			s.fail(ErrTooDeep, base+at)
			continue
		}
		ends[depth] = end
		depth++
		end, off = off, value
	}
	s.IEs += ies
}

// addFSEID records a top-level F-SEID IE's value v.
func (s *Summary) addFSEID(v []byte) {
	if f, ok := (IE{Type: IEFSEID, Value: v}).FSEID(); ok {
		if s.NumFSEIDs < SummaryFSEIDs {
			s.FSEIDs[s.NumFSEIDs] = f
		}
		s.NumFSEIDs++
	}
}

// detail records a Node ID (top level), F-TEID, UE IP Address or Outer
// Header Creation IE.
func (s *Summary) detail(ie IE) {
	switch ie.Type {
	case IENodeID:
		if ie.depth == 0 && !s.HasNodeID {
			s.setNodeID(ie)
		}
	case IEFTEID:
		if f, ok := ie.FTEID(); ok {
			if s.NumFTEIDs < SummaryFTEIDs {
				s.FTEIDs[s.NumFTEIDs] = f
			}
			s.NumFTEIDs++
		}
	case IEOuterHeaderCreation:
		if o, ok := ie.OuterHeaderCreation(); ok {
			if s.NumOHCs < SummaryOHCs {
				s.OHCs[s.NumOHCs] = o
			}
			s.NumOHCs++
		}
	case IEUEIPAddress:
		if u, ok := ie.UEIPAddress(); ok {
			if s.NumUEIPs < SummaryUEIPs {
				s.UEIPs[s.NumUEIPs] = u
			}
			s.NumUEIPs++
		}
	}
}

func (s *Summary) setNodeID(ie IE) {
	n, ok := ie.NodeID()
	if !ok {
		return
	}
	s.HasNodeID, s.NodeIDType, s.NodeAddr = true, n.Type, n.Addr
	if n.Type == NodeIDFQDN {
		// AppendName into the fixed array: capacity is MaxNodeName, so a
		// longer name is cut rather than reallocated.
		out := AppendNameLimit(s.NodeName[:0], n.FQDN, MaxNodeName)
		s.NodeNameLen = uint8(len(out))
	}
}
