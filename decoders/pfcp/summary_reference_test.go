package pfcp

// summarizeReference is Summarize as it was written first, on the IE
// iterators; the tests check that Summarize (a linear scan) gives the
// same Summary on every capture and fuzz input.
func summarizeReference(b []byte, s *Summary) {
	*s = Summary{}
	m := Messages(b)
	for m.Next() {
		h := m.Header()
		if s.Messages == 0 {
			s.Header, s.HeaderOK = h, true
		}
		s.Messages++
		s.walkReference(m.Body(), m.Offset()+h.HeaderLen)
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
		if s.Messages == 0 {
			s.Messages = 1
		}
		s.walkReference(h.Body(b[m.Offset():]), m.Offset()+h.HeaderLen)
	}
}

// walkReference is the walk Summarize made before its linear scan: it
// visits the IEs of body with IEIterator, descending into grouped IEs. base is the
// datagram offset of body. It keeps its iterators in a fixed array rather
// than recursing, so nothing escapes to the heap.
func (s *Summary) walkReference(body []byte, base int) {
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
