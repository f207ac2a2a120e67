package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// resyncRead reads data with resync on and returns the frames (number,
// offset, time, first data byte) and every damage met, in order.
func resyncRead(t *testing.T, data []byte, resync bool) ([]pipeline.CaptureInfo, [][]byte, []*pipeline.Damage) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	rd.SetResync(resync)
	var cis []pipeline.CaptureInfo
	var datas [][]byte
	var dmg []*pipeline.Damage
	b := pipeline.NewBatch(2, 1<<16)
	collect := func() {
		for i := range b.Packets {
			cis = append(cis, b.Packets[i].CaptureInfo)
			datas = append(datas, bytes.Clone(b.Data(i)))
		}
		b.Reset()
	}
	for calls := 0; ; calls++ {
		if calls > len(data)+16 {
			t.Fatalf("reader did not finish after %d calls", calls)
		}
		err := rd.ReadPacket(b, 1)
		var d *pipeline.Damage
		switch {
		case err == nil:
		case errors.Is(err, ErrBatchFull):
			collect()
		case err == io.EOF:
			collect()
			return cis, datas, dmg
		case errors.As(err, &d):
			dmg = append(dmg, d)
			if d.Skipped == 0 {
				collect()
				return cis, datas, dmg
			}
		default:
			t.Fatalf("error %v", err)
		}
	}
}

// TestResync reads captures damaged in the ways resync is for, checking
// which records come out, their numbers and offsets, and the damage.
func TestResync(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	recs := func(n int, sec uint32) []rec {
		var out []rec
		for i := range n {
			out = append(out, rec{sec: sec + uint32(i), frac: uint32(i) * 1000, data: frame(60+i, byte(i))})
		}
		return out
	}
	good := pcapFile(le, magicMicro, 65535, 1, recs(6, 1700000000)...)
	// Record offsets of good: 24, then each 16 + 60+i bytes on.
	off := []int64{24}
	for i := range 6 {
		off = append(off, off[i]+16+int64(60+i))
	}
	setCaplen := func(b []byte, at int64, v uint32) []byte {
		b = slices.Clone(b)
		le.PutUint32(b[at+8:], v)
		return b
	}
	insert := func(b []byte, at int64, junk []byte) []byte {
		return slices.Concat(b[:at], junk, b[at:])
	}
	nano := pcapFile(be, magicNano, 65535, 101, rec{sec: 1700000100, frac: 123456789, data: frame(40, 9)}, rec{sec: 1700000101, frac: 5, data: frame(41, 10)})

	tests := []struct {
		name    string
		in      []byte
		frames  int     // records delivered
		skipped []int64 // Skipped of each damage, 0 for one that stopped reading
		dmgOff  []int64
		reason  string
	}{
		{name: "clean", in: good, frames: 6},
		{
			// The record's data is intact: the next header follows it.
			name: "corrupt captured length", in: setCaplen(good, off[2], 0x7fffffff),
			frames: 5, skipped: []int64{16 + 62}, dmgOff: []int64{off[2]}, reason: "over the 262144",
		},
		{
			name: "junk between records", in: insert(good, off[3], bytes.Repeat([]byte{0xff}, 37)),
			frames: 6, skipped: []int64{37}, dmgOff: []int64{off[3]}, reason: "over the",
		},
		{
			name: "two damaged places", in: insert(insert(good, off[4], bytes.Repeat([]byte{0xee}, 50)), off[1], bytes.Repeat([]byte{0xff}, 20)),
			frames: 6, skipped: []int64{20, 50}, dmgOff: []int64{off[1], off[4] + 20},
		},
		{
			// Among the junk, a header that would chain on to the next
			// record but lies decades from the file's first is not taken.
			name: "far time is junk", in: insert(good, off[3], slices.Concat(bytes.Repeat([]byte{0xff}, 12), le.AppendUint32(nil, 100), le.AppendUint32(nil, 0), le.AppendUint32(nil, 8), le.AppendUint32(nil, 8), frame(8, 0))),
			frames: 6, skipped: []int64{36}, dmgOff: []int64{off[3]}, reason: "over the",
		},
		{
			name: "nothing readable after", in: slices.Concat(good, bytes.Repeat([]byte{0xff}, 100)),
			frames: 6, skipped: []int64{0}, dmgOff: []int64{off[6]}, reason: "no readable record after it",
		},
		{
			name: "joined with cat", in: slices.Concat(good, nano),
			frames: 8, skipped: []int64{24}, dmgOff: []int64{off[6]}, reason: "joined with cat",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cis, datas, dmg := resyncRead(t, tt.in, true)
			if len(cis) != tt.frames {
				t.Fatalf("%d frames, want %d (damage %v)", len(cis), tt.frames, dmg)
			}
			for i, ci := range cis {
				if ci.Frame != uint64(i+1) {
					t.Errorf("record %d has frame number %d", i, ci.Frame)
				}
				if int(ci.OrigLen) != len(datas[i]) || ci.Offset < 24 || i > 0 && ci.Offset <= cis[i-1].Offset {
					t.Errorf("record %d: %+v, %d bytes", i, ci, len(datas[i]))
				}
				// Each record is read from its own header: its data is
				// the bytes of the frame that header describes.
				if got := tt.in[ci.Offset+16 : ci.Offset+16+int64(len(datas[i]))]; !bytes.Equal(got, datas[i]) {
					t.Errorf("record %d data is not the bytes after its header", i)
				}
			}
			if len(dmg) != len(tt.skipped) {
				t.Fatalf("damage %v, want %d", dmg, len(tt.skipped))
			}
			for i, d := range dmg {
				if d.Skipped != tt.skipped[i] || d.Offset != tt.dmgOff[i] || !strings.Contains(d.Error(), tt.reason) {
					t.Errorf("damage %d: %v (skipped %d); want offset %d, skipped %d, reason %q", i, d, d.Skipped, tt.dmgOff[i], tt.skipped[i], tt.reason)
				}
				// Reading goes on at the next record, numbered as the
				// damage says.
				if d.Skipped > 0 {
					next := slices.IndexFunc(cis, func(ci pipeline.CaptureInfo) bool { return ci.Offset > d.Offset })
					if next < 0 || cis[next].Offset != d.Offset+d.Skipped || cis[next].Frame != d.Frame {
						t.Errorf("damage %d resumes at offset %d, frame %d; next record %+v", i, d.Offset+d.Skipped, d.Frame, cis[min(max(next, 0), len(cis)-1)])
					}
				}
			}
		})
	}

	t.Run("nanosecond capture joined on", func(t *testing.T) {
		cis, _, _ := resyncRead(t, slices.Concat(good, nano), true)
		last := cis[len(cis)-1]
		if last.Timestamp != 1700000101*1e9+5 || last.TsDigits != 9 || last.LinkType != 101 {
			t.Errorf("last record %+v: the joined file's settings were not taken", last)
		}
	})
	t.Run("without resync the input ends", func(t *testing.T) {
		cis, _, dmg := resyncRead(t, setCaplen(good, off[2], 0x7fffffff), false)
		if len(cis) != 2 || len(dmg) != 1 || dmg[0].Skipped != 0 || dmg[0].Frame != 3 || dmg[0].Offset != off[2] {
			t.Errorf("%d frames, damage %v", len(cis), dmg)
		}
	})
}

// TestResyncPcapng reads pcapng files damaged in the ways resync is for:
// the records that come out start where the file's good blocks start.
func TestResyncPcapng(t *testing.T) {
	le := binary.LittleEndian
	build := func() *ngFile {
		w := (&ngFile{}).shb(le).idb(1, 65535)
		for i := range 5 {
			w.epb(0, uint64(1700000000+i)*1e6, frame(60+i, byte(i)), uint32(60+i))
		}
		return w
	}
	w := build()
	good, offs := w.b, w.offs
	end := int64(len(good))
	blockEnd := func(i int) int64 {
		if i+1 < len(offs) {
			return offs[i+1]
		}
		return end
	}
	patch := func(at int64, v uint32) []byte {
		b := slices.Clone(good)
		le.PutUint32(b[at:], v)
		return b
	}
	insert := func(at int64, junk []byte) []byte { return slices.Concat(good[:at], junk, good[at:]) }
	tests := []struct {
		name    string
		in      []byte
		offs    []int64 // offsets of the records read
		skipped []int64
		dmgOff  []int64
		reason  string
	}{
		{name: "clean", in: good, offs: offs},
		{
			name: "leading length not a multiple of 4", in: patch(offs[1]+4, uint32(blockEnd(1)-offs[1])+1),
			offs: slices.Delete(slices.Clone(offs), 1, 2), skipped: []int64{blockEnd(1) - offs[1]}, dmgOff: []int64{offs[1]}, reason: "bad pcapng block length",
		},
		{
			// Found once the block is read: reading goes on after it.
			name: "trailing length differs", in: patch(blockEnd(2)-4, 1234),
			offs: slices.Delete(slices.Clone(offs), 2, 3), skipped: []int64{blockEnd(2) - offs[2]}, dmgOff: []int64{offs[2]}, reason: "trailing length",
		},
		{
			name: "unknown interface", in: patch(offs[3]+8, 7),
			offs: slices.Delete(slices.Clone(offs), 3, 4), skipped: []int64{blockEnd(3) - offs[3]}, dmgOff: []int64{offs[3]}, reason: "names interface 7",
		},
		{
			name: "junk between blocks", in: insert(offs[2], bytes.Repeat([]byte{0xff}, 13)),
			offs: []int64{offs[0], offs[1], offs[2] + 13, offs[3] + 13, offs[4] + 13}, skipped: []int64{13}, dmgOff: []int64{offs[2]}, reason: "bad pcapng block length",
		},
		{
			name: "nothing readable after", in: slices.Concat(good, bytes.Repeat([]byte{0xff}, 40)),
			offs: offs, skipped: []int64{0}, dmgOff: []int64{end}, reason: "no readable block after it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cis, datas, dmg := resyncRead(t, tt.in, true)
			var got []int64
			for i, ci := range cis {
				got = append(got, ci.Offset)
				if ci.Frame != uint64(i+1) || int(ci.OrigLen) != len(datas[i]) {
					t.Errorf("record %d: %+v, %d bytes", i, ci, len(datas[i]))
				}
			}
			if !slices.Equal(got, tt.offs) {
				t.Fatalf("records at %v, want %v (damage %v)", got, tt.offs, dmg)
			}
			if len(dmg) != len(tt.skipped) {
				t.Fatalf("damage %v, want %d", dmg, len(tt.skipped))
			}
			for i, d := range dmg {
				if d.Skipped != tt.skipped[i] || d.Offset != tt.dmgOff[i] || !strings.Contains(d.Error(), tt.reason) {
					t.Errorf("damage %d: %v (skipped %d); want offset %d, skipped %d, reason %q", i, d, d.Skipped, tt.dmgOff[i], tt.skipped[i], tt.reason)
				}
			}
		})
	}
	t.Run("without resync the input ends", func(t *testing.T) {
		cis, _, dmg := resyncRead(t, patch(offs[3]+8, 7), false)
		if len(cis) != 3 || len(dmg) != 1 || dmg[0].Skipped != 0 || dmg[0].Offset != offs[3] {
			t.Errorf("%d frames, damage %v", len(cis), dmg)
		}
	})
}
