package pcapout

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pcapflow/pcapflow/internal/corpus"
)

// readFrames reads every frame of a capture with gopacket's readers.
func readFrames(t *testing.T, raw []byte) ([]frame, bool) {
	t.Helper()
	var out []frame
	if len(raw) >= 4 && binary.LittleEndian.Uint32(raw) == 0x0a0d0d0a {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, false
		}
		for {
			data, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return out, true
			}
			if err != nil {
				t.Fatal(err)
			}
			intf, _ := r.Interface(ci.InterfaceIndex)
			out = append(out, frame{ts: ci.Timestamp.UnixNano(), data: data, origLen: uint32(ci.Length), linkType: uint16(intf.LinkType), digits: 9})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	digits := uint8(6)
	if r.Resolution().Exponent < -6 {
		digits = 9
	}
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return out, true
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, frame{ts: ci.Timestamp.UnixNano(), data: data, origLen: uint32(ci.Length), linkType: uint16(r.LinkType()), digits: digits})
	}
}

// TestCorpusRoundTrip rewrites every corpus capture as pcapng (and as pcap
// when it has one link type) and checks that every frame reads back
// identical: bytes, original length, link type, timestamp to the ns.
func TestCorpusRoundTrip(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			frames, ok := readFrames(t, raw)
			if !ok {
				t.Skip("gopacket cannot read this capture")
			}
			lts := map[uint16]bool{}
			for _, f := range frames {
				lts[f.linkType] = true
			}
			formats := []Format{PcapNG}
			if len(lts) == 1 {
				formats = append(formats, Pcap)
			}
			for _, format := range formats {
				var buf bytes.Buffer
				w, _ := NewStreamSink(&buf, format.String())
				for start := 0; start < len(frames); start += 100 {
					b := batchOf(frames[start:min(start+100, len(frames))])
					if err := w.Consume(context.Background(), b); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(false); err != nil {
					t.Fatal(err)
				}
				back, _ := readFrames(t, buf.Bytes())
				if len(back) != len(frames) {
					t.Fatalf("%v: %d frames back, want %d", format, len(back), len(frames))
				}
				for i := range frames {
					a, b := frames[i], back[i]
					if a.ts != b.ts || !bytes.Equal(a.data, b.data) || a.origLen != b.origLen || a.linkType != b.linkType {
						t.Fatalf("%v frame %d differs", format, i+1)
					}
				}
			}
		})
	}
}
