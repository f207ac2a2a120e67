package input

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// flowFrame is a frame whose bytes name a flow and its packet number in it.
func flowFrame(flow, seq byte) []byte {
	return append([]byte{flow, seq}, frame(30, flow)...)
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	// Flow 1 spans both files; flow 2 lives in a, flow 3 in b. Times in
	// seconds; 3 is a tie broken by input order.
	a := pcapFile(le, magicMicro, 0, 1,
		rec{sec: 1, data: flowFrame(1, 1)},
		rec{sec: 3, data: flowFrame(2, 1)},
		rec{sec: 5, data: flowFrame(1, 3)},
		rec{sec: 7, data: flowFrame(2, 2)})
	w := (&ngFile{}).shb(be).idb(101, 0).
		epb(0, 2e6, flowFrame(3, 1), 32).
		epb(0, 3e6, flowFrame(1, 2), 32).
		epb(0, 4e6, flowFrame(3, 2), 32).
		epb(0, 8e6, flowFrame(1, 4), 32)
	writeFile(t, filepath.Join(dir, "a.pcap"), a)
	writeFile(t, filepath.Join(dir, "b.pcapng.zst"), zstded(t, w.b))
	// c is cut inside its second frame: its first frame is merged, then
	// its damage recorded, and the others go on.
	c := pcapFile(le, magicNano, 0, 1, rec{sec: 6, data: flowFrame(4, 1)}, rec{sec: 9, data: flowFrame(4, 2)})
	writeFile(t, filepath.Join(dir, "c.pcap"), c[:len(c)-3])

	src, err := NewSource([]string{filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b.pcapng.zst"), filepath.Join(dir, "c.pcap")}, Options{Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	sink, inputs, err := runSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range sink.pkts {
		got = append(got, fmt.Sprintf("t%d in%d f%d flow%d/%d link%d", p.ci.Timestamp/1e9, p.ci.Input, p.ci.Frame, p.data[0], p.data[1], p.ci.LinkType))
	}
	want := []string{
		"t1 in0 f1 flow1/1 link1",
		"t2 in1 f1 flow3/1 link101",
		"t3 in0 f2 flow2/1 link1",
		"t3 in1 f2 flow1/2 link101",
		"t4 in1 f3 flow3/2 link101",
		"t5 in0 f3 flow1/3 link1",
		"t6 in2 f1 flow4/1 link1",
		"t7 in0 f4 flow2/2 link1",
		"t8 in1 f4 flow1/4 link101",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("merged order\n got %q\nwant %q", got, want)
	}
	// Every flow's packets stay in their own order across files.
	next := map[byte]byte{}
	for _, p := range sink.pkts {
		if next[p.data[0]]+1 != p.data[1] {
			t.Errorf("flow %d: packet %d after %d", p.data[0], p.data[1], next[p.data[0]])
		}
		next[p.data[0]] = p.data[1]
	}
	for id, want := range []int64{4, 4, 1} {
		if in := inputs.Get(pipeline.InputID(id)); in.Packets != want {
			t.Errorf("input %d: %d packets, want %d", id, in.Packets, want)
		}
	}
	if d := inputs.Get(2).Damage; d == nil || d.Frame != 2 {
		t.Errorf("input c damage = %v, want frame 2", d)
	}
}

// TestMergeManyBatches merges inputs big enough to fill many batches and
// checks the global time order.
func TestMergeManyBatches(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for k := range 3 {
		var recs []rec
		for i := range 50 {
			recs = append(recs, rec{sec: uint32(i*3 + k), frac: uint32(k), data: frame(20+i, byte(k))})
		}
		p := filepath.Join(dir, fmt.Sprintf("%d.pcap", k))
		writeFile(t, p, pcapFile(be, magicMicro, 0, 1, recs...))
		paths = append(paths, p)
	}
	src, err := NewSource(paths, Options{Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	sink, _, err := runSource(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.pkts) != 150 {
		t.Fatalf("%d packets, want 150", len(sink.pkts))
	}
	for i := 1; i < len(sink.pkts); i++ {
		if sink.pkts[i].ci.Timestamp <= sink.pkts[i-1].ci.Timestamp {
			t.Fatalf("packet %d at %d after %d", i, sink.pkts[i].ci.Timestamp, sink.pkts[i-1].ci.Timestamp)
		}
	}
}
