package parquet

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pcapflow/pcapflow/decoders/flows"
)

// TestFlowsDictColumnsMatchPlain writes flow rows through a file, as the
// sink does (the flows table's dictionary columns, see
// flowsTable.dictColumns), over three row groups, and checks that they
// read back as the rows appended to plain string builders, with the same
// statistics, column by column and row group by row group, as the file
// those plain records make; and that the dictionary columns have
// dictionary pages.
func TestFlowsDictColumnsMatchPlain(t *testing.T) {
	const rows, rg = 75000, 30000
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	o := Options{RowsPerRowGroup: rg, Allocator: mem}
	o.fill()
	services := []string{"", "dns", "http", "tls", "pfcp"}
	states := []string{"SF", "S0", "REJ", "OTH", "RSTO"}
	recs := make([]flows.Record, rows)
	names := make([]string, rows)
	for i := range recs {
		r := &recs[i]
		r.ID = uint64(i + 1)
		r.CommunityID = fmt.Sprintf("1:%027d=", i)
		r.First, r.Last = int64(i)*1000, int64(i)*1000+int64(i%977)
		r.Orig = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		r.Resp = netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 7)})
		r.OrigPort, r.RespPort, r.Proto = uint16(i), 443, 6
		r.Service = services[i%len(services)]
		r.ConnState = states[i%len(states)]
		r.History = "ShAD"[:1+i%4]
		r.EndReason = flows.EndIdle
		r.SynAckRTT, r.AckRTT, r.HandshakeRTT = -1, int64(i), -1
		names[i] = []string{"a.pcap", "b.pcapng"}[i/40000]
	}

	path := filepath.Join(t.TempDir(), "flows.parquet")
	want := writeDictAndPlain(t, path, flowsTable{}, flowsSchema, &o, mem, rows,
		func(f *file) any { return f.flows },
		func(b *array.RecordBuilder) any { return flowsTable{}.BindFlows(b) },
		func(app any, i int) int { app.(FlowAppender).AppendFlow(&recs[i], names[i]); return 1 })
	defer func() {
		for _, r := range want {
			r.Release()
		}
	}()

	checkMatchesPlain(t, path, flowsSchema, want, &o, rows, rg, mem, flowsTable{}.dictColumns(), func(int, string) bool { return true })
}
