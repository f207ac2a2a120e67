package stats

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders"
	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/pipeline/input"
)

// runStats runs paths through the decode stage into a stats sink.
func runStats(t testing.TB, paths []string, opts input.Options) *Report {
	t.Helper()
	src := input.NewSourceFiles(paths, opts)
	inputs := &pipeline.Inputs{}
	sink, err := New(Options{Inputs: inputs, Snaplen: src.Snaplen})
	if err != nil {
		t.Fatal(err)
	}
	g := &pipeline.Graph{Source: src, Stages: []pipeline.Stage{decoders.NewStage(decoders.Options{})}, Sinks: []pipeline.Sink{sink}, Inputs: inputs, Workers: 2}
	if _, err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sink.Report()
}

// capinfos is what truth/NAME.capinfos.txt says.
type capinfos struct {
	fields  map[string]string // first value of each "Key: value" line
	encaps  map[string]int64  // encapsulation → packets (-1: all)
	snaplen uint32            // file header, or largest interface capture length
}

func readCapinfos(t *testing.T, path string) capinfos {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ci := capinfos{fields: map[string]string{}, encaps: map[string]int64{}}
	inEncaps := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if inEncaps && strings.HasPrefix(line, "   ") && strings.HasSuffix(trim, ")") && !strings.Contains(trim, "=") {
			name, n, _ := strings.Cut(trim, " (")
			k, _ := strconv.ParseInt(strings.TrimSuffix(n, ")"), 10, 64)
			ci.encaps[name] = k
			continue
		}
		inEncaps = false
		if k, v, ok := strings.Cut(trim, " = "); ok && k == "Capture length" {
			n, _ := strconv.ParseUint(v, 10, 32)
			ci.snaplen = max(ci.snaplen, uint32(n))
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		if _, seen := ci.fields[key]; !seen {
			ci.fields[key] = val
		}
		switch key {
		case "File encapsulation":
			if val != "Per packet" {
				ci.encaps[val] = -1
			}
		case "Encapsulation in use by packets (# of pkts)":
			inEncaps = true
		case "Packet size limit":
			if n, ok := strings.CutPrefix(val, "file hdr: "); ok {
				v, _ := strconv.ParseUint(strings.TrimSuffix(n, " bytes"), 10, 32)
				ci.snaplen = uint32(v)
			}
		}
	}
	return ci
}

// encapsulations maps capinfos' encapsulation names to link type names.
var encapsulations = map[string]string{
	"Ethernet": "ethernet", "NULL/Loopback": "null", "Raw IP": "raw",
	"Linux cooked-mode capture v1": "linux-sll", "Linux cooked-mode capture v2": "linux-sll2",
}

// index reads truth/INDEX.csv into name → column → value.
func index(t *testing.T) map[string]map[string]string {
	f, err := os.Open(filepath.Join(corpus.Dir(t), "truth", "INDEX.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out[r[0]] = m
	}
	return out
}

// protoFrames counts the frames whose hierarchy has a node named one of names
// (anywhere, or only outside a GTP-U tunnel with outerOnly).
func protoFrames(f *File, outerOnly bool, names ...string) int64 {
	var n int64
	for _, p := range f.Protocols {
		parts := strings.Split(p.Path, ":")
		if outerOnly && slices.Contains(parts[:len(parts)-1], "gtp-u") {
			continue
		}
		if slices.Contains(names, parts[len(parts)-1]) {
			n += p.Packets
		}
	}
	return n
}

// protoDiffs are the known differences between tshark's protocol counts
// (INDEX.csv) and the hierarchy's (truth minus ours), by capture and column.
var protoDiffs = map[string]map[string]int64{
	// PFCP quoted inside ICMP errors matches tshark's "pfcp" filter; the
	// hierarchy files those frames under icmp (truth/README.md lists them).
	"gtp-open5gs-srsenb-s1-gtpu.pcapng": {"pfcp_frames": 2, "tcp_frames": -1},
	"pfcp-open5gs-5g-roaming-hr.pcapng": {"pfcp_frames": 2},
	"pfcp-open5gs-epc-cups.pcapng":      {"pfcp_frames": 2},
	"pfcp-oai-session-failed-icmp.pcap": {"pfcp_frames": 30},
	// tshark reassembles the fragmented outer IPv4 packets and shows GTP
	// (and the inner TCP) on the reassembling frame only; pcapflow decodes
	// each first fragment, which carries the UDP and GTP headers.
	"gtpu-zeek-gn-outer-fragmentation.pcap": {"gtp_frames": -4, "tcp_frames": -4},
	// GTPv1-C messages the decode stage does not mark as GTP-C.
	"gtpv1c-zeek-pdp-context.pcapng": {"gtp_frames": 6},
	// The GTPv2 frame tshark marks malformed is not marked GTP-C here.
	"gtpv2-pcapplusplus.pcap": {"gtp_frames": 1},
	// The dpkt recipe skips frame 3 (NULL header 0f 00 08 00), which
	// tshark and pcapflow read as IPv4 (truth/README.md).
	"null-loopback-pcapplusplus.pcap": {"ipv4_frames": -1},
	// One TCP header tshark finds quoted inside an ICMP error.
	"skypeirc.cap": {"tcp_frames": 1},
}

func TestCorpusAgainstTruth(t *testing.T) {
	idx := index(t)
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			truthPath, ok := corpus.Truth(t, path, "capinfos.txt")
			if !ok {
				t.Skip("no capinfos truth")
			}
			ci := readCapinfos(t, truthPath)
			r := runStats(t, []string{path}, input.Options{})
			f := &r.Files[0]
			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s: got %q, capinfos says %q", what, got, want)
				}
			}
			check("status", f.Status, "ok")
			check("packets", fmt.Sprint(f.Packets), ci.fields["Number of packets"])
			if v := ci.fields["Data size"]; strings.HasSuffix(v, " bytes") {
				check("data size", fmt.Sprintf("%d bytes", f.WireBytes), v)
			}
			if v := ci.fields["First packet time"]; v != "" && v != "n/a" {
				check("first packet time", f.FirstTime, v)
				check("last packet time", f.LastTime, ci.fields["Last packet time"])
				check("duration", f.Duration+" seconds", ci.fields["Capture duration"])
			}
			check("snaplen", fmt.Sprint(f.Snaplen), fmt.Sprint(ci.snaplen))
			var got, want []string
			for _, l := range f.LinkTypes {
				got = append(got, fmt.Sprintf("%s=%d", l.Name, l.Packets))
			}
			for e, n := range ci.encaps {
				if n < 0 {
					n = f.Packets
				}
				want = append(want, fmt.Sprintf("%s=%d", encapsulations[e], n))
			}
			slices.Sort(got)
			slices.Sort(want)
			check("link types", strings.Join(got, " "), strings.Join(want, " "))
			if r.Total.Packets != f.Packets || r.Total.WireBytes != f.WireBytes {
				t.Errorf("total %d packets %d bytes, file %d %d", r.Total.Packets, r.Total.WireBytes, f.Packets, f.WireBytes)
			}

			row := idx[name]
			for _, c := range []struct {
				col string
				got int64
			}{
				{"tcp_frames", protoFrames(f, false, "tcp")},
				{"gtp_frames", protoFrames(f, false, "gtp-u", "gtp-c")},
				{"pfcp_frames", protoFrames(f, false, "pfcp")},
				{"ipv4_frames", protoFrames(f, true, "ipv4")},
			} {
				if row[c.col] == "" {
					continue
				}
				w, _ := strconv.ParseInt(row[c.col], 10, 64)
				w -= protoDiffs[name][c.col]
				if c.got != w {
					t.Errorf("%s: %d in the protocol hierarchy, truth %s (known difference %d)", c.col, c.got, row[c.col], protoDiffs[name][c.col])
				}
			}
		})
	}
}

func decodersStage() pipeline.Stage { return decoders.NewStage(decoders.Options{}) }

// TestCorpusFragments checks the reassembled-datagram counts on the
// captures with IP fragments against tshark 4.0.17's (frames with an
// ip.fragment.count or ipv6.fragment.count field: where it completed a
// datagram; outer and tunnelled). Incomplete counts have no tshark field:
// gtpu-zeek-gn-outer-fragmentation's 4 are first fragments whose later ones
// are not in the file.
func TestCorpusFragments(t *testing.T) {
	dir := corpus.Dir(t)
	for _, tt := range []struct {
		name                    string
		reassembled, incomplete int64
	}{
		{"ip4-fragments-pcapplusplus.pcap", 6, 0},
		{"ip6-fragments-pcapplusplus.pcap", 4, 0},
		{"ipv4frags-wireshark-sample.pcap", 1, 0},
		{"gtpu-zeek-gn-outer-fragmentation.pcap", 36, 4},
		{"gtp-open5gs-srsenb-s1-gtpu.pcapng", 29, 0},
	} {
		r := runStats(t, []string{filepath.Join(dir, tt.name)}, input.Options{})
		if f := r.Total; f.FragmentedReassembled != tt.reassembled || f.FragmentedIncomplete != tt.incomplete {
			t.Errorf("%s: %d datagrams reassembled, %d incomplete; want %d, %d", tt.name,
				f.FragmentedReassembled, f.FragmentedIncomplete, tt.reassembled, tt.incomplete)
		}
	}
}
