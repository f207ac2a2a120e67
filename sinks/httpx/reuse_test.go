package httpx

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// segment is one hand-made TCP segment between 10.0.0.1:40000 and
// 10.0.0.2:80.
type segment struct {
	fromServer bool
	flags      uint16
	seq, ack   uint32
	data       string
}

// observeSegments feeds segs to s, one millisecond apart from t0 (ms), as
// frames from first on.
func observeSegments(t *testing.T, s *Sink, segs []segment, t0 int64, first uint64) {
	t.Helper()
	cli, srv := netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("10.0.0.2:80")
	for i, sg := range segs {
		src, dst := cli, srv
		if sg.fromServer {
			src, dst = srv, cli
		}
		p := pipeline.Packet{CaptureInfo: pipeline.CaptureInfo{Timestamp: (t0 + int64(i)) * 1e6, Frame: first + uint64(i),
			CapLen: uint32(len(sg.data)), OrigLen: uint32(len(sg.data))}}
		p.Decoded = pipeline.Decoded{Layers: pipeline.LayerIPv4 | pipeline.LayerTCP,
			IP:       pipeline.Flow{Src: src.Addr(), Dst: dst.Addr(), SrcPort: src.Port(), DstPort: dst.Port(), Proto: 6},
			TCPFlags: sg.flags, TCPSeq: sg.seq, TCPAck: sg.ack, TCPWindow: 1000, PayloadLen: uint32(len(sg.data))}
		if err := s.Observe(&p, []byte(sg.data)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReusedTupleAfterIgnored checks that a connection given up as not
// HTTP (both directions ignored from their first bytes: the reassembler
// then only follows its lifecycle) does not hide the next connection on
// the same tuple: an HTTP exchange on it is reported whole, numbered as
// the second connection, whether the first one ended with FINs, with a
// RST, or is taken over by the new SYN.
func TestReusedTupleAfterIgnored(t *testing.T) {
	const (
		tls  = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 client hello"
		tls2 = "\x16\x03\x03\x00\x5a\x02\x00\x00\x56\x03\x03 server hello"
		req  = "GET /after HTTP/1.1\r\nHost: example.com\r\n\r\n"
		resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
		syn  = pipeline.TCPSyn
		ack  = pipeline.TCPAck
		fin  = pipeline.TCPFin
		rst  = pipeline.TCPRst
	)
	const c, s = 1000, 9000
	notHTTP := []segment{
		{flags: syn, seq: c},
		{fromServer: true, flags: syn | ack, seq: s, ack: c + 1},
		{flags: ack, seq: c + 1, ack: s + 1},
		{flags: ack, seq: c + 1, ack: s + 1, data: tls},
		{fromServer: true, flags: ack, seq: s + 1, ack: c + 1 + uint32(len(tls)), data: tls2},
		// Bytes that would start a request, in a stream given up.
		{flags: ack, seq: c + 1 + uint32(len(tls)), ack: s + 1 + uint32(len(tls2)), data: req},
	}
	c1, s1 := c+1+uint32(len(tls)+len(req)), s+1+uint32(len(tls2))
	const c2, s2 = 500_000, 700_000
	http := []segment{
		{flags: syn, seq: c2},
		{fromServer: true, flags: syn | ack, seq: s2, ack: c2 + 1},
		{flags: ack, seq: c2 + 1, ack: s2 + 1},
		{flags: ack, seq: c2 + 1, ack: s2 + 1, data: req},
		{fromServer: true, flags: ack, seq: s2 + 1, ack: c2 + 1 + uint32(len(req)), data: resp},
		{flags: ack | fin, seq: c2 + 1 + uint32(len(req)), ack: s2 + 1 + uint32(len(resp))},
		{fromServer: true, flags: ack | fin, seq: s2 + 1 + uint32(len(resp)), ack: c2 + 2 + uint32(len(req))},
	}
	ends := map[string][]segment{
		"fins": {{flags: ack | fin, seq: c1, ack: s1}, {fromServer: true, flags: ack | fin, seq: s1, ack: c1 + 1},
			{flags: ack, seq: c1 + 1, ack: s1 + 1}},
		"rst":            {{fromServer: true, flags: rst, seq: s1}},
		"syn-while-open": nil,
	}
	for name, end := range ends {
		t.Run(name, func(t *testing.T) {
			var got []string
			sink, err := New(Options{Emit: func(x *Exchange) error {
				r := RecordOf(x)
				got = append(got, fmt.Sprintf("stream %d #%d %s %s %s %d body %d frames %d-%d complete %v",
					r.Stream, r.Index, r.Client, r.Method, r.URI, r.Status, r.ResponseBody, r.RequestFrame, r.ResponseFrame, r.Complete))
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			first := append(append([]segment(nil), notHTTP...), end...)
			observeSegments(t, sink, first, 0, 1)
			observeSegments(t, sink, http, 100, uint64(len(first)+1))
			if err := sink.Close(false); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("stream 1 #0 10.0.0.1:40000 GET /after 200 body 5 frames %d-%d complete true",
				len(first)+4, len(first)+5)
			if len(got) != 1 || got[0] != want {
				t.Errorf("exchanges %q, want [%q]", got, want)
			}
			if st := sink.Stats(); st.Conns != 2 || st.Memory != 0 {
				t.Errorf("reassembler %+v, want 2 connections and no memory left", st)
			}
			if n := sink.Counts().Connections; n != 1 {
				t.Errorf("%d HTTP connections, want 1", n)
			}
		})
	}
}
