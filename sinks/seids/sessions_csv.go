package seids

import (
	"fmt"
	"strconv"
	"strings"
)

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

// csvSessions writes the header and one CSV record per row, then an
// empty line and the node pairs.
type csvSessions struct {
	w      *output
	header bool
}

// start writes the sessions' header, once.
func (c *csvSessions) start() {
	if !c.header {
		c.header = true
		c.w.buf = append(c.w.buf, sessionCSVColumns...)
	}
}

// fields appends vs as CSV fields, comma-separated.
func (c *csvSessions) fields(vs ...string) {
	for j, v := range vs {
		if j > 0 {
			c.w.buf = append(c.w.buf, ',')
		}
		c.w.buf = appendCSVField(c.w.buf, v)
	}
}

func (c *csvSessions) session(r *SessionRow) error {
	if c.w.err != nil {
		return c.w.err
	}
	c.start()
	id := ""
	if r.Session > 0 {
		id = strconv.Itoa(r.Session)
	}
	cause := ""
	if r.EstCause != nil {
		cause = strconv.Itoa(int(*r.EstCause))
	}
	c.fields(id, r.State, r.File, r.CPAddr, r.UPAddr, csvOpt(r.CPSEID), csvOpt(r.UPSEID), r.CPNode, r.UPNode,
		csvFrame(r.EstReq), csvFrame(r.EstResp), csvFrame(r.FirstFr), csvFrame(r.LastFr), csvFrame(r.DelResp), cause,
		r.Estab, r.Last, r.Deleted, strconv.Itoa(r.Messages), r.ByType.text(), strings.Join(r.UEIPs, ";"), r.fteidText(),
		strconv.Itoa(r.Answered))
	b := append(c.w.buf, ',')
	b = append(b, csvLatency(r.Latency)...)
	c.w.buf = fmt.Appendf(b, ",%d,%d,%d,%d\n", r.Retrans, r.Unanswer, r.GTPUPackets, r.GTPUBytes)
	return c.w.filled()
}

func (c *csvSessions) sessionsDone(pairs bool) error {
	c.start()
	if pairs {
		c.w.buf = append(append(c.w.buf, '\n'), pairCSVColumns...)
	}
	return c.w.filled()
}

func (c *csvSessions) pair(p *PairRow) error {
	if c.w.err != nil {
		return c.w.err
	}
	c.fields(p.A, p.B, strings.Join(p.Nodes, ";"), strconv.Itoa(p.Messages), strconv.Itoa(p.AssocMsgs),
		strconv.Itoa(p.Heartbeat), p.ByType.text(), strconv.Itoa(p.Requests), strconv.Itoa(p.Answered),
		strconv.Itoa(p.Retrans), strconv.Itoa(p.Unanswer))
	b := append(c.w.buf, ',')
	b = append(b, csvLatency(p.Latency)...)
	c.w.buf = fmt.Appendf(b, ",%s,%s\n", csvFrame(p.FirstFr), csvFrame(p.LastFr))
	return c.w.filled()
}

func (c *csvSessions) close() error { return nil }
