package split

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// workDir picks where a run writes. When dir does not exist yet (nor
// dir.partial), the run writes into dir.partial under final file names and
// publish renames that one directory at the end: one rename instead of one
// per file, which is a serial tail of about 0.4 s on a 20,000-file split.
// Otherwise (dir exists, maybe holding other files) files are written as
// NAME.partial in dir and renamed one by one.
func workDir(dir string) (work string, fresh bool, err error) {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		tmp := filepath.Clean(dir) + PartialSuffix
		if _, err := os.Lstat(tmp); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(tmp, 0o755); err != nil {
				return "", false, fmt.Errorf("split: %w", err)
			}
			return tmp, true, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("split: %w", err)
	}
	return dir, false, nil
}

// publish renames a fresh run's work directory to dir. When dir appeared
// during the run (another sink of the same run, or another program, made
// it), the entries are moved into it one by one instead; an entry that
// exists in dir already is an error, never overwritten.
func publish(work, dir string) error {
	err := os.Rename(work, dir)
	if err == nil {
		return nil
	}
	if _, serr := os.Stat(dir); serr != nil {
		return fmt.Errorf("split: %w", err)
	}
	entries, err := os.ReadDir(work)
	if err != nil {
		return fmt.Errorf("split: %w", err)
	}
	// The manifests go last: dir only looks complete once every file is in.
	slices.SortStableFunc(entries, func(a, b fs.DirEntry) int {
		return cmp.Compare(isManifest(a.Name()), isManifest(b.Name()))
	})
	for _, e := range entries {
		to := filepath.Join(dir, e.Name())
		if _, err := os.Lstat(to); err == nil {
			return fmt.Errorf("split: %s exists already; the run's files are in %s", to, work)
		}
		if err := os.Rename(filepath.Join(work, e.Name()), to); err != nil {
			return fmt.Errorf("split: %w", err)
		}
	}
	if err := os.Remove(work); err != nil {
		return fmt.Errorf("split: %w", err)
	}
	return nil
}

// isManifest is 1 for the manifest file names, else 0.
func isManifest(name string) int {
	if name == ManifestJSON || name == ManifestCSV {
		return 1
	}
	return 0
}
