// Package split is the per-flow splitter sink: it writes one capture file
// per flow key (see package flowkey) into a directory, plus manifest.json
// and manifest.csv describing every file.
//
// # Memory and file descriptors
//
// Per-flow state is small (counters, the key, an empty buffer slot): no flow
// holds an open file or a large buffer while idle. Each flow's encoded
// records are buffered in memory in pooled, size-classed buffers; a flow is
// flushed when its buffer reaches 64 KiB, and when the buffers of all flows
// together exceed Options.BufferBytes the largest are flushed until half the
// budget is free. Writer goroutines (two on a multi-core machine, each
// owning the files of half the flows) append the flushed buffers to the
// files, in order, through LRUs of at most Options.MaxOpen open files in
// total, so the system calls of one flush overlap the encoding of the next
// packets;
// an evicted file is reopened with O_APPEND (its header is written once).
// Files are never reopened per packet.
//
// # Output rules
//
//   - DIR/<Key.FileName()>.pcap (or .pcapng); packets without a key go to
//     DIR/other.pcap unless Options.DropOther (counted either way).
//   - Each packet keeps its original bytes, original length, link type and
//     timestamp; within a file packets are in Consume order, so output is
//     byte-identical for the same packet sequence however it was batched.
//   - pcap headers take the precision of a file's first packet: nanosecond
//     magic when its input had more than 6 timestamp digits.
//   - pcap holds one link type per file: when a flow's packets have several
//     link types, packets of the second and later link types go to
//     NAME.lt<N>.pcap (N the LINKTYPE number), one file per link type, with
//     the same key in the manifest. pcapng files declare one interface per
//     link type and need no such split.
//   - MinPackets: flows with fewer packets are folded into other (or dropped
//     with DropOther). Their packets wait in an append-only log (memory,
//     spilled to DIR/.pcapflow-pending.partial) until the flow reaches
//     MinPackets (then its file starts, in order) or the run ends (then
//     other is written from the log, in capture order). This applies per
//     output file (an .lt<N> file counts its own packets).
//
// # Temporary names and interrupted runs
//
// When the output directory does not exist yet, the run writes into
// DIR.partial under the final file names, writes the manifests there, and
// renames DIR.partial to DIR as its last step (one rename for the whole
// output; if DIR appeared meanwhile, the files are moved into it one by
// one, manifests last, never overwriting). Into an existing directory,
// flow files are written as NAME.pcap.partial and renamed when Close(false)
// succeeds; then manifest.json and manifest.csv are written atomically and
// any manifest.partial.json of an earlier interrupted run is removed. On
// Close(true) (run failed or cancelled) buffered packets are still flushed
// so nothing is lost, nothing gets a final name (DIR.partial keeps its
// name, or the files keep theirs), no manifest.json is written, and
// manifest.partial.json records {"interrupted": true} with the files as
// they stand.
package split

import (
	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Defaults for Options.
const (
	// DefaultMaxOpen is the open file limit when Options.MaxOpen is 0 (and
	// the process limit allows it). Flows beyond it are reopened when
	// flushed, and reopening is what a split spends most system time on,
	// so the default is high; the process limit usually bounds it (see
	// clampMaxOpen).
	DefaultMaxOpen = 16384
	// DefaultBufferBytes is the total buffer budget when Options.BufferBytes
	// is 0. On a 20,000-flow split of 1.1 GB it means 87k writes instead of
	// 123k at 64 MiB, for a peak RSS of about 250 MB.
	DefaultBufferBytes = 128 << 20
	// FlushChunk is the buffered size at which one flow is flushed.
	FlushChunk = 64 << 10
)

// Options configure a split Sink.
type Options struct {
	// Dir is the output directory (created when missing).
	Dir string
	// Spec is the flow key.
	Spec flowkey.Spec
	// Format is "pcap" (default when empty) or "pcapng".
	Format string
	// MaxOpen bounds open file descriptors (default DefaultMaxOpen, at most
	// the process limit less an eighth of it, kept for inputs and other sinks).
	MaxOpen int
	// MinPackets: flows with fewer packets are folded into other (or
	// dropped with DropOther). 0 or 1 keeps every flow.
	MinPackets int
	// DropOther drops packets without a key (and folded flows) instead of
	// writing other.pcap; they are still counted.
	DropOther bool
	// Inputs, when set, names each file's first input in the manifest.
	Inputs *pipeline.Inputs
	// BufferBytes bounds the bytes buffered across all flows before
	// flushing (default DefaultBufferBytes).
	BufferBytes int64
}

// Summary counts what a run did.
type Summary struct {
	// Packets and Bytes (captured) consumed, WireBytes their original lengths.
	Packets   int64 `json:"packets"`
	Bytes     int64 `json:"bytes"`
	WireBytes int64 `json:"wire_bytes"`
	// Flows is the number of distinct keys seen (each link type of a pcap
	// flow counts once more).
	Flows int64 `json:"flows"`
	// Files is the number of capture files written, other included.
	Files int64 `json:"files"`
	// OtherPackets and OtherBytes count packets that went to other: those
	// without a key and those of folded small flows (written or dropped).
	OtherPackets int64 `json:"other_packets"`
	OtherBytes   int64 `json:"other_bytes"`
	// SmallFlows is the number of flows folded for having fewer than MinPackets packets.
	SmallFlows int64 `json:"small_flows"`
	// Dropped counts packets not written (DropOther).
	Dropped int64 `json:"dropped"`
	// OutputBytes is the total size of the files written.
	OutputBytes int64 `json:"output_bytes"`
	// Opens counts file opens (creations and reopens after eviction),
	// Flushes buffer writes, SpilledBytes bytes of the pending log written
	// to disk.
	Opens        int64 `json:"opens"`
	Flushes      int64 `json:"flushes"`
	SpilledBytes int64 `json:"spilled_bytes"`
	// Interrupted is true when the sink was closed after a failed or
	// cancelled run.
	Interrupted bool `json:"interrupted"`
}
