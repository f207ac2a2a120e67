package pfcp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// FuzzParse runs every decoder on arbitrary datagrams: the message walk,
// the full IE walk through groups with every typed accessor, and Summarize.
// None may panic or loop; every IE must lie inside the input.
func FuzzParse(f *testing.F) {
	for _, seed := range [][]byte{
		sessionEstablishmentRequest(1),
		mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 7, 0, nodeIDv4("10.0.0.2"), mkIE(IECause, []byte{1}),
			fseidIE(0x2222, "10.0.0.2", "2001:db8::2"), mkIE(IECreatedPDR, mkIE(IEPDRID, be16(1)), fteidIE(0xabc, "10.0.0.2"))),
		mkNodeMsg(0, AssociationSetupResponse, 3, mkIE(IENodeID, []byte{2}, []byte("\x03gw1\x06vppupf\x04node")),
			mkVendorIE(32774, EnterpriseTravelping, mkVendorIE(32775, EnterpriseTravelping, []byte("oops")))),
		cat(mkSessionMsg(flagFO, SessionDeletionRequest, 9, 1, 0), mkNodeMsg(0, HeartbeatRequest, 2)),
		{0x21, 0x32, 0x00, 0x0c},
	} {
		f.Add(seed)
	}
	// Real PFCP payloads from the shared corpus, extracted at run time.
	if dir := corpus.Find(); dir != "" {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			n := e.Name()
			if _, err := os.Stat(filepath.Join(dir, "truth", n+".pfcp.csv")); err != nil || !strings.Contains(n, ".pcap") {
				continue
			}
			for i, d := range readPFCP(f, filepath.Join(dir, n)) {
				if i < 64 {
					f.Add(d.Payload)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Messages(data)
		for m.Next() {
			h := m.Header()
			if len(m.Message()) != h.MessageLen() || len(m.Body()) > len(m.Message()) {
				t.Fatalf("message %d bytes, header says %d", len(m.Message()), h.MessageLen())
			}
			fuzzWalk(t, m.Body())
		}
		var a, b Summary
		Summarize(data, &a)
		Summarize(sessionEstablishmentRequest(9), &b)
		Summarize(data, &b)
		if a != b {
			t.Fatal("Summarize depends on the previous content of the Summary")
		}
		if a.Malformed && (a.ErrOffset < 0 || a.ErrOffset > len(data)) {
			t.Fatalf("ErrOffset %d outside a %d-byte datagram", a.ErrOffset, len(data))
		}
		checkScan(t, data)
	})
}

func fuzzWalk(t *testing.T, body []byte) {
	var stack [MaxDepth + 2]IEIterator
	stack[0] = NewIEIterator(body)
	n := 1
	for steps := 0; n > 0; steps++ {
		if steps > len(body)+1 {
			t.Fatal("IE walk does not terminate")
		}
		it := &stack[n-1]
		if !it.Next() {
			if it.Err() != nil && (it.ErrOffset() < 0 || it.ErrOffset() > len(body)) {
				t.Fatalf("ErrOffset %d outside a %d-byte body", it.ErrOffset(), len(body))
			}
			n--
			continue
		}
		ie := it.IE()
		if ie.Offset < 0 || ie.Offset+4+len(ie.Value) > len(body) {
			t.Fatalf("IE at %d with %d-byte value overruns a %d-byte body", ie.Offset, len(ie.Value), len(body))
		}
		_ = ie.Type.String()
		ie.FSEID()
		ie.NodeID()
		ie.FTEID()
		ie.UEIPAddress()
		ie.OuterHeaderCreation()
		ie.ApplyAction()
		ie.CreatedPDR()
		ie.RecoveryTimeStamp()
		ie.Cause()
		ie.PDRID()
		ie.FARID()
		ie.Precedence()
		ie.SourceInterface()
		if v, ok := ie.NetworkInstance(); ok {
			AppendName(nil, v)
		}
		if ie.IsGrouped() {
			g := ie.Group()
			if g.Err() == nil {
				stack[n] = g
				n++
			}
		}
	}
}
