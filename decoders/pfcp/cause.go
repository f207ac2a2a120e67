package pfcp

import "strconv"

// Cause is the value of a Cause IE (TS 29.244 clause 8.2.1).
type Cause uint8

// Cause values.
const (
	CauseRequestAccepted              Cause = 1
	CauseMoreUsageReportToSend        Cause = 2
	CauseRequestPartiallyAccepted     Cause = 3
	CauseRequestRejected              Cause = 64
	CauseSessionContextNotFound       Cause = 65
	CauseMandatoryIEMissing           Cause = 66
	CauseConditionalIEMissing         Cause = 67
	CauseInvalidLength                Cause = 68
	CauseMandatoryIEIncorrect         Cause = 69
	CauseInvalidForwardingPolicy      Cause = 70
	CauseInvalidFTEIDAllocationOption Cause = 71
	CauseNoEstablishedAssociation     Cause = 72
	CauseRuleCreationFailure          Cause = 73
	CauseEntityInCongestion           Cause = 74
	CauseNoResourcesAvailable         Cause = 75
	CauseServiceNotSupported          Cause = 76
	CauseSystemFailure                Cause = 77
	CauseRedirectionRequested         Cause = 78
	CauseAllDynamicAddressesOccupied  Cause = 79
)

var causeNames = [...]string{
	1:  "Request accepted (success)",
	2:  "More Usage Report to send",
	3:  "Request partially accepted",
	64: "Request rejected (reason not specified)",
	65: "Session context not found",
	66: "Mandatory IE missing",
	67: "Conditional IE missing",
	68: "Invalid length",
	69: "Mandatory IE incorrect",
	70: "Invalid Forwarding Policy",
	71: "Invalid F-TEID allocation option",
	72: "No established PFCP Association",
	73: "Rule creation/modification Failure",
	74: "PFCP entity in congestion",
	75: "No resources available",
	76: "Service not supported",
	77: "System failure",
	78: "Redirection Requested",
	79: "All dynamic addresses are occupied",
	80: "Unknown Pre-defined Rule",
	81: "Unknown Application ID",
	82: "L2TP tunnel Establishment failure",
	83: "L2TP session Establishment failure",
	84: "L2TP tunnel release",
	85: "L2TP session release",
	86: "PFCP session restoration failure due to requested resource not available",
}

// Accepted reports whether c is one of the success values (1-3).
func (c Cause) Accepted() bool { return c >= 1 && c <= 3 }

// DeletionEnds reports whether a Session Deletion Response ends its
// session: it has no Cause IE (which TS 29.244 makes mandatory; a
// response without one is taken at its word), its cause accepts the
// deletion, or it is Session context not found (the UP function has no
// such session). Any other cause rejects the deletion and the session
// goes on.
func DeletionEnds(hasCause bool, c Cause) bool {
	return !hasCause || c.Accepted() || c == CauseSessionContextNotFound
}

// String returns the cause's name, or "Cause(N)".
func (c Cause) String() string {
	if int(c) < len(causeNames) && causeNames[c] != "" {
		return causeNames[c]
	}
	return "Cause(" + strconv.Itoa(int(c)) + ")"
}

// Cause returns the value of a Cause IE.
func (ie IE) Cause() (Cause, bool) {
	if ie.Type != IECause || len(ie.Value) < 1 {
		return 0, false
	}
	return Cause(ie.Value[0]), true
}
