package filter

import (
	"slices"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

func TestStage(t *testing.T) {
	tests := []struct {
		expr string
		want []uint64
	}{
		{"", nil}, // nil: everything
		{"udp port 53", nil},
		{"icmp or icmp6", nil},
		{"not ip and not ip6", nil},
	}
	for _, tt := range tests {
		bt := benchBatch()
		f := MustCompile(tt.expr)
		var want []uint64
		for i := range bt.Packets {
			if f.MatchPacket(bt, &bt.Packets[i]) {
				want = append(want, bt.Packets[i].Frame)
			}
		}
		want = append([]uint64(nil), want...)
		datas := map[uint64]string{}
		for i := range bt.Packets {
			datas[bt.Packets[i].Frame] = string(bt.Data(i))
		}
		s := NewStage(f)
		if err := s.NewProcessor().Process(bt); err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for i := range bt.Packets {
			got = append(got, bt.Packets[i].Frame)
			if string(bt.Data(i)) != datas[bt.Packets[i].Frame] {
				t.Errorf("%q: frame %d lost its bytes", tt.expr, bt.Packets[i].Frame)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: kept %v, want %v", tt.expr, got, want)
		}
		kept, dropped := s.Counts()
		if kept != uint64(len(want)) || dropped != uint64(1024-len(want)) {
			t.Errorf("%q: counts %d/%d, want %d/%d", tt.expr, kept, dropped, len(want), 1024-len(want))
		}
		if tt.expr != "" && (len(want) == 0 || len(want) == 1024) {
			t.Errorf("%q: test is trivial (%d of 1024 kept)", tt.expr, len(want))
		}
	}
	var _ pipeline.Stage = NewStage(MustCompile("tcp"))
}

func TestStageAllocs(t *testing.T) {
	bt := benchBatch()
	p := NewStage(MustCompile("tcp or udp")).NewProcessor()
	if n := testing.AllocsPerRun(10, func() { _ = p.Process(bt) }); n != 0 {
		t.Errorf("%v allocations per batch", n)
	}
}
