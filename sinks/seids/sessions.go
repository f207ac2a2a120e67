package seids

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

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
	Kind     string   `json:"kind"`
	Session  int      `json:"session"`
	State    string   `json:"state"`
	File     string   `json:"file"`
	CPAddr   string   `json:"cp_addr"`
	UPAddr   string   `json:"up_addr"`
	CPSEID   *uint64  `json:"cp_seid"`
	UPSEID   *uint64  `json:"up_seid"`
	CPNode   string   `json:"cp_node"`
	UPNode   string   `json:"up_node"`
	EstReq   uint64   `json:"est_request_frame"`
	EstResp  uint64   `json:"est_response_frame"`
	FirstFr  uint64   `json:"first_frame"`
	LastFr   uint64   `json:"last_frame"`
	DelResp  uint64   `json:"deletion_response_frame"`
	EstCause *uint8   `json:"est_cause"`
	Estab    string   `json:"established"`
	Last     string   `json:"last"`
	Deleted  string   `json:"deleted"`
	Messages int      `json:"messages"`
	ByType   byType   `json:"messages_by_type"`
	UEIPs    []string `json:"ue_ips"`
	FTEIDs   []FTEID  `json:"fteids"`
	Answered int      `json:"answered"`
	Latency  *Latency `json:"latency_us"`
	Retrans  int      `json:"retransmissions"`
	Unanswer int      `json:"unanswered"`
	// GTPUPackets and GTPUBytes count the G-PDUs sent to the session's
	// GTP-U endpoints while it held them (bytes: frame lengths on the wire).
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

// byType counts messages by type; it marshals as an object keyed by the
// decimal type, in type order.
type byType map[pfcp.MessageType]int

func (b byType) keys() []pfcp.MessageType {
	ks := make([]pfcp.MessageType, 0, len(b))
	for k := range b {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// MarshalJSON writes {"50":1,"51":1,...}.
func (b byType) MarshalJSON() ([]byte, error) {
	out := []byte{'{'}
	for i, k := range b.keys() {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendInt(append(strconv.AppendInt(append(out, '"'), int64(k), 10), '"', ':'), int64(b[k]), 10)
	}
	return append(out, '}'), nil
}

// text returns "50:1 51:1".
func (b byType) text() string {
	var out []byte
	for i, k := range b.keys() {
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendInt(append(strconv.AppendInt(out, int64(k), 10), ':'), int64(b[k]), 10)
	}
	return string(out)
}

// PairRow is one row of the node-pair table: node (non-session) messages
// between two addresses.
type PairRow struct {
	Kind      string   `json:"kind"`
	A         string   `json:"a"`
	B         string   `json:"b"`
	Nodes     []string `json:"nodes"`
	Messages  int      `json:"messages"`
	ByType    byType   `json:"messages_by_type"`
	AssocMsgs int      `json:"association_messages"`
	Heartbeat int      `json:"heartbeat_messages"`
	Requests  int      `json:"requests"`
	Answered  int      `json:"answered"`
	Retrans   int      `json:"retransmissions"`
	Unanswer  int      `json:"unanswered"`
	Latency   *Latency `json:"latency_us"`
	FirstFr   uint64   `json:"first_frame"`
	LastFr    uint64   `json:"last_frame"`
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func optSEID(o pfcp.OptSEID) *uint64 {
	if !o.Valid {
		return nil
	}
	v := o.SEID
	return &v
}

func addrPtr(a netip.Addr) *string {
	if !a.IsValid() {
		return nil
	}
	s := a.String()
	return &s
}

// addrText returns a.String(), cached: a session table names few nodes.
func (s *Sink) addrText(a netip.Addr) string {
	if t, ok := s.addrs[a]; ok {
		return t
	}
	if s.addrs == nil {
		s.addrs = map[netip.Addr]string{}
	}
	t := a.String()
	s.addrs[a] = t
	return t
}

// rows builds the sessions and node-pair tables.
func (s *Sink) rows() ([]SessionRow, []PairRow) {
	t := s.sess
	t.finish()
	ref := func(r uint64) refInfo {
		if r == 0 || r > uint64(len(t.refs)) {
			return refInfo{}
		}
		return t.refs[r-1]
	}
	frame := func(r uint64) uint64 { return ref(r).frame }
	when := func(r uint64) string {
		if r == 0 {
			return ""
		}
		ri := ref(r)
		return string(appendTime(nil, ri.ts, ri.digits))
	}
	var out []SessionRow
	for _, ss := range s.corr.Sessions() {
		d := t.detail(ss.ID)
		row := SessionRow{Kind: "session", Session: ss.ID, File: s.inputName(ref(ss.EstRequest).input),
			CPAddr: s.addrText(ss.CP), UPAddr: s.addrText(ss.UP), CPSEID: optSEID(ss.CPSEID), UPSEID: optSEID(ss.UPSEID),
			CPNode: d.cpNode, UPNode: d.upNode, EstReq: frame(ss.EstRequest), EstResp: frame(ss.EstResponse),
			FirstFr: frame(ss.First), LastFr: frame(ss.Last), DelResp: frame(ss.Deleted),
			Estab: when(ss.EstResponse), Last: when(ss.Last), Deleted: when(ss.Deleted),
			Messages: ss.Messages, ByType: d.types(), Answered: d.answered, Retrans: d.retrans, Unanswer: d.unanswered}
		switch {
		case !ss.HasEstCause:
			row.State = StateIncomplete
		case !ss.EstCause.Accepted():
			row.State = StateRejected
		case ss.Deleted != 0:
			row.State = StateDeleted
		case d.modified:
			row.State = StateModified
		default:
			row.State = StateEstablished
		}
		if ss.HasEstCause {
			c := uint8(ss.EstCause)
			row.EstCause = &c
		}
		for _, a := range d.ueIPs {
			row.UEIPs = append(row.UEIPs, a.String())
		}
		for _, f := range d.fteids {
			row.FTEIDs = append(row.FTEIDs, FTEID{TEID: f.TEID, IPv4: addrPtr(f.IPv4), IPv6: addrPtr(f.IPv6), Source: SourceFTEID})
		}
		for _, o := range d.ohcs {
			row.FTEIDs = append(row.FTEIDs, FTEID{TEID: o.TEID, IPv4: addrPtr(o.IPv4), IPv6: addrPtr(o.IPv6), Source: SourceOHC})
		}
		row.GTPUPackets, row.GTPUBytes = s.tun.of(ss.ID)
		if d.answered > 0 {
			row.Latency = &Latency{Min: us(d.latMin), Median: us(median(d.latencies)), Max: us(d.latMax)}
		}
		out = append(out, row)
	}
	for _, in := range t.unassigned() {
		e := in.est
		row := SessionRow{Kind: "session", State: StateIncomplete, File: s.inputName(ref(e.ref).input),
			CPAddr: e.cp.String(), UPAddr: e.up.String(), CPSEID: optSEID(e.cpSEID), CPNode: e.node,
			EstReq: frame(e.ref), FirstFr: frame(e.ref), LastFr: frame(in.last), Last: when(in.last),
			Messages: in.copies, ByType: byType{pfcp.SessionEstablishmentRequest: in.copies},
			Retrans: in.copies - 1, Unanswer: 1}
		d := &detail{}
		d.addAddrs(t.estUE[e.ue.start:e.ue.end], t.estFT[e.ft.start:e.ft.end])
		for _, a := range d.ueIPs {
			row.UEIPs = append(row.UEIPs, a.String())
		}
		out = append(out, row)
	}
	var pairs []PairRow
	for _, k := range t.order {
		ps := t.pairs[k]
		row := PairRow{Kind: "node_pair", A: k.a.String(), B: k.b.String(), Nodes: ps.nodes, ByType: byType(ps.byType),
			Requests: ps.requests, Answered: ps.answered, Retrans: ps.retrans, Unanswer: ps.unanswered,
			FirstFr: frame(ps.first), LastFr: frame(ps.last)}
		for typ, n := range ps.byType {
			row.Messages += n
			switch {
			case typ >= pfcp.AssociationSetupRequest && typ <= pfcp.AssociationReleaseResponse:
				row.AssocMsgs += n
			case typ == pfcp.HeartbeatRequest || typ == pfcp.HeartbeatResponse:
				row.Heartbeat += n
			}
		}
		if ps.answered > 0 {
			row.Latency = &Latency{Min: us(ps.latMin), Median: us(ps.total / time.Duration(ps.answered)), Max: us(ps.latMax)}
		}
		pairs = append(pairs, row)
	}
	return out, pairs
}

// writeSessions writes both tables in the sink's format.
func (s *Sink) writeSessions() error {
	rows, pairs := s.rows()
	switch s.format {
	case fmtJSON:
		for _, r := range rows {
			if err := s.writeJSON(r); err != nil {
				return err
			}
		}
		for _, p := range pairs {
			if err := s.writeJSON(p); err != nil {
				return err
			}
		}
		return nil
	case fmtCSV:
		return s.writeSessionsCSV(rows, pairs)
	}
	return s.writeSessionsText(rows, pairs)
}

// writeJSON writes v as one line, as json.Marshal encodes it (an
// Encoder reuses its buffer from row to row).
func (s *Sink) writeJSON(v any) error {
	if s.enc == nil {
		s.enc = json.NewEncoder(s.w)
	}
	return s.enc.Encode(v)
}

func seidText(p *uint64) string {
	if p == nil {
		return "-"
	}
	return "0x" + strconv.FormatUint(*p, 16)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *SessionRow) fteidText() string {
	var parts []string
	for _, f := range r.FTEIDs {
		a := ""
		if f.IPv4 != nil {
			a = *f.IPv4
		} else if f.IPv6 != nil {
			a = *f.IPv6
		}
		mark := ""
		if f.Source == SourceOHC {
			mark = "->"
		}
		parts = append(parts, fmt.Sprintf("%s0x%x@%s", mark, f.TEID, a))
	}
	return strings.Join(parts, ";")
}

func latencyText(l *Latency) string {
	if l == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f/%.3f/%.3f", l.Min/1e3, l.Median/1e3, l.Max/1e3)
}

func (s *Sink) writeSessionsText(rows []SessionRow, pairs []PairRow) error {
	tw := tabwriter.NewWriter(s.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tSTATE\tCP F-SEID\tUP F-SEID\tCP NODE\tUP NODE\tESTABLISHED\tLAST\tDELETED\tMSGS\tBY TYPE\tUE IPS\tF-TEIDS\tLATENCY ms (min/med/max)\tRETRANS\tUNANSWERED\tGTP-U PKTS\tGTP-U BYTES")
	for i := range rows {
		r := &rows[i]
		id := "-"
		if r.Session > 0 {
			id = strconv.Itoa(r.Session)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s@%s\t%s@%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n",
			id, r.State, seidText(r.CPSEID), r.CPAddr, seidText(r.UPSEID), r.UPAddr, orDash(r.CPNode), orDash(r.UPNode),
			orDash(r.Estab), orDash(r.Last), orDash(r.Deleted), r.Messages, r.ByType.text(),
			orDash(strings.Join(r.UEIPs, ";")), orDash(r.fteidText()), latencyText(r.Latency), r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(pairs) == 0 {
		return nil
	}
	fmt.Fprintln(s.w)
	tw = tabwriter.NewWriter(s.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE A\tNODE B\tNODE IDS\tMSGS\tASSOCIATION\tHEARTBEAT\tBY TYPE\tREQUESTS\tRETRANS\tUNANSWERED\tLATENCY ms (min/mean/max)")
	for _, p := range pairs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.A, p.B, orDash(strings.Join(p.Nodes, ";")),
			p.Messages, p.AssocMsgs, p.Heartbeat, p.ByType.text(), p.Requests, p.Retrans, p.Unanswer, latencyText(p.Latency))
	}
	return tw.Flush()
}

// Sessions CSV columns; the node-pair table follows after an empty line.
const (
	sessionCSVColumns = "session,state,file,cp_addr,up_addr,cp_seid,up_seid,cp_node,up_node,est_request_frame,est_response_frame,first_frame,last_frame,deletion_response_frame,est_cause,established,last,deleted,messages,messages_by_type,ue_ips,fteids,answered,latency_us_min,latency_us_median,latency_us_max,retransmissions,unanswered,gtpu_packets,gtpu_bytes\n"
	pairCSVColumns    = "node_a,node_b,node_ids,messages,association_messages,heartbeat_messages,messages_by_type,requests,answered,retransmissions,unanswered,latency_us_min,latency_us_mean,latency_us_max,first_frame,last_frame\n"
)

func csvOpt(p *uint64) string {
	if p == nil {
		return ""
	}
	return "0x" + fmt.Sprintf("%016x", *p)
}

func csvFrame(f uint64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatUint(f, 10)
}

func csvLatency(l *Latency) string {
	if l == nil {
		return ",,"
	}
	return fmt.Sprintf("%.3f,%.3f,%.3f", l.Min, l.Median, l.Max)
}

func (s *Sink) writeSessionsCSV(rows []SessionRow, pairs []PairRow) error {
	var b []byte
	b = append(b, sessionCSVColumns...)
	q := func(v string) { b = appendCSVField(b, v) }
	for i := range rows {
		r := &rows[i]
		id := ""
		if r.Session > 0 {
			id = strconv.Itoa(r.Session)
		}
		cause := ""
		if r.EstCause != nil {
			cause = strconv.Itoa(int(*r.EstCause))
		}
		for j, v := range []string{id, r.State, r.File, r.CPAddr, r.UPAddr, csvOpt(r.CPSEID), csvOpt(r.UPSEID), r.CPNode, r.UPNode,
			csvFrame(r.EstReq), csvFrame(r.EstResp), csvFrame(r.FirstFr), csvFrame(r.LastFr), csvFrame(r.DelResp), cause,
			r.Estab, r.Last, r.Deleted, strconv.Itoa(r.Messages), r.ByType.text(), strings.Join(r.UEIPs, ";"), r.fteidText(),
			strconv.Itoa(r.Answered)} {
			if j > 0 {
				b = append(b, ',')
			}
			q(v)
		}
		b = append(b, ',')
		b = append(b, csvLatency(r.Latency)...)
		b = append(b, fmt.Sprintf(",%d,%d,%d,%d\n", r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)...)
	}
	if len(pairs) > 0 {
		b = append(b, '\n')
		b = append(b, pairCSVColumns...)
		for _, p := range pairs {
			for j, v := range []string{p.A, p.B, strings.Join(p.Nodes, ";"), strconv.Itoa(p.Messages), strconv.Itoa(p.AssocMsgs),
				strconv.Itoa(p.Heartbeat), p.ByType.text(), strconv.Itoa(p.Requests), strconv.Itoa(p.Answered),
				strconv.Itoa(p.Retrans), strconv.Itoa(p.Unanswer)} {
				if j > 0 {
					b = append(b, ',')
				}
				q(v)
			}
			b = append(b, ',')
			b = append(b, csvLatency(p.Latency)...)
			b = append(b, fmt.Sprintf(",%s,%s\n", csvFrame(p.FirstFr), csvFrame(p.LastFr))...)
		}
	}
	_, err := s.w.Write(b)
	return err
}
