package seids

import (
	"math"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// stamp is where and when a message was captured, as a row prints it.
type stamp struct {
	frame  uint64
	ts     int64
	digits uint8
	set    bool
}

func stampOf(p *pipeline.Packet) stamp {
	return stamp{frame: p.Frame, ts: p.Timestamp, digits: p.TsDigits, set: true}
}

// detail is what the tracker adds to a Correlator session, recorded as
// its messages are read: a fixed size, its values and latencies in the
// tracker's arenas.
type detail struct {
	// estResp, last and deleted are the establishment response that
	// opened the session, its last message and its last deletion
	// response.
	estResp, last, deleted stamp
	// id is the session's and slot the record's (in tracker.details;
	// the owner of the session's exchanges); opened says its first
	// message (the response that opened it) was read.
	id, slot int32
	opened   bool
	// cpNode and upNode are node names (index+1 in tracker.names, 0:
	// none); cpNode comes from the earliest establishment request
	// (cpNodeRef) that had one.
	cpNode, upNode int32
	cpNodeRef      uint64
	// byType counts the session's messages by type, from
	// SessionEstablishmentRequest (session messages are types 50-57).
	byType [8]uint32
	// ex counts the session's finished exchanges; lats keeps the first
	// maxLatencies latencies for the median.
	ex       pfcp.Exchanges
	lats     latList
	vals     valList
	modified bool
	// open counts the session's exchanges not folded into ex yet; ended
	// says its row waits for them (tracker.endWait holds its end).
	open  int32
	ended bool
}

// count counts a message of session type typ.
func (d *detail) count(typ pfcp.MessageType) {
	if typ.IsSessionMessage() {
		if c := &d.byType[typ-pfcp.SessionEstablishmentRequest]; *c < math.MaxUint32 {
			*c++
		}
	}
}

// typeCounts appends the counts by type to dst.
func (d *detail) typeCounts(dst typeCounts) typeCounts {
	for i, n := range d.byType {
		if n > 0 {
			dst = append(dst, typeCount{pfcp.SessionEstablishmentRequest + pfcp.MessageType(i), int(n)})
		}
	}
	return dst
}

// exchangeDone folds one request/response exchange of the session:
// copies of the request, and its latency when it was answered.
func (t *tracker) exchangeDone(d *detail, copies int, answered bool, latency time.Duration) {
	d.ex.Add(copies, answered, latency)
	if answered && d.ex.Answered <= maxLatencies {
		t.lats.add(&d.lats, latency)
	}
}

// names interns node names: a capture has few nodes.
type names struct {
	ids  map[string]int32
	list []string
	buf  []byte
}

// of returns the name s's Node ID IE gives (index+1; 0 without one).
func (n *names) of(s *pfcp.Summary) int32 {
	if !s.HasNodeID {
		return 0
	}
	n.buf = s.NodeText(n.buf[:0])
	if id, ok := n.ids[string(n.buf)]; ok {
		return id
	}
	if n.ids == nil {
		n.ids = map[string]int32{}
	}
	name := string(n.buf)
	n.list = append(n.list, name)
	n.ids[name] = int32(len(n.list))
	return int32(len(n.list))
}

// text returns name id's text ("" for 0).
func (n *names) text(id int32) string {
	if id <= 0 || int(id) > len(n.list) {
		return ""
	}
	return n.list[id-1]
}
