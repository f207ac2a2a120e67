package input

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pcapflow/pcapflow/pipeline"
)

func entryPaths(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

func TestExpandGlobsAndLists(t *testing.T) {
	dir, _, _ := testTree(t)
	j := func(p ...string) string { return filepath.Join(append([]string{dir}, p...)...) }
	list := j("list.txt")
	writeFile(t, list, []byte("# inputs of the nightly run\n\na.pcap\n  b  \n"+j("*.txt")+"\n"))
	writeFile(t, j("bad.txt"), []byte("@nested\n"))
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		keys    []string
		wantErr string
	}{
		{name: "glob", args: []string{j("*.pcap")}, want: []string{j("a.pcap"), j("d.pcap")}, keys: []string{j("a.pcap"), j("d.pcap")}},
		{name: "glob of dirs", args: []string{j("?")}, want: []string{j("b", "c.pcapng.gz")}, keys: []string{"c.pcapng.gz"}},
		{name: "dir keys are relative", args: []string{dir}, keys: []string{"a.pcap", "b/c.pcapng.gz", "bad.txt", "c.txt", "d.pcap", "list.txt"}},
		{name: "list", args: []string{"@" + list}, want: []string{j("a.pcap"), j("b", "c.pcapng.gz"), j("bad.txt"), j("c.txt"), j("list.txt")}},
		{name: "glob without match", args: []string{j("*.pcapng")}, wantErr: "no file matches"},
		{name: "missing list", args: []string{"@" + j("nope.txt")}, wantErr: "input list"},
		{name: "nested list", args: []string{"@" + j("bad.txt")}, wantErr: "bad.txt:1"},
		{name: "bad glob", args: []string{j("[")}, wantErr: "bad glob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ExpandEntries(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && !slices.Equal(entryPaths(got), tc.want) {
				t.Errorf("paths\n got %q\nwant %q", entryPaths(got), tc.want)
			}
			if tc.keys != nil {
				var keys []string
				for _, e := range got {
					keys = append(keys, e.Key)
				}
				want := tc.keys
				if !slices.Equal(keys, want) {
					t.Errorf("keys\n got %q\nwant %q", keys, want)
				}
			}
		})
	}
	if _, err := ExpandEntries([]string{j("*.nothing")}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("unmatched glob: %v does not wrap fs.ErrNotExist", err)
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"1/1", true}, {"3/8", true}, {"0/4", false}, {"5/4", false}, {"1/0", false}, {"1", false}, {"a/b", false}, {"-1/2", false}} {
		s, err := ParseShard(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, s, err)
		}
		if err == nil && s.String() != tc.in {
			t.Errorf("ParseShard(%q).String() = %q", tc.in, s)
		}
	}
}

// TestShardCoverage: for several N, the shards 1/N…N/N of 500 entries are
// pairwise disjoint and their union is every entry; the split is the same
// every time and reasonably even.
func TestShardCoverage(t *testing.T) {
	var all []Entry
	for i := range 500 {
		k := fmt.Sprintf("2024/%02d/%02d/cap-%04d.pcap.zst", i%12+1, i%28+1, i)
		all = append(all, Entry{Path: "/mnt/archive/" + k, Key: k})
	}
	for _, n := range []int{1, 2, 3, 7, 16} {
		owner := map[string]int{}
		for k := 1; k <= n; k++ {
			part, err := Shard(all, ShardSpec{K: k, N: n})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Shard(all, ShardSpec{K: k, N: n})
			if !slices.Equal(part, again) {
				t.Fatalf("%d/%d differs between two calls", k, n)
			}
			if mean := len(all) / n; n > 1 && (len(part) < mean/2 || len(part) > mean*3/2) {
				t.Errorf("%d/%d holds %d of %d entries", k, n, len(part), len(all))
			}
			for _, e := range part {
				if prev, dup := owner[e.Path]; dup {
					t.Fatalf("%s in shards %d and %d of %d", e.Path, prev, k, n)
				}
				owner[e.Path] = k
			}
		}
		if len(owner) != len(all) {
			t.Errorf("N=%d: shards cover %d of %d entries", n, len(owner), len(all))
		}
	}
	if _, err := Shard([]Entry{{Path: "-", Key: "-"}}, ShardSpec{1, 2}); err == nil {
		t.Error("sharding stdin: no error")
	}
	// The key, not the mount point, decides.
	s := ShardSpec{K: 1, N: 5}
	if s.Of("2024/01/a.pcap") != s.Of("2024/01/a.pcap") {
		t.Error("Of is not deterministic")
	}
}

// TestSourceJobs reads many inputs with Jobs=3: every input's frames arrive
// complete and in order, input ids follow the argument order, and damage is
// reported as in a sequential read.
func TestSourceJobs(t *testing.T) {
	dir, _, _ := testTree(t)
	for i := range 6 {
		var recs []rec
		for k := range 5 + i*7 {
			recs = append(recs, rec{sec: uint32(k), data: frame(60+k%9, byte(i))})
		}
		writeFile(t, filepath.Join(dir, "more", fmt.Sprintf("m%d.pcap", i)), pcapFile(le, magicMicro, 96, 1, recs...))
	}
	seq, err := NewSource([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantSink, wantInputs, err := runSource(t, seq)
	if err != nil {
		t.Fatal(err)
	}
	for _, jobs := range []int{2, 3, 16} {
		src, err := NewSource([]string{dir}, Options{Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		sink, inputs, err := runSource(t, src)
		if err != nil {
			t.Fatal(err)
		}
		perInput := func(s *recordSink) map[pipeline.InputID][]uint64 {
			m := map[pipeline.InputID][]uint64{}
			for _, p := range s.pkts {
				m[p.ci.Input] = append(m[p.ci.Input], p.ci.Frame)
			}
			return m
		}
		got, want := perInput(sink), perInput(wantSink)
		if len(got) != len(want) {
			t.Fatalf("jobs=%d: %d inputs delivered, want %d", jobs, len(got), len(want))
		}
		for id, frames := range want {
			if !slices.Equal(got[id], frames) {
				t.Errorf("jobs=%d: input %d frames %v, want %v", jobs, id, got[id], frames)
			}
		}
		a, b := inputs.All(), wantInputs.All()
		for i := range b {
			if a[i].Name != b[i].Name || a[i].Packets != b[i].Packets || (a[i].Damage == nil) != (b[i].Damage == nil) {
				t.Errorf("jobs=%d: input %d = %+v, want %+v", jobs, i, a[i], b[i])
			}
		}
		if sl := src.Snaplen(pipeline.InputID(len(b) - 1)); sl != 96 {
			t.Errorf("jobs=%d: snaplen of the last input %d, want 96", jobs, sl)
		}
	}
}

func TestReaderSnaplen(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want uint32
	}{
		{"pcap", pcapFile(le, magicMicro, 68, 1), 68},
		{"pcap unset", pcapFile(be, magicNano, 0, 1), 0},
		{"pcapng max of interfaces", (&ngFile{}).shb(le).idb(1, 128).idb(1, 4096).idb(1, 0).b, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := NewReader(strings.NewReader(string(tc.data)))
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			b := pipeline.NewBatch(4, 1024)
			for rd.ReadPacket(b, 0) == nil {
			}
			if got := rd.Snaplen(); got != tc.want {
				t.Errorf("Snaplen %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzParseShard: any accepted spec is in range, prints back as given,
// and puts any key in exactly one shard of its N.
func FuzzParseShard(f *testing.F) {
	f.Add("1/4", "2024/01/a.pcap")
	f.Add("7/7", "")
	f.Fuzz(func(t *testing.T, spec, key string) {
		s, err := ParseShard(spec)
		if err != nil {
			return
		}
		if s.K < 1 || s.K > s.N {
			t.Fatalf("ParseShard(%q) = %v", spec, s)
		}
		if k := s.Of(key); k < 1 || k > s.N {
			t.Fatalf("Of(%q) = %d outside 1..%d", key, k, s.N)
		}
	})
}
