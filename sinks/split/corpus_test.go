package split

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// outerIPv4 finds the outer IPv4 header of a frame the way the corpus's
// reference splitter does (Ethernet with VLAN tags, Linux SLL/SLL2, NULL,
// raw IP) and returns its addresses. It stands in for the decode stage,
// which is another package's job, so the splitter can be checked against
// the corpus truth.
func outerIPv4(linkType uint16, b []byte) (netip.Addr, netip.Addr, bool) {
	off := -1
	switch linkType {
	case 1: // Ethernet
		if len(b) < 14 {
			return netip.Addr{}, netip.Addr{}, false
		}
		et, o := binary.BigEndian.Uint16(b[12:]), 14
		for (et == 0x8100 || et == 0x88a8 || et == 0x9100) && len(b) >= o+4 {
			et, o = binary.BigEndian.Uint16(b[o+2:]), o+4
		}
		if et == 0x0800 {
			off = o
		}
	case 113: // Linux SLL
		if len(b) >= 16 && binary.BigEndian.Uint16(b[14:]) == 0x0800 {
			off = 16
		}
	case 276: // Linux SLL2
		if len(b) >= 20 && binary.BigEndian.Uint16(b[0:]) == 0x0800 {
			off = 20
		}
	case 0, 108: // NULL, LOOP: address family AF_INET (2) in either byte order
		if len(b) >= 4 && (binary.LittleEndian.Uint32(b) == 2 || binary.BigEndian.Uint32(b) == 2) {
			off = 4
		}
	case 12, 14, 101, 228:
		off = 0
	}
	if off < 0 || len(b) < off+20 || b[off]>>4 != 4 || b[off]&15 < 5 {
		return netip.Addr{}, netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte(b[off+12 : off+16])), netip.AddrFrom4([4]byte(b[off+16 : off+20])), true
}

// readCorpus loads a capture into batches with hand-filled Decoded values.
func readCorpus(t *testing.T, path string) ([]*pipeline.Batch, string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var next func() ([]byte, int64, int, int, uint16, error)
	format, digits := "pcap", uint8(6)
	if len(raw) >= 4 && binary.LittleEndian.Uint32(raw) == 0x0a0d0d0a {
		format, digits = "pcapng", 9
		r, err := pcapgo.NewNgReader(strings.NewReader(string(raw)), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			t.Skipf("%s: %v", path, err)
		}
		next = func() ([]byte, int64, int, int, uint16, error) {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				return nil, 0, 0, 0, 0, err
			}
			intf, _ := r.Interface(ci.InterfaceIndex)
			return data, ci.Timestamp.UnixNano(), ci.CaptureLength, ci.Length, uint16(intf.LinkType), nil
		}
	} else {
		r, err := pcapgo.NewReader(strings.NewReader(string(raw)))
		if err != nil {
			t.Skipf("%s: %v", path, err)
		}
		if r.Resolution().Exponent < -6 {
			digits = 9
		}
		next = func() ([]byte, int64, int, int, uint16, error) {
			data, ci, err := r.ReadPacketData()
			return data, ci.Timestamp.UnixNano(), ci.CaptureLength, ci.Length, uint16(r.LinkType()), err
		}
	}
	var batches []*pipeline.Batch
	b := pipeline.NewBatch(256, 1<<20)
	for frame := uint64(1); ; frame++ {
		data, ts, _, orig, lt, err := next()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s frame %d: %v", path, frame, err)
		}
		if b.Full(len(data)) {
			batches = append(batches, b)
			b = pipeline.NewBatch(256, 1<<20)
		}
		b.AddCopy(pipeline.CaptureInfo{Timestamp: ts, Frame: frame, OrigLen: uint32(orig), LinkType: lt, TsDigits: digits}, data)
		if src, dst, ok := outerIPv4(lt, data); ok {
			d := &b.Packets[b.Len()-1].Decoded
			d.Layers = pipeline.LayerIPv4
			d.IP = pipeline.Flow{Src: src, Dst: dst}
		}
	}
	return append(batches, b), format
}

// TestCorpusIPPairs splits every corpus capture by IP pair and compares
// each file with the reference splitter's truth (packets, bytes, wire
// bytes, first frame), reading the output back with gopacket.
func TestCorpusIPPairs(t *testing.T) {
	caps := corpus.Captures(t)
	for _, path := range caps {
		name := filepath.Base(path)
		truth, ok := corpus.Truth(t, path, "ip_pairs.csv")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			batches, format := readCorpus(t, path)
			dir := t.TempDir()
			inputs := &pipeline.Inputs{}
			inputs.Add(&pipeline.Input{Name: name})
			s, err := New(Options{Dir: dir, Spec: mustSpec(t, "ip-pair"), Format: format, Inputs: inputs, MaxOpen: 4, BufferBytes: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range batches {
				if err := s.Consume(context.Background(), b); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(false); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(truth)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]ManifestEntry{}
			for _, e := range readManifest(t, dir) {
				if e.Kind != "other" {
					got[e.File] = e
				}
			}
			if len(got) != len(rows)-1 {
				t.Errorf("%d pair files, truth has %d pairs", len(got), len(rows)-1)
			}
			for _, row := range rows[1:] {
				file := row[1] + "_" + row[2] + "." + format
				e, ok := got[file]
				if !ok {
					t.Errorf("no file %s", file)
					continue
				}
				want := row[3] + "/" + row[4] + "/" + row[5] + "/" + row[6]
				have := strconv.FormatInt(e.Packets, 10) + "/" + strconv.FormatInt(e.Bytes, 10) + "/" + strconv.FormatInt(e.WireBytes, 10) + "/" + strconv.FormatUint(e.FirstFrame, 10)
				if have != want {
					t.Errorf("%s: packets/bytes/wire/first frame %s, truth %s", file, have, want)
				}
				if back := readCapture(t, filepath.Join(dir, file)); int64(len(back)) != e.Packets {
					t.Errorf("%s: %d packets read back, manifest says %d", file, len(back), e.Packets)
				}
			}
		})
	}
}
