package gtpu

import "testing"

// BenchmarkParseGPDUWithPDUSession parses a G-PDU carrying a sequence
// number, a UDP Port and a PDU Session Container extension header.
func BenchmarkParseGPDUWithPDUSession(b *testing.B) {
	pkt := msg{flags: flagS, typ: GPDU, teid: 0x1234, seq: 1, exts: []ext{udpPortExt, pscDL}, body: innerV4}.bytes()
	var h Header
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if _, st := Parse(pkt, &h); st != OK {
			b.Fatal(st)
		}
	}
	if h.PDUSession.QFI != 9 {
		b.Fatal("QFI not decoded")
	}
}

// BenchmarkParsePlainGPDU parses the commonest packet: a G-PDU without options.
func BenchmarkParsePlainGPDU(b *testing.B) {
	pkt := msg{typ: GPDU, teid: 1, body: innerV4}.bytes()
	var h Header
	b.ReportAllocs()
	for b.Loop() {
		Parse(pkt, &h)
	}
}
