package decoders

import (
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
	"github.com/pcapflow/pcapflow/pipeline"
)

// first returns the first of a truth field's ';'-joined occurrences.
func first(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		return v[:i]
	}
	return v
}

// num parses a decimal or 0x-prefixed truth number; ok is false when empty.
func num(tb testing.TB, v string) (uint64, bool) {
	tb.Helper()
	v = first(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		tb.Fatalf("bad number %q", v)
	}
	return n, true
}

// decodeAll decodes every frame of a capture with the default options.
func decodeAll(tb testing.TB, path string) []pipeline.Decoded {
	tb.Helper()
	d := NewDecoder(Options{})
	frames := testcap.Read(tb, path)
	out := make([]pipeline.Decoded, len(frames))
	for i, f := range frames {
		d.Decode(f.Data, f.LinkType, f.OrigLen, &out[i])
	}
	return out
}

// TestDecodeCorpusGTP compares the GTP fields of every frame with
// truth/NAME.gtp.csv: GTPv1-U type, TEID and the G-PDU's inner addresses;
// GTPv1-C and GTPv2-C type, TEID and sequence number. tshark reassembles
// fragmented outer datagrams and shows the tunnel on the last fragment,
// where we decode it from the first: rows on a non-first fragment are
// skipped, and a first fragment may carry a tunnel tshark shows elsewhere.
func TestDecodeCorpusGTP(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		tp, ok := corpus.Truth(t, name, "gtp.csv")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			truth := corpus.ByFrame(t, corpus.ReadCSV(t, tp))
			decs := decodeAll(t, path)
			checked := 0
			for i := range decs {
				d := &decs[i]
				fr := uint64(i + 1)
				row, inTruth := truth[int(fr)]
				gtp := d.Layers&(pipeline.LayerGTPU|pipeline.LayerGTPC) != 0
				if !inTruth {
					if gtp && !d.Layers.Has(pipeline.LayerFragment) {
						t.Errorf("frame %d: GTP layers %b, not in truth", fr, d.Layers)
					}
					continue
				}
				if d.Flags.Has(pipeline.FlagNonFirstFragment) || strings.Contains(row["protocols"], ":tcp:gtp") ||
					row["gtpv1_version"] == "0" {
					continue // reassembled by tshark; GTP over TCP and GTP' are not decoded
				}
				checked++
				switch {
				case row["gtpv2_msg_type"] != "":
					typ, _ := num(t, row["gtpv2_msg_type"])
					seq, _ := num(t, row["gtpv2_seq"])
					teid, hasTEID := num(t, row["gtpv2_teid"])
					if strings.Contains(row["gtpv2_msg_type"], ";") {
						// Piggybacked messages: the TEID column mixes them.
						teid, hasTEID = uint64(d.GTPCTEID), d.GTPCHasTEID
					}
					if GTPCVersion(d) != 2 || uint64(d.GTPCType) != typ || uint64(d.GTPCSeq) != seq ||
						d.GTPCHasTEID != hasTEID || uint64(d.GTPCTEID) != teid {
						t.Errorf("frame %d: GTPv2-C v%d type %d seq %#x teid %v/%#x, want type %d seq %#x teid %v/%#x",
							fr, GTPCVersion(d), d.GTPCType, d.GTPCSeq, d.GTPCHasTEID, d.GTPCTEID, typ, seq, hasTEID, teid)
					}
				case row["sport"] == "2123" || row["dport"] == "2123":
					typ, _ := num(t, row["gtpv1_msg_type"])
					teid, _ := num(t, row["gtpv1_teid"])
					if GTPCVersion(d) != 1 || uint64(d.GTPCType) != typ || uint64(d.GTPCTEID) != teid || !d.GTPCHasTEID {
						t.Errorf("frame %d: GTPv1-C v%d type %d teid %#x, want type %d teid %#x", fr, GTPCVersion(d), d.GTPCType, d.GTPCTEID, typ, teid)
					}
				default:
					typ, _ := num(t, row["gtpv1_msg_type"])
					teid, _ := num(t, row["gtpv1_teid"])
					if !d.Layers.Has(pipeline.LayerGTPU) || uint64(d.GTPType) != typ || uint64(d.TEID) != teid {
						t.Errorf("frame %d: GTP-U %v type %d teid %#x, want type %d teid %#x", fr, d.Layers.Has(pipeline.LayerGTPU), d.GTPType, d.TEID, typ, teid)
					}
					src, dst := first(row["inner_src"]), first(row["inner_dst"])
					var want pipeline.Flow
					if src != "" {
						want.Src, want.Dst = netip.MustParseAddr(src), netip.MustParseAddr(dst)
					}
					if d.Inner.Src != want.Src || d.Inner.Dst != want.Dst {
						t.Errorf("frame %d: inner %v → %v, want %v → %v", fr, d.Inner.Src, d.Inner.Dst, want.Src, want.Dst)
					}
					v6 := row["inner_l3"] == "ipv6"
					if src != "" && (d.Layers.Has(pipeline.LayerInnerIPv6) != v6 || d.Layers.Has(pipeline.LayerInnerIPv4) == v6) {
						t.Errorf("frame %d: inner layers %b, want %s", fr, d.Layers, row["inner_l3"])
					}
				}
			}
			if checked == 0 {
				t.Fatal("no truth row checked")
			}
		})
	}
}

// TestDecodeCorpusPFCP compares the PFCP header fields of every frame with
// truth/NAME.pfcp.csv (rows carried in UDP; PFCP quoted by an ICMP error
// must not be marked LayerPFCP), and requires no LayerPFCP elsewhere.
func TestDecodeCorpusPFCP(t *testing.T) {
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		tp, ok := corpus.Truth(t, name, "pfcp.csv")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			truth := corpus.ByFrame(t, corpus.ReadCSV(t, tp))
			decs := decodeAll(t, path)
			checked := 0
			for i := range decs {
				d := &decs[i]
				fr := uint64(i + 1)
				row, inTruth := truth[int(fr)]
				has := d.Layers.Has(pipeline.LayerPFCP)
				switch {
				case !inTruth || row["in_icmp_error"] == "1":
					if has {
						t.Errorf("frame %d: LayerPFCP, but no PFCP on the wire in the truth", fr)
					}
					continue
				case !has:
					t.Errorf("frame %d: no LayerPFCP", fr)
					continue
				}
				checked++
				typ, _ := num(t, row["msg_type"])
				seq, _ := num(t, row["seqno"])
				s, _ := num(t, row["s_flag"])
				seid, _ := num(t, row["header_seid"])
				multi := row["multiple_msgs"] == "1"
				if uint64(d.PFCPType) != typ || uint64(d.PFCPSeq) != seq || d.PFCPHasSEID != (s == 1) ||
					(!multi && d.PFCPSEID != seid) || (multi != (d.PFCPMessages > 1)) {
					t.Errorf("frame %d: type %d seq %d S %v seid %#x msgs %d; want type %d seq %d S %d seid %#x multi %v",
						fr, d.PFCPType, d.PFCPSeq, d.PFCPHasSEID, d.PFCPSEID, d.PFCPMessages, typ, seq, s, seid, multi)
				}
			}
			if checked == 0 {
				t.Fatal("no truth row checked")
			}
		})
	}
}
