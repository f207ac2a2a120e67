package generators

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/pcapflow/pcapflow/pipeline"
)

// collected is what the collecting sink saw.
type collected struct {
	frames [][]byte
	infos  []pipeline.CaptureInfo
	inputs []pipeline.Input
}

// collectSink copies every frame of every batch.
type collectSink struct{ c *collected }

func (s collectSink) Name() string { return "collect" }

func (s collectSink) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		s.c.frames = append(s.c.frames, bytes.Clone(b.Data(i)))
		s.c.infos = append(s.c.infos, b.Packets[i].CaptureInfo)
	}
	return nil
}

func (s collectSink) Close(bool) error { return nil }

// collect runs src through a real pipeline.Graph with small batches (so
// batch boundaries are exercised) and returns every frame.
func collect(t testing.TB, src pipeline.Source) *collected {
	t.Helper()
	c := &collected{}
	g := &pipeline.Graph{Source: src, Sinks: []pipeline.Sink{collectSink{c}}, Workers: 2, BatchPackets: 64, BatchBytes: 16 << 10}
	st, err := g.Run(context.Background())
	if err != nil {
		t.Fatalf("graph run: %v", err)
	}
	if st.Packets != int64(len(c.frames)) {
		t.Fatalf("graph delivered %d packets, sink saw %d", st.Packets, len(c.frames))
	}
	c.inputs = g.Inputs.All()
	return c
}

// checkCapture checks the capture info every generator must produce.
func checkCapture(t *testing.T, c *collected, name string) {
	t.Helper()
	if len(c.inputs) != 1 || c.inputs[0].Name != "gen:"+name || c.inputs[0].Format != name {
		t.Fatalf("inputs = %+v, want one gen:%s", c.inputs, name)
	}
	if c.inputs[0].Packets != int64(len(c.frames)) {
		t.Errorf("input counts %d packets, got %d", c.inputs[0].Packets, len(c.frames))
	}
	var prev int64
	for i, ci := range c.infos {
		n := len(c.frames[i])
		if ci.Frame != uint64(i+1) || ci.LinkType != 1 || ci.TsDigits != 9 || ci.CapLen != uint32(n) || ci.OrigLen != uint32(n) || ci.Input != 0 {
			t.Fatalf("frame %d: capture info %+v (len %d)", i+1, ci, n)
		}
		if n < 60 || n > maxFrame {
			t.Fatalf("frame %d: length %d outside 60..%d", i+1, n, maxFrame)
		}
		if i > 0 && ci.Timestamp < prev {
			t.Fatalf("frame %d: timestamp %d before previous %d", i+1, ci.Timestamp, prev)
		}
		prev = ci.Timestamp
	}
}

// decode parses a frame with gopacket and fails on any decoding error.
func decode(t testing.TB, frame []byte) gopacket.Packet {
	t.Helper()
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("gopacket cannot decode frame: %v\n%s", el.Error(), hex.Dump(frame))
	}
	return p
}

// reserialize rebuilds a decoded frame with gopacket, letting gopacket
// compute every checksum, and fails unless it equals the original byte for
// byte: this checks the IPv4, TCP, UDP and ICMP checksums independently of
// the generator's own arithmetic.
func reserialize(t testing.TB, frame []byte) {
	t.Helper()
	p := decode(t, frame)
	var ls []gopacket.SerializableLayer
	var net gopacket.NetworkLayer
	for _, l := range p.Layers() {
		switch l := l.(type) {
		case *layers.Ethernet:
			ls = append(ls, l)
		case *layers.Dot1Q:
			ls = append(ls, l)
		case *layers.IPv4:
			l.Checksum = 0
			net = l
			ls = append(ls, l)
		case *layers.IPv6:
			net = l
			ls = append(ls, l)
		case *layers.TCP:
			l.Checksum = 0
			if err := l.SetNetworkLayerForChecksum(net); err != nil {
				t.Fatal(err)
			}
			ls = append(ls, l, gopacket.Payload(l.Payload))
		case *layers.UDP:
			l.Checksum = 0
			if err := l.SetNetworkLayerForChecksum(net); err != nil {
				t.Fatal(err)
			}
			ls = append(ls, l, gopacket.Payload(l.Payload))
		case *layers.ICMPv4:
			l.Checksum = 0
			ls = append(ls, l, gopacket.Payload(l.Payload))
		case *layers.ICMPv6:
			l.Checksum = 0
			if err := l.SetNetworkLayerForChecksum(net); err != nil {
				t.Fatal(err)
			}
			ls = append(ls, l, gopacket.Payload(l.Payload))
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, ls...); err != nil {
		t.Fatalf("reserialize: %v", err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, frame) {
		t.Fatalf("gopacket's rebuild with computed checksums differs:\ngenerated:\n%s\nrebuilt:\n%s", hex.Dump(frame), hex.Dump(got))
	}
}

// tallyAll computes the per-packet expectation counters of frames.
func tallyAll(c *collected) Expectation {
	var e Expectation
	for i, f := range c.frames {
		e.tally(f, c.infos[i].Timestamp)
	}
	return e
}

// frameLoop is the frame loop of a generator.
type frameLoop interface {
	next() (n int, ts int64, ok bool)
	fill(dst []byte)
}

// drainFrames generates every frame of g into one reused buffer and
// returns how many there were.
func drainFrames(g frameLoop) int64 {
	buf := make([]byte, 2048)
	var n int64
	for {
		l, _, ok := g.next()
		if !ok {
			return n
		}
		g.fill(buf[:l])
		n++
	}
}

// equal reports whether two collections hold the same frames with the same
// capture info, in the same order.
func (c *collected) equal(o *collected) bool {
	if len(c.frames) != len(o.frames) {
		return false
	}
	for i := range c.frames {
		if !bytes.Equal(c.frames[i], o.frames[i]) || c.infos[i] != o.infos[i] {
			return false
		}
	}
	return true
}
