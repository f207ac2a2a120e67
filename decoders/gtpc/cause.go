package gtpc

import "strconv"

// CauseValue is the cause code of a Cause element (TS 29.274 table 8.4-1).
type CauseValue uint8

// Cause values most often met.
const (
	CauseRequestAccepted          CauseValue = 16
	CauseRequestAcceptedPartially CauseValue = 17
	CauseContextNotFound          CauseValue = 64
	CauseInvalidMessageFormat     CauseValue = 65
	CauseMandatoryIEIncorrect     CauseValue = 69
	CauseMandatoryIEMissing       CauseValue = 70
	CauseSystemFailure            CauseValue = 72
	CauseNoResourcesAvailable     CauseValue = 73
	CauseMissingOrUnknownAPN      CauseValue = 78
	CauseUserAuthenticationFailed CauseValue = 92
	CauseRequestRejected          CauseValue = 94
	CauseRemotePeerNotResponding  CauseValue = 100
)

var causeNames = func() (t [256]string) {
	named := map[CauseValue]string{
		2: "Local Detach", 3: "Complete Detach", 4: "RAT changed from 3GPP to Non-3GPP",
		5: "ISR deactivation", 6: "Error Indication received", 7: "IMSI Detach Only",
		8: "Reactivation Requested", 9: "PDN reconnection to this APN disallowed",
		10: "Access changed from Non-3GPP to 3GPP", 11: "PDN connection inactivity timer expires",
		12: "PGW not responding", 13: "Network Failure", 14: "QoS parameter mismatch",
		16: "Request accepted", 17: "Request accepted partially",
		18: "New PDN type due to network preference", 19: "New PDN type due to single address bearer only",
		64: "Context Not Found", 65: "Invalid Message Format", 66: "Version not supported by next peer",
		67: "Invalid length", 68: "Service not supported", 69: "Mandatory IE incorrect",
		70: "Mandatory IE missing", 72: "System failure", 73: "No resources available",
		74: "Semantic error in the TFT operation", 75: "Syntactic error in the TFT operation",
		76: "Semantic errors in packet filter(s)", 77: "Syntactic errors in packet filter(s)",
		78: "Missing or unknown APN", 80: "GRE key not found", 81: "Relocation failure",
		82: "Denied in RAT", 83: "Preferred PDN type not supported",
		84: "All dynamic addresses are occupied", 85: "UE context without TFT already activated",
		86: "Protocol type not supported", 87: "UE not responding", 88: "UE refuses",
		89: "Service denied", 90: "Unable to page UE", 91: "No memory available",
		92: "User authentication failed", 93: "APN access denied - no subscription",
		94: "Request rejected (reason not specified)", 95: "P-TMSI Signature mismatch",
		96: "IMSI/IMEI not known", 97: "Semantic error in the TAD operation",
		98: "Syntactic error in the TAD operation", 100: "Remote peer not responding",
		101: "Collision with network initiated request", 102: "Unable to page UE due to Suspension",
		103: "Conditional IE missing", 104: "APN Restriction type incompatible",
		105: "Invalid overall length of the triggered response message and a piggybacked initial message",
		106: "Data forwarding not supported", 107: "Invalid reply from remote peer",
		108: "Fallback to GTPv1", 109: "Invalid peer",
		110: "Temporarily rejected due to handover/TAU/RAU procedure in progress",
		111: "Modifications not supported", 112: "Request rejected for a PMIPv6 reason",
		113: "APN Congestion", 114: "Bearer handling not supported", 115: "UE already re-attached",
		116: "Multiple PDN connections for a given APN not allowed",
		117: "Target access restricted for the subscriber", 120: "GTP-C Entity Congestion",
	}
	for i := range t {
		if n, ok := named[CauseValue(i)]; ok {
			t[i] = n
		} else {
			t[i] = "cause(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the cause's name, or "cause(N)". It never allocates.
func (c CauseValue) String() string { return causeNames[c] }

// Accepted reports whether c is one of the acceptance causes (16-63).
func (c CauseValue) Accepted() bool { return c >= 16 && c <= 63 }

// Cause is a decoded Cause element (type 2).
type Cause struct {
	// Value is the cause code.
	Value CauseValue
	// PCE, BCE and CS are the PDN connection, bearer context and cause
	// source flags.
	PCE, BCE, CS bool
	// Offending names the element the cause is about, when the element
	// carries one (HasOffending).
	HasOffending      bool
	OffendingType     IEType
	OffendingInstance uint8
}

// Cause decodes a Cause element. A value of one octet (no flags octet, as
// some peers send) is accepted.
func (ie IE) Cause() (Cause, bool) {
	v := ie.Value
	if ie.Type != IECause || len(v) < 1 {
		return Cause{}, false
	}
	c := Cause{Value: CauseValue(v[0])}
	if len(v) >= 2 {
		c.PCE, c.BCE, c.CS = v[1]&0x04 != 0, v[1]&0x02 != 0, v[1]&0x01 != 0
	}
	if len(v) >= 6 {
		c.HasOffending = true
		c.OffendingType = IEType(v[2])
		c.OffendingInstance = v[5] & 0x0f
	}
	return c, true
}
