package split

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFreshDirectory: a run into a directory that does not exist writes
// into DIR.partial under final names and renames that directory at the end;
// an aborted one leaves only DIR.partial, whose manifest says it is
// incomplete.
func TestFreshDirectory(t *testing.T) {
	finals := []string{"10.0.0.1_10.0.0.2.pcap", "10.0.0.1_10.0.0.3.pcap", ManifestCSV, ManifestJSON, "other.pcap"}
	t.Run("complete", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out", "flows")
		_, infos, datas := run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, mixed, 3, false)
		if got := dirFiles(t, dir); !slices.Equal(got, finals) {
			t.Fatalf("files %v, want %v", got, finals)
		}
		if _, err := os.Lstat(dir + PartialSuffix); err == nil {
			t.Error("work directory left behind")
		}
		back := readCapture(t, filepath.Join(dir, "10.0.0.1_10.0.0.3.pcap"))
		if len(back) != 3 || !bytes.Equal(back[2].data, datas[7]) || back[0].origLen != infos[3].OrigLen {
			t.Errorf("file content %+v", back)
		}
		if m := readManifest(t, dir); len(m) != 3 || m[0].File != "10.0.0.1_10.0.0.2.pcap" {
			t.Errorf("manifest %+v", m)
		}
	})
	t.Run("aborted", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "flows")
		run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, mixed, 3, true)
		if _, err := os.Lstat(dir); err == nil {
			t.Fatal("an aborted run created the final directory")
		}
		work := dir + PartialSuffix
		want := []string{"10.0.0.1_10.0.0.2.pcap", "10.0.0.1_10.0.0.3.pcap", PartialManifestName, "other.pcap"}
		if got := dirFiles(t, work); !slices.Equal(got, want) {
			t.Fatalf("work directory holds %v, want %v", got, want)
		}
		var pm PartialManifest
		raw, _ := os.ReadFile(filepath.Join(work, PartialManifestName))
		if err := json.Unmarshal(raw, &pm); err != nil || !pm.Interrupted || len(pm.Files) != 3 || pm.Files[0].File != "10.0.0.1_10.0.0.2.pcap" {
			t.Fatalf("partial manifest %s: %v", raw, err)
		}
		// A rerun does not mix with the leftover work directory: it writes
		// into DIR itself with per-file temporary names.
		run(t, Options{Dir: dir, Spec: mustSpec(t, "ip-pair")}, mixed, 3, false)
		if got := dirFiles(t, dir); !slices.Equal(got, finals) {
			t.Errorf("rerun files %v, want %v", got, finals)
		}
		if got := dirFiles(t, work); len(got) != 4 {
			t.Errorf("rerun touched the old work directory: %v", got)
		}
	})
}

// TestPublishIntoAppearedDirectory: when DIR appears during a fresh run,
// publish moves the files in one by one (manifests last) and refuses to
// overwrite.
func TestPublishIntoAppearedDirectory(t *testing.T) {
	base := t.TempDir()
	work, dir := filepath.Join(base, "w.partial"), filepath.Join(base, "w")
	for _, d := range []string{work, dir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"a.pcap", ManifestJSON, "b.pcap"} {
		if err := os.WriteFile(filepath.Join(work, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "parquet.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := publish(work, dir); err != nil {
		t.Fatal(err)
	}
	if got, want := dirFiles(t, dir), []string{"a.pcap", "b.pcap", ManifestJSON, "parquet.txt"}; !slices.Equal(got, want) {
		t.Errorf("dir holds %v, want %v", got, want)
	}
	if _, err := os.Lstat(work); err == nil {
		t.Error("work directory left behind")
	}

	// A name taken in dir: error, the manifest stays behind in work.
	os.Mkdir(work, 0o755)
	os.WriteFile(filepath.Join(work, "a.pcap"), []byte("new"), 0o644)
	os.WriteFile(filepath.Join(work, ManifestCSV), []byte("new"), 0o644)
	if err := publish(work, dir); err == nil {
		t.Fatal("publish overwrote an existing file")
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, "a.pcap")); string(raw) != "a.pcap" {
		t.Errorf("existing file changed to %q", raw)
	}
	if _, err := os.Lstat(filepath.Join(dir, ManifestCSV)); err == nil {
		t.Error("manifest moved although a file could not be")
	}
}

// TestFreshDirectoryNothingRead: a fresh run aborted before its first
// packet (another sink of the run failed to start) leaves no directory.
func TestFreshDirectoryNothingRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "flows")
	s, err := New(Options{Dir: dir, Spec: mustSpec(t, "ip-pair")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(true); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, dir + PartialSuffix} {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("%s left behind", d)
		}
	}
}
