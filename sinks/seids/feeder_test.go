package seids

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/decoders/pfcp"
	"github.com/pcapflow/pcapflow/pipeline"
)

// feeder drives a sessions-mode Sink message by message, as
// correlateSessions and consumeSessions do, without captures.
type feeder struct {
	tb    testing.TB
	s     *Sink
	out   bytes.Buffer
	ref   uint64
	frame uint64
	now   int64
	pkt   pipeline.Packet
	sum   pfcp.Summary
}

var (
	cpEnd = netip.MustParseAddrPort("10.0.0.1:8805")
	upEnd = netip.MustParseAddrPort("10.0.0.2:8805")
)

func newFeeder(tb testing.TB) *feeder {
	f := &feeder{tb: tb}
	s, err := New(Options{Sessions: true, Format: FormatJSON, Out: &f.out})
	if err != nil {
		tb.Fatal(err)
	}
	f.s = s
	return f
}

// after moves packet time on by d.
func (f *feeder) after(d time.Duration) *feeder {
	f.now += int64(d)
	return f
}

// send feeds one datagram summarised by sum (its header marked read, one
// message unless it says more) from src to dst at the current time.
func (f *feeder) send(src, dst netip.AddrPort, sum pfcp.Summary) {
	f.ref++
	f.frame++
	f.sum = sum
	f.sum.HeaderOK = true
	if f.sum.Messages == 0 {
		f.sum.Messages = 1
	}
	f.pkt = pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Frame: f.frame, Timestamp: f.now, TsDigits: 9}}
	m := pfcp.Message{Src: src, Dst: dst, Ref: f.ref, Time: f.now, Summary: &f.sum}
	d := pfcp.Digest{Src: pfcp.EndpointOf(src), Dst: pfcp.EndpointOf(dst), Time: f.now, Tag: pipeline.PackOrigin(f.frame, 0)}
	d.Set(&f.sum)
	id := f.s.corr.AddDigest(f.ref, &d)
	decided := f.s.corr.Decided()
	f.s.handDropped(f.ref)
	f.s.tun.follow(&m, id)
	f.s.takeEnds(f.ref)
	f.s.sess.add(&m, &f.pkt, id, decided)
	if err := f.s.settle(f.ref); err != nil {
		f.tb.Fatal(err)
	}
}

// rows closes the sink and returns its JSON rows.
func (f *feeder) rows() []map[string]any {
	if err := f.s.Close(false); err != nil {
		f.tb.Fatal(err)
	}
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(f.out.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			f.tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// Summaries of the messages the tests send.

func hdr(typ pfcp.MessageType, seq uint32, seid uint64, hasSEID bool) pfcp.Summary {
	return pfcp.Summary{Header: pfcp.Header{Version: 1, Type: typ, Seq: seq, SEID: seid, HasSEID: hasSEID}}
}

func establishmentReq(seq uint32, cpSEID uint64, node string, ues ...string) pfcp.Summary {
	s := hdr(pfcp.SessionEstablishmentRequest, seq, 0, true)
	s.FSEIDs[0], s.NumFSEIDs = pfcp.FSEID{SEID: cpSEID, IPv4: cpEnd.Addr()}, 1
	if node != "" {
		s.HasNodeID, s.NodeIDType = true, pfcp.NodeIDFQDN
		s.NodeNameLen = uint8(copy(s.NodeName[:], node))
	}
	for _, u := range ues {
		s.UEIPs[s.NumUEIPs] = pfcp.UEIPAddress{Flags: pfcp.UEIPv4, IPv4: netip.MustParseAddr(u)}
		s.NumUEIPs++
	}
	return s
}

func establishmentResp(seq uint32, cpSEID, upSEID uint64, cause pfcp.Cause) pfcp.Summary {
	s := hdr(pfcp.SessionEstablishmentResponse, seq, cpSEID, true)
	s.HasCause, s.Cause = true, cause
	if cause.Accepted() {
		s.FSEIDs[0], s.NumFSEIDs = pfcp.FSEID{SEID: upSEID, IPv4: upEnd.Addr()}, 1
	}
	return s
}

func withFTEID(s pfcp.Summary, teid uint32, addr string) pfcp.Summary {
	s.FTEIDs[s.NumFTEIDs] = pfcp.FTEID{Flags: pfcp.FTEIDv4, TEID: teid, IPv4: netip.MustParseAddr(addr)}
	s.NumFTEIDs++
	return s
}

func withOHC(s pfcp.Summary, teid uint32, addr string) pfcp.Summary {
	s.OHCs[s.NumOHCs] = pfcp.OuterHeaderCreation{Description: pfcp.OHCGTPUv4, TEID: teid, IPv4: netip.MustParseAddr(addr)}
	s.NumOHCs++
	return s
}

func sessReq(typ pfcp.MessageType, seq uint32, upSEID uint64) pfcp.Summary {
	return hdr(typ, seq, upSEID, true)
}

func sessResp(typ pfcp.MessageType, seq uint32, cpSEID uint64) pfcp.Summary {
	s := hdr(typ, seq, cpSEID, true)
	s.HasCause, s.Cause = true, pfcp.CauseRequestAccepted
	return s
}

func heartbeat(typ pfcp.MessageType, seq uint32) pfcp.Summary { return hdr(typ, seq, 0, false) }

// establish sends an accepted establishment exchange.
func (f *feeder) establish(seq uint32, cpSEID, upSEID uint64) {
	f.send(cpEnd, upEnd, establishmentReq(seq, cpSEID, ""))
	f.after(time.Millisecond).send(upEnd, cpEnd, establishmentResp(seq, cpSEID, upSEID, pfcp.CauseRequestAccepted))
}

// exchange sends a session request and, when answered, its response.
func (f *feeder) exchange(typ pfcp.MessageType, seq uint32, cpSEID, upSEID uint64, answered bool) {
	f.send(cpEnd, upEnd, sessReq(typ, seq, upSEID))
	if answered {
		f.after(time.Millisecond).send(upEnd, cpEnd, sessResp(typ+1, seq, cpSEID))
	}
}

// rowOf returns the session row with id (0: the first incomplete row).
func rowOf(tb testing.TB, rows []map[string]any, id int) map[string]any {
	tb.Helper()
	for _, r := range rows {
		if r["kind"] == "session" && int(r["session"].(float64)) == id {
			return r
		}
	}
	tb.Fatalf("no session %d in %v", id, rows)
	return nil
}

// jsonText returns v as compact JSON, for comparing row fields.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
