package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

// manifestEntry is one row of a split's manifest.json.
type manifestEntry struct {
	File      string `json:"file"`
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	Packets   int64  `json:"packets"`
	Bytes     int64  `json:"bytes"`
	WireBytes int64  `json:"wire_bytes"`
	LinkType  int    `json:"link_type"`
}

// runCLI runs pcapflow in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func splitCapture(t *testing.T, capture, key string) (dir string, manifest []manifestEntry, summary map[string]any) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "split", capture, "--by", key, "-o", dir, "--json", "--format", "pcapng")
	if code != 0 {
		t.Fatalf("split %s --by %s: exit %d\n%s", filepath.Base(capture), key, code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &summary); err != nil {
		t.Fatalf("summary JSON: %v\n%s", err, stdout)
	}
	return dir, readManifest(t, dir), summary
}

// readManifest returns the rows of the manifest.json a split wrote in dir.
func readManifest(t *testing.T, dir string) []manifestEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatalf("split was not finished: %v", err)
	}
	var manifest []manifestEntry
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return manifest
}

// countFile reads a capture back with pcapflow's reader and returns its packets and captured bytes.
func countFile(t *testing.T, path string) (packets, bytes int64) {
	t.Helper()
	for _, f := range testcap.Read(t, path) {
		packets++
		bytes += int64(f.CapLen)
	}
	return packets, bytes
}

// TestSplitIPPairMatchesTruth splits every corpus capture by IP pair and
// checks, against truth/NAME.ip_pairs.csv (the dpkt recipe, IPv4 only), the
// pairs, packets, captured bytes and wire bytes; that every packet of the
// input is in exactly one output file; and that every output file reads back
// with the manifest's counts.
func TestSplitIPPairMatchesTruth(t *testing.T) {
	for _, capture := range corpus.Captures(t) {
		name := filepath.Base(capture)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir, manifest, _ := splitCapture(t, capture, "ip-pair")
			type counts struct{ packets, bytes, wire int64 }
			got := map[string]counts{}
			var total int64
			for _, m := range manifest {
				p, b := countFile(t, filepath.Join(dir, m.File))
				if p != m.Packets || b != m.Bytes {
					t.Errorf("%s: file holds %d packets %d bytes, manifest says %d and %d", m.File, p, b, m.Packets, m.Bytes)
				}
				total += p
				if m.Kind != "ip-pair" {
					continue // other
				}
				a, bb, ok := strings.Cut(m.Key, " <-> ")
				if !ok {
					t.Fatalf("key %q", m.Key)
				}
				if !netip.MustParseAddr(a).Is4() {
					continue // the truth recipe counts IPv4 only
				}
				c := got[a+"-"+bb]
				got[a+"-"+bb] = counts{c.packets + m.Packets, c.bytes + m.Bytes, c.wire + m.WireBytes}
			}
			ci, ok := corpus.Capinfos(t, capture)
			if !ok {
				t.Fatalf("no capinfos packet count for %s", name)
			}
			if total != ci.Packets {
				t.Errorf("output files hold %d packets, input has %d", total, ci.Packets)
			}
			truth, ok := corpus.Truth(t, capture, "ip_pairs.csv")
			if !ok {
				t.Fatalf("no ip_pairs truth for %s", name)
			}
			want := map[string]counts{}
			for _, r := range corpus.ReadCSV(t, truth) {
				p, _ := strconv.ParseInt(r["packets"], 10, 64)
				b, _ := strconv.ParseInt(r["bytes"], 10, 64)
				w, _ := strconv.ParseInt(r["wire_bytes"], 10, 64)
				want[r["ip_a"]+"-"+r["ip_b"]] = counts{p, b, w}
			}
			if name == "null-loopback-pcapplusplus.pcap" {
				// Frame 3 has the NULL header 0f 00 08 00: tshark and pcapflow
				// decode it as IPv4 (Wireshark's rule for that header), the dpkt
				// recipe behind the truth skips it (truth/README.md, section f).
				want["10.0.0.1-10.0.0.138"] = counts{1, 397, 397}
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("pair %s: got %+v, truth %+v", k, got[k], w)
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("pair %s (%+v) is not in the truth", k, g)
				}
			}
		})
	}
}

// tupleKey parses a 5-tuple manifest key "tcp A:p <-> B:q" (generations may
// follow) into the truth CSV's canonical "A,p,B,q" with A the lower address.
func tupleKey(t *testing.T, key string) (proto, canon string) {
	t.Helper()
	f := strings.Fields(key)
	if len(f) < 4 || f[2] != "<->" {
		t.Fatalf("5-tuple key %q", key)
	}
	a := netip.MustParseAddrPort(f[1])
	b := netip.MustParseAddrPort(f[3])
	if b.Addr().Less(a.Addr()) || (a.Addr() == b.Addr() && b.Port() < a.Port()) {
		a, b = b, a
	}
	return f[0], fmt.Sprintf("%s,%d,%s,%d", a.Addr(), a.Port(), b.Addr(), b.Port())
}

// TestSplit5TupleMatchesConversations checks 5-tuple splits against tshark's
// TCP and UDP conversations (truth/NAME.conv_tcp.csv, conv_udp.csv).
// Generations of a reused tuple are summed, since tshark's conversation
// table keys by tuple only.
func TestSplit5TupleMatchesConversations(t *testing.T) {
	// Captures with GTP-U: tshark's conversation taps also count the
	// tunnelled TCP/UDP headers, so pcapflow's outer conversations must be a
	// subset of tshark's with counts no larger (the rest are inner packets).
	tunnels := map[string]bool{
		"gtp-open5gs-srsenb-s1-gtpu.pcapng":    true,
		"gtpu-ndpi-vlan-inner-ipv6.pcap":       true,
		"gtpu-pcapplusplus.pcap":               true,
		"pfcp-oai-vpp-upg-enterprise-ies.pcap": true,
		"pfcp-open5gs-5g-roaming-hr.pcapng":    true,
		"pfcp-open5gs-epc-cups.pcapng":         true,
		"pfcp-oai-spgwu-heartbeats.pcap":       true,
		"pfcp-oai-session-failed-icmp.pcap":    true,
	}
	// Where the truth counts something other than 5-tuples of whole packets:
	skip := map[string]string{
		// GTP-U: tshark's conversation taps also count the tunnelled TCP/UDP headers.
		"gtpu-zeek-gn-outer-fragmentation.pcap": "tunnelled headers and outer fragments",
		"ip4-fragments-pcapplusplus.pcap":       "tshark counts a reassembled datagram once; pcapflow files every fragment with its first fragment's ports",
		"ip6-fragments-pcapplusplus.pcap":       "tshark counts a reassembled datagram once; pcapflow files every fragment with its first fragment's ports",
		"ipv4frags-wireshark-sample.pcap":       "tshark counts a reassembled datagram once; pcapflow files every fragment with its first fragment's ports",
	}
	for _, capture := range corpus.Captures(t) {
		name := filepath.Base(capture)
		if why := skip[name]; why != "" {
			t.Logf("%s: 5-tuple comparison not applicable: %s", name, why)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, manifest, _ := splitCapture(t, capture, "5-tuple")
			got := map[string][2]int64{}
			for _, m := range manifest {
				if m.Kind != "5-tuple" || !(strings.HasPrefix(m.Key, "tcp ") || strings.HasPrefix(m.Key, "udp ")) {
					continue
				}
				proto, k := tupleKey(t, m.Key)
				g := got[proto+" "+k]
				got[proto+" "+k] = [2]int64{g[0] + m.Packets, g[1] + m.WireBytes}
			}
			want := map[string][2]int64{}
			for _, proto := range []string{"tcp", "udp"} {
				p, ok := corpus.Truth(t, capture, "conv_"+proto+".csv")
				if !ok {
					continue
				}
				for _, r := range corpus.ReadCSV(t, p) {
					f, _ := strconv.ParseInt(r["frames"], 10, 64)
					b, _ := strconv.ParseInt(r["bytes"], 10, 64)
					want[fmt.Sprintf("%s %s,%s,%s,%s", proto, r["addr_a"], r["port_a"], r["addr_b"], r["port_b"])] = [2]int64{f, b}
				}
			}
			var keys []string
			for k := range want {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if tunnels[name] {
					// The same conversation may also run inside the tunnel
					// (a capture on both S1-U and SGi): outer counts are at most tshark's.
					if g := got[k]; g[0] > want[k][0] || g[1] > want[k][1] {
						t.Errorf("%s: got %v frames/bytes, more than tshark's %v", k, g, want[k])
					}
					continue
				}
				if got[k] != want[k] {
					t.Errorf("%s: got %v frames/bytes, tshark %v", k, got[k], want[k])
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("%s (%v) is not a tshark conversation", k, g)
				}
			}
		})
	}
}

// TestSplitTEIDOuterFragments splits the corpus capture whose G-PDUs were
// fragmented on the transport network by TEID: every frame, later
// fragments included, lands in its tunnel's file (tshark's gtp.csv has the
// two TEIDs), none in other.
func TestSplitTEIDOuterFragments(t *testing.T) {
	capture := filepath.Join(corpus.Dir(t), "gtpu-zeek-gn-outer-fragmentation.pcap")
	dir, manifest, _ := splitCapture(t, capture, "teid")
	total := int64(0)
	for _, m := range manifest {
		if m.Kind != "teid" {
			t.Errorf("file %s of kind %s", m.File, m.Kind)
		}
		n, _ := countFile(t, filepath.Join(dir, m.File))
		if n != m.Packets {
			t.Errorf("%s: %d packets, manifest says %d", m.File, n, m.Packets)
		}
		total += n
	}
	ci, ok := corpus.Capinfos(t, filepath.Base(capture))
	if !ok {
		t.Skip("no capinfos truth")
	}
	if len(manifest) != 2 || total != ci.Packets {
		t.Errorf("%d files with %d packets, want 2 files with all %d", len(manifest), total, ci.Packets)
	}
}

// TestSplitIMSIGTPv1C splits the corpus capture of GTPv1-C PDP context
// creations (Gn) by IMSI: tshark 4.0 shows IMSI 460004100000101 in the
// Create PDP Context Request of frame 2 (answered in frame 3, header TEID
// 0x32f02bf9) and 240010123456789 in frame 7 (answered in frame 8, TEID 1);
// each pair goes to its subscriber's file. The other frames (GPRS LLC,
// echo, GTP version 0) have no subscriber.
func TestSplitIMSIGTPv1C(t *testing.T) {
	capture := filepath.Join(corpus.Dir(t), "gtpv1c-zeek-pdp-context.pcapng")
	dir, manifest, _ := splitCapture(t, capture, "imsi")
	got := map[string]int64{}
	for _, m := range manifest {
		n, _ := countFile(t, filepath.Join(dir, m.File))
		got[m.Key] = n
	}
	want := map[string]int64{"imsi 460004100000101": 2, "imsi 240010123456789": 2, "other": 10}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d packets, want %d", k, got[k], n)
		}
	}
}
