package pfcp

import (
	"path/filepath"
	"testing"
)

// checkScan checks Summarize (a linear scan) against summarizeReference
// (the IE iterators) on datagram b, and SummarizeTop against Summarize
// without the details it leaves out.
func checkScan(t *testing.T, b []byte) {
	t.Helper()
	var got, want, top Summary
	Summarize(b, &got)
	summarizeReference(b, &want)
	if got != want {
		t.Fatalf("Summarize differs from the iterator walk on % x:\n got %s\nwant %s", b, summaryText(&got), summaryText(&want))
	}
	SummarizeTop(b, &top)
	// Over a Summary full of details, SummarizeTop gives the same but
	// for the detail arrays, which it leaves.
	dirty := got
	Summarize(sessionEstablishmentRequest(7), &dirty)
	SummarizeTop(b, &dirty)
	dirty.NodeName, dirty.FTEIDs, dirty.UEIPs, dirty.OHCs = top.NodeName, top.FTEIDs, top.UEIPs, top.OHCs
	if dirty != top {
		t.Fatalf("SummarizeTop depends on the previous content of the Summary on % x:\n got %s\nwant %s", b, summaryText(&dirty), summaryText(&top))
	}
	want.HasNodeID, want.NodeIDType, want.NodeAddr, want.NodeName, want.NodeNameLen = false, 0, top.NodeAddr, [MaxNodeName]byte{}, 0
	want.FTEIDs, want.NumFTEIDs = [SummaryFTEIDs]FTEID{}, 0
	want.UEIPs, want.NumUEIPs = [SummaryUEIPs]UEIPAddress{}, 0
	want.OHCs, want.NumOHCs = [SummaryOHCs]OuterHeaderCreation{}, 0
	if top != want {
		t.Fatalf("SummarizeTop differs from Summarize on % x:\n got %s\nwant %s", b, summaryText(&top), summaryText(&want))
	}
}

// TestSummarizeScanCorpus: on every PFCP datagram of the corpus, and on
// cut and corrupted copies of them, Summarize equals the iterator walk.
func TestSummarizeScanCorpus(t *testing.T) {
	n := 0
	for _, capPath := range pfcpCaptures(t) {
		t.Run(filepath.Base(capPath), func(t *testing.T) {
			for _, d := range readPFCP(t, capPath) {
				p := d.Payload
				checkScan(t, p)
				for _, cut := range []int{len(p) - 1, len(p) / 2, 20, 17} {
					if cut > 0 && cut < len(p) {
						checkScan(t, p[:cut])
					}
				}
				for _, at := range []int{18, 22, len(p) / 3, len(p) - 2} {
					if at > 0 && at < len(p) {
						bad := append([]byte(nil), p...)
						bad[at] ^= 0x80
						checkScan(t, bad)
					}
				}
				n++
			}
		})
	}
	t.Logf("%d datagrams", n)
}

// TestSummarizeScanCases: hand-made nesting, vendor and damage cases.
func TestSummarizeScanCases(t *testing.T) {
	deep := mkIE(IEPDRID, be16(1))
	for range MaxDepth + 2 {
		deep = mkIE(IECreatePDR, deep)
	}
	for _, b := range [][]byte{
		sessionEstablishmentRequest(1),
		mkNodeMsg(0, AssociationSetupResponse, 3, mkIE(IENodeID, []byte{2}, []byte("\x03gw1\x06vppupf\x04node")),
			mkVendorIE(32774, EnterpriseTravelping, mkVendorIE(32775, EnterpriseTravelping, []byte("oops")))),
		mkNodeMsg(0, AssociationSetupResponse, 3, mkVendorIE(32774, EnterpriseTravelping, cat(mkIE(IECause, []byte{1}), []byte{0, 1}))),
		mkNodeMsg(0, HeartbeatRequest, 3, []byte{0x80, 0x01, 0x00, 0x01, 0x47}),
		mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, mkIE(IECause, []byte{1}), []byte{0, 57, 0, 40, 1}),
		mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, mkIE(IECreatePDR, []byte{0, 56, 0, 9, 1}), mkIE(IECause, []byte{3})),
		mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, deep, mkIE(IECause, []byte{3})),
		mkSessionMsg(0, SessionModificationRequest, 5, 8, 0, mkIE(IECause, nil), mkIE(IECause, []byte{7})),
		cat(mkSessionMsg(flagFO, SessionDeletionRequest, 9, 1, 0, mkIE(IECreatePDR, mkIE(IEFSEID, []byte{1}))),
			mkSessionMsg(0, SessionDeletionResponse, 10, 1, 0, mkIE(IECause, []byte{65}))),
	} {
		checkScan(t, b)
		for cut := range len(b) {
			checkScan(t, b[:cut])
		}
	}
}
