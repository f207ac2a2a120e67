package split

import (
	"bytes"
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano()

// tp is a hand-built test packet.
type tp struct {
	src, dst     string // "" = no IP (other)
	sport, dport uint16
	proto        uint8
	vlan         uint16
	linkType     uint16 // default 1 (Ethernet)
	size         int    // captured bytes, default 60
	origLen      uint32
	ts           int64 // ns offset from t0, default index*1ms
	digits       uint8 // default 6
	// frag makes the packet an IP fragment of datagram ipid: fragFirst
	// (with the ports) or fragLater (offset 1480, no ports).
	frag fragPart
	ipid uint16
}

// fragPart is which part of a fragmented datagram a test packet is.
type fragPart uint8

const (
	notFrag fragPart = iota
	fragFirst
	fragLater
)

// build returns the packets as batches of at most per packets, with
// distinct contents, and the expected capture infos and bytes.
func build(pkts []tp, per int) ([]*pipeline.Batch, []pipeline.CaptureInfo, [][]byte) {
	var batches []*pipeline.Batch
	var infos []pipeline.CaptureInfo
	var datas [][]byte
	var b *pipeline.Batch
	for i, x := range pkts {
		if b == nil || b.Len() == per {
			b = pipeline.NewBatch(per, 1<<16)
			batches = append(batches, b)
		}
		ci, data, d := x.make(i)
		b.AddCopy(ci, data)
		b.Packets[b.Len()-1].Decoded = d
		ci.CapLen = uint32(len(data))
		infos = append(infos, ci)
		datas = append(datas, data)
	}
	return batches, infos, datas
}

func (x tp) make(i int) (pipeline.CaptureInfo, []byte, pipeline.Decoded) {
	n := x.size
	if n == 0 {
		n = 60
	}
	data := make([]byte, n)
	for j := range data {
		data[j] = byte(i*31 + j)
	}
	if n >= 4 {
		data[0], data[1], data[2], data[3] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
	}
	ci := pipeline.CaptureInfo{
		Timestamp: t0 + int64(i)*int64(time.Millisecond) + 1234, // sub-µs part checks ns handling
		Frame:     uint64(i + 1),
		OrigLen:   x.origLen,
		LinkType:  x.linkType,
		TsDigits:  x.digits,
	}
	if x.ts != 0 {
		ci.Timestamp = t0 + x.ts
	}
	if ci.OrigLen == 0 {
		ci.OrigLen = uint32(n)
	}
	if ci.LinkType == 0 {
		ci.LinkType = 1
	}
	if ci.TsDigits == 0 {
		ci.TsDigits = 6
		ci.Timestamp -= ci.Timestamp % 1000
	}
	var d pipeline.Decoded
	d.Layers = pipeline.LayerEthernet
	if x.vlan != 0 {
		d.Layers |= pipeline.LayerVLAN
		d.NumVLAN, d.VLAN[0] = 1, x.vlan
	}
	if x.src != "" {
		d.Layers |= pipeline.LayerIPv4
		proto := x.proto
		if proto == 0 {
			proto = 17
		}
		if proto == 17 {
			d.Layers |= pipeline.LayerUDP
		}
		d.IP = pipeline.Flow{Src: netip.MustParseAddr(x.src), Dst: netip.MustParseAddr(x.dst), SrcPort: x.sport, DstPort: x.dport, Proto: proto}
		d.IPID = uint32(x.ipid)
		switch x.frag {
		case fragFirst:
			d.Layers |= pipeline.LayerFragment
			d.MoreFragments = true
		case fragLater:
			d.Layers = d.Layers&^pipeline.LayerUDP | pipeline.LayerFragment
			d.FragOffset = 1480
			d.Flags |= pipeline.FlagNonFirstFragment
			d.IP.SrcPort, d.IP.DstPort = 0, 0
		}
	}
	return ci, data, d
}

// got is one packet read back from an output file.
type got struct {
	ts       int64
	data     []byte
	origLen  uint32
	linkType uint16
}

// readCapture reads a pcap or pcapng file with gopacket's readers.
func readCapture(t testing.TB, path string) []got {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []got
	if strings.Contains(path, ".pcapng") {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			intf, _ := r.Interface(ci.InterfaceIndex)
			out = append(out, got{ci.Timestamp.UnixNano(), data, uint32(ci.Length), uint16(intf.LinkType)})
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, got{ci.Timestamp.UnixNano(), data, uint32(ci.Length), uint16(r.LinkType())})
	}
}

// dirFiles returns the names in dir, sorted.
func dirFiles(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func readManifest(t testing.TB, dir string) []ManifestEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, ManifestJSON))
	if err != nil {
		t.Fatal(err)
	}
	var m []ManifestEntry
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustSpec(t testing.TB, s string) flowkey.Spec {
	t.Helper()
	spec, err := flowkey.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}
