package pfcp

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// fuzzEndpoints are the addresses a fuzzed message stream is sent between.
var fuzzEndpoints = [4]netip.AddrPort{
	netip.MustParseAddrPort("10.0.0.1:8805"), netip.MustParseAddrPort("10.0.0.2:8805"),
	netip.MustParseAddrPort("[2001:db8::1]:8805"), netip.MustParseAddrPort("10.0.0.1:50000"),
}

// encodeStream packs datagrams into the fuzz input format: per message a
// byte of endpoints (src in bits 0-1, dst in bits 2-3), a byte of time
// step in milliseconds, a length byte and the datagram (cut at 255 bytes).
func encodeStream(msgs [][]byte, route func(i int) (src, dst, step byte)) []byte {
	var out []byte
	for i, m := range msgs {
		src, dst, step := route(i)
		m = m[:min(len(m), 255)]
		out = append(append(out, src|dst<<2, step, byte(len(m))), m...)
	}
	return out
}

// decodeStream is encodeStream's inverse; a short tail is ignored.
func decodeStream(data []byte) []Message {
	var out []Message
	t := int64(0)
	for len(data) >= 3 {
		n := int(data[2])
		if len(data) < 3+n {
			break
		}
		s := new(Summary)
		Summarize(data[3:3+n], s)
		t += int64(data[1]) * time.Millisecond.Nanoseconds()
		out = append(out, Message{Src: fuzzEndpoints[data[0]&3], Dst: fuzzEndpoints[data[0]>>2&3], Ref: uint64(len(out) + 1), Time: t, Summary: s})
		data = data[3+n:]
	}
	return out
}

// FuzzCorrelator feeds arbitrary message streams to the Correlator: the
// streaming configurations must assign every message as NewCorrelator does,
// and one that forgets within milliseconds must not panic or report a
// session that does not exist.
func FuzzCorrelator(f *testing.F) {
	cpUp := func(i int) (byte, byte, byte) {
		if i%2 == 0 {
			return 0, 1, 1
		}
		return 1, 0, 1
	}
	f.Add(encodeStream([][]byte{
		sessionEstablishmentRequest(1), sessionEstablishmentRequest(1),
		mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 1, 0, mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", "")),
		mkSessionMsg(0, SessionModificationResponse, 0x1111, 2, 0, mkIE(IECause, []byte{1})),
		mkSessionMsg(0, SessionDeletionRequest, 0x2222, 3, 0),
		mkSessionMsg(0, SessionDeletionResponse, 0x1111, 3, 0, mkIE(IECause, []byte{1})),
	}, cpUp))
	f.Add(encodeStream([][]byte{
		sessionEstablishmentRequest(5),
		mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 5, 0, mkIE(IECause, []byte{64})),
		sessionEstablishmentRequest(6),
		mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 6, 0, mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", "")),
	}, cpUp))
	// Real PFCP streams from the shared corpus, extracted at run time.
	if dir := corpus.Find(); dir != "" {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			n := e.Name()
			if _, err := os.Stat(filepath.Join(dir, "truth", n+".pfcp.csv")); err != nil || !strings.Contains(n, ".pcap") {
				continue
			}
			ds := readPFCP(f, filepath.Join(dir, n))
			ds = ds[:min(len(ds), 48)]
			var msgs [][]byte
			addrs := map[netip.AddrPort]byte{}
			route := make([][3]byte, len(ds))
			for i, d := range ds {
				msgs = append(msgs, d.Payload)
				for j, ap := range []netip.AddrPort{netip.AddrPortFrom(d.Src, d.SrcPort), netip.AddrPortFrom(d.Dst, d.DstPort)} {
					if _, ok := addrs[ap]; !ok {
						addrs[ap] = byte(len(addrs) & 3)
					}
					route[i][j] = addrs[ap]
				}
				route[i][2] = 1
			}
			f.Add(encodeStream(msgs, func(i int) (byte, byte, byte) { return route[i][0], route[i][1], route[i][2] }))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs := decodeStream(data)
		ref := NewCorrelator()
		for _, m := range msgs {
			ref.Add(m)
		}
		c := NewCorrelatorWith(CorrelatorOptions{Forget: true, Window: 24 * time.Hour, Linger: 24 * time.Hour})
		got := streamAssign(c, msgs)
		for _, m := range msgs {
			if want, _ := ref.SessionOf(m.Ref); got[m.Ref] != want {
				t.Fatalf("ref %d: session %d, NewCorrelator says %d", m.Ref, got[m.Ref], want)
			}
		}
		tight := NewCorrelatorWith(CorrelatorOptions{Forget: true, Window: 3 * time.Millisecond, Linger: 2 * time.Millisecond})
		maxID := 0
		for _, m := range msgs {
			id := tight.Add(m)
			maxID = max(maxID, id)
			for _, r := range tight.Decided() {
				if r >= m.Ref || id == 0 {
					t.Fatalf("ref %d decided %d for session %d", m.Ref, r, id)
				}
			}
		}
		if n := len(tight.Sessions()); n > maxID || (maxID > 0 && tight.nextID < maxID) {
			t.Fatalf("%d sessions remembered, highest id %d, %d made", n, maxID, tight.nextID)
		}
	})
}
