package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pcapflow/pcapflow/pipeline"
	"github.com/spf13/pflag"
)

// parquetFilesUnder lists the .parquet files under dir, relative, sorted.
func parquetFilesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			r, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(r))
		}
		return err
	})
	sort.Strings(out)
	return out
}

func TestParquetUsage(t *testing.T) {
	dir := t.TempDir()
	in := genFile(t, dir, "syn.pcap", "synflood", "-n", "20")
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no -o", []string{"parquet", in}, exitUsage, "-o DIR is required"},
		{"no input", []string{"parquet", "-o", out}, exitUsage, "no input"},
		{"bad table", []string{"parquet", in, "-o", out, "--tables", "packets,nope"}, exitUsage, `unknown table "nope"`},
		{"bad partition", []string{"parquet", in, "-o", out, "--partition", "week"}, exitUsage, "--partition"},
		{"bad compression", []string{"parquet", in, "-o", out, "--compression", "lz5"}, exitUsage, "--compression"},
		{"small row group", []string{"parquet", in, "-o", out, "--row-group", "10"}, exitUsage, "--row-group"},
		{"overwrite and append", []string{"parquet", in, "-o", out, "--overwrite", "--append"}, exitUsage, "exclude"},
		{"good", []string{"parquet", in, "-o", out, "--compression", "snappy"}, exitOK, "packets 20 rows, flows 20 rows"},
		{"again refused", []string{"parquet", in, "-o", out}, exitUsage, "already holds 2 Parquet file(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d (want %d), stderr does not say %q:\n%s", code, tc.code, tc.inStderr, stderr)
			}
		})
	}
}

// TestParquetExistingFiles: a second run into the same directory refuses,
// overwrites (replacing every earlier file, partition directories too) or
// appends under a run-unique prefix.
func TestParquetExistingFiles(t *testing.T) {
	dir := t.TempDir()
	in := genFile(t, dir, "mix.pcap", "mix", "-n", "3000", "--rate", "20", "--start", "2024-01-01T00:59:30Z", "--seed", "3")
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "parquet", in, "-o", out, "--partition", "hour", "--tables", "packets"); code != 0 {
		t.Fatal(stderr)
	}
	hourly := parquetFilesUnder(t, out)
	if len(hourly) < 2 {
		t.Fatalf("150 s of packets across an hour boundary gave %v, want several hour partitions", hourly)
	}
	if code, _, _ := runCLI(t, "parquet", in, "-o", out, "--tables", "packets"); code != exitUsage {
		t.Fatalf("second run into a non-empty directory: exit %d, want 2", code)
	}
	if got := parquetFilesUnder(t, out); strings.Join(got, " ") != strings.Join(hourly, " ") {
		t.Fatalf("refused run changed the files: %v", got)
	}
	if code, _, stderr := runCLI(t, "parquet", in, "-o", out, "--tables", "packets", "--overwrite"); code != 0 {
		t.Fatal(stderr)
	}
	if got := parquetFilesUnder(t, out); strings.Join(got, " ") != "packets/part-000000.parquet" {
		t.Fatalf("after --overwrite: %v, want only packets/part-000000.parquet", got)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "packets")); len(entries) != 1 {
		t.Errorf("--overwrite left %d entries in packets/ (empty partition directories?)", len(entries))
	}
	code, stdout, stderr := runCLI(t, "parquet", in, "-o", out, "--tables", "packets", "--append", "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	got := parquetFilesUnder(t, out)
	if len(got) != 2 || got[0] == got[1] || !strings.HasPrefix(got[0], "packets/part-") || !strings.HasPrefix(got[1], "packets/part-") {
		t.Fatalf("after --append: %v, want the earlier file and one with a run prefix", got)
	}
	var sum parquetSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Rows["packets"] != 3000 || sum.Packets != 3000 || len(sum.Inputs) != 1 {
		t.Errorf("summary %+v, want 3000 packets and rows from 1 input", sum)
	}

	// A table directory holding a file of another schema (an earlier
	// version's) is not appended to.
	old := filepath.Join(out, "flows", "part-old.parquet")
	writeParquet(t, old, arrow.NewSchema([]arrow.Field{{Name: "flow_id", Type: arrow.PrimitiveTypes.Uint64}}, nil))
	code, _, stderr = runCLI(t, "parquet", in, "-o", out, "--tables", "packets,flows", "--append")
	if code != exitUsage || !strings.Contains(stderr, "cannot append to the flows table") || !strings.Contains(stderr, "no column community_id") {
		t.Fatalf("--append onto another schema: exit %d: %s", code, stderr)
	}
	if got := parquetFilesUnder(t, out); len(got) != 3 {
		t.Errorf("the refused append changed the files: %v", got)
	}
}

// writeParquet writes an empty Parquet file of schema sc at path.
func writeParquet(t *testing.T, path string, sc *arrow.Schema) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(sc, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestParquetFlag: the --parquet helper other commands call adds a sink
// only when the flag is given, with its --parquet-* settings checked.
func TestParquetFlag(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		sinks int
		err   string
	}{
		{nil, 0, ""},
		{[]string{"--parquet", t.TempDir()}, 1, ""},
		{[]string{"--parquet", t.TempDir(), "--parquet-tables", "all", "--parquet-partition", "date"}, 1, ""},
		{[]string{"--parquet", t.TempDir(), "--parquet-tables", "bogus"}, 0, "--parquet-tables"},
		{[]string{"--parquet", t.TempDir(), "--parquet-compression", "lz5"}, 0, "--parquet-compression"},
	} {
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		p := declareParquet(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		g := &pipeline.Graph{}
		err := p.attach(g, &pipeline.Inputs{})
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.err)
		}
		if len(g.Sinks) != tc.sinks {
			t.Errorf("%v: %d sinks, want %d", tc.args, len(g.Sinks), tc.sinks)
		}
		for _, s := range g.Sinks {
			s.Close(true)
		}
	}
}
