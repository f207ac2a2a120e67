package parquet

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// bucketOf returns the partition bucket of a timestamp: the UTC day or hour
// number since the epoch, or 0 without partitioning.
func bucketOf(scheme string, ts int64) int64 {
	var unit int64
	switch scheme {
	case PartitionDate:
		unit = int64(24 * time.Hour)
	case PartitionHour:
		unit = int64(time.Hour)
	default:
		return 0
	}
	b := ts / unit
	if ts < 0 && ts%unit != 0 {
		b--
	}
	return b
}

// partitionDir returns the Hive-style directory of a bucket ("" for none).
func partitionDir(scheme string, bucket int64) string {
	switch scheme {
	case PartitionDate:
		t := time.Unix(0, bucket*int64(24*time.Hour)).UTC()
		return "date=" + t.Format("2006-01-02")
	case PartitionHour:
		t := time.Unix(0, bucket*int64(time.Hour)).UTC()
		return filepath.Join("date="+t.Format("2006-01-02"), fmt.Sprintf("hour=%02d", t.Hour()))
	}
	return ""
}

// tableWriter writes one table into its partitions, keeping at most
// MaxOpenFiles files open (filling); older ones are finished and wait for
// commit.
type tableWriter struct {
	t       Table
	o       *Options
	open    map[int64]*file
	done    []*file
	seq     map[string]int
	clock   uint64
	last    *file
	lastKey int64
	rows    int64
}

func newTableWriter(t Table, o *Options) *tableWriter {
	return &tableWriter{t: t, o: o, open: make(map[int64]*file), seq: make(map[string]int)}
}

// appendRow adds one row to the file of partition time ts of each writer
// in ws: add appends it to the file's builders.
func appendRow(ws []*tableWriter, ts int64, add func(*file)) error {
	for _, w := range ws {
		f, err := w.fileFor(ts)
		if err != nil {
			return err
		}
		add(f)
		w.rows++
		if err := f.added(1); err != nil {
			return err
		}
	}
	return nil
}

// fileFor returns the file that takes rows of timestamp ts.
func (w *tableWriter) fileFor(ts int64) (*file, error) {
	bk := bucketOf(w.o.Partition, ts)
	w.clock++
	if w.last != nil && w.lastKey == bk {
		w.last.lastUse = w.clock
		return w.last, nil
	}
	f, ok := w.open[bk]
	if !ok {
		var err error
		if f, err = w.create(bk, initialRows); err != nil {
			return nil, err
		}
	}
	f.lastUse = w.clock
	w.last, w.lastKey = f, bk
	return f, nil
}

// create opens the next file of partition bk, its builders sized for
// rows rows.
func (w *tableWriter) create(bk int64, rows int) (*file, error) {
	if len(w.open) >= w.o.MaxOpenFiles {
		if err := w.retireOldest(); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(w.o.Dir, w.t.Name(), partitionDir(w.o.Partition, bk))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	n := w.seq[dir]
	w.seq[dir] = n + 1
	f, err := newFile(filepath.Join(dir, fmt.Sprintf("%s-%06d.parquet", w.o.Prefix, n)), w.t, w.o, rows)
	if err != nil {
		return nil, err
	}
	w.open[bk] = f
	return f, nil
}

func (w *tableWriter) retireOldest() error {
	var oldest int64
	var of *file
	for k, f := range w.open {
		if of == nil || f.lastUse < of.lastUse {
			oldest, of = k, f
		}
	}
	delete(w.open, oldest)
	if w.last == of {
		w.last = nil
	}
	w.done = append(w.done, of)
	return of.finish()
}

// finish hands the last records of every file to its encoder without
// waiting, so that the files of all tables are finished concurrently.
func (w *tableWriter) finish() error {
	var errs []error
	for _, f := range w.open {
		if err := f.finish(); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// seal finishes every file and waits until it is written out and closed
// under its temporary name (see file.seal); with no rows at all and no
// partitioning it first starts one empty file, so the table always exists.
func (w *tableWriter) seal() error {
	if w.rows == 0 && len(w.open) == 0 && len(w.done) == 0 && w.o.Partition == PartitionNone {
		// An empty table's one file: its builders need no room.
		if _, err := w.create(bucketOf(w.o.Partition, 0), 0); err != nil {
			return err
		}
	}
	var errs []error
	for _, f := range append(w.done, w.sorted()...) {
		if err := f.seal(); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// commit renames every sealed file into place and adds its final path to
// written.
func (w *tableWriter) commit(written map[string]bool) error {
	var errs []error
	for _, f := range append(w.done, w.sorted()...) {
		if err := f.enc.af.Commit(); err != nil {
			errs = append(errs, err)
			continue
		}
		written[f.enc.af.Name()] = true
	}
	w.open, w.done, w.last = nil, nil, nil
	return joinErrs(errs)
}

// abort removes every file of the table.
func (w *tableWriter) abort() error {
	var errs []error
	for _, f := range append(w.done, w.sorted()...) {
		if err := f.abort(); err != nil {
			errs = append(errs, err)
		}
	}
	w.open, w.done, w.last = nil, nil, nil
	return joinErrs(errs)
}

// sorted returns the open files in a deterministic order.
func (w *tableWriter) sorted() []*file {
	keys := make([]int64, 0, len(w.open))
	for k := range w.open {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	out := make([]*file, len(keys))
	for i, k := range keys {
		out[i] = w.open[k]
	}
	return out
}
