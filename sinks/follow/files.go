package follow

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// dirWriter writes one file per direction into a hidden staging directory
// inside the output directory, keeping at most maxOpen files open (least
// recently written closed first), and moves them into place on commit.
type dirWriter struct {
	dir, stage string
	maxOpen    int
	open       map[string]*openFile
	tick       uint64
	err        error
}

type openFile struct {
	f    *os.File
	w    *bufio.Writer
	used uint64
}

func newDirWriter(dir string, maxOpen int) (*dirWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(dir, ".follow-partial-")
	if err != nil {
		return nil, err
	}
	if maxOpen <= 0 {
		maxOpen = 64
	}
	return &dirWriter{dir: dir, stage: stage, maxOpen: maxOpen, open: make(map[string]*openFile)}, nil
}

// write appends b to the file name.
func (d *dirWriter) write(name string, b []byte) error {
	if d.err != nil {
		return d.err
	}
	of, ok := d.open[name]
	if !ok {
		if len(d.open) >= d.maxOpen {
			d.closeLRU()
		}
		f, err := os.OpenFile(filepath.Join(d.stage, name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			d.err = err
			return err
		}
		of = &openFile{f: f, w: bufio.NewWriterSize(f, 32<<10)}
		d.open[name] = of
	}
	d.tick++
	of.used = d.tick
	if _, err := of.w.Write(b); err != nil {
		d.err = fmt.Errorf("%s: %w", name, err)
		return d.err
	}
	return nil
}

// done closes the file name: its direction ended.
func (d *dirWriter) done(name string) error {
	if of, ok := d.open[name]; ok {
		delete(d.open, name)
		if err := closeFile(of); err != nil && d.err == nil {
			d.err = err
		}
	}
	return d.err
}

func (d *dirWriter) closeLRU() {
	var oldest string
	var t uint64
	for n, of := range d.open {
		if oldest == "" || of.used < t {
			oldest, t = n, of.used
		}
	}
	of := d.open[oldest]
	delete(d.open, oldest)
	if err := closeFile(of); err != nil && d.err == nil {
		d.err = err
	}
}

func closeFile(of *openFile) error {
	err := of.w.Flush()
	return errors.Join(err, of.f.Close())
}

// finish closes every file; on success it moves them into the output
// directory, otherwise it removes them.
func (d *dirWriter) finish(commit bool) error {
	for n, of := range d.open {
		if err := closeFile(of); err != nil && d.err == nil {
			d.err = err
		}
		delete(d.open, n)
	}
	if commit && d.err == nil {
		ents, err := os.ReadDir(d.stage)
		if err != nil {
			d.err = err
		}
		for _, e := range ents {
			if err := os.Rename(filepath.Join(d.stage, e.Name()), filepath.Join(d.dir, e.Name())); err != nil && d.err == nil {
				d.err = err
			}
		}
	}
	if err := os.RemoveAll(d.stage); err != nil && d.err == nil {
		d.err = err
	}
	return d.err
}
