package pfcp

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
)

// pfcpCaptures returns the corpus captures that have a PFCP truth file.
func pfcpCaptures(tb testing.TB) []string {
	var out []string
	for _, c := range corpus.Captures(tb) {
		if _, ok := corpus.Truth(tb, c, "pfcp.csv"); ok {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		tb.Fatal("corpus has no PFCP truth files")
	}
	return out
}

func hexSEID(v uint64) string { return fmt.Sprintf("0x%016x", v) }

// tsharkView collects what tshark 4.0 reports for a message body: F-SEIDs,
// node ids and causes at every depth, in document order (tshark's fields
// are per frame, not per IE level). tshark also files two other IEs under
// its node_id fields: the addresses of Remote GTP-U Peer (103) and the FQDN
// of SMF Set ID (180), so they are collected as node ids too. The truth's
// node_id column is the first non-empty of tshark's IPv4, IPv6 and FQDN
// node id lists (make_truth.py), so they are kept apart.
type tsharkView struct {
	seids, v4s, v6s, causes []string
	nodes                   [3][]string // IPv4, IPv6, FQDN
	// top-level values, to check Summarize against.
	topSEIDs []string
	topNode  string
	topCause string
}

func collectTshark(body []byte) tsharkView {
	var v tsharkView
	var walk func(it *IEIterator)
	walk = func(it *IEIterator) {
		for it.Next() {
			ie := it.IE()
			switch ie.Type {
			case IEFSEID:
				if f, ok := ie.FSEID(); ok {
					v.seids = append(v.seids, hexSEID(f.SEID))
					if f.IPv4.IsValid() {
						v.v4s = append(v.v4s, f.IPv4.String())
					}
					if f.IPv6.IsValid() {
						v.v6s = append(v.v6s, f.IPv6.String())
					}
					if ie.Depth() == 0 {
						v.topSEIDs = append(v.topSEIDs, hexSEID(f.SEID))
					}
				}
			case IENodeID:
				if n, ok := ie.NodeID(); ok {
					txt := string(n.AppendText(nil))
					v.nodes[n.Type] = append(v.nodes[n.Type], txt)
					if ie.Depth() == 0 && v.topNode == "" {
						v.topNode = txt
					}
				}
			case 103: // Remote GTP-U Peer: flags (V6, V4), then the addresses
				if len(ie.Value) > 0 {
					p := ie.Value[1:]
					if ie.Value[0]&0x02 != 0 && len(p) >= 4 {
						v.nodes[NodeIDIPv4] = append(v.nodes[NodeIDIPv4], addrString(p[:4]))
						p = p[4:]
					}
					if ie.Value[0]&0x01 != 0 && len(p) >= 16 {
						v.nodes[NodeIDIPv6] = append(v.nodes[NodeIDIPv6], addrString(p[:16]))
					}
				}
			case 180: // SMF Set ID: a spare octet, then an FQDN
				if len(ie.Value) > 1 {
					v.nodes[NodeIDFQDN] = append(v.nodes[NodeIDFQDN], string(AppendName(nil, ie.Value[1:])))
				}
			case IECause:
				if c, ok := ie.Cause(); ok {
					v.causes = append(v.causes, strconv.Itoa(int(c)))
					if ie.Depth() == 0 && v.topCause == "" {
						v.topCause = strconv.Itoa(int(c))
					}
				}
			}
			if ie.IsGrouped() {
				g := ie.Group()
				walk(&g)
			}
		}
	}
	it := NewIEIterator(body)
	walk(&it)
	return v
}

func addrString(b []byte) string {
	a, _ := netip.AddrFromSlice(b)
	return a.String()
}

// truthFields renders a datagram as the truth file's columns: header,
// enterprise ids and the malformed flag from its Summary, the per-frame
// IE values from collectTshark.
func truthFields(s *Summary, v tsharkView, multi bool) map[string]string {
	h := s.Header
	m := map[string]string{
		"msg_type":       strconv.Itoa(int(h.Type)),
		"s_flag":         "0",
		"seqno":          strconv.Itoa(int(h.Seq)),
		"fseid_seid":     strings.Join(v.seids, ";"),
		"fseid_ipv4":     strings.Join(v.v4s, ";"),
		"fseid_ipv6":     strings.Join(v.v6s, ";"),
		"node_id":        "",
		"cause":          strings.Join(v.causes, ";"),
		"malformed":      "0",
		"enterprise_ids": "",
	}
	for _, list := range v.nodes {
		if len(list) > 0 {
			m["node_id"] = strings.Join(list, ";")
			break
		}
	}
	if h.HasSEID {
		m["s_flag"] = "1"
		if !multi {
			m["header_seid"] = hexSEID(h.SEID)
		}
	}
	var ents []string
	for i := 0; i < min(s.NumVendorIEs, SummaryEnterprises); i++ {
		ents = append(ents, strconv.Itoa(int(s.EnterpriseIDs[i])))
	}
	m["enterprise_ids"] = strings.Join(ents, ";")
	if s.Malformed {
		m["malformed"] = "1"
	}
	return m
}

// checkSummaryTopLevel checks Summarize's top-level F-SEIDs, Node ID and
// Cause against the same values found by walking the IEs by hand.
func checkSummaryTopLevel(t *testing.T, frame int, s *Summary, v tsharkView) {
	t.Helper()
	var seids []string
	for i := 0; i < min(s.NumFSEIDs, SummaryFSEIDs); i++ {
		seids = append(seids, hexSEID(s.FSEIDs[i].SEID))
	}
	if strings.Join(seids, ";") != strings.Join(v.topSEIDs, ";") {
		t.Errorf("frame %d: Summary F-SEIDs %v, top-level walk %v", frame, seids, v.topSEIDs)
	}
	if got := string(s.NodeText(nil)); got != v.topNode {
		t.Errorf("frame %d: Summary node %q, top-level walk %q", frame, got, v.topNode)
	}
	cause := ""
	if s.HasCause {
		cause = strconv.Itoa(int(s.Cause))
	}
	if cause != v.topCause {
		t.Errorf("frame %d: Summary cause %q, top-level walk %q", frame, cause, v.topCause)
	}
}

var truthColumns = []string{"msg_type", "s_flag", "header_seid", "seqno", "fseid_seid", "fseid_ipv4", "fseid_ipv6",
	"node_id", "cause", "enterprise_ids", "malformed"}

// TestCorpusTruth decodes every PFCP datagram on UDP 8805 of the corpus and
// compares it with tshark's answers in truth/NAME.pfcp.csv.
func TestCorpusTruth(t *testing.T) {
	for _, capPath := range pfcpCaptures(t) {
		name := filepath.Base(capPath)
		t.Run(name, func(t *testing.T) {
			truthPath, _ := corpus.Truth(t, capPath, "pfcp.csv")
			want := map[int]map[string]string{}
			for _, r := range corpus.ReadCSV(t, truthPath) {
				if r["in_icmp_error"] == "1" {
					continue // PFCP quoted in an ICMP error: not on UDP 8805 itself
				}
				fr, _ := strconv.Atoi(r["frame"])
				want[fr] = r
			}
			got := readPFCP(t, capPath)
			if len(got) != len(want) {
				t.Errorf("%d datagrams on UDP 8805, truth has %d non-ICMP PFCP rows", len(got), len(want))
			}
			var s Summary
			for _, d := range got {
				row, ok := want[d.Frame]
				if !ok {
					t.Errorf("frame %d: UDP 8805 datagram not in truth", d.Frame)
					continue
				}
				Summarize(d.Payload, &s)
				multi := row["multiple_msgs"] == "1"
				if multi != (s.Messages > 1) {
					t.Errorf("frame %d: %d messages, truth multiple_msgs=%s", d.Frame, s.Messages, row["multiple_msgs"])
				}
				v := collectTshark(s.Header.Body(d.Payload))
				checkSummaryTopLevel(t, d.Frame, &s, v)
				fields := truthFields(&s, v, multi)
				for _, col := range truthColumns {
					w, g := row[col], fields[col]
					if w != g && !knownDifference(name, d.Frame, col, w, g) {
						t.Errorf("frame %d %s: got %q, tshark %q", d.Frame, col, g, w)
					}
				}
			}
		})
	}
}

// knownDifference lists where this decoder and tshark 4.0 disagree on
// purpose; see the comments for why.
//
// The malformed flag: this package checks structure (header and IE
// lengths), not the content of IEs it does not decode. tshark also raises
// "Malformed Packet" for bad content inside well-formed IEs: an IMSI with
// invalid digits in a User ID IE (the scapy file's frames 60, 86 and 178,
// expert note "Malformed IMSI") and an 8-octet integer field in an IE too
// short for it (nDPI frame 10, "Trying to fetch an unsigned integer with
// length 8"). Those frames are structurally sound, so Summary.Malformed
// stays false there.
func knownDifference(capture string, frame int, col, want, got string) bool {
	if col != "malformed" || want != "1" || got != "0" {
		return false
	}
	switch capture {
	case "pfcp-scapy-random-messages-rawip.pcap":
		return frame == 60 || frame == 86 || frame == 178
	case "pfcp-ndpi-oddities-rawip.pcapng":
		return frame == 10
	}
	return false
}
