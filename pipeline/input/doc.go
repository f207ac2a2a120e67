// Package input reads capture files into pipeline batches.
//
// Reader is a streaming parser for one capture: it detects gzip or zstd
// compression and then the format (pcap, nanosecond pcap, modified pcap or
// pcapng) from magic bytes only, and appends each frame straight into a
// batch arena with its provenance (input, frame number, byte offset of the
// record in the decompressed stream, interface, link type, timestamp).
//
// Source is the pipeline.Source over many inputs: files, directories walked
// in sorted order, and "-" for standard input. It reads them one after the
// other, or merges them by timestamp (like mergecap) with Options.Merge.
// Damage (a truncated or corrupt record, a file that is not a capture) stops
// reading that input only: every frame before it is delivered, the damage
// is recorded in the run's Inputs table, and the next input is read, unless
// Options.Strict makes damage fatal.
//
// The per-packet path performs no heap allocation: record headers are
// peeked in a large bufio buffer and frame bytes are read with io.ReadFull
// into the slice returned by Batch.Add. pcap records that lie whole in
// what the buffer holds are copied straight out of it (a window kept
// between calls), with no call into the bufio.Reader per record.
package input
