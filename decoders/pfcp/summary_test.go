package pfcp

import (
	"fmt"
	"strings"
	"testing"
)

// summaryText renders the parts of a Summary the tests compare.
func summaryText(s *Summary) string {
	var b strings.Builder
	h := s.Header
	fmt.Fprintf(&b, "ok=%v msgs=%d type=%d s=%v seid=%#x seq=%d ies=%d\n", s.HeaderOK, s.Messages, h.Type, h.HasSEID, h.SEID, h.Seq, s.IEs)
	for i := 0; i < min(s.NumFSEIDs, SummaryFSEIDs); i++ {
		fmt.Fprintf(&b, "fseid %#x %v %v\n", s.FSEIDs[i].SEID, s.FSEIDs[i].IPv4, s.FSEIDs[i].IPv6)
	}
	if s.HasNodeID {
		fmt.Fprintf(&b, "node %v %s\n", s.NodeIDType, s.NodeText(nil))
	}
	if s.HasCause {
		fmt.Fprintf(&b, "cause %d\n", s.Cause)
	}
	fmt.Fprintf(&b, "fteids=%d", s.NumFTEIDs)
	for i := 0; i < min(s.NumFTEIDs, SummaryFTEIDs); i++ {
		fmt.Fprintf(&b, " %#x/%v", s.FTEIDs[i].TEID, s.FTEIDs[i].IPv4)
	}
	fmt.Fprintf(&b, "\nueips=%d", s.NumUEIPs)
	for i := 0; i < min(s.NumUEIPs, SummaryUEIPs); i++ {
		fmt.Fprintf(&b, " %v", s.UEIPs[i].IPv4)
	}
	fmt.Fprintf(&b, "\nvendor=%d %v\n", s.NumVendorIEs, s.EnterpriseIDs[:min(s.NumVendorIEs, SummaryEnterprises)])
	if s.Malformed {
		fmt.Fprintf(&b, "malformed %v @%d\n", s.Err, s.ErrOffset)
	}
	return b.String()
}

func TestSummarize(t *testing.T) {
	resp := mkSessionMsg(0, SessionEstablishmentResponse, 0x1111, 7, 0,
		nodeIDv4("10.0.0.2"), mkIE(IECause, []byte{1}), fseidIE(0x2222, "10.0.0.2", "2001:db8::2"),
		mkIE(IECreatedPDR, mkIE(IEPDRID, be16(1)), fteidIE(0xabc, "10.0.0.2")),
		mkVendorIE(32771, 18681, []byte{1, 2}),
	)
	hbFQDN := mkNodeMsg(0, AssociationSetupResponse, 3,
		mkIE(IENodeID, []byte{2}, []byte("\x03gw1\x06vppupf\x04node")), mkIE(IECause, []byte{1}),
		mkIE(IERecoveryTimeStamp, be32(0xe3d90af4)), mkVendorIE(32770, 3561, nil))
	cut := resp[:len(resp)-3]
	badIE := mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, mkIE(IECause, []byte{1}), []byte{0, 57, 0, 40, 1})
	chained := cat(
		mkSessionMsg(flagFO, SessionDeletionRequest, 9, 1, 0),
		mkSessionMsg(0, SessionDeletionResponse, 10, 1, 0, mkIE(IECause, []byte{65})),
	)
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"establishment request", sessionEstablishmentRequest(1),
			"ok=true msgs=1 type=50 s=true seid=0x0 seq=1 ies=41\nfseid 0x1111 10.0.0.1 invalid IP\nnode IPv4 10.0.0.1\n" +
				"fteids=1 0x0/invalid IP\nueips=2 10.45.0.2 10.45.0.2\nvendor=0 []\n"},
		{"establishment response", resp,
			"ok=true msgs=1 type=51 s=true seid=0x1111 seq=7 ies=7\nfseid 0x2222 10.0.0.2 2001:db8::2\nnode IPv4 10.0.0.2\ncause 1\n" +
				"fteids=1 0xabc/10.0.0.2\nueips=0\nvendor=1 [18681]\n"},
		{"association setup with FQDN", hbFQDN,
			"ok=true msgs=1 type=6 s=false seid=0x0 seq=3 ies=4\nnode FQDN gw1.vppupf.node\ncause 1\nfteids=0\nueips=0\nvendor=1 [3561]\n"},
		{"truncated datagram keeps leading IEs", cut,
			"ok=true msgs=1 type=51 s=true seid=0x1111 seq=7 ies=6\nfseid 0x2222 10.0.0.2 2001:db8::2\nnode IPv4 10.0.0.2\ncause 1\n" +
				"fteids=1 0xabc/10.0.0.2\nueips=0\nvendor=0 []\nmalformed " + ErrLength.Error() + " @0\n"},
		{"IE past end", badIE,
			"ok=true msgs=1 type=52 s=true seid=0x5 seq=8 ies=1\ncause 1\nfteids=0\nueips=0\nvendor=0 []\nmalformed " +
				ErrIETruncated.Error() + " @21\n"},
		{"two chained messages", chained,
			"ok=true msgs=2 type=54 s=true seid=0x9 seq=1 ies=1\ncause 65\nfteids=0\nueips=0\nvendor=0 []\n"},
		{"not PFCP", []byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}, "ok=false msgs=0 type=0 s=true seid=0x40110000 seq=655360 ies=0\nfteids=0\nueips=0\nvendor=0 []\nmalformed " + ErrVersion.Error() + " @0\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Summary
			Summarize(tc.b, &s)
			if got := summaryText(&s); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestSummarizeReuse checks that summarizing into a used Summary leaves no
// trace of the previous datagram.
func TestSummarizeReuse(t *testing.T) {
	msgs := [][]byte{
		sessionEstablishmentRequest(1),
		mkNodeMsg(0, HeartbeatRequest, 2, mkIE(IERecoveryTimeStamp, be32(1))),
		mkNodeMsg(0, AssociationSetupRequest, 3, mkIE(IENodeID, []byte{2}, []byte("\x04long\x04name\x04here"))),
		mkNodeMsg(0, AssociationSetupRequest, 4, mkIE(IENodeID, []byte{2}, []byte("\x01x"))),
		mkSessionMsg(0, SessionReportRequest, 3, 4, 0, mkVendorIE(32800, 3561, []byte{1}), []byte{0, 1}),
		{0x21, 50, 0},
	}
	for i, a := range msgs {
		for j, b := range msgs {
			var reused, fresh Summary
			Summarize(a, &reused)
			Summarize(b, &reused)
			Summarize(b, &fresh)
			if reused != fresh {
				t.Errorf("summarizing %d then %d differs from %d alone:\n%s\nvs\n%s", i, j, j, summaryText(&reused), summaryText(&fresh))
			}
		}
	}
}

func TestSummarizeAllocs(t *testing.T) {
	msgs := [][]byte{
		sessionEstablishmentRequest(1),
		mkNodeMsg(0, AssociationSetupResponse, 3, mkIE(IENodeID, []byte{2}, []byte("\x03gw1\x06vppupf\x04node"))),
		{0x21, 50, 0, 40, 1},
		mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, []byte{0, 57, 0, 40, 1}),
	}
	var s Summary
	for i, m := range msgs {
		if n := testing.AllocsPerRun(100, func() { Summarize(m, &s) }); n != 0 {
			t.Errorf("message %d: %v allocations per Summarize", i, n)
		}
	}
}

func TestSummaryCapacity(t *testing.T) {
	var ies [][]byte
	for i := 0; i < SummaryFSEIDs+2; i++ {
		ies = append(ies, fseidIE(uint64(i), "10.0.0.1", ""))
	}
	for i := 0; i < SummaryEnterprises+3; i++ {
		ies = append(ies, mkVendorIE(32768, uint16(i), nil))
	}
	for i := 0; i < SummaryFTEIDs+1; i++ {
		ies = append(ies, mkIE(IECreatePDR, mkIE(IEPDI, fteidIE(uint32(i), "10.0.0.3"))))
	}
	var s Summary
	Summarize(mkSessionMsg(0, SessionModificationRequest, 1, 1, 0, ies...), &s)
	if s.NumFSEIDs != SummaryFSEIDs+2 || s.NumVendorIEs != SummaryEnterprises+3 || s.NumFTEIDs != SummaryFTEIDs+1 || s.Malformed {
		t.Fatalf("counts: %s", summaryText(&s))
	}
	if s.FSEIDs[SummaryFSEIDs-1].SEID != SummaryFSEIDs-1 || s.EnterpriseIDs[SummaryEnterprises-1] != SummaryEnterprises-1 ||
		s.FTEIDs[SummaryFTEIDs-1].TEID != SummaryFTEIDs-1 {
		t.Errorf("kept values: %s", summaryText(&s))
	}
}
