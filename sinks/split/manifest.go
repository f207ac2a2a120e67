package split

import (
	"bufio"
	"bytes"
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

// manifestItem is one output file of the manifest: its name and flow entry.
type manifestItem struct {
	name string
	idx  int32
}

// manifest lists the files written, sorted by name, and fills the file
// counters of the summary. Partial names are used when !complete. Only the
// names are held; entries are built one at a time while writing, so the
// manifest of a million flows does not need a million entries in memory.
func (s *Sink) manifest(complete bool) []manifestItem {
	var out []manifestItem
	s.sum.Files, s.sum.OutputBytes = 0, 0
	for i := range s.flows {
		if !s.written(i) {
			continue
		}
		name := s.baseName(int32(i))
		if !complete && !s.fresh {
			name += PartialSuffix
		}
		out = append(out, manifestItem{name, int32(i)})
		s.sum.Files++
		s.sum.OutputBytes += s.writer(int32(i)).bytesWritten(i)
	}
	slices.SortFunc(out, func(a, b manifestItem) int { return strings.Compare(a.name, b.name) })
	return out
}

// entry builds the manifest entry of one item.
func (s *Sink) entry(it manifestItem) ManifestEntry {
	f := &s.flows[it.idx]
	e := ManifestEntry{
		File:       it.name,
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
	return e
}

// writeManifests writes manifest.json (an array, one entry per line) and
// manifest.csv, streaming the entries.
func (s *Sink) writeManifests(items []manifestItem) error {
	err := writeStream(filepath.Join(s.work, ManifestJSON), func(w *bufio.Writer) error {
		return s.writeJSONEntries(w, "", items)
	})
	if err != nil {
		return err
	}
	return writeStream(filepath.Join(s.work, ManifestCSV), func(w *bufio.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
		row := make([]string, len(csvHeader))
		for _, it := range items {
			e := s.entry(it)
			row[0], row[1], row[2], row[3], row[4] = e.File, e.Key, e.Kind, e.FirstTs, e.LastTs
			row[5] = strconv.FormatInt(e.Packets, 10)
			row[6] = strconv.FormatInt(e.Bytes, 10)
			row[7] = strconv.FormatInt(e.WireBytes, 10)
			row[8], row[9], row[10] = e.FirstInput, strconv.FormatUint(e.FirstFrame, 10), strconv.Itoa(int(e.LinkType))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// writeJSONEntries writes a JSON array of the items' entries, one per line,
// each line indented by indent plus two spaces.
func (s *Sink) writeJSONEntries(w *bufio.Writer, indent string, items []manifestItem) error {
	if len(items) == 0 {
		_, err := w.WriteString("[]")
		return err
	}
	w.WriteString("[\n")
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	for i, it := range items {
		line.Reset()
		if err := enc.Encode(s.entry(it)); err != nil {
			return err
		}
		w.WriteString(indent + "  ")
		w.Write(bytes.TrimSuffix(line.Bytes(), []byte("\n")))
		if i < len(items)-1 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
	}
	_, err := w.WriteString(indent + "]")
	return err
}

// writePartialManifest writes manifest.partial.json after an interrupted run.
func (s *Sink) writePartialManifest(items []manifestItem) error {
	msg := "the run did not complete: files keep their .partial names and hold every packet consumed before the interruption"
	if s.fresh {
		msg = "the run did not complete: this directory keeps its .partial name and its files hold every packet consumed before the interruption"
	}
	return writeStream(filepath.Join(s.work, PartialManifestName), func(w *bufio.Writer) error {
		note, _ := json.Marshal(msg)
		w.WriteString("{\n  \"interrupted\": true,\n  \"note\": ")
		w.Write(note)
		w.WriteString(",\n  \"files\": ")
		if err := s.writeJSONEntries(w, "  ", items); err != nil {
			return err
		}
		_, err := w.WriteString("\n}\n")
		return err
	})
}

// writeStream writes a file atomically through a buffered writer filled by fill.
func writeStream(path string, fill func(*bufio.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("split: writing %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	return nil
}
