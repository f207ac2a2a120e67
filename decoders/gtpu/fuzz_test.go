package gtpu

import (
	"path/filepath"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// seedCorpus adds the GTP payloads of the corpus captures (at most perFile
// distinct ones each) and every hand-built case to f.
func seedCorpus(f *testing.F, perFile int) {
	for _, c := range parseCases() {
		f.Add(c.in)
	}
	f.Add(msg{typ: ErrorIndication, exts: []ext{udpPortExt}, body: []byte{16, 1, 2, 3, 4, 133, 0, 4, 1, 2, 3, 4}}.bytes())
	corpus.Seed(func(b []byte) { f.Add(b) }, 512)
	dir := corpus.Find()
	if dir == "" {
		return
	}
	truth, _ := filepath.Glob(filepath.Join(dir, "truth", "*.gtp.csv"))
	for _, tp := range truth {
		capture := filepath.Join(dir, filepath.Base(tp[:len(tp)-len(".gtp.csv")]))
		seen := make(map[string]bool)
		for _, fr := range testcap.UDP(f, capture, testcap.Port(portU, portC)) {
			k := string(fr.Payload[:min(len(fr.Payload), 16)])
			if seen[k] || len(seen) >= perFile {
				continue
			}
			seen[k] = true
			f.Add(fr.Payload)
		}
	}
}

// FuzzParse checks that Parse never panics, stays within its input, resets
// the header fully, and that the IE walk of the body terminates.
func FuzzParse(f *testing.F) {
	seedCorpus(f, 64)
	f.Fuzz(func(t *testing.T, b []byte) {
		var h Header
		off, st := Parse(b, &h)
		if off < 0 || off > len(b) || (off != 0 && off != h.Offset) {
			t.Fatalf("offset %d (h.Offset %d) for %d bytes, status %v", off, h.Offset, len(b), st)
		}
		if st == OK && h.End != HeaderLen+int(h.Length) {
			t.Fatalf("OK but End %d != %d", h.End, HeaderLen+int(h.Length))
		}
		if in := h.Inner(b); in != nil && (h.Type != GPDU || len(in) > len(b)-off) {
			t.Fatalf("inner of %d bytes for type %v", len(in), h.Type)
		}
		// Reuse: a dirty header gives the same result as a fresh one.
		dirty := Header{PDUSession: PDUSession{Present: true, QFI: 9}, NumExtensions: 3, Seq: 7, Offset: 5}
		off2, st2 := Parse(b, &dirty)
		if off2 != off || st2 != st || dirty != h {
			t.Fatalf("reuse differs: %+v vs %+v", dirty, h)
		}
		it := IEs(h.Body(b))
		for n := 0; it.Next(); n++ {
			if n > len(b) {
				t.Fatal("IE walk does not terminate")
			}
		}
		var e ErrorIndicationInfo
		ParseErrorIndication(b, &h, &e)
		// The PDP context elements alias the body and never exceed it.
		var p PDPElements
		ReadPDP(h.Body(b), &p)
		if len(p.IMSI) > len(b) || len(p.MSISDN) > len(b) || int(p.NumGSN) > len(p.GSN) {
			t.Fatalf("PDP elements %+v from %d bytes", p, len(b))
		}
		if (p.Err == nil) != (it.Err() == nil) {
			t.Fatalf("ReadPDP error %v, IE walk %v", p.Err, it.Err())
		}
	})
}
