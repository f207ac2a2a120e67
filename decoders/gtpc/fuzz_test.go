package gtpc

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// FuzzWalk checks that Summarize and a full walk with every accessor never
// panic and terminate, that Summarize resets its output, and that offsets
// stay inside the input.
func FuzzWalk(f *testing.F) {
	for _, b := range [][]byte{
		createSessionRequest, cat(createSessionResponse, createBearerRequest), createBearerRequest[:20],
		cat(mkMsg(hdr{p: true, noTEID: true, typ: EchoRequest, seq: 1}, recovIE), []byte{0x31, 0x32}),
		mkMsg(hdr{typ: ModifyBearerRequest}, mkGroup(IEPDNConnection, 0, bearerReq, senderIE)),
	} {
		f.Add(b)
	}
	corpus.Seed(func(b []byte) { f.Add(b) }, 512)
	if dir := corpus.Find(); dir != "" {
		truth, _ := filepath.Glob(filepath.Join(dir, "truth", "*.gtp.csv"))
		for _, tp := range truth {
			capture := filepath.Join(dir, strings.TrimSuffix(filepath.Base(tp), ".gtp.csv"))
			n := 0
			for _, fr := range testcap.UDP(f, capture, testcap.Port(portC)) {
				if n < 64 {
					f.Add(fr.Payload)
					n++
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s, dirty Summary
		Summarize(b, &s)
		Summarize(createSessionRequest, &dirty)
		Summarize(b, &dirty)
		if s != dirty {
			t.Fatalf("Summarize does not reset:\n%+v\n%+v", s, dirty)
		}
		if s.Status != OK && (s.ErrOffset < 0 || s.ErrOffset > len(b)) {
			t.Fatalf("error offset %d outside %d bytes", s.ErrOffset, len(b))
		}
		m := Messages(b)
		for k := 0; m.Next(); k++ {
			if k > len(b) {
				t.Fatal("message walk does not terminate")
			}
			walkAll(t, b, m.IEs(), 0)
		}
	})
}

// walkAll calls every accessor on every element, recursing into groups.
func walkAll(t *testing.T, b []byte, it IEIter, depth int) {
	for n := 0; it.Next(); n++ {
		ie := it.IE()
		if ie.Offset < 0 || ie.Offset+IEHeaderLen+ie.Length() > len(b) {
			t.Fatalf("element at %d+%d outside %d bytes", ie.Offset, ie.Length(), len(b))
		}
		var d Digits
		var a APN
		var bc BearerContext
		ie.IMSI(&d)
		ie.MSISDN(&d)
		ie.MEI(&d)
		ie.APN(&a)
		ie.FTEID()
		ie.PAA()
		ie.Cause()
		ie.EBI()
		ie.RATType()
		ie.Recovery()
		ie.ChargingID()
		ie.EnterpriseID()
		_ = ie.BearerContext(&bc)
		_ = d.String() + a.String()
		if depth < 8 {
			walkAll(t, b, ie.Group(), depth+1)
		}
	}
}
