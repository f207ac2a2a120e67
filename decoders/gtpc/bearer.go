package gtpc

// MaxBearerFTEIDs is how many F-TEIDs a BearerContext keeps (a bearer
// context holds at most a handful: S1-U, S5/S8, S12, S4, S2b…).
const MaxBearerFTEIDs = 6

// InstanceFTEID is an F-TEID with the instance of its element, which gives
// its role in the message (e.g. instance 0 = S1-U eNodeB, 2 = S5/S8-U SGW
// in a Create Session Request bearer context).
type InstanceFTEID struct {
	FTEID
	Instance uint8
}

// BearerContext is a decoded Bearer Context (grouped element, type 93).
type BearerContext struct {
	// EBI is the EPS bearer id, valid when HasEBI.
	EBI    uint8
	HasEBI bool
	// FTEIDs are the first MaxBearerFTEIDs F-TEIDs, in order;
	// NumFTEIDs counts all well-formed ones.
	FTEIDs    [MaxBearerFTEIDs]InstanceFTEID
	NumFTEIDs uint8
	// Cause is the bearer's cause, valid when HasCause.
	Cause    Cause
	HasCause bool
	// QoS is the raw Bearer QoS value (aliasing the message), nil when absent.
	QoS []byte
	// ChargingID is valid when HasChargingID.
	ChargingID    uint32
	HasChargingID bool
}

// Stored returns the F-TEIDs kept in bc.
func (bc *BearerContext) Stored() []InstanceFTEID {
	return bc.FTEIDs[:min(int(bc.NumFTEIDs), MaxBearerFTEIDs)]
}

// BearerContext decodes a Bearer Context element into bc. It returns the
// walk's error (elements before the problem are kept), or an error when ie
// is not a Bearer Context.
func (ie IE) BearerContext(bc *BearerContext) error {
	*bc = BearerContext{}
	if ie.Type != IEBearerContext {
		return errNotBearerContext
	}
	it := ie.Group()
	for it.Next() {
		e := it.IE()
		switch e.Type {
		case IEEBI:
			bc.EBI, bc.HasEBI = e.EBI()
		case IEFTEID:
			if f, ok := e.FTEID(); ok {
				if int(bc.NumFTEIDs) < MaxBearerFTEIDs {
					bc.FTEIDs[bc.NumFTEIDs] = InstanceFTEID{FTEID: f, Instance: e.Instance}
				}
				if bc.NumFTEIDs < 255 {
					bc.NumFTEIDs++
				}
			}
		case IECause:
			if !bc.HasCause {
				bc.Cause, bc.HasCause = e.Cause()
			}
		case IEBearerQoS:
			bc.QoS = e.Value
		case IEChargingID:
			bc.ChargingID, bc.HasChargingID = e.ChargingID()
		}
	}
	return it.Err()
}

type wrongType struct{}

func (wrongType) Error() string { return "gtpv2: not a Bearer Context element" }

var errNotBearerContext error = wrongType{}
