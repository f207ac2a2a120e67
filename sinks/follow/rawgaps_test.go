package follow

import (
	"bytes"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/tcpreasm"
)

// TestRawGaps checks the raw format's holes: tshark's marker for a hole
// the peer acknowledged, the end of the direction's output at a hole never
// acknowledged (its bytes counted as withheld), and everything with skip.
func TestRawGaps(t *testing.T) {
	type call struct {
		data    string
		gap     uint64
		unacked bool
		dir     tcpreasm.Dir
	}
	acked := call{gap: 4}
	lost := call{gap: 6, unacked: true}
	calls := []call{{data: "aaaa"}, acked, {data: "cccc"}, lost, {data: "eeee"}, {data: "back", dir: tcpreasm.ServerToClient}}
	tests := []struct {
		mode, want string
		withheld   uint64
	}{
		{GapsMarker, "aaaa[4 bytes missing in capture file]\x00ccccback", 4},
		{GapsSkip, "aaaacccceeeeback", 0},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			var out bytes.Buffer
			s, err := New(Options{Format: FormatRaw, Out: &out, RawGaps: tt.mode})
			if err != nil {
				t.Fatal(err)
			}
			h := (*handler)(s)
			c := &tcpreasm.Conn{}
			h.Open(c)
			for _, k := range calls {
				if k.gap > 0 {
					h.Gap(c, k.dir, k.gap, tcpreasm.Chunk{Unacked: k.unacked})
				} else {
					h.Data(c, k.dir, []byte(k.data), tcpreasm.Chunk{})
				}
			}
			h.Close(c)
			if out.String() != tt.want {
				t.Errorf("raw %q, want %q", out.String(), tt.want)
			}
			if s.Summary().Withheld != tt.withheld {
				t.Errorf("withheld %d, want %d", s.Summary().Withheld, tt.withheld)
			}
		})
	}
}
