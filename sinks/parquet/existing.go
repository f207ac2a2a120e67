package parquet

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// What to do when a table directory already holds Parquet files (see
// Options.IfExists).
const (
	// ExistingRefuse fails New when any table to be written already has a
	// .parquet file under DIR/TABLE: runs never mix silently.
	ExistingRefuse = "refuse"
	// ExistingOverwrite replaces the earlier files of the tables written:
	// they are removed only after the run has committed its own, so an
	// aborted run leaves the earlier dataset as it was.
	ExistingOverwrite = "overwrite"
	// ExistingAppend adds this run's files beside the earlier ones under
	// a run-unique prefix (PREFIX-YYYYMMDDTHHMMSSZ-RRRRRR-NNNNNN.parquet),
	// so one dataset grows run after run.
	ExistingAppend = "append"
)

// existingFiles lists the .parquet files under DIR/TABLE for every table
// (temporary files of other runs are not listed).
func existingFiles(dir string, tables []string) ([]string, error) {
	var out []string
	for _, t := range tables {
		root := filepath.Join(dir, t)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == root {
					return fs.SkipDir
				}
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".parquet") && !strings.HasPrefix(d.Name(), ".") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("parquet: %w", err)
		}
	}
	return out, nil
}

// runPrefix returns prefix followed by a run-unique tag: the UTC start time
// (a name only; no analysis reads the wall clock) and 24 random bits.
func runPrefix(prefix string) string {
	var r [3]byte
	rand.Read(r[:])
	return prefix + "-" + time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(r[:])
}

// prepareExisting applies o.IfExists to the files already in o.Dir and
// returns the earlier files an overwrite removes after commit.
func prepareExisting(o *Options) ([]string, error) {
	switch o.IfExists {
	case ExistingRefuse, ExistingOverwrite, ExistingAppend:
	default:
		return nil, fmt.Errorf("parquet: unknown IfExists %q (want refuse, overwrite or append)", o.IfExists)
	}
	old, err := existingFiles(o.Dir, o.Tables)
	if err != nil {
		return nil, err
	}
	switch {
	case len(old) == 0:
		return nil, nil
	case o.IfExists == ExistingRefuse:
		return nil, &ExistsError{Dir: o.Dir, Files: len(old), Example: old[0]}
	case o.IfExists == ExistingAppend:
		if err := sameSchemas(o.Dir, old); err != nil {
			return nil, err
		}
		o.Prefix = runPrefix(o.Prefix)
		return nil, nil
	}
	return old, nil
}

// sameSchemas checks that the first earlier file of each table (files,
// under dir/TABLE) has the columns this version writes, in order and of
// the same types: a dataset that mixed schemas would not read as one
// table in Spark or pandas, and would in DuckDB only by name.
func sameSchemas(dir string, files []string) error {
	checked := map[string]bool{}
	for _, p := range files {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			continue
		}
		name, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		mk, ok := tableMakers[name]
		if !ok || checked[name] {
			continue
		}
		checked[name] = true
		if err := fileHasSchema(p, mk().Schema()); err != nil {
			return &SchemaError{File: p, Table: name, Reason: err.Error()}
		}
	}
	return nil
}

// fileHasSchema returns an error saying how the Parquet file at path
// differs from want (a dictionary column counts as its values' type).
func fileHasSchema(path string, want *arrow.Schema) error {
	f, err := pqfile.OpenParquetFile(path, false)
	if err != nil {
		return err
	}
	defer f.Close()
	got, err := pqarrow.FromParquet(f.MetaData().Schema, &pqarrow.ArrowReadProperties{}, f.MetaData().KeyValueMetadata())
	if err != nil {
		return err
	}
	typeOf := func(t arrow.DataType) string {
		if d, ok := t.(*arrow.DictionaryType); ok {
			t = d.ValueType
		}
		return t.String()
	}
	for i, w := range want.Fields() {
		switch {
		case i >= got.NumFields():
			return fmt.Errorf("it has no column %s", w.Name)
		case got.Field(i).Name != w.Name:
			return fmt.Errorf("its column %d is %s where this version writes %s", i+1, got.Field(i).Name, w.Name)
		case typeOf(got.Field(i).Type) != typeOf(w.Type):
			return fmt.Errorf("its column %s is %s where this version writes %s", w.Name, typeOf(got.Field(i).Type), typeOf(w.Type))
		}
	}
	if got.NumFields() > want.NumFields() {
		return fmt.Errorf("it has a column %s this version does not write", got.Field(want.NumFields()).Name)
	}
	return nil
}

// SchemaError reports that --append would add files to a table directory
// whose earlier files have other columns (written by another version).
type SchemaError struct {
	File, Table, Reason string
}

// Error names the file and the first difference.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("parquet: cannot append to the %s table: %s was written with another schema (%s)", e.Table, e.File, e.Reason)
}

// ExistsError reports that the output directory already holds Parquet
// files of the tables to write (with IfExists "refuse").
type ExistsError struct {
	Dir     string
	Files   int
	Example string
}

// Error says which table directory already holds files and how to proceed.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("parquet: %s already holds %d Parquet file(s) of these tables (e.g. %s)", e.Dir, e.Files, e.Example)
}

// removeStale deletes the earlier files that this run's commit did not
// replace by name, and the partition directories left empty.
func removeStale(old []string, written map[string]bool) error {
	var errs []error
	for _, p := range old {
		if written[p] {
			continue
		}
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
			continue
		}
		// Remove emptied partition directories (never the table's own).
		for d := filepath.Dir(p); strings.Contains(filepath.Base(d), "="); d = filepath.Dir(d) {
			if os.Remove(d) != nil {
				break
			}
		}
	}
	return joinErrs(errs)
}
