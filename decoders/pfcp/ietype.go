package pfcp

import "strconv"

// IEType is a PFCP information element type (TS 29.244 Table 8.1.2-1).
type IEType uint16

// IE types this package gives names in code. IEType.String names many more.
const (
	IECreatePDR                  IEType = 1
	IEPDI                        IEType = 2
	IECreateFAR                  IEType = 3
	IEForwardingParameters       IEType = 4
	IEDuplicatingParameters      IEType = 5
	IECreateURR                  IEType = 6
	IECreateQER                  IEType = 7
	IECreatedPDR                 IEType = 8
	IEUpdatePDR                  IEType = 9
	IEUpdateFAR                  IEType = 10
	IEUpdateForwardingParameters IEType = 11
	IEUpdateBARReport            IEType = 12
	IEUpdateURR                  IEType = 13
	IEUpdateQER                  IEType = 14
	IERemovePDR                  IEType = 15
	IERemoveFAR                  IEType = 16
	IERemoveURR                  IEType = 17
	IERemoveQER                  IEType = 18
	IECause                      IEType = 19
	IESourceInterface            IEType = 20
	IEFTEID                      IEType = 21
	IENetworkInstance            IEType = 22
	IESDFFilter                  IEType = 23
	IEApplicationID              IEType = 24
	IEPrecedence                 IEType = 29
	IEDestinationInterface       IEType = 42
	IEUPFunctionFeatures         IEType = 43
	IEApplyAction                IEType = 44
	IELoadControlInformation     IEType = 51
	IEOverloadControlInformation IEType = 54
	IEPDRID                      IEType = 56
	IEFSEID                      IEType = 57
	IENodeID                     IEType = 60
	IEFQCSID                     IEType = 65
	IEURRID                      IEType = 81
	IEOuterHeaderCreation        IEType = 84
	IECreateBAR                  IEType = 85
	IECPFunctionFeatures         IEType = 89
	IEUEIPAddress                IEType = 93
	IEOuterHeaderRemoval         IEType = 95
	IERecoveryTimeStamp          IEType = 96
	IEFARID                      IEType = 108
	IEQERID                      IEType = 109
	IECreateTrafficEndpoint      IEType = 127
	IECreatedTrafficEndpoint     IEType = 128
	IEAPNDNN                     IEType = 159
)

// ieNames are the IE names of TS 29.244 Table 8.1.2-1 (Release 17).
var ieNames = [...]string{
	1: "Create PDR", 2: "PDI", 3: "Create FAR", 4: "Forwarding Parameters",
	5: "Duplicating Parameters", 6: "Create URR", 7: "Create QER", 8: "Created PDR",
	9: "Update PDR", 10: "Update FAR", 11: "Update Forwarding Parameters",
	12: "Update BAR (Session Report Response)", 13: "Update URR", 14: "Update QER",
	15: "Remove PDR", 16: "Remove FAR", 17: "Remove URR", 18: "Remove QER",
	19: "Cause", 20: "Source Interface", 21: "F-TEID", 22: "Network Instance",
	23: "SDF Filter", 24: "Application ID", 25: "Gate Status", 26: "MBR", 27: "GBR",
	28: "QER Correlation ID", 29: "Precedence", 30: "Transport Level Marking",
	31: "Volume Threshold", 32: "Time Threshold", 33: "Monitoring Time",
	34: "Subsequent Volume Threshold", 35: "Subsequent Time Threshold",
	36: "Inactivity Detection Time", 37: "Reporting Triggers", 38: "Redirect Information",
	39: "Report Type", 40: "Offending IE", 41: "Forwarding Policy",
	42: "Destination Interface", 43: "UP Function Features", 44: "Apply Action",
	45: "Downlink Data Service Information", 46: "Downlink Data Notification Delay",
	47: "DL Buffering Duration", 48: "DL Buffering Suggested Packet Count",
	49: "PFCPSMReq-Flags", 50: "PFCPSRRsp-Flags", 51: "Load Control Information",
	52: "Sequence Number", 53: "Metric", 54: "Overload Control Information", 55: "Timer",
	56: "PDR ID", 57: "F-SEID", 58: "Application ID's PFDs", 59: "PFD context",
	60: "Node ID", 61: "PFD contents", 62: "Measurement Method",
	63: "Usage Report Trigger", 64: "Measurement Period", 65: "FQ-CSID",
	66: "Volume Measurement", 67: "Duration Measurement",
	68: "Application Detection Information", 69: "Time of First Packet",
	70: "Time of Last Packet", 71: "Quota Holding Time",
	72: "Dropped DL Traffic Threshold", 73: "Volume Quota", 74: "Time Quota",
	75: "Start Time", 76: "End Time", 77: "Query URR",
	78: "Usage Report (Session Modification Response)",
	79: "Usage Report (Session Deletion Response)",
	80: "Usage Report (Session Report Request)", 81: "URR ID", 82: "Linked URR ID",
	83: "Downlink Data Report", 84: "Outer Header Creation", 85: "Create BAR",
	86: "Update BAR (Session Modification Request)", 87: "Remove BAR", 88: "BAR ID",
	89: "CP Function Features", 90: "Usage Information", 91: "Application Instance ID",
	92: "Flow Information", 93: "UE IP Address", 94: "Packet Rate",
	95: "Outer Header Removal", 96: "Recovery Time Stamp", 97: "DL Flow Level Marking",
	98: "Header Enrichment", 99: "Error Indication Report", 100: "Measurement Information",
	101: "Node Report Type", 102: "User Plane Path Failure Report",
	103: "Remote GTP-U Peer", 104: "UR-SEQN", 105: "Update Duplicating Parameters",
	106: "Activate Predefined Rules", 107: "Deactivate Predefined Rules", 108: "FAR ID",
	109: "QER ID", 110: "OCI Flags", 111: "PFCP Association Release Request",
	112: "Graceful Release Period", 113: "PDN Type", 114: "Failed Rule ID",
	115: "Time Quota Mechanism", 116: "User Plane IP Resource Information",
	117: "User Plane Inactivity Timer", 118: "Aggregated URRs", 119: "Multiplier",
	120: "Aggregated URR ID", 121: "Subsequent Volume Quota", 122: "Subsequent Time Quota",
	123: "RQI", 124: "QFI", 125: "Query URR Reference",
	126: "Additional Usage Reports Information", 127: "Create Traffic Endpoint",
	128: "Created Traffic Endpoint", 129: "Update Traffic Endpoint",
	130: "Remove Traffic Endpoint", 131: "Traffic Endpoint ID",
	132: "Ethernet Packet Filter", 133: "MAC address", 134: "C-TAG", 135: "S-TAG",
	136: "Ethertype", 137: "Proxying", 138: "Ethernet Filter ID",
	139: "Ethernet Filter Properties", 140: "Suggested Buffering Packets Count",
	141: "User ID", 142: "Ethernet PDU Session Information",
	143: "Ethernet Traffic Information", 144: "MAC Addresses Detected",
	145: "MAC Addresses Removed", 146: "Ethernet Inactivity Timer",
	147: "Additional Monitoring Time", 148: "Event Quota", 149: "Event Threshold",
	150: "Subsequent Event Quota", 151: "Subsequent Event Threshold",
	152: "Trace Information", 153: "Framed-Route", 154: "Framed-Routing",
	155: "Framed-IPv6-Route", 156: "Time Stamp", 157: "Averaging Window",
	158: "Paging Policy Indicator", 159: "APN/DNN", 160: "3GPP Interface Type",
	161: "PFCPSRReq-Flags", 162: "PFCPAUReq-Flags", 163: "Activation Time",
	164: "Deactivation Time", 165: "Create MAR",
	166: "3GPP Access Forwarding Action Information",
	167: "Non-3GPP Access Forwarding Action Information", 168: "Remove MAR",
	169: "Update MAR", 170: "MAR ID", 171: "Steering Functionality",
	172: "Steering Mode", 173: "Weight", 174: "Priority",
	175: "Update 3GPP Access Forwarding Action Information",
	176: "Update Non-3GPP Access Forwarding Action Information",
	177: "UE IP address Pool Identity", 178: "Alternative SMF IP Address",
	179: "Packet Replication and Detection Carry-On Information", 180: "SMF Set ID",
	181: "Quota Validity Time", 182: "Number of Reports",
	183: "PFCP Session Retention Information", 184: "PFCPASRsp-Flags",
	185: "CP PFCP Entity IP Address", 186: "PFCPSEReq-Flags",
	187: "User Plane Path Recovery Report", 188: "IP Multicast Addressing Info",
	189: "Join IP Multicast Information", 190: "Leave IP Multicast Information",
	191: "IP Multicast Address", 192: "Source IP Address", 193: "Packet Rate Status",
	194: "Create Bridge Info for TSC", 195: "Created Bridge Info for TSC",
	196: "DS-TT Port Number", 197: "NW-TT Port Number", 198: "5GS User Plane Node",
	199: "TSC Management Information (Session Modification Request)",
	200: "TSC Management Information (Session Modification Response)",
	201: "TSC Management Information (Session Report Request)",
	202: "Port Management Information Container", 203: "Clock Drift Control Information",
	204: "Requested Clock Drift Information", 205: "Clock Drift Report",
	206: "TSN Time Domain Number", 207: "Time Offset Threshold",
	208: "Cumulative rateRatio Threshold", 209: "Time Offset Measurement",
	210: "Cumulative rateRatio Measurement", 211: "Remove SRR", 212: "Create SRR",
	213: "Update SRR", 214: "Session Report", 215: "SRR ID",
	216: "Access Availability Control Information",
	217: "Requested Access Availability Information", 218: "Access Availability Report",
	219: "Access Availability Information", 220: "Provide ATSSS Control Information",
	221: "ATSSS Control Parameters", 222: "MPTCP Control Information",
	223: "ATSSS-LL Control Information", 224: "PMF Control Information",
	225: "MPTCP Parameters", 226: "ATSSS-LL Parameters", 227: "PMF Parameters",
	228: "MPTCP Address Information", 229: "UE Link-Specific IP Address",
	230: "PMF Address Information", 231: "ATSSS-LL Information",
	232: "Data Network Access Identifier", 233: "UE IP address Pool Information",
	234: "Average Packet Delay", 235: "Minimum Packet Delay", 236: "Maximum Packet Delay",
	237: "QoS Report Trigger", 238: "GTP-U Path QoS Control Information",
	239: "GTP-U Path QoS Report", 240: "QoS Information in GTP-U Path QoS Report",
	241: "GTP-U Path Interface Type", 242: "QoS Monitoring per QoS flow Control Information",
	243: "Requested QoS Monitoring", 244: "Reporting Frequency",
	245: "Packet Delay Thresholds", 246: "Minimum Wait Time", 247: "QoS Monitoring Report",
	248: "QoS Monitoring Measurement", 249: "MT-EDT Control Information",
	250: "DL Data Packets Size", 251: "QER Control Indications",
	252: "Packet Rate Status Report", 253: "NF Instance ID", 254: "Ethernet Context Information",
	255: "Redundant Transmission Parameters", 256: "Updated PDR", 257: "S-NSSAI",
	258: "IP version", 259: "PFCPASReq-Flags", 260: "Data Status",
	261: "Provide RDS Configuration Information", 262: "RDS Configuration Information",
	263: "Query Packet Rate Status", 264: "Query Packet Rate Status Report",
	265: "MPTCP Applicable Indication", 266: "User Plane Node Management Information Container",
	267: "UE IP Address Usage Information", 268: "Number of UE IP Addresses",
	269: "Validity Timer", 270: "Redundant Transmission Forwarding Parameters",
	271: "Transport Delay Reporting",
}

// groupedIEs marks the grouped IE types (their value is a list of IEs).
var groupedIEs = func() (g [272]bool) {
	for _, t := range []int{
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
		51, 54, 58, 59, 68, 77, 78, 79, 80, 83, 85, 86, 87, 99, 102, 105, 118,
		127, 128, 129, 130, 132, 143, 147, 165, 166, 167, 168, 169, 175, 176,
		183, 187, 188, 189, 190, 195, 199, 200, 201, 203, 205, 211, 212, 213,
		214, 216, 218, 220, 221, 225, 226, 227, 233, 238, 239, 240, 242, 247,
		252, 254, 255, 256, 261, 263, 264, 267, 270, 271,
	} {
		g[t] = true
	}
	return g
}()

// IsGrouped reports whether t is a grouped IE type of TS 29.244.
func (t IEType) IsGrouped() bool { return int(t) < len(groupedIEs) && groupedIEs[t] }

// IsVendor reports whether t is a vendor-specific type (≥ 32768).
func (t IEType) IsVendor() bool { return t >= VendorIEBase }

// String returns the IE type's name, or "IE(N)" when it has none here.
func (t IEType) String() string {
	if int(t) < len(ieNames) && ieNames[t] != "" {
		return ieNames[t]
	}
	return "IE(" + strconv.Itoa(int(t)) + ")"
}
