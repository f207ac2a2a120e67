package pfcp

import "strconv"

// MessageType is a PFCP message type (TS 29.244 Table 7.3-1).
type MessageType uint8

// Node related messages (S=0) and session related messages (S=1).
const (
	HeartbeatRequest               MessageType = 1
	HeartbeatResponse              MessageType = 2
	PFDManagementRequest           MessageType = 3
	PFDManagementResponse          MessageType = 4
	AssociationSetupRequest        MessageType = 5
	AssociationSetupResponse       MessageType = 6
	AssociationUpdateRequest       MessageType = 7
	AssociationUpdateResponse      MessageType = 8
	AssociationReleaseRequest      MessageType = 9
	AssociationReleaseResponse     MessageType = 10
	VersionNotSupportedResponse    MessageType = 11
	NodeReportRequest              MessageType = 12
	NodeReportResponse             MessageType = 13
	SessionSetDeletionRequest      MessageType = 14
	SessionSetDeletionResponse     MessageType = 15
	SessionSetModificationRequest  MessageType = 16
	SessionSetModificationResponse MessageType = 17
	SessionEstablishmentRequest    MessageType = 50
	SessionEstablishmentResponse   MessageType = 51
	SessionModificationRequest     MessageType = 52
	SessionModificationResponse    MessageType = 53
	SessionDeletionRequest         MessageType = 54
	SessionDeletionResponse        MessageType = 55
	SessionReportRequest           MessageType = 56
	SessionReportResponse          MessageType = 57
)

var messageNames = [...]string{
	HeartbeatRequest:               "Heartbeat Request",
	HeartbeatResponse:              "Heartbeat Response",
	PFDManagementRequest:           "PFD Management Request",
	PFDManagementResponse:          "PFD Management Response",
	AssociationSetupRequest:        "Association Setup Request",
	AssociationSetupResponse:       "Association Setup Response",
	AssociationUpdateRequest:       "Association Update Request",
	AssociationUpdateResponse:      "Association Update Response",
	AssociationReleaseRequest:      "Association Release Request",
	AssociationReleaseResponse:     "Association Release Response",
	VersionNotSupportedResponse:    "Version Not Supported Response",
	NodeReportRequest:              "Node Report Request",
	NodeReportResponse:             "Node Report Response",
	SessionSetDeletionRequest:      "Session Set Deletion Request",
	SessionSetDeletionResponse:     "Session Set Deletion Response",
	SessionSetModificationRequest:  "Session Set Modification Request",
	SessionSetModificationResponse: "Session Set Modification Response",
	SessionEstablishmentRequest:    "Session Establishment Request",
	SessionEstablishmentResponse:   "Session Establishment Response",
	SessionModificationRequest:     "Session Modification Request",
	SessionModificationResponse:    "Session Modification Response",
	SessionDeletionRequest:         "Session Deletion Request",
	SessionDeletionResponse:        "Session Deletion Response",
	SessionReportRequest:           "Session Report Request",
	SessionReportResponse:          "Session Report Response",
}

// Known reports whether t is a message type of TS 29.244.
func (t MessageType) Known() bool {
	return int(t) < len(messageNames) && messageNames[t] != ""
}

// String returns the message's name, or "MessageType(N)" for unknown types.
func (t MessageType) String() string {
	if t.Known() {
		return messageNames[t]
	}
	return "MessageType(" + strconv.Itoa(int(t)) + ")"
}

// IsSessionMessage reports whether t is a session related message (50-57),
// whose header carries a SEID (S=1).
func (t MessageType) IsSessionMessage() bool {
	return t >= SessionEstablishmentRequest && t <= SessionReportResponse
}

// IsRequest reports whether t is a request, which its peer answers with
// ResponseType.
func (t MessageType) IsRequest() bool {
	switch t {
	case HeartbeatRequest, PFDManagementRequest, AssociationSetupRequest,
		AssociationUpdateRequest, AssociationReleaseRequest, NodeReportRequest,
		SessionSetDeletionRequest, SessionSetModificationRequest,
		SessionEstablishmentRequest, SessionModificationRequest,
		SessionDeletionRequest, SessionReportRequest:
		return true
	}
	return false
}

// IsResponse reports whether t is a known response type (Version Not
// Supported Response included).
func (t MessageType) IsResponse() bool {
	return t.Known() && !t.IsRequest()
}

// ResponseType returns the type answering request t, and false when t is
// not a request. (Version Not Supported Response may answer any request.)
func (t MessageType) ResponseType() (MessageType, bool) {
	if !t.IsRequest() {
		return 0, false
	}
	return t + 1, true
}
