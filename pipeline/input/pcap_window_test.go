package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// TestPcapWindow reads pcap files several read buffers long, in both byte
// orders and with modified-pcap records, whole and cut at offsets around
// record boundaries and buffer ends, so that records lie whole in the
// window, straddle its end and stop short. Every cut must deliver exactly
// the records before it, with their offsets, then damage at the cut
// record (or a clean end on a boundary).
func TestPcapWindow(t *testing.T) {
	var recs []rec
	for i := range 2000 {
		// Sizes up to 1.2 KB, so the ~1.3 MB file spans several buffers.
		recs = append(recs, rec{sec: uint32(i), frac: uint32(i * 7), data: frame((i*397)%1200+1, byte(i))})
	}
	for _, c := range []struct {
		name  string
		o     endian
		magic uint32
	}{
		{"le", binary.LittleEndian, magicMicro},
		{"be", binary.BigEndian, magicNano},
		{"modified", binary.LittleEndian, magicModified},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := pcapFile(c.o, c.magic, 65535, 1, recs...)
			recLen := pcapRecordLen
			if c.magic == magicModified {
				recLen = modifiedRecordLen
			}
			// starts[i] is record i's offset; starts[len(recs)] the file's end.
			starts := []int64{pcapFileHeaderLen}
			for _, r := range recs {
				starts = append(starts, starts[len(starts)-1]+int64(recLen+len(r.data)))
			}
			cuts := []int{len(data)}
			for _, k := range []int{1, 200, 201, 202, 203, 999, 1999} {
				s := int(starts[k])
				cuts = append(cuts, s, s+1, s+recLen-1, s+recLen, s+recLen+1, int(starts[k+1])-1)
			}
			for m := 1; m*bufSize < len(data); m++ {
				cuts = append(cuts, m*bufSize-1, m*bufSize, m*bufSize+1)
			}
			for _, cut := range cuts {
				res := readAll(t, data[:cut])
				n := 0 // whole records before the cut
				for n < len(recs) && starts[n+1] <= int64(cut) {
					n++
				}
				if len(res.pkts) != n {
					t.Fatalf("cut %d: %d packets, want %d", cut, len(res.pkts), n)
				}
				for i, p := range res.pkts {
					if p.ci.Offset != starts[i] || p.ci.Frame != uint64(i+1) || !bytes.Equal(p.data, recs[i].data) {
						t.Fatalf("cut %d: packet %d: frame %d at %d, %d bytes; want frame %d at %d, %d bytes",
							cut, i, p.ci.Frame, p.ci.Offset, len(p.data), i+1, starts[i], len(recs[i].data))
					}
				}
				clean := int64(cut) == starts[n]
				if clean && res.err != nil {
					t.Fatalf("cut %d on a record boundary: %v", cut, res.err)
				}
				if !clean {
					d := damageOf(t, res.err)
					if d.Frame != uint64(n+1) || d.Offset != starts[n] {
						t.Fatalf("cut %d: damage %v, want frame %d at offset %d", cut, d, n+1, starts[n])
					}
				}
			}
		})
	}
}

// damageOf returns err as a *pipeline.Damage, failing the test otherwise.
func damageOf(t *testing.T, err error) *pipeline.Damage {
	t.Helper()
	var d *pipeline.Damage
	if !errors.As(err, &d) {
		t.Fatalf("error = %v, want *pipeline.Damage", err)
	}
	return d
}
