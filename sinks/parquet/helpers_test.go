package parquet

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/pipeline"
)

// synthBatch returns a batch of n TCP packets 10.0.0.1:1000+i%3 -> 10.0.0.2:80
// starting at ts0, step ns apart.
func synthBatch(n int, ts0, step int64, in pipeline.InputID) *pipeline.Batch {
	b := pipeline.NewBatch(n, n*64)
	src, dst := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	for i := 0; i < n; i++ {
		frame := make([]byte, 60)
		b.AddCopy(pipeline.CaptureInfo{Timestamp: ts0 + int64(i)*step, Frame: uint64(i + 1), OrigLen: 60, Input: in, LinkType: 1, Offset: int64(24 + i*76)}, frame)
		d := &b.Packets[i].Decoded
		d.Layers = pipeline.LayerEthernet | pipeline.LayerIPv4 | pipeline.LayerTCP
		d.EthSrc = [6]byte{0, 1, 2, 3, 4, 5}
		d.IP = pipeline.Flow{Src: src, Dst: dst, SrcPort: uint16(1000 + i%3), DstPort: 80, Proto: 6}
		d.TTL = 64
		d.TCPFlags = pipeline.TCPAck
		d.TCPSeq = uint32(i)
		d.TCPAck = 7
		d.TCPWindow = 512
	}
	return b
}

// parquetFiles lists the committed .parquet files under dir, sorted, and
// fails on any leftover temporary file.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(d.Name(), ".partial-") {
			t.Errorf("leftover temporary file %s", p)
		}
		if strings.HasSuffix(p, ".parquet") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// readTable reads a Parquet file back with pqarrow, on Go's allocator: the
// tests' checked allocators check what the sink allocates, and arrow-go
// v18.8's DELTA_BINARY_PACKED decoder (see deltaColumns) never gives back
// a 64-byte buffer per column chunk it reads.
func readTable(t *testing.T, path string) (arrow.Table, *pqfile.Reader) {
	t.Helper()
	rdr, err := pqfile.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { rdr.Close() })
	return tableOf(t, rdr), rdr
}

// readBytes reads a whole Parquet file held in memory.
func readBytes(t *testing.T, file []byte) arrow.Table {
	t.Helper()
	rdr, err := pqfile.NewParquetReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdr.Close() })
	return tableOf(t, rdr)
}

// tableOf reads every row of rdr.
func tableOf(t *testing.T, rdr *pqfile.Reader) arrow.Table {
	t.Helper()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// writeRecords writes recs with rw and closes it.
func writeRecords(t *testing.T, rw recordWriter, recs []arrow.RecordBatch) {
	t.Helper()
	for _, r := range recs {
		if err := rw.write(r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.close(); err != nil {
		t.Fatal(err)
	}
}

// column returns the chunks of column name of tbl.
func column(t *testing.T, tbl arrow.Table, name string) []arrow.Array {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("no column %q", name)
	}
	return tbl.Column(idx[0]).Data().Chunks()
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// waitEncoders waits until every record handed to an encoder is written,
// so that allocation counts of the sink's own goroutine are not mixed with
// the encoders'.
func (s *Sink) waitEncoders() {
	for _, w := range s.writers() {
		for _, f := range w.open {
			for f.enc.pending.Load() > 0 {
				runtime.Gosched()
			}
		}
	}
}
