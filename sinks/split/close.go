package split

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pcapflow/pcapflow/decoders/flowkey"
	"github.com/pcapflow/pcapflow/pipeline"
)

// Close finishes the run: folds flows smaller than MinPackets into other,
// flushes every buffer and closes every file. With aborted false (and no
// earlier error) it renames the files to their final names and writes the
// manifests; otherwise it keeps the .partial names and writes
// manifest.partial.json. Close is idempotent.
func (s *Sink) Close(aborted bool) error {
	if s.closed {
		return nil
	}
	s.closed = true
	aborted = aborted || s.err != nil
	s.sum.Interrupted = aborted

	var errs []error
	if err := s.releaseHeld(); err != nil {
		errs = append(errs, err)
	}
	if err := s.foldPending(); err != nil {
		errs = append(errs, err)
	}
	if err := s.flushAll(); err != nil {
		errs = append(errs, err)
	}
	s.sum.Opens = 0
	for i := range s.writers {
		w := &s.writers[i]
		if err := w.finish(); err != nil {
			errs = append(errs, err)
		}
		s.sum.Opens += w.opens
	}
	if err := s.log.remove(); err != nil {
		errs = append(errs, fmt.Errorf("split: pending log: %w", err))
	}
	s.sum.SpilledBytes = s.log.spilled

	complete := !aborted && len(errs) == 0
	if complete {
		if err := s.renameAll(); err != nil {
			errs = append(errs, err)
			complete = false
		}
	}
	items := s.manifest(complete)
	if complete {
		if err := s.writeManifests(items); err != nil {
			errs = append(errs, err)
		} else if err := os.Remove(filepath.Join(s.work, PartialManifestName)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("split: %w", err))
		} else if s.fresh {
			if err := publish(s.work, s.opts.Dir); err != nil {
				errs = append(errs, err)
			}
		}
	} else if s.fresh && len(items) == 0 && s.sum.Packets == 0 {
		// Nothing was read (the run failed before its first packet): the
		// work directory this sink made is removed rather than left empty.
		if err := os.Remove(s.work); err != nil {
			errs = append(errs, fmt.Errorf("split: %w", err))
		}
	} else if err := s.writePartialManifest(items); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// foldPending moves the packets of flows that never reached MinPackets into
// other (in capture order, with other's own packets) or drops them.
func (s *Sink) foldPending() error {
	if s.opts.MinPackets <= 1 {
		return nil
	}
	for i := range s.flows {
		f := &s.flows[i]
		if f.other {
			// Recounted from the log below.
			f.packets, f.bytes, f.wire = 0, 0, 0
			continue
		}
		if !f.pending || f.packets == 0 {
			continue
		}
		f.folded = true
		s.sum.SmallFlows++
		s.sum.OtherPackets += f.packets
		s.sum.OtherBytes += f.bytes
		if s.opts.DropOther {
			s.sum.Dropped += f.packets
		}
	}
	if s.opts.DropOther || s.log.empty() {
		return nil
	}
	return s.log.scan(func(idx int32, ci *pipeline.CaptureInfo, data []byte) error {
		if idx < 0 || int(idx) >= len(s.flows) {
			return errBadLog
		}
		src := &s.flows[idx]
		if !src.other && !src.folded {
			return nil // promoted: already in its own file
		}
		if s.other < 0 {
			s.other = s.newFlow(flowkey.Key{}, true)
		}
		t := s.route(s.other, ci.LinkType)
		f := &s.flows[t]
		f.pending = false
		f.count(ci, len(data))
		if err := s.encode(t, ci, data); err != nil {
			return err
		}
		if s.buffered > s.opts.BufferBytes {
			return s.flushSome()
		}
		return nil
	})
}

// written reports whether entry idx has a file.
func (s *Sink) written(idx int) bool {
	f := &s.flows[idx]
	return f.created && f.packets > 0 && !f.folded
}

// renameAll gives every file its final name (a fresh run's files have it
// already: its directory is renamed instead).
func (s *Sink) renameAll() error {
	if s.fresh {
		return nil
	}
	for i := range s.flows {
		if !s.written(i) {
			continue
		}
		from := s.partialPath(int32(i))
		if err := os.Rename(from, from[:len(from)-len(PartialSuffix)]); err != nil {
			return fmt.Errorf("split: %w", err)
		}
	}
	return nil
}
