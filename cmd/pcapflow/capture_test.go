package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pqfile "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/pcapflow/pcapflow/internal/netns"
	"github.com/pcapflow/pcapflow/pipeline/live"
)

func TestParseRotate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want live.Rotation
		bad  bool
	}{
		{"", live.Rotation{}, false},
		{"1m", live.Rotation{Every: int64(time.Minute)}, false},
		{"90s", live.Rotation{Every: int64(90 * time.Second)}, false},
		{"100MB", live.Rotation{Bytes: 100e6}, false},
		{"2KiB", live.Rotation{Bytes: 2048}, false},
		{"5000", live.Rotation{Bytes: 5000}, false},
		{"1g", live.Rotation{Bytes: 1e9}, false},
		{"0s", live.Rotation{}, true},
		{"-5MB", live.Rotation{}, true},
		{"soon", live.Rotation{}, true},
	} {
		got, err := parseRotate(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("parseRotate(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestCaptureUsage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pcap")
	for _, tc := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no interface", []string{"capture", "-w", out}, "no interface"},
		{"no output", []string{"capture", "-i", "lo"}, "no output"},
		{"bad filter", []string{"capture", "-i", "lo", "-w", out, "-f", "tcp port"}, "-f"},
		{"bad rotate", []string{"capture", "-i", "lo", "-w", out, "--rotate", "often"}, "--rotate"},
		{"rotate without -w", []string{"capture", "-i", "lo", "--split", dir, "--rotate", "1m"}, "--rotate applies to -w"},
		{"bad key", []string{"capture", "-i", "lo", "-w", out, "--by", "7-tuple"}, "--by"},
		{"positional", []string{"capture", "-i", "lo", "-w", out, "eth0"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.inStderr) {
				t.Fatalf("exit %d, want %d with %q in stderr:\n%s", code, exitUsage, tc.inStderr, stderr)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a usage error left %s behind", out)
	}
}

// icmpFrames counts the Ethernet/IPv4/ICMP frames among frames.
func icmpFrames(frames []capturedFrame) int {
	n := 0
	for _, f := range frames {
		d := f.data
		if len(d) >= 34 && d[12] == 0x08 && d[13] == 0x00 && d[23] == 1 {
			n++
		}
	}
	return n
}

// parquetRows sums the rows of the Parquet files of one table, opening
// each (a file without its footer fails to open).
func parquetRows(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	files := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		r, err := pqfile.OpenParquetFile(p, false)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		n += r.NumRows()
		files++
		return r.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Errorf("no Parquet files in %s", dir)
	}
	return n
}

// TestCaptureSIGTERM captures ICMP between two namespaces into a pcapng
// file, a per-flow split and Parquet tables at once, stops the capture
// with SIGTERM and checks every output is complete and agrees.
func TestCaptureSIGTERM(t *testing.T) {
	a, b := pingPair(t, "cap", "10.98.0")
	dir := t.TempDir()
	out := filepath.Join(dir, "live.pcapng")
	splitDir := filepath.Join(dir, "split")
	pq := filepath.Join(dir, "pq")
	p := startPcapflow(t, b, "capturing on", "capture", "-i", "vb", "-f", "icmp", "-w", out,
		"--split", splitDir, "--by", "ip-pair", "--parquet", pq)
	const pings = 20
	r := a.Ping("10.98.0.2", pings)
	if len(r.RTT) != pings {
		t.Fatalf("%d of %d pings answered:\n%s", len(r.RTT), pings, r.Output)
	}
	time.Sleep(100 * time.Millisecond)
	if code := p.stop(t); code != 0 {
		t.Fatalf("capture exited %d after SIGTERM:\n%s", code, p.stderr.String())
	}
	log := p.stderr.String()
	t.Logf("capture output:\n%s", log)
	frames := readCapture(t, out)
	if len(frames) != 2*pings || icmpFrames(frames) != len(frames) {
		t.Errorf("%s holds %d frames (%d ICMP), want %d ICMP only", out, len(frames), icmpFrames(frames), 2*pings)
	}
	for i := 1; i < len(frames); i++ {
		if frames[i].ts < frames[i-1].ts {
			t.Errorf("frame %d timestamp goes back", i+1)
		}
	}
	if !strings.Contains(log, "vb: kernel received") {
		t.Errorf("no kernel counters in the report")
	}
	if manifest := readManifest(t, splitDir); len(manifest) != 1 || manifest[0].Packets != 2*pings {
		t.Errorf("manifest: %+v", manifest)
	}
	if n := parquetRows(t, filepath.Join(pq, "packets")); n != int64(len(frames)) {
		t.Errorf("Parquet packets table has %d rows, the capture %d frames", n, len(frames))
	}
	if n := parquetRows(t, filepath.Join(pq, "flows")); n != 1 {
		t.Errorf("Parquet flows table has %d rows, want 1 (one ping flow)", n)
	}
}

// TestCaptureCountRotate stops by itself after --count packets, written
// into files rotated by size, each valid on its own.
func TestCaptureCountRotate(t *testing.T) {
	a, b := pingPair(t, "rot", "10.97.0")
	dir := t.TempDir()
	const count = 30
	p := startPcapflow(t, b, "capturing on", "capture", "-i", "vb", "-f", "icmp", "-c", "30",
		"-w", filepath.Join(dir, "rot.pcap"), "--rotate", "2KB", "--duration", "20s")
	a.Ping("10.97.0.2", 20)
	if code := p.wait(t); code != 0 {
		t.Fatalf("capture exited %d:\n%s", code, p.stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "rot-*.pcap"))
	total := 0
	for _, f := range files {
		fr := readCapture(t, f)
		st, _ := os.Stat(f)
		if len(fr) == 0 || st.Size() > 2000+24+16+1514 {
			t.Errorf("%s: %d frames, %d bytes", f, len(fr), st.Size())
		}
		total += len(fr)
	}
	if total != count || len(files) < 2 {
		t.Errorf("%d files with %d frames in all, want several holding %d:\n%s", len(files), total, count, p.stderr.String())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*partial*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCaptureDecapKernelVXLAN pings across a VXLAN overlay made of the
// kernel's own VXLAN devices and captures the underlay with --decap: the
// split and the flows table see the overlay's ICMP flow, as a probe fed by
// a mirroring session would, where without --decap they see one UDP flow.
func TestCaptureDecapKernelVXLAN(t *testing.T) {
	a, b := pingPair(t, "vx", "10.97.0")
	for _, s := range []struct {
		ns            *netns.NS
		remote, local string
		under         string
	}{{a, "10.97.0.2", "192.168.77.1/24", "va"}, {b, "10.97.0.1", "192.168.77.2/24", "vb"}} {
		if out, err := s.ns.IP("link", "add", "vx0", "type", "vxlan", "id", "42", "remote", s.remote, "dstport", "4789", "dev", s.under); err != nil {
			t.Skipf("no kernel VXLAN here: %v %s", err, out)
		}
		s.ns.MustIP("link", "set", "vx0", "up")
		s.ns.Addr("vx0", s.local)
	}
	for _, decap := range []bool{true, false} {
		dir := t.TempDir()
		splitDir := filepath.Join(dir, "split")
		args := []string{"capture", "-i", "vb", "-f", "udp port 4789", "--split", splitDir, "--by", "5-tuple"}
		if decap {
			args = append(args, "--decap")
		}
		p := startPcapflow(t, b, "capturing on", args...)
		const pings = 5
		if r := a.Ping("192.168.77.2", pings); len(r.RTT) != pings {
			t.Fatalf("%d of %d pings over VXLAN answered:\n%s", len(r.RTT), pings, r.Output)
		}
		time.Sleep(100 * time.Millisecond)
		if code := p.stop(t); code != 0 {
			t.Fatalf("capture exited %d:\n%s", code, p.stderr.String())
		}
		manifest := readManifest(t, splitDir)
		want := "icmp 192.168.77.1:0 <-> 192.168.77.2:0"
		if !decap {
			want = "udp "
		}
		var keys []string
		for _, m := range manifest {
			if m.Kind != "other" {
				keys = append(keys, m.Key)
			}
		}
		if len(keys) == 0 || !strings.HasPrefix(keys[0], want) || decap && manifest[0].Packets < 2*pings {
			t.Errorf("decap %v: split keys %v (manifest %+v), want a flow starting %q", decap, keys, manifest, want)
		}
	}
}
