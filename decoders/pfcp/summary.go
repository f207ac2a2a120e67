package pfcp

import "net/netip"

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
func Summarize(b []byte, s *Summary) {
	*s = Summary{}
	m := Messages(b)
	for m.Next() {
		h := m.Header()
		if s.Messages == 0 {
			s.Header, s.HeaderOK = h, true
		}
		s.Messages++
		s.walk(m.Body(), m.Offset()+h.HeaderLen)
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
		s.walk(h.Body(b[m.Offset():]), m.Offset()+h.HeaderLen)
	}
}

func (s *Summary) fail(err error, off int) {
	if s.Malformed {
		return
	}
	s.Malformed, s.Err, s.ErrOffset = true, err, off
}

// walk visits the IEs of body, descending into grouped IEs. base is the
// datagram offset of body. It keeps its iterators in a fixed array rather
// than recursing, so nothing escapes to the heap.
func (s *Summary) walk(body []byte, base int) {
	var stack [MaxDepth + 1]IEIterator
	stack[0] = NewIEIterator(body)
	n := 1
	for n > 0 {
		it := &stack[n-1]
		if !it.Next() {
			if err := it.Err(); err != nil {
				s.fail(err, base+it.ErrOffset())
			}
			n--
			continue
		}
		ie := it.IE()
		s.IEs++
		if ie.IsVendor() {
			if s.NumVendorIEs < SummaryEnterprises {
				s.EnterpriseIDs[s.NumVendorIEs] = ie.EnterpriseID
			}
			s.NumVendorIEs++
			if !ie.IsGrouped() {
				continue
			}
		}
		switch ie.Type {
		case IEFSEID:
			if ie.depth == 0 {
				if f, ok := ie.FSEID(); ok {
					if s.NumFSEIDs < SummaryFSEIDs {
						s.FSEIDs[s.NumFSEIDs] = f
					}
					s.NumFSEIDs++
				}
			}
		case IENodeID:
			if ie.depth == 0 && !s.HasNodeID {
				s.setNodeID(ie)
			}
		case IECause:
			if ie.depth == 0 && !s.HasCause {
				s.Cause, s.HasCause = ie.Cause()
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
		default:
			if ie.IsGrouped() {
				g := ie.Group()
				if g.err != nil {
					s.fail(g.err, base+g.errOff)
					continue
				}
				stack[n] = g
				n++
			}
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
