// Package parquet is the Parquet sink of pcapflow: it writes analysis
// tables (one row per packet, one row per flow) as Parquet files that DuckDB,
// Spark, pandas or polars read directly.
//
// Each table is a schema plus an appender that turns a packet (or a finished
// flow record) into one row; the sink streams rows into Arrow record
// builders, writes one row group per full builder with pqarrow, and releases
// it, so memory is bounded by the row-group size and the number of open
// partitions, never by the input. New tables (pfcp_messages, gtp...) plug in
// by implementing PacketTable or FlowTable and adding a constructor to
// tableMakers (see TableNames).
//
// Files are written under temporary names (sinks/atomicfile) and renamed into
// place only when the run ends cleanly; an aborted run removes them. The
// Parquet format version is 2.6, so timestamps keep their nanoseconds and
// carry TIMESTAMP(NANOS, isAdjustedToUTC=true). Columns are documented in
// SCHEMA.md.
package parquet
