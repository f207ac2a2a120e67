package gtpc

import "strconv"

// MessageType is the GTPv2-C message type (TS 29.274 table 6.1-1).
type MessageType uint8

// GTPv2-C message types.
const (
	EchoRequest                            MessageType = 1
	EchoResponse                           MessageType = 2
	VersionNotSupported                    MessageType = 3
	CreateSessionRequest                   MessageType = 32
	CreateSessionResponse                  MessageType = 33
	ModifyBearerRequest                    MessageType = 34
	ModifyBearerResponse                   MessageType = 35
	DeleteSessionRequest                   MessageType = 36
	DeleteSessionResponse                  MessageType = 37
	ChangeNotificationRequest              MessageType = 38
	ChangeNotificationResponse             MessageType = 39
	RemoteUEReportNotification             MessageType = 40
	RemoteUEReportAcknowledge              MessageType = 41
	ModifyBearerCommand                    MessageType = 64
	ModifyBearerFailureIndication          MessageType = 65
	DeleteBearerCommand                    MessageType = 66
	DeleteBearerFailureIndication          MessageType = 67
	BearerResourceCommand                  MessageType = 68
	BearerResourceFailureIndication        MessageType = 69
	DownlinkDataNotificationFailure        MessageType = 70
	TraceSessionActivation                 MessageType = 71
	TraceSessionDeactivation               MessageType = 72
	StopPagingIndication                   MessageType = 73
	CreateBearerRequest                    MessageType = 95
	CreateBearerResponse                   MessageType = 96
	UpdateBearerRequest                    MessageType = 97
	UpdateBearerResponse                   MessageType = 98
	DeleteBearerRequest                    MessageType = 99
	DeleteBearerResponse                   MessageType = 100
	DeletePDNConnectionSetRequest          MessageType = 101
	DeletePDNConnectionSetResponse         MessageType = 102
	PGWDownlinkTriggeringNotification      MessageType = 103
	PGWDownlinkTriggeringAcknowledge       MessageType = 104
	IdentificationRequest                  MessageType = 128
	IdentificationResponse                 MessageType = 129
	ContextRequest                         MessageType = 130
	ContextResponse                        MessageType = 131
	ContextAcknowledge                     MessageType = 132
	ForwardRelocationRequest               MessageType = 133
	ForwardRelocationResponse              MessageType = 134
	ForwardRelocationCompleteNotification  MessageType = 135
	ForwardRelocationCompleteAcknowledge   MessageType = 136
	ForwardAccessContextNotification       MessageType = 137
	ForwardAccessContextAcknowledge        MessageType = 138
	RelocationCancelRequest                MessageType = 139
	RelocationCancelResponse               MessageType = 140
	ConfigurationTransferTunnel            MessageType = 141
	DetachNotification                     MessageType = 149
	DetachAcknowledge                      MessageType = 150
	CSPagingIndication                     MessageType = 151
	RANInformationRelay                    MessageType = 152
	AlertMMENotification                   MessageType = 153
	AlertMMEAcknowledge                    MessageType = 154
	UEActivityNotification                 MessageType = 155
	UEActivityAcknowledge                  MessageType = 156
	ISRStatusIndication                    MessageType = 157
	UERegistrationQueryRequest             MessageType = 158
	UERegistrationQueryResponse            MessageType = 159
	CreateForwardingTunnelRequest          MessageType = 160
	CreateForwardingTunnelResponse         MessageType = 161
	SuspendNotification                    MessageType = 162
	SuspendAcknowledge                     MessageType = 163
	ResumeNotification                     MessageType = 164
	ResumeAcknowledge                      MessageType = 165
	CreateIndirectDataForwardingTunnelReq  MessageType = 166
	CreateIndirectDataForwardingTunnelResp MessageType = 167
	DeleteIndirectDataForwardingTunnelReq  MessageType = 168
	DeleteIndirectDataForwardingTunnelResp MessageType = 169
	ReleaseAccessBearersRequest            MessageType = 170
	ReleaseAccessBearersResponse           MessageType = 171
	DownlinkDataNotification               MessageType = 176
	DownlinkDataNotificationAcknowledge    MessageType = 177
	PGWRestartNotification                 MessageType = 179
	PGWRestartNotificationAcknowledge      MessageType = 180
	UpdatePDNConnectionSetRequest          MessageType = 200
	UpdatePDNConnectionSetResponse         MessageType = 201
	ModifyAccessBearersRequest             MessageType = 211
	ModifyAccessBearersResponse            MessageType = 212
	MBMSSessionStartRequest                MessageType = 231
	MBMSSessionStartResponse               MessageType = 232
	MBMSSessionUpdateRequest               MessageType = 233
	MBMSSessionUpdateResponse              MessageType = 234
	MBMSSessionStopRequest                 MessageType = 235
	MBMSSessionStopResponse                MessageType = 236
)

var msgNames = func() (t [256]string) {
	named := map[MessageType]string{
		EchoRequest:                            "Echo Request",
		EchoResponse:                           "Echo Response",
		VersionNotSupported:                    "Version Not Supported Indication",
		CreateSessionRequest:                   "Create Session Request",
		CreateSessionResponse:                  "Create Session Response",
		ModifyBearerRequest:                    "Modify Bearer Request",
		ModifyBearerResponse:                   "Modify Bearer Response",
		DeleteSessionRequest:                   "Delete Session Request",
		DeleteSessionResponse:                  "Delete Session Response",
		ChangeNotificationRequest:              "Change Notification Request",
		ChangeNotificationResponse:             "Change Notification Response",
		RemoteUEReportNotification:             "Remote UE Report Notification",
		RemoteUEReportAcknowledge:              "Remote UE Report Acknowledge",
		ModifyBearerCommand:                    "Modify Bearer Command",
		ModifyBearerFailureIndication:          "Modify Bearer Failure Indication",
		DeleteBearerCommand:                    "Delete Bearer Command",
		DeleteBearerFailureIndication:          "Delete Bearer Failure Indication",
		BearerResourceCommand:                  "Bearer Resource Command",
		BearerResourceFailureIndication:        "Bearer Resource Failure Indication",
		DownlinkDataNotificationFailure:        "Downlink Data Notification Failure Indication",
		TraceSessionActivation:                 "Trace Session Activation",
		TraceSessionDeactivation:               "Trace Session Deactivation",
		StopPagingIndication:                   "Stop Paging Indication",
		CreateBearerRequest:                    "Create Bearer Request",
		CreateBearerResponse:                   "Create Bearer Response",
		UpdateBearerRequest:                    "Update Bearer Request",
		UpdateBearerResponse:                   "Update Bearer Response",
		DeleteBearerRequest:                    "Delete Bearer Request",
		DeleteBearerResponse:                   "Delete Bearer Response",
		DeletePDNConnectionSetRequest:          "Delete PDN Connection Set Request",
		DeletePDNConnectionSetResponse:         "Delete PDN Connection Set Response",
		PGWDownlinkTriggeringNotification:      "PGW Downlink Triggering Notification",
		PGWDownlinkTriggeringAcknowledge:       "PGW Downlink Triggering Acknowledge",
		IdentificationRequest:                  "Identification Request",
		IdentificationResponse:                 "Identification Response",
		ContextRequest:                         "Context Request",
		ContextResponse:                        "Context Response",
		ContextAcknowledge:                     "Context Acknowledge",
		ForwardRelocationRequest:               "Forward Relocation Request",
		ForwardRelocationResponse:              "Forward Relocation Response",
		ForwardRelocationCompleteNotification:  "Forward Relocation Complete Notification",
		ForwardRelocationCompleteAcknowledge:   "Forward Relocation Complete Acknowledge",
		ForwardAccessContextNotification:       "Forward Access Context Notification",
		ForwardAccessContextAcknowledge:        "Forward Access Context Acknowledge",
		RelocationCancelRequest:                "Relocation Cancel Request",
		RelocationCancelResponse:               "Relocation Cancel Response",
		ConfigurationTransferTunnel:            "Configuration Transfer Tunnel",
		DetachNotification:                     "Detach Notification",
		DetachAcknowledge:                      "Detach Acknowledge",
		CSPagingIndication:                     "CS Paging Indication",
		RANInformationRelay:                    "RAN Information Relay",
		AlertMMENotification:                   "Alert MME Notification",
		AlertMMEAcknowledge:                    "Alert MME Acknowledge",
		UEActivityNotification:                 "UE Activity Notification",
		UEActivityAcknowledge:                  "UE Activity Acknowledge",
		ISRStatusIndication:                    "ISR Status Indication",
		UERegistrationQueryRequest:             "UE Registration Query Request",
		UERegistrationQueryResponse:            "UE Registration Query Response",
		CreateForwardingTunnelRequest:          "Create Forwarding Tunnel Request",
		CreateForwardingTunnelResponse:         "Create Forwarding Tunnel Response",
		SuspendNotification:                    "Suspend Notification",
		SuspendAcknowledge:                     "Suspend Acknowledge",
		ResumeNotification:                     "Resume Notification",
		ResumeAcknowledge:                      "Resume Acknowledge",
		CreateIndirectDataForwardingTunnelReq:  "Create Indirect Data Forwarding Tunnel Request",
		CreateIndirectDataForwardingTunnelResp: "Create Indirect Data Forwarding Tunnel Response",
		DeleteIndirectDataForwardingTunnelReq:  "Delete Indirect Data Forwarding Tunnel Request",
		DeleteIndirectDataForwardingTunnelResp: "Delete Indirect Data Forwarding Tunnel Response",
		ReleaseAccessBearersRequest:            "Release Access Bearers Request",
		ReleaseAccessBearersResponse:           "Release Access Bearers Response",
		DownlinkDataNotification:               "Downlink Data Notification",
		DownlinkDataNotificationAcknowledge:    "Downlink Data Notification Acknowledge",
		PGWRestartNotification:                 "PGW Restart Notification",
		PGWRestartNotificationAcknowledge:      "PGW Restart Notification Acknowledge",
		UpdatePDNConnectionSetRequest:          "Update PDN Connection Set Request",
		UpdatePDNConnectionSetResponse:         "Update PDN Connection Set Response",
		ModifyAccessBearersRequest:             "Modify Access Bearers Request",
		ModifyAccessBearersResponse:            "Modify Access Bearers Response",
		MBMSSessionStartRequest:                "MBMS Session Start Request",
		MBMSSessionStartResponse:               "MBMS Session Start Response",
		MBMSSessionUpdateRequest:               "MBMS Session Update Request",
		MBMSSessionUpdateResponse:              "MBMS Session Update Response",
		MBMSSessionStopRequest:                 "MBMS Session Stop Request",
		MBMSSessionStopResponse:                "MBMS Session Stop Response",
	}
	for i := range t {
		if n, ok := named[MessageType(i)]; ok {
			t[i] = n
		} else {
			t[i] = "GTPv2(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the message type's name, or "GTPv2(N)" for a number
// pcapflow does not name. It never allocates.
func (t MessageType) String() string { return msgNames[t] }
