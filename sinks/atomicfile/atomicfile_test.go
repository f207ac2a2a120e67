package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestCommitAndAbort(t *testing.T) {
	tests := []struct {
		name    string
		commit  bool
		sync    bool
		seal    bool   // Seal before Commit or Abort
		old     string // existing content at the final path
		want    string // content after, "" = absent
		wantDir int
	}{
		{name: "commit", commit: true, want: "hello", wantDir: 1},
		{name: "commit with sync", commit: true, sync: true, want: "hello", wantDir: 1},
		{name: "commit replaces", commit: true, old: "old", want: "hello", wantDir: 1},
		{name: "abort", commit: false, wantDir: 0},
		{name: "abort keeps old", commit: false, old: "old", want: "old", wantDir: 1},
		{name: "seal, commit", commit: true, seal: true, old: "old", want: "hello", wantDir: 1},
		{name: "seal with sync, commit", commit: true, seal: true, sync: true, want: "hello", wantDir: 1},
		{name: "seal, abort keeps old", commit: false, seal: true, old: "old", want: "old", wantDir: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.pcap")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			f.SetSync(tt.sync)
			if !strings.HasPrefix(filepath.Base(f.TempName()), ".out.pcap.partial-") || filepath.Dir(f.TempName()) != dir {
				t.Errorf("temp name %q", f.TempName())
			}
			if _, err := f.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			// Before commit the final path holds the old content only.
			if b, err := os.ReadFile(path); tt.old == "" && err == nil || tt.old != "" && string(b) != tt.old {
				t.Errorf("final path visible before commit: %q %v", b, err)
			}
			if tt.seal {
				if err := f.Seal(); err != nil {
					t.Fatal(err)
				}
				if err := f.Seal(); err != nil {
					t.Errorf("second Seal: %v", err)
				}
				// Sealed: still under the temporary name only.
				if b, err := os.ReadFile(path); tt.old == "" && err == nil || tt.old != "" && string(b) != tt.old {
					t.Errorf("final path visible after seal: %q %v", b, err)
				}
				if b, err := os.ReadFile(f.TempName()); string(b) != "hello" {
					t.Errorf("sealed temporary file holds %q, %v", b, err)
				}
			}
			if tt.commit {
				err = f.Commit()
			} else {
				err = f.Abort()
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Abort(); err != nil {
				t.Errorf("Abort after finishing: %v", err)
			}
			if err := f.Commit(); err == nil {
				t.Error("second Commit succeeded")
			}
			b, err := os.ReadFile(path)
			if tt.want == "" {
				if err == nil {
					t.Errorf("final file exists: %q", b)
				}
			} else if string(b) != tt.want {
				t.Errorf("content %q, %v; want %q", b, err, tt.want)
			}
			if got := listDir(t, dir); len(got) != tt.wantDir {
				t.Errorf("directory holds %v", got)
			}
			if tt.commit && runtime.GOOS != "windows" {
				st, _ := os.Stat(path)
				if st.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, want 0644", st.Mode())
				}
			}
		})
	}
}

func TestCreateErrors(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "missing", "x.pcap")); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
}

func TestCommitRenameFailureRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(target) // final path is a non-empty directory: rename fails
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit over a non-empty directory succeeded")
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("temp file left behind: %v", got)
	}
}
