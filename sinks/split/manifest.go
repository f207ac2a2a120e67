package split

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pcapflow/pcapflow/sinks/atomicfile"
)

// Manifest file names in the output directory.
const (
	ManifestJSON        = "manifest.json"
	ManifestCSV         = "manifest.csv"
	PartialManifestName = "manifest.partial.json"
)

// ManifestEntry describes one output file. manifest.json is an array of
// entries sorted by file name; manifest.csv has the same columns in the
// same order, with a header row.
type ManifestEntry struct {
	// File is the file name in the output directory.
	File string `json:"file"`
	// Key is the flow key in human form ("other" for other).
	Key string `json:"key"`
	// Kind is the key kind ("5-tuple", ...; "other" for other).
	Kind string `json:"kind"`
	// FirstTs and LastTs are the first and last packet times (RFC 3339, UTC, ns).
	FirstTs string `json:"first_ts"`
	LastTs  string `json:"last_ts"`
	// Packets in the file, their captured Bytes and original WireBytes.
	Packets   int64 `json:"packets"`
	Bytes     int64 `json:"bytes"`
	WireBytes int64 `json:"wire_bytes"`
	// FirstInput and FirstFrame locate the file's first packet in the input.
	FirstInput string `json:"first_input"`
	FirstFrame uint64 `json:"first_frame"`
	// LinkType is the LINKTYPE of the file's first packet (pcap files hold
	// only that one; see the .lt<N> rule).
	LinkType uint16 `json:"link_type"`
}

// PartialManifest is what manifest.partial.json holds after an interrupted run.
type PartialManifest struct {
	Interrupted bool            `json:"interrupted"`
	Note        string          `json:"note"`
	Files       []ManifestEntry `json:"files"`
}

var csvHeader = []string{"file", "key", "kind", "first_ts", "last_ts", "packets", "bytes", "wire_bytes", "first_input", "first_frame", "link_type"}

func formatTs(ts int64) string { return time.Unix(0, ts).UTC().Format(time.RFC3339Nano) }

// manifest lists the files written, sorted by name, and fills the file
// counters of the summary. Partial names are used when !complete.
func (s *Sink) manifest(complete bool) []ManifestEntry {
	var out []ManifestEntry
	s.sum.Files, s.sum.OutputBytes = 0, 0
	for i := range s.flows {
		if !s.written(i) {
			continue
		}
		f := &s.flows[i]
		name := s.baseName(int32(i))
		if !complete {
			name += PartialSuffix
		}
		e := ManifestEntry{
			File:       name,
			Key:        "other",
			Kind:       "other",
			FirstTs:    formatTs(f.firstTs),
			LastTs:     formatTs(f.lastTs),
			Packets:    f.packets,
			Bytes:      f.bytes,
			WireBytes:  f.wire,
			FirstFrame: f.firstFrame,
			LinkType:   f.linkType,
		}
		if !f.other {
			e.Key, e.Kind = f.key.String(), f.key.Kind().String()
		}
		if s.opts.Inputs != nil {
			e.FirstInput = s.opts.Inputs.Name(f.firstInput)
		}
		out = append(out, e)
		s.sum.Files++
		s.sum.OutputBytes += f.written
	}
	slices.SortFunc(out, func(a, b ManifestEntry) int { return strings.Compare(a.File, b.File) })
	return out
}

func writeManifests(dir string, entries []ManifestEntry) error {
	if entries == nil {
		entries = []ManifestEntry{}
	}
	js, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, ManifestJSON), append(js, '\n')); err != nil {
		return err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(csvHeader)
	for _, e := range entries {
		w.Write([]string{
			e.File, e.Key, e.Kind, e.FirstTs, e.LastTs,
			strconv.FormatInt(e.Packets, 10), strconv.FormatInt(e.Bytes, 10), strconv.FormatInt(e.WireBytes, 10),
			e.FirstInput, strconv.FormatUint(e.FirstFrame, 10), strconv.Itoa(int(e.LinkType)),
		})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, ManifestCSV), []byte(b.String()))
}

func writePartialManifest(dir string, entries []ManifestEntry) error {
	if entries == nil {
		entries = []ManifestEntry{}
	}
	js, err := json.MarshalIndent(PartialManifest{
		Interrupted: true,
		Note:        "the run did not complete: files keep their .partial names and hold every packet consumed before the interruption",
		Files:       entries,
	}, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, PartialManifestName), append(js, '\n'))
}

func writeAtomic(path string, data []byte) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("split: writing %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	return nil
}
