package gtpu

import "strconv"

// MessageType is the GTPv1 message type (octet 2 of the header). User-plane
// and control-plane GTPv1 share one numbering (TS 29.060 table 1, TS 29.281
// table 6.1-1).
type MessageType uint8

// GTPv1 message types that pcapflow names.
const (
	EchoRequest                      MessageType = 1
	EchoResponse                     MessageType = 2
	VersionNotSupported              MessageType = 3
	NodeAliveRequest                 MessageType = 4
	NodeAliveResponse                MessageType = 5
	RedirectionRequest               MessageType = 6
	RedirectionResponse              MessageType = 7
	CreatePDPContextRequest          MessageType = 16
	CreatePDPContextResponse         MessageType = 17
	UpdatePDPContextRequest          MessageType = 18
	UpdatePDPContextResponse         MessageType = 19
	DeletePDPContextRequest          MessageType = 20
	DeletePDPContextResponse         MessageType = 21
	InitiatePDPContextActivationReq  MessageType = 22
	InitiatePDPContextActivationResp MessageType = 23
	ErrorIndication                  MessageType = 26
	PDUNotificationRequest           MessageType = 27
	PDUNotificationResponse          MessageType = 28
	PDUNotificationRejectRequest     MessageType = 29
	PDUNotificationRejectResponse    MessageType = 30
	SupportedExtensionHeaders        MessageType = 31
	SendRoutingInfoRequest           MessageType = 32
	SendRoutingInfoResponse          MessageType = 33
	IdentificationRequest            MessageType = 48
	IdentificationResponse           MessageType = 49
	SGSNContextRequest               MessageType = 50
	SGSNContextResponse              MessageType = 51
	SGSNContextAcknowledge           MessageType = 52
	ForwardRelocationRequest         MessageType = 53
	ForwardRelocationResponse        MessageType = 54
	ForwardRelocationComplete        MessageType = 55
	RelocationCancelRequest          MessageType = 56
	RelocationCancelResponse         MessageType = 57
	EndMarker                        MessageType = 254
	GPDU                             MessageType = 255
)

var msgNames = func() (t [256]string) {
	named := map[MessageType]string{
		EchoRequest:                      "Echo Request",
		EchoResponse:                     "Echo Response",
		VersionNotSupported:              "Version Not Supported",
		NodeAliveRequest:                 "Node Alive Request",
		NodeAliveResponse:                "Node Alive Response",
		RedirectionRequest:               "Redirection Request",
		RedirectionResponse:              "Redirection Response",
		CreatePDPContextRequest:          "Create PDP Context Request",
		CreatePDPContextResponse:         "Create PDP Context Response",
		UpdatePDPContextRequest:          "Update PDP Context Request",
		UpdatePDPContextResponse:         "Update PDP Context Response",
		DeletePDPContextRequest:          "Delete PDP Context Request",
		DeletePDPContextResponse:         "Delete PDP Context Response",
		InitiatePDPContextActivationReq:  "Initiate PDP Context Activation Request",
		InitiatePDPContextActivationResp: "Initiate PDP Context Activation Response",
		ErrorIndication:                  "Error Indication",
		PDUNotificationRequest:           "PDU Notification Request",
		PDUNotificationResponse:          "PDU Notification Response",
		PDUNotificationRejectRequest:     "PDU Notification Reject Request",
		PDUNotificationRejectResponse:    "PDU Notification Reject Response",
		SupportedExtensionHeaders:        "Supported Extension Headers Notification",
		SendRoutingInfoRequest:           "Send Routeing Information for GPRS Request",
		SendRoutingInfoResponse:          "Send Routeing Information for GPRS Response",
		IdentificationRequest:            "Identification Request",
		IdentificationResponse:           "Identification Response",
		SGSNContextRequest:               "SGSN Context Request",
		SGSNContextResponse:              "SGSN Context Response",
		SGSNContextAcknowledge:           "SGSN Context Acknowledge",
		ForwardRelocationRequest:         "Forward Relocation Request",
		ForwardRelocationResponse:        "Forward Relocation Response",
		ForwardRelocationComplete:        "Forward Relocation Complete",
		RelocationCancelRequest:          "Relocation Cancel Request",
		RelocationCancelResponse:         "Relocation Cancel Response",
		EndMarker:                        "End Marker",
		GPDU:                             "G-PDU",
	}
	for i := range t {
		if n, ok := named[MessageType(i)]; ok {
			t[i] = n
		} else {
			t[i] = "GTPv1(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the message type's name, or "GTPv1(N)" for a number
// pcapflow does not name. It never allocates.
func (t MessageType) String() string { return msgNames[t] }

// UserPlane reports whether t may appear on the GTP-U port (TS 29.281):
// Echo Request/Response, Error Indication, Supported Extension Headers
// Notification, End Marker and G-PDU. Every other type is GTPv1-C.
func (t MessageType) UserPlane() bool {
	switch t {
	case EchoRequest, EchoResponse, ErrorIndication, SupportedExtensionHeaders, EndMarker, GPDU:
		return true
	}
	return false
}
