// Package parquet is the Parquet sink of pcapflow: it writes analysis
// tables (one row per packet, one row per flow) as Parquet files that DuckDB,
// Spark, pandas or polars read directly.
//
// Each table is a schema plus an appender that turns a packet (or a finished
// flow record) into one row; the sink streams rows into Arrow record
// builders of 16Ki rows (reserved at once, so columns are never regrown)
// and hands each full record to the file's encoder goroutine through a
// queue of one record. The encoder appends records to a buffered row group
// until it holds Options.RowsPerRowGroup rows; for flat schemas it encodes
// and compresses the columns of a record concurrently (the columns of a
// buffered row group have independent writers; the integer columns' pages,
// plain, delta or dictionary indices, are encoded by pcapflow, see
// plainwrite.go and intdict.go), producing the same bytes as pqarrow's
// FileWriter; the packets table's string columns are built as
// indices into dictionaries the sink keeps per row group, and their
// dictionary and index pages are encoded by pcapflow when the row group
// closes (see dict.go, dictwrite.go) and handed to the file's page writers,
// the file being assembled from arrow-go's parts (filewriter.go). Reading, decoding and row building thus overlap
// Parquet encoding and use every core. In a graph the flow table runs as
// the sink's stage (pipeline.SinkStager) on the graph's ordering goroutine,
// one batch ahead of Consume, which appends the packet and PFCP rows while
// the HTTP reassembly, when selected, runs on a goroutine of its own; at
// the end of the input the open flows, the PFCP sessions and the open HTTP
// connections are written out concurrently (different tables). Memory is bounded by the row-group
// size (compressed pages), three records per file and the number of open
// partitions, never by the input (the PFCP tables also keep per-session
// state, which grows with the number of PFCP messages). Tables plug in by
// implementing PacketTable (packets, gtp), FlowTable (flows),
// PFCPMessageTable (pfcp_messages, rows released in capture order once the
// session is decided), PFCPSessionTable (pfcp_sessions, written at the
// end) or HTTPTable (http: one row per HTTP/1.x exchange; only when it is
// selected does the sink run a TCP reassembler with the sinks/httpx
// parser), and adding a constructor to tableMakers (see TableNames).
//
// A directory that already holds Parquet files of these tables is refused,
// overwritten after commit, or appended to under a run-unique prefix
// (Options.IfExists).
//
// Files are written under temporary names (sinks/atomicfile) and renamed into
// place only when the run ends cleanly; an aborted run removes them. The
// Parquet format version is 2.6, so timestamps keep their nanoseconds:
// TIMESTAMP(NANOS, isAdjustedToUTC=false) holding UTC, which DuckDB reads as
// TIMESTAMP_NS (see timestampNS). Columns are documented in SCHEMA.md.
package parquet
