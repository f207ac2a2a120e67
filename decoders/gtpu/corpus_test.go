package gtpu

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/internal/corpus"
	"github.com/pcapflow/pcapflow/internal/testcap"
)

const (
	portU = 2152
	portC = 2123
)

// innerAddrs decodes the addresses of a tunnelled IP header minimally.
func innerAddrs(p []byte) (l3 string, src, dst netip.Addr) {
	switch {
	case len(p) >= 20 && p[0]>>4 == 4:
		return "ip", netip.AddrFrom4([4]byte(p[12:16])), netip.AddrFrom4([4]byte(p[16:20]))
	case len(p) >= 40 && p[0]>>4 == 6:
		return "ipv6", netip.AddrFrom16([16]byte(p[8:24])), netip.AddrFrom16([16]byte(p[24:40]))
	}
	return "", netip.Addr{}, netip.Addr{}
}

// TestCorpus compares Parse with tshark's GTPv1 columns for every capture
// that has a gtp truth file. Documented differences:
//   - GTP' (version 0, UDP 3386) rows of gtpv1c-zeek-pdp-context.pcapng are
//     not on 2152/2123 and not GTPv1: they are not read.
//   - GTPv2 rows (version 2 on 2123) belong to package gtpc.
//   - gtpu-zeek-gn-outer-fragmentation.pcap: the outer IPv4 is fragmented;
//     the test reader reassembles it like tshark, so the datagram is
//     compared at the frame that completes it.
//   - The malformed column of GTP-U rows reflects the tunnelled payload
//     (66 reassembled TLS frames in gtp-open5gs-srsenb-s1-gtpu.pcapng),
//     not GTP: the GTP header must parse cleanly whatever it says.
//   - pfcp-oai-vpp-upg-enterprise-ies.pcap: the 26 G-PDUs sent from port
//     27816 have a length field 8 too large (it counts the mandatory header).
//     tshark shows them without complaint; Parse reports Truncated (the
//     bytes end before the length says) with every field valid, and the
//     decode stage, which knows the UDP datagram was complete, can tell a
//     bad length from a snap-length cut.
func TestCorpus(t *testing.T) {
	for _, capture := range corpus.Captures(t) {
		truthPath, ok := corpus.Truth(t, capture, "gtp.csv")
		if !ok {
			continue
		}
		name := filepath.Base(capture)
		t.Run(name, func(t *testing.T) {
			rows := corpus.ByFrame(t, corpus.ReadCSV(t, truthPath))
			frames := testcap.UDP(t, capture, testcap.Port(portU, portC))
			seen := make(map[int]bool)
			lengthWithHeader := 0
			var h Header
			for _, fr := range frames {
				if len(fr.Payload) == 0 || fr.Payload[0]>>5 != 1 {
					continue // GTPv2 (gtpc) or not GTP
				}
				off, st := Parse(fr.Payload, &h)
				row, ok := rows[fr.Frame]
				if !ok {
					t.Errorf("frame %d: parsed %v TEID %#x (status %v), tshark shows no GTP", fr.Frame, h.Type, h.TEID, st)
					continue
				}
				seen[fr.Frame] = true
				if st == Truncated && HeaderLen+int(h.Length)-len(fr.Payload) == HeaderLen {
					// Length field counts the mandatory header too (see above).
					lengthWithHeader++
				} else if st != OK {
					t.Errorf("frame %d: status %v", fr.Frame, st)
					continue
				}
				got := []string{strconv.Itoa(int(h.Version)), strconv.Itoa(int(h.Type)), fmt.Sprintf("0x%08x", h.TEID)}
				want := []string{row["gtpv1_version"], row["gtpv1_msg_type"], row["gtpv1_teid"]}
				if h.Type == GPDU {
					l3, src, dst := innerAddrs(fr.Payload[off:])
					got = append(got, l3, src.String(), dst.String())
					want = append(want, row["inner_l3"], row["inner_src"], row["inner_dst"])
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("frame %d:\n got %v\nwant %v", fr.Frame, got, want)
				}
			}
			if lengthWithHeader > 0 {
				t.Logf("%d G-PDUs whose length field includes the 8-octet header (Parse says Truncated)", lengthWithHeader)
			}
			for n, row := range rows {
				if row["gtpv1_version"] == "1" && !seen[n] {
					t.Errorf("frame %d: tshark shows GTPv1 %s, not parsed", n, row["gtpv1_msg_type"])
				}
			}
		})
	}
}
