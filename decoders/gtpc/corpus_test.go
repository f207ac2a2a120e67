package gtpc

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

const portC = 2123

// columns renders a Summary as tshark's gtp.csv columns.
func columns(s *Summary) map[string]string {
	var types, teids, seqs, ifaces, fteids, v4s, v6s, causes []string
	for i := range min(int(s.NumMsgs), MaxMessages) {
		h := &s.Msgs[i]
		types = append(types, strconv.Itoa(int(h.Type)))
		if h.HasTEID {
			teids = append(teids, fmt.Sprintf("0x%08x", h.TEID))
		}
		seqs = append(seqs, fmt.Sprintf("0x%06x", h.Seq))
	}
	for _, f := range s.StoredFTEIDs() {
		ifaces = append(ifaces, strconv.Itoa(int(f.Interface)))
		fteids = append(fteids, fmt.Sprintf("0x%08x", f.TEID))
		if f.IPv4.IsValid() {
			v4s = append(v4s, f.IPv4.String())
		}
		if f.IPv6.IsValid() {
			v6s = append(v6s, f.IPv6.String())
		}
	}
	for _, c := range s.StoredCauses() {
		causes = append(causes, strconv.Itoa(int(c.Value)))
	}
	paa := ""
	if s.HasPAA && s.PAA.IPv4.IsValid() {
		paa = s.PAA.IPv4.String()
	}
	malformed := "0"
	if s.Malformed {
		malformed = "1"
	}
	j := func(l []string) string { return strings.Join(l, ";") }
	return map[string]string{
		"gtpv2_msg_type": j(types), "gtpv2_teid": j(teids), "gtpv2_seq": j(seqs),
		"fteid_interface_type": j(ifaces), "fteid_teid": j(fteids), "fteid_ipv4": j(v4s), "fteid_ipv6": j(v6s),
		"paa_ipv4": paa, "gtpv2_cause": j(causes), "malformed": malformed,
	}
}

var compared = []string{"gtpv2_msg_type", "gtpv2_teid", "gtpv2_seq", "fteid_interface_type", "fteid_teid",
	"fteid_ipv4", "fteid_ipv6", "paa_ipv4", "gtpv2_cause", "malformed"}

// TestCorpus compares Summarize with tshark's GTPv2 columns for every
// capture with a gtp truth file. Documented differences:
//   - gtpv2-pcapplusplus.pcap frame 3 carries GTPv2 over TCP; pcapflow
//     decodes GTPv2-C on UDP only, so the row is expected to be unmatched.
//   - frame 6 of the same file is cut by the snap length: tshark does not
//     call it malformed and neither does Summarize (it says Truncated).
//   - GTPv1 rows belong to package gtpu.
func TestCorpus(t *testing.T) {
	total := 0
	for _, capture := range corpus.Captures(t) {
		truthPath, ok := corpus.Truth(t, capture, "gtp.csv")
		if !ok {
			continue
		}
		t.Run(filepath.Base(capture), func(t *testing.T) {
			rows := corpus.ByFrame(t, corpus.ReadCSV(t, truthPath))
			seen := make(map[int]bool)
			var s Summary
			for _, fr := range testcap.UDP(t, capture, testcap.Port(portC)) {
				if len(fr.Payload) == 0 || fr.Payload[0]>>5 != 2 {
					continue
				}
				Summarize(fr.Payload, &s)
				row, ok := rows[fr.Frame]
				if !ok || row["gtpv2_msg_type"] == "" {
					t.Errorf("frame %d: summarized %v, tshark shows no GTPv2", fr.Frame, s.First().Type)
					continue
				}
				seen[fr.Frame] = true
				total++
				got := columns(&s)
				if s.NumFTEIDs > MaxFTEIDs || s.NumCauses > MaxCauses {
					t.Logf("frame %d: more F-TEIDs/causes than a Summary keeps; comparing the kept prefix", fr.Frame)
				}
				for _, col := range compared {
					want := row[col]
					if s.NumFTEIDs > MaxFTEIDs && strings.HasPrefix(col, "fteid") || s.NumCauses > MaxCauses && col == "gtpv2_cause" {
						want = want[:min(len(want), len(got[col]))]
					}
					if got[col] != want {
						t.Errorf("frame %d %s: got %q, want %q", fr.Frame, col, got[col], want)
					}
				}
			}
			for n, row := range rows {
				if row["gtpv2_msg_type"] == "" || seen[n] {
					continue
				}
				if strings.Contains(row["protocols"], ":tcp:gtp") {
					continue // GTPv2 over TCP, see above
				}
				t.Errorf("frame %d: tshark shows GTPv2 %s, not summarized", n, row["gtpv2_msg_type"])
			}
		})
	}
	t.Logf("%d GTPv2-C datagrams compared", total)
}
