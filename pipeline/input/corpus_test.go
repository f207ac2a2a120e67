package input

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
)

// capinfos is what a truth/NAME.capinfos.txt file says.
type capinfos struct {
	packets     int
	first, last string         // "" when capinfos printed none
	dataBytes   int64          // -1 when printed rounded (kB, MB)
	encaps      map[string]int // encapsulation name → packets ("" count -1: all)
}

func readCapinfos(t *testing.T, path string) capinfos {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ci := capinfos{packets: -1, dataBytes: -1, encaps: map[string]int{}}
	inEncaps := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		key, val, _ := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if inEncaps {
			// "                     Ethernet (62)"
			if strings.HasPrefix(line, "   ") && strings.HasSuffix(line, ")") {
				name, n, _ := strings.Cut(strings.TrimSpace(line), " (")
				k, err := strconv.Atoi(strings.TrimSuffix(n, ")"))
				if err != nil {
					t.Fatalf("%s: bad encapsulation line %q", path, line)
				}
				ci.encaps[name] = k
				continue
			}
			inEncaps = false
		}
		switch key {
		case "Number of packets":
			if ci.packets < 0 { // the file-level line comes before interfaces
				ci.packets, err = strconv.Atoi(val)
				if err != nil {
					t.Fatalf("%s: %q", path, line)
				}
			}
		case "First packet time":
			ci.first = val
		case "Last packet time":
			ci.last = val
		case "Data size":
			if n, ok := strings.CutSuffix(val, " bytes"); ok {
				ci.dataBytes, _ = strconv.ParseInt(n, 10, 64)
			}
		case "File encapsulation":
			if val != "Per packet" {
				ci.encaps[val] = -1
			}
		case "Encapsulation in use by packets (# of pkts)":
			inEncaps = true
		}
	}
	if ci.packets < 0 {
		t.Fatalf("%s: no packet count", path)
	}
	return ci
}

// encapsulations maps capinfos' encapsulation names to link types.
var encapsulations = map[string][]uint16{
	"Ethernet":                         {1},
	"NULL/Loopback":                    {0},
	"Raw IP":                           {101, 12, 14},
	"Linux cooked-mode capture v1":     {113},
	"Linux cooked-mode capture v2":     {276},
	"IEEE 802.11 Wireless LAN":         {105},
	"IEEE 802.11 plus radiotap header": {127},
}

// printedTime formats ns the way capinfos does, with as many fractional
// digits as the truth line has.
func printedTime(ns int64, like string) string {
	_, frac, _ := strings.Cut(like, ".")
	s := time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000000000")
	if len(frac) == 0 {
		return s[:19]
	}
	return s[:20+len(frac)]
}

// summary is what one full read of a capture gives.
type summary struct {
	packets    int
	bytes      int64
	wireBytes  int64
	first      int64
	last       int64
	perLink    map[uint16]int
	digest     [32]byte
	lastDamage error
	lastFrame  uint64
	frames     []uint64 // frame numbers of the packets
}

// tsharkFrames lists, for corpus files whose frame numbers are not simply
// 1..N, the numbers tshark gives their packets (tshark -r FILE -T fields -e
// frame.number -Y 'not data'): custom blocks are frames 1, 7 and 10 there.
var tsharkFrames = map[string][]uint64{
	"pcapng-multi-section-endianness.pcapng": {2, 3, 4, 5, 6, 8, 9, 11},
}

// summarize reads a capture file (through any compression) completely.
func summarize(t *testing.T, path string) (summary, *Reader) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rd.Close()
	s := summary{perLink: map[uint16]int{}}
	h := sha256.New()
	b := pipeline.NewBatch(64, 64<<10)
	var hdr [48]byte
	flush := func() {
		for i := range b.Packets {
			p := &b.Packets[i]
			if s.packets == 0 || p.Timestamp < s.first {
				s.first = p.Timestamp
			}
			if s.packets == 0 || p.Timestamp > s.last {
				s.last = p.Timestamp
			}
			s.packets++
			s.bytes += int64(p.CapLen)
			s.wireBytes += int64(p.OrigLen)
			s.perLink[p.LinkType]++
			// Frame numbers increase by one per packet, except that pcapng
			// custom blocks take numbers of their own, as in Wireshark.
			if p.Frame <= s.lastFrame {
				t.Fatalf("%s: packet %d is numbered %d after %d", path, s.packets, p.Frame, s.lastFrame)
			}
			s.lastFrame = p.Frame
			s.frames = append(s.frames, p.Frame)
			binary.LittleEndian.PutUint64(hdr[0:], uint64(p.Timestamp))
			binary.LittleEndian.PutUint64(hdr[8:], uint64(p.Offset))
			binary.LittleEndian.PutUint32(hdr[16:], p.CapLen)
			binary.LittleEndian.PutUint32(hdr[20:], p.OrigLen)
			binary.LittleEndian.PutUint32(hdr[24:], p.Interface)
			binary.LittleEndian.PutUint16(hdr[28:], p.LinkType)
			hdr[30] = p.TsDigits
			h.Write(hdr[:31])
			h.Write(b.Data(i))
		}
		b.Reset()
	}
	for {
		err := rd.ReadPacket(b, 0)
		if err == nil {
			continue
		}
		flush()
		if errors.Is(err, ErrBatchFull) {
			continue
		}
		if err != io.EOF {
			s.lastDamage = err
		}
		break
	}
	copy(s.digest[:], h.Sum(nil))
	return s, rd
}

func TestCorpus(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			truthPath, ok := corpus.Truth(t, path, "capinfos.txt")
			if !ok {
				t.Skip("no capinfos truth")
			}
			want := readCapinfos(t, truthPath)
			got, rd := summarize(t, path)
			if got.lastDamage != nil {
				t.Errorf("damage reading a good capture: %v", got.lastDamage)
			}
			if got.packets != want.packets {
				t.Errorf("%d packets, capinfos says %d", got.packets, want.packets)
			}
			// capinfos' "Data size" sums the lengths on the wire.
			if want.dataBytes >= 0 && got.wireBytes != want.dataBytes {
				t.Errorf("%d bytes on the wire, capinfos says %d", got.wireBytes, want.dataBytes)
			}
			if want.first != "" {
				if g := printedTime(got.first, want.first); g != want.first {
					t.Errorf("first packet time %s, capinfos says %s", g, want.first)
				}
			}
			if want.last != "" {
				if g := printedTime(got.last, want.last); g != want.last {
					t.Errorf("last packet time %s, capinfos says %s", g, want.last)
				}
			}
			if tf := tsharkFrames[name]; tf != nil && !slices.Equal(got.frames, tf) {
				t.Errorf("frame numbers %v, tshark's are %v", got.frames, tf)
			} else if tf == nil && got.packets > 0 && got.frames[len(got.frames)-1] != uint64(got.packets) {
				t.Errorf("frame numbers do not run 1..%d", got.packets)
			}
			checkEncaps(t, want, got)
			if rd.Compression() != "" {
				t.Errorf("compression %q for a plain file", rd.Compression())
			}
			for _, c := range []struct {
				name string
				wrap func(testing.TB, []byte) []byte
			}{{"gzip", gzipped}, {"zstd", zstded}} {
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				zpath := filepath.Join(t.TempDir(), name+"."+c.name)
				if err := os.WriteFile(zpath, c.wrap(t, raw), 0o644); err != nil {
					t.Fatal(err)
				}
				zgot, zrd := summarize(t, zpath)
				if zrd.Compression() != c.name || zrd.Format() != rd.Format() {
					t.Errorf("%s: compression %q format %q, want %q %q", c.name, zrd.Compression(), zrd.Format(), c.name, rd.Format())
				}
				if zgot.digest != got.digest || zgot.packets != got.packets {
					t.Errorf("%s: %d packets with a different digest from the plain read (%d packets)", c.name, zgot.packets, got.packets)
				}
			}
		})
	}
}

// checkEncaps compares link types per packet with capinfos' encapsulation.
func checkEncaps(t *testing.T, want capinfos, got summary) {
	t.Helper()
	var gotS, wantS []string
	for name, n := range want.encaps {
		lts, ok := encapsulations[name]
		if !ok {
			t.Errorf("test does not know capinfos encapsulation %q", name)
			continue
		}
		if n < 0 {
			n = want.packets
		}
		k := 0
		for _, lt := range lts {
			k += got.perLink[lt]
		}
		gotS = append(gotS, fmt.Sprintf("%s=%d", name, k))
		wantS = append(wantS, fmt.Sprintf("%s=%d", name, n))
	}
	slices.Sort(gotS)
	slices.Sort(wantS)
	if !slices.Equal(gotS, wantS) {
		t.Errorf("packets per encapsulation\n got %v (link types %v)\nwant %v", gotS, got.perLink, wantS)
	}
}
