package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/decoders/gtpc"
	"github.com/pcapflow/pcapflow/pipeline"
)

// checkTsharkGTPC compares tshark's GTPv2-C fields of frame i (goldens of
// the gtpc generator carry them) with pcapflow's decoding: the header from
// the decode stage, and IMSI, causes, F-TEIDs (interface, TEID, address, in
// message order with nested ones where their bearer context is), PAA and
// EBIs from decoders/gtpc. Frames without GTPv2-C must have none of them.
func checkTsharkGTPC(t *testing.T, g *tsharkGolden, i int, data []byte, d *pipeline.Decoded) {
	t.Helper()
	row := g.rows[i]
	field := func(name string) string { return row[g.col[name]] }
	fields := []string{"gtpv2.message_type", "gtpv2.teid", "gtpv2.seq", "e212.imsi", "gtpv2.cause",
		"gtpv2.f_teid_interface_type", "gtpv2.f_teid_gre_key", "gtpv2.f_teid_ipv4", "gtpv2.f_teid_ipv6",
		"gtpv2.pdn_addr_and_prefix.ipv4", "gtpv2.pdn_addr_and_prefix.ipv6", "gtpv2.ebi"}
	if !d.Layers.Has(pipeline.LayerGTPC) {
		for _, f := range fields {
			if v := field(f); v != "" {
				t.Errorf("frame %d: tshark %s = %q, pcapflow finds no GTPv2-C", i+1, f, v)
			}
		}
		return
	}
	var s gtpc.Summary
	gtpc.Summarize(data[d.PayloadOffset:d.PayloadOffset+d.PayloadLen], &s)
	if s.Status != gtpc.OK || s.NumMsgs != 1 {
		t.Errorf("frame %d: pcapflow's GTPv2-C summary: status %v, %d messages", i+1, s.Status, s.NumMsgs)
		return
	}
	// Every field as pcapflow renders it, in tshark's notation.
	var want [12][]string
	hex8 := func(v uint32) string { return fmt.Sprintf("0x%08x", v) }
	want[0] = []string{strconv.Itoa(int(d.GTPCType))}
	if d.GTPCHasTEID {
		want[1] = []string{hex8(d.GTPCTEID)}
	}
	want[2] = []string{fmt.Sprintf("0x%06x", d.GTPCSeq)}
	if s.HasIMSI {
		want[3] = []string{s.IMSI.String()}
	}
	for _, c := range s.StoredCauses() {
		want[4] = append(want[4], strconv.Itoa(int(c.Value)))
	}
	for _, f := range s.StoredFTEIDs() {
		want[5] = append(want[5], strconv.Itoa(int(f.Interface)))
		want[6] = append(want[6], hex8(f.TEID))
		if f.IPv4.IsValid() {
			want[7] = append(want[7], f.IPv4.String())
		}
		if f.IPv6.IsValid() {
			want[8] = append(want[8], f.IPv6.String())
		}
	}
	if s.HasPAA {
		if s.PAA.IPv4.IsValid() {
			want[9] = []string{s.PAA.IPv4.String()}
		}
		if s.PAA.IPv6.IsValid() {
			want[10] = []string{s.PAA.IPv6.String()}
		}
	}
	for _, e := range s.StoredEBIs() {
		want[11] = append(want[11], strconv.Itoa(int(e)))
	}
	if int(s.NumFTEIDs) > gtpc.MaxFTEIDs || int(s.NumCauses) > gtpc.MaxCauses || int(s.NumEBIs) > gtpc.MaxEBIs {
		t.Errorf("frame %d: more F-TEIDs, causes or EBIs than a summary keeps: the golden cannot be compared", i+1)
	}
	for k, f := range fields {
		got := field(f)
		if k == 7 || k == 8 || k == 9 || k == 10 {
			got = canonAddrs(got)
		}
		if w := strings.Join(want[k], ","); got != w {
			t.Errorf("frame %d: tshark %s = %q, pcapflow %q", i+1, f, got, w)
		}
	}
}

// canonAddrs rewrites a comma-separated address list in netip's notation.
func canonAddrs(s string) string {
	if s == "" {
		return s
	}
	v := strings.Split(s, ",")
	for k, a := range v {
		if p, err := netip.ParseAddr(a); err == nil {
			v[k] = p.String()
		}
	}
	return strings.Join(v, ",")
}
