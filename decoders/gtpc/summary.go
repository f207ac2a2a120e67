package gtpc

// Limits of a Summary's fixed arrays. Counts beyond them are still counted.
const (
	// MaxMessages is how many message headers of one datagram are kept
	// (the message and the one piggybacked on it).
	MaxMessages = 2
	// MaxFTEIDs is how many F-TEIDs are kept.
	MaxFTEIDs = 8
	// MaxEBIs is how many EPS bearer ids are kept.
	MaxEBIs = 8
	// MaxCauses is how many Cause values are kept.
	MaxCauses = 4
	// MaxDepth is how deep grouped elements are followed.
	MaxDepth = 4
)

// FTEIDEntry is one F-TEID met in a datagram with where it was found.
type FTEIDEntry struct {
	FTEID
	// Instance of the F-TEID element.
	Instance uint8
	// Msg is the index of the message holding it (0, or 1 if piggybacked).
	Msg uint8
	// InBearer is true when the F-TEID sits inside a Bearer Context; EBI
	// is then that bearer's id when it came before the F-TEID (else 0).
	InBearer bool
	EBI      uint8
}

// CauseEntry is one Cause value met in a datagram.
type CauseEntry struct {
	Value CauseValue
	// Msg is the index of the message holding it.
	Msg uint8
	// InBearer is true when the cause belongs to a Bearer Context.
	InBearer bool
}

// Summary condenses a GTPv2-C datagram for the pipeline. It is a plain
// value of fixed size: Summarize fills it without allocating.
type Summary struct {
	// Msgs are the headers of the first MaxMessages messages; NumMsgs
	// counts every message found.
	Msgs    [MaxMessages]Header
	NumMsgs uint8

	// IMSI and MSISDN of the first such elements at message level.
	IMSI      Digits
	HasIMSI   bool
	MSISDN    Digits
	HasMSISDN bool

	// FTEIDs are the first MaxFTEIDs F-TEIDs in message order (nested ones
	// where their group is); NumFTEIDs counts all of them.
	FTEIDs    [MaxFTEIDs]FTEIDEntry
	NumFTEIDs uint16

	// PAA is the first PDN Address Allocation (valid when HasPAA).
	PAA    PAA
	HasPAA bool

	// Cause is the first message-level cause (valid when HasCause);
	// Causes lists every cause, nested ones included, NumCauses counts them.
	Cause     CauseValue
	HasCause  bool
	Causes    [MaxCauses]CauseEntry
	NumCauses uint16

	// EBIs lists the EPS bearer ids of every EBI element (message level
	// and inside bearer contexts); NumEBIs counts them.
	EBIs    [MaxEBIs]uint8
	NumEBIs uint16

	// RAT is the RAT Type (valid when HasRAT).
	RAT    RATType
	HasRAT bool

	// Status is the first problem met (OK when none). Malformed and
	// Truncated sum it up; ErrOffset is where, from the start of the
	// datagram, the problem was found.
	Status    Status
	Malformed bool
	Truncated bool
	ErrOffset int
}

// First returns the first message's header (zero when there was none).
func (s *Summary) First() *Header { return &s.Msgs[0] }

// StoredFTEIDs returns the F-TEIDs kept in s.
func (s *Summary) StoredFTEIDs() []FTEIDEntry {
	return s.FTEIDs[:min(int(s.NumFTEIDs), MaxFTEIDs)]
}

// StoredCauses returns the causes kept in s.
func (s *Summary) StoredCauses() []CauseEntry {
	return s.Causes[:min(int(s.NumCauses), MaxCauses)]
}

// StoredEBIs returns the bearer ids kept in s.
func (s *Summary) StoredEBIs() []uint8 {
	return s.EBIs[:min(int(s.NumEBIs), MaxEBIs)]
}

// Summarize decodes the GTPv2-C datagram b (a UDP payload) into s,
// resetting it first. It never allocates and never panics; problems set
// s.Status, s.Malformed or s.Truncated.
func Summarize(b []byte, s *Summary) {
	*s = Summary{}
	m := Messages(b)
	for m.Next() {
		idx := m.Index()
		if idx < MaxMessages {
			s.Msgs[idx] = *m.Header()
		}
		if s.NumMsgs < 255 {
			s.NumMsgs++
		}
		if st, off := s.walk(m.IEs(), uint8(min(idx, 255)), 0, false, 0); st != OK {
			if m.Truncated() && st == BadIELength {
				st = Truncated
			}
			s.fail(st, off)
		}
	}
	if st := m.Status(); st != OK {
		s.fail(st, m.ErrOffset())
	}
}

// fail records the first problem.
func (s *Summary) fail(st Status, off int) {
	if s.Status != OK {
		return
	}
	s.Status, s.ErrOffset = st, off
	s.Malformed = st.Malformed()
	s.Truncated = st == Truncated
}

// walk reads the elements of it, descending into grouped ones, and returns
// the walk's status and error offset. The iterator is taken by value so the
// recursion keeps it on the stack.
func (s *Summary) walk(it IEIter, msg uint8, depth int, inBearer bool, ebi uint8) (Status, int) {
	for it.Next() {
		ie := it.IE()
		switch ie.Type {
		case IEIMSI:
			if depth == 0 && !s.HasIMSI {
				s.HasIMSI = ie.IMSI(&s.IMSI)
			}
		case IEMSISDN:
			if depth == 0 && !s.HasMSISDN {
				s.HasMSISDN = ie.MSISDN(&s.MSISDN)
			}
		case IEFTEID:
			if f, ok := ie.FTEID(); ok {
				if s.NumFTEIDs < MaxFTEIDs {
					s.FTEIDs[s.NumFTEIDs] = FTEIDEntry{FTEID: f, Instance: ie.Instance, Msg: msg, InBearer: inBearer, EBI: ebi}
				}
				s.NumFTEIDs++
			}
		case IEPAA:
			if !s.HasPAA {
				s.PAA, s.HasPAA = ie.PAA()
			}
		case IECause:
			if c, ok := ie.Cause(); ok {
				if depth == 0 && !s.HasCause {
					s.Cause, s.HasCause = c.Value, true
				}
				if s.NumCauses < MaxCauses {
					s.Causes[s.NumCauses] = CauseEntry{Value: c.Value, Msg: msg, InBearer: inBearer}
				}
				s.NumCauses++
			}
		case IEEBI:
			if v, ok := ie.EBI(); ok {
				if inBearer && ebi == 0 {
					ebi = v
				}
				if s.NumEBIs < MaxEBIs {
					s.EBIs[s.NumEBIs] = v
				}
				s.NumEBIs++
			}
		case IERATType:
			if !s.HasRAT {
				s.RAT, s.HasRAT = ie.RATType()
			}
		default:
			if !ie.Type.Grouped() {
				continue
			}
			if depth+1 > MaxDepth {
				s.fail(TooDeep, ie.Offset)
				continue
			}
			if st, off := s.walk(ie.Group(), msg, depth+1, inBearer || ie.Type == IEBearerContext, 0); st != OK {
				s.fail(st, off)
			}
		}
	}
	return it.st, it.errOff
}
