package seids

import (
	"strconv"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
)

// Session states.
const (
	StateEstablished = "established"
	StateModified    = "modified"
	StateDeleted     = "deleted"
	StateRejected    = "rejected"
	StateIncomplete  = "incomplete"
)

// SessionRow is one row of the sessions table (JSON keys as tagged). Frame
// numbers are 0 and times empty when absent; Session is 0 for an
// establishment request that was never answered (state incomplete).
type SessionRow struct {
	Kind     string     `json:"kind"`
	Session  int        `json:"session"`
	State    string     `json:"state"`
	File     string     `json:"file"`
	CPAddr   string     `json:"cp_addr"`
	UPAddr   string     `json:"up_addr"`
	CPSEID   *uint64    `json:"cp_seid"`
	UPSEID   *uint64    `json:"up_seid"`
	CPNode   string     `json:"cp_node"`
	UPNode   string     `json:"up_node"`
	EstReq   uint64     `json:"est_request_frame"`
	EstResp  uint64     `json:"est_response_frame"`
	FirstFr  uint64     `json:"first_frame"`
	LastFr   uint64     `json:"last_frame"`
	DelResp  uint64     `json:"deletion_response_frame"`
	EstCause *uint8     `json:"est_cause"`
	Estab    string     `json:"established"`
	Last     string     `json:"last"`
	Deleted  string     `json:"deleted"`
	Messages int        `json:"messages"`
	ByType   typeCounts `json:"messages_by_type"`
	UEIPs    []string   `json:"ue_ips"`
	FTEIDs   []FTEID    `json:"fteids"`
	Answered int        `json:"answered"`
	Latency  *Latency   `json:"latency_us"`
	Retrans  int        `json:"retransmissions"`
	Unanswer int        `json:"unanswered"`
	// GTPUPackets and GTPUBytes count the G-PDUs sent to the session's
	// GTP-U endpoints while it held them (bytes: frame lengths on the wire,
	// of all its fragments for a G-PDU fragmented on the transport
	// network, which counts once).
	GTPUPackets int64 `json:"gtpu_packets"`
	GTPUBytes   int64 `json:"gtpu_bytes"`
}

// FTEID is a GTP-U endpoint of a session in the sessions table: a local
// F-TEID (Source "f-teid": Create PDR PDI, Created PDR...) or the remote
// peer of an Outer Header Creation (Source "outer-header-creation").
type FTEID struct {
	TEID   uint32  `json:"teid"`
	IPv4   *string `json:"ipv4"`
	IPv6   *string `json:"ipv6"`
	Source string  `json:"source"`
}

// Sources of an FTEID.
const (
	SourceFTEID = "f-teid"
	SourceOHC   = "outer-header-creation"
)

// Latency summarises request→response times in microseconds. For node
// pairs, Median holds the mean.
type Latency struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// typeCount is the number of messages of one type.
type typeCount struct {
	typ pfcp.MessageType
	n   int
}

// typeCounts counts messages by type, in type order; it marshals as an
// object keyed by the decimal type.
type typeCounts []typeCount

// MarshalJSON writes {"50":1,"51":1,...}.
func (b typeCounts) MarshalJSON() ([]byte, error) { return b.appendJSON(nil), nil }

func (b typeCounts) appendJSON(out []byte) []byte {
	out = append(out, '{')
	for i, c := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendInt(append(strconv.AppendInt(append(out, '"'), int64(c.typ), 10), '"', ':'), int64(c.n), 10)
	}
	return append(out, '}')
}

// appendText appends "50:1 51:1".
func (b typeCounts) appendText(out []byte) []byte {
	for i, c := range b {
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendInt(append(strconv.AppendInt(out, int64(c.typ), 10), ':'), int64(c.n), 10)
	}
	return out
}

// text returns "50:1 51:1".
func (b typeCounts) text() string { return string(b.appendText(nil)) }

// PairRow is one row of the node-pair table: node (non-session) messages
// between two addresses.
type PairRow struct {
	Kind      string     `json:"kind"`
	A         string     `json:"a"`
	B         string     `json:"b"`
	Nodes     []string   `json:"nodes"`
	Messages  int        `json:"messages"`
	ByType    typeCounts `json:"messages_by_type"`
	AssocMsgs int        `json:"association_messages"`
	Heartbeat int        `json:"heartbeat_messages"`
	Requests  int        `json:"requests"`
	Answered  int        `json:"answered"`
	Retrans   int        `json:"retransmissions"`
	Unanswer  int        `json:"unanswered"`
	Latency   *Latency   `json:"latency_us"`
	FirstFr   uint64     `json:"first_frame"`
	LastFr    uint64     `json:"last_frame"`
}
