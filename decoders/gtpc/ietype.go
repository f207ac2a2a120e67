package gtpc

import "strconv"

// IEType is a GTPv2-C information element type (TS 29.274 table 8.1-1).
type IEType uint8

// Information element types pcapflow names.
const (
	IEIMSI                   IEType = 1
	IECause                  IEType = 2
	IERecovery               IEType = 3
	IEAPN                    IEType = 71
	IEAMBR                   IEType = 72
	IEEBI                    IEType = 73
	IEIPAddress              IEType = 74
	IEMEI                    IEType = 75
	IEMSISDN                 IEType = 76
	IEIndication             IEType = 77
	IEPCO                    IEType = 78
	IEPAA                    IEType = 79
	IEBearerQoS              IEType = 80
	IEFlowQoS                IEType = 81
	IERATType                IEType = 82
	IEServingNetwork         IEType = 83
	IEBearerTFT              IEType = 84
	IETAD                    IEType = 85
	IEULI                    IEType = 86
	IEFTEID                  IEType = 87
	IETMSI                   IEType = 88
	IEGlobalCNID             IEType = 89
	IES103PDF                IEType = 90
	IES1UDF                  IEType = 91
	IEDelayValue             IEType = 92
	IEBearerContext          IEType = 93
	IEChargingID             IEType = 94
	IEChargingCharacteristic IEType = 95
	IETraceInformation       IEType = 96
	IEBearerFlags            IEType = 97
	IEPDNType                IEType = 99
	IEPTI                    IEType = 100
	IEPDNConnection          IEType = 109
	IEUETimeZone             IEType = 114
	IEFContainer             IEType = 118
	IEFCause                 IEType = 119
	IEPLMNID                 IEType = 120
	IEPortNumber             IEType = 126
	IEAPNRestriction         IEType = 127
	IESelectionMode          IEType = 128
	IEFQCSID                 IEType = 132
	IENodeType               IEType = 135
	IEFQDN                   IEType = 136
	IEOverloadControlInfo    IEType = 180
	IELoadControlInfo        IEType = 181
	IERemoteUEContext        IEType = 191
	IESCEFPDNConnection      IEType = 195
	IEPrivateExtension       IEType = 255
)

var ieNames = func() (t [256]string) {
	named := map[IEType]string{
		IEIMSI: "IMSI", IECause: "Cause", IERecovery: "Recovery", IEAPN: "APN",
		IEAMBR: "AMBR", IEEBI: "EBI", IEIPAddress: "IP Address", IEMEI: "MEI",
		IEMSISDN: "MSISDN", IEIndication: "Indication", IEPCO: "PCO", IEPAA: "PAA",
		IEBearerQoS: "Bearer QoS", IEFlowQoS: "Flow QoS", IERATType: "RAT Type",
		IEServingNetwork: "Serving Network", IEBearerTFT: "Bearer TFT", IETAD: "TAD",
		IEULI: "ULI", IEFTEID: "F-TEID", IETMSI: "TMSI", IEGlobalCNID: "Global CN-Id",
		IES103PDF: "S103PDF", IES1UDF: "S1UDF", IEDelayValue: "Delay Value",
		IEBearerContext: "Bearer Context", IEChargingID: "Charging ID",
		IEChargingCharacteristic: "Charging Characteristics", IETraceInformation: "Trace Information",
		IEBearerFlags: "Bearer Flags", IEPDNType: "PDN Type", IEPTI: "PTI",
		IEPDNConnection: "PDN Connection", IEUETimeZone: "UE Time Zone",
		IEFContainer: "F-Container", IEFCause: "F-Cause", IEPLMNID: "PLMN ID",
		IEPortNumber: "Port Number", IEAPNRestriction: "APN Restriction",
		IESelectionMode: "Selection Mode", IEFQCSID: "FQ-CSID", IENodeType: "Node Type",
		IEFQDN: "FQDN", IEOverloadControlInfo: "Overload Control Information",
		IELoadControlInfo: "Load Control Information", IERemoteUEContext: "Remote UE Context",
		IESCEFPDNConnection: "SCEF PDN Connection", IEPrivateExtension: "Private Extension",
	}
	for i := range t {
		if n, ok := named[IEType(i)]; ok {
			t[i] = n
		} else {
			t[i] = "IE(" + strconv.Itoa(i) + ")"
		}
	}
	return t
}()

// String returns the element type's name, or "IE(N)". It never allocates.
func (t IEType) String() string { return ieNames[t] }

// Grouped reports whether elements of type t hold a list of elements.
func (t IEType) Grouped() bool {
	switch t {
	case IEBearerContext, IEPDNConnection, IEOverloadControlInfo, IELoadControlInfo,
		IERemoteUEContext, IESCEFPDNConnection:
		return true
	}
	return false
}
