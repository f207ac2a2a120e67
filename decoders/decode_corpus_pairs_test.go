package decoders

import (
	"encoding/csv"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// pairCount is one row of truth/NAME.ip_pairs.csv.
type pairCount struct {
	packets, bytes, wireBytes, first, last int64
}

// TestDecodeCorpusIPPairs compares the outermost IPv4 pair of every frame with
// the truth's dpkt split (truth/NAME.ip_pairs.csv), which follows no tunnel:
// an exact check of the outer header for the GTP captures too.
func TestDecodeCorpusIPPairs(t *testing.T) {
	// dpkt's loopback decoder skips frame 3 of this capture (NULL header
	// 0f 00 08 00) where Wireshark, and pcapflow, see IPv4.
	extra := map[string]map[int]bool{"null-loopback-pcapplusplus.pcap": {3: true}}
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			p, ok := corpus.Truth(t, name, "ip_pairs.csv")
			if !ok {
				t.Fatalf("no truth %s", p)
			}
			want := readPairs(t, p)
			got := map[[2]netip.Addr]pairCount{}
			d := NewDecoder(Options{})
			var out pipeline.Decoded
			for i, f := range testcap.Read(t, path) {
				d.Decode(f.Data, f.LinkType, f.OrigLen, &out)
				if !out.Layers.Has(pipeline.LayerIPv4) {
					continue
				}
				if extra[name][i+1] {
					continue
				}
				k := [2]netip.Addr{out.IP.Src, out.IP.Dst}
				if k[1].Less(k[0]) {
					k[0], k[1] = k[1], k[0]
				}
				c := got[k]
				if c.packets == 0 {
					c.first = int64(i + 1)
				}
				c.packets++
				c.bytes += int64(len(f.Data))
				c.wireBytes += int64(f.OrigLen)
				c.last = int64(i + 1)
				got[k] = c
			}
			for k, w := range want {
				if g := got[k]; g != w {
					t.Errorf("pair %v: want %+v, got %+v", k, w, g)
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("pair %v: not in truth, got %+v", k, g)
				}
			}
		})
	}
}

func readPairs(tb testing.TB, path string) map[[2]netip.Addr]pairCount {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	out := map[[2]netip.Addr]pairCount{}
	for _, r := range rows[1:] {
		n := func(i int) int64 {
			v, err := strconv.ParseInt(r[i], 10, 64)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			return v
		}
		k := [2]netip.Addr{netip.MustParseAddr(r[1]), netip.MustParseAddr(r[2])}
		out[k] = pairCount{packets: n(3), bytes: n(4), wireBytes: n(5), first: n(6), last: n(7)}
	}
	return out
}

// TestDecodeCorpusFlags checks the decoder's problem reports and counters on
// the corpus against what the truth documents: the only header cut by the
// snap length is frame 1 of tcp-snaplen-truncated-zeek.pcap (inside its TCP
// options); no capture has a malformed Ethernet/IP/TCP/UDP header (tshark's
// malformed frames are all application layers); and the ICMP errors quoting
// PFCP number as truth/README.md lists them. The only malformed frames are
// the mobile-core messages with a wrong length listed in wrongLength.
func TestDecodeCorpusFlags(t *testing.T) {
	// Frames whose GTP/PFCP length field disagrees with a complete UDP
	// datagram (tshark decodes what is there without an expert warning).
	wrongLength := map[string]uint64{
		// Frame 6: a GTPv2-C header announcing 42 bytes in a 12-byte datagram.
		"gtpv2-pcapplusplus.pcap": 1,
		// Every G-PDU from the VPP UPF (26 of 52) counts its 8 mandatory
		// header bytes in the GTP-U length, 8 more than the datagram holds.
		"pfcp-oai-vpp-upg-enterprise-ies.pcap": 26,
	}
	icmpErrors := map[string]uint64{
		"pfcp-open5gs-epc-cups.pcapng":      2,
		"pfcp-open5gs-5g-roaming-hr.pcapng": 2,
		"gtp-open5gs-srsenb-s1-gtpu.pcapng": 2,
		"pfcp-oai-session-failed-icmp.pcap": 30,
	}
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		var c Counts
		d := NewDecoder(Options{})
		var out pipeline.Decoded
		for i, f := range testcap.Read(t, path) {
			d.Decode(f.Data, f.LinkType, f.OrigLen, &out)
			c.count(&out)
			c.countTunnel(d)
			truncated := name == "tcp-snaplen-truncated-zeek.pcap" && i == 0
			if out.Flags.Has(pipeline.FlagTruncated) != truncated {
				t.Errorf("%s frame %d: truncated %v, want %v", name, i+1, !truncated, truncated)
			}
			if out.Flags.Has(pipeline.FlagMalformed) && d.tunnel&tunnelMalformed == 0 {
				t.Errorf("%s frame %d: malformed (% x)", name, i+1, f.Data)
			}
			if out.Flags.Has(pipeline.FlagUnknownLink) {
				t.Errorf("%s frame %d: unknown link type %d", name, i+1, f.LinkType)
			}
		}
		if w := wrongLength[name]; c.TunnelMalformed != w || c.TunnelTruncated != 0 {
			t.Errorf("%s: %d malformed and %d truncated GTP/PFCP messages, want %d and 0", name, c.TunnelMalformed, c.TunnelTruncated, w)
		}
		if w, ok := icmpErrors[name]; ok && c.ICMPErrors != w {
			t.Errorf("%s: %d ICMP errors quoting a packet, want %d", name, c.ICMPErrors, w)
		}
	}
}
