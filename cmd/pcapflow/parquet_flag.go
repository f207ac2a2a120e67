package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/pcapflow/pcapflow/decoders/flows"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/pcapflow/pcapflow/sinks/parquet"
	"github.com/spf13/pflag"
)

// parquetOptions are the settings of a Parquet sink as flags give them,
// shared by `pcapflow parquet` and the --parquet flag of other commands.
type parquetOptions struct {
	dir         string
	tables      string
	partition   string
	compression string
	rowGroup    int
	overwrite   bool
	appendRun   bool
	level       int
	// Flow timeouts (packet time); zero keeps decoders/flows' defaults.
	tcpIdle, udpIdle, icmpIdle, otherIdle, active time.Duration
}

// declareSettings declares the table, layout and file flags, each name
// prefixed by prefix ("" for the parquet command, "parquet-" elsewhere).
func (p *parquetOptions) declareSettings(fs *pflag.FlagSet, prefix string) {
	fs.StringVar(&p.tables, prefix+"tables", "packets,flows", "comma-separated `TABLES` to write: "+strings.Join(parquet.TableNames(), ", ")+", or all")
	fs.StringVar(&p.partition, prefix+"partition", "none", "Hive-style partitions by packet time (UTC): date, hour or none")
	fs.StringVar(&p.compression, prefix+"compression", "zstd", "column compression: zstd, snappy, gzip or none")
	fs.IntVar(&p.rowGroup, prefix+"row-group", parquet.DefaultRowsPerRowGroup, fmt.Sprintf("rows per row group, %d..%d", parquet.MinRowsPerRowGroup, parquet.MaxRowsPerRowGroup))
	fs.BoolVar(&p.overwrite, prefix+"overwrite", false, "replace the Parquet files an earlier run left in the table directories (after this run succeeds)")
	fs.BoolVar(&p.appendRun, prefix+"append", false, "add this run's files beside earlier ones, under a run-unique file name prefix")
	fs.IntVar(&p.level, prefix+"compression-level", 0, fmt.Sprintf("compression `LEVEL`: zstd 1..22 (default %d), gzip 1..9; 0 picks the default", parquet.DefaultZstdLevel))
	fs.DurationVar(&p.tcpIdle, prefix+"tcp-idle", flows.DefaultTCPIdle, "end a TCP flow after this much packet time without a packet")
	fs.DurationVar(&p.udpIdle, prefix+"udp-idle", flows.DefaultUDPIdle, "end a UDP (and SCTP) flow after this much packet time without a packet")
	fs.DurationVar(&p.icmpIdle, prefix+"icmp-idle", flows.DefaultICMPIdle, "end an ICMP flow after this much packet time without a packet")
	fs.DurationVar(&p.otherIdle, prefix+"other-idle", flows.DefaultOtherIdle, "end a flow of another IP protocol after this much packet time without a packet")
	fs.DurationVar(&p.active, prefix+"active-timeout", 0, "end a flow that has lasted this long and start a new one (NetFlow-style); 0 never")
}

// options turns the flags into sink options; errors are usage errors named
// after the flags (with prefix).
func (p *parquetOptions) options(prefix string, inputs *pipeline.Inputs) (parquet.Options, error) {
	o := parquet.Options{Dir: p.dir, Partition: p.partition, RowsPerRowGroup: p.rowGroup, Inputs: inputs, CompressionSet: true}
	switch p.tables {
	case "all":
		o.Tables = parquet.TableNames()
	default:
		for _, t := range strings.Split(p.tables, ",") {
			if t = strings.TrimSpace(t); t != "" {
				o.Tables = append(o.Tables, t)
			}
		}
		known := map[string]bool{}
		for _, t := range parquet.TableNames() {
			known[t] = true
		}
		for _, t := range o.Tables {
			if !known[t] {
				return o, usagef("--%stables: unknown table %q (known: %s, all)", prefix, t, strings.Join(parquet.TableNames(), ", "))
			}
		}
		if len(o.Tables) == 0 {
			return o, usagef("--%stables: no table named", prefix)
		}
	}
	switch p.partition {
	case parquet.PartitionNone, parquet.PartitionDate, parquet.PartitionHour:
	default:
		return o, usagef("--%spartition must be date, hour or none, not %q", prefix, p.partition)
	}
	switch p.compression {
	case "zstd":
		o.Compression = compress.Codecs.Zstd
	case "snappy":
		o.Compression = compress.Codecs.Snappy
	case "gzip":
		o.Compression = compress.Codecs.Gzip
	case "none":
		o.Compression = compress.Codecs.Uncompressed
	default:
		return o, usagef("--%scompression must be zstd, snappy, gzip or none, not %q", prefix, p.compression)
	}
	if err := p.levelFor(prefix, &o); err != nil {
		return o, err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
		min  time.Duration
	}{{"tcp-idle", p.tcpIdle, 1}, {"udp-idle", p.udpIdle, 1}, {"icmp-idle", p.icmpIdle, 1}, {"other-idle", p.otherIdle, 1}, {"active-timeout", p.active, 0}} {
		if d.v < d.min {
			return o, usagef("--%s%s must be positive, not %v", prefix, d.name, d.v)
		}
	}
	o.Flows = flows.Options{TCPIdle: p.tcpIdle, UDPIdle: p.udpIdle, ICMPIdle: p.icmpIdle, OtherIdle: p.otherIdle, Active: p.active}
	if p.rowGroup < parquet.MinRowsPerRowGroup || p.rowGroup > parquet.MaxRowsPerRowGroup {
		return o, usagef("--%srow-group must be between %d and %d, not %d", prefix, parquet.MinRowsPerRowGroup, parquet.MaxRowsPerRowGroup, p.rowGroup)
	}
	switch {
	case p.overwrite && p.appendRun:
		return o, usagef("--%soverwrite and --%sappend exclude each other", prefix, prefix)
	case p.overwrite:
		o.IfExists = parquet.ExistingOverwrite
	case p.appendRun:
		o.IfExists = parquet.ExistingAppend
	default:
		o.IfExists = parquet.ExistingRefuse
	}
	return o, nil
}

// levelFor checks --compression-level against the codec and sets it.
func (p *parquetOptions) levelFor(prefix string, o *parquet.Options) error {
	lo, hi := 0, 0
	switch p.compression {
	case "zstd":
		lo, hi = 1, 22
	case "gzip":
		lo, hi = 1, 9
	}
	switch {
	case p.level == 0:
	case hi == 0:
		return usagef("--%scompression-level does not apply to --%scompression %s", prefix, prefix, p.compression)
	case p.level < lo || p.level > hi:
		return usagef("--%scompression-level for %s must be between %d and %d, not %d", prefix, p.compression, lo, hi, p.level)
	}
	o.CompressionLevel = p.level
	return nil
}

// newParquetSink builds the sink, turning a refusal to mix with earlier
// files into a usage error that names the flags to use.
func newParquetSink(o parquet.Options, prefix string) (*parquet.Sink, error) {
	s, err := parquet.New(o)
	if ee, ok := err.(*parquet.ExistsError); ok {
		return nil, usagef("%v: write elsewhere, or give --%soverwrite or --%sappend", ee, prefix, prefix)
	}
	if se, ok := err.(*parquet.SchemaError); ok {
		return nil, usagef("%v: append into a new directory, or give --%soverwrite", se, prefix)
	}
	return s, err
}

// parquetFlag is the --parquet DIR flag any command reading captures can
// offer, so that the same single read also writes the Parquet tables.
type parquetFlag struct {
	parquetOptions
	sink *parquet.Sink
}

// declareParquet declares --parquet DIR and its --parquet-* settings on fs.
func declareParquet(fs *pflag.FlagSet) *parquetFlag {
	p := &parquetFlag{}
	fs.StringVar(&p.dir, "parquet", "", "also write Parquet tables into `DIR` in the same read (see pcapflow help parquet)")
	p.declareSettings(fs, "parquet-")
	return p
}

// attach adds the Parquet sink to g when --parquet was given (it does
// nothing otherwise). inputs must be the run's input table.
func (p *parquetFlag) attach(g *pipeline.Graph, inputs *pipeline.Inputs) error {
	if p == nil || p.dir == "" {
		return nil
	}
	o, err := p.options("parquet-", inputs)
	if err != nil {
		return err
	}
	s, err := newParquetSink(o, "parquet-")
	if err != nil {
		return err
	}
	p.sink = s
	g.Sinks = append(g.Sinks, s)
	return nil
}

// report prints one line with the rows written per table, when attached.
func (p *parquetFlag) report(w io.Writer) {
	if p == nil || p.sink == nil {
		return
	}
	fmt.Fprintf(w, "  parquet %s: %s\n", p.dir, formatRows(p.sink.Rows(), p.sink.Tables()))
}

// formatRows renders "packets 1200 rows, flows 30 rows" in table order.
func formatRows(rows map[string]int64, tables []string) string {
	parts := make([]string, 0, len(tables))
	for _, t := range tables {
		parts = append(parts, fmt.Sprintf("%s %s", t, plural(rows[t], "row", "rows")))
	}
	return strings.Join(parts, ", ")
}
