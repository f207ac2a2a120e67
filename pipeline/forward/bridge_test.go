package forward

import (
	"context"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/filter"
	"github.com/pcapflow/pcapflow/pipeline"
)

func TestBridge(t *testing.T) {
	icmp := frameIPv4(macA, macC, "10.0.1.2", "10.0.1.3", 64, 1, 8)
	udp := frameIPv4(macC, macA, "10.0.1.3", "10.0.1.2", 64, 17, 8)
	for _, tc := range []struct {
		name      string
		drop      [2]string
		in        []inFrame
		wantPorts []uint32
		fwd, drp  [2]int64
	}{
		{"both ways", [2]string{}, []inFrame{{0, icmp}, {1, udp}, {0, udp}}, []uint32{1, 0, 1}, [2]int64{2, 1}, [2]int64{}},
		{"drop udp forward only", [2]string{"udp", ""}, []inFrame{{0, icmp}, {1, udp}, {0, udp}}, []uint32{1, 0}, [2]int64{1, 1}, [2]int64{1, 0}},
		{"drop reverse", [2]string{"", "ip"}, []inFrame{{1, icmp}, {1, udp}, {0, udp}}, []uint32{1}, [2]int64{1, 0}, [2]int64{0, 2}},
		{"unknown port", [2]string{}, []inFrame{{2, icmp}, {0, icmp}}, []uint32{1}, [2]int64{1, 0}, [2]int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var drop [2]*filter.Filter
			for i, e := range tc.drop {
				if e != "" {
					drop[i] = filter.MustCompile(e)
				}
			}
			br := NewBridge(drop)
			b := batchOf(t, tc.in...)
			if err := br.NewProcessor().Process(b); err != nil {
				t.Fatal(err)
			}
			if b.Len() != len(tc.wantPorts) {
				t.Fatalf("%d packets forwarded, want %d", b.Len(), len(tc.wantPorts))
			}
			for i, w := range tc.wantPorts {
				if b.Packets[i].Interface != w {
					t.Errorf("packet %d to port %d, want %d", i, b.Packets[i].Interface, w)
				}
			}
			for d := 0; d < 2; d++ {
				c := br.Counters(d)
				if c.Forwarded.Load() != tc.fwd[d] || c.Dropped.Load() != tc.drp[d] {
					t.Errorf("direction %d: forwarded %d dropped %d, want %d %d", d, c.Forwarded.Load(), c.Dropped.Load(), tc.fwd[d], tc.drp[d])
				}
			}
		})
	}
}

// recorder is a sink keeping copies of what it consumed.
type recorder struct {
	frames [][]byte
	closed bool
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Consume(_ context.Context, b *pipeline.Batch) error {
	for i := range b.Packets {
		r.frames = append(r.frames, append([]byte(nil), b.Data(i)...))
	}
	return nil
}
func (r *recorder) Close(bool) error { r.closed = true; return nil }

func TestTap(t *testing.T) {
	withData := frameIPv4(macA, macC, "10.0.1.2", "10.0.1.3", 64, 17, 12)
	empty := frameIPv4(macA, macC, "10.0.1.2", "10.0.1.3", 64, 17, 0)
	icmp := frameIPv4(macC, macA, "10.0.1.3", "10.0.1.2", 64, 1, 8)
	for _, tc := range []struct {
		name string
		o    TapOptions
		want int
	}{
		{"all", TapOptions{Egress: -1}, 3},
		{"payload only", TapOptions{Egress: -1, PayloadOnly: true}, 2},
		{"filter", TapOptions{Egress: -1, Filter: filter.MustCompile("icmp")}, 1},
		{"egress 1", TapOptions{Egress: 1}, 2},
		{"egress 0 payload", TapOptions{Egress: 0, PayloadOnly: true}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := batchOf(t, inFrame{1, withData}, inFrame{1, empty}, inFrame{0, icmp})
			rec := &recorder{}
			tap := NewTap(rec, tc.o)
			if err := tap.Consume(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			if len(rec.frames) != tc.want || tap.Tapped() != int64(tc.want) {
				t.Errorf("tapped %d (%d counted), want %d", len(rec.frames), tap.Tapped(), tc.want)
			}
			if err := tap.Close(false); err != nil || !rec.closed {
				t.Errorf("Close did not close the inner sink")
			}
		})
	}
}
