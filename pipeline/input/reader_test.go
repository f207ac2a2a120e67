package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

// pkt is a frame as read, detached from its batch.
type pkt struct {
	ci   pipeline.CaptureInfo
	data []byte
}

// result is everything a Reader produced for one input.
type result struct {
	format, compression string
	pkts                []pkt
	err                 error // nil at a clean end; the damage otherwise
}

// readAll reads data with small batches (so ErrBatchFull is exercised) and
// gives up after a bound on calls, so a looping reader fails the test.
func readAll(tb testing.TB, data []byte) result {
	tb.Helper()
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return result{err: err}
	}
	defer rd.Close()
	res := result{format: rd.Format(), compression: rd.Compression()}
	b := pipeline.NewBatch(3, 256)
	collect := func() {
		for i := range b.Packets {
			res.pkts = append(res.pkts, pkt{ci: b.Packets[i].CaptureInfo, data: bytes.Clone(b.Data(i))})
		}
		b.Reset()
	}
	for calls := 0; ; calls++ {
		if calls > 4*len(data)+16 {
			tb.Fatalf("reader did not finish after %d calls", calls)
		}
		err := rd.ReadPacket(b, 7)
		switch {
		case err == nil:
		case errors.Is(err, ErrBatchFull):
			if b.Len() == 0 {
				tb.Fatal("ErrBatchFull on an empty batch")
			}
			collect()
		case err == io.EOF:
			collect()
			return res
		default:
			collect()
			res.err = err
			if again := rd.ReadPacket(b, 7); again != err {
				tb.Errorf("after damage, ReadPacket returned %v, want the same damage again", again)
			}
			if b.Len() != 0 {
				tb.Errorf("after damage, ReadPacket added %d packets", b.Len())
			}
			return res
		}
	}
}

// want is an expected frame; data nil means "don't compare bytes".
type want struct {
	ts     int64
	frame  uint64
	off    int64
	iface  uint32
	link   uint16
	digits uint8
	orig   uint32
	data   []byte
}

// wantDamage is the expected damage; nil means a clean end.
type wantDamage struct {
	frame  uint64
	off    int64
	reason string // substring of the reason
}

type readerCase struct {
	name   string
	in     []byte
	format string
	want   []want
	damage *wantDamage
}

func checkResult(t *testing.T, tc readerCase, res result) {
	t.Helper()
	if tc.format != "" && res.format != tc.format {
		t.Errorf("format = %q, want %q", res.format, tc.format)
	}
	if len(res.pkts) != len(tc.want) {
		t.Errorf("read %d packets, want %d", len(res.pkts), len(tc.want))
	}
	for i := range min(len(res.pkts), len(tc.want)) {
		g, w := res.pkts[i], tc.want[i]
		ci := g.ci
		gotS := fmt.Sprintf("ts=%d frame=%d off=%d if=%d link=%d digits=%d orig=%d input=%d", ci.Timestamp, ci.Frame, ci.Offset, ci.Interface, ci.LinkType, ci.TsDigits, ci.OrigLen, ci.Input)
		wantS := fmt.Sprintf("ts=%d frame=%d off=%d if=%d link=%d digits=%d orig=%d input=7", w.ts, w.frame, w.off, w.iface, w.link, w.digits, w.orig)
		if gotS != wantS {
			t.Errorf("packet %d:\n got %s\nwant %s", i, gotS, wantS)
		}
		if int(ci.CapLen) != len(g.data) {
			t.Errorf("packet %d: CapLen %d but %d bytes", i, ci.CapLen, len(g.data))
		}
		if w.data != nil && !bytes.Equal(g.data, w.data) {
			t.Errorf("packet %d: data\n got %x\nwant %x", i, g.data, w.data)
		}
	}
	switch {
	case tc.damage == nil && res.err != nil:
		t.Errorf("unexpected error: %v", res.err)
	case tc.damage != nil:
		var d *pipeline.Damage
		if !errors.As(res.err, &d) {
			t.Fatalf("error = %v, want *pipeline.Damage", res.err)
		}
		if d.Frame != tc.damage.frame || d.Offset != tc.damage.off || !strings.Contains(d.Err.Error(), tc.damage.reason) {
			t.Errorf("damage = %v\nwant frame %d at byte offset %d: …%s…", d, tc.damage.frame, tc.damage.off, tc.damage.reason)
		}
	}
}

var (
	le = binary.LittleEndian
	be = binary.BigEndian
)

func pcapCases() []readerCase {
	d60, d10, d100 := frame(60, 1), frame(10, 2), frame(100, 3)
	two := pcapFile(le, magicMicro, 65535, 1,
		rec{sec: 1000, frac: 123456, data: d60},
		rec{sec: 1001, frac: 999999, data: d10, orig: 1500})
	wantTwo := []want{
		{ts: 1000_123456000, frame: 1, off: 24, link: 1, digits: 6, orig: 60, data: d60},
		{ts: 1001_999999000, frame: 2, off: 100, link: 1, digits: 6, orig: 1500, data: d10},
	}
	huge := pcapFile(le, magicMicro, 0, 1)
	huge = le.AppendUint32(huge, 1)
	huge = le.AppendUint32(huge, 0)
	huge = le.AppendUint32(huge, 300<<20)
	huge = le.AppendUint32(huge, 300<<20)
	return []readerCase{
		{name: "pcap/le-usec", in: two, format: "pcap", want: wantTwo},
		{name: "pcap/be-usec", in: pcapFile(be, magicMicro, 65535, 1,
			rec{sec: 1000, frac: 123456, data: d60},
			rec{sec: 1001, frac: 999999, data: d10, orig: 1500}), format: "pcap", want: wantTwo},
		{name: "pcap/be-nsec-fcs-bits", in: pcapFile(be, magicNano, 262144, 0x14000001,
			rec{sec: 1766361926, frac: 167647291, data: d60}),
			format: "pcap", want: []want{{ts: 1766361926_167647291, frame: 1, off: 24, link: 1, digits: 9, orig: 60, data: d60}}},
		{name: "pcap/le-nsec-sll", in: pcapFile(le, magicNano, 262144, 113,
			rec{sec: 5, frac: 7, data: d10}),
			want: []want{{ts: 5_000000007, frame: 1, off: 24, link: 113, digits: 9, orig: 10, data: d10}}},
		{name: "pcap/snaplen-0", in: pcapFile(le, magicMicro, 0, 101, rec{sec: 1, data: d100}),
			want: []want{{ts: 1e9, frame: 1, off: 24, link: 101, digits: 6, orig: 100, data: d100}}},
		{name: "pcap/caplen-over-snaplen", in: pcapFile(le, magicMicro, 64, 1, rec{sec: 1, data: d100}),
			want: []want{{ts: 1e9, frame: 1, off: 24, link: 1, digits: 6, orig: 100, data: d100}}},
		{name: "pcap/empty-frame", in: pcapFile(le, magicMicro, 0, 1, rec{sec: 2, orig: 50}, rec{sec: 3, data: d10}),
			want: []want{{ts: 2e9, frame: 1, off: 24, link: 1, digits: 6, orig: 50, data: []byte{}},
				{ts: 3e9, frame: 2, off: 40, link: 1, digits: 6, orig: 10, data: d10}}},
		{name: "pcap/modified", in: pcapFile(le, magicModified, 0, 1, rec{sec: 1, frac: 1, data: d10}, rec{sec: 2, data: d60}),
			want: []want{{ts: 1_000001000, frame: 1, off: 24, link: 1, digits: 6, orig: 10, data: d10},
				{ts: 2e9, frame: 2, off: 58, link: 1, digits: 6, orig: 60, data: d60}}},
		{name: "pcap/no-records", in: pcapFile(be, magicMicro, 0, 1), want: nil},
		{name: "pcap/truncated-file-header", in: two[:10],
			damage: &wantDamage{frame: 1, off: 0, reason: "truncated pcap file header"}},
		{name: "pcap/truncated-record-header", in: append(bytes.Clone(two), 1, 2, 3, 4, 5, 6, 7, 8),
			want: wantTwo, damage: &wantDamage{frame: 3, off: 126, reason: "truncated packet record header"}},
		{name: "pcap/truncated-record-data", in: two[:120], want: wantTwo[:1],
			damage: &wantDamage{frame: 2, off: 100, reason: "truncated packet data"}},
		{name: "pcap/absurd-caplen", in: huge, damage: &wantDamage{frame: 1, off: 24, reason: "captured length 314572800 is over"}},
		{name: "not-capture", in: []byte("hello, world\n"),
			damage: &wantDamage{frame: 1, off: 0, reason: "not a pcap or pcapng file (magic 0x68656c6c)"}},
		{name: "too-short", in: []byte{0xd4, 0xc3},
			damage: &wantDamage{frame: 1, off: 0, reason: "not a pcap or pcapng file (magic 0xd4c3)"}},
		{name: "empty", in: nil, damage: &wantDamage{frame: 1, off: 0, reason: "empty input"}},
	}
}

func pcapngCases() []readerCase {
	d1, d2, d3, d4 := frame(60, 10), frame(33, 20), frame(1, 30), frame(8, 40)

	// Two sections with different byte orders; interface ids restart.
	twoSec := (&ngFile{}).shb(le).idb(1, 0).idb(0, 0).
		epb(1, 1_000_000, d1, 60).epb(0, 2_000_000, d2, 100).
		shb(be).idb(113, 262144, opt{optTsresol, u8(9)}).
		epb(0, 3_000_000_123, d3, 1)
	twoSecWant := []want{
		{ts: 1e9, frame: 1, off: twoSec.offs[0], iface: 1, link: 0, digits: 6, orig: 60, data: d1},
		{ts: 2e9, frame: 2, off: twoSec.offs[1], iface: 0, link: 1, digits: 6, orig: 100, data: d2},
		{ts: 3_000_000_123, frame: 3, off: twoSec.offs[2], iface: 0, link: 113, digits: 9, orig: 1, data: d3},
	}

	// Several interfaces and link types, every resolution variant.
	res := (&ngFile{}).shb(be).
		idb(1, 0, opt{optTsresol, u8(9)}).
		idb(101, 0, opt{optTsresol, u8(3)}).
		idb(276, 0, opt{optTsresol, u8(0x80 | 20)}).
		idb(0, 0, opt{optTsresol, u8(0x80 | 10)}, opt{optTsoffset, i64(be, 100)}).
		idb(1, 0, opt{optTsoffset, i64(be, -1)}).
		idb(1, 0, opt{optTsresol, u8(12)}).
		epb(0, 1_234_567_890, d1, 60).
		epb(1, 1_234, d2, 33).
		epb(2, 1_500_000, d3, 1).
		epb(3, 2048, d4, 8).
		epb(4, 5, d4, 8).
		epb(5, 7_000_000_000_123, d4, 8)
	resWant := []want{
		{ts: 1_234_567_890, frame: 1, off: res.offs[0], iface: 0, link: 1, digits: 9, orig: 60, data: d1},
		{ts: 1_234_000_000, frame: 2, off: res.offs[1], iface: 1, link: 101, digits: 3, orig: 33, data: d2},
		// 1500000 / 2^20 s = 1.430511474609375 s
		{ts: 1_430_511_474, frame: 3, off: res.offs[2], iface: 2, link: 276, digits: 7, orig: 1, data: d3},
		// 2048 / 2^10 s + 100 s
		{ts: 102e9, frame: 4, off: res.offs[3], iface: 3, link: 0, digits: 4, orig: 8, data: d4},
		{ts: -1e9 + 5000, frame: 5, off: res.offs[4], iface: 4, link: 1, digits: 6, orig: 8, data: d4},
		{ts: 7_000_000_000, frame: 6, off: res.offs[5], iface: 5, link: 1, digits: 9, orig: 8, data: d4},
	}

	// Simple packet blocks use interface 0 and its snaplen; unknown blocks
	// of every kind are skipped; an obsolete packet block is read.
	spb := (&ngFile{}).shb(le).idb(1, 8).idb(101, 0).
		other(4, []byte{0, 0, 0, 0}).
		spb(20, d1[:8]).
		other(5, make([]byte, 12)).
		other(0x00000bad, []byte("pen\x00xxxx")).
		other(0x40000bad, nil).
		other(0x12345678, make([]byte, 40)).
		spb(5, d2[:5]).
		pb(1, 3_000_000, d2)
	spbWant := []want{
		{ts: 0, frame: 1, off: spb.offs[0], link: 1, digits: 6, orig: 20, data: d1[:8]},
		// The two custom blocks take frame numbers 2 and 3, as in Wireshark.
		{ts: 0, frame: 4, off: spb.offs[1], link: 1, digits: 6, orig: 5, data: d2[:5]},
		{ts: 3e9, frame: 5, off: spb.offs[2], iface: 1, link: 101, digits: 6, orig: 33, data: d2},
	}

	base := (&ngFile{}).shb(le).idb(1, 0).epb(0, 1e6, d1, 60).epb(0, 2e6, d2, 33)
	baseWant := []want{
		{ts: 1e9, frame: 1, off: base.offs[0], link: 1, digits: 6, orig: 60, data: d1},
		{ts: 2e9, frame: 2, off: base.offs[1], link: 1, digits: 6, orig: 33, data: d2},
	}
	secondLen := int64(len(base.b)) - base.offs[1]

	badLen := bytes.Clone(base.b)
	le.PutUint32(badLen[base.offs[1]+4:], uint32(secondLen-2))
	badTrailer := bytes.Clone(base.b)
	le.PutUint32(badTrailer[len(badTrailer)-4:], uint32(secondLen+4))
	undefined := (&ngFile{}).shb(le).idb(1, 0).epb(0, 1e6, d1, 60).epb(3, 2e6, d2, 33)
	capOver := bytes.Clone(base.b)
	le.PutUint32(capOver[base.offs[1]+20:], 200)
	noIDB := (&ngFile{}).shb(be).spb(4, d4[:4])
	badBOM := bytes.Clone(base.b)
	badBOM[8] = 0x99
	badVersion := bytes.Clone(base.b)
	le.PutUint16(badVersion[12:], 2)
	// A second section forgets the first one's interfaces.
	forgot := (&ngFile{}).shb(le).idb(1, 0).epb(0, 1e6, d1, 60).shb(le).epb(0, 1e6, d1, 60)

	return []readerCase{
		{name: "pcapng/two-sections-two-byte-orders", in: twoSec.b, format: "pcapng", want: twoSecWant},
		{name: "pcapng/interfaces-and-tsresol", in: res.b, format: "pcapng", want: resWant},
		{name: "pcapng/spb-pb-and-skipped-blocks", in: spb.b, want: spbWant},
		{name: "pcapng/section-without-packets", in: (&ngFile{}).shb(be).idb(1, 0).b},
		{name: "pcapng/truncated-block-header", in: base.b[:len(base.b)-int(secondLen)+4], want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "truncated pcapng block"}},
		{name: "pcapng/truncated-packet-data", in: base.b[:base.offs[1]+40], want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "truncated packet data"}},
		{name: "pcapng/truncated-options", in: base.b[:len(base.b)-6], want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "truncated pcapng block"}},
		{name: "pcapng/truncated-shb", in: base.b[:20],
			damage: &wantDamage{frame: 1, off: 0, reason: "truncated pcapng block"}},
		{name: "pcapng/bad-block-length", in: badLen, want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "bad pcapng block length"}},
		{name: "pcapng/trailer-mismatch", in: badTrailer, want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "trailing length"}},
		{name: "pcapng/undefined-interface", in: undefined.b, want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: undefined.offs[1], reason: "names interface 3, but its section defines 1"}},
		{name: "pcapng/caplen-over-block", in: capOver, want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: base.offs[1], reason: "runs past the end"}},
		{name: "pcapng/spb-without-idb", in: noIDB.b,
			damage: &wantDamage{frame: 1, off: noIDB.offs[0], reason: "before any interface"}},
		{name: "pcapng/bad-byte-order-magic", in: badBOM, damage: &wantDamage{frame: 1, off: 0, reason: "byte-order magic"}},
		{name: "pcapng/bad-version", in: badVersion, damage: &wantDamage{frame: 1, off: 0, reason: "version 2.0"}},
		{name: "pcapng/interfaces-are-per-section", in: forgot.b, want: baseWant[:1],
			damage: &wantDamage{frame: 2, off: forgot.offs[1], reason: "names interface 0, but its section defines 0"}},
	}
}

func TestReader(t *testing.T) {
	for _, tc := range append(pcapCases(), pcapngCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			checkResult(t, tc, readAll(t, tc.in))
		})
	}
}

// TestReaderCompressed reads every fixture again through gzip and zstd:
// same frames, same offsets (in the decompressed stream), same damage.
func TestReaderCompressed(t *testing.T) {
	for _, tc := range append(pcapCases(), pcapngCases()...) {
		if len(tc.in) == 0 {
			continue // compressing nothing gives a valid but empty stream
		}
		for _, c := range []struct {
			name string
			wrap func(testing.TB, []byte) []byte
		}{{"gzip", gzipped}, {"zstd", zstded}} {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				res := readAll(t, c.wrap(t, tc.in))
				if res.err == nil || tc.damage == nil || tc.damage.off > 0 {
					if res.compression != c.name {
						t.Errorf("compression = %q, want %q", res.compression, c.name)
					}
				}
				checkResult(t, tc, res)
			})
		}
	}
}

// TestReaderTruncatedStream cuts compressed captures short: frames before
// the cut are delivered, then damage that names the stream.
func TestReaderTruncatedStream(t *testing.T) {
	var recs []rec
	for i := range 200 {
		recs = append(recs, rec{sec: uint32(i), data: frame(100+i, byte(i))})
	}
	plain := pcapFile(le, magicMicro, 0, 1, recs...)
	for _, c := range []struct {
		name string
		wrap func(testing.TB, []byte) []byte
	}{{"gzip", gzipped}, {"zstd", zstded}} {
		z := c.wrap(t, plain)
		for _, cut := range []int{len(z) - 1, len(z) - 8, len(z) / 2, 20} {
			t.Run(fmt.Sprintf("%s/cut-%d-of-%d", c.name, cut, len(z)), func(t *testing.T) {
				res := readAll(t, z[:cut])
				var d *pipeline.Damage
				if !errors.As(res.err, &d) {
					t.Fatalf("error = %v, want damage", res.err)
				}
				if !strings.Contains(d.Err.Error(), c.name) {
					t.Errorf("damage %v does not name the %s stream", d, c.name)
				}
				if d.Frame != uint64(len(res.pkts))+1 {
					t.Errorf("damage at frame %d after %d frames", d.Frame, len(res.pkts))
				}
				for i, p := range res.pkts {
					if !bytes.Equal(p.data, recs[i].data) {
						t.Fatalf("frame %d differs", i+1)
					}
				}
			})
		}
	}
}

func TestNgTime(t *testing.T) {
	for _, tc := range []struct {
		ts     uint64
		resol  uint8
		want   int64
		digits uint8
	}{
		{1, 6, 1000, 6},
		{1, 9, 1, 9},
		{1, 0, 1e9, 0},
		{1500, 12, 1, 9},
		{1, 127, 0, 9},
		{1 << 20, 0x80 | 20, 1e9, 7},
		{3, 0x80 | 1, 1_500_000_000, 1},
		{1 << 62, 0x80 | 62, 1e9, 9},
		{^uint64(0), 0x80 | 127, 0, 9},
		{1, 0x80, 1e9, 0},
	} {
		if got := ngTime(tc.ts, tc.resol); got != tc.want {
			t.Errorf("ngTime(%d, %#x) = %d, want %d", tc.ts, tc.resol, got, tc.want)
		}
		if got := tsDigits(tc.resol); got != tc.digits {
			t.Errorf("tsDigits(%#x) = %d, want %d", tc.resol, got, tc.digits)
		}
	}
}
